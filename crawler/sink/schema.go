package sink

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"
)

// Names and version of the sqlite sink's schema.
const (
	// versionTable holds one row with the schema version of the database.
	versionTable = "schema_version"

	// SQLiteSchemaVersion is the layout version of the articles table this
	// package writes: the version of the last step of sqliteMigrations. A
	// database with a higher version was written by a newer gleaner and is
	// rejected with ErrSchemaTooNew.
	SQLiteSchemaVersion = 2
)

// ErrSchemaTooNew is returned by the sqlite sink's Open for a database whose
// schema version is higher than SQLiteSchemaVersion.
var ErrSchemaTooNew = errors.New("database schema is newer than this gleaner supports")

// column is one column of the articles table and how a record fills it.
type column struct {
	name  string
	value func(r *extract.Record, now string) (any, error)
}

// articleColumns are the columns the sqlite sink writes; sqliteMigrations
// creates them. Text fields that the JSON record omits when empty are NULL
// when empty. Arrays are JSON text and never NULL: an empty array is stored
// as "[]". explain is a JSON object, or NULL when empty. Times are RFC 3339
// text. first_seen and written_at are the sink's clock in UTC: first_seen is
// set when the URL is first inserted, written_at on every write.
var articleColumns = []column{
	{"url", func(r *extract.Record, _ string) (any, error) { return r.URL, nil }},
	{"schema_version", func(*extract.Record, string) (any, error) { return RecordSchemaVersion, nil }},
	{"canonical_url", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.CanonicalURL), nil }},
	{"fetched_at", func(r *extract.Record, _ string) (any, error) { return r.FetchedAt.Format(time.RFC3339Nano), nil }},
	{"page_type", func(r *extract.Record, _ string) (any, error) { return r.PageType, nil }},
	{"title", func(r *extract.Record, _ string) (any, error) { return r.Title, nil }},
	{"published", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.Published), nil }},
	{"published_raw", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.PublishedRaw), nil }},
	{"published_precision", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.PublishedPrecision), nil }},
	{"modified", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.Modified), nil }},
	{"authors", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Authors) }},
	{"source", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.Source), nil }},
	{"original_url", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.OriginalURL), nil }},
	{"lang", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.Lang), nil }},
	{"site_name", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.SiteName), nil }},
	{"body", func(r *extract.Record, _ string) (any, error) { return r.Body, nil }},
	{"images", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Images) }},
	{"recommended", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Recommended) }},
	{"items", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Items) }},
	{"content_hash", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.ContentHash), nil }},
	{"profile_fallbacks", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Fallbacks) }},
	{"explain", func(r *extract.Record, _ string) (any, error) { return jsonObject(r.Explain) }},
	{"first_seen", func(_ *extract.Record, now string) (any, error) { return now, nil }},
	{"written_at", func(_ *extract.Record, now string) (any, error) { return now, nil }},
}

// keptOnUpdate lists the columns an upsert leaves unchanged on an existing row.
var keptOnUpdate = map[string]bool{"url": true, "first_seen": true}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}

	return s
}

// jsonArray encodes items as JSON text, "[]" when there are none.
func jsonArray[T any](items []T) (any, error) {
	if len(items) == 0 {
		return "[]", nil
	}

	var buf bytes.Buffer
	if err := encodeJSON(&buf, items); err != nil {
		return nil, err
	}

	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// jsonObject encodes m as JSON text, or returns nil (NULL) when m is empty.
func jsonObject(m map[string]string) (any, error) {
	if len(m) == 0 {
		return nil, nil
	}

	var buf bytes.Buffer
	if err := encodeJSON(&buf, m); err != nil {
		return nil, err
	}

	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// rowValues returns the values of r in the order of articleColumns.
func rowValues(r *extract.Record, now string) ([]any, error) {
	values := make([]any, len(articleColumns))
	for i, c := range articleColumns {
		v, err := c.value(r, now)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", c.name, err)
		}
		values[i] = v
	}

	return values, nil
}

// quoteIdentifier quotes a name for use in SQL. Table names are checked by
// checkTableName first, so the quotes only guard against keywords.
func quoteIdentifier(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// upsertStatement returns the INSERT statement that adds a row or, when the
// URL exists, updates every column except those in keptOnUpdate.
func upsertStatement(table string) string {
	names := make([]string, len(articleColumns))
	placeholders := make([]string, len(articleColumns))
	var updates []string
	for i, c := range articleColumns {
		names[i] = c.name
		placeholders[i] = "?"
		if !keptOnUpdate[c.name] {
			updates = append(updates, c.name+" = excluded."+c.name)
		}
	}

	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT(url) DO UPDATE SET %s",
		quoteIdentifier(table), strings.Join(names, ", "), strings.Join(placeholders, ", "), strings.Join(updates, ", "))
}

// prepareDatabase checks that db runs in WAL mode, then brings the schema
// of table up to SQLiteSchemaVersion.
func prepareDatabase(ctx context.Context, db *sql.DB, table string, logger *zap.Logger) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal: the file system may not support WAL", mode)
	}

	return migrate(ctx, db, table, logger)
}

// checkColumns rejects an existing table that lacks columns the sink writes,
// such as a table of the same name created by another program.
func checkColumns(ctx context.Context, tx *sql.Tx, table string) error {
	present, err := tableColumns(ctx, tx, table)
	if err != nil {
		return err
	}

	var missing []string
	for _, c := range articleColumns {
		if !present[c.name] {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("table %s exists without columns %s: use another table name", table, strings.Join(missing, ", "))
	}

	return nil
}
