package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// slowSite serves a listing of 18 articles, each after delay. It counts
// the article requests started.
type slowSite struct {
	*httptest.Server
	started atomic.Int32
}

func newSlowSite(t *testing.T, delay time.Duration) *slowSite {
	t.Helper()
	site := &slowSite{}

	var listing strings.Builder
	listing.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>列表</title></head><body><ul>`)
	for n := 1013; n <= 1030; n++ {
		fmt.Fprintf(&listing, `<li><a href="/news/%d.html">第 %d 號</a></li>`, n, n)
	}
	listing.WriteString(`</ul></body></html>`)

	site.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt":
			http.NotFound(w, r)
		case r.URL.Path == "/list.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(listing.String()))
		case strings.HasPrefix(r.URL.Path, "/news/"):
			site.started.Add(1)
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
			serveTestdata(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)
	return site
}

func TestCrawlInterrupt(t *testing.T) {
	site := newSlowSite(t, 300*time.Millisecond)
	cfg := testConfig(t, site.URL+"/list.html")
	cfg.Parallelism = 2
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/news/\d+\.html$`)}
	s, out := openTestSinks(t)
	c, err := New(cfg, s, Options{Logger: zaptest.NewLogger(t), BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	type result struct {
		summary Summary
		err     error
	}
	done := make(chan result, 1)
	go func() {
		summary, err := c.Run(ctx)
		done <- result{summary, err}
	}()
	for countLines(out.jsonl) < 2 {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()

	var res result
	select {
	case res = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the context was canceled")
	}

	if !errors.Is(res.err, context.Canceled) {
		t.Errorf("Run error = %v, want context.Canceled", res.err)
	}
	if !res.summary.Interrupted {
		t.Error("summary.Interrupted = false, want true")
	}
	if res.summary.Articles < 2 || res.summary.Articles >= 18 {
		t.Errorf("articles = %d, want the 2 or more written before the interrupt and fewer than all 18", res.summary.Articles)
	}
	// A request written just before the cancel can reach the server's
	// handler a moment after Run returned; let those land first.
	time.Sleep(50 * time.Millisecond)
	startedAtReturn := site.started.Load()
	if startedAtReturn >= 18 {
		t.Errorf("%d article requests started, want the crawl to stop queuing", startedAtReturn)
	}

	records := readJSONL(t, out.jsonl)
	if len(records) != res.summary.Articles {
		t.Errorf("jsonl holds %d records, summary says %d written", len(records), res.summary.Articles)
	}
	rows := readSQLite(t, out.sqlite)
	if len(rows) != res.summary.Articles {
		t.Errorf("sqlite holds %d rows, summary says %d written", len(rows), res.summary.Articles)
	}

	time.Sleep(200 * time.Millisecond)
	if n := site.started.Load(); n != startedAtReturn {
		t.Errorf("%d article requests started after Run returned", n-startedAtReturn)
	}
}

// countLines returns the number of complete lines in the file at path, or 0
// when it cannot be read.
func countLines(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(data, []byte("\n"))
}
