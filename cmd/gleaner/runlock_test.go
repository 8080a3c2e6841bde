//go:build unix

package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestRunLockExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "gleaner.lock")

	first, err := acquireRunLock(path)
	if err != nil {
		t.Fatalf("first lock: %v", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(data)); got != strconv.Itoa(os.Getpid()) {
		t.Errorf("lock file holds %q, want this process's PID", got)
	}

	_, err = acquireRunLock(path)
	if !errors.Is(err, errLocked) {
		t.Fatalf("second lock: error = %v, want errLocked", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "PID "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second lock: error = %q, want the path and the PID", err)
	}

	if err := first.release(); err != nil {
		t.Fatalf("release: %v", err)
	}
	again, err := acquireRunLock(path)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	if err := again.release(); err != nil {
		t.Fatalf("second release: %v", err)
	}
}

func TestRunLockUnknownHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.lock")
	held, err := acquireRunLock(path)
	if err != nil {
		t.Fatal(err)
	}
	defer held.release()
	if err := os.WriteFile(path, []byte("not a pid\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	_, err = acquireRunLock(path)

	if !errors.Is(err, errLocked) {
		t.Fatalf("error = %v, want errLocked", err)
	}
	if !strings.Contains(err.Error(), "PID unknown") {
		t.Errorf("error = %q, want the PID reported as unknown", err)
	}
}
