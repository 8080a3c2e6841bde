//go:build !unix

package main

import "errors"

// errLocked is the outcome of a crawl that found its run lock held by
// another process.
var errLocked = errors.New("another crawl holds the run lock")

// runLock is a no-op on systems without flock(2).
//
// NOTE: on Windows and other non-Unix systems two crawls are not kept from
// overlapping; a LockFileEx version is not written yet.
type runLock struct{}

func acquireRunLock(string) (*runLock, error) { return &runLock{}, nil }

func (*runLock) release() error { return nil }
