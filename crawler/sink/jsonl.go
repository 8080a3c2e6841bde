package sink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"
)

var _ Sink = (*jsonlSink)(nil)

// jsonlRotateRun is the value of the rotate setting that starts a new file
// for every run.
const jsonlRotateRun = "run"

// stampLayout formats the UTC times in the names of rotated and Parquet
// files. It sorts by time and has no characters that file systems reject.
const stampLayout = "20060102T150405Z"

// jsonlSettings lists the keys of a jsonl entry beyond the common ones.
type jsonlSettings struct {
	// Rotate is "run" for one file per run, or empty.
	Rotate string `yaml:"rotate"`

	// RotateSize starts a new file before a batch would make the current
	// one larger than this many bytes; 0 means no limit.
	RotateSize byteSize `yaml:"rotate_size"`

	// Gzip compresses each batch as one gzip member.
	Gzip bool `yaml:"gzip"`
}

// jsonlSink appends records as JSON lines to a file, a series of rotated
// files, or standard output.
type jsonlSink struct {
	stdout     io.Writer // used when series.path is ""
	series     jsonlSeries
	perRun     bool
	rotateSize int64
	gzip       bool

	// openFile opens a file for appending and now returns the time used in
	// file names. Tests replace them.
	openFile func(path string) (appendFile, error)
	now      func() time.Time
	logger   *zap.Logger

	open     bool
	file     *lineFile // the file appended to; nil for standard output and between run files
	runStamp string    // the stamp of this run's file names when rotating per run
	part     int       // the number of this run's current file when rotating per run

	// stored maps each URL to the digest of the last line stored for it,
	// over every file of the series (see lineDigest).
	stored map[string]uint64
}

// NewJSONL builds a sink that writes each record as one JSON line (see
// Marshal). An empty path or "-" selects stdout, which the sink never
// closes. Any other path names a file that Open creates, with its parent
// directories, and appends to.
//
// Its settings are rotate, rotate_size and gzip, which need a file path.
// With rotate: run, each run writes a new file named after its start time,
// such as records-20240305T083015Z.jsonl. With rotate_size, a new file
// starts before a batch would make the current one larger than the size.
// Without rotate: run, the full file is then renamed that way and path
// starts again empty. With gzip: true, each batch is appended as one gzip
// member, and ".gz" is added to the path unless it ends so.
//
// The sink is idempotent by URL: a record whose line, fetched_at aside,
// equals the last line stored for its URL in any file of the series is
// skipped, so a replayed batch or an unchanged page adds no line. A changed
// record is appended, and readers keep the last line of each URL.
//
// When an existing file ends in a line torn by a crash, Open cuts that
// line off (it belonged to a batch never reported as written). A last line
// without a newline that holds whole JSON gets its newline.
func NewJSONL(spec Spec, stdout io.Writer) (Sink, error) {
	var settings jsonlSettings
	if err := decodeSettings(spec, &settings); err != nil {
		return nil, err
	}

	path := spec.Path
	if path == "-" {
		path = ""
	}

	var errs []error
	if settings.Rotate != "" && settings.Rotate != jsonlRotateRun {
		errs = append(errs, spec.settingError("rotate", "invalid rotate %q: want %q (one file per run), or leave the key out", settings.Rotate, jsonlRotateRun))
	}
	if path == "" {
		for _, key := range []string{"rotate", "rotate_size", "gzip"} {
			if spec.hasKey(key) {
				errs = append(errs, spec.settingError(key, "%s needs a file path: standard output cannot be rotated or compressed", key))
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	if settings.Gzip && path != "" && !strings.HasSuffix(path, ".gz") {
		path += ".gz"
	}

	s := &jsonlSink{
		stdout:     stdout,
		series:     newJSONLSeries(path),
		perRun:     settings.Rotate == jsonlRotateRun,
		rotateSize: int64(settings.RotateSize),
		gzip:       settings.Gzip,
		openFile:   openAppendFile,
		now:        time.Now,
		logger:     zap.NewNop(),
	}

	return s, nil
}

func (s *jsonlSink) setLogger(logger *zap.Logger) { s.logger = logger }

func (s *jsonlSink) destinationID() string {
	if s.series.path == "" {
		return "jsonl -"
	}
	abs, err := filepath.Abs(s.series.path)
	if err != nil {
		abs = s.series.path
	}

	return "jsonl " + abs
}

// name identifies the sink in errors.
func (s *jsonlSink) name() string {
	if s.series.path == "" {
		return "jsonl stdout"
	}

	return "jsonl " + s.series.path
}

// Open reads the URLs already stored in the files of the series and opens
// the file to append to. When rotating per run, the run's file is created
// by the first write, so a run without records leaves no empty file.
func (s *jsonlSink) Open(ctx context.Context) error {
	if s.open {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}

	s.stored = make(map[string]uint64)
	if s.series.path == "" {
		s.open = true
		return nil
	}

	if err := os.MkdirAll(s.series.dir, 0o755); err != nil {
		return fmt.Errorf("%s: create directory: %w", s.name(), err)
	}
	if err := s.series.index(s.stored, s.gzip); err != nil {
		return fmt.Errorf("%s: read stored records: %w", s.name(), err)
	}

	if s.perRun {
		s.runStamp = s.now().UTC().Format(stampLayout)
		s.part = 1
	} else if err := s.openCurrent(s.series.path); err != nil {
		return err
	}

	s.open = true

	return nil
}

// openCurrent opens path as the file to append to, repairing a torn end.
func (s *jsonlSink) openCurrent(path string) error {
	repair := repairJSONLines
	if s.gzip {
		repair = repairGzip
	}

	file, cut, err := openLineFile(path, s.openFile, repair)
	if err != nil {
		return fmt.Errorf("jsonl %s: %w", path, err)
	}
	if cut > 0 {
		s.logger.Warn("torn end of file cut off", zap.String("path", path), zap.Int64("bytes", cut))
	}
	s.file = file

	return nil
}

// Write encodes the records that are not stored yet in memory and writes
// them with one call. When writing to a file fails or writes short, the
// file is truncated back to its size before the call, so no partial line
// stays behind.
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

	data, added, err := s.encode(batch)
	if err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	if len(data) == 0 {
		return nil
	}

	if err := s.writeData(data); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	for url, digest := range added {
		s.stored[url] = digest
	}

	return nil
}

// encode returns the lines of the records of batch that differ from what
// is stored for their URL, compressed when gzip is on, and the digests they
// add.
func (s *jsonlSink) encode(batch []*extract.Record) ([]byte, map[string]uint64, error) {
	var buf bytes.Buffer
	added := make(map[string]uint64)

	for i, r := range batch {
		start := buf.Len()
		if err := encodeRecord(&buf, r); err != nil {
			return nil, nil, fmt.Errorf("record %d (%s): %w", i, r.URL, err)
		}

		digest := lineDigest(buf.Bytes()[start:])
		last, ok := added[r.URL]
		if !ok {
			last, ok = s.stored[r.URL]
		}
		if ok && last == digest {
			buf.Truncate(start)
			continue
		}
		added[r.URL] = digest
	}

	if buf.Len() == 0 || !s.gzip {
		return buf.Bytes(), added, nil
	}

	member, err := gzipMember(buf.Bytes())
	if err != nil {
		return nil, nil, fmt.Errorf("compress: %w", err)
	}

	return member, added, nil
}

// writeData writes data to standard output or appends it to the current
// file, rotating first when data would make the file too large.
func (s *jsonlSink) writeData(data []byte) error {
	if s.series.path == "" {
		// NOTE: bytes already sent to standard output cannot be taken back, so
		// a failing stdout may be left with part of a line.
		_, err := s.stdout.Write(data)
		return err
	}

	if s.file != nil && s.rotateSize > 0 && s.file.size > 0 && s.file.size+int64(len(data)) > s.rotateSize {
		if err := s.rotate(); err != nil {
			return err
		}
	}
	if s.file == nil {
		path := s.series.freeName(s.runStamp, &s.part)
		if err := s.openCurrent(path); err != nil {
			return err
		}
	}

	return s.file.append(data)
}

// rotate closes the current file. When rotating per run the next write
// opens the run's next part. Otherwise the closed file is renamed after the
// current time and an empty file takes its place.
func (s *jsonlSink) rotate() error {
	file := s.file
	s.file = nil
	if err := file.close(); err != nil {
		return fmt.Errorf("rotate %s: %w", file.path, err)
	}

	if s.perRun {
		s.part++
		return nil
	}

	part := 1
	rotated := s.series.freeName(s.now().UTC().Format(stampLayout), &part)
	if err := os.Rename(file.path, rotated); err != nil {
		return fmt.Errorf("rotate %s: %w", file.path, err)
	}
	s.logger.Info("file rotated", zap.String("path", rotated), zap.Int64("bytes", file.size))

	return s.openCurrent(s.series.path)
}

// Close syncs the file to disk and closes it. Standard output is left open.
func (s *jsonlSink) Close() error {
	if !s.open {
		return nil
	}
	s.open = false
	s.stored = nil

	if s.file == nil {
		return nil
	}

	file := s.file
	s.file = nil
	if err := file.close(); err != nil {
		return fmt.Errorf("jsonl %s: %w", file.path, err)
	}

	return nil
}
