package crawler

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gleanerhq/gleaner/config"
)

// fetchConfig returns the settings of a Fetcher for tests: no delay, a
// short timeout and short retry waits.
func fetchConfig() *config.Config {
	cfg := config.Default()
	cfg.Delay = 0
	cfg.Timeout = 5 * time.Second
	cfg.RetryBackoff = 5 * time.Millisecond
	return cfg
}

func newTestFetcher(t *testing.T, cfg *config.Config) *Fetcher {
	t.Helper()
	f, err := NewFetcher(cfg, Options{Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatalf("NewFetcher: %v", err)
	}
	t.Cleanup(f.Close)
	return f
}

func TestFetchArticle(t *testing.T) {
	site := newTestSite(t, "")
	f := newTestFetcher(t, fetchConfig())

	record, err := f.Fetch(context.Background(), site.URL+"/news/1013.html")

	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if record.URL != site.URL+"/news/1013.html" {
		t.Errorf("url = %q, want the fetched address", record.URL)
	}
	if record.Title == "" || record.Body == "" {
		t.Errorf("title %q, body of %d bytes: want both", record.Title, len(record.Body))
	}
	if record.FetchedAt.IsZero() {
		t.Error("fetched_at is zero")
	}
}

func TestFetchFailures(t *testing.T) {
	bigPage := "<html><head><title>big</title></head><body>" + strings.Repeat("<p>padding</p>", 2000) + "</body></html>"
	sitemapBomb := gzipBytes(t, []byte(`<?xml version="1.0"?><urlset><url><loc>https://news.example/a.html</loc></url>`+strings.Repeat(" ", 3<<20)+`</urlset>`))

	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
		case "/gone.html":
			http.NotFound(w, r)
		case "/logo.png":
			w.Header().Set("Content-Type", "image/png")
			w.Write(bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 100))
		case "/declared-big.html":
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Length", "20000")
			w.Write([]byte(bigPage[:20000]))
		case "/chunked-big.html":
			w.Header().Set("Content-Type", "text/html")
			for i := 0; i < 20; i++ {
				w.Write([]byte(bigPage[i*1000 : (i+1)*1000]))
				w.(http.Flusher).Flush()
			}
		case "/sitemap-news.xml.gz":
			w.Header().Set("Content-Type", "application/x-gzip")
			w.Write(sitemapBomb)
		case "/brotli-forced.html":
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "compress")
			w.Write([]byte("\x1f\x9d garbage"))
		case "/private/a.html":
			w.Write([]byte(smallPage))
		default:
			http.NotFound(w, r)
		}
	}))
	defer server.Close()

	tests := []struct {
		name     string
		path     string
		maxBody  int64
		wantKind string
		wantErr  error
	}{
		{name: "not found", path: "/gone.html", wantKind: "http_404"},
		{name: "image", path: "/logo.png", wantKind: "not_html", wantErr: ErrNotHTML},
		{name: "declared too large", path: "/declared-big.html", maxBody: 10000, wantKind: "body_too_large", wantErr: ErrBodyTooLarge},
		{name: "chunked too large", path: "/chunked-big.html", maxBody: 10000, wantKind: "body_too_large", wantErr: ErrBodyTooLarge},
		{name: "gzip sitemap over the limit", path: "/sitemap-news.xml.gz", maxBody: 1 << 20, wantKind: "body_too_large", wantErr: ErrBodyTooLarge},
		{name: "unknown content encoding", path: "/brotli-forced.html", wantKind: "unsupported_encoding", wantErr: ErrUnsupportedEncoding},
		{name: "robots disallowed", path: "/private/a.html", wantKind: "robots_txt", wantErr: ErrRobotsDisallowed},
		{name: "not a web URL", path: "file:///etc/passwd", wantKind: "invalid_url"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := fetchConfig()
			if tt.maxBody > 0 {
				cfg.MaxBodySize = tt.maxBody
			}
			f := newTestFetcher(t, cfg)
			target := server.URL + tt.path
			if strings.Contains(tt.path, "://") {
				target = tt.path
			}

			record, err := f.Fetch(context.Background(), target)

			if record != nil {
				t.Errorf("record = %+v, want none", record)
			}
			var failure *FetchError
			if !errors.As(err, &failure) {
				t.Fatalf("error = %v, want a *FetchError", err)
			}
			if failure.Kind != tt.wantKind {
				t.Errorf("kind = %q, want %q (error: %v)", failure.Kind, tt.wantKind, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want it to wrap %v", err, tt.wantErr)
			}
		})
	}
}

// rateLimitedServer responds to /roll/index.html with 429 and
// Retry-After: retryAfter until wait has passed since its last 429, and
// then with the page. It counts the requests.
type rateLimitedServer struct {
	*httptest.Server
	retryAfter string

	mu       sync.Mutex
	last429  time.Time
	requests int
}

func newRateLimitedServer(t *testing.T, retryAfter string, wait time.Duration) *rateLimitedServer {
	t.Helper()
	s := &rateLimitedServer{retryAfter: retryAfter}
	page, err := os.ReadFile("testdata/site/news/1013.html")
	if err != nil {
		t.Fatal(err)
	}

	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}

		s.mu.Lock()
		s.requests++
		limited := s.last429.IsZero() || time.Since(s.last429) < wait
		if limited {
			s.last429 = time.Now()
		}
		s.mu.Unlock()

		if limited {
			w.Header().Set("Retry-After", s.retryAfter)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte("<p>请求过于频繁，请稍后再试</p>"))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *rateLimitedServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

func TestFetchRetriesAfter429(t *testing.T) {
	server := newRateLimitedServer(t, "1", time.Second)
	f := newTestFetcher(t, fetchConfig())

	record, err := f.Fetch(context.Background(), server.URL+"/roll/index.html")

	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if record.Title == "" || strings.Contains(record.Body, "请求过于频繁") {
		t.Errorf("record holds the 429 answer: title %q", record.Title)
	}
	if n := server.count(); n != 2 {
		t.Errorf("server saw %d requests, want 2: one 429 and one retry after the wait", n)
	}
}

func TestFetchRetryAfterTooLong(t *testing.T) {
	server := newRateLimitedServer(t, "86400", 24*time.Hour)
	f := newTestFetcher(t, fetchConfig())

	_, err := f.Fetch(context.Background(), server.URL+"/roll/index.html")

	if !errors.Is(err, ErrRetryAfterTooLong) {
		t.Errorf("error = %v, want ErrRetryAfterTooLong", err)
	}
	if n := server.count(); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestFetchLogsCollyEventsAtDebug(t *testing.T) {
	site := newTestSite(t, "")
	core, logs := observer.New(zap.DebugLevel)
	f, err := NewFetcher(fetchConfig(), Options{Logger: zap.New(core)})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if _, err := f.Fetch(context.Background(), site.URL+"/news/1013.html"); err != nil {
		t.Fatalf("Fetch: %v", err)
	}

	events := logs.FilterMessage("colly event").All()
	if len(events) == 0 {
		t.Fatal("no colly event logged")
	}
	if events[0].Level != zap.DebugLevel {
		t.Errorf("colly event logged at %s, want debug", events[0].Level)
	}
}

func TestFetchConnectTimeout(t *testing.T) {
	var dials atomic.Int32
	stalled := func(ctx context.Context, network, address string) (net.Conn, error) {
		dials.Add(1)
		<-ctx.Done() // a host that never accepts the connection
		return nil, ctx.Err()
	}
	cfg := fetchConfig()
	cfg.ConnectTimeout = 50 * time.Millisecond
	cfg.MaxRetries = 1
	cfg.RespectRobotsTxt = false
	f, err := NewFetcher(cfg, Options{Logger: zaptest.NewLogger(t), env: &environment{dial: stalled}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	_, err = f.Fetch(context.Background(), "http://127.0.0.1:9/a.html")

	failure, ok := errorsAs(err)
	if !ok || failure.Kind != "timeout" {
		t.Errorf("error = %v, want a FetchError of kind timeout", err)
	}
	if n := dials.Load(); n != 2 {
		t.Errorf("%d connection attempts, want 2: the first and one retry", n)
	}
}

func TestFetchSendsUserAgent(t *testing.T) {
	var (
		mu     sync.Mutex
		agents = map[string]string{}
	)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents[r.URL.Path] = r.Header.Get("User-Agent")
		mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			io.WriteString(w, "user-agent: *\ndisallow: /\n\nuser-agent: gleaner\ndisallow: /private/\n")
			return
		}
		servePage(t, 1013)(w, r)
	}))
	defer server.Close()
	f := newTestFetcher(t, fetchConfig())

	_, errAllowed := f.Fetch(context.Background(), server.URL+"/news/1013.html")
	_, errBlocked := f.Fetch(context.Background(), server.URL+"/private/1.html")

	if errAllowed != nil {
		t.Errorf("Fetch of an allowed page: %v; want the gleaner group, not *, to apply", errAllowed)
	}
	if !errors.Is(errBlocked, ErrRobotsDisallowed) {
		t.Errorf("Fetch of a disallowed page: %v, want ErrRobotsDisallowed", errBlocked)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, path := range []string{"/robots.txt", "/news/1013.html"} {
		if agents[path] != config.DefaultUserAgent {
			t.Errorf("User-Agent of %s = %q, want the default %q", path, agents[path], config.DefaultUserAgent)
		}
	}
}
