package sink

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gleanerhq/gleaner/extract"
)

// spool keeps the records a sink could not take, in arrival order, as JSON
// Lines in one file (see Marshal). The file exists only while it holds
// records: replaying every record removes it.
//
// While a Delivery has a spool open, it holds an advisory lock on the file
// PATH.lock, so that a second gleaner process using the same spool folder
// and sink destination fails to open instead of rewriting the spool under
// the first.
type spool struct {
	path    string
	pending int       // records in the file
	file    *lineFile // open for appending; nil while there is no file
	skipped int       // lines of the file that were no record, left out of replays
	lock    *os.File  // holds the lock on PATH.lock; nil without one
}

// ErrSpoolInUse is returned by Delivery.Open when another process holds
// the lock of a sink's spool.
var ErrSpoolInUse = errors.New("spool is in use by another gleaner process")

// openSpool locks the spool at path, then opens the file when it exists,
// repairs a torn last line and counts its records. A missing file is an
// empty spool. When the spool folder cannot be created, openSpool returns
// an unlocked empty spool, and add reports the problem when a record needs
// the spool.
func openSpool(path string) (*spool, int64, error) {
	s := &spool{path: path}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return s, 0, nil
	}

	lock, locked, err := tryLockFile(path + ".lock")
	if err != nil {
		return nil, 0, fmt.Errorf("spool %s: lock: %w", path, err)
	}
	if !locked {
		return nil, 0, fmt.Errorf("spool %s: %w: give each crawl that runs at the same time its own spool_dir", path, ErrSpoolInUse)
	}
	s.lock = lock

	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return s, 0, nil
	}

	file, cut, err := openLineFile(path, openAppendFile, repairJSONLines)
	if err != nil {
		unlockFile(lock)
		return nil, 0, fmt.Errorf("spool %s: %w", path, err)
	}
	s.file = file

	n, err := countLines(path)
	if err != nil {
		unlockFile(lock)
		return nil, 0, errors.Join(fmt.Errorf("spool %s: count records: %w", path, err), file.close())
	}
	s.pending = n

	return s, cut, nil
}

// countLines returns the number of non-empty lines of the file at path.
func countLines(path string) (int, error) {
	file, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer file.Close()

	n := 0
	err = eachLine(file, func(line []byte) {
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	})

	return n, err
}

// add appends batch to the spool with one write, creating the file and its
// folder when needed. Nothing of the batch is kept when it fails.
func (s *spool) add(batch []*extract.Record) error {
	var buf bytes.Buffer
	for i, r := range batch {
		if err := encodeRecord(&buf, r); err != nil {
			return fmt.Errorf("spool %s: record %d: %w", s.path, i, err)
		}
	}

	if s.file == nil {
		file, _, err := openLineFile(s.path, openAppendFile, repairJSONLines)
		if err != nil {
			return fmt.Errorf("spool %s: %w", s.path, err)
		}
		s.file = file
	}

	if err := s.file.append(buf.Bytes()); err != nil {
		return fmt.Errorf("spool %s: append: %w", s.path, err)
	}
	s.pending += len(batch)

	return nil
}

// replay reads the spool from its start and passes its records, in order
// and in batches of at most size, to write. When every batch is written it
// removes the file. When write fails, the records written so far are taken
// out of the file, so the next replay starts with the first record that was
// not written, and the error is returned.
func (s *spool) replay(size int, write func(batch []*extract.Record) error) (int, error) {
	if s.pending == 0 && s.file == nil {
		return 0, nil
	}

	file, err := os.Open(s.path)
	if err != nil {
		return 0, fmt.Errorf("spool %s: %w", s.path, err)
	}
	defer file.Close()

	replayed, done, writeErr := s.replayFrom(bufio.NewReaderSize(file, 64<<10), size, write)
	if writeErr != nil {
		if err := s.dropPrefix(done); err != nil {
			return replayed, errors.Join(writeErr, err)
		}
		return replayed, writeErr
	}

	if err := s.remove(); err != nil {
		return replayed, err
	}

	return replayed, nil
}

// replayFrom writes the records of reader in batches. It returns how many
// records were written and the offset of the first line not written.
func (s *spool) replayFrom(reader *bufio.Reader, size int, write func([]*extract.Record) error) (int, int64, error) {
	var (
		batch    []*extract.Record
		offset   int64 // end of the lines read so far
		done     int64 // end of the lines written so far
		replayed int
	)

	flush := func() error {
		if len(batch) == 0 {
			done = offset
			return nil
		}
		if err := write(batch); err != nil {
			return err
		}
		replayed += len(batch)
		s.pending -= len(batch)
		batch = nil
		done = offset
		return nil
	}

	for {
		line, readErr := reader.ReadBytes('\n')
		offset += int64(len(line))

		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			var r extract.Record
			if err := json.Unmarshal(trimmed, &r); err != nil || r.URL == "" {
				s.skipped++
			} else {
				batch = append(batch, &r)
			}
		}

		if len(batch) >= size || (readErr != nil && len(batch) > 0) {
			if err := flush(); err != nil {
				return replayed, done, err
			}
		}
		if errors.Is(readErr, io.EOF) {
			return replayed, offset, nil
		}
		if readErr != nil {
			return replayed, done, fmt.Errorf("spool %s: read: %w", s.path, readErr)
		}
	}
}

// dropPrefix rewrites the spool without its first n bytes: the rest goes to
// a temporary file, which then replaces the spool.
func (s *spool) dropPrefix(n int64) error {
	if n == 0 {
		return nil
	}

	if err := s.closeFile(); err != nil {
		return err
	}

	tmp := s.path + ".tmp"
	if err := copyTail(s.path, tmp, n); err != nil {
		return fmt.Errorf("spool %s: rewrite: %w", s.path, err)
	}
	if err := os.Rename(tmp, s.path); err != nil {
		return fmt.Errorf("spool %s: rewrite: %w", s.path, err)
	}

	file, _, err := openLineFile(s.path, openAppendFile, repairJSONLines)
	if err != nil {
		return fmt.Errorf("spool %s: %w", s.path, err)
	}
	s.file = file

	return nil
}

// copyTail writes the bytes of the file src after its first n bytes to a
// new file dst and syncs it.
func copyTail(src, dst string, n int64) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()

	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if closeErr := out.Close(); err == nil {
			err = closeErr
		}
	}()

	if _, err := in.Seek(n, io.SeekStart); err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		return err
	}

	return out.Sync()
}

// remove deletes the spool file after a full replay.
func (s *spool) remove() error {
	if err := s.closeFile(); err != nil {
		return err
	}
	if err := os.Remove(s.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("spool %s: remove: %w", s.path, err)
	}
	s.pending = 0

	return nil
}

// close closes the spool file, which stays on disk, and releases the lock.
func (s *spool) close() error {
	err := s.closeFile()
	unlockFile(s.lock)
	s.lock = nil

	return err
}

// closeFile syncs and closes the spool file, which stays on disk.
func (s *spool) closeFile() error {
	if s.file == nil {
		return nil
	}

	file := s.file
	s.file = nil
	if err := file.close(); err != nil {
		return fmt.Errorf("spool %s: %w", s.path, err)
	}

	return nil
}

// spoolFileName returns the file name of the spool of a sink: its type and
// a hash of its destination, so that a sink finds its spool again when the
// configuration lists it elsewhere.
func spoolFileName(sinkType, destination string) string {
	return fmt.Sprintf("%s-%s.jsonl", safeFileName(sinkType), shortHash(destination))
}

// rejectedFileName returns the name of the file that keeps the records a
// sink rejected as invalid.
func rejectedFileName(sinkType, destination string) string {
	return fmt.Sprintf("%s-%s.rejected.jsonl", safeFileName(sinkType), shortHash(destination))
}

// safeFileName keeps the letters, digits, dots, dashes and underscores of
// name, replacing the other characters with underscores.
func safeFileName(name string) string {
	out := []byte(name)
	for i, c := range out {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_'
		if !ok {
			out[i] = '_'
		}
	}

	return filepath.Base(string(out))
}
