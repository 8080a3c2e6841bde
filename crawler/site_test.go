package crawler

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler/sink"
	"github.com/gleanerhq/gleaner/extract"
)

// Article pages of testdata/site, news/1001.html to news/1030.html.
const (
	firstArticle = 1001
	lastArticle  = 1030
)

// testSite serves testdata/site on 127.0.0.1 and counts the requests per
// path.
type testSite struct {
	*httptest.Server

	mu       sync.Mutex
	requests map[string]int
}

// newTestSite starts the test site. Besides the files it serves a 404 at
// /news/missing.html, a 500 at /news/broken.html and a redirect from
// /go/1001 to /news/1001.html. The Chinese pages 1001-1006 are sent with a
// charset in Content-Type and 1007-1012 without one, so that both paths of
// charset detection run. The rest are sent as UTF-8.
func newTestSite(t *testing.T, robots string) *testSite {
	t.Helper()

	site := &testSite{requests: make(map[string]int)}
	site.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		site.mu.Lock()
		site.requests[r.URL.Path]++
		site.mu.Unlock()

		switch r.URL.Path {
		case "/robots.txt":
			if robots == "" {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, robots)
		case "/news/missing.html":
			http.NotFound(w, r)
		case "/news/broken.html":
			http.Error(w, "internal error", http.StatusInternalServerError)
		case "/go/1001":
			http.Redirect(w, r, "/news/1001.html", http.StatusFound)
		default:
			serveTestdata(w, r)
		}
	}))
	t.Cleanup(site.Close)
	return site
}

func serveTestdata(w http.ResponseWriter, r *http.Request) {
	name := filepath.Join("testdata", "site", filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
	if strings.Contains(r.URL.Path, "..") || !strings.HasSuffix(name, ".html") {
		http.NotFound(w, r)
		return
	}

	body, err := os.ReadFile(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}

	w.Header().Set("Content-Type", testContentType(r.URL.Path))
	w.Write(body)
}

var newsPath = regexp.MustCompile(`^/news/(\d+)\.html$`)

func testContentType(path string) string {
	m := newsPath.FindStringSubmatch(path)
	if m == nil {
		return "text/html; charset=utf-8"
	}

	n, _ := strconv.Atoi(m[1])
	switch {
	case n <= 1006:
		return "text/html; charset=gbk"
	case n <= 1012:
		return "text/html"
	default:
		return "text/html; charset=utf-8"
	}
}

func (s *testSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// articleURLs returns the URLs of the 30 article pages of the test site.
func (s *testSite) articleURLs() []string {
	var urls []string
	for n := firstArticle; n <= lastArticle; n++ {
		urls = append(urls, fmt.Sprintf("%s/news/%d.html", s.URL, n))
	}
	return urls
}

// testConfig returns a configuration for a crawl of seeds on 127.0.0.1,
// without delay and with short retry waits.
func testConfig(t *testing.T, seeds ...string) *config.Config {
	t.Helper()

	cfg := config.Default()
	cfg.Seeds = seeds
	cfg.AllowedDomains = []string{"127.0.0.1"}
	cfg.Delay = 0
	cfg.MaxDepth = 3
	cfg.Timeout = 10 * time.Second
	cfg.RetryBackoff = 5 * time.Millisecond
	cfg.Dir = t.TempDir()
	return cfg
}

// outputs are the files a test crawl writes.
type outputs struct {
	jsonl  string
	sqlite string
}

// openTestSinks builds a jsonl and a sqlite sink writing into a temporary
// folder.
func openTestSinks(t *testing.T) (sink.Sink, outputs) {
	t.Helper()

	dir := t.TempDir()
	out := outputs{jsonl: filepath.Join(dir, "records.jsonl"), sqlite: filepath.Join(dir, "gleaner.db")}
	multi, err := sink.NewMulti(sink.Default(), []sink.Spec{
		{Type: "jsonl", Path: out.jsonl, KeyPath: "sinks[0]"},
		{Type: "sqlite", Path: out.sqlite, KeyPath: "sinks[1]"},
	})
	if err != nil {
		t.Fatalf("build sinks: %v", err)
	}
	return multi, out
}

// runCrawl crawls cfg into s and fails the test when Run returns an error.
func runCrawl(t *testing.T, cfg *config.Config, s sink.Sink) Summary {
	t.Helper()

	c, err := New(cfg, s, Options{Logger: zaptest.NewLogger(t), FlushInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	summary, err := c.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return summary
}

// readJSONL reads every record of a JSONL file. A line that is not a whole
// JSON record fails the test.
func readJSONL(t *testing.T, path string) []*extract.Record {
	t.Helper()

	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open jsonl output: %v", err)
	}
	defer f.Close()

	var records []*extract.Record
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for line := 1; scanner.Scan(); line++ {
		var r extract.Record
		if err := json.Unmarshal(scanner.Bytes(), &r); err != nil {
			t.Fatalf("jsonl line %d is not a record: %v", line, err)
		}
		records = append(records, &r)
	}
	if err := scanner.Err(); err != nil {
		t.Fatalf("read jsonl output: %v", err)
	}
	return records
}

// sqliteRow is the part of a row of the articles table the tests check.
type sqliteRow struct {
	url, title, body string
}

// readSQLite reads the url, title and body of every row of the articles
// table.
func readSQLite(t *testing.T, path string) []sqliteRow {
	t.Helper()

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open sqlite output: %v", err)
	}
	defer db.Close()

	rows, err := db.Query(`SELECT url, COALESCE(title, ''), COALESCE(body, '') FROM articles ORDER BY url`)
	if err != nil {
		t.Fatalf("query sqlite output: %v", err)
	}
	defer rows.Close()

	var out []sqliteRow
	for rows.Next() {
		var row sqliteRow
		if err := rows.Scan(&row.url, &row.title, &row.body); err != nil {
			t.Fatalf("scan sqlite row: %v", err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read sqlite rows: %v", err)
	}
	return out
}
