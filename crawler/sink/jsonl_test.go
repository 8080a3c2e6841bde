package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/extract"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// openJSONL builds and opens a jsonl sink writing to path.
func openJSONL(t *testing.T, path string) Sink {
	t.Helper()

	s, err := NewJSONL(Spec{Type: "jsonl", Path: path}, nil)
	if err != nil {
		t.Fatalf("NewJSONL: %v", err)
	}
	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}

	return s
}

// writeJSONL writes batches to a new jsonl sink at path and closes it.
func writeJSONL(t *testing.T, path string, batches ...[]*extract.Record) {
	t.Helper()

	s := openJSONL(t, path)
	for _, batch := range batches {
		if err := s.Write(t.Context(), batch); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// decodeLine decodes one JSON line into a record.
func decodeLine(t *testing.T, line string) *extract.Record {
	t.Helper()

	var r extract.Record
	if err := json.Unmarshal([]byte(line), &r); err != nil {
		t.Fatalf("decode line %q: %v", line, err)
	}

	return &r
}

func TestJSONLRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dir", "records.jsonl")
	want := []*extract.Record{articleRecord(), listingRecord(), recordWithURL(1)}

	writeJSONL(t, path, want[:2], want[2:])

	lines := readLines(t, path)
	if len(lines) != len(want) {
		t.Fatalf("file has %d lines, want %d", len(lines), len(want))
	}
	for i, line := range lines {
		assertSameRecord(t, decodeLine(t, line), want[i])
		validateRecordJSON(t, []byte(line))
	}
	if !strings.Contains(lines[0], "颱風「海葵」逼近 <花蓮> & 台東發布警報") {
		t.Errorf("title is escaped in line %q", lines[0])
	}
}

func TestJSONLGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.jsonl")
	golden := filepath.Join("testdata", "records.golden.jsonl")

	writeJSONL(t, path, []*extract.Record{articleRecord(), listingRecord()})

	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read output: %v", err)
	}
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatalf("update golden file: %v", err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s\n got: %s\nwant: %s", golden, got, want)
	}
}

func TestJSONLAppendsAcrossOpens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.jsonl")

	writeJSONL(t, path, []*extract.Record{articleRecord()})
	writeJSONL(t, path, []*extract.Record{listingRecord()})

	lines := readLines(t, path)
	if len(lines) != 2 {
		t.Fatalf("file has %d lines after two runs, want 2", len(lines))
	}
	assertSameRecord(t, decodeLine(t, lines[0]), articleRecord())
	assertSameRecord(t, decodeLine(t, lines[1]), listingRecord())
}

func TestJSONLIdempotentByURL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.jsonl")
	refetched := articleRecord()
	refetched.FetchedAt = refetched.FetchedAt.Add(24 * time.Hour)
	changed := articleRecord()
	changed.Body = "更新：颱風警報已解除。"

	writeJSONL(t, path, []*extract.Record{articleRecord(), listingRecord()})
	writeJSONL(t, path, []*extract.Record{articleRecord(), refetched}, []*extract.Record{listingRecord()})
	writeJSONL(t, path, []*extract.Record{changed})

	lines := readLines(t, path)
	if len(lines) != 3 {
		t.Fatalf("file has %d lines, want 3: two records and the changed body", len(lines))
	}
	assertSameRecord(t, decodeLine(t, lines[2]), changed)
	latest := latestByURL(t, lines)
	if len(latest) != 2 {
		t.Errorf("file holds %d URLs, want 2", len(latest))
	}
	if got := latest[changed.URL].Body; got != changed.Body {
		t.Errorf("last line of %s has body %q, want the changed %q", changed.URL, got, changed.Body)
	}
}

// latestByURL decodes lines and keeps the last record of each URL, as a
// reader of an append-only jsonl file does.
func latestByURL(t *testing.T, lines []string) map[string]*extract.Record {
	t.Helper()

	latest := make(map[string]*extract.Record)
	for _, line := range lines {
		r := decodeLine(t, line)
		latest[r.URL] = r
	}

	return latest
}

// closeRecorder is a standard output stand-in that notes whether it was
// closed.
type closeRecorder struct {
	bytes.Buffer
	closed bool
}

func (c *closeRecorder) Close() error {
	c.closed = true
	return nil
}

func TestJSONLStdout(t *testing.T) {
	tests := []struct {
		name string
		path string
	}{
		{name: "dash", path: "-"},
		{name: "empty path", path: ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout := &closeRecorder{}
			reg := &Registry{}
			reg.Register("jsonl", func(spec Spec) (Sink, error) { return NewJSONL(spec, stdout) })

			m, err := OpenAll(t.Context(), reg, []Spec{{Type: "jsonl", Path: tt.path}})
			if err != nil {
				t.Fatalf("OpenAll: %v", err)
			}
			if err := m.Write(t.Context(), []*extract.Record{articleRecord(), listingRecord()}); err != nil {
				t.Fatalf("Write: %v", err)
			}
			if err := m.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}

			want, err := os.ReadFile(filepath.Join("testdata", "records.golden.jsonl"))
			if err != nil {
				t.Fatalf("read golden file: %v", err)
			}
			if stdout.String() != string(want) {
				t.Errorf("stdout =\n%s\nwant\n%s", stdout.String(), want)
			}
			if stdout.closed {
				t.Error("Close closed standard output")
			}
			if _, err := os.Stat(tt.path); tt.path != "" && err == nil {
				t.Errorf("a file named %q was created", tt.path)
			}
		})
	}
}

func TestJSONLParentNotDirectory(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "blocker")
	if err := os.WriteFile(blocker, []byte("a file, not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(blocker, "out", "records.jsonl")
	s, err := NewJSONL(Spec{Type: "jsonl", Path: path}, nil)
	if err != nil {
		t.Fatalf("NewJSONL: %v", err)
	}

	err = s.Open(t.Context())

	if err == nil {
		t.Fatal("Open returned no error")
	}
	if !strings.Contains(err.Error(), "jsonl "+path+": create directory: ") {
		t.Errorf("error %q does not name the sink path and the failed step", err)
	}
	if !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("error %q does not wrap ENOTDIR", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after failed Open = %v, want nil", err)
	}
}

func TestJSONLInvalidRecordWritesNothing(t *testing.T) {
	tests := []struct {
		name  string
		batch []*extract.Record
		want  string
	}{
		{
			name:  "nil record",
			batch: []*extract.Record{articleRecord(), nil},
			want:  "record 1: invalid record: nil record",
		},
		{
			name:  "record without url",
			batch: []*extract.Record{articleRecord(), {Title: "沒有網址"}},
			want:  "record 1: invalid record: empty url",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "records.jsonl")
			s := openJSONL(t, path)
			defer s.Close()

			err := s.Write(t.Context(), tt.batch)

			if !errors.Is(err, ErrInvalidRecord) {
				t.Errorf("Write = %v, want ErrInvalidRecord", err)
			}
			if err != nil && !strings.HasSuffix(err.Error(), tt.want) {
				t.Errorf("error %q does not end with %q", err, tt.want)
			}
			if data, _ := os.ReadFile(path); len(data) != 0 {
				t.Errorf("file holds %q after a rejected batch, want nothing", data)
			}
		})
	}
}

// shortWriteFile is a real file whose writes, while failing is set, store
// only half of the data and then return an error, as a full disk does.
type shortWriteFile struct {
	*os.File
	failing bool
}

func (f *shortWriteFile) Write(p []byte) (int, error) {
	if !f.failing {
		return f.File.Write(p)
	}

	n, err := f.File.Write(p[:len(p)/2])
	if err != nil {
		return n, err
	}
	return n, syscall.ENOSPC
}

func TestJSONLShortWriteTruncates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.jsonl")
	s, err := NewJSONL(Spec{Type: "jsonl", Path: path}, nil)
	if err != nil {
		t.Fatalf("NewJSONL: %v", err)
	}
	file := &shortWriteFile{}
	s.(*jsonlSink).openFile = func(path string) (appendFile, error) {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
		file.File = f
		return file, err
	}
	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()

	if err := s.Write(t.Context(), []*extract.Record{articleRecord()}); err != nil {
		t.Fatalf("first Write: %v", err)
	}
	before, _ := os.ReadFile(path)

	file.failing = true
	err = s.Write(t.Context(), []*extract.Record{listingRecord(), recordWithURL(1)})

	if !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("failed Write = %v, want ENOSPC", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, before) {
		t.Errorf("file after failed Write =\n%s\nwant it unchanged:\n%s", after, before)
	}

	file.failing = false
	if err := s.Write(t.Context(), []*extract.Record{listingRecord()}); err != nil {
		t.Fatalf("Write after failure: %v", err)
	}
	lines := readLines(t, path)
	if len(lines) != 2 {
		t.Fatalf("file has %d lines, want 2", len(lines))
	}
	assertSameRecord(t, decodeLine(t, lines[1]), listingRecord())
}

func TestJSONLRepairsLastLine(t *testing.T) {
	whole, err := Marshal(recordWithURL(7))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		existing  string
		wantLines []string // the lines before the new records
	}{
		{
			name:     "torn line cut off",
			existing: string(whole) + "\n" + `{"schema_version":1,"url":"https://news.example.com/article/1","title":"中斷`,
			wantLines: []string{
				string(whole),
			},
		},
		{
			name:      "torn only line cut off",
			existing:  `{"url":"https://news.example.com/article/1","title":"中斷`,
			wantLines: nil,
		},
		{
			name:      "whole last line without newline kept",
			existing:  string(whole),
			wantLines: []string{string(whole)},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "records.jsonl")
			if err := os.WriteFile(path, []byte(tt.existing), 0o644); err != nil {
				t.Fatal(err)
			}

			writeJSONL(t, path, []*extract.Record{articleRecord()}, []*extract.Record{listingRecord()})

			lines := readLines(t, path)
			if len(lines) != len(tt.wantLines)+2 {
				t.Fatalf("file has %d lines, want %d:\n%s", len(lines), len(tt.wantLines)+2, strings.Join(lines, "\n"))
			}
			for i, want := range tt.wantLines {
				if lines[i] != want {
					t.Errorf("line %d = %q, want %q", i, lines[i], want)
				}
			}
			assertSameRecord(t, decodeLine(t, lines[len(lines)-2]), articleRecord())
			assertSameRecord(t, decodeLine(t, lines[len(lines)-1]), listingRecord())
		})
	}
}

func TestJSONLRefusesGzipDataInPlainFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.jsonl")
	member, err := gzipMember([]byte("{}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, member, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := NewJSONL(Spec{Type: "jsonl", Path: path}, nil)
	if err != nil {
		t.Fatalf("NewJSONL: %v", err)
	}

	err = s.Open(t.Context())

	if err == nil || !strings.Contains(err.Error(), "set gzip: true") {
		t.Errorf("Open = %v, want an error suggesting gzip: true", err)
	}
	if data, _ := os.ReadFile(path); !bytes.Equal(data, member) {
		t.Error("the gzip file was changed")
	}
}

func TestJSONLLifecycleErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.jsonl")
	s, err := NewJSONL(Spec{Type: "jsonl", Path: path}, nil)
	if err != nil {
		t.Fatalf("NewJSONL: %v", err)
	}

	if err := s.Close(); err != nil {
		t.Errorf("Close before Open = %v, want nil", err)
	}
	if err := s.Write(t.Context(), []*extract.Record{articleRecord()}); !errors.Is(err, ErrNotOpen) {
		t.Errorf("Write before Open = %v, want ErrNotOpen", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file exists before Open (stat error %v)", err)
	}

	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	file := s.(*jsonlSink).file
	if err := s.Open(t.Context()); err != nil {
		t.Errorf("second Open = %v, want nil", err)
	}
	if s.(*jsonlSink).file != file {
		t.Error("second Open opened the file again")
	}
	if err := s.Write(t.Context(), nil); err != nil {
		t.Errorf("Write of empty batch = %v, want nil", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if err := s.Write(t.Context(), []*extract.Record{articleRecord()}); !errors.Is(err, ErrNotOpen) {
		t.Errorf("Write after Close = %v, want ErrNotOpen", err)
	}
}

func TestJSONLCanceledContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "records.jsonl")
	s := openJSONL(t, path)
	defer s.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()

	err := s.Write(ctx, []*extract.Record{articleRecord()})

	if !errors.Is(err, context.Canceled) {
		t.Errorf("Write with canceled context = %v, want context.Canceled", err)
	}
	if data, _ := os.ReadFile(path); len(data) != 0 {
		t.Errorf("file holds %q after a canceled Write, want nothing", data)
	}
}
