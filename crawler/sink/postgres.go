package sink

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gleanerhq/gleaner/extract"
)

var _ Sink = (*postgresSink)(nil)

// Defaults of the postgres sink settings.
const (
	DefaultPostgresTable          = "articles"
	DefaultPostgresConnectTimeout = 10 * time.Second
)

// postgresSettings lists the keys of a postgres entry beyond the common ones.
type postgresSettings struct {
	// DSN is the connection string: a postgres:// URL or key=value pairs.
	DSN string `yaml:"dsn"`

	// DSNEnv names the environment variable holding the connection string.
	DSNEnv string `yaml:"dsn_env"`

	// Table is the table name, optionally qualified by a schema
	// ("news.articles").
	Table string `yaml:"table"`

	// ConnectTimeout limits each connection attempt.
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
}

// postgresSink upserts records into one PostgreSQL table, one row per URL.
type postgresSink struct {
	dsn            string // from the dsn key; "" when it comes from dsnEnv
	dsnEnv         string
	table          postgresTable
	connectTimeout time.Duration
	upsertSQL      string

	// now returns the time stored in first_seen and written_at. Tests
	// replace it.
	now func() time.Time

	config *pgx.ConnConfig // parsed by Open
	conn   *pgx.Conn       // nil while not connected
	open   bool
}

// postgresTable is a table name and the schema it lives in ("" for the
// connection's search path).
type postgresTable struct {
	schema string
	name   string
}

// String returns the table name as written in the configuration.
func (t postgresTable) String() string {
	if t.schema == "" {
		return t.name
	}

	return t.schema + "." + t.name
}

// quoted returns the table name quoted for SQL.
func (t postgresTable) quoted() string {
	if t.schema == "" {
		return quoteIdentifier(t.name)
	}

	return quoteIdentifier(t.schema) + "." + quoteIdentifier(t.name)
}

// NewPostgres builds a sink that upserts records into a PostgreSQL table.
// It needs exactly one of dsn, the connection string, and dsn_env, the name
// of the environment variable that contains it. Its other settings are
// table, the table name, optionally schema-qualified (default "articles"),
// and connect_timeout (default 10s). The connection string is never logged
// or put in an error message.
//
// Open connects and creates the table when it is missing. Each Write
// upserts its batch in one transaction and one round trip, keyed by url
// (INSERT ... ON CONFLICT (url) DO UPDATE), so a replayed record leaves one
// row. Times are timestamptz, which keep the instant but not the offset the
// page gave, so published_raw keeps the page's text. Authors, images,
// recommended, items and profile_fallbacks are jsonb arrays, and explain is
// a jsonb object or NULL. A lost connection is opened again by the next Write.
func NewPostgres(spec Spec) (Sink, error) {
	settings := postgresSettings{Table: DefaultPostgresTable, ConnectTimeout: DefaultPostgresConnectTimeout}
	if err := decodeSettings(spec, &settings); err != nil {
		return nil, err
	}

	var errs []error
	if err := noPath(spec, "a database table"); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, checkPostgresDSN(spec, settings)...)

	table, err := parsePostgresTable(settings.Table)
	if err != nil {
		errs = append(errs, spec.settingError("table", "invalid table name %q: %v", settings.Table, err))
	}
	if settings.ConnectTimeout <= 0 {
		errs = append(errs, spec.settingError("connect_timeout", "invalid connect_timeout %s: want more than 0, such as 10s", settings.ConnectTimeout))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	s := &postgresSink{
		dsn:            settings.DSN,
		dsnEnv:         settings.DSNEnv,
		table:          table,
		connectTimeout: settings.ConnectTimeout,
		upsertSQL:      postgresUpsertStatement(table),
		now:            time.Now,
	}

	return s, nil
}

// checkPostgresDSN checks that exactly one of dsn and dsn_env is set and
// that a dsn parses. Messages never quote the connection string.
func checkPostgresDSN(spec Spec, settings postgresSettings) []error {
	switch {
	case settings.DSN == "" && settings.DSNEnv == "":
		return []error{spec.settingError("dsn", "missing dsn for sink %q: set dsn, or dsn_env to the name of an environment variable holding it", spec.Type)}
	case settings.DSN != "" && settings.DSNEnv != "":
		return []error{spec.settingError("dsn_env", "dsn and dsn_env are both set: keep one")}
	case settings.DSNEnv != "":
		if message := checkEnvName(settings.DSNEnv); message != "" {
			return []error{spec.settingError("dsn_env", "%s", message)}
		}
		return nil
	}

	if _, err := pgx.ParseConfig(settings.DSN); err != nil {
		return []error{spec.settingError("dsn", "%s", dsnProblem)}
	}

	return nil
}

// dsnProblem describes a connection string that does not parse. It leaves
// out the message of the parser, which may quote the string and its password.
const dsnProblem = "invalid dsn (not shown, as it may contain a password): want a URL such as postgres://user@host:5432/db or key=value pairs such as host=localhost dbname=news"

// parsePostgresTable splits "schema.table" and checks both names.
func parsePostgresTable(name string) (postgresTable, error) {
	schema, table, qualified := strings.Cut(name, ".")
	if !qualified {
		schema, table = "", name
	}

	for _, part := range []string{schema, table} {
		if part == "" && !qualified {
			continue
		}
		if !identifierPattern.MatchString(part) {
			return postgresTable{}, errors.New("want a name, or schema.name, of ASCII letters, digits and underscores, starting with a letter or underscore, at most 63 characters each")
		}
	}
	if strings.HasPrefix(strings.ToLower(table), "pg_") {
		return postgresTable{}, errors.New("names starting with pg_ are reserved by PostgreSQL")
	}

	return postgresTable{schema: schema, name: table}, nil
}

// name identifies the sink in errors without the connection string.
func (s *postgresSink) name() string { return "postgres " + s.table.String() }

func (s *postgresSink) destinationID() string {
	source := "dsn-sha256:" + shortHash(s.dsn)
	if s.dsnEnv != "" {
		source = "env:" + s.dsnEnv
	}

	return "postgres " + source + " " + s.table.String()
}

// Open reads the connection string, connects, and creates the table and
// its content_hash index when they are missing. An existing table must have
// every column the sink writes.
func (s *postgresSink) Open(ctx context.Context) error {
	if s.open {
		return nil
	}

	config, err := s.connConfig()
	if err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}
	s.config = config

	conn, err := s.connect(ctx)
	if err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}
	if err := createPostgresTable(ctx, conn, s.table); err != nil {
		return errors.Join(fmt.Errorf("%s: open: %w", s.name(), err), conn.Close(context.Background()))
	}

	s.conn = conn
	s.open = true

	return nil
}

// connConfig parses the connection string from the settings or the
// environment.
func (s *postgresSink) connConfig() (*pgx.ConnConfig, error) {
	dsn := s.dsn
	if s.dsnEnv != "" {
		dsn = os.Getenv(s.dsnEnv)
		if dsn == "" {
			return nil, fmt.Errorf("environment variable %s is not set: it must hold the connection string (dsn_env)", s.dsnEnv)
		}
	}

	config, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New(dsnProblem)
	}
	config.ConnectTimeout = s.connectTimeout

	return config, nil
}

// connect opens a new connection.
func (s *postgresSink) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.config)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}

	return conn, nil
}

// Write upserts every record of batch in one transaction. A failure rolls
// the transaction back. A record PostgreSQL cannot store, such as text
// with a NUL character or a time that is not RFC 3339, fails the batch with
// a *RecordError before anything is sent.
func (s *postgresSink) Write(ctx context.Context, batch []*extract.Record) error {
	if !s.open {
		return fmt.Errorf("%s: write: %w", s.name(), ErrNotOpen)
	}
	if err := checkBatch(batch); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	if len(batch) == 0 {
		return nil
	}

	rows, err := postgresRows(batch, s.now().UTC())
	if err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}

	if s.conn == nil || s.conn.IsClosed() {
		conn, err := s.connect(ctx)
		if err != nil {
			return fmt.Errorf("%s: write: %w", s.name(), err)
		}
		s.conn = conn
	}

	if err := s.upsert(ctx, batch, rows); err != nil {
		s.dropBrokenConn()
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}

	return nil
}

// upsert sends the rows as one batch inside a transaction.
func (s *postgresSink) upsert(ctx context.Context, batch []*extract.Record, rows [][]any) (err error) {
	tx, err := s.conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if err == nil {
			return
		}
		if rollbackErr := tx.Rollback(context.WithoutCancel(ctx)); rollbackErr != nil && !errors.Is(rollbackErr, pgx.ErrTxClosed) {
			err = errors.Join(err, fmt.Errorf("roll back: %w", rollbackErr))
		}
	}()

	queued := &pgx.Batch{}
	for _, row := range rows {
		queued.Queue(s.upsertSQL, row...)
	}

	results := tx.SendBatch(ctx, queued)
	for i := range rows {
		if _, execErr := results.Exec(); execErr != nil {
			_ = results.Close()
			return recordFailure(batch, i, execErr)
		}
	}
	if err := results.Close(); err != nil {
		return fmt.Errorf("upsert: %w", err)
	}

	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}

	return nil
}

// recordFailure turns the error of the upsert of record i into a
// *RecordError when PostgreSQL rejected the data itself (SQLSTATE classes
// 22, data exception, and 23, integrity constraint violation), which a
// retry cannot fix. Other errors, such as a lost connection, stay as they
// are, to be retried.
func recordFailure(batch []*extract.Record, i int, err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "23")) {
		return &RecordError{Index: i, URL: batch[i].URL, Err: fmt.Errorf("%w: %w", ErrInvalidRecord, err)}
	}

	return fmt.Errorf("record %d (%s): %w", i, batch[i].URL, err)
}

// dropBrokenConn closes the connection after a failed write unless it is
// still usable, so that the next Write connects again.
func (s *postgresSink) dropBrokenConn() {
	if s.conn == nil {
		return
	}
	if !s.conn.IsClosed() {
		pingCtx, cancel := context.WithTimeout(context.Background(), s.connectTimeout)
		defer cancel()
		if s.conn.Ping(pingCtx) == nil {
			return
		}
	}

	closeCtx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = s.conn.Close(closeCtx) // the connection is broken, so its close error adds nothing
	s.conn = nil
}

// Close closes the connection.
func (s *postgresSink) Close() error {
	if !s.open {
		return nil
	}
	s.open = false

	if s.conn == nil {
		return nil
	}
	conn := s.conn
	s.conn = nil

	ctx, cancel := context.WithTimeout(context.Background(), s.connectTimeout)
	defer cancel()
	if err := conn.Close(ctx); err != nil {
		return fmt.Errorf("%s: close: %w", s.name(), err)
	}

	return nil
}
