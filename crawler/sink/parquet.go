package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"
)

var _ Sink = (*parquetSink)(nil)

// Defaults of the parquet sink settings.
const (
	DefaultParquetPrefix       = "articles"
	DefaultParquetCompression  = "snappy"
	DefaultParquetRowGroupSize = 10_000
)

// parquetCodecs maps the values of the compression setting to codecs.
// Snappy is the default because every Parquet reader supports it.
var parquetCodecs = map[string]compress.Codec{
	"snappy": &parquet.Snappy,
	"zstd":   &parquet.Zstd,
	"gzip":   &parquet.Gzip,
	"none":   &parquet.Uncompressed,
}

// parquetSettings lists the keys of a parquet entry beyond the common ones.
type parquetSettings struct {
	// Prefix starts the name of every file.
	Prefix string `yaml:"prefix"`

	// RollSize closes the current file once the records written to it
	// reach this many bytes of JSON; 0 means one file per run.
	RollSize byteSize `yaml:"roll_size"`

	// Compression is the codec of the column pages.
	Compression string `yaml:"compression"`

	// RowGroupSize is the number of rows per row group.
	RowGroupSize int `yaml:"row_group_size"`
}

// parquetSink writes the records of each run into new Parquet files in a
// folder. Write appends records to a journal, a JSON Lines file beside the
// data, so that a written record survives a crash. Closing a file turns its
// journal into the Parquet file.
type parquetSink struct {
	dir          string
	prefix       string
	rollSize     int64
	codec        compress.Codec
	rowGroupSize int

	// now returns the time in file names. Tests replace it.
	now    func() time.Time
	logger *zap.Logger

	open    bool
	journal *lineFile // the journal of the current file; nil between files
	target  string    // the final path of the current file
	lock    *os.File  // holds the lock on the current journal
}

// NewParquet builds a sink that writes Parquet files into the folder
// spec.Path, which must be set. Each run writes one file, named after the
// UTC time of its first record, such as articles-20240305T083015Z.parquet.
// With roll_size, a new file starts once the records of the current one
// reach that size as JSON, so the compressed file comes out smaller. Other
// settings are prefix (default "articles"), compression (snappy, zstd, gzip
// or none, default snappy) and row_group_size (default 10000 rows).
//
// A file appears under its final name only when it is complete: it is
// written under a hidden temporary name, synced and renamed. Until then its
// records are in a hidden journal (.NAME.parquet.journal), so records
// written before a crash are not lost: the next Open turns a journal left
// behind into its Parquet file. Within a file each URL has one row, the last
// written. Across files the same URL can appear again when a page is
// crawled again; readers keep the row with the latest fetched_at.
func NewParquet(spec Spec) (Sink, error) {
	settings := parquetSettings{
		Prefix:       DefaultParquetPrefix,
		Compression:  DefaultParquetCompression,
		RowGroupSize: DefaultParquetRowGroupSize,
	}
	if err := decodeSettings(spec, &settings); err != nil {
		return nil, err
	}

	var errs []error
	if spec.Path == "" || spec.Path == "-" {
		errs = append(errs, spec.settingError("path", "missing path for sink %q: name the folder the Parquet files go to", spec.Type))
	}
	if settings.Prefix == "" || safeFileName(settings.Prefix) != settings.Prefix || strings.HasPrefix(settings.Prefix, ".") {
		errs = append(errs, spec.settingError("prefix", "invalid prefix %q: want letters, digits, dots, dashes or underscores, not starting with a dot", settings.Prefix))
	}
	codec, ok := parquetCodecs[settings.Compression]
	if !ok {
		errs = append(errs, spec.settingError("compression", "invalid compression %q: want snappy, zstd, gzip or none", settings.Compression))
	}
	if settings.RowGroupSize < 1 {
		errs = append(errs, spec.settingError("row_group_size", "invalid row_group_size %d: want 1 or more rows", settings.RowGroupSize))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	s := &parquetSink{
		dir:          spec.Path,
		prefix:       settings.Prefix,
		rollSize:     int64(settings.RollSize),
		codec:        codec,
		rowGroupSize: settings.RowGroupSize,
		now:          time.Now,
		logger:       zap.NewNop(),
	}

	return s, nil
}

func (s *parquetSink) setLogger(logger *zap.Logger) { s.logger = logger }

func (s *parquetSink) destinationID() string {
	abs, err := filepath.Abs(s.dir)
	if err != nil {
		abs = s.dir
	}

	return "parquet " + abs + " " + s.prefix
}

// name identifies the sink in errors.
func (s *parquetSink) name() string { return "parquet " + s.dir }

// Open creates the folder and finishes the files that an earlier run left
// as journals, unless another process still holds them.
func (s *parquetSink) Open(ctx context.Context) error {
	if s.open {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}

	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("%s: create directory: %w", s.name(), err)
	}
	if err := s.recover(); err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}
	s.open = true

	return nil
}

// journalPath returns the hidden journal of the Parquet file at target.
func journalPath(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".journal")
}

// tempPath returns the hidden name a Parquet file is written under.
func tempPath(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".tmp")
}

// targetOfJournal returns the Parquet file a journal belongs to, or "" when
// name is no journal of this sink.
func (s *parquetSink) targetOfJournal(name string) string {
	inner, ok := strings.CutPrefix(name, ".")
	if !ok {
		return ""
	}
	target, ok := strings.CutSuffix(inner, ".journal")
	if !ok || !strings.HasPrefix(target, s.prefix+"-") || !strings.HasSuffix(target, ".parquet") {
		return ""
	}

	return filepath.Join(s.dir, target)
}

// recover finishes every journal of this sink that no other process holds.
func (s *parquetSink) recover() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}

	for _, e := range entries {
		target := s.targetOfJournal(e.Name())
		if target == "" {
			continue
		}

		lock, locked, err := tryLockFile(journalPath(target))
		if err != nil {
			return fmt.Errorf("lock %s: %w", journalPath(target), err)
		}
		if !locked {
			continue // a running gleaner writes this file
		}

		rows, err := s.finish(target)
		unlockFile(lock)
		if err != nil {
			return fmt.Errorf("finish %s left by an earlier run: %w", target, err)
		}
		s.logger.Warn("parquet file of an interrupted run finished", zap.String("path", target), zap.Int("records", rows))
	}

	return nil
}

// Write appends the batch to the journal of the current file, starting a
// new file when there is none. When the journal reaches roll_size the file
// is finished, and the next Write starts another.
func (s *parquetSink) Write(ctx context.Context, batch []*extract.Record) error {
	if !s.open {
		return fmt.Errorf("%s: write: %w", s.name(), ErrNotOpen)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	if err := checkParquetBatch(batch); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	if len(batch) == 0 {
		return nil
	}

	var buf bytes.Buffer
	for i, r := range batch {
		if err := encodeRecord(&buf, r); err != nil {
			return fmt.Errorf("%s: write: record %d (%s): %w", s.name(), i, r.URL, err)
		}
	}

	if s.journal == nil {
		if err := s.startFile(); err != nil {
			return fmt.Errorf("%s: write: %w", s.name(), err)
		}
	}
	if err := s.journal.append(buf.Bytes()); err != nil {
		return fmt.Errorf("%s: write: journal %s: %w", s.name(), s.journal.path, err)
	}

	if s.rollSize > 0 && s.journal.size >= s.rollSize {
		if err := s.closeFile(); err != nil {
			return fmt.Errorf("%s: write: %w", s.name(), err)
		}
	}

	return nil
}

// checkParquetBatch adds to checkBatch that a record needs its fetch time,
// which a Parquet TIMESTAMP in microseconds cannot hold for year 1.
func checkParquetBatch(batch []*extract.Record) error {
	if err := checkBatch(batch); err != nil {
		return err
	}
	for i, r := range batch {
		if r.FetchedAt.IsZero() {
			return invalidRecord(batch, i, "missing fetched_at")
		}
	}

	return nil
}

// startFile picks the name of a new file and creates its journal, locked.
func (s *parquetSink) startFile() error {
	stamp := s.now().UTC().Format(stampLayout)
	for part := 1; ; part++ {
		name := fmt.Sprintf("%s-%s.parquet", s.prefix, stamp)
		if part > 1 {
			name = fmt.Sprintf("%s-%s-%d.parquet", s.prefix, stamp, part)
		}
		target := filepath.Join(s.dir, name)
		if exists(target) || exists(journalPath(target)) {
			continue
		}

		journal, _, err := openLineFile(journalPath(target), openAppendFile, repairJSONLines)
		if err != nil {
			return fmt.Errorf("journal %s: %w", journalPath(target), err)
		}
		lock, locked, err := tryLockFile(journal.path)
		if err != nil || !locked {
			return errors.Join(fmt.Errorf("lock journal %s: %w", journal.path, err), journal.close())
		}

		s.journal, s.target, s.lock = journal, target, lock
		return nil
	}
}

// exists reports whether a file is at path.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// closeFile turns the current journal into its Parquet file.
func (s *parquetSink) closeFile() error {
	if s.journal == nil {
		return nil
	}

	journal, target, lock := s.journal, s.target, s.lock
	s.journal, s.target, s.lock = nil, "", nil

	err := journal.close()
	if err == nil {
		var rows int
		rows, err = s.finish(target)
		if err == nil {
			s.logger.Info("parquet file written", zap.String("path", target), zap.Int("records", rows))
		}
	}
	unlockFile(lock)

	if err != nil {
		return fmt.Errorf("finish %s: %w", target, err)
	}

	return nil
}

// finish writes the Parquet file target from its journal: one row per URL,
// the last the journal holds, in the order of first appearance. The file is
// written under a temporary name, synced and renamed, and then the journal
// is removed. A target that exists already was finished before a crash
// removed its journal, so only the journal is removed.
func (s *parquetSink) finish(target string) (int, error) {
	journal := journalPath(target)
	if exists(target) {
		return 0, removeFile(journal)
	}

	rows, err := readJournal(journal)
	if err != nil {
		return 0, err
	}

	if len(rows) > 0 {
		if err := s.writeParquet(target, rows); err != nil {
			return 0, err
		}
	}

	return len(rows), removeFile(journal)
}

// readJournal reads the records of a journal, keeping the last record of
// each URL at the place of its first. Lines that are no record, such as a
// line torn by a crash, are skipped.
func readJournal(path string) ([]parquetRow, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	var rows []parquetRow
	index := make(map[string]int)
	err = eachLine(file, func(line []byte) {
		var r extract.Record
		if json.Unmarshal(line, &r) != nil || r.URL == "" {
			return
		}

		row := newParquetRow(&r)
		if i, seen := index[r.URL]; seen {
			rows[i] = row
			return
		}
		index[r.URL] = len(rows)
		rows = append(rows, row)
	})
	if err != nil {
		return nil, fmt.Errorf("read journal %s: %w", path, err)
	}

	return rows, nil
}

// writeParquet writes rows to target atomically.
func (s *parquetSink) writeParquet(target string, rows []parquetRow) (err error) {
	tmp := tempPath(target)
	file, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			file.Close()
			os.Remove(tmp)
		}
	}()

	writer := parquet.NewGenericWriter[parquetRow](file,
		parquet.Compression(s.codec),
		parquet.MaxRowsPerRowGroup(int64(s.rowGroupSize)),
		parquet.CreatedBy("gleaner", "", ""),
		parquet.KeyValueMetadata("gleaner.schema_version", fmt.Sprint(RecordSchemaVersion)),
	)
	for chunk := range slices.Chunk(rows, s.rowGroupSize) {
		if _, err := writer.Write(chunk); err != nil {
			return fmt.Errorf("write rows: %w", err)
		}
	}
	if err := writer.Close(); err != nil {
		return fmt.Errorf("write footer: %w", err)
	}

	if err := file.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}

	return syncDir(filepath.Dir(target))
}

// syncDir syncs a folder so that a rename in it survives a power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()

	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("sync %s: %w", dir, err)
	}

	return nil
}

// removeFile removes path; a missing file is no error.
func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}

	return nil
}

// Close finishes the current file.
func (s *parquetSink) Close() error {
	if !s.open {
		return nil
	}
	s.open = false

	if err := s.closeFile(); err != nil {
		return fmt.Errorf("%s: close: %w", s.name(), err)
	}

	return nil
}
