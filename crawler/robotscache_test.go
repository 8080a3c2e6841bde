package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// scriptedRobots returns results for robots.txt requests in turn, and the
// last one again after them. It counts the requests.
type scriptedRobots struct {
	results []robotsResult
	calls   atomic.Int32
}

func (s *scriptedRobots) fetch(_ context.Context, _ *url.URL) robotsResult {
	n := int(s.calls.Add(1)) - 1
	return s.results[min(n, len(s.results)-1)]
}

func newTestRobotsCache(t *testing.T, clk clock, results ...robotsResult) (*robotsCache, *scriptedRobots, *hostLimiter) {
	script := &scriptedRobots{results: results}
	limiter := newTestLimiter(clk, 0, time.Minute, time.Second)
	return &robotsCache{
		userAgent:  "gleaner/0.1",
		fetch:      script.fetch,
		limiter:    limiter,
		clock:      clk,
		backoff:    func(failures int) time.Duration { return time.Duration(failures) * 10 * time.Second },
		maxRetries: 2,
		maxWait:    10 * time.Minute,
		logger:     zaptest.NewLogger(t),
		entries:    make(map[string]*robotsEntry),
	}, script, limiter
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func rules(body string) robotsResult { return robotsResult{status: 200, body: []byte(body)} }

func TestRobotsCacheOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		results   []robotsResult
		target    string
		wantErr   error
		wantCalls int32
		wantWait  time.Duration // minimum time the check waited on the clock
	}{
		{name: "allowed", results: []robotsResult{rules("user-agent: *\ndisallow: /private/\n")}, target: "/news/a.html", wantCalls: 1},
		{name: "disallowed", results: []robotsResult{rules("user-agent: *\ndisallow: /private/\n")}, target: "/private/a.html", wantErr: ErrRobotsDisallowed, wantCalls: 1},
		{name: "query disallowed", results: []robotsResult{rules("user-agent: *\ndisallow: /search?\n")}, target: "/search?q=1", wantErr: ErrRobotsDisallowed, wantCalls: 1},
		{name: "own group", results: []robotsResult{rules("user-agent: *\ndisallow: /\n\nuser-agent: gleaner\nallow: /\n")}, target: "/a.html", wantCalls: 1},
		{name: "404 means no rules", results: []robotsResult{{status: 404}}, target: "/private/a.html", wantCalls: 1},
		{name: "403 means no rules", results: []robotsResult{{status: 403}}, target: "/private/a.html", wantCalls: 1},
		{name: "too many redirects means no rules", results: []robotsResult{{err: errRobotsRedirects}}, target: "/a.html", wantCalls: 1},
		{name: "503 then rules", results: []robotsResult{{status: 503}, rules("user-agent: *\ndisallow: /x\n")}, target: "/a.html", wantCalls: 2, wantWait: 10 * time.Second},
		{name: "503 with Retry-After", results: []robotsResult{{status: 503, retryAfter: 2 * time.Minute, hasRetry: true}, rules("")}, target: "/a.html", wantCalls: 2, wantWait: 2 * time.Minute},
		{name: "429 defers too", results: []robotsResult{{status: 429}, rules("")}, target: "/a.html", wantCalls: 2, wantWait: 10 * time.Second},
		{name: "network error defers", results: []robotsResult{{err: errors.New("connection reset")}, rules("")}, target: "/a.html", wantCalls: 2, wantWait: 10 * time.Second},
		{name: "500 for good", results: []robotsResult{{status: 500}}, target: "/a.html", wantErr: ErrRobotsUnavailable, wantCalls: 3, wantWait: 30 * time.Second},
		{name: "Retry-After beyond max_retry_wait", results: []robotsResult{{status: 503, retryAfter: time.Hour, hasRetry: true}}, target: "/a.html", wantErr: ErrRobotsUnavailable, wantCalls: 1},
		{name: "unknown host", results: []robotsResult{{err: &net.DNSError{Err: "no such host", Name: "gone.example", IsNotFound: true}}}, target: "/a.html", wantErr: &net.DNSError{}, wantCalls: 1},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			cache, script, _ := newTestRobotsCache(t, clk, tt.results...)
			start := clk.Now()

			err := cache.check(context.Background(), mustURL(t, "http://news.example"+tt.target))
			again := cache.check(context.Background(), mustURL(t, "http://news.example"+tt.target))

			var dnsErr *net.DNSError
			switch {
			case errors.As(tt.wantErr, &dnsErr):
				if !errors.As(err, &dnsErr) {
					t.Errorf("check = %v, want a DNS error", err)
				}
			case !errors.Is(err, tt.wantErr):
				t.Errorf("check = %v, want %v", err, tt.wantErr)
			}
			if (err == nil) != (again == nil) {
				t.Errorf("second check = %v, first %v: want the cached answer", again, err)
			}
			if n := script.calls.Load(); n != tt.wantCalls {
				t.Errorf("robots.txt requested %d times, want %d", n, tt.wantCalls)
			}
			if waited := clk.Now().Sub(start); waited < tt.wantWait {
				t.Errorf("check waited %s, want at least %s", waited, tt.wantWait)
			}
		})
	}
}

func TestRobotsCacheExpires(t *testing.T) {
	clk := newFakeClock()
	cache, script, _ := newTestRobotsCache(t, clk, rules("user-agent: *\ndisallow: /old/\n"), rules("user-agent: *\ndisallow: /new/\n"))
	target := mustURL(t, "http://news.example/new/a.html")

	before := cache.check(context.Background(), target)
	clk.Sleep(context.Background(), robotsTTL-time.Minute)
	stillCached := cache.check(context.Background(), target)
	clk.Sleep(context.Background(), 2*time.Minute)
	after := cache.check(context.Background(), target)

	if before != nil || stillCached != nil {
		t.Errorf("checks before expiry = %v, %v; want the first file's answer", before, stillCached)
	}
	if !errors.Is(after, ErrRobotsDisallowed) {
		t.Errorf("check after expiry = %v, want the new file's rule", after)
	}
	if n := script.calls.Load(); n != 2 {
		t.Errorf("robots.txt requested %d times, want 2: once, and once after 24 hours", n)
	}
}

func TestRobotsCacheOneRequestPerOrigin(t *testing.T) {
	clk := newFakeClock()
	cache, script, _ := newTestRobotsCache(t, clk, rules("user-agent: *\ndisallow: /x\n"))

	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cache.check(context.Background(), mustURL(t, fmt.Sprintf("http://news.example/a/%d.html", i)))
		}()
	}
	wg.Wait()
	cache.check(context.Background(), mustURL(t, "https://news.example/a.html"))
	cache.check(context.Background(), mustURL(t, "http://news.example:8080/a.html"))

	if n := script.calls.Load(); n != 3 {
		t.Errorf("robots.txt requested %d times, want 3: once per scheme, host and port", n)
	}
}

func TestRobotsCacheCrawlDelay(t *testing.T) {
	clk := newFakeClock()
	cache, _, limiter := newTestRobotsCache(t, clk, rules("user-agent: *\ncrawl-delay: 3\n"))

	if err := cache.check(context.Background(), mustURL(t, "http://news.example:8080/a.html")); err != nil {
		t.Fatal(err)
	}

	if floor, _ := limiter.delays("news.example:8080"); floor != 3*time.Second {
		t.Errorf("host delay floor = %s, want the Crawl-delay of 3s", floor)
	}
}

func TestRobotsCachePrivateAddressNotCached(t *testing.T) {
	clk := newFakeClock()
	refused := robotsResult{err: fmt.Errorf("connect to intranet.example: %w", ErrPrivateAddress)}
	cache, script, _ := newTestRobotsCache(t, clk, refused, rules(""))
	target := mustURL(t, "http://intranet.example/a.html")

	first := cache.check(context.Background(), target)
	second := cache.check(context.Background(), target)

	if !errors.Is(first, ErrPrivateAddress) {
		t.Errorf("first check = %v, want ErrPrivateAddress", first)
	}
	if second != nil {
		t.Errorf("second check = %v, want the file fetched anew once the host is trusted", second)
	}
	if n := script.calls.Load(); n != 2 {
		t.Errorf("robots.txt requested %d times, want 2", n)
	}
}

func TestRobotsCacheWaitEndsWithContext(t *testing.T) {
	cache, _, _ := newTestRobotsCache(t, realClock{}, robotsResult{status: 503, retryAfter: time.Minute, hasRetry: true})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()

	err := cache.check(ctx, mustURL(t, "http://news.example/a.html"))

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("check = %v, want the context's error while the host is deferred", err)
	}
}
