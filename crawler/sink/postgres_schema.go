package sink

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gleanerhq/gleaner/extract"
)

// pgColumn is one column of the postgres sink's table and how a record
// fills it.
type pgColumn struct {
	name  string
	decl  string // type and constraints in CREATE TABLE
	value func(r *extract.Record, now time.Time) (any, error)
}

// pgColumns defines the postgres sink's table. Text fields the JSON record
// omits when empty are NULL when empty. Arrays are jsonb and never NULL, an
// empty one is []. first_seen and written_at are the sink's clock: first_seen
// is set when the URL is first inserted, written_at on every write.
var pgColumns = []pgColumn{
	{"url", "text PRIMARY KEY", func(r *extract.Record, _ time.Time) (any, error) { return r.URL, nil }},
	{"schema_version", "integer NOT NULL", func(*extract.Record, time.Time) (any, error) { return RecordSchemaVersion, nil }},
	{"canonical_url", "text", func(r *extract.Record, _ time.Time) (any, error) { return nullIfEmpty(r.CanonicalURL), nil }},
	{"fetched_at", "timestamptz NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return r.FetchedAt, nil }},
	{"page_type", "text NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return r.PageType, nil }},
	{"title", "text NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return r.Title, nil }},
	{"published", "timestamptz", func(r *extract.Record, _ time.Time) (any, error) { return pgTime("published", r.Published) }},
	{"published_raw", "text", func(r *extract.Record, _ time.Time) (any, error) { return nullIfEmpty(r.PublishedRaw), nil }},
	{"published_precision", "text", func(r *extract.Record, _ time.Time) (any, error) { return nullIfEmpty(r.PublishedPrecision), nil }},
	{"modified", "timestamptz", func(r *extract.Record, _ time.Time) (any, error) { return pgTime("modified", r.Modified) }},
	{"authors", "jsonb NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return jsonArray(r.Authors) }},
	{"source", "text", func(r *extract.Record, _ time.Time) (any, error) { return nullIfEmpty(r.Source), nil }},
	{"original_url", "text", func(r *extract.Record, _ time.Time) (any, error) { return nullIfEmpty(r.OriginalURL), nil }},
	{"lang", "text", func(r *extract.Record, _ time.Time) (any, error) { return nullIfEmpty(r.Lang), nil }},
	{"site_name", "text", func(r *extract.Record, _ time.Time) (any, error) { return nullIfEmpty(r.SiteName), nil }},
	{"body", "text NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return r.Body, nil }},
	{"images", "jsonb NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return jsonArray(r.Images) }},
	{"recommended", "jsonb NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return jsonArray(r.Recommended) }},
	{"items", "jsonb NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return jsonArray(r.Items) }},
	{"content_hash", "text", func(r *extract.Record, _ time.Time) (any, error) { return nullIfEmpty(r.ContentHash), nil }},
	{"profile_fallbacks", "jsonb NOT NULL", func(r *extract.Record, _ time.Time) (any, error) { return jsonArray(r.Fallbacks) }},
	{"explain", "jsonb", func(r *extract.Record, _ time.Time) (any, error) { return jsonObject(r.Explain) }},
	{"first_seen", "timestamptz NOT NULL", func(_ *extract.Record, now time.Time) (any, error) { return now, nil }},
	{"written_at", "timestamptz NOT NULL", func(_ *extract.Record, now time.Time) (any, error) { return now, nil }},
}

// pgTime parses an RFC 3339 time of the record, or returns nil (NULL) for
// an empty one.
func pgTime(field, value string) (any, error) {
	if value == "" {
		return nil, nil
	}

	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %q is not an RFC 3339 time", ErrInvalidRecord, field, value)
	}

	return t, nil
}

// postgresRows returns the column values of every record of batch, or a
// *RecordError for the first record PostgreSQL could not store.
func postgresRows(batch []*extract.Record, now time.Time) ([][]any, error) {
	rows := make([][]any, len(batch))
	for i, r := range batch {
		if field := fieldWithNUL(r); field != "" {
			return nil, invalidRecord(batch, i, "%s contains a NUL character, which PostgreSQL text cannot hold", field)
		}

		row := make([]any, len(pgColumns))
		for j, c := range pgColumns {
			v, err := c.value(r, now)
			if err != nil {
				return nil, &RecordError{Index: i, URL: r.URL, Err: fmt.Errorf("encode %s: %w", c.name, err)}
			}
			row[j] = v
		}
		rows[i] = row
	}

	return rows, nil
}

// fieldWithNUL returns the JSON name of the first text field of r that
// holds a NUL character, or "".
func fieldWithNUL(r *extract.Record) string {
	has := func(s string) bool { return strings.IndexByte(s, 0) >= 0 }

	fields := []struct {
		name  string
		value string
	}{
		{"url", r.URL}, {"canonical_url", r.CanonicalURL}, {"page_type", r.PageType}, {"title", r.Title},
		{"published", r.Published}, {"published_raw", r.PublishedRaw}, {"published_precision", r.PublishedPrecision},
		{"modified", r.Modified}, {"source", r.Source}, {"original_url", r.OriginalURL}, {"lang", r.Lang},
		{"site_name", r.SiteName}, {"body", r.Body}, {"content_hash", r.ContentHash},
	}
	for _, f := range fields {
		if has(f.value) {
			return f.name
		}
	}

	for _, list := range []struct {
		name   string
		values []string
	}{{"authors", r.Authors}, {"profile_fallbacks", r.Fallbacks}} {
		for _, v := range list.values {
			if has(v) {
				return list.name
			}
		}
	}
	for _, img := range r.Images {
		if has(img.URL) || has(img.Caption) {
			return "images"
		}
	}
	for _, list := range []struct {
		name    string
		entries []extract.Entry
	}{{"recommended", r.Recommended}, {"items", r.Items}} {
		for _, e := range list.entries {
			if has(e.Title) || has(e.URL) || has(e.Summary) || has(e.Source) || has(e.Published) ||
				has(e.PublishedRaw) || has(e.PublishedPrecision) || has(e.Block) {
				return list.name
			}
		}
	}
	for k, v := range r.Explain {
		if has(k) || has(v) {
			return "explain"
		}
	}

	return ""
}

// postgresUpsertStatement returns the INSERT statement that adds a row or,
// when the URL exists, updates every column except url and first_seen.
func postgresUpsertStatement(table postgresTable) string {
	names := make([]string, len(pgColumns))
	placeholders := make([]string, len(pgColumns))
	var updates []string
	for i, c := range pgColumns {
		names[i] = c.name
		placeholders[i] = fmt.Sprintf("$%d", i+1)
		if !keptOnUpdate[c.name] {
			updates = append(updates, c.name+" = EXCLUDED."+c.name)
		}
	}

	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (url) DO UPDATE SET %s",
		table.quoted(), strings.Join(names, ", "), strings.Join(placeholders, ", "), strings.Join(updates, ", "))
}

// createPostgresTable creates the table when missing, checks that it has
// every column, and creates its content_hash index when missing.
func createPostgresTable(ctx context.Context, conn *pgx.Conn, table postgresTable) error {
	decls := make([]string, len(pgColumns))
	for i, c := range pgColumns {
		decls[i] = "\t" + c.name + " " + c.decl
	}

	create := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n%s\n)", table.quoted(), strings.Join(decls, ",\n"))
	if _, err := conn.Exec(ctx, create); err != nil {
		return fmt.Errorf("create table %s: %w", table, err)
	}

	if err := checkPostgresColumns(ctx, conn, table); err != nil {
		return err
	}

	index := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (content_hash)", quoteIdentifier(table.name+"_content_hash"), table.quoted())
	if _, err := conn.Exec(ctx, index); err != nil {
		return fmt.Errorf("create content_hash index on %s: %w", table, err)
	}

	return nil
}

// checkPostgresColumns rejects a table that lacks columns the sink writes,
// such as a table of the same name that another program created.
func checkPostgresColumns(ctx context.Context, conn *pgx.Conn, table postgresTable) error {
	query := `SELECT column_name FROM information_schema.columns
		WHERE table_name = $1 AND table_schema = COALESCE(NULLIF($2, ''), current_schema())`
	rows, err := conn.Query(ctx, query, table.name, table.schema)
	if err != nil {
		return fmt.Errorf("read columns of %s: %w", table, err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("read columns of %s: %w", table, err)
	}

	present := make(map[string]bool, len(names))
	for _, name := range names {
		present[name] = true
	}

	var missing []string
	for _, c := range pgColumns {
		if !present[c.name] {
			missing = append(missing, c.name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("table %s exists without columns %s: use another table name", table, strings.Join(missing, ", "))
	}

	return nil
}
