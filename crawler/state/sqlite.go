package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// schemaVersion is the version of the tables below, kept in the meta
// table. A file with a newer version is refused, so an older gleaner does
// not damage it.
const schemaVersion = 1

var schema = []string{
	`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS pages (
		url           TEXT PRIMARY KEY,
		kind          TEXT NOT NULL,
		content_hash  TEXT NOT NULL DEFAULT '',
		etag          TEXT NOT NULL DEFAULT '',
		last_modified TEXT NOT NULL DEFAULT '',
		first_seen    INTEGER NOT NULL,
		last_seen     INTEGER NOT NULL,
		last_fetched  INTEGER NOT NULL DEFAULT 0
	)`,
	`CREATE INDEX IF NOT EXISTS pages_content_hash ON pages (content_hash) WHERE content_hash != ''`,
	`CREATE TABLE IF NOT EXISTS robots (
		origin  TEXT PRIMARY KEY,
		status  INTEGER NOT NULL,
		body    BLOB NOT NULL,
		expires INTEGER NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS cookies (host TEXT PRIMARY KEY, cookies TEXT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS host_delays (host TEXT PRIMARY KEY, delay_ms INTEGER NOT NULL, updated INTEGER NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS visited (request_id INTEGER PRIMARY KEY)`,
}

// SQLite is a Store in one SQLite file, in WAL mode so that readers do not
// wait for the writer.
type SQLite struct {
	db   *sql.DB
	path string

	mu      sync.Mutex
	cookies map[string]string // host to colly's cookie string, written through
	closed  bool
}

var _ Store = (*SQLite)(nil)

// OpenSQLite opens or creates the state file at path, creating its folder,
// and creates or checks the tables.
func OpenSQLite(ctx context.Context, path string) (*SQLite, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("crawl state %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return nil, fmt.Errorf("crawl state %s: create directory: %w", path, err)
	}

	query := url.Values{}
	query.Add("_pragma", "busy_timeout(10000)")
	query.Add("_pragma", "journal_mode(WAL)")
	query.Add("_pragma", "synchronous(NORMAL)")
	query.Set("_txlock", "immediate")
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(abs)
	db, err := sql.Open("sqlite", "file:"+escaped+"?"+query.Encode())
	if err != nil {
		return nil, fmt.Errorf("crawl state %s: open: %w", path, err)
	}
	db.SetMaxOpenConns(4)

	s := &SQLite{db: db, path: abs, cookies: make(map[string]string)}
	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("crawl state %s: %w", path, err), db.Close())
	}
	return s, nil
}

// Path returns the absolute path of the state file.
func (s *SQLite) Path() string { return s.path }

func (s *SQLite) migrate(ctx context.Context) error {
	for _, stmt := range schema {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create tables: %w", err)
		}
	}

	var stored string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema_version'`).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('schema_version', ?)`, fmt.Sprint(schemaVersion))
		if err != nil {
			return fmt.Errorf("write schema version: %w", err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("read schema version: %w", err)
	}

	if stored != fmt.Sprint(schemaVersion) {
		return fmt.Errorf("schema version %s, this gleaner reads version %d: use a newer gleaner or another state_file", stored, schemaVersion)
	}
	return nil
}

func (s *SQLite) check() error {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.closed {
		return ErrClosed
	}
	return nil
}

// Lookups of pages. The hash lookup repeats the partial index's condition
// (content_hash != ”): without it SQLite cannot use that index for a bound
// parameter and scans the table, once per article.
const (
	pageByURL = `SELECT url, kind, content_hash, etag, last_modified, first_seen, last_seen, last_fetched
		FROM pages WHERE url = ?`
	articleByHash = `SELECT url, kind, content_hash, etag, last_modified, first_seen, last_seen, last_fetched
		FROM pages WHERE content_hash = ? AND content_hash != '' AND kind = 'article' LIMIT 1`
)

// Page implements Store.
func (s *SQLite) Page(ctx context.Context, u string) (Page, bool, error) {
	return s.queryPage(ctx, pageByURL, u)
}

// ArticleByHash implements Store.
func (s *SQLite) ArticleByHash(ctx context.Context, hash string) (Page, bool, error) {
	if hash == "" {
		return Page{}, false, nil
	}
	return s.queryPage(ctx, articleByHash, hash)
}

func (s *SQLite) queryPage(ctx context.Context, query, arg string) (Page, bool, error) {
	if err := s.check(); err != nil {
		return Page{}, false, err
	}

	var (
		p                             Page
		kind                          string
		firstSeen, lastSeen, lastSync int64
	)
	err := s.db.QueryRowContext(ctx, query, arg).Scan(&p.URL, &kind, &p.ContentHash, &p.ETag, &p.LastModified, &firstSeen, &lastSeen, &lastSync)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Page{}, false, nil
	case err != nil:
		return Page{}, false, fmt.Errorf("crawl state: read page %s: %w", arg, err)
	}

	p.Kind = Kind(kind)
	p.FirstSeen = fromMillis(firstSeen)
	p.LastSeen = fromMillis(lastSeen)
	p.LastFetched = fromMillis(lastSync)
	return p, true, nil
}

// PutPages implements Store.
func (s *SQLite) PutPages(ctx context.Context, pages ...Page) error {
	if len(pages) == 0 {
		return nil
	}
	if err := s.check(); err != nil {
		return err
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("crawl state: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	stmt, err := tx.PrepareContext(ctx, `INSERT INTO pages
		(url, kind, content_hash, etag, last_modified, first_seen, last_seen, last_fetched)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET
			kind = excluded.kind,
			content_hash = CASE WHEN excluded.kind = 'article' AND excluded.content_hash = '' THEN pages.content_hash ELSE excluded.content_hash END,
			etag = CASE WHEN excluded.etag = '' AND excluded.last_fetched = 0 THEN pages.etag ELSE excluded.etag END,
			last_modified = CASE WHEN excluded.last_modified = '' AND excluded.last_fetched = 0 THEN pages.last_modified ELSE excluded.last_modified END,
			last_seen = MAX(pages.last_seen, excluded.last_seen),
			last_fetched = MAX(pages.last_fetched, excluded.last_fetched)`)
	if err != nil {
		return fmt.Errorf("crawl state: prepare: %w", err)
	}
	defer stmt.Close()

	for _, p := range pages {
		if p.URL == "" || p.Kind == "" {
			return fmt.Errorf("crawl state: page %q has no URL or kind", p.URL)
		}
		firstSeen := p.FirstSeen
		if firstSeen.IsZero() {
			firstSeen = p.LastSeen
		}
		_, err := stmt.ExecContext(ctx, p.URL, string(p.Kind), p.ContentHash, p.ETag, p.LastModified,
			millis(firstSeen), millis(p.LastSeen), millis(p.LastFetched))
		if err != nil {
			return fmt.Errorf("crawl state: write page %s: %w", p.URL, err)
		}
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("crawl state: commit: %w", err)
	}
	return nil
}

// Robots implements Store.
func (s *SQLite) Robots(ctx context.Context, origin string, now time.Time) (Robots, bool, error) {
	if err := s.check(); err != nil {
		return Robots{}, false, err
	}

	r := Robots{Origin: origin}
	var expires int64
	err := s.db.QueryRowContext(ctx, `SELECT status, body, expires FROM robots WHERE origin = ?`, origin).Scan(&r.Status, &r.Body, &expires)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Robots{}, false, nil
	case err != nil:
		return Robots{}, false, fmt.Errorf("crawl state: read robots.txt of %s: %w", origin, err)
	}

	r.Expires = fromMillis(expires)
	if !now.Before(r.Expires) {
		return Robots{}, false, nil
	}
	return r, true, nil
}

// PutRobots implements Store.
func (s *SQLite) PutRobots(ctx context.Context, r Robots) error {
	if err := s.check(); err != nil {
		return err
	}

	_, err := s.db.ExecContext(ctx, `INSERT INTO robots (origin, status, body, expires) VALUES (?, ?, ?, ?)
		ON CONFLICT (origin) DO UPDATE SET status = excluded.status, body = excluded.body, expires = excluded.expires`,
		r.Origin, r.Status, r.Body, millis(r.Expires))
	if err != nil {
		return fmt.Errorf("crawl state: write robots.txt of %s: %w", r.Origin, err)
	}
	return nil
}

// HostDelays implements Store.
func (s *SQLite) HostDelays(ctx context.Context, since time.Time) ([]HostDelay, error) {
	if err := s.check(); err != nil {
		return nil, err
	}

	rows, err := s.db.QueryContext(ctx, `SELECT host, delay_ms, updated FROM host_delays WHERE updated >= ?`, millis(since))
	if err != nil {
		return nil, fmt.Errorf("crawl state: read host delays: %w", err)
	}
	defer rows.Close()

	var out []HostDelay
	for rows.Next() {
		var (
			d                HostDelay
			delayMS, updated int64
		)
		if err := rows.Scan(&d.Host, &delayMS, &updated); err != nil {
			return nil, fmt.Errorf("crawl state: read host delays: %w", err)
		}
		d.Delay = time.Duration(delayMS) * time.Millisecond
		d.Updated = fromMillis(updated)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("crawl state: read host delays: %w", err)
	}
	return out, nil
}

// PutHostDelays implements Store.
func (s *SQLite) PutHostDelays(ctx context.Context, delays []HostDelay) error {
	if len(delays) == 0 {
		return nil
	}
	if err := s.check(); err != nil {
		return err
	}

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("crawl state: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit

	for _, d := range delays {
		_, err := tx.ExecContext(ctx, `INSERT INTO host_delays (host, delay_ms, updated) VALUES (?, ?, ?)
			ON CONFLICT (host) DO UPDATE SET delay_ms = excluded.delay_ms, updated = excluded.updated`,
			d.Host, d.Delay.Milliseconds(), millis(d.Updated))
		if err != nil {
			return fmt.Errorf("crawl state: write delay of %s: %w", d.Host, err)
		}
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("crawl state: commit: %w", err)
	}
	return nil
}

// Init implements colly's storage.Storage. The tables exist once
// OpenSQLite returns, so it only checks that the store is open.
func (s *SQLite) Init() error {
	return s.check()
}

// Visited implements colly's storage.Storage: it records a request ID.
func (s *SQLite) Visited(requestID uint64) error {
	if err := s.check(); err != nil {
		return err
	}

	_, err := s.db.Exec(`INSERT OR IGNORE INTO visited (request_id) VALUES (?)`, int64(requestID))
	if err != nil {
		return fmt.Errorf("crawl state: record visit: %w", err)
	}
	return nil
}

// IsVisited implements colly's storage.Storage.
func (s *SQLite) IsVisited(requestID uint64) (bool, error) {
	if err := s.check(); err != nil {
		return false, err
	}

	var found int
	err := s.db.QueryRow(`SELECT 1 FROM visited WHERE request_id = ?`, int64(requestID)).Scan(&found)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("crawl state: read visit: %w", err)
	}
	return true, nil
}

// Cookies implements colly's storage.Storage: the cookies of u's host, in
// colly's string form. The interface has no error: a failed read gives no
// cookies.
func (s *SQLite) Cookies(u *url.URL) string {
	host := strings.ToLower(u.Host)

	s.mu.Lock()
	if c, ok := s.cookies[host]; ok || s.closed {
		s.mu.Unlock()
		return c
	}
	s.mu.Unlock()

	var c string
	err := s.db.QueryRow(`SELECT cookies FROM cookies WHERE host = ?`, host).Scan(&c)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return ""
	}

	s.mu.Lock()
	s.cookies[host] = c
	s.mu.Unlock()
	return c
}

// SetCookies implements colly's storage.Storage: it replaces the cookies
// of u's host. The interface has no error: a failed write keeps the
// cookies for this run only.
func (s *SQLite) SetCookies(u *url.URL, cookies string) {
	host := strings.ToLower(u.Host)

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.cookies[host] = cookies
	s.mu.Unlock()

	_, _ = s.db.Exec(`INSERT INTO cookies (host, cookies) VALUES (?, ?)
		ON CONFLICT (host) DO UPDATE SET cookies = excluded.cookies`, host, cookies)
}

// Close implements Store.
func (s *SQLite) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()

	if err := s.db.Close(); err != nil {
		return fmt.Errorf("crawl state %s: close: %w", s.path, err)
	}
	return nil
}

func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
