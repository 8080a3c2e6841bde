package crawler

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// generatedArticles is the number of article pages of a generatedSite.
const generatedArticles = 29

// generatedSite serves a listing that links generatedArticles article
// pages, 30 pages in all, each article after delay. Every article has its
// own text, so none is skipped as a duplicate. It counts the requests.
type generatedSite struct {
	*httptest.Server
	requests atomic.Int32
}

func newGeneratedSite(t *testing.T, delay time.Duration) *generatedSite {
	t.Helper()
	site := &generatedSite{}

	var listing strings.Builder
	listing.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Index</title></head><body><ul>`)
	for n := 1; n <= generatedArticles; n++ {
		fmt.Fprintf(&listing, `<li><a href="/news/%d.html">Story %d</a></li>`, n, n)
	}
	listing.WriteString(`</ul></body></html>`)

	site.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		site.requests.Add(1)

		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/news/"), ".html"))
		switch {
		case r.URL.Path == "/list.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(listing.String()))
			return
		case err != nil || n < 1 || n > generatedArticles:
			http.NotFound(w, r)
			return
		}

		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(generatedArticle(n)))
	}))
	t.Cleanup(site.Close)
	return site
}

// generatedArticle returns an article page whose headline and text name n.
func generatedArticle(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour report number %d</title></head><body><article><h1>Harbour report number %d</h1>`, n, n)
	for p := 1; p <= 4; p++ {
		fmt.Fprintf(&b, `<p>Report %d, paragraph %d. The harbour master said on Tuesday that the ferries would keep their winter timetable for another month, because the repairs to the northern pier have taken longer than planned. Fishing boats may still use the southern quay, and the market stays open as usual.</p>`, n, p)
	}
	b.WriteString(`</article></body></html>`)
	return b.String()
}

func TestRunBounded(t *testing.T) {
	const parallelism = 2

	tests := []struct {
		name        string
		delay       time.Duration
		opts        Options
		wantReason  string
		maxFetched  int
		allArticles bool
	}{
		{name: "no limit", opts: Options{}, wantReason: "", maxFetched: generatedArticles + 1, allArticles: true},
		{name: "max pages", delay: 20 * time.Millisecond, opts: Options{MaxPages: 5}, wantReason: StopMaxPages, maxFetched: 5 + parallelism},
		{name: "max duration", delay: 150 * time.Millisecond, opts: Options{MaxDuration: 200 * time.Millisecond}, wantReason: StopMaxDuration, maxFetched: generatedArticles},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newGeneratedSite(t, tt.delay)
			cfg := testConfig(t, site.URL+"/list.html")
			cfg.Parallelism = parallelism
			cfg.RespectRobotsTxt = false
			cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/news/\d+\.html$`)}
			s, out := openTestSinks(t)
			opts := tt.opts
			opts.Logger = zaptest.NewLogger(t)
			opts.BatchSize = 1
			c, err := New(cfg, s, opts)
			if err != nil {
				t.Fatal(err)
			}

			summary, err := c.Run(t.Context())

			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if summary.StopReason != tt.wantReason {
				t.Errorf("StopReason = %q, want %q", summary.StopReason, tt.wantReason)
			}
			if summary.Interrupted {
				t.Error("Interrupted = true, want false for a stop at a limit")
			}
			if summary.Failed() != 0 {
				t.Errorf("failed = %d (%v), want 0: requests refused at the limit are no failures", summary.Failed(), summary.Errors)
			}
			if summary.Fetched > tt.maxFetched {
				t.Errorf("fetched %d pages, want at most %d", summary.Fetched, tt.maxFetched)
			}
			if n := int(site.requests.Load()); n > tt.maxFetched {
				t.Errorf("site got %d requests, want at most %d", n, tt.maxFetched)
			}
			if summary.Articles < 1 {
				t.Errorf("articles = %d, want the pages fetched before the stop written", summary.Articles)
			}
			if tt.allArticles && summary.Articles != generatedArticles {
				t.Errorf("articles = %d, want all %d", summary.Articles, generatedArticles)
			}
			if !tt.allArticles && summary.Articles >= generatedArticles {
				t.Errorf("articles = %d, want fewer than all %d", summary.Articles, generatedArticles)
			}

			records := readJSONL(t, out.jsonl)
			if len(records) != summary.Articles {
				t.Errorf("jsonl holds %d records, summary says %d written", len(records), summary.Articles)
			}
		})
	}
}
