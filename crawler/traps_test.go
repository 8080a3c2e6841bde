package crawler

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gleanerhq/gleaner/config"
)

func TestTrapReason(t *testing.T) {
	cfg := config.Default()
	cfg.MaxURLLength = 64
	cfg.MaxQueryParams = 3
	cfg.MaxPathRepeats = 2

	tests := []struct {
		name string
		link string
		want string
	}{
		{"ordinary link", "https://example.com/news/2024/01/01/story", ""},
		{"at the length limit", "https://example.com/" + strings.Repeat("a", 64-len("https://example.com/")), ""},
		{"over the length limit", "https://example.com/" + strings.Repeat("a", 65-len("https://example.com/")), TrapURLTooLong},
		{"at the query limit", "https://example.com/c?a=1&b=2&c=3", ""},
		{"over the query limit", "https://example.com/c?a=1&b=2&c=3&d=4", TrapTooManyQueryParams},
		{"segment twice", "https://example.com/x/x/", ""},
		{"segment three times", "https://example.com/x/x/x/", TrapPathRepeats},
		{"pair repeated", "https://example.com/a/b/a/b/a/b", TrapPathRepeats},
		{"repeats apart", "https://example.com/p/q/p/r/p", TrapPathRepeats},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.link)
			if err != nil {
				t.Fatal(err)
			}

			if got := trapReason(u, cfg); got != tt.want {
				t.Errorf("trapReason(%q) = %q, want %q", tt.link, got, tt.want)
			}
		})
	}
}

// requestLog counts the requests of a test server by request URI,
// robots.txt left out.
type requestLog struct {
	mu     sync.Mutex
	counts map[string]int
}

func (l *requestLog) add(r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		return
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.counts == nil {
		l.counts = make(map[string]int)
	}
	l.counts[r.URL.RequestURI()]++
}

func writeHTML(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, body)
}

func TestCrawlSpellingsFetchedOnce(t *testing.T) {
	var requests requestLog
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.add(r)

		switch r.URL.Path {
		case "/":
			writeHTML(w, `<!DOCTYPE html><html><head><title>Index</title></head><body><ul>
<li><a href="/a/1?utm_source=x">One</a></li>
<li><a href="/a/1#top">One again</a></li>
<li><a href="/A/../a/1">One once more</a></li>
<li><a href="//a//1?fbclid=abc&amp;gclid=def">One with click ids</a></li>
<li><a href="/a/%31">One escaped</a></li>
<li><a href="/r">One by a redirect</a></li>
<li><a href="/b/2?b=2&amp;a=1">Two</a></li>
<li><a href="/b/2?a=1&amp;b=2">Two sorted</a></li>
<li><a href="/b/2?a=1&amp;b=2&amp;">Two with an empty parameter</a></li>
</ul></body></html>`)
		case "/r":
			http.Redirect(w, r, "/a/1?utm_source=redirect", http.StatusFound)
		case "/a/1":
			writeHTML(w, generatedArticle(1))
		case "/b/2":
			writeHTML(w, generatedArticle(2))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(server.Close)

	cfg := testConfig(t, server.URL+"/?utm_campaign=launch#start")
	result := crawlWith(t, cfg, &environment{})

	want := map[string]int{"/": 1, "/r": 1, "/a/1": 1, "/b/2?a=1&b=2": 1}
	requests.mu.Lock()
	got := requests.counts
	requests.mu.Unlock()
	for uri, n := range want {
		if got[uri] != n {
			t.Errorf("requests for %s = %d, want %d", uri, got[uri], n)
		}
	}
	for uri, n := range got {
		if _, ok := want[uri]; !ok {
			t.Errorf("unexpected request for %s (%d times)", uri, n)
		}
	}

	for _, path := range []string{"/a/1", "/b/2?a=1&b=2"} {
		if _, ok := result.records[server.URL+path]; !ok {
			t.Errorf("no record with url %s%s, records: %v", server.URL, path, recordURLs(result))
		}
	}
	if len(result.records) != 2 {
		t.Errorf("records = %v, want 2", recordURLs(result))
	}
	if result.summary.Duplicates != 0 {
		t.Errorf("duplicates = %d, want 0 because no spelling was fetched twice", result.summary.Duplicates)
	}
}

func recordURLs(result crawlResult) []string {
	var urls []string
	for u := range result.records {
		urls = append(urls, u)
	}
	return urls
}

// trapPage returns an HTML page with one link.
func trapPage(title, href string) string {
	return fmt.Sprintf(`<!DOCTYPE html><html><head><title>%s</title></head><body><p><a href="%s">next</a></p></body></html>`,
		title, strings.ReplaceAll(href, "&", "&amp;"))
}

func TestCrawlTrapsBounded(t *testing.T) {
	var requests requestLog
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.add(r)

		day, _ := strconv.Atoi(r.URL.Query().Get("d"))
		switch {
		case r.URL.Path == "/":
			writeHTML(w, `<!DOCTYPE html><html><head><title>Index</title></head><body>
<a href="/cal?d=1">Calendar</a> <a href="/week?d=1">Weeks</a> <a href="/p/">Pages</a></body></html>`)
		case r.URL.Path == "/cal":
			// The next day's link carries a query string 150 bytes longer.
			next := fmt.Sprintf("/cal?d=%d&view=%s", day+1, strings.Repeat("m", 150*day))
			writeHTML(w, trapPage("Day "+strconv.Itoa(day), next))
		case r.URL.Path == "/week":
			// The next week's link carries one more parameter.
			var next strings.Builder
			fmt.Fprintf(&next, "/week?d=%d", day+1)
			for i := 1; i <= day; i++ {
				fmt.Fprintf(&next, "&f%d=1", i)
			}
			writeHTML(w, trapPage("Week "+strconv.Itoa(day), next.String()))
		case strings.HasPrefix(r.URL.Path, "/p/"):
			writeHTML(w, trapPage("Path "+r.URL.Path, r.URL.Path+"p/"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(server.Close)

	cfg := testConfig(t, server.URL+"/")
	cfg.MaxDepth = 0 // no depth limit, so only the trap limits end the chains
	result := crawlWith(t, cfg, &environment{})

	wantSkipped := map[string]int{TrapURLTooLong: 1, TrapTooManyQueryParams: 1, TrapPathRepeats: 1}
	for reason, n := range wantSkipped {
		if got := result.summary.SkippedTraps[reason]; got != n {
			t.Errorf("SkippedTraps[%s] = %d, want %d", reason, got, n)
		}
	}

	requests.mu.Lock()
	counts := requests.counts
	requests.mu.Unlock()
	pages := map[string]int{}
	for uri, n := range counts {
		if n != 1 {
			t.Errorf("requests for %s = %d, want 1", uri, n)
		}
		path, _, _ := strings.Cut(uri, "?")
		pages[path]++
	}

	// Day d links to a URL of about 40 + 150*d bytes, so day 14 is the last
	// one under 2048 bytes. Week d has d parameters, so week 20 is the last
	// one with at most 20. /p/p/p/ has the segment three times.
	wantPages := map[string]int{"/": 1, "/cal": 14, "/week": 20, "/p/": 1, "/p/p/": 1, "/p/p/p/": 1}
	for path, n := range wantPages {
		if pages[path] != n {
			t.Errorf("pages fetched under %s = %d, want %d", path, pages[path], n)
		}
	}
	if len(pages) != len(wantPages) {
		t.Errorf("pages fetched = %v, want %v", pages, wantPages)
	}

	entries := result.logs.FilterMessage("links skipped as crawler traps").All()
	if len(entries) != 1 {
		t.Fatalf("%d log entries for skipped traps, want 1", len(entries))
	}
	if got := entries[0].ContextMap()["links"]; got != int64(3) {
		t.Errorf("logged links = %v, want 3", got)
	}
}
