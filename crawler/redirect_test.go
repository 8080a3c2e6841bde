package crawler

import (
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
