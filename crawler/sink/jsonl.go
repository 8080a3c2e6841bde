package sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/gleanerhq/gleaner/extract"
)

var _ Sink = (*jsonlSink)(nil)

// jsonlSettings lists the keys of a jsonl entry beyond type and path. The
// jsonl sink has none yet.
type jsonlSettings struct{}

// appendFile is the part of *os.File the jsonl sink uses. Tests wrap a real
// file to make writes fail.
type appendFile interface {
	io.Writer
	io.ReaderAt
	Stat() (os.FileInfo, error)
	Truncate(size int64) error
	Sync() error
	Close() error
}

// jsonlSink appends records as JSON lines to a file or to standard output.
type jsonlSink struct {
	path   string    // the file, or "" for standard output
	stdout io.Writer // used when path is ""

	// openFile opens the file at path for appending. Tests replace it.
	openFile func(path string) (appendFile, error)

	file          appendFile // the open file; nil for standard output
	open          bool
	startWithLine bool // the file ends without a newline: begin the next batch with one
}

// NewJSONL builds a sink that writes each record as one JSON line (see
// Marshal). An empty path or "-" selects stdout, which the sink never
// closes. Any other path names a file that Open creates, with its parent
// directories, and appends to.
//
// When an existing file does not end with a newline, as after a crash in
// the middle of a write, the first batch starts with a newline so that the
// new records stay on lines of their own.
func NewJSONL(spec Spec, stdout io.Writer) (Sink, error) {
	var settings jsonlSettings
	if err := decodeSettings(spec, &settings); err != nil {
		return nil, err
	}

	s := &jsonlSink{path: spec.Path, stdout: stdout, openFile: openAppendFile}
	if s.path == "-" {
		s.path = ""
	}

	return s, nil
}

func openAppendFile(path string) (appendFile, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
}

// name identifies the sink in errors.
func (s *jsonlSink) name() string {
	if s.path == "" {
		return "jsonl stdout"
	}

	return "jsonl " + s.path
}

// Open creates the parent directories and opens the file for appending. For
// standard output it only marks the sink open.
func (s *jsonlSink) Open(ctx context.Context) error {
	if s.open {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}

	if s.path == "" {
		s.open = true
		return nil
	}

	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("%s: create directory: %w", s.name(), err)
	}

	file, err := s.openFile(s.path)
	if err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}

	endsInLine, err := endsWithNewline(file)
	if err != nil {
		return errors.Join(fmt.Errorf("%s: read end of file: %w", s.name(), err), file.Close())
	}

	s.file = file
	s.startWithLine = !endsInLine
	s.open = true

	return nil
}

// endsWithNewline reports whether file is empty or ends with '\n'.
func endsWithNewline(file appendFile) (bool, error) {
	info, err := file.Stat()
	if err != nil {
		return false, err
	}
	if info.Size() == 0 {
		return true, nil
	}

	last := make([]byte, 1)
	if _, err := file.ReadAt(last, info.Size()-1); err != nil {
		return false, err
	}

	return last[0] == '\n', nil
}

// Write encodes the whole batch in memory and writes it with one call. When
// writing to a file fails or writes short, the file is truncated back to its
// size before the call, so no partial line stays behind.
func (s *jsonlSink) Write(ctx context.Context, batch []*extract.Record) error {
	if !s.open {
		return fmt.Errorf("%s: write: %w", s.name(), ErrNotOpen)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	if err := checkBatch(batch); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	if len(batch) == 0 {
		return nil
	}

	data, err := s.encode(batch)
	if err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}

	if s.file == nil {
		// NOTE: bytes already sent to standard output cannot be taken back, so
		// a failing stdout may be left with part of a line.
		if _, err := s.stdout.Write(data); err != nil {
			return fmt.Errorf("%s: write: %w", s.name(), err)
		}
		return nil
	}

	return s.appendData(data)
}

func (s *jsonlSink) encode(batch []*extract.Record) ([]byte, error) {
	var buf bytes.Buffer
	if s.startWithLine {
		buf.WriteByte('\n')
	}

	for i, r := range batch {
		if err := encodeJSON(&buf, r); err != nil {
			return nil, fmt.Errorf("record %d (%s): %w", i, r.URL, err)
		}
	}

	return buf.Bytes(), nil
}

// appendData writes data to the end of the file, truncating the file back
// to its earlier size when the write fails.
func (s *jsonlSink) appendData(data []byte) error {
	info, err := s.file.Stat()
	if err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}

	n, err := s.file.Write(data)
	if err == nil && n < len(data) {
		err = io.ErrShortWrite
	}
	if err != nil {
		writeErr := fmt.Errorf("%s: write: %w", s.name(), err)
		if truncErr := s.file.Truncate(info.Size()); truncErr != nil {
			return errors.Join(writeErr, fmt.Errorf("%s: truncate to %d bytes: %w", s.name(), info.Size(), truncErr))
		}
		return writeErr
	}

	s.startWithLine = false

	return nil
}

// Close syncs the file to disk and closes it. Standard output is left open.
func (s *jsonlSink) Close() error {
	if !s.open {
		return nil
	}
	s.open = false

	if s.file == nil {
		return nil
	}

	file := s.file
	s.file = nil

	var errs []error
	if err := file.Sync(); err != nil {
		errs = append(errs, fmt.Errorf("%s: sync: %w", s.name(), err))
	}
	if err := file.Close(); err != nil {
		errs = append(errs, fmt.Errorf("%s: close: %w", s.name(), err))
	}

	return errors.Join(errs...)
}
