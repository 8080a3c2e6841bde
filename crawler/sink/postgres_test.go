package sink

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gleanerhq/gleaner/extract"
)

// postgresDSNVariable names the environment variable with the connection
// string of the test server. .ci/run starts a server and sets it.
const postgresDSNVariable = "GLEANER_TEST_PG_DSN"

// testPostgresDSN returns the test server's connection string, or skips
// the test when there is none.
func testPostgresDSN(t *testing.T) string {
	t.Helper()

	dsn := os.Getenv(postgresDSNVariable)
	if dsn == "" {
		t.Skip(postgresDSNVariable + " is not set: this test needs a PostgreSQL server (.ci/run starts one with .ci/postgres)")
	}

	return dsn
}

// pgConnect opens a connection for the test's own queries.
func pgConnect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to the test server: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })

	return conn
}

// testTable returns a table name of its own for the test and drops the
// table when the test ends.
func testTable(t *testing.T, dsn string) string {
	t.Helper()

	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		t.Fatal(err)
	}
	table := "t_" + hex.EncodeToString(suffix)
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			return // the test reported the server's problem already
		}
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), "DROP TABLE IF EXISTS "+quoteIdentifier(table))
	})

	return table
}

// newPostgres builds an unopened postgres sink writing to table. extra
// holds more YAML setting lines.
func newPostgres(t *testing.T, dsn, table string, extra ...string) *postgresSink {
	t.Helper()

	text := "sinks:\n  - type: postgres\n    dsn: '" + dsn + "'\n    table: " + table + "\n"
	for _, line := range extra {
		text += "    " + line + "\n"
	}
	s, err := NewPostgres(specFromYAML(t, text, 0))
	if err != nil {
		t.Fatalf("NewPostgres: %v", err)
	}

	return s.(*postgresSink)
}

// openPostgres builds and opens a postgres sink and closes it when the
// test ends.
func openPostgres(t *testing.T, dsn, table string, extra ...string) *postgresSink {
	t.Helper()

	s := newPostgres(t, dsn, table, extra...)
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

// readPostgresRecords reads every row of table back into records, keyed
// by URL.
func readPostgresRecords(t *testing.T, conn *pgx.Conn, table string) map[string]*extract.Record {
	t.Helper()

	rows, err := conn.Query(t.Context(), `SELECT url, schema_version, canonical_url, fetched_at, page_type, title,
		published, published_raw, published_precision, modified, authors, source, original_url, lang,
		site_name, body, images, recommended, items, content_hash, profile_fallbacks, explain FROM `+quoteIdentifier(table))
	if err != nil {
		t.Fatalf("select rows: %v", err)
	}
	defer rows.Close()

	records := make(map[string]*extract.Record)
	for rows.Next() {
		var (
			r                                          extract.Record
			version                                    int
			canonical, publishedRaw, precision, source *string
			originalURL, lang, siteName, contentHash   *string
			published, modified                        *time.Time
			authors, fallbacks                         []string
			images                                     []extract.Image
			recommended, items                         []extract.Entry
			explain                                    map[string]string
		)
		err := rows.Scan(&r.URL, &version, &canonical, &r.FetchedAt, &r.PageType, &r.Title,
			&published, &publishedRaw, &precision, &modified, &authors, &source, &originalURL, &lang,
			&siteName, &r.Body, &images, &recommended, &items, &contentHash, &fallbacks, &explain)
		if err != nil {
			t.Fatalf("scan row: %v", err)
		}
		if version != RecordSchemaVersion {
			t.Errorf("row %s has schema_version %d, want %d", r.URL, version, RecordSchemaVersion)
		}

		text := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		instant := func(p *time.Time) string {
			if p == nil {
				return ""
			}
			return p.Format(time.RFC3339)
		}
		r.CanonicalURL, r.PublishedRaw, r.PublishedPrecision = text(canonical), text(publishedRaw), text(precision)
		r.Source, r.OriginalURL, r.Lang, r.SiteName = text(source), text(originalURL), text(lang), text(siteName)
		r.ContentHash, r.Published, r.Modified = text(contentHash), instant(published), instant(modified)
		r.Authors, r.Fallbacks, r.Images = nilIfEmpty(authors), nilIfEmpty(fallbacks), nilIfEmpty(images)
		r.Recommended, r.Items = nilIfEmpty(recommended), nilIfEmpty(items)
		r.Explain = explain

		records[r.URL] = &r
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read rows: %v", err)
	}

	return records
}

// nilIfEmpty returns nil for an empty slice, as the JSON record leaves out
// empty arrays.
func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}

	return s
}

// asStoredByPostgres returns a copy of r with its times as PostgreSQL
// returns them: the same instants, in the zone of the connection.
func asStoredByPostgres(t *testing.T, r *extract.Record, zone *time.Location) *extract.Record {
	t.Helper()

	c := *r
	for _, field := range []*string{&c.Published, &c.Modified} {
		if *field == "" {
			continue
		}
		parsed, err := time.Parse(time.RFC3339, *field)
		if err != nil {
			t.Fatal(err)
		}
		*field = parsed.In(zone).Format(time.RFC3339)
	}

	return &c
}

func TestPostgresRoundTrip(t *testing.T) {
	dsn := testPostgresDSN(t)
	table := testTable(t, dsn)
	s := openPostgres(t, dsn, table)
	want := []*extract.Record{fullRecord(), listingRecord(), recordWithURL(1)}

	if err := s.Write(t.Context(), want[:2]); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := s.Write(t.Context(), want[2:]); err != nil {
		t.Fatalf("second Write: %v", err)
	}

	conn := pgConnect(t, dsn)
	got := readPostgresRecords(t, conn, table)
	if len(got) != len(want) {
		t.Fatalf("table has %d rows, want %d", len(got), len(want))
	}
	for _, w := range want {
		g, ok := got[w.URL]
		if !ok {
			t.Errorf("no row for %s", w.URL)
			continue
		}
		assertSameRecord(t, g, asStoredByPostgres(t, w, g.FetchedAt.Location()))
	}
}

func TestPostgresColumnTypes(t *testing.T) {
	dsn := testPostgresDSN(t)
	table := testTable(t, dsn)
	openPostgres(t, dsn, table)
	conn := pgConnect(t, dsn)

	tests := []struct {
		column string
		want   string
	}{
		{"url", "text"},
		{"schema_version", "integer"},
		{"fetched_at", "timestamp with time zone"},
		{"published", "timestamp with time zone"},
		{"modified", "timestamp with time zone"},
		{"authors", "jsonb"},
		{"images", "jsonb"},
		{"recommended", "jsonb"},
		{"items", "jsonb"},
		{"explain", "jsonb"},
	}
	for _, tt := range tests {
		t.Run(tt.column, func(t *testing.T) {
			var got string
			err := conn.QueryRow(t.Context(), `SELECT data_type FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`, table, tt.column).Scan(&got)
			if err != nil {
				t.Fatalf("read type of %s: %v", tt.column, err)
			}
			if got != tt.want {
				t.Errorf("%s is %s, want %s", tt.column, got, tt.want)
			}
		})
	}

	var primary string
	err := conn.QueryRow(t.Context(), `SELECT a.attname FROM pg_index i
		JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
		WHERE i.indrelid = $1::regclass AND i.indisprimary`, table).Scan(&primary)
	if err != nil || primary != "url" {
		t.Errorf("primary key = %q (%v), want url", primary, err)
	}
}

func TestPostgresUpsertChangedBody(t *testing.T) {
	dsn := testPostgresDSN(t)
	table := testTable(t, dsn)
	s := openPostgres(t, dsn, table)
	firstWrite := time.Date(2024, 3, 5, 1, 0, 0, 0, time.UTC)
	secondWrite := firstWrite.Add(time.Hour)

	s.now = func() time.Time { return firstWrite }
	if err := s.Write(t.Context(), []*extract.Record{articleRecord(), listingRecord()}); err != nil {
		t.Fatalf("first Write: %v", err)
	}
	changed := articleRecord()
	changed.Body = "更新：颱風警報已解除。"
	changed.Recommended = nil
	s.now = func() time.Time { return secondWrite }
	if err := s.Write(t.Context(), []*extract.Record{changed, changed}); err != nil {
		t.Fatalf("second Write: %v", err)
	}

	conn := pgConnect(t, dsn)
	var rows int
	var body, recommended string
	var firstSeen, writtenAt time.Time
	err := conn.QueryRow(t.Context(), "SELECT (SELECT COUNT(*) FROM "+quoteIdentifier(table)+"), body, recommended::text, first_seen, written_at FROM "+
		quoteIdentifier(table)+" WHERE url = $1", changed.URL).Scan(&rows, &body, &recommended, &firstSeen, &writtenAt)
	if err != nil {
		t.Fatalf("select: %v", err)
	}
	if rows != 2 {
		t.Errorf("table has %d rows after writing two URLs, one of them three times, want 2", rows)
	}
	if body != changed.Body {
		t.Errorf("body = %q, want the updated %q", body, changed.Body)
	}
	if recommended != "[]" {
		t.Errorf("recommended = %q, want [] after the update", recommended)
	}
	if !firstSeen.Equal(firstWrite) || !writtenAt.Equal(secondWrite) {
		t.Errorf("first_seen, written_at = %s, %s, want %s, %s", firstSeen, writtenAt, firstWrite, secondWrite)
	}
}

func TestPostgresOutputMatchesSchema(t *testing.T) {
	dsn := testPostgresDSN(t)
	table := testTable(t, dsn)
	s := openPostgres(t, dsn, table)
	records := []*extract.Record{fullRecord(), listingRecord(), recordWithURL(1)}
	if err := s.Write(t.Context(), records); err != nil {
		t.Fatalf("Write: %v", err)
	}

	conn := pgConnect(t, dsn)
	rows, err := conn.Query(t.Context(), "SELECT (to_jsonb(t) - 'first_seen' - 'written_at')::text FROM "+quoteIdentifier(table)+" t")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}

	if len(docs) != len(records) {
		t.Fatalf("table has %d rows, want %d", len(docs), len(records))
	}
	for _, doc := range docs {
		validateRecordValue(t, withoutNulls(t, []byte(doc)))
	}
}

func TestPostgresDSNFromEnvironment(t *testing.T) {
	dsn := testPostgresDSN(t)
	table := testTable(t, dsn)
	t.Setenv("GLEANER_SINK_TEST_DSN", dsn)
	spec := specFromYAML(t, "sinks:\n  - type: postgres\n    dsn_env: GLEANER_SINK_TEST_DSN\n    table: "+table+"\n", 0)
	s, err := NewPostgres(spec)
	if err != nil {
		t.Fatalf("NewPostgres: %v", err)
	}

	if err := s.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer s.Close()
	if err := s.Write(t.Context(), []*extract.Record{recordWithURL(1)}); err != nil {
		t.Fatalf("Write: %v", err)
	}

	if got := readPostgresRecords(t, pgConnect(t, dsn), table); len(got) != 1 {
		t.Errorf("table has %d rows, want 1", len(got))
	}
}

func TestPostgresOpenErrorsHideDSN(t *testing.T) {
	const password = "s3cret-Passw0rd"
	tests := []struct {
		name string
		env  map[string]string
		yaml string
		want string
	}{
		{
			name: "server not reachable",
			yaml: "dsn: 'postgres://gleaner:" + password + "@127.0.0.1:1/news?connect_timeout=2'",
			want: "postgres articles: open: connect: ",
		},
		{
			name: "environment variable not set",
			env:  map[string]string{"GLEANER_SINK_TEST_UNSET": ""},
			yaml: "dsn_env: GLEANER_SINK_TEST_UNSET",
			want: "postgres articles: open: environment variable GLEANER_SINK_TEST_UNSET is not set: it must hold the connection string (dsn_env)",
		},
		{
			name: "environment variable not a DSN",
			env:  map[string]string{"GLEANER_SINK_TEST_BAD": "postgres://gleaner:" + password + "@127.0.0.1:port/x"},
			yaml: "dsn_env: GLEANER_SINK_TEST_BAD",
			want: "postgres articles: open: " + dsnProblem,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			s, err := NewPostgres(specFromYAML(t, "sinks:\n  - type: postgres\n    "+tt.yaml+"\n", 0))
			if err != nil {
				t.Fatalf("NewPostgres: %v", err)
			}

			err = s.Open(t.Context())

			if err == nil {
				s.Close()
				t.Fatal("Open returned no error")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %q, want it to start with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), password) {
				t.Errorf("error %q shows the password", err)
			}
			if err := s.Close(); err != nil {
				t.Errorf("Close after failed Open = %v", err)
			}
		})
	}
}

func TestPostgresRejectsNUL(t *testing.T) {
	dsn := testPostgresDSN(t)
	table := testTable(t, dsn)
	s := openPostgres(t, dsn, table)
	bad := recordWithURL(2)
	bad.Body = "前半\x00後半"

	err := s.Write(t.Context(), []*extract.Record{recordWithURL(1), bad})

	var recordErr *RecordError
	if !errors.As(err, &recordErr) || !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("Write = %v, want a *RecordError wrapping ErrInvalidRecord", err)
	}
	if recordErr.Index != 1 || recordErr.URL != bad.URL {
		t.Errorf("RecordError names record %d (%s), want 1 (%s)", recordErr.Index, recordErr.URL, bad.URL)
	}
	if !strings.Contains(err.Error(), "body contains a NUL character") {
		t.Errorf("error %q does not name the field", err)
	}
	if got := readPostgresRecords(t, pgConnect(t, dsn), table); len(got) != 0 {
		t.Errorf("table has %d rows after a rejected batch, want 0", len(got))
	}
}

func TestPostgresReconnectsAfterLostConnection(t *testing.T) {
	dsn := testPostgresDSN(t)
	table := testTable(t, dsn)
	name := "gleaner_test_" + table
	s := openPostgres(t, dsn+sep(dsn)+"application_name="+name, table)
	if err := s.Write(t.Context(), []*extract.Record{recordWithURL(1)}); err != nil {
		t.Fatalf("Write: %v", err)
	}

	conn := pgConnect(t, dsn)
	var killed int
	err := conn.QueryRow(t.Context(), "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", name).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminate the sink's connection: %d terminated, %v", killed, err)
	}

	first := s.Write(t.Context(), []*extract.Record{recordWithURL(2)})
	second := s.Write(t.Context(), []*extract.Record{recordWithURL(2), recordWithURL(3)})

	t.Logf("write on the terminated connection: %v", first)
	if second != nil {
		t.Fatalf("Write after reconnecting: %v", second)
	}
	if got := readPostgresRecords(t, conn, table); len(got) != 3 {
		t.Errorf("table has %d rows, want 3", len(got))
	}
}

// sep returns the character that appends a parameter to a URL DSN.
func sep(dsn string) string {
	if strings.Contains(dsn, "?") {
		return "&"
	}

	return "?"
}

func TestPostgresRejectsForeignTable(t *testing.T) {
	dsn := testPostgresDSN(t)
	table := testTable(t, dsn)
	conn := pgConnect(t, dsn)
	if _, err := conn.Exec(t.Context(), "CREATE TABLE "+quoteIdentifier(table)+" (url text PRIMARY KEY, headline text)"); err != nil {
		t.Fatal(err)
	}
	s := newPostgres(t, dsn, table)

	err := s.Open(t.Context())

	if err == nil {
		s.Close()
		t.Fatal("Open returned no error")
	}
	if !strings.Contains(err.Error(), "table "+table+" exists without columns schema_version, canonical_url, fetched_at") {
		t.Errorf("error = %q, want it to list the missing columns", err)
	}
}

func TestPostgresSettingErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{
			name: "no dsn",
			yaml: "sinks:\n  - type: postgres\n    table: news\n",
			want: `line 2: sinks[0].dsn: missing dsn for sink "postgres": set dsn, or dsn_env to the name of an environment variable holding it`,
		},
		{
			name: "dsn and dsn_env",
			yaml: "sinks:\n  - type: postgres\n    dsn: postgres://localhost/news\n    dsn_env: PG_DSN\n",
			want: `line 4: sinks[0].dsn_env: dsn and dsn_env are both set: keep one`,
		},
		{
			name: "bad environment variable name",
			yaml: "sinks:\n  - type: postgres\n    dsn_env: $PG_DSN\n",
			want: `line 3: sinks[0].dsn_env: invalid environment variable name "$PG_DSN": want letters, digits and underscores, not starting with a digit`,
		},
		{
			name: "dsn that does not parse hides the password",
			yaml: "sinks:\n  - type: postgres\n    dsn: 'postgres://news:hunter2@localhost:port/news'\n",
			want: `line 3: sinks[0].dsn: ` + dsnProblem,
		},
		{
			name: "path",
			yaml: "sinks:\n  - type: postgres\n    path: out/x\n    dsn: postgres://localhost/news\n",
			want: `line 3: sinks[0].path: sink "postgres" writes to a database table and takes no path: remove the key`,
		},
		{
			name: "bad table",
			yaml: "sinks:\n  - type: postgres\n    dsn: postgres://localhost/news\n    table: news.articles.x\n",
			want: `line 4: sinks[0].table: invalid table name "news.articles.x": want a name, or schema.name, of ASCII letters, digits and underscores, starting with a letter or underscore, at most 63 characters each`,
		},
		{
			name: "reserved table",
			yaml: "sinks:\n  - type: postgres\n    dsn: postgres://localhost/news\n    table: pg_articles\n",
			want: `line 4: sinks[0].table: invalid table name "pg_articles": names starting with pg_ are reserved by PostgreSQL`,
		},
		{
			name: "connect_timeout zero",
			yaml: "sinks:\n  - type: postgres\n    dsn: postgres://localhost/news\n    connect_timeout: 0s\n",
			want: `line 4: sinks[0].connect_timeout: invalid connect_timeout 0s: want more than 0, such as 10s`,
		},
		{
			name: "unknown key",
			yaml: "sinks:\n  - type: postgres\n    dsn: postgres://localhost/news\n    tabel: news\n",
			want: `line 4: sinks[0].tabel: unknown key for sink "postgres" (known: type, path, dsn, dsn_env, table, connect_timeout, batch_size, flush_interval, retries, retry_backoff, reconnect_interval)`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Default().New(specFromYAML(t, tt.yaml, 0))

			if err == nil || err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func TestPostgresSchemaQualifiedTable(t *testing.T) {
	dsn := testPostgresDSN(t)
	conn := pgConnect(t, dsn)
	schema := testTable(t, dsn) // a fresh name serves as the schema name
	if _, err := conn.Exec(t.Context(), "CREATE SCHEMA "+quoteIdentifier(schema)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Exec(context.Background(), "DROP SCHEMA "+quoteIdentifier(schema)+" CASCADE") })
	s := openPostgres(t, dsn, schema+".news")

	if err := s.Write(t.Context(), []*extract.Record{recordWithURL(1)}); err != nil {
		t.Fatalf("Write: %v", err)
	}

	var n int
	if err := conn.QueryRow(t.Context(), "SELECT COUNT(*) FROM "+quoteIdentifier(schema)+".news").Scan(&n); err != nil || n != 1 {
		t.Errorf("%s.news has %d rows (%v), want 1", schema, n, err)
	}
}
