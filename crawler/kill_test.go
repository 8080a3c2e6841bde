package crawler

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler/sink"
)

// killedArticles is the size of the site the SIGKILL test crawls.
const killedArticles = 40

// Environment variables that make the test binary run one crawl and
// nothing else, as the process the SIGKILL test kills.
const (
	envKillSite = "GLEANER_TEST_KILL_SITE"
	envKillDir  = "GLEANER_TEST_KILL_DIR"
)

// killConfig is the configuration of both runs of the SIGKILL test: a
// SQLite sink and a crawl state in dir.
func killConfig(site, dir string) (*config.Config, sink.Sink, error) {
	cfg := config.Default()
	cfg.Seeds = []string{site + "/"}
	cfg.AllowedDomains = []string{"127.0.0.1"}
	cfg.Delay = 0
	cfg.Parallelism = 2
	cfg.Timeout = 10 * time.Second
	cfg.Dir = dir
	cfg.StateFile = filepath.Join(dir, "state.db")
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/story/\d+$`)}

	s, err := sink.NewMulti(sink.Default(), []sink.Spec{{Type: "sqlite", Path: filepath.Join(dir, "gleaner.db"), KeyPath: "sinks[0]"}})
	return cfg, s, err
}

// TestKilledCrawlProcess is the crawl the SIGKILL test runs in a child
// process. It does nothing in a normal test run.
func TestKilledCrawlProcess(t *testing.T) {
	site, dir := os.Getenv(envKillSite), os.Getenv(envKillDir)
	if site == "" || dir == "" {
		t.Skip("runs only as the child of TestCrawlResumesAfterSIGKILL")
	}

	cfg, s, err := killConfig(site, dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg, s, Options{BatchSize: 2, FlushInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestCrawlResumesAfterSIGKILL(t *testing.T) {
	if os.Getenv(envKillSite) != "" {
		t.Skip("inside the child process")
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/" {
			var b strings.Builder
			for i := 1; i <= killedArticles; i++ {
				fmt.Fprintf(&b, `<li><a href="/story/%d">Story %d</a></li>`, i, i)
			}
			fmt.Fprintf(w, `<html><body><ul>%s</ul></body></html>`, b.String())
			return
		}
		var id int
		if _, err := fmt.Sscanf(r.URL.Path, "/story/%d", &id); err != nil {
			http.NotFound(w, r)
			return
		}
		time.Sleep(30 * time.Millisecond) // slow enough to be killed halfway
		fmt.Fprintf(w, `<html><head><title>Story %d</title></head><body><article><h1>Story %d</h1>
<p>Story %d tells how the harbour board voted to extend the ferry timetable into the winter months.</p>
<p>Passengers had asked for later sailings for years, and the board agreed after a consultation that ran all summer.</p>
</article></body></html>`, id, id, id)
	}))
	defer srv.Close()

	dir := t.TempDir()
	db := filepath.Join(dir, "gleaner.db")
	child := exec.Command(os.Args[0], "-test.run=^TestKilledCrawlProcess$", "-test.count=1")
	child.Env = append(os.Environ(), envKillSite+"="+srv.URL, envKillDir+"="+dir)
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}

	// Kill the child once some records, but not all, are in the sink.
	before := 0
	deadline := time.Now().Add(20 * time.Second)
	for before < killedArticles/4 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		before = countRows(db)
	}
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	before = countRows(db)
	if before == 0 || before >= killedArticles {
		t.Fatalf("child wrote %d of %d records before SIGKILL; the test needs a crawl killed halfway", before, killedArticles)
	}

	// Run again to the end: every article is stored once, none lost.
	cfg, s, err := killConfig(srv.URL, dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(cfg, s, Options{FlushInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}

	t.Logf("records stored before SIGKILL: %d; written by the second run: %d", before, again.Articles)
	rows := readSQLite(t, db)
	if len(rows) != killedArticles {
		t.Fatalf("sqlite has %d rows after the second run, want %d", len(rows), killedArticles)
	}
	seen := map[string]bool{}
	for _, row := range rows {
		if seen[row.url] || !strings.Contains(row.body, "harbour board") {
			t.Errorf("row %s repeated or without its body", row.url)
		}
		seen[row.url] = true
	}
	if again.Articles >= killedArticles || again.Articles < killedArticles-before {
		t.Errorf("second run wrote %d records; with %d stored before the kill it must write between %d and %d",
			again.Articles, before, killedArticles-before, killedArticles-1)
	}
}

// countRows returns the rows of the articles table, or 0 while the table
// does not exist yet.
func countRows(path string) int {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(2000)&mode=ro")
	if err != nil {
		return 0
	}
	defer db.Close()

	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM articles`).Scan(&n); err != nil {
		return 0
	}
	return n
}
