package crawler

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler/sink"
	"github.com/gleanerhq/gleaner/crawler/state"
)

// changingSite is a news site whose articles and listing a test can
// change between crawls. Every page carries an ETag, and a request whose
// If-None-Match matches gets 304 Not Modified.
type changingSite struct {
	mu       sync.Mutex
	articles map[int]string // id to the article's text
	lastmod  map[int]time.Time
	requests map[string]int // path to full (200) responses
	notMod   map[string]int // path to 304 responses
	fail     map[string]int // path to the number of 500 responses still to send
	extra    string         // more listing items, such as links to missing pages
	noRobots bool           // serve /robots.txt as 404
	srv      *httptest.Server
}

func newChangingSite(t *testing.T, ids ...int) *changingSite {
	t.Helper()

	s := &changingSite{articles: map[int]string{}, lastmod: map[int]time.Time{}, requests: map[string]int{}, notMod: map[string]int{}, fail: map[string]int{}}
	for _, id := range ids {
		s.set(id, fmt.Sprintf("First version of story %d.", id), time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// set adds or changes an article.
func (s *changingSite) set(id int, text string, modified time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.articles[id] = text
	s.lastmod[id] = modified
}

func (s *changingSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()

	if s.fail[r.URL.Path] > 0 {
		s.fail[r.URL.Path]--
		s.requests[r.URL.Path]++
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}

	var body, contentType string
	switch {
	case r.URL.Path == "/robots.txt" && s.noRobots:
		s.requests[r.URL.Path]++
		http.NotFound(w, r)
		return
	case r.URL.Path == "/robots.txt":
		body, contentType = "User-agent: *\nAllow: /\n", "text/plain"
	case r.URL.Path == "/":
		body, contentType = s.listing(), "text/html; charset=utf-8"
	case r.URL.Path == "/sitemap.xml":
		body, contentType = s.sitemap(), "application/xml"
	case strings.HasPrefix(r.URL.Path, "/story/"):
		var id int
		if _, err := fmt.Sscanf(r.URL.Path, "/story/%d", &id); err != nil || s.articles[id] == "" {
			http.NotFound(w, r)
			return
		}
		body, contentType = s.article(id), "text/html; charset=utf-8"
	default:
		http.NotFound(w, r)
		return
	}

	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		s.notMod[r.URL.Path]++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.requests[r.URL.Path]++
	w.Header().Set("Content-Type", contentType)
	fmt.Fprint(w, body)
}

func (s *changingSite) ids() []int {
	ids := make([]int, 0, len(s.articles))
	for id := range s.articles {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

func (s *changingSite) listing() string {
	var b strings.Builder
	b.WriteString(`<html><head><title>Harbour Times</title></head><body><h1>Latest</h1><ul>`)
	for _, id := range s.ids() {
		fmt.Fprintf(&b, `<li><a href="/story/%d">Story %d</a></li>`, id, id)
	}
	b.WriteString(s.extra)
	b.WriteString(`</ul></body></html>`)
	return b.String()
}

func (s *changingSite) sitemap() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
	for _, id := range s.ids() {
		fmt.Fprintf(&b, `<url><loc>%s/story/%d</loc><lastmod>%s</lastmod></url>`, s.srv.URL, id, s.lastmod[id].Format(time.RFC3339))
	}
	b.WriteString(`</urlset>`)
	return b.String()
}

func (s *changingSite) article(id int) string {
	text := s.articles[id]
	return fmt.Sprintf(`<html><head><title>Story %d</title>
<meta property="article:published_time" content="2026-03-01T07:00:00Z"></head>
<body><article><h1>Story %d of the harbour</h1>
<p>%s The ferry left the north quay at seven, carrying passengers and cyclists across the estuary.</p>
<p>Engineers replaced the engine that failed twice last year, and the operator expects a busy summer season on the route.</p>
<p>Regular passengers welcomed the return of the service after months of replacement buses around the water.</p>
</article></body></html>`, id, id, text)
}

// counts returns the full responses and the 304 responses for path.
func (s *changingSite) counts(path string) (full, notModified int) {
	s.mu.Lock()
	defer s.mu.Unlock()

	return s.requests[path], s.notMod[path]
}

// resetCounts clears the request counts.
func (s *changingSite) resetCounts() {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.requests = map[string]int{}
	s.notMod = map[string]int{}
}

func TestCrawlStateSecondRunWritesOnlyChanges(t *testing.T) {
	site := newChangingSite(t, 1, 2, 3, 4, 5)
	stateDir := t.TempDir()
	sinks, out := openTestSinks(t)

	crawl := func(recheck time.Duration) Summary {
		t.Helper()
		cfg := testConfig(t, site.srv.URL+"/")
		cfg.StateFile = filepath.Join(stateDir, "state.db")
		cfg.RecheckWithin = recheck
		return runCrawl(t, cfg, sinks)
	}

	first := crawl(0)
	if first.ArticlesNew != 5 || first.Articles != 5 {
		t.Fatalf("first run: %d new, %d written, want 5 and 5", first.ArticlesNew, first.Articles)
	}

	// Second run, nothing changed: the listing returns 304, so no article
	// is requested and nothing is written.
	site.resetCounts()
	second := crawl(0)
	if second.Articles != 0 || second.NotModified != 1 {
		t.Errorf("second run: %d written, %d not modified, want 0 and 1", second.Articles, second.NotModified)
	}
	if full, notMod := site.counts("/"); full != 0 || notMod != 1 {
		t.Errorf("second run listing: %d full, %d 304, want 0 and 1", full, notMod)
	}
	for id := 1; id <= 5; id++ {
		if full, notMod := site.counts(fmt.Sprintf("/story/%d", id)); full+notMod != 0 {
			t.Errorf("second run requested /story/%d", id)
		}
	}
	if full, _ := site.counts("/robots.txt"); full != 0 {
		t.Errorf("second run fetched robots.txt again: %d times", full)
	}

	// One article changes and one is added. Known articles are checked
	// again (recheck_within covers them), so the change is seen.
	site.set(3, "Second version of story 3, corrected.", time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	site.set(6, "First version of story 6.", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	site.resetCounts()
	third := crawl(time.Hour)
	if third.ArticlesNew != 1 || third.ArticlesUpdated != 1 || third.Articles != 2 {
		t.Errorf("third run: %d new, %d updated, %d written, want 1, 1 and 2", third.ArticlesNew, third.ArticlesUpdated, third.Articles)
	}
	if third.ArticlesUnchanged != 4 || third.NotModified != 4 {
		t.Errorf("third run: %d unchanged, %d not modified, want 4 and 4", third.ArticlesUnchanged, third.NotModified)
	}

	lines := readJSONL(t, out.jsonl)
	if len(lines) != 7 {
		t.Fatalf("jsonl has %d lines, want 5 + 2", len(lines))
	}
	if got := lines[5].URL + " " + lines[6].URL; !strings.Contains(got, "/story/3") || !strings.Contains(got, "/story/6") {
		t.Errorf("last two records: %s", got)
	}

	rows := readSQLite(t, out.sqlite)
	if len(rows) != 6 {
		t.Fatalf("sqlite has %d rows, want 6", len(rows))
	}
	for _, row := range rows {
		if strings.HasSuffix(row.url, "/story/3") && !strings.Contains(row.body, "Second version") {
			t.Errorf("story 3 not updated in sqlite: %q", row.body)
		}
	}
}

func TestCrawlStateSitemapLastmodTriggersRecheck(t *testing.T) {
	site := newChangingSite(t, 1, 2, 3)
	stateFile := filepath.Join(t.TempDir(), "state.db")
	sinks, out := openTestSinks(t)

	crawl := func() Summary {
		t.Helper()
		cfg := testConfig(t, site.srv.URL+"/sitemap.xml")
		cfg.StateFile = stateFile
		return runCrawl(t, cfg, sinks)
	}

	if first := crawl(); first.ArticlesNew != 3 {
		t.Fatalf("first run: %d new, want 3", first.ArticlesNew)
	}

	// The sitemap dates story 2 after the first run: only it is requested.
	site.set(2, "Second version of story 2.", time.Now().Add(time.Minute))
	site.resetCounts()
	second := crawl()
	if second.ArticlesUpdated != 1 || second.Articles != 1 {
		t.Errorf("second run: %d updated, %d written, want 1 and 1", second.ArticlesUpdated, second.Articles)
	}
	for _, id := range []int{1, 3} {
		if full, notMod := site.counts(fmt.Sprintf("/story/%d", id)); full+notMod != 0 {
			t.Errorf("second run requested unchanged /story/%d", id)
		}
	}
	if full, _ := site.counts("/story/2"); full != 1 {
		t.Errorf("second run fetched /story/2 %d times, want 1", full)
	}
	if n := len(readJSONL(t, out.jsonl)); n != 4 {
		t.Errorf("jsonl has %d lines, want 3 + 1", n)
	}
}

func TestCrawlStateFullIgnoresState(t *testing.T) {
	site := newChangingSite(t, 1, 2)
	stateFile := filepath.Join(t.TempDir(), "state.db")
	sinks, _ := openTestSinks(t)

	cfg := testConfig(t, site.srv.URL+"/")
	cfg.StateFile = stateFile
	runCrawl(t, cfg, sinks)

	site.resetCounts()
	c, err := New(cfg, sinks, Options{Full: true, FlushInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	full, err := c.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if full.Articles != 2 || full.ArticlesUnchanged != 2 || full.NotModified != 0 {
		t.Errorf("--full run: %d written, %d unchanged, %d not modified, want 2, 2 and 0", full.Articles, full.ArticlesUnchanged, full.NotModified)
	}
	if n, _ := site.counts("/"); n != 1 {
		t.Errorf("--full run fetched the listing %d times in full, want 1", n)
	}
}

func TestCrawlStateCanonicalMergesAcrossRuns(t *testing.T) {
	var mu sync.Mutex
	requests := map[string]int{}
	first := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests[r.URL.RequestURI()]++
		isFirst := first
		mu.Unlock()

		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			target := "/print/7"
			if !isFirst {
				target = "/story/7"
			}
			fmt.Fprintf(w, `<html><body><a href="%s">Story</a></body></html>`, target)
		case "/print/7", "/story/7":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<html><head><title>Council approves the new bridge</title><link rel="canonical" href="/story/7"></head>
<body><article><h1>Council approves the new bridge</h1><p>The council voted on Tuesday to build a footbridge across the river, after two years of consultation with residents.</p>
<p>Construction starts in the spring and should take eighteen months, the council said in a statement.</p></article></body></html>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	stateFile := filepath.Join(t.TempDir(), "state.db")
	sinks, _ := openTestSinks(t)
	crawl := func() Summary {
		t.Helper()
		cfg := testConfig(t, srv.URL+"/")
		cfg.StateFile = stateFile
		cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/(story|print)/\d+$`)}
		return runCrawl(t, cfg, sinks)
	}

	if s := crawl(); s.ArticlesNew != 1 {
		t.Fatalf("first run: %d new, want 1", s.ArticlesNew)
	}

	// The listing now links the canonical URL: known, so not requested.
	mu.Lock()
	first = false
	mu.Unlock()
	second := crawl()
	if second.Articles != 0 || second.ArticlesUnchanged != 1 {
		t.Errorf("second run: %d written, %d unchanged, want 0 and 1", second.Articles, second.ArticlesUnchanged)
	}
	mu.Lock()
	defer mu.Unlock()
	if requests["/story/7"] != 0 {
		t.Errorf("canonical URL requested %d times in the second run, want 0", requests["/story/7"])
	}
}

func TestCrawlStatePartialRunLeavesListingsToRefetch(t *testing.T) {
	tests := []struct {
		name  string
		first func(t *testing.T, site *changingSite, cfg *config.Config, s sink.Sink) Summary
	}{
		{"stopped at max pages", func(t *testing.T, site *changingSite, cfg *config.Config, s sink.Sink) Summary {
			c, err := New(cfg, s, Options{MaxPages: 2, FlushInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			summary, err := c.Run(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			return summary
		}},
		{"an article failed", func(t *testing.T, site *changingSite, cfg *config.Config, s sink.Sink) Summary {
			site.mu.Lock()
			site.fail["/story/4"] = 10
			site.mu.Unlock()
			cfg.MaxRetries = 0
			c, err := New(cfg, s, Options{FlushInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			summary, _ := c.Run(t.Context())
			site.mu.Lock()
			site.fail = map[string]int{}
			site.mu.Unlock()
			return summary
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newChangingSite(t, 1, 2, 3, 4, 5)
			stateFile := filepath.Join(t.TempDir(), "state.db")
			sinks, out := openTestSinks(t)
			newConfig := func() *config.Config {
				cfg := testConfig(t, site.srv.URL+"/")
				cfg.StateFile = stateFile
				cfg.Parallelism = 1
				return cfg
			}

			first := tt.first(t, site, newConfig(), sinks)
			if first.Articles >= 5 {
				t.Fatalf("first run wrote %d articles; the test needs a partial run", first.Articles)
			}

			// The listing is requested in full again, not returned as 304, so
			// the articles the first run missed are fetched now.
			second := runCrawl(t, newConfig(), sinks)
			if second.NotModified != 0 {
				t.Errorf("second run got %d 304 answers, want the listing in full", second.NotModified)
			}
			if got := first.Articles + second.Articles; got != 5 {
				t.Errorf("articles written: %d + %d, want 5 in all", first.Articles, second.Articles)
			}
			if n := len(readSQLite(t, out.sqlite)); n != 5 {
				t.Errorf("sqlite has %d rows, want 5", n)
			}

			// A complete run saves the listing's validators: the next gets 304.
			if third := runCrawl(t, newConfig(), sinks); third.NotModified != 1 || third.Articles != 0 {
				t.Errorf("third run: %d not modified, %d written, want 1 and 0", third.NotModified, third.Articles)
			}
		})
	}
}

func TestCrawlStateKeepsMissingRobotsTxt(t *testing.T) {
	site := newChangingSite(t, 1)
	site.noRobots = true
	stateFile := filepath.Join(t.TempDir(), "state.db")
	sinks, _ := openTestSinks(t)

	for run := 1; run <= 2; run++ {
		cfg := testConfig(t, site.srv.URL+"/")
		cfg.StateFile = stateFile
		runCrawl(t, cfg, sinks)
	}
	if n, _ := site.counts("/robots.txt"); n != 1 {
		t.Errorf("robots.txt requested %d times in two runs, want 1: its 404 is kept", n)
	}
}

func TestCrawlStateMissingPageDoesNotBlockValidators(t *testing.T) {
	site := newChangingSite(t, 1, 2)
	stateFile := filepath.Join(t.TempDir(), "state.db")
	sinks, _ := openTestSinks(t)

	// The listing links a page that does not exist.
	site.mu.Lock()
	site.extra = `<li><a href="/story/404">Gone</a></li>`
	site.mu.Unlock()

	crawl := func() Summary {
		t.Helper()
		cfg := testConfig(t, site.srv.URL+"/")
		cfg.StateFile = stateFile
		c, err := New(cfg, sinks, Options{FlushInterval: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		summary, _ := c.Run(t.Context())
		return summary
	}

	if first := crawl(); first.Errors["http_404"] != 1 || first.Articles != 2 {
		t.Fatalf("first run: %v errors, %d written, want one http_404 and 2", first.Errors, first.Articles)
	}
	if second := crawl(); second.NotModified != 1 {
		t.Errorf("second run: %d not modified, want the listing answered 304 despite the missing page", second.NotModified)
	}
}

func TestCrawlStateKeepsLearnedDelay(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><body><a href="/story/1">One</a> <a href="/story/2">Two</a></body></html>`)
			return
		}
		// A server error makes the limiter space this host's requests.
		http.Error(w, "overloaded", http.StatusInternalServerError)
	}))
	defer srv.Close()

	stateFile := filepath.Join(t.TempDir(), "state.db")
	cfg := testConfig(t, srv.URL+"/")
	cfg.StateFile = stateFile
	cfg.MaxRetries = 0
	cfg.MaxDelay = 10 * time.Second
	sinks, _ := openTestSinks(t)
	c, err := New(cfg, sinks, Options{FlushInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(t.Context()); err != nil {
		t.Fatal(err)
	}

	store, err := state.OpenSQLite(t.Context(), stateFile)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	delays, err := store.HostDelays(t.Context(), time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	var learned time.Duration
	for _, d := range delays {
		if d.Host == host {
			learned = d.Delay
		}
	}
	if learned <= 0 {
		t.Fatalf("delays saved: %+v, want a positive delay for %s after server errors", delays, host)
	}
	store.Close()

	// The next run starts the host at the learned delay, before any
	// response of its own.
	c2, err := New(cfg, sinks, Options{FlushInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r := newRun(t.Context(), c2, mustOpenState(t, stateFile))
	if _, delay := r.fetching.limiter.delays(host); delay < learned {
		t.Errorf("second run starts %s at %s, want at least the learned %s", host, delay, learned)
	}
	r.cancel()
	closeState(r.memory.store)
}

func mustOpenState(t *testing.T, path string) state.Store {
	t.Helper()

	store, err := state.OpenSQLite(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	return store
}

func TestCrawlStateFileNotADatabase(t *testing.T) {
	site := newChangingSite(t, 1)
	stateFile := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(stateFile, []byte("not a database"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, site.srv.URL+"/")
	cfg.StateFile = stateFile
	sinks, out := openTestSinks(t)

	c, err := New(cfg, sinks, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Run(t.Context())

	if err == nil || !strings.Contains(err.Error(), "state_file") || !strings.Contains(err.Error(), stateFile) {
		t.Errorf("Run error = %v, want one naming state_file and %s", err, stateFile)
	}
	if full, _ := site.counts("/"); full != 0 {
		t.Errorf("the crawl fetched the seed %d times with an unreadable state", full)
	}
	if _, statErr := os.Stat(out.sqlite); statErr == nil {
		t.Errorf("the sinks were opened with an unreadable state")
	}
	data, _ := os.ReadFile(stateFile)
	if string(data) != "not a database" {
		t.Errorf("the state file was changed: %q", data)
	}
}
