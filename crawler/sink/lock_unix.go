//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sink

import (
	"errors"
	"os"
	"syscall"
)

// tryLockFile takes an exclusive advisory lock on the file at path,
// creating it, without waiting. It reports false when another process holds
// the lock. The lock lasts until unlockFile closes the returned file.
func tryLockFile(path string) (*os.File, bool, error) {
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}

	if err := syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		file.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, err
	}

	return file, true, nil
}

// unlockFile releases a lock taken by tryLockFile.
func unlockFile(file *os.File) {
	if file != nil {
		file.Close() // closing the descriptor releases the flock
	}
}
