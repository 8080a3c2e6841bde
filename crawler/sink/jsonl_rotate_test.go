package sink

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/extract"
)

// newJSONLFromYAML builds an unopened jsonl sink from setting lines, with
// a clock that starts at start and moves one second per call.
func newJSONLFromYAML(t *testing.T, path string, start time.Time, extra ...string) *jsonlSink {
	t.Helper()

	text := "sinks:\n  - type: jsonl\n    path: '" + path + "'\n"
	for _, line := range extra {
		text += "    " + line + "\n"
	}
	s, err := NewJSONL(specFromYAML(t, text, 0), nil)
	if err != nil {
		t.Fatalf("NewJSONL: %v", err)
	}

	sink := s.(*jsonlSink)
	clock := start
	sink.now = func() time.Time {
		now := clock
		clock = clock.Add(time.Second)
		return now
	}

	return sink
}

// runJSONL opens s, writes batches and closes it.
func runJSONL(t *testing.T, s Sink, batches ...[]*extract.Record) {
	t.Helper()

	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	for _, batch := range batches {
		if err := s.Write(t.Context(), batch); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// dirFiles returns the names of the files in dir, sorted.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)

	return names
}

// readGzipLines decompresses a file of gzip members with the standard
// reader, as gzip -d and other tools do, and returns its lines.
func readGzipLines(t *testing.T, path string) []string {
	t.Helper()

	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	reader, err := gzip.NewReader(file)
	if err != nil {
		t.Fatalf("gzip %s: %v", path, err)
	}
	data, err := io.ReadAll(reader)
	if err != nil {
		t.Fatalf("gunzip %s: %v", path, err)
	}

	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

var rotateStart = time.Date(2024, 3, 5, 8, 30, 15, 0, time.UTC)

func TestJSONLRotatePerRun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "records.jsonl")

	runJSONL(t, newJSONLFromYAML(t, path, rotateStart, "rotate: run"), []*extract.Record{recordWithURL(1)})
	runJSONL(t, newJSONLFromYAML(t, path, rotateStart.Add(time.Hour), "rotate: run"), []*extract.Record{recordWithURL(2)}, []*extract.Record{recordWithURL(1)})
	runJSONL(t, newJSONLFromYAML(t, path, rotateStart.Add(2*time.Hour), "rotate: run"))

	want := []string{"records-20240305T083015Z.jsonl", "records-20240305T093015Z.jsonl"}
	if got := dirFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files = %q, want %q (a run without records leaves no file)", got, want)
	}
	second := readLines(t, filepath.Join(dir, want[1]))
	if len(second) != 1 {
		t.Fatalf("second run's file has %d lines, want 1: record 1 is stored in the first file already", len(second))
	}
	assertSameRecord(t, decodeLine(t, second[0]), recordWithURL(2))
}

func TestJSONLRotateBySize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "records.jsonl")
	line, err := Marshal(recordWithURL(0))
	if err != nil {
		t.Fatal(err)
	}
	limit := 2*(len(line)+1) + 10 // two lines fit, three do not
	s := newJSONLFromYAML(t, path, rotateStart, "rotate_size: "+itoa(limit))
	var batches [][]*extract.Record
	for i := range 5 {
		batches = append(batches, []*extract.Record{recordWithURL(i)})
	}

	runJSONL(t, s, batches...)

	want := []string{"records-20240305T083015Z.jsonl", "records-20240305T083016Z.jsonl", "records.jsonl"}
	if got := dirFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
	var all []string
	for _, name := range want {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if info.Size() > int64(limit) {
			t.Errorf("%s has %d bytes, more than rotate_size %d", name, info.Size(), limit)
		}
		all = append(all, readLines(t, filepath.Join(dir, name))...)
	}
	if len(all) != 5 {
		t.Fatalf("files hold %d lines, want 5", len(all))
	}
	for i, line := range all {
		assertSameRecord(t, decodeLine(t, line), recordWithURL(i))
	}
}

func TestJSONLGzip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "records.jsonl")
	changed := recordWithURL(1)
	changed.Body = "更新後的內文。"

	runJSONL(t, newJSONLFromYAML(t, path, rotateStart, "gzip: true"), []*extract.Record{recordWithURL(1), recordWithURL(2)})
	runJSONL(t, newJSONLFromYAML(t, path, rotateStart, "gzip: true"), []*extract.Record{recordWithURL(2)}, []*extract.Record{changed})

	if got := dirFiles(t, dir); !slices.Equal(got, []string{"records.jsonl.gz"}) {
		t.Fatalf("files = %q, want [records.jsonl.gz]", got)
	}
	lines := readGzipLines(t, path+".gz")
	if len(lines) != 3 {
		t.Fatalf("gzip file holds %d lines, want 3 (record 2 again is skipped)", len(lines))
	}
	assertSameRecord(t, decodeLine(t, lines[2]), changed)
	for _, line := range lines {
		validateRecordJSON(t, []byte(line))
	}
}

func TestJSONLGzipTornMember(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "records.jsonl.gz")
	runJSONL(t, newJSONLFromYAML(t, path, rotateStart, "gzip: true"), []*extract.Record{recordWithURL(1)})
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	member, err := gzipMember([]byte(strings.Repeat("torn ", 100)))
	if err != nil {
		t.Fatal(err)
	}
	torn := append(bytes.Clone(good), member[:len(member)/2]...)
	if err := os.WriteFile(path, torn, 0o644); err != nil {
		t.Fatal(err)
	}

	runJSONL(t, newJSONLFromYAML(t, path, rotateStart, "gzip: true"), []*extract.Record{recordWithURL(2)})

	lines := readGzipLines(t, path)
	if len(lines) != 2 {
		t.Fatalf("file holds %d lines, want 2: the torn member is cut off", len(lines))
	}
	assertSameRecord(t, decodeLine(t, lines[0]), recordWithURL(1))
	assertSameRecord(t, decodeLine(t, lines[1]), recordWithURL(2))
}

func TestJSONLRotatedGzipIndex(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "records.jsonl")
	settings := []string{"rotate: run", "gzip: true"}

	runJSONL(t, newJSONLFromYAML(t, path, rotateStart, settings...), []*extract.Record{recordWithURL(1), recordWithURL(2)})
	runJSONL(t, newJSONLFromYAML(t, path, rotateStart.Add(time.Minute), settings...), []*extract.Record{recordWithURL(1), recordWithURL(3)})

	want := []string{"records-20240305T083015Z.jsonl.gz", "records-20240305T083115Z.jsonl.gz"}
	if got := dirFiles(t, dir); !slices.Equal(got, want) {
		t.Fatalf("files = %q, want %q", got, want)
	}
	second := readGzipLines(t, filepath.Join(dir, want[1]))
	if len(second) != 1 {
		t.Fatalf("second file holds %d lines, want 1: only record 3 is new", len(second))
	}
	assertSameRecord(t, decodeLine(t, second[0]), recordWithURL(3))
}

func TestJSONLSettingErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{
			name: "rotate unknown",
			yaml: "sinks:\n  - type: jsonl\n    path: out/r.jsonl\n    rotate: daily\n",
			want: `line 4: sinks[0].rotate: invalid rotate "daily": want "run" (one file per run), or leave the key out`,
		},
		{
			name: "rotate_size not a size",
			yaml: "sinks:\n  - type: jsonl\n    path: out/r.jsonl\n    rotate_size: big\n",
			want: `line 4: sinks[0].rotate_size: invalid value "big": want a size such as 64MiB, 100MB or 1048576 (bytes)`,
		},
		{
			name: "rotate_size negative",
			yaml: "sinks:\n  - type: jsonl\n    path: out/r.jsonl\n    rotate_size: -5\n",
			want: `line 4: sinks[0].rotate_size: invalid value "-5": want a size such as 64MiB, 100MB or 1048576 (bytes)`,
		},
		{
			name: "gzip on stdout",
			yaml: "sinks:\n  - type: jsonl\n    path: '-'\n    gzip: true\n",
			want: `line 4: sinks[0].gzip: gzip needs a file path: standard output cannot be rotated or compressed`,
		},
		{
			name: "gzip not a boolean",
			yaml: "sinks:\n  - type: jsonl\n    path: out/r.jsonl\n    gzip: yes please\n",
			want: `line 4: sinks[0].gzip: invalid value "yes please": want true or false`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Default().New(specFromYAML(t, tt.yaml, 0))

			if err == nil || err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestJSONLSizeSetting(t *testing.T) {
	tests := []struct {
		value string
		want  int64
	}{
		{"1048576", 1 << 20},
		{"64MiB", 64 << 20},
		{"100MB", 100_000_000},
		{"512kib", 512 << 10},
	}

	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			s := newJSONLFromYAML(t, "out/r.jsonl", rotateStart, "rotate_size: "+tt.value)

			if s.rotateSize != tt.want {
				t.Errorf("rotate_size %s = %d bytes, want %d", tt.value, s.rotateSize, tt.want)
			}
		})
	}
}
