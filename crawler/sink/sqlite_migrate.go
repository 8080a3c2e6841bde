package sink

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"go.uber.org/zap"
)

// migration is one step of the sqlite sink's schema. Steps run in version
// order inside the transaction that opens the database, so a failed step
// leaves the database as it was. migrate runs each step once per table.
type migration struct {
	version int
	summary string
	apply   func(ctx context.Context, tx *sql.Tx, table string) error
}

// sqliteMigrations lists every layout change of the articles table since
// the first. A new layout adds a step at the end and raises
// SQLiteSchemaVersion to its version. Steps once released never change,
// because databases in the field were built by them.
var sqliteMigrations = []migration{
	{version: 1, summary: "create the articles table", apply: createArticlesV1},
	{version: 2, summary: "add schema_version, profile_fallbacks and explain", apply: addColumnsV2},
}

// articlesV1 declares the columns of the first layout of the table.
var articlesV1 = []string{
	"url TEXT PRIMARY KEY NOT NULL",
	"canonical_url TEXT",
	"fetched_at TEXT NOT NULL",
	"page_type TEXT NOT NULL",
	"title TEXT NOT NULL",
	"published TEXT",
	"published_raw TEXT",
	"published_precision TEXT",
	"modified TEXT",
	"authors TEXT NOT NULL",
	"source TEXT",
	"original_url TEXT",
	"lang TEXT",
	"site_name TEXT",
	"body TEXT NOT NULL",
	"images TEXT NOT NULL",
	"recommended TEXT NOT NULL",
	"items TEXT NOT NULL",
	"content_hash TEXT",
	"first_seen TEXT NOT NULL",
	"written_at TEXT NOT NULL",
}

// createArticlesV1 creates the table in its first layout and its
// content_hash index.
func createArticlesV1(ctx context.Context, tx *sql.Tx, table string) error {
	create := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (\n\t%s\n)", quoteIdentifier(table), strings.Join(articlesV1, ",\n\t"))
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return fmt.Errorf("create table %s: %w", table, err)
	}

	index := fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (content_hash)",
		quoteIdentifier(table+"_content_hash"), quoteIdentifier(table))
	if _, err := tx.ExecContext(ctx, index); err != nil {
		return fmt.Errorf("create content_hash index on %s: %w", table, err)
	}

	return nil
}

// addColumnsV2 adds the record's schema version, its profile fallbacks and
// its explain map. Rows written before get version 1, which is what they
// hold, and no fallbacks.
func addColumnsV2(ctx context.Context, tx *sql.Tx, table string) error {
	return addMissingColumns(ctx, tx, table, []string{
		"schema_version INTEGER NOT NULL DEFAULT 1",
		"profile_fallbacks TEXT NOT NULL DEFAULT '[]'",
		"explain TEXT",
	})
}

// addMissingColumns adds each column declaration of decls whose column the
// table lacks.
func addMissingColumns(ctx context.Context, tx *sql.Tx, table string, decls []string) error {
	present, err := tableColumns(ctx, tx, table)
	if err != nil {
		return err
	}

	for _, decl := range decls {
		name, _, _ := strings.Cut(decl, " ")
		if present[name] {
			continue
		}
		alter := fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s", quoteIdentifier(table), decl)
		if _, err := tx.ExecContext(ctx, alter); err != nil {
			return fmt.Errorf("add column %s to %s: %w", name, table, err)
		}
	}

	return nil
}

// migrate brings the database and table up to SQLiteSchemaVersion in one
// transaction. The steps after the version the database records run in
// order. A table that does not exist yet, such as a second table in a
// database that is already up to date, is built by every step. A database
// of a newer version is rejected, and so is an existing table that lacks
// columns after the steps, such as a table of that name that another
// program created.
func migrate(ctx context.Context, db *sql.DB, table string, logger *zap.Logger) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin schema transaction: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit; on error the first error matters

	version, err := readSchemaVersion(ctx, tx)
	if err != nil {
		return err
	}
	if version > SQLiteSchemaVersion {
		return fmt.Errorf("schema version %d, this gleaner supports up to %d: %w", version, SQLiteSchemaVersion, ErrSchemaTooNew)
	}

	exists, err := tableExists(ctx, tx, table)
	if err != nil {
		return err
	}
	from := version
	if !exists {
		from = 0
	} else if err := checkBaseline(ctx, tx, table); err != nil {
		return err
	}

	for _, m := range sqliteMigrations {
		if m.version <= from {
			continue
		}
		if err := m.apply(ctx, tx, table); err != nil {
			return fmt.Errorf("migrate to schema version %d (%s): %w", m.version, m.summary, err)
		}
		if exists {
			logger.Info("database migrated", zap.String("table", table), zap.Int("version", m.version))
		}
	}

	if version < SQLiteSchemaVersion {
		if err := writeSchemaVersion(ctx, tx); err != nil {
			return err
		}
	}
	if err := checkColumns(ctx, tx, table); err != nil {
		return err
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit schema: %w", err)
	}

	return nil
}

// checkBaseline rejects an existing table that lacks a column of the
// first layout, which no step adds: a table of that name created by another
// program. The error lists every column the sink needs and the table lacks.
func checkBaseline(ctx context.Context, tx *sql.Tx, table string) error {
	present, err := tableColumns(ctx, tx, table)
	if err != nil {
		return err
	}

	for _, decl := range articlesV1 {
		name, _, _ := strings.Cut(decl, " ")
		if !present[name] {
			return checkColumns(ctx, tx, table)
		}
	}

	return nil
}

// readSchemaVersion creates the version table when it is missing and
// returns the version it holds, 0 for a new database.
func readSchemaVersion(ctx context.Context, tx *sql.Tx) (int, error) {
	create := fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s (version INTEGER NOT NULL)", versionTable)
	if _, err := tx.ExecContext(ctx, create); err != nil {
		return 0, fmt.Errorf("create %s: %w", versionTable, err)
	}

	var version int
	query := fmt.Sprintf("SELECT COALESCE(MAX(version), 0) FROM %s", versionTable)
	if err := tx.QueryRowContext(ctx, query).Scan(&version); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}

	return version, nil
}

// writeSchemaVersion stores SQLiteSchemaVersion as the only row of the
// version table.
func writeSchemaVersion(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+versionTable); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}

	insert := fmt.Sprintf("INSERT INTO %s (version) VALUES (?)", versionTable)
	if _, err := tx.ExecContext(ctx, insert, SQLiteSchemaVersion); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}

	return nil
}

// tableExists reports whether the database has a table named table.
func tableExists(ctx context.Context, tx *sql.Tx, table string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", table).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("look up table %s: %w", table, err)
	}

	return n > 0, nil
}

// tableColumns returns the lower-case column names of table.
func tableColumns(ctx context.Context, tx *sql.Tx, table string) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM pragma_table_info(?)", table)
	if err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", table, err)
	}
	defer rows.Close()

	present := make(map[string]bool)
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("read columns of %s: %w", table, err)
		}
		present[strings.ToLower(name)] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", table, err)
	}

	return present, nil
}
