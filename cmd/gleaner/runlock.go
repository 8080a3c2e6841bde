//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// errLocked is the outcome of a crawl that found its run lock held by
// another process.
var errLocked = errors.New("another crawl holds the run lock")

// runLock is an exclusive flock(2) on a file, held for the length of one
// crawl. The kernel releases it when the process ends, however it ends, so
// a crashed run leaves no stale lock behind. The file itself stays.
type runLock struct {
	file *os.File
}

// acquireRunLock takes the lock on path without waiting, creating the file
// and its folder when missing, and writes this process's PID into it. When
// another process holds the lock, it returns an error wrapping errLocked
// that names the file and the PID written in it.
func acquireRunLock(path string) (*runLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("run lock %s: %w", path, err)
	}

	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("run lock %s: %w", path, err)
	}

	if err := unix.Flock(int(file.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		holder := readLockHolder(file)
		file.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w %s (held by PID %s); this run stops without crawling", errLocked, path, holder)
		}
		return nil, fmt.Errorf("run lock %s: %w", path, err)
	}

	if err := writeLockHolder(file); err != nil {
		file.Close()
		return nil, fmt.Errorf("run lock %s: %w", path, err)
	}
	return &runLock{file: file}, nil
}

// release empties the file and gives the lock up.
func (l *runLock) release() error {
	if err := l.file.Truncate(0); err != nil {
		l.file.Close()
		return fmt.Errorf("release run lock %s: %w", l.file.Name(), err)
	}
	if err := l.file.Close(); err != nil {
		return fmt.Errorf("release run lock %s: %w", l.file.Name(), err)
	}
	return nil
}

// writeLockHolder replaces the file's contents with this process's PID.
func writeLockHolder(file *os.File) error {
	if err := file.Truncate(0); err != nil {
		return err
	}
	if _, err := file.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		return err
	}
	return file.Sync()
}

// readLockHolder returns the PID written in the lock file, or "unknown"
// when the file holds no number.
func readLockHolder(file *os.File) string {
	buf := make([]byte, 32)
	n, _ := file.ReadAt(buf, 0)

	pid := strings.TrimSpace(string(buf[:n]))
	if _, err := strconv.Atoi(pid); err != nil {
		return "unknown"
	}
	return pid
}
