package sink

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/extract"
)

// newSQLite builds an unopened sqlite sink at path. extra holds more YAML
// setting lines, such as "table: news".
func newSQLite(t *testing.T, path string, extra ...string) *sqliteSink {
	t.Helper()

	text := "sinks:\n  - type: sqlite\n    path: '" + path + "'\n"
	for _, line := range extra {
		text += "    " + line + "\n"
	}
	s, err := NewSQLite(specFromYAML(t, text, 0))
	if err != nil {
		t.Fatalf("NewSQLite: %v", err)
	}

	return s.(*sqliteSink)
}

// openSQLite builds and opens a sqlite sink at path and closes it when the
// test ends.
func openSQLite(t *testing.T, path string, extra ...string) *sqliteSink {
	t.Helper()

	s := newSQLite(t, path, extra...)
	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})

	return s
}

// openReader opens a second connection pool on the database at path, as
// another program reading the crawl's output would.
func openReader(t *testing.T, path string) *sql.DB {
	t.Helper()

	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+escapeURIPath(abs)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatalf("open reader: %v", err)
	}
	t.Cleanup(func() { db.Close() })

	return db
}

// countRows returns the number of rows of table in the database at path.
func countRows(t *testing.T, path, table string) int {
	t.Helper()

	db := openReader(t, path)
	defer db.Close()

	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + quoteIdentifier(table)).Scan(&n); err != nil {
		t.Fatalf("count rows of %s: %v", table, err)
	}

	return n
}

// readRecords reads every row of table back into records, keyed by URL.
func readRecords(t *testing.T, db *sql.DB, table string) map[string]*extract.Record {
	t.Helper()

	rows, err := db.Query(`SELECT url, canonical_url, fetched_at, page_type, title, published,
		published_raw, published_precision, modified, authors, source, lang, site_name, body,
		images, recommended, items, content_hash, profile_fallbacks, explain, original_url FROM ` + quoteIdentifier(table))
	if err != nil {
		t.Fatalf("select rows: %v", err)
	}
	defer rows.Close()

	records := make(map[string]*extract.Record)
	for rows.Next() {
		var (
			r                                              extract.Record
			canonical, published, publishedRaw, precision  sql.NullString
			modified, source, lang, siteName, contentHash  sql.NullString
			fetchedAt, authors, images, recommended, items string
			fallbacks                                      string
			explain, originalURL                           sql.NullString
		)
		err := rows.Scan(&r.URL, &canonical, &fetchedAt, &r.PageType, &r.Title, &published,
			&publishedRaw, &precision, &modified, &authors, &source, &lang, &siteName, &r.Body,
			&images, &recommended, &items, &contentHash, &fallbacks, &explain, &originalURL)
		if err != nil {
			t.Fatalf("scan row: %v", err)
		}

		r.CanonicalURL, r.Published, r.PublishedRaw = canonical.String, published.String, publishedRaw.String
		r.PublishedPrecision, r.Modified, r.Source = precision.String, modified.String, source.String
		r.Lang, r.SiteName, r.ContentHash = lang.String, siteName.String, contentHash.String
		r.OriginalURL = originalURL.String
		if r.FetchedAt, err = time.Parse(time.RFC3339Nano, fetchedAt); err != nil {
			t.Fatalf("parse fetched_at %q: %v", fetchedAt, err)
		}
		decodeColumn(t, authors, &r.Authors)
		decodeColumn(t, images, &r.Images)
		decodeColumn(t, recommended, &r.Recommended)
		decodeColumn(t, items, &r.Items)
		decodeColumn(t, fallbacks, &r.Fallbacks)
		if explain.Valid {
			if err := json.Unmarshal([]byte(explain.String), &r.Explain); err != nil {
				t.Fatalf("decode explain %q: %v", explain.String, err)
			}
		}

		records[r.URL] = &r
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read rows: %v", err)
	}

	return records
}

// decodeColumn decodes a JSON array column into target, leaving target nil
// for "[]" as the JSON record leaves out empty arrays.
func decodeColumn[T any](t *testing.T, text string, target *[]T) {
	t.Helper()

	if err := json.Unmarshal([]byte(text), target); err != nil {
		t.Fatalf("decode column %q: %v", text, err)
	}
	if len(*target) == 0 {
		*target = nil
	}
}

func TestSQLiteRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out", "gleaner.db")
	want := []*extract.Record{fullRecord(), listingRecord(), recordWithURL(1)}
	s := openSQLite(t, path)

	if err := s.Write(t.Context(), want[:2]); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := s.Write(t.Context(), want[2:]); err != nil {
		t.Fatalf("second Write: %v", err)
	}

	got := readRecords(t, openReader(t, path), "articles")
	if len(got) != len(want) {
		t.Fatalf("table has %d rows, want %d", len(got), len(want))
	}
	for _, w := range want {
		g, ok := got[w.URL]
		if !ok {
			t.Errorf("no row for %s", w.URL)
			continue
		}
		assertSameRecord(t, g, w)
	}
}

func TestSQLiteColumnEncoding(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := openSQLite(t, path)
	if err := s.Write(t.Context(), []*extract.Record{articleRecord(), listingRecord()}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	db := openReader(t, path)

	tests := []struct {
		name  string
		query string
		want  string
	}{
		{
			name:  "empty optional text is NULL",
			query: "SELECT COALESCE(canonical_url, 'NULL') FROM articles WHERE page_type = 'listing'",
			want:  "NULL",
		},
		{
			name:  "empty array is []",
			query: "SELECT authors || images || recommended FROM articles WHERE page_type = 'listing'",
			want:  "[][][]",
		},
		{
			name:  "recommended is queryable JSON",
			query: "SELECT json_extract(recommended, '$[0].title') FROM articles WHERE page_type = 'article'",
			want:  "北部降雨機率上升",
		},
		{
			name:  "JSON text keeps < > &",
			query: "SELECT json_extract(recommended, '$[0].summary') = '週三起鋒面南下 & 東北季風增強' AND instr(recommended, '\\u0026') = 0 FROM articles WHERE page_type = 'article'",
			want:  "1",
		},
		{
			name:  "fetched_at keeps its offset",
			query: "SELECT fetched_at FROM articles WHERE page_type = 'article'",
			want:  "2024-03-05T08:30:15+08:00",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := db.QueryRow(tt.query).Scan(&got); err != nil {
				t.Fatalf("query: %v", err)
			}
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}

func TestSQLiteUpsertChangedBody(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := openSQLite(t, path)
	firstWrite := time.Date(2024, 3, 5, 1, 0, 0, 0, time.UTC)
	secondWrite := firstWrite.Add(time.Hour)

	s.now = func() time.Time { return firstWrite }
	if err := s.Write(t.Context(), []*extract.Record{articleRecord()}); err != nil {
		t.Fatalf("first Write: %v", err)
	}
	changed := articleRecord()
	changed.Body = "更新：颱風警報已解除。"
	changed.Recommended = nil
	s.now = func() time.Time { return secondWrite }
	if err := s.Write(t.Context(), []*extract.Record{changed}); err != nil {
		t.Fatalf("second Write: %v", err)
	}

	db := openReader(t, path)
	var rows int
	var body, recommended, firstSeen, writtenAt string
	err := db.QueryRow("SELECT COUNT(*), body, recommended, first_seen, written_at FROM articles").
		Scan(&rows, &body, &recommended, &firstSeen, &writtenAt)
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	if rows != 1 {
		t.Errorf("table has %d rows after writing one URL twice, want 1", rows)
	}
	if body != changed.Body {
		t.Errorf("body = %q, want the updated %q", body, changed.Body)
	}
	if recommended != "[]" {
		t.Errorf("recommended = %q, want [] after the update", recommended)
	}
	if firstSeen != "2024-03-05T01:00:00Z" {
		t.Errorf("first_seen = %q, want the first write time 2024-03-05T01:00:00Z", firstSeen)
	}
	if writtenAt != "2024-03-05T02:00:00Z" {
		t.Errorf("written_at = %q, want the second write time 2024-03-05T02:00:00Z", writtenAt)
	}
}

func TestSQLiteFailedBatchRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := openSQLite(t, path)
	bad := recordWithURL(2)
	trigger := fmt.Sprintf(`CREATE TRIGGER reject_bad BEFORE INSERT ON articles
		WHEN NEW.url = '%s' BEGIN SELECT RAISE(ABORT, 'rejected by test trigger'); END`, bad.URL)
	if _, err := openReader(t, path).Exec(trigger); err != nil {
		t.Fatalf("create trigger: %v", err)
	}

	err := s.Write(t.Context(), []*extract.Record{recordWithURL(1), bad, recordWithURL(3)})

	if err == nil {
		t.Fatal("Write of a batch with a rejected record returned no error")
	}
	wantPrefix := "sqlite " + path + ": write: record 1 (" + bad.URL + "): "
	if !strings.HasPrefix(err.Error(), wantPrefix) || !strings.Contains(err.Error(), "rejected by test trigger") {
		t.Errorf("error = %q, want prefix %q and the trigger message", err, wantPrefix)
	}
	if n := countRows(t, path, "articles"); n != 0 {
		t.Errorf("table has %d rows after a failed batch, want 0", n)
	}

	if err := s.Write(t.Context(), []*extract.Record{recordWithURL(1)}); err != nil {
		t.Fatalf("Write after the failed batch: %v", err)
	}
	if n := countRows(t, path, "articles"); n != 1 {
		t.Errorf("table has %d rows after a good batch, want 1", n)
	}
}

func TestSQLiteInvalidRecordWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := openSQLite(t, path)

	err := s.Write(t.Context(), []*extract.Record{articleRecord(), {Title: "沒有網址"}})

	if !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("Write = %v, want ErrInvalidRecord", err)
	}
	if n := countRows(t, path, "articles"); n != 0 {
		t.Errorf("table has %d rows after a rejected batch, want 0", n)
	}
}

func TestSQLiteReaderDuringWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := openSQLite(t, path)
	if err := s.Write(t.Context(), []*extract.Record{recordWithURL(1)}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	reader := openReader(t, path)

	var mode string
	if err := reader.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatalf("read journal mode: %v", err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}

	readTx, err := reader.BeginTx(t.Context(), nil)
	if err != nil {
		t.Fatalf("begin read transaction: %v", err)
	}
	defer readTx.Rollback()
	var before int
	if err := readTx.QueryRow("SELECT COUNT(*) FROM articles").Scan(&before); err != nil {
		t.Fatalf("count in read transaction: %v", err)
	}

	if err := s.Write(t.Context(), []*extract.Record{recordWithURL(2), recordWithURL(3)}); err != nil {
		t.Fatalf("Write while a read transaction is open: %v", err)
	}

	var during int
	if err := readTx.QueryRow("SELECT COUNT(*) FROM articles").Scan(&during); err != nil {
		t.Fatalf("count again in read transaction: %v", err)
	}
	if before != 1 || during != 1 {
		t.Errorf("read transaction counted %d then %d rows, want 1 and 1 (its snapshot)", before, during)
	}
	if err := readTx.Commit(); err != nil {
		t.Fatalf("end read transaction: %v", err)
	}
	var after int
	if err := reader.QueryRow("SELECT COUNT(*) FROM articles").Scan(&after); err != nil {
		t.Fatalf("count after read transaction: %v", err)
	}
	if after != 3 {
		t.Errorf("new read counted %d rows, want 3", after)
	}
}

func TestSQLiteReaderSeesWholeBatches(t *testing.T) {
	const batches, batchSize = 20, 5
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := openSQLite(t, path)
	reader := openReader(t, path)
	if err := reader.Ping(); err != nil {
		t.Fatalf("ping reader: %v", err)
	}

	// The reader counts rows in a loop until done is closed, then sends
	// every count it saw and the error that stopped it, if any.
	type readResult struct {
		counts []int
		err    error
	}
	results := make(chan readResult)
	done := make(chan struct{})
	go func() {
		var result readResult
		defer func() { results <- result }()
		for {
			select {
			case <-done:
				return
			default:
			}
			var n int
			if result.err = reader.QueryRow("SELECT COUNT(*) FROM articles").Scan(&n); result.err != nil {
				return
			}
			result.counts = append(result.counts, n)
		}
	}()

	for b := range batches {
		batch := make([]*extract.Record, batchSize)
		for i := range batch {
			batch[i] = recordWithURL(b*batchSize + i)
		}
		if err := s.Write(t.Context(), batch); err != nil {
			close(done)
			<-results
			t.Fatalf("Write batch %d: %v", b, err)
		}
	}
	close(done)
	result := <-results

	if result.err != nil {
		t.Fatalf("reader failed during writes: %v", result.err)
	}
	if len(result.counts) == 0 {
		t.Fatal("reader made no reads")
	}
	for i, n := range result.counts {
		if n%batchSize != 0 {
			t.Fatalf("read %d of %d counted %d rows, want a multiple of %d (whole batches only)", i+1, len(result.counts), n, batchSize)
		}
	}
	if n := countRows(t, path, "articles"); n != batches*batchSize {
		t.Errorf("table has %d rows, want %d", n, batches*batchSize)
	}
}

func TestSQLiteSchemaVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	first := openSQLite(t, path)
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	openSQLite(t, path)

	var rows, version int
	if err := openReader(t, path).QueryRow("SELECT COUNT(*), MAX(version) FROM schema_version").Scan(&rows, &version); err != nil {
		t.Fatalf("read schema_version: %v", err)
	}
	if rows != 1 || version != SQLiteSchemaVersion {
		t.Errorf("schema_version has %d rows with version %d, want 1 row with %d", rows, version, SQLiteSchemaVersion)
	}
}

func TestSQLiteRejectsExistingSchema(t *testing.T) {
	tests := []struct {
		name     string
		setup    string
		want     string
		sentinel error
	}{
		{
			name:     "newer schema version",
			setup:    "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (3)",
			want:     "schema version 3, this gleaner supports up to 2",
			sentinel: ErrSchemaTooNew,
		},
		{
			name:  "foreign articles table",
			setup: "CREATE TABLE articles (url TEXT PRIMARY KEY, headline TEXT, body TEXT)",
			want:  "table articles exists without columns schema_version, canonical_url, fetched_at, page_type, title,",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "gleaner.db")
			if _, err := openReader(t, path).Exec(tt.setup); err != nil {
				t.Fatalf("set up database: %v", err)
			}
			s := newSQLite(t, path)

			err := s.Open(t.Context())

			if err == nil {
				s.Close()
				t.Fatal("Open returned no error")
			}
			if !strings.HasPrefix(err.Error(), "sqlite "+path+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to name the path and contain %q", err, tt.want)
			}
			if tt.sentinel != nil && !errors.Is(err, tt.sentinel) {
				t.Errorf("error %q does not wrap %v", err, tt.sentinel)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close after failed Open = %v, want nil", err)
			}
		})
	}
}

func TestSQLiteCustomTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := openSQLite(t, path, "table: news_2024")

	if err := s.Write(t.Context(), []*extract.Record{articleRecord()}); err != nil {
		t.Fatalf("Write: %v", err)
	}

	if n := countRows(t, path, "news_2024"); n != 1 {
		t.Errorf("news_2024 has %d rows, want 1", n)
	}
	var tables int
	if err := openReader(t, path).QueryRow("SELECT COUNT(*) FROM sqlite_master WHERE name = 'articles'").Scan(&tables); err != nil {
		t.Fatalf("look up articles table: %v", err)
	}
	if tables != 0 {
		t.Error("an articles table was created although table says news_2024")
	}
}

func TestSQLitePathWithURICharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%25d 新聞")
	path := filepath.Join(dir, "gleaner.db")
	s := openSQLite(t, path)

	if err := s.Write(t.Context(), []*extract.Record{articleRecord()}); err != nil {
		t.Fatalf("Write: %v", err)
	}

	if _, err := os.Stat(path); err != nil {
		t.Errorf("database is not at the configured path: %v", err)
	}
	if n := countRows(t, path, "articles"); n != 1 {
		t.Errorf("table has %d rows, want 1", n)
	}
}

func TestSQLiteParentNotDirectory(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "blocker")
	if err := os.WriteFile(blocker, []byte("a file, not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(blocker, "gleaner.db")
	s := newSQLite(t, path)

	err := s.Open(t.Context())

	if err == nil {
		s.Close()
		t.Fatal("Open returned no error")
	}
	if !strings.HasPrefix(err.Error(), "sqlite "+path+": create directory: ") {
		t.Errorf("error %q does not name the sink path and the failed step", err)
	}
	if !errors.Is(err, syscall.ENOTDIR) {
		t.Errorf("error %q does not wrap ENOTDIR", err)
	}
}

func TestSQLiteLifecycleErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := newSQLite(t, path)

	if err := s.Close(); err != nil {
		t.Errorf("Close before Open = %v, want nil", err)
	}
	if err := s.Write(t.Context(), []*extract.Record{articleRecord()}); !errors.Is(err, ErrNotOpen) {
		t.Errorf("Write before Open = %v, want ErrNotOpen", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("database exists before Open (stat error %v)", err)
	}

	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	db := s.db
	if err := s.Open(t.Context()); err != nil {
		t.Errorf("second Open = %v, want nil", err)
	}
	if s.db != db {
		t.Error("second Open opened the database again")
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

func BenchmarkSQLiteWrite(b *testing.B) {
	path := filepath.Join(b.TempDir(), "gleaner.db")
	s, err := NewSQLite(Spec{Type: "sqlite", Path: path})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Open(b.Context()); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := make([]*extract.Record, 100)
	for i := range batch {
		batch[i] = recordWithURL(i)
	}

	b.ReportAllocs()
	for b.Loop() {
		if err := s.Write(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONLWrite(b *testing.B) {
	path := filepath.Join(b.TempDir(), "records.jsonl")
	s, err := NewJSONL(Spec{Type: "jsonl", Path: path}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Open(b.Context()); err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	batch := make([]*extract.Record, 100)
	for i := range batch {
		batch[i] = recordWithURL(i)
	}

	b.ReportAllocs()
	for b.Loop() {
		if err := s.Write(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
}
