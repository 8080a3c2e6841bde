package sink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// appendFile is the part of *os.File that line files use. Tests wrap a real
// file to make writes fail.
type appendFile interface {
	io.Writer
	io.ReaderAt
	Stat() (os.FileInfo, error)
	Truncate(size int64) error
	Sync() error
	Close() error
}

// openAppendFile opens path for reading and appending, creating it.
func openAppendFile(path string) (appendFile, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
}

// lineFile appends batches of whole lines to a file: a batch is written with
// one call, and a failed or short write is cut off again, so the file only
// ever grows by whole batches. The jsonl sink, the spool and the Parquet
// journal use it.
type lineFile struct {
	path string
	file appendFile
	size int64
}

// tailRepair checks the end of a file that a crash may have cut short and
// returns the size the file must be truncated to (size when nothing is
// wrong) and the bytes to append to complete it.
type tailRepair func(file appendFile, size int64) (keep int64, suffix []byte, err error)

// openLineFile creates the parent folders of path, opens the file for
// appending and repairs its end with repair. It returns how many bytes the
// repair cut off.
func openLineFile(path string, open func(string) (appendFile, error), repair tailRepair) (*lineFile, int64, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, 0, fmt.Errorf("create directory: %w", err)
	}

	file, err := open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("open: %w", err)
	}

	f := &lineFile{path: path, file: file}
	cut, err := f.repair(repair)
	if err != nil {
		return nil, 0, errors.Join(err, file.Close())
	}

	return f, cut, nil
}

// repair applies repair to the end of the file.
func (f *lineFile) repair(repair tailRepair) (int64, error) {
	info, err := f.file.Stat()
	if err != nil {
		return 0, fmt.Errorf("stat: %w", err)
	}
	f.size = info.Size()
	if f.size == 0 {
		return 0, nil
	}

	keep, suffix, err := repair(f.file, f.size)
	if err != nil {
		return 0, fmt.Errorf("read end of file: %w", err)
	}

	cut := f.size - keep
	if cut > 0 {
		if err := f.file.Truncate(keep); err != nil {
			return 0, fmt.Errorf("cut torn end of file: %w", err)
		}
		f.size = keep
	}
	if len(suffix) > 0 {
		if err := f.append(suffix); err != nil {
			return 0, fmt.Errorf("complete last line: %w", err)
		}
	}

	return cut, nil
}

// append writes data at the end of the file with one call. When the write
// fails or is short, the file is truncated back to its earlier size, and
// the error reports both failures when that fails too.
func (f *lineFile) append(data []byte) error {
	n, err := f.file.Write(data)
	if err == nil && n < len(data) {
		err = io.ErrShortWrite
	}
	if err != nil {
		if truncErr := f.file.Truncate(f.size); truncErr != nil {
			return errors.Join(err, fmt.Errorf("truncate to %d bytes: %w", f.size, truncErr))
		}
		return err
	}

	f.size += int64(n)

	return nil
}

// close syncs the file to disk and closes it.
func (f *lineFile) close() error {
	var errs []error
	if err := f.file.Sync(); err != nil {
		errs = append(errs, fmt.Errorf("sync: %w", err))
	}
	if err := f.file.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close: %w", err))
	}

	return errors.Join(errs...)
}

// repairJSONLines is the tailRepair of JSON Lines files. A last line
// without a newline that holds a whole JSON value, as a file written by
// another program may have, gets its newline. Anything else after the last
// newline is a line torn by a crash in the middle of a write: it is cut off.
// The batch it belonged to was never reported as written.
func repairJSONLines(file appendFile, size int64) (int64, []byte, error) {
	head := make([]byte, min(size, 2))
	if _, err := file.ReadAt(head, 0); err != nil {
		return 0, nil, err
	}
	if bytes.Equal(head, gzipMagic) {
		return 0, nil, errors.New("the file contains gzip data: set gzip: true or use another path")
	}

	last := make([]byte, 1)
	if _, err := file.ReadAt(last, size-1); err != nil {
		return 0, nil, err
	}
	if last[0] == '\n' {
		return size, nil, nil
	}

	start, err := lastLineStart(file, size)
	if err != nil {
		return 0, nil, err
	}

	tail := make([]byte, size-start)
	if _, err := file.ReadAt(tail, start); err != nil {
		return 0, nil, err
	}
	if json.Valid(tail) {
		return size, []byte("\n"), nil
	}

	return start, nil, nil
}

// lastLineStart returns the offset just after the last newline of the first
// size bytes of file, or 0 when there is none. It reads backwards in blocks.
func lastLineStart(file io.ReaderAt, size int64) (int64, error) {
	const block = 64 << 10

	buf := make([]byte, block)
	end := size
	for end > 0 {
		start := max(end-block, 0)
		chunk := buf[:end-start]
		if _, err := file.ReadAt(chunk, start); err != nil {
			return 0, err
		}
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}

	return 0, nil
}
