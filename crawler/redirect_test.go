package crawler

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
)

// countingServer serves routes and counts the requests per path.
type countingServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests map[string]int
}

func newCountingServer(t *testing.T, routes map[string]http.HandlerFunc) *countingServer {
	t.Helper()
	s := &countingServer{requests: make(map[string]int)}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requests[r.URL.Path]++
		s.mu.Unlock()

		if route, ok := routes[r.URL.Path]; ok {
			route(w, r)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *countingServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// servePage serves a page of the test site, preceded by a link to each of
// links.
func servePage(t *testing.T, n int, links ...string) http.HandlerFunc {
	page := readTestPage(t, n)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		for _, link := range links {
			fmt.Fprintf(w, "<a href=%q>link</a>\n", link)
		}
		w.Write(page)
	}
}

func TestCrawlRedirectTargetFetchedOnce(t *testing.T) {
	server := newCountingServer(t, map[string]http.HandlerFunc{
		"/s/88410": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/news/2023/1102/88410.html", http.StatusFound)
		},
		"/news/2023/1102/88410.html": servePage(t, 1013, "/news/2023/1102/88410.html", "/s/88410", "/news/2023/1101/88399.html"),
		"/news/2023/1101/88399.html": servePage(t, 1014, "/news/2023/1102/88410.html"),
	})
	cfg := testConfig(t, server.URL+"/s/88410")
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/news/\d+/\d+/\d+\.html$`)}
	s, out := openTestSinks(t)

	summary := runCrawl(t, cfg, s)

	if n := server.count("/news/2023/1102/88410.html"); n != 1 {
		t.Errorf("redirect target fetched %d times, want 1", n)
	}
	if n := server.count("/s/88410"); n != 1 {
		t.Errorf("short link fetched %d times, want 1", n)
	}
	if n := len(readJSONL(t, out.jsonl)); n != 2 || summary.Articles != 2 {
		t.Errorf("records = %d (summary %d), want 2", n, summary.Articles)
	}
}

func TestCrawlRedirectToSameURLWithCookie(t *testing.T) {
	page := servePage(t, 1013)
	server := newCountingServer(t, map[string]http.HandlerFunc{
		"/member/news/90001": func(w http.ResponseWriter, r *http.Request) {
			if _, err := r.Cookie("sid"); err != nil {
				http.SetCookie(w, &http.Cookie{Name: "sid", Value: "abc", Path: "/"})
				http.Redirect(w, r, "/member/news/90001", http.StatusFound)
				return
			}
			page(w, r)
		},
	})
	cfg := testConfig(t, server.URL+"/member/news/90001")
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/member/news/\d+$`)}
	s, _ := openTestSinks(t)

	summary := runCrawl(t, cfg, s)

	if summary.Articles != 1 {
		t.Errorf("articles = %d, want 1; errors %v", summary.Articles, summary.Errors)
	}
	if n := server.count("/member/news/90001"); n != 2 {
		t.Errorf("page requested %d times, want 2 (without and with the cookie)", n)
	}
}

func TestCrawlSitemapSeeds(t *testing.T) {
	var server *countingServer
	sitemap := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(gzipBytes(t, []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>%[1]s/a/1.html</loc></url>
<url><loc>%[1]s/a/2.html</loc></url>
</urlset>`, server.URL))))
	}
	feed := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<rss version="2.0"><channel><item><link>%s/a/3.html</link></item></channel></rss>`, server.URL)
	}
	server = newCountingServer(t, map[string]http.HandlerFunc{
		"/sitemap-news.xml.gz": sitemap,
		"/feed.xml":            feed,
		"/a/1.html":            servePage(t, 1013),
		"/a/2.html":            servePage(t, 1014),
		"/a/3.html":            servePage(t, 1015),
	})
	cfg := testConfig(t, server.URL+"/sitemap-news.xml.gz", server.URL+"/feed.xml")
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/a/\d+\.html$`)}
	s, _ := openTestSinks(t)

	summary := runCrawl(t, cfg, s)

	if summary.Articles != 3 {
		t.Errorf("articles = %d, want 3; errors %v", summary.Articles, summary.Errors)
	}
	if summary.Listings != 2 {
		t.Errorf("listings = %d, want 2 (the sitemap and the feed)", summary.Listings)
	}
}

func TestCrawlJSONFeedSeed(t *testing.T) {
	var server *countingServer
	feed := func(w http.ResponseWriter, r *http.Request) {
		// Served as plain JSON, as many sites do. The body shows it is a feed.
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"version": "https://jsonfeed.org/version/1.1", "title": "News",
"items": [{"id": "1", "url": "%[1]s/a/1.html"}, {"id": "2", "url": "%[1]s/a/2.html"}]}`, server.URL)
	}
	server = newCountingServer(t, map[string]http.HandlerFunc{
		"/feed.json": feed,
		"/a/1.html":  servePage(t, 1013),
		"/a/2.html":  servePage(t, 1014),
	})
	cfg := testConfig(t, server.URL+"/feed.json")
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/a/\d+\.html$`)}
	s, _ := openTestSinks(t)

	summary := runCrawl(t, cfg, s)

	if summary.Articles != 2 {
		t.Errorf("articles = %d, want 2; errors %v", summary.Articles, summary.Errors)
	}
	if summary.Listings != 1 {
		t.Errorf("listings = %d, want 1 (the feed)", summary.Listings)
	}
}

// chain returns the requests of a redirect chain through urls.
func chain(t *testing.T, urls ...string) []*http.Request {
	t.Helper()

	var reqs []*http.Request
	for _, u := range urls {
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, req)
	}
	return reqs
}

func TestRedirectPolicy(t *testing.T) {
	tests := []struct {
		name    string
		chain   []string // the requests made so far, then the next one
		claimed []string // URLs the crawl already has
		wantErr error
	}{
		{name: "first hop", chain: []string{"http://a.example/s/1", "http://a.example/news/1.html"}},
		{name: "back to the start once", chain: []string{"http://a.example/1", "http://a.example/consent", "http://a.example/1"}},
		{name: "same URL once, for a cookie", chain: []string{"http://a.example/1", "http://a.example/1"}},
		{name: "same URL a third time", chain: []string{"http://a.example/1", "http://a.example/1", "http://a.example/1"}, wantErr: ErrRedirectLoop},
		{name: "loop of two", chain: []string{"http://a.example/1", "http://a.example/2", "http://a.example/1", "http://a.example/2", "http://a.example/1"}, wantErr: ErrRedirectLoop},
		{name: "fragment ignored in loops", chain: []string{"http://a.example/1", "http://a.example/1#x", "http://a.example/1#y"}, wantErr: ErrRedirectLoop},
		{name: "three redirects allowed", chain: []string{"http://a.example/1", "http://a.example/2", "http://a.example/3", "http://a.example/4"}},
		{name: "fourth redirect over the limit", chain: []string{"http://a.example/1", "http://a.example/2", "http://a.example/3", "http://a.example/4", "http://a.example/5"}, wantErr: ErrTooManyRedirects},
		{name: "web to file", chain: []string{"http://a.example/1", "file:///etc/passwd"}, wantErr: ErrOutOfScope},
		{name: "target already claimed", chain: []string{"http://a.example/s/1", "http://a.example/news/1.html"}, claimed: []string{"http://a.example/news/1.html"}, wantErr: errRedirectFetched},
		{name: "start claimed is no duplicate", chain: []string{"http://a.example/1", "http://a.example/1"}, claimed: []string{"http://a.example/1"}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claimed := make(map[string]bool)
			for _, u := range tt.claimed {
				claimed[u] = true
			}
			p := &redirectPolicy{max: 3, claim: func(target, origin string) bool {
				was := claimed[target]
				claimed[target] = true
				return !was
			}}
			reqs := chain(t, tt.chain...)

			err := p.check(reqs[len(reqs)-1], reqs[:len(reqs)-1])

			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Errorf("check = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestRedirectPolicyDropsAuthorization(t *testing.T) {
	p := &redirectPolicy{max: 10}
	reqs := chain(t, "http://a.example/1", "http://b.example/1")
	reqs[1].Header.Set("Authorization", "Bearer secret")

	if err := p.check(reqs[1], reqs[:1]); err != nil {
		t.Fatal(err)
	}

	if got := reqs[1].Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q after a redirect to another host, want it dropped", got)
	}
}

func TestRedirectPolicyScope(t *testing.T) {
	cfg := testConfig(t, "http://127.0.0.1/")
	p := &redirectPolicy{max: 10, scope: &scope{cfg: cfg}}
	reqs := chain(t, "http://127.0.0.1/go", "http://elsewhere.example/a.html")

	err := p.check(reqs[1], reqs[:1])

	if !errors.Is(err, ErrOutOfScope) {
		t.Errorf("check = %v, want ErrOutOfScope", err)
	}
}
