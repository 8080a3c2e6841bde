package crawler

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/extract"
)

// faultMarker is written into every error body and every body a case must
// not extract, so that the common checks can tell when one reached a record.
const faultMarker = "FAULT-BODY-7f3a"

// faultSite is the web server of one hostile case. It counts the requests
// per path, stamps them with the case's clock and keeps the
// Accept-Encoding of the last request.
type faultSite struct {
	*httptest.Server
	clock clock

	mu             sync.Mutex
	hits           map[string][]time.Time
	acceptEncoding string
}

func newFaultSite(t *testing.T, clk clock, routes map[string]http.HandlerFunc) *faultSite {
	t.Helper()

	s := &faultSite{clock: clk, hits: make(map[string][]time.Time)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path] = append(s.hits[r.URL.Path], s.clock.Now())
		s.acceptEncoding = r.Header.Get("Accept-Encoding")
		s.mu.Unlock()

		if route, ok := routes[r.URL.Path]; ok {
			route(w, r)
			return
		}
		http.Error(w, faultMarker, http.StatusNotFound)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *faultSite) times(path string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.hits[path]...)
}

// hostileCase is one fault of the hostile-server suite. The fault site is
// either routes over net/http or raw, a TCP server for faults net/http
// cannot produce. The crawl's seeds are seed on the fault site and a good
// site with two articles.
type hostileCase struct {
	name      string
	routes    func(t *testing.T, clk clock) map[string]http.HandlerFunc
	raw       func(conn net.Conn, req *http.Request, done <-chan struct{})
	seed      string
	fakeClock bool
	configure func(cfg *config.Config)
	check     func(t *testing.T, h *hostileRun)
}

// hostileRun is what a hostile case gives its check.
type hostileRun struct {
	crawlResult
	base  string // the fault site's URL
	site  *faultSite
	raw   *rawServer
	clock *fakeClock
}

func (h *hostileRun) url(path string) string { return h.base + path }

// requests returns how many requests the fault site received for path.
func (h *hostileRun) requests(path string) int {
	if h.raw != nil {
		return h.raw.count(path)
	}
	return len(h.site.times(path))
}

// wantOnlyError checks that the crawl recorded exactly one failure, of
// kind, for the fault URL at path, and no record for it.
func (h *hostileRun) wantOnlyError(t *testing.T, path, kind string) {
	t.Helper()

	if got := h.summary.Errors; len(got) != 1 || got[kind] != 1 {
		t.Errorf("errors = %v, want only %s: 1", got, kind)
	}
	if failures := h.failures(h.url(path)); len(failures) != 1 || !strings.HasPrefix(failures[0], kind+":") {
		t.Errorf("failures logged for %s = %q, want one of kind %s", path, failures, kind)
	}
	if _, ok := h.records[h.url(path)]; ok {
		t.Errorf("record for %s written, want none", path)
	}
}

// wantRecord checks that the page at path was extracted with the title of
// test page n, and that nothing failed.
func (h *hostileRun) wantRecord(t *testing.T, path string, n int) {
	t.Helper()

	record, ok := h.records[h.url(path)]
	if !ok {
		t.Fatalf("no record for %s; errors %v", path, h.summary.Errors)
	}
	if want := titleOf(t, n); record.Title != want {
		t.Errorf("title = %q, want %q", record.Title, want)
	}
	if len(h.summary.Errors) != 0 {
		t.Errorf("errors = %v, want none", h.summary.Errors)
	}
}

// wantRequests checks how many requests the fault site received for path.
func (h *hostileRun) wantRequests(t *testing.T, path string, want int) {
	t.Helper()

	if got := h.requests(path); got != want {
		t.Errorf("%s requested %d times, want %d", path, got, want)
	}
}

// wantGap checks that the requests for path came at least gap apart on
// the case's clock.
func (h *hostileRun) wantGap(t *testing.T, path string, gap time.Duration) {
	t.Helper()

	times := h.site.times(path)
	for i := 1; i < len(times); i++ {
		if d := times[i].Sub(times[i-1]); d < gap {
			t.Errorf("request %d of %s came %s after the one before, want at least %s", i+1, path, d, gap)
		}
	}
}

var titles sync.Map // test page number -> title

// titleOf returns the title the extractor finds in test page n.
func titleOf(t *testing.T, n int) string {
	t.Helper()

	if title, ok := titles.Load(n); ok {
		return title.(string)
	}
	record, err := extract.Extract(readTestPage(t, n), extract.Options{URL: "http://127.0.0.1/page.html", ContentType: "text/html; charset=utf-8"})
	if err != nil {
		t.Fatal(err)
	}
	titles.Store(n, record.Title)
	return record.Title
}

// newGoodSite serves a listing of two articles, the part of every hostile
// crawl that must finish whatever the fault site does.
func newGoodSite(t *testing.T) *countingServer {
	return newCountingServer(t, map[string]http.HandlerFunc{
		"/list.html": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title>list</title></head><body><a href="/news/1013.html">a</a> <a href="/news/1014.html">b</a></body></html>`)
		},
		"/news/1013.html": servePage(t, 1013),
		"/news/1014.html": servePage(t, 1014),
	})
}

// hostileConfig is the configuration of a hostile crawl: robots.txt off
// unless a case turns it on, short timeouts and waits, two retries.
func hostileConfig(t *testing.T, seeds ...string) *config.Config {
	cfg := config.Default()
	cfg.Seeds = seeds
	cfg.AllowedDomains = []string{"127.0.0.1"}
	cfg.Dir = t.TempDir()
	cfg.MaxDepth = 2
	cfg.Delay = 0
	cfg.Timeout = 5 * time.Second
	cfg.HeaderTimeout = 2 * time.Second
	cfg.ConnectTimeout = time.Second
	cfg.RetryBackoff = 5 * time.Millisecond
	cfg.MaxRetries = 2
	cfg.RespectRobotsTxt = false
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/(news|a)/`)}
	cfg.Follow = []*regexp.Regexp{regexp.MustCompile(`/(list\.html)?$`), regexp.MustCompile(`/a/`)}
	return cfg
}

func runHostileCase(t *testing.T, tc hostileCase) {
	h := &hostileRun{}
	var clk clock = realClock{}
	env := &environment{}
	if tc.fakeClock {
		h.clock = newFakeClock()
		clk, env.clock = h.clock, h.clock
	}

	if tc.raw != nil {
		h.raw = newRawServer(t, tc.raw)
		h.base = h.raw.URL
	} else {
		h.site = newFaultSite(t, clk, tc.routes(t, clk))
		h.base = h.site.URL
	}
	good := newGoodSite(t)

	cfg := hostileConfig(t, h.base+tc.seed, good.URL+"/list.html")
	if tc.configure != nil {
		tc.configure(cfg)
	}
	h.crawlResult = crawlWith(t, cfg, env)

	// The rest of the crawl finished, and no error body became a record.
	for _, path := range []string{"/news/1013.html", "/news/1014.html"} {
		if _, ok := h.records[good.URL+path]; !ok {
			t.Errorf("good site's %s has no record: the rest of the crawl did not finish", path)
		}
	}
	for u, record := range h.records {
		if strings.Contains(record.Body, faultMarker) || strings.Contains(record.Title, faultMarker) {
			t.Errorf("record %s holds a body that must not be extracted", u)
		}
	}

	tc.check(t, h)
}

func TestHostileServers(t *testing.T) {
	tests := append(append(append(append(append(
		rateLimitCases(),
		connectionCases()...),
		bodyCases()...),
		redirectCases()...),
		contentTypeCases()...),
		append(robotsCases(), badPageCases()...)...)

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runHostileCase(t, tc)
		})
	}
	if len(tests) < 30 {
		t.Errorf("%d hostile cases, want at least 30", len(tests))
	}
}

// routes returns a routes function for fixed handlers.
func routes(handlers map[string]http.HandlerFunc) func(*testing.T, clock) map[string]http.HandlerFunc {
	return func(*testing.T, clock) map[string]http.HandlerFunc { return handlers }
}

// testPage serves test page n as UTF-8 HTML.
func testPage(t *testing.T, n int) http.HandlerFunc { return servePage(t, n) }

// sequence serves the requests for a path with the handlers in turn. The
// last one serves all later requests.
func sequence(handlers ...http.HandlerFunc) http.HandlerFunc {
	var (
		mu sync.Mutex
		n  int
	)
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		handler := handlers[min(n, len(handlers)-1)]
		n++
		mu.Unlock()
		handler(w, r)
	}
}

// status responds with code, the headers in pairs, and an HTML error body
// holding faultMarker.
func status(code int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(code)
		fmt.Fprintf(w, "<html><head><title>%s</title></head><body><p>请求过于频繁，请稍后再试</p><p>%s</p></body></html>", faultMarker, faultMarker)
	}
}

// rateLimited responds with code (429 or 503) and Retry-After until wait
// has passed on clk since its last such response, and then serves test page n. With
// httpDate, Retry-After is an HTTP date counted from the Date header.
func rateLimited(clk clock, code int, wait time.Duration, httpDate bool, next http.HandlerFunc) http.HandlerFunc {
	var (
		mu   sync.Mutex
		last time.Time
	)
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now := clk.Now()
		limited := last.IsZero() || now.Sub(last) < wait
		if limited {
			last = now
		}
		mu.Unlock()

		if !limited {
			next(w, r)
			return
		}
		if httpDate {
			w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
			status(code, "Retry-After", now.Add(wait).UTC().Format(http.TimeFormat))(w, r)
			return
		}
		status(code, "Retry-After", strconv.Itoa(int(wait.Seconds())))(w, r)
	}
}

func rateLimitCases() []hostileCase {
	return []hostileCase{
		{
			name: "429 with Retry-After in seconds",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/roll.html": rateLimited(clk, 429, 7*time.Second, false, testPage(t, 1015))}
			},
			seed:      "/a/roll.html",
			fakeClock: true,
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/roll.html", 2)
				h.wantGap(t, "/a/roll.html", 7*time.Second)
				h.wantRecord(t, "/a/roll.html", 1015)
			},
		},
		{
			name: "429 with Retry-After as an HTTP date",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/roll.html": rateLimited(clk, 429, 30*time.Second, true, testPage(t, 1015))}
			},
			seed:      "/a/roll.html",
			fakeClock: true,
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/roll.html", 2)
				h.wantGap(t, "/a/roll.html", 30*time.Second)
				h.wantRecord(t, "/a/roll.html", 1015)
			},
		},
		{
			name: "503 with Retry-After",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/roll.html": rateLimited(clk, 503, 5*time.Second, false, testPage(t, 1015))}
			},
			seed:      "/a/roll.html",
			fakeClock: true,
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/roll.html", 2)
				h.wantGap(t, "/a/roll.html", 5*time.Second)
				h.wantRecord(t, "/a/roll.html", 1015)
			},
		},
		{
			name: "429 with Retry-After beyond max_retry_wait closes the host",
			routes: routes(map[string]http.HandlerFunc{
				"/list.html": func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					fmt.Fprint(w, `<html><body><a href="/a/1.html">1</a><a href="/a/2.html">2</a></body></html>`)
				},
				"/a/1.html": status(429, "Retry-After", "86400"),
				"/a/2.html": status(429, "Retry-After", "86400"),
			}),
			seed:      "/list.html",
			fakeClock: true,
			configure: func(cfg *config.Config) {
				cfg.MaxRetryWait = 600 * time.Second
				cfg.Parallelism = 1
			},
			check: func(t *testing.T, h *hostileRun) {
				if n := h.requests("/a/1.html") + h.requests("/a/2.html"); n != 1 {
					t.Errorf("%d requests to the host's articles, want 1: the host asked to wait a day", n)
				}
				if got := h.summary.Errors; len(got) != 1 || got["retry_after_too_long"] != 2 {
					t.Errorf("errors = %v, want retry_after_too_long: 2", got)
				}
				for _, path := range []string{"/a/1.html", "/a/2.html"} {
					if f := h.failures(h.url(path)); len(f) != 1 || !strings.Contains(f[0], "retry-after too long") {
						t.Errorf("failures of %s = %q, want one naming the too long Retry-After", path, f)
					}
				}
			},
		},
		{
			name: "429 without Retry-After backs off",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/x.html": sequence(status(429), status(429), testPage(t, 1015))}
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantRecord(t, "/a/x.html", 1015)
			},
		},
		{
			name:   "429 forever gives up after max_retries",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": status(429)}),
			seed:   "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantOnlyError(t, "/a/x.html", "http_429")
				if f := h.failures(h.url("/a/x.html")); len(f) != 1 || !strings.Contains(f[0], "gave up after 3 attempts") {
					t.Errorf("failure = %q, want it to name the 3 attempts", f)
				}
			},
		},
		{
			name: "500 then success is retried",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/x.html": sequence(status(500), testPage(t, 1015))}
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 2)
				h.wantRecord(t, "/a/x.html", 1015)
			},
		},
		{
			name:   "502 forever gives up after max_retries",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": status(502)}),
			seed:   "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantOnlyError(t, "/a/x.html", "http_502")
			},
		},
		{
			name:   "501 is not retried",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": status(501)}),
			seed:   "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "http_501")
			},
		},
		{
			name: "404 with an article body is not extracted",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				body := readTestPage(t, 1015)
				return map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					w.WriteHeader(http.StatusNotFound)
					w.Write(bytes.Replace(body, []byte("<body"), []byte("<p>"+faultMarker+"</p><body"), 1))
				}}
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "http_404")
			},
		},
	}
}

// writeHead writes a status line and headers in pairs, then a blank line.
func writeHead(conn net.Conn, statusLine string, headers ...string) {
	var b strings.Builder
	b.WriteString("HTTP/1.1 " + statusLine + "\r\n")
	for i := 0; i+1 < len(headers); i += 2 {
		b.WriteString(headers[i] + ": " + headers[i+1] + "\r\n")
	}
	b.WriteString("\r\n")
	io.WriteString(conn, b.String())
}

// waitForPeer blocks until the client closes conn or the server stops.
func waitForPeer(conn net.Conn, done <-chan struct{}) {
	closed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, conn)
		close(closed)
	}()
	select {
	case <-closed:
	case <-done:
		conn.Close()
		<-closed
	}
}

func connectionCases() []hostileCase {
	return []hostileCase{
		{
			name: "connection reset before the response",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				resetConn(conn)
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantOnlyError(t, "/a/x.html", "connection_reset")
			},
		},
		{
			name: "connection closed without a response",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				conn.Close()
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantOnlyError(t, "/a/x.html", "connection_closed")
			},
		},
		{
			name: "connection reset in the middle of the body",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				writeHead(conn, "200 OK", "Content-Type", "text/html", "Content-Length", "100000")
				io.WriteString(conn, "<html><head><title>"+faultMarker+"</title></head><body><p>"+strings.Repeat("x", 2000))
				time.Sleep(20 * time.Millisecond)
				resetConn(conn)
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantOnlyError(t, "/a/x.html", "connection_reset")
			},
		},
		{
			name: "body shorter than its Content-Length",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				writeHead(conn, "200 OK", "Content-Type", "text/html", "Content-Length", "5000")
				io.WriteString(conn, "<html><head><title>"+faultMarker+"</title></head><body><p>cut")
				conn.Close()
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantOnlyError(t, "/a/x.html", "truncated")
				if f := h.failures(h.url("/a/x.html")); len(f) != 1 || !strings.Contains(f[0], "body cut short") {
					t.Errorf("failure = %q, want it marked as cut short", f)
				}
			},
		},
		{
			name: "chunked body cut inside a chunk",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				writeHead(conn, "200 OK", "Content-Type", "text/html", "Transfer-Encoding", "chunked")
				io.WriteString(conn, "f\r\n<html><body><p>\r\n400\r\n"+faultMarker)
				conn.Close()
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantOnlyError(t, "/a/x.html", "truncated")
			},
		},
		{
			name: "chunk size that is not a number",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				writeHead(conn, "200 OK", "Content-Type", "text/html", "Transfer-Encoding", "chunked")
				io.WriteString(conn, "zz\r\n"+faultMarker+"\r\n0\r\n\r\n")
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "malformed_response")
			},
		},
		{
			name: "stall before the headers",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				waitForPeer(conn, done)
			},
			seed: "/a/x.html",
			configure: func(cfg *config.Config) {
				cfg.HeaderTimeout = 200 * time.Millisecond
				cfg.MaxRetries = 1
			},
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 2)
				h.wantOnlyError(t, "/a/x.html", "timeout")
			},
		},
		{
			name: "stall in the middle of the body",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				writeHead(conn, "200 OK", "Content-Type", "text/html", "Content-Length", "100000")
				io.WriteString(conn, "<html><head><title>"+faultMarker+"</title></head><body><p>")
				waitForPeer(conn, done)
			},
			seed: "/a/x.html",
			configure: func(cfg *config.Config) {
				cfg.Timeout = 300 * time.Millisecond
				cfg.MaxRetries = 1
			},
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 2)
				h.wantOnlyError(t, "/a/x.html", "timeout")
			},
		},
		{
			name: "slow drip of one byte a second",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				writeHead(conn, "200 OK", "Content-Type", "text/html", "Content-Length", "1000")
				for {
					if _, err := conn.Write([]byte("x")); err != nil {
						return
					}
					select {
					case <-time.After(time.Second):
					case <-done:
						return
					}
				}
			},
			seed: "/a/x.html",
			configure: func(cfg *config.Config) {
				cfg.Timeout = 500 * time.Millisecond
				cfg.MaxRetries = 1
			},
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 2)
				h.wantOnlyError(t, "/a/x.html", "timeout")
			},
		},
		{
			name: "endless chunked body",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				chunk := []byte("<p>" + faultMarker + strings.Repeat(" endless", 4000) + "</p>")
				for r.Context().Err() == nil {
					if _, err := w.Write(chunk); err != nil {
						return
					}
					w.(http.Flusher).Flush()
				}
			}}),
			seed:      "/a/x.html",
			configure: func(cfg *config.Config) { cfg.MaxBodySize = 256 << 10 },
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "body_too_large")
			},
		},
		{
			name: "headers of two megabytes",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
				line := "X-Filler: " + strings.Repeat("a", 1000) + "\r\n"
				for i := 0; i < 2000; i++ {
					if _, err := io.WriteString(conn, line); err != nil {
						return
					}
				}
				io.WriteString(conn, "\r\n<html></html>")
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "headers_too_large")
			},
		},
		{
			name: "answer that is not HTTP",
			raw: func(conn net.Conn, req *http.Request, done <-chan struct{}) {
				io.WriteString(conn, "SSH-2.0-OpenSSH_9.6\r\n")
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "malformed_response")
			},
		},
	}
}

var (
	gzipBombOnce sync.Once
	gzipBomb     []byte
)

// bomb returns 64 MiB of spaces, gzipped to about 64 KiB.
func bomb(t *testing.T) []byte {
	gzipBombOnce.Do(func() {
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write([]byte("<html><head><title>" + faultMarker + "</title></head><body>"))
		spaces := bytes.Repeat([]byte(" "), 1<<20)
		for i := 0; i < 64; i++ {
			w.Write(spaces)
		}
		w.Close()
		gzipBomb = buf.Bytes()
	})
	return gzipBomb
}

func bodyCases() []hostileCase {
	return []hostileCase{
		{
			name: "gzip bomb under Content-Encoding",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				body := bomb(t)
				return map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					w.Header().Set("Content-Encoding", "gzip")
					w.Write(body)
				}}
			},
			seed:      "/a/x.html",
			configure: func(cfg *config.Config) { cfg.MaxBodySize = 1 << 20 },
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "body_too_large")
			},
		},
		{
			name: "gzip sitemap file beyond the limit after decompression",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				sitemap := gzipBytes(t, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/a/2023/1102/88410.html</loc></url>`+strings.Repeat(" ", 3<<20)+`</urlset>`))
				return map[string]http.HandlerFunc{
					"/sitemap-news.xml.gz": func(w http.ResponseWriter, r *http.Request) {
						w.Header().Set("Content-Type", "application/x-gzip")
						w.Write(sitemap)
					},
					"/a/2023/1102/88410.html": testPage(t, 1015),
				}
			},
			seed:      "/sitemap-news.xml.gz",
			configure: func(cfg *config.Config) { cfg.MaxBodySize = 1 << 20 },
			check: func(t *testing.T, h *hostileRun) {
				h.wantOnlyError(t, "/sitemap-news.xml.gz", "body_too_large")
				h.wantRequests(t, "/a/2023/1102/88410.html", 0)
			},
		},
		{
			name: "brotli sent whatever the request accepts",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				body := brotliBytes(t, readTestPage(t, 1015))
				return map[string]http.HandlerFunc{"/a/ev.html": func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html; charset=utf-8")
					w.Header().Set("Content-Encoding", "br")
					w.Header().Set("Vary", "Accept-Encoding")
					w.Write(body)
				}}
			},
			seed: "/a/ev.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRecord(t, "/a/ev.html", 1015)
				h.site.mu.Lock()
				accepted := h.site.acceptEncoding
				h.site.mu.Unlock()
				if accepted != "gzip, deflate, br" {
					t.Errorf("Accept-Encoding = %q, want only the codings gleaner decodes", accepted)
				}
			},
		},
		{
			name: "Content-Encoding gleaner cannot decode",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Encoding", "zstd")
				w.Write([]byte("\x28\xb5\x2f\xfd" + faultMarker))
			}}),
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "unsupported_encoding")
			},
		},
		{
			name: "gzip stream cut short",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				full := gzipBytes(t, readTestPage(t, 1015))
				cut := full[:len(full)/2]
				return map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/html")
					w.Header().Set("Content-Encoding", "gzip")
					w.Write(cut)
				}}
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 3)
				h.wantOnlyError(t, "/a/x.html", "truncated")
			},
		},
		{
			name: "Content-Length over the limit",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.Header().Set("Content-Length", strconv.Itoa(2<<20))
				w.Write(bytes.Repeat([]byte(faultMarker+" "), (2<<20)/(len(faultMarker)+1)))
				w.Write(bytes.Repeat([]byte(" "), (2<<20)%(len(faultMarker)+1)))
			}}),
			seed:      "/a/x.html",
			configure: func(cfg *config.Config) { cfg.MaxBodySize = 1 << 20 },
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "body_too_large")
			},
		},
	}
}

// redirect responds with a 302 to location.
func redirect(location string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", location)
		w.WriteHeader(http.StatusFound)
	}
}

func redirectCases() []hostileCase {
	return []hostileCase{
		{
			name: "redirect twice to the same target",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{
					"/s/88410":                redirect("/a/2023/1102/88410.html"),
					"/a/2023/1102/88410.html": servePage(t, 1015, "/a/2023/1102/88410.html", "/s/88410", "/a/2023/1101/88399.html"),
					"/a/2023/1101/88399.html": servePage(t, 1016, "/a/2023/1102/88410.html", "/s/88410"),
				}
			},
			seed: "/s/88410",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/s/88410", 1)
				h.wantRequests(t, "/a/2023/1102/88410.html", 1)
				h.wantRequests(t, "/a/2023/1101/88399.html", 1)
				if len(h.records) != 4 || h.summary.Articles != 4 {
					t.Errorf("records = %d (summary %d), want 4: two here, two on the good site", len(h.records), h.summary.Articles)
				}
				if len(h.summary.Errors) != 0 {
					t.Errorf("errors = %v, want none", h.summary.Errors)
				}
			},
		},
		{
			name: "redirect loop between two URLs",
			routes: routes(map[string]http.HandlerFunc{
				"/a/loop1.html": redirect("/a/loop2.html"),
				"/a/loop2.html": redirect("/a/loop1.html"),
			}),
			seed: "/a/loop1.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantOnlyError(t, "/a/loop1.html", "redirect_loop")
				if n := h.requests("/a/loop1.html") + h.requests("/a/loop2.html"); n > 4 {
					t.Errorf("%d requests in the loop, want it stopped at the second return", n)
				}
			},
		},
		{
			name:   "redirect to itself without a cookie",
			routes: routes(map[string]http.HandlerFunc{"/a/self.html": redirect("/a/self.html")}),
			seed:   "/a/self.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/self.html", 2)
				h.wantOnlyError(t, "/a/self.html", "redirect_loop")
			},
		},
		{
			name: "redirect chain longer than max_redirects",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				handlers := map[string]http.HandlerFunc{"/a/r6.html": testPage(t, 1015)}
				for i := 1; i <= 5; i++ {
					handlers[fmt.Sprintf("/a/r%d.html", i)] = redirect(fmt.Sprintf("/a/r%d.html", i+1))
				}
				return handlers
			},
			seed:      "/a/r1.html",
			configure: func(cfg *config.Config) { cfg.MaxRedirects = 3 },
			check: func(t *testing.T, h *hostileRun) {
				h.wantOnlyError(t, "/a/r1.html", "too_many_redirects")
				h.wantRequests(t, "/a/r4.html", 1)
				h.wantRequests(t, "/a/r5.html", 0)
			},
		},
		{
			name: "Location with raw UTF-8",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{
					"/s/1":             redirect("/a/新闻/88410.html"),
					"/a/新闻/88410.html": testPage(t, 1015),
				}
			},
			seed: "/s/1",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRecord(t, "/a/%E6%96%B0%E9%97%BB/88410.html", 1015)
				h.wantRequests(t, "/a/新闻/88410.html", 1)
			},
		},
		{
			name: "Location with bytes that are not UTF-8",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{
					"/s/1":                           redirect("/a/\xd0\xc2\xce\xc5/88410.html"),
					"/a/\xd0\xc2\xce\xc5/88410.html": testPage(t, 1015),
				}
			},
			seed: "/s/1",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRecord(t, "/a/%D0%C2%CE%C5/88410.html", 1015)
			},
		},
		{
			name: "redirect target dropping the connection once",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				dropConnection := func(w http.ResponseWriter, r *http.Request) {
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						conn.Close()
					}
				}
				// A fresh connection for the target, so that net/http does not
				// retry on its own as it does for a reused one.
				freshConnection := func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Connection", "close")
					redirect("/a/1.html")(w, r)
				}
				return map[string]http.HandlerFunc{
					"/s/1":      freshConnection,
					"/a/1.html": sequence(dropConnection, testPage(t, 1015)),
				}
			},
			seed: "/s/1",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/s/1", 2)
				h.wantRequests(t, "/a/1.html", 2)
				h.wantRecord(t, "/a/1.html", 1015)
			},
		},
		{
			name: "redirect to the same URL that sets a cookie",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				serve := testPage(t, 1015)
				return map[string]http.HandlerFunc{"/a/member/90001": func(w http.ResponseWriter, r *http.Request) {
					if _, err := r.Cookie("sid"); err != nil {
						http.SetCookie(w, &http.Cookie{Name: "sid", Value: "abc", Path: "/"})
						redirect("/a/member/90001")(w, r)
						return
					}
					serve(w, r)
				}}
			},
			seed: "/a/member/90001",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/member/90001", 2)
				h.wantRecord(t, "/a/member/90001", 1015)
			},
		},
	}
}

func contentTypeCases() []hostileCase {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + faultMarker)
	return []hostileCase{
		{
			name: "image sent as an image",
			routes: routes(map[string]http.HandlerFunc{"/a/logo.png": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "image/png")
				w.Write(png)
			}}),
			seed: "/a/logo.png",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/logo.png", 1)
				h.wantOnlyError(t, "/a/logo.png", "not_html")
			},
		},
		{
			name: "image sent as text/html",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write(png)
			}}),
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/a/x.html", 1)
				h.wantOnlyError(t, "/a/x.html", "not_html")
				if f := h.failures(h.url("/a/x.html")); len(f) != 1 || !strings.Contains(f[0], "image/png") {
					t.Errorf("failure = %q, want it to name image/png", f)
				}
			},
		},
		{
			name: "JSON",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"title": %q}`, faultMarker)
			}}),
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantOnlyError(t, "/a/x.html", "not_html")
			},
		},
		{
			name: "HTML without Content-Type",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				body := readTestPage(t, 1015)
				return map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
					w.Header()["Content-Type"] = nil
					w.Write(body)
				}}
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRecord(t, "/a/x.html", 1015)
			},
		},
		{
			name: "XHTML",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				body := readTestPage(t, 1015)
				return map[string]http.HandlerFunc{"/a/x.xhtml": func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/xhtml+xml; charset=utf-8")
					w.Write(body)
				}}
			},
			seed: "/a/x.xhtml",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRecord(t, "/a/x.xhtml", 1015)
			},
		},
		{
			name: "page with more links than max_links_per_page",
			routes: routes(map[string]http.HandlerFunc{"/list.html": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<html><body>")
				for i := 0; i < 3000; i++ {
					fmt.Fprintf(w, `<a href="/a/%d.html">%d</a>`, i, i)
				}
				io.WriteString(w, "</body></html>")
			}}),
			seed:      "/list.html",
			configure: func(cfg *config.Config) { cfg.MaxLinksPerPage = 100 },
			check: func(t *testing.T, h *hostileRun) {
				requested := 0
				h.site.mu.Lock()
				for path := range h.site.hits {
					if strings.HasPrefix(path, "/a/") {
						requested++
					}
				}
				h.site.mu.Unlock()
				if requested != 100 {
					t.Errorf("%d links requested, want max_links_per_page 100", requested)
				}
				if h.summary.LinksDropped != 2900 {
					t.Errorf("links dropped = %d, want 2900", h.summary.LinksDropped)
				}
			},
		},
	}
}

// robotsFile serves a robots.txt.
func robotsFile(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, body)
	}
}

// listing serves a listing page that links to paths.
func listing(paths ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><head><title>list</title></head><body>")
		for _, p := range paths {
			fmt.Fprintf(w, `<a href="%s">link</a>`, p)
		}
		io.WriteString(w, "</body></html>")
	}
}

func obeyRobots(cfg *config.Config) { cfg.RespectRobotsTxt = true }

func robotsCases() []hostileCase {
	return []hostileCase{
		{
			name: "robots.txt with absolute URL rules for other hosts",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{
					"/robots.txt": robotsFile(`user-agent: *
disallow: http://backup01.shilihub.example/
disallow: http://origin.shilihub.example/
disallow: http://shilihub.example.jp/
disallow: https://old-m.shilihub.example/
disallow: /a/search

user-agent: socialpreviewbot
disallow:
`),
					"/":                      listing("/a/2019/1112/a101.html", "/a/2019/1112/a102.html", "/a/search?q=%E7%B4%85%E8%91%89"),
					"/a/2019/1112/a101.html": testPage(t, 1015),
					"/a/2019/1112/a102.html": testPage(t, 1016),
					"/a/search":              testPage(t, 1017),
				}
			},
			seed: "/",
			configure: func(cfg *config.Config) {
				obeyRobots(cfg)
				cfg.UserAgent = "ExampleNewsBot/1.0"
			},
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/robots.txt", 1)
				h.wantRequests(t, "/a/2019/1112/a101.html", 1)
				h.wantRequests(t, "/a/2019/1112/a102.html", 1)
				h.wantRequests(t, "/a/search", 0)
				if h.summary.Blocked != 1 {
					t.Errorf("blocked = %d, want 1 (the search page)", h.summary.Blocked)
				}
			},
		},
		{
			name: "robots.txt answering 503 defers the host",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{
					"/robots.txt": sequence(status(503), robotsFile("user-agent: *\ndisallow: /a/private/\n")),
					"/a/x.html":   testPage(t, 1015),
				}
			},
			seed:      "/a/x.html",
			fakeClock: true,
			configure: func(cfg *config.Config) {
				obeyRobots(cfg)
				cfg.RetryBackoff = 30 * time.Second
			},
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/robots.txt", 2)
				h.wantRecord(t, "/a/x.html", 1015)
				robots, pages := h.site.times("/robots.txt"), h.site.times("/a/x.html")
				if len(robots) == 2 && len(pages) == 1 && pages[0].Before(robots[1]) {
					t.Errorf("page fetched at %s, before robots.txt was served at %s", pages[0], robots[1])
				}
				h.wantGap(t, "/robots.txt", 15*time.Second)
			},
		},
		{
			name: "robots.txt answering 500 for good skips the host",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/robots.txt": status(500), "/a/x.html": testPage(t, 1015)}
			},
			seed:      "/a/x.html",
			fakeClock: true,
			configure: obeyRobots,
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/robots.txt", 3)
				h.wantRequests(t, "/a/x.html", 0)
				h.wantOnlyError(t, "/a/x.html", "robots_unavailable")
			},
		},
		{
			name: "robots.txt missing allows everything",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/x.html": testPage(t, 1015)}
			},
			seed:      "/a/x.html",
			configure: obeyRobots,
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/robots.txt", 1)
				h.wantRecord(t, "/a/x.html", 1015)
			},
		},
		{
			name: "robots.txt Crawl-delay spaces the requests",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{
					"/robots.txt": robotsFile("user-agent: *\ncrawl-delay: 5\n"),
					"/list.html":  listing("/a/1.html", "/a/2.html", "/a/3.html"),
					"/a/1.html":   testPage(t, 1015),
					"/a/2.html":   testPage(t, 1016),
					"/a/3.html":   testPage(t, 1017),
				}
			},
			seed:      "/list.html",
			fakeClock: true,
			configure: func(cfg *config.Config) {
				obeyRobots(cfg)
				// One request at a time, so that the fake clock's jumps
				// during one request's wait cannot stamp another's arrival.
				cfg.Parallelism = 1
			},
			check: func(t *testing.T, h *hostileRun) {
				var times []time.Time
				for _, path := range []string{"/list.html", "/a/1.html", "/a/2.html", "/a/3.html"} {
					times = append(times, h.site.times(path)...)
				}
				sortTimes(times)
				for i := 1; i < len(times); i++ {
					if d := times[i].Sub(times[i-1]); d < 5*time.Second {
						t.Errorf("requests %d and %d came %s apart, want the Crawl-delay of 5s", i, i+1, d)
					}
				}
				if len(h.records) != 5 {
					t.Errorf("records = %d, want 5", len(h.records))
				}
			},
		},
		{
			name: "robots.txt of endless size",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{
					"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
						w.Header().Set("Content-Type", "text/plain")
						io.WriteString(w, "user-agent: *\ndisallow: /a/private\n")
						line := "# " + strings.Repeat("padding ", 100) + "\n"
						for r.Context().Err() == nil {
							if _, err := io.WriteString(w, line); err != nil {
								return
							}
						}
					},
					"/list.html":      listing("/a/private.html", "/a/open.html"),
					"/a/private.html": testPage(t, 1016),
					"/a/open.html":    testPage(t, 1015),
				}
			},
			seed:      "/list.html",
			configure: obeyRobots,
			check: func(t *testing.T, h *hostileRun) {
				h.wantRequests(t, "/robots.txt", 1)
				h.wantRequests(t, "/a/private.html", 0)
				h.wantRecord(t, "/a/open.html", 1015)
			},
		},
	}
}

// sortTimes sorts times in place.
func sortTimes(times []time.Time) {
	for i := 1; i < len(times); i++ {
		for j := i; j > 0 && times[j].Before(times[j-1]); j-- {
			times[j], times[j-1] = times[j-1], times[j]
		}
	}
}

// badPage serves test page 1015 changed by edit, as UTF-8 HTML.
func badPage(t *testing.T, edit func([]byte) []byte) http.HandlerFunc {
	body := edit(readTestPage(t, 1015))
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	}
}

// wantRecordOrError checks that the page at path gave either a record with
// valid UTF-8 fields or one failure that names its URL, but not both.
func (h *hostileRun) wantRecordOrError(t *testing.T, path string) {
	t.Helper()

	record, stored := h.records[h.url(path)]
	failures := h.failures(h.url(path))
	switch {
	case stored && len(failures) > 0:
		t.Errorf("%s gave a record and failures %q", path, failures)
	case !stored && len(failures) != 1:
		t.Errorf("%s gave no record and failures %q, want one failure naming it", path, failures)
	case stored:
		for name, value := range map[string]string{"title": record.Title, "body": record.Body} {
			if !utf8.ValidString(value) || strings.ContainsRune(value, 0) {
				t.Errorf("record %s: %s is not clean UTF-8", path, name)
			}
		}
	}
}

func badPageCases() []hostileCase {
	return []hostileCase{
		{
			name: "malformed HTML",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/x.html": badPage(t, func(b []byte) []byte {
					b = bytes.ReplaceAll(b, []byte("</p>"), []byte("</div></span><p <<>")) // unbalanced and broken tags
					return append(b[:len(b)*3/4], []byte("<table><tr><td><div class=")...)
				})}
			},
			seed:  "/a/x.html",
			check: func(t *testing.T, h *hostileRun) { h.wantRecordOrError(t, "/a/x.html") },
		},
		{
			name: "NUL bytes in the text",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/x.html": badPage(t, func(b []byte) []byte {
					return bytes.ReplaceAll(b, []byte(". "), []byte(".\x00 "))
				})}
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRecordOrError(t, "/a/x.html")
				if _, ok := h.records[h.url("/a/x.html")]; !ok {
					t.Errorf("no record: stray NUL bytes must not cost the page")
				}
			},
		},
		{
			name: "100000 nested elements",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/x.html": badPage(t, func(b []byte) []byte {
					deep := strings.Repeat("<div>", 100000) + "deep" + strings.Repeat("</div>", 100000)
					return bytes.Replace(b, []byte("</body>"), []byte(deep+"</body>"), 1)
				})}
			},
			seed:  "/a/x.html",
			check: func(t *testing.T, h *hostileRun) { h.wantRecordOrError(t, "/a/x.html") },
		},
		{
			name: "50 MB on one line",
			routes: routes(map[string]http.HandlerFunc{"/a/x.html": func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				io.WriteString(w, "<html><head><title>"+faultMarker+"</title></head><body><p>")
				line := bytes.Repeat([]byte("word "), 1<<20/5)
				for i := 0; i < 50 && r.Context().Err() == nil; i++ {
					w.Write(line)
				}
			}}),
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantOnlyError(t, "/a/x.html", "body_too_large")
			},
		},
		{
			name: "invalid UTF-8 inside a UTF-8 page",
			routes: func(t *testing.T, clk clock) map[string]http.HandlerFunc {
				return map[string]http.HandlerFunc{"/a/x.html": badPage(t, func(b []byte) []byte {
					return bytes.ReplaceAll(b, []byte(" the "), []byte(" th\xff\xfee \xc3("))
				})}
			},
			seed: "/a/x.html",
			check: func(t *testing.T, h *hostileRun) {
				h.wantRecordOrError(t, "/a/x.html")
				if _, ok := h.records[h.url("/a/x.html")]; !ok {
					t.Errorf("no record: a few invalid bytes must not cost the page")
				}
			},
		},
	}
}
