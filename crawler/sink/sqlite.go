package sink

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

var _ Sink = (*sqliteSink)(nil)

// Defaults of the sqlite sink settings.
const (
	DefaultSQLiteTable       = "articles"
	DefaultSQLiteBusyTimeout = 5 * time.Second
)

// sqliteSettings lists the keys of a sqlite entry beyond type and path.
type sqliteSettings struct {
	// Table is the name of the articles table.
	Table string `yaml:"table"`

	// BusyTimeout is how long a statement waits for a lock that another
	// connection holds before it fails with SQLITE_BUSY.
	BusyTimeout time.Duration `yaml:"busy_timeout"`
}

// identifierPattern matches the table names the sqlite sink accepts: an
// ASCII letter or underscore, then up to 62 letters, digits or underscores.
var identifierPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// sqliteSink upserts records into one table of a SQLite database, one row per
// URL.
type sqliteSink struct {
	path        string
	table       string
	busyTimeout time.Duration
	upsertSQL   string

	// now returns the time stored in first_seen and written_at. Tests
	// replace it.
	now    func() time.Time
	logger *zap.Logger

	db *sql.DB
}

// NewSQLite builds a sink that upserts records into the SQLite database at
// spec.Path, which must not be empty. Its settings are table, the name of the
// articles table (default "articles"), and busy_timeout, how long a write
// waits for a lock held by another connection (default 5s).
//
// Open creates the parent directory and the database in WAL mode. The table
// has one row per URL and one column per record field, plus schema_version
// (RecordSchemaVersion). Arrays are stored as JSON text, "[]" when empty,
// explain as a JSON object or NULL, and optional text fields are NULL when
// empty. The columns first_seen and written_at hold the UTC times at which
// the URL was first and last written. The table schema_version holds one
// row with the layout version, SQLiteSchemaVersion; Open migrates a
// database of an older layout in place (see sqliteMigrations).
func NewSQLite(spec Spec) (Sink, error) {
	settings := sqliteSettings{Table: DefaultSQLiteTable, BusyTimeout: DefaultSQLiteBusyTimeout}
	if err := decodeSettings(spec, &settings); err != nil {
		return nil, err
	}

	var errs []error
	if spec.Path == "" {
		errs = append(errs, spec.settingError("path", "missing path for sink %q", spec.Type))
	}
	if err := checkTableName(settings.Table); err != nil {
		errs = append(errs, spec.settingError("table", "invalid table name %q: %v", settings.Table, err))
	}
	if settings.BusyTimeout < 0 || settings.BusyTimeout.Milliseconds() > math.MaxInt32 {
		errs = append(errs, spec.settingError("busy_timeout", "invalid busy_timeout %s: want 0 or more, at most %d ms", settings.BusyTimeout, math.MaxInt32))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	s := &sqliteSink{
		path:        spec.Path,
		table:       settings.Table,
		busyTimeout: settings.BusyTimeout,
		upsertSQL:   upsertStatement(settings.Table),
		now:         time.Now,
		logger:      zap.NewNop(),
	}

	return s, nil
}

// checkTableName rejects names that are not plain identifiers or that
// collide with SQLite's own tables or with schema_version.
func checkTableName(name string) error {
	if !identifierPattern.MatchString(name) {
		return errors.New("want an ASCII letter or underscore followed by at most 62 letters, digits or underscores")
	}
	if strings.HasPrefix(strings.ToLower(name), "sqlite_") {
		return errors.New("names starting with sqlite_ are reserved by SQLite")
	}
	if strings.EqualFold(name, versionTable) {
		return fmt.Errorf("%s is the table of the schema version", versionTable)
	}

	return nil
}

// name identifies the sink in errors.
func (s *sqliteSink) name() string { return "sqlite " + s.path }

func (s *sqliteSink) setLogger(logger *zap.Logger) { s.logger = logger }

func (s *sqliteSink) destinationID() string {
	abs, err := filepath.Abs(s.path)
	if err != nil {
		abs = s.path
	}

	return "sqlite " + abs + " " + s.table
}

// Open creates the parent directory and the database, switches it to WAL
// mode and creates or checks the schema.
func (s *sqliteSink) Open(ctx context.Context) error {
	if s.db != nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return fmt.Errorf("%s: create directory: %w", s.name(), err)
	}

	dsn, err := s.dsn()
	if err != nil {
		return fmt.Errorf("%s: %w", s.name(), err)
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}

	// The crawler writes from one goroutine, so one connection is enough, and
	// it keeps every statement on the connection the pragmas were set on.
	db.SetMaxOpenConns(1)

	if err := prepareDatabase(ctx, db, s.table, s.logger); err != nil {
		return errors.Join(fmt.Errorf("%s: %w", s.name(), err), db.Close())
	}

	s.db = db

	return nil
}

// dsn returns the modernc.org/sqlite data source name for the sink. The
// _pragma parameters run on every new connection. _txlock=immediate makes
// each transaction take the write lock at BEGIN, so a busy database makes
// BEGIN wait for busy_timeout instead of failing halfway through a batch.
//
// With synchronous=NORMAL in WAL mode, SQLite keeps the database consistent
// after a power loss or an operating system crash, but the last committed
// batches may be lost. A crash of gleaner itself loses no committed batch.
func (s *sqliteSink) dsn() (string, error) {
	path, err := filepath.Abs(s.path)
	if err != nil {
		return "", fmt.Errorf("resolve path: %w", err)
	}

	query := url.Values{}
	query.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", s.busyTimeout.Milliseconds()))
	query.Add("_pragma", "journal_mode(WAL)")
	query.Add("_pragma", "synchronous(NORMAL)")
	query.Set("_txlock", "immediate")

	return "file:" + escapeURIPath(path) + "?" + query.Encode(), nil
}

// escapeURIPath escapes the characters that end or change the path part of
// a SQLite URI filename.
func escapeURIPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// Write upserts every record of batch in one transaction. A failure rolls
// the transaction back, so the table is left as it was before the call.
func (s *sqliteSink) Write(ctx context.Context, batch []*extract.Record) error {
	if s.db == nil {
		return fmt.Errorf("%s: write: %w", s.name(), ErrNotOpen)
	}
	if err := checkBatch(batch); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	if len(batch) == 0 {
		return nil
	}

	if err := s.upsert(ctx, batch); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}

	return nil
}

func (s *sqliteSink) upsert(ctx context.Context, batch []*extract.Record) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		if rollbackErr := tx.Rollback(); rollbackErr != nil && !errors.Is(rollbackErr, sql.ErrTxDone) {
			err = errors.Join(err, fmt.Errorf("roll back: %w", rollbackErr))
		}
	}()

	stmt, err := tx.PrepareContext(ctx, s.upsertSQL)
	if err != nil {
		return fmt.Errorf("prepare upsert: %w", err)
	}
	defer stmt.Close()

	now := s.now().UTC().Format(time.RFC3339Nano)
	for i, r := range batch {
		args, err := rowValues(r, now)
		if err != nil {
			return fmt.Errorf("record %d (%s): %w", i, r.URL, err)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("record %d (%s): %w", i, r.URL, err)
		}
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}

	return nil
}

// Close closes the database. SQLite checkpoints the WAL into the database
// file when its last connection closes.
func (s *sqliteSink) Close() error {
	if s.db == nil {
		return nil
	}

	db := s.db
	s.db = nil
	if err := db.Close(); err != nil {
		return fmt.Errorf("%s: close: %w", s.name(), err)
	}

	return nil
}
