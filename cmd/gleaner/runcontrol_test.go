package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// newsSite serves a listing at / that links article pages /news/N.html
// (N from 1), each with its own text. With withMissing it also links
// /news/missing.html, a 404.
// When hold is not nil, each article waits for hold to close before it is
// served, and entered is closed at the first article request.
type newsSite struct {
	*httptest.Server

	mu       sync.Mutex
	articles int // article requests received
}

func newNewsSite(t *testing.T, articles int, withMissing bool, hold <-chan struct{}, entered chan<- struct{}) *newsSite {
	t.Helper()
	site := &newsSite{}

	var listing strings.Builder
	listing.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Index</title></head><body><ul>`)
	for n := 1; n <= articles; n++ {
		fmt.Fprintf(&listing, `<li><a href="/news/%d.html">Story %d</a></li>`, n, n)
	}
	if withMissing {
		listing.WriteString(`<li><a href="/news/missing.html">Gone</a></li>`)
	}
	listing.WriteString(`</ul></body></html>`)

	var once sync.Once
	site.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(listing.String()))
			return
		}
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/news/"), ".html"))
		if err != nil || n < 1 || n > articles {
			http.NotFound(w, r)
			return
		}

		site.mu.Lock()
		site.articles++
		site.mu.Unlock()
		if entered != nil {
			once.Do(func() { close(entered) })
		}
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, newsArticle(n))
	}))
	t.Cleanup(site.Close)
	return site
}

// articleRequests returns the number of article requests received.
func (s *newsSite) articleRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.articles
}

// newsArticle returns an article page whose headline and text name n.
func newsArticle(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour report number %d</title></head><body><article><h1>Harbour report number %d</h1>`, n, n)
	for p := 1; p <= 4; p++ {
		fmt.Fprintf(&b, `<p>Report %d, paragraph %d. The harbour master said on Tuesday that the ferries would keep their winter timetable for another month, because the repairs to the northern pier have taken longer than planned. Fishing boats may still use the southern quay.</p>`, n, p)
	}
	b.WriteString(`</article></body></html>`)
	return b.String()
}

// writeCrawlConfig writes a configuration that crawls site into a jsonl
// sink in a new folder, and returns the file's path.
func writeCrawlConfig(t *testing.T, siteURL string, extra string) string {
	t.Helper()

	dir := t.TempDir()
	file := filepath.Join(dir, "crawl.yaml")
	yaml := fmt.Sprintf("seeds:\n  - %s/\narticles:\n  - '/news/'\ndelay: 0s\nparallelism: 2\nrespect_robots_txt: false\nmax_retries: 0\nsinks:\n  - type: jsonl\n    path: out/records.jsonl\n%s", siteURL, extra)
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// commandResult is the outcome of one run of the command line.
type commandResult struct {
	stderr string
	code   int
	err    error
}

// startCommand runs args in a goroutine and returns its outcome on a channel.
func startCommand(args ...string) <-chan commandResult {
	done := make(chan commandResult, 1)
	go func() {
		var out, errOut bytes.Buffer
		err := run(context.Background(), args, &out, &errOut)
		done <- commandResult{stderr: errOut.String(), code: exitCode(err), err: err}
	}()
	return done
}

func TestCrawlRunLock(t *testing.T) {
	hold := make(chan struct{})
	entered := make(chan struct{})
	site := newNewsSite(t, 1, false, hold, entered)
	file := writeCrawlConfig(t, site.URL, "")
	lockFile := filepath.Join(filepath.Dir(file), "out", "gleaner.lock")
	args := []string{"crawl", "--config", file, "--log-level", "warn"}

	first := startCommand(args...)
	select {
	case <-entered:
	case res := <-first:
		t.Fatalf("first crawl ended before it fetched the article: code %d, %v\n%s", res.code, res.err, res.stderr)
	case <-time.After(20 * time.Second):
		t.Fatal("first crawl did not reach the article")
	}

	_, _, code, err := runCommand(t, args...)

	if code != exitLocked {
		t.Errorf("second crawl: exit code = %d (%v), want %d", code, err, exitLocked)
	}
	if err == nil || !strings.Contains(err.Error(), lockFile) {
		t.Errorf("second crawl: error = %v, want it to name the lock file %s", err, lockFile)
	}
	if err == nil || !strings.Contains(err.Error(), "PID "+strconv.Itoa(os.Getpid())) {
		t.Errorf("second crawl: error = %v, want it to name the PID of the first", err)
	}
	if n := site.articleRequests(); n != 1 {
		t.Errorf("site got %d article requests while the first crawl ran, want 1: the second may not crawl", n)
	}

	close(hold)
	res := <-first
	if res.code != exitOK {
		t.Fatalf("first crawl: exit code = %d (%v), want 0\n%s", res.code, res.err, res.stderr)
	}

	_, stderr, code, err := runCommand(t, args...)
	if code != exitOK {
		t.Errorf("third crawl, after the first ended: exit code = %d (%v), want 0\n%s", code, err, stderr)
	}
}

func TestCrawlRunLockFileKey(t *testing.T) {
	site := newNewsSite(t, 1, false, nil, nil)
	lockFile := filepath.Join(t.TempDir(), "run", "news.lock")
	file := writeCrawlConfig(t, site.URL, "lock_file: "+lockFile+"\n")

	_, stderr, code, err := runCommand(t, "crawl", "--config", file, "--log-level", "warn")

	if code != exitOK {
		t.Fatalf("exit code = %d (%v), want 0\n%s", code, err, stderr)
	}
	if _, err := os.Stat(lockFile); err != nil {
		t.Errorf("lock file from lock_file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(file), "out", "gleaner.lock")); err == nil {
		t.Error("default lock file exists, want only the configured one")
	}
}

// readRunSummary parses the --summary-json file at path.
func readRunSummary(t *testing.T, path string) runSummary {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read summary file: %v", err)
	}
	var s runSummary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("summary file is not JSON: %v\n%s", err, data)
	}
	return s
}

func TestCrawlMaxPagesSummaryJSON(t *testing.T) {
	const parallelism = 2
	site := newNewsSite(t, 29, false, nil, nil)
	file := writeCrawlConfig(t, site.URL, "")
	summaryFile := filepath.Join(filepath.Dir(file), "out", "summary.json")

	_, stderr, code, err := runCommand(t, "crawl", "--config", file, "--log-level", "warn",
		"--max-pages", "5", "--summary-json", summaryFile)

	if code != exitOK {
		t.Fatalf("exit code = %d (%v), want 0\n%s", code, err, stderr)
	}
	if !strings.Contains(stderr, "stopped at --max-pages") {
		t.Errorf("printed summary does not give the stop reason:\n%s", stderr)
	}
	s := readRunSummary(t, summaryFile)
	if s.StopReason != "max_pages" {
		t.Errorf("stop_reason = %q, want max_pages", s.StopReason)
	}
	if s.ExitCode != exitOK {
		t.Errorf("exit_code = %d, want 0", s.ExitCode)
	}
	if s.DurationSeconds <= 0 || s.StartedAt.IsZero() {
		t.Errorf("started_at = %v, duration_seconds = %v, want both set", s.StartedAt, s.DurationSeconds)
	}
	if s.PagesFetched < 5 || s.PagesFetched > 5+parallelism {
		t.Errorf("pages_fetched = %d, want 5 to %d", s.PagesFetched, 5+parallelism)
	}
	if n := site.articleRequests(); n > 5+parallelism {
		t.Errorf("site got %d article requests, want at most %d", n, 5+parallelism)
	}
	records := countJSONLines(t, filepath.Join(filepath.Dir(file), "out", "records.jsonl"))
	if s.Articles < 1 || records != s.Articles {
		t.Errorf("articles = %d and the jsonl file holds %d records, want the same number, at least 1", s.Articles, records)
	}
	if len(s.Sinks) != 1 || s.Sinks[0].Written != records {
		t.Errorf("sinks = %+v, want one sink that wrote %d records", s.Sinks, records)
	}
	if s.SkippedTraps == nil || len(s.SkippedTraps) != 0 {
		t.Errorf("skipped_traps = %v, want an empty object on a site without traps", s.SkippedTraps)
	}
}

func TestCrawlSummaryJSONPartialFailure(t *testing.T) {
	site := newNewsSite(t, 2, true, nil, nil)
	file := writeCrawlConfig(t, site.URL, "")
	summaryFile := filepath.Join(t.TempDir(), "summary.json")
	if err := os.WriteFile(summaryFile, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}

	_, stderr, code, err := runCommand(t, "crawl", "--config", file, "--log-level", "error", "--summary-json", summaryFile)

	if code != exitPartial {
		t.Fatalf("exit code = %d (%v), want %d\n%s", code, err, exitPartial, stderr)
	}
	s := readRunSummary(t, summaryFile)
	if s.ExitCode != exitPartial {
		t.Errorf("exit_code = %d, want %d", s.ExitCode, exitPartial)
	}
	if s.StopReason != "completed" {
		t.Errorf("stop_reason = %q, want completed", s.StopReason)
	}
	if s.PagesFailed != 1 || s.Failures["http_404"] != 1 {
		t.Errorf("pages_failed = %d, failures = %v, want one http_404", s.PagesFailed, s.Failures)
	}
	if s.Articles != 2 {
		t.Errorf("articles = %d, want 2", s.Articles)
	}
	if !strings.Contains(s.Error, "1 page failed") {
		t.Errorf("error = %q, want the reason of exit code 2", s.Error)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(summaryFile), ".summary.json.*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left beside the summary: %v", leftovers)
	}
}

func TestCrawlMaxDepth(t *testing.T) {
	site := newNewsSite(t, 3, false, nil, nil)
	file := writeCrawlConfig(t, site.URL, "")

	_, stderr, code, err := runCommand(t, "crawl", "--config", file, "--log-level", "warn", "--max-depth", "1")

	if code != exitOK {
		t.Fatalf("exit code = %d (%v), want 0\n%s", code, err, stderr)
	}
	if n := site.articleRequests(); n != 0 {
		t.Errorf("site got %d article requests, want 0 with --max-depth 1 (the seed only)", n)
	}
}

func TestCrawlRunControlUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "negative max-pages", args: []string{"--max-pages", "-1"}, want: "invalid --max-pages -1"},
		{name: "negative max-duration", args: []string{"--max-duration", "-5s"}, want: "invalid --max-duration -5s"},
		{name: "negative max-depth", args: []string{"--max-depth", "-2"}, want: "invalid --max-depth -2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"crawl", "--config", "crawl.yaml"}, tt.args...)

			_, _, code, err := runCommand(t, args...)

			if code != exitFailure {
				t.Errorf("exit code = %d, want %d", code, exitFailure)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// countJSONLines returns the number of lines in the file at path.
func countJSONLines(t *testing.T, path string) int {
	t.Helper()

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read jsonl output: %v", err)
	}
	return bytes.Count(data, []byte("\n"))
}

func TestHelpNamesLockExitCode(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "program", args: []string{"help"}, want: "3 when another crawl"},
		{name: "crawl", args: []string{"help", "crawl"}, want: "3 when another crawl holds the lock"},
		{name: "crawl flags", args: []string{"help", "crawl"}, want: "--summary-json FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, code, _ := runCommand(t, tt.args...)

			if code != exitOK {
				t.Errorf("exit code = %d, want 0", code)
			}
			if !strings.Contains(stdout, tt.want) {
				t.Errorf("help does not contain %q:\n%s", tt.want, stdout)
			}
		})
	}
}

func TestCrawlStateAcrossRunsAndFull(t *testing.T) {
	site := newNewsSite(t, 3, false, nil, nil)
	file := writeCrawlConfig(t, site.URL, "")
	summaryFile := filepath.Join(filepath.Dir(file), "out", "summary.json")
	crawl := func(extra ...string) runSummary {
		t.Helper()
		args := append([]string{"crawl", "--config", file, "--log-level", "warn", "--summary-json", summaryFile}, extra...)
		_, stderr, code, err := runCommand(t, args...)
		if code != exitOK {
			t.Fatalf("exit code = %d (%v), want 0\n%s", code, err, stderr)
		}
		return readRunSummary(t, summaryFile)
	}

	first := crawl()
	if first.ArticlesNew != 3 || first.Articles != 3 {
		t.Errorf("first run: articles_new = %d, articles = %d, want 3 and 3", first.ArticlesNew, first.Articles)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(file), "out", "gleaner-state.db")); err != nil {
		t.Errorf("state file beside the configuration: %v", err)
	}

	requested := site.articleRequests()
	second := crawl()
	if second.Articles != 0 || second.ArticlesUnchanged != 3 {
		t.Errorf("second run: articles = %d, articles_unchanged = %d, want 0 and 3", second.Articles, second.ArticlesUnchanged)
	}
	if n := site.articleRequests(); n != requested {
		t.Errorf("second run requested %d known articles, want none", n-requested)
	}

	full := crawl("--full")
	if full.Articles != 3 || full.ArticlesUnchanged != 3 || !full.Full {
		t.Errorf("--full run: articles = %d, articles_unchanged = %d, full = %v, want 3, 3 and true", full.Articles, full.ArticlesUnchanged, full.Full)
	}
	// The jsonl sink appends a record only when its URL is new or its
	// content hash changed, so the rewritten records add no lines.
	if records := countJSONLines(t, filepath.Join(filepath.Dir(file), "out", "records.jsonl")); records != 3 {
		t.Errorf("jsonl holds %d records, want 3", records)
	}
}
