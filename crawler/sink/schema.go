package sink

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gleanerhq/gleaner/extract"
)

// Names and version of the sqlite sink's schema.
const (
	// versionTable holds one row with the schema version of the database.
	versionTable = "schema_version"

	// SQLiteSchemaVersion is the schema version this package writes. A
	// database with a higher version was written by a newer gleaner and is
	// rejected with ErrSchemaTooNew.
	SQLiteSchemaVersion = 1
)

// ErrSchemaTooNew is returned by the sqlite sink's Open for a database whose
// schema version is higher than SQLiteSchemaVersion.
var ErrSchemaTooNew = errors.New("database schema is newer than this gleaner supports")

// column is one column of the articles table and how a record fills it.
type column struct {
	name  string
	decl  string // type and constraints in CREATE TABLE
	value func(r *extract.Record, now string) (any, error)
}

// articleColumns defines the articles table. Text fields that the JSON record
// omits when empty are NULL when empty. Arrays are JSON text and never NULL:
// an empty array is stored as "[]". Times are RFC 3339 text. first_seen and
// written_at are the sink's clock in UTC: first_seen is set when the URL is
// first inserted, written_at on every write.
var articleColumns = []column{
	{"url", "TEXT PRIMARY KEY NOT NULL", func(r *extract.Record, _ string) (any, error) { return r.URL, nil }},
	{"canonical_url", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.CanonicalURL), nil }},
	{"fetched_at", "TEXT NOT NULL", func(r *extract.Record, _ string) (any, error) { return r.FetchedAt.Format(time.RFC3339Nano), nil }},
	{"page_type", "TEXT NOT NULL", func(r *extract.Record, _ string) (any, error) { return r.PageType, nil }},
	{"title", "TEXT NOT NULL", func(r *extract.Record, _ string) (any, error) { return r.Title, nil }},
	{"published", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.Published), nil }},
	{"published_raw", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.PublishedRaw), nil }},
	{"published_precision", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.PublishedPrecision), nil }},
	{"modified", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.Modified), nil }},
	{"authors", "TEXT NOT NULL", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Authors) }},
	{"source", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.Source), nil }},
	{"original_url", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.OriginalURL), nil }},
	{"lang", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.Lang), nil }},
	{"site_name", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.SiteName), nil }},
	{"body", "TEXT NOT NULL", func(r *extract.Record, _ string) (any, error) { return r.Body, nil }},
	{"images", "TEXT NOT NULL", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Images) }},
	{"recommended", "TEXT NOT NULL", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Recommended) }},
	{"items", "TEXT NOT NULL", func(r *extract.Record, _ string) (any, error) { return jsonArray(r.Items) }},
	{"content_hash", "TEXT", func(r *extract.Record, _ string) (any, error) { return nullIfEmpty(r.ContentHash), nil }},
	{"first_seen", "TEXT NOT NULL", func(_ *extract.Record, now string) (any, error) { return now, nil }},
	{"written_at", "TEXT NOT NULL", func(_ *extract.Record, now string) (any, error) { return now, nil }},
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

// createTableStatement returns the CREATE TABLE statement of the articles
// table named table.
func createTableStatement(table string) string {
	decls := make([]string, len(articleColumns))
	for i, c := range articleColumns {
		decls[i] = "\t" + c.name + " " + c.decl
	}

	return fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n%s\n)", quoteIdentifier(table), strings.Join(decls, ",\n"))
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

// prepareDatabase checks that db runs in WAL mode, then creates or checks the
// schema version and the articles table.
func prepareDatabase(ctx context.Context, db *sql.DB, table string) error {
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("journal mode is %q, want wal: the file system may not support WAL", mode)
	}

	return createSchema(ctx, db, table)
}

// createSchema creates the version table and the articles table in one
// transaction. It rejects a database of a newer schema version and an
// existing table that lacks columns.
func createSchema(ctx context.Context, db *sql.DB, table string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin schema transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit; on error the first error matters

	createVersion := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (version INTEGER NOT NULL)", versionTable)
	if _, err := tx.ExecContext(ctx, createVersion); err != nil {
		return fmt.Errorf("create %s: %w", versionTable, err)
	}

	var rows, version int
	selectVersion := fmt.Sprintf("SELECT COUNT(*), COALESCE(MAX(version), 0) FROM %s", versionTable)
	if err := tx.QueryRowContext(ctx, selectVersion).Scan(&rows, &version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}

	switch {
	case rows == 0:
		insertVersion := fmt.Sprintf("INSERT INTO %s (version) VALUES (?)", versionTable)
		if _, err := tx.ExecContext(ctx, insertVersion, SQLiteSchemaVersion); err != nil {
			return fmt.Errorf("write schema version: %w", err)
		}
	case version > SQLiteSchemaVersion:
		return fmt.Errorf("schema version %d, this gleaner supports up to %d: %w", version, SQLiteSchemaVersion, ErrSchemaTooNew)
	}

	if _, err := tx.ExecContext(ctx, createTableStatement(table)); err != nil {
		return fmt.Errorf("create table %s: %w", table, err)
	}
	if err := checkColumns(ctx, tx, table); err != nil {
		return err
	}

	createIndex := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (content_hash)",
		quoteIdentifier(table+"_content_hash"), quoteIdentifier(table))
	if _, err := tx.ExecContext(ctx, createIndex); err != nil {
		return fmt.Errorf("create content_hash index on %s: %w", table, err)
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit schema: %w", err)
	}

	return nil
}

// checkColumns rejects an existing table that lacks columns the sink writes,
// such as a table of the same name created by another program.
func checkColumns(ctx context.Context, tx *sql.Tx, table string) error {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return fmt.Errorf("read columns of %s: %w", table, err)
	}
	defer rows.Close()

	present := make(map[string]bool)
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return fmt.Errorf("read columns of %s: %w", table, err)
		}
		present[strings.ToLower(name)] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read columns of %s: %w", table, err)
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
