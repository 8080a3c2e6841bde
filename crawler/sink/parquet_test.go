package sink

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/gleanerhq/gleaner/extract"
)

// newParquet builds an unopened parquet sink writing into dir, with a
// clock that starts at start and moves one second per call.
func newParquet(t *testing.T, dir string, start time.Time, extra ...string) *parquetSink {
	t.Helper()

	text := "sinks:\n  - type: parquet\n    path: '" + dir + "'\n"
	for _, line := range extra {
		text += "    " + line + "\n"
	}
	s, err := NewParquet(specFromYAML(t, text, 0))
	if err != nil {
		t.Fatalf("NewParquet: %v", err)
	}

	sink := s.(*parquetSink)
	clock := start
	sink.now = func() time.Time {
		now := clock
		clock = clock.Add(time.Second)
		return now
	}

	return sink
}

// readParquet reads the rows of a Parquet file.
func readParquet(t *testing.T, path string) []parquetRow {
	t.Helper()

	rows, err := parquet.ReadFile[parquetRow](path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}

	return rows
}

// record converts a row read back from a file to a record.
func (row parquetRow) record() *extract.Record {
	r := &extract.Record{
		URL:                row.URL,
		CanonicalURL:       row.CanonicalURL,
		FetchedAt:          row.FetchedAt,
		PageType:           row.PageType,
		Title:              row.Title,
		Published:          row.Published,
		PublishedRaw:       row.PublishedRaw,
		PublishedPrecision: row.PublishedPrecision,
		Modified:           row.Modified,
		Source:             row.Source,
		OriginalURL:        row.OriginalURL,
		Lang:               row.Lang,
		SiteName:           row.SiteName,
		Body:               row.Body,
		ContentHash:        row.ContentHash,
		Authors:            nilIfEmpty(row.Authors),
		Fallbacks:          nilIfEmpty(row.ProfileFallbacks),
	}
	if len(row.Explain) > 0 {
		r.Explain = row.Explain
	}
	for _, img := range row.Images {
		r.Images = append(r.Images, extract.Image(img))
	}
	for _, e := range row.Recommended {
		r.Recommended = append(r.Recommended, extract.Entry(e))
	}
	for _, e := range row.Items {
		r.Items = append(r.Items, extract.Entry(e))
	}

	return r
}

// parquetFiles returns the visible Parquet files in dir, sorted.
func parquetFiles(t *testing.T, dir string) []string {
	t.Helper()

	var files []string
	for _, name := range dirFiles(t, dir) {
		if strings.HasSuffix(name, ".parquet") && !strings.HasPrefix(name, ".") {
			files = append(files, name)
		}
	}

	return files
}

var parquetStart = time.Date(2024, 3, 5, 8, 30, 15, 0, time.UTC)

func TestParquetRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := newParquet(t, dir, parquetStart)
	want := []*extract.Record{fullRecord(), listingRecord(), recordWithURL(1)}

	runJSONL(t, s, want[:2], want[2:])

	files := parquetFiles(t, dir)
	if !slices.Equal(files, []string{"articles-20240305T083015Z.parquet"}) {
		t.Fatalf("files = %q, want one file named after the first write", files)
	}
	rows := readParquet(t, filepath.Join(dir, files[0]))
	if len(rows) != len(want) {
		t.Fatalf("file has %d rows, want %d", len(rows), len(want))
	}
	for i, row := range rows {
		if row.SchemaVersion != RecordSchemaVersion {
			t.Errorf("row %d has schema_version %d", i, row.SchemaVersion)
		}
		assertSameRecord(t, row.record(), want[i])
		validateRecordValue(t, row)
	}
	if left := dirFiles(t, dir); len(left) != 1 {
		t.Errorf("folder holds %q, want only the Parquet file (no journal or temporary file)", left)
	}
}

func TestParquetUpsertWithinFile(t *testing.T) {
	dir := t.TempDir()
	s := newParquet(t, dir, parquetStart)
	changed := articleRecord()
	changed.Body = "更新：颱風警報已解除。"

	runJSONL(t, s, []*extract.Record{articleRecord(), recordWithURL(1)}, []*extract.Record{changed, recordWithURL(1)})

	rows := readParquet(t, filepath.Join(dir, parquetFiles(t, dir)[0]))
	if len(rows) != 2 {
		t.Fatalf("file has %d rows, want 2: one per URL", len(rows))
	}
	if rows[0].URL != changed.URL || rows[0].Body != changed.Body {
		t.Errorf("first row = %s with body %q, want %s with the changed body", rows[0].URL, rows[0].Body, changed.URL)
	}
}

func TestParquetFileSchema(t *testing.T) {
	dir := t.TempDir()
	runJSONL(t, newParquet(t, dir, parquetStart), []*extract.Record{fullRecord()})
	path := filepath.Join(dir, parquetFiles(t, dir)[0])
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	info, _ := file.Stat()
	pf, err := parquet.OpenFile(file, info.Size())
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	schema := pf.Schema().String()

	tests := []struct {
		name string
		want string
	}{
		{"version column", "required int32 schema_version (INT(32,true));"},
		{"optional text", "optional binary canonical_url (STRING);"},
		{"fetch time", "required int64 fetched_at (TIMESTAMP(isAdjustedToUTC=true,unit=MICROS));"},
		{"authors list", "required group authors (LIST) {"},
		{"images list of structs", "required group images (LIST) {"},
		{"recommended list", "required group recommended (LIST) {"},
		{"entry field", "optional binary published_precision (STRING);"},
		{"explain map", "optional group explain (MAP) {"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(schema, tt.want) {
				t.Errorf("schema lacks %q:\n%s", tt.want, schema)
			}
		})
	}

	if v, ok := pf.Lookup("gleaner.schema_version"); !ok || v != "1" {
		t.Errorf("key-value metadata gleaner.schema_version = %q, %v, want 1", v, ok)
	}
}

func TestParquetFileAppearsOnlyWhenComplete(t *testing.T) {
	dir := t.TempDir()
	s := newParquet(t, dir, parquetStart)
	if err := s.Open(t.Context()); err != nil {
		t.Fatal(err)
	}

	if err := s.Write(t.Context(), []*extract.Record{recordWithURL(1)}); err != nil {
		t.Fatalf("Write: %v", err)
	}

	if files := parquetFiles(t, dir); len(files) != 0 {
		t.Errorf("Parquet files %q exist before Close", files)
	}
	if got := dirFiles(t, dir); !slices.Equal(got, []string{".articles-20240305T083015Z.parquet.journal"}) {
		t.Errorf("folder holds %q, want the hidden journal only", got)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if files := parquetFiles(t, dir); len(files) != 1 {
		t.Errorf("Parquet files after Close = %q, want one", files)
	}
}

func TestParquetRecoversJournalAfterCrash(t *testing.T) {
	dir := t.TempDir()
	crashed := newParquet(t, dir, parquetStart)
	if err := crashed.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := crashed.Write(t.Context(), []*extract.Record{recordWithURL(1), recordWithURL(2)}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	// The process dies: no Close. Its lock goes with it.
	unlockFile(crashed.lock)
	crashed.journal.file.Close()
	journal := filepath.Join(dir, ".articles-20240305T083015Z.parquet.journal")
	appendTorn(t, journal, `{"schema_version":1,"url":"https://news.example.com/article/9","ti`)

	next := newParquet(t, dir, parquetStart.Add(time.Hour))
	runJSONL(t, next, []*extract.Record{recordWithURL(3)})

	files := parquetFiles(t, dir)
	want := []string{"articles-20240305T083015Z.parquet", "articles-20240305T093015Z.parquet"}
	if !slices.Equal(files, want) {
		t.Fatalf("files = %q, want %q", files, want)
	}
	recovered := readParquet(t, filepath.Join(dir, files[0]))
	if len(recovered) != 2 || recovered[0].URL != recordWithURL(1).URL || recovered[1].URL != recordWithURL(2).URL {
		t.Errorf("recovered file holds %d rows, want records 1 and 2 without the torn line", len(recovered))
	}
	if left := dirFiles(t, dir); len(left) != 2 {
		t.Errorf("folder holds %q, want only the two Parquet files", left)
	}
}

// appendTorn appends text without a newline to the file at path.
func appendTorn(t *testing.T, path, text string) {
	t.Helper()

	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func TestParquetLeavesLockedJournal(t *testing.T) {
	dir := t.TempDir()
	running := newParquet(t, dir, parquetStart)
	if err := running.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer running.Close()
	if err := running.Write(t.Context(), []*extract.Record{recordWithURL(1)}); err != nil {
		t.Fatal(err)
	}

	other := newParquet(t, dir, parquetStart.Add(time.Hour))
	if err := other.Open(t.Context()); err != nil {
		t.Fatalf("second Open: %v", err)
	}
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}

	if files := parquetFiles(t, dir); len(files) != 0 {
		t.Errorf("a second sink finished the journal of a running one: %q", files)
	}
}

func TestParquetRollsBySize(t *testing.T) {
	dir := t.TempDir()
	line, err := Marshal(recordWithURL(0))
	if err != nil {
		t.Fatal(err)
	}
	s := newParquet(t, dir, parquetStart, "roll_size: "+itoa(2*len(line)), "compression: zstd")
	var batches [][]*extract.Record
	for i := range 5 {
		batches = append(batches, []*extract.Record{recordWithURL(i)})
	}

	runJSONL(t, s, batches...)

	files := parquetFiles(t, dir)
	if len(files) != 3 {
		t.Fatalf("files = %q, want 3: two rows each, then one", files)
	}
	var urls []string
	for _, name := range files {
		for _, row := range readParquet(t, filepath.Join(dir, name)) {
			urls = append(urls, row.URL)
		}
	}
	for i, url := range urls {
		if url != recordWithURL(i).URL {
			t.Errorf("row %d is %s, want %s", i, url, recordWithURL(i).URL)
		}
	}
}

func TestParquetSettingErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{
			name: "no path",
			yaml: "sinks:\n  - type: parquet\n",
			want: `line 2: sinks[0].path: missing path for sink "parquet": name the folder the Parquet files go to`,
		},
		{
			name: "unknown compression",
			yaml: "sinks:\n  - type: parquet\n    path: out/parquet\n    compression: lzo\n",
			want: `line 4: sinks[0].compression: invalid compression "lzo": want snappy, zstd, gzip or none`,
		},
		{
			name: "prefix with slash",
			yaml: "sinks:\n  - type: parquet\n    path: out/parquet\n    prefix: a/b\n",
			want: `line 4: sinks[0].prefix: invalid prefix "a/b": want letters, digits, dots, dashes or underscores, not starting with a dot`,
		},
		{
			name: "row group size zero",
			yaml: "sinks:\n  - type: parquet\n    path: out/parquet\n    row_group_size: 0\n",
			want: `line 4: sinks[0].row_group_size: invalid row_group_size 0: want 1 or more rows`,
		},
		{
			name: "roll size not a size",
			yaml: "sinks:\n  - type: parquet\n    path: out/parquet\n    roll_size: huge\n",
			want: `line 4: sinks[0].roll_size: invalid value "huge": want a size such as 64MiB, 100MB or 1048576 (bytes)`,
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
