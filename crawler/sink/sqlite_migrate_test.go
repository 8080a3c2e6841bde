package sink

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gleanerhq/gleaner/extract"
)

// v1Database is a database as the sqlite sink wrote it before schema
// version 2: the first column set, the version row 1 and one stored row.
const v1Database = `
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE IF NOT EXISTS "articles" (
	url TEXT PRIMARY KEY NOT NULL,
	canonical_url TEXT,
	fetched_at TEXT NOT NULL,
	page_type TEXT NOT NULL,
	title TEXT NOT NULL,
	published TEXT,
	published_raw TEXT,
	published_precision TEXT,
	modified TEXT,
	authors TEXT NOT NULL,
	source TEXT,
	original_url TEXT,
	lang TEXT,
	site_name TEXT,
	body TEXT NOT NULL,
	images TEXT NOT NULL,
	recommended TEXT NOT NULL,
	items TEXT NOT NULL,
	content_hash TEXT,
	first_seen TEXT NOT NULL,
	written_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS "articles_content_hash" ON "articles" (content_hash);
INSERT INTO articles (url, fetched_at, page_type, title, authors, body, images, recommended, items, first_seen, written_at)
VALUES ('https://news.example.com/article/1', '2024-03-01T10:00:00Z', 'article', '舊文章', '["舊作者"]', '舊內文。', '[]', '[]', '[]',
	'2024-03-01T10:00:01Z', '2024-03-01T10:00:01Z');
`

// columnNames returns the sorted column names of table.
func columnNames(t *testing.T, path, table string) []string {
	t.Helper()

	rows, err := openReader(t, path).Query("SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	slices.Sort(names)

	return names
}

func TestSQLiteMigratesVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	if _, err := openReader(t, path).Exec(v1Database); err != nil {
		t.Fatalf("create v1 database: %v", err)
	}
	s := openSQLite(t, path)

	if err := s.Write(t.Context(), []*extract.Record{fullRecord()}); err != nil {
		t.Fatalf("Write after migration: %v", err)
	}

	db := openReader(t, path)
	var version int
	if err := db.QueryRow("SELECT version FROM schema_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != SQLiteSchemaVersion {
		t.Errorf("schema version = %d, want %d", version, SQLiteSchemaVersion)
	}

	var oldVersion int
	var oldTitle, oldFallbacks string
	var oldExplain *string
	err := db.QueryRow("SELECT schema_version, title, profile_fallbacks, explain FROM articles WHERE url = 'https://news.example.com/article/1'").
		Scan(&oldVersion, &oldTitle, &oldFallbacks, &oldExplain)
	if err != nil {
		t.Fatalf("read old row: %v", err)
	}
	if oldVersion != 1 || oldTitle != "舊文章" || oldFallbacks != "[]" || oldExplain != nil {
		t.Errorf("old row = (%d, %q, %q, %v), want (1, 舊文章, [], NULL)", oldVersion, oldTitle, oldFallbacks, oldExplain)
	}

	var fallbacks, explain string
	if err := db.QueryRow("SELECT profile_fallbacks, explain FROM articles WHERE url = ?", fullRecord().URL).Scan(&fallbacks, &explain); err != nil {
		t.Fatalf("read new row: %v", err)
	}
	var gotExplain map[string]string
	if err := json.Unmarshal([]byte(explain), &gotExplain); err != nil {
		t.Fatal(err)
	}
	if fallbacks != `["title","body"]` || gotExplain["title"] != "json-ld" {
		t.Errorf("new row profile_fallbacks = %s, explain = %s", fallbacks, explain)
	}
}

func TestSQLiteMigratedEqualsFresh(t *testing.T) {
	dir := t.TempDir()
	migrated := filepath.Join(dir, "migrated.db")
	fresh := filepath.Join(dir, "fresh.db")
	if _, err := openReader(t, migrated).Exec(v1Database); err != nil {
		t.Fatal(err)
	}

	openSQLite(t, migrated)
	openSQLite(t, fresh)

	got, want := columnNames(t, migrated, "articles"), columnNames(t, fresh, "articles")
	if !slices.Equal(got, want) {
		t.Errorf("migrated columns = %q\nfresh columns    = %q", got, want)
	}
}

func TestSQLiteMigrationsAreOrdered(t *testing.T) {
	for i, m := range sqliteMigrations {
		if m.version != i+1 {
			t.Errorf("migration %d has version %d, want %d", i, m.version, i+1)
		}
	}
	if last := sqliteMigrations[len(sqliteMigrations)-1].version; last != SQLiteSchemaVersion {
		t.Errorf("last migration is version %d, SQLiteSchemaVersion is %d", last, SQLiteSchemaVersion)
	}
}

func TestSQLiteSecondTableInCurrentDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	first := openSQLite(t, path)
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	s := openSQLite(t, path, "table: news_2025")
	if err := s.Write(t.Context(), []*extract.Record{fullRecord()}); err != nil {
		t.Fatalf("Write to second table: %v", err)
	}

	if got, want := columnNames(t, path, "news_2025"), columnNames(t, path, "articles"); !slices.Equal(got, want) {
		t.Errorf("second table columns = %q, want %q", got, want)
	}
}

func TestSQLiteOutputMatchesSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gleaner.db")
	s := openSQLite(t, path)
	records := []*extract.Record{fullRecord(), listingRecord(), recordWithURL(1)}
	if err := s.Write(t.Context(), records); err != nil {
		t.Fatalf("Write: %v", err)
	}

	rows, err := openReader(t, path).Query(`SELECT json_object(
		'schema_version', schema_version, 'url', url, 'canonical_url', canonical_url,
		'fetched_at', fetched_at, 'page_type', page_type, 'title', title, 'published', published,
		'published_raw', published_raw, 'published_precision', published_precision, 'modified', modified,
		'authors', json(authors), 'source', source, 'original_url', original_url, 'lang', lang,
		'site_name', site_name, 'body', body, 'images', json(images), 'recommended', json(recommended),
		'items', json(items), 'content_hash', content_hash, 'profile_fallbacks', json(profile_fallbacks),
		'explain', json(explain)) FROM articles`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()

	n := 0
	for rows.Next() {
		var row string
		if err := rows.Scan(&row); err != nil {
			t.Fatal(err)
		}
		validateRecordValue(t, withoutNulls(t, []byte(row)))
		n++
	}
	if n != len(records) {
		t.Errorf("validated %d rows, want %d", n, len(records))
	}
}

// withoutNulls decodes a JSON object and drops its null members, which a
// database row has where the JSON record leaves a field out.
func withoutNulls(t *testing.T, data []byte) map[string]any {
	t.Helper()

	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}

	return m
}
