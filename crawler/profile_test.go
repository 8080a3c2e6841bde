package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/cascadia"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/extract"
)

// profileArticle is an article page of the profile test site. Its
// headline has the class "headline" and its time has no class.
const profileArticle = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Story %[1]d - Example News</title></head>
<body>
<h1 class="headline">Story number %[1]d about the harbour</h1>
<p><time>2024-03-0%[1]d 09:30</time></p>
<div class="story">
<p>The harbour board met on Tuesday, in meeting number %[1]d, to decide how the old pier will be repaired before the summer season begins, and the vote was close.</p>
<p>Fishermen who use the pier every morning told the board that the planks near the end have been loose for two winters, and that the railing is rusted through in places.</p>
<p>The board agreed to close the far end of the pier for six weeks while the planks and the railing are replaced, and to keep the near end open for the ferry.</p>
</div>
</body></html>`

// profileList is the listing page that links to the three articles.
const profileList = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Latest - Example News</title></head>
<body><ul>
<li><a href="/story/1.html">Story one</a></li>
<li><a href="/story/2.html">Story two</a></li>
<li><a href="/story/3.html">Story three</a></li>
</ul></body></html>`

// newProfileSite serves profileList at /list.html and three articles at
// /story/N.html.
func newProfileSite(t *testing.T) *httptest.Server {
	t.Helper()

	story := regexp.MustCompile(`^/story/([1-3])\.html$`)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/list.html" {
			fmt.Fprint(w, profileList)
			return
		}

		m := story.FindStringSubmatch(r.URL.Path)
		if m == nil {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, profileArticle, int(m[1][0]-'0'))
	}))
	t.Cleanup(server.Close)
	return server
}

// testProfile returns a site profile for 127.0.0.1 whose title selector
// matches the test site's headlines and whose published selector matches
// nothing there.
func testProfile(t *testing.T) config.SiteProfile {
	t.Helper()

	compile := func(selector string) cascadia.Selector {
		compiled, err := cascadia.Compile(selector)
		if err != nil {
			t.Fatal(err)
		}
		return compiled
	}

	return config.SiteProfile{
		Name:    "local",
		Hosts:   []string{"127.0.0.1"},
		Profile: &extract.Profile{Name: "local", Title: compile("h1.headline"), Published: compile(".renamed-time")},
	}
}

func TestCrawlCountsProfileFallbacks(t *testing.T) {
	server := newProfileSite(t)
	cfg := testConfig(t, server.URL+"/list.html")
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/story/\d+\.html$`)}
	cfg.Profiles = []config.SiteProfile{testProfile(t)}
	s, out := openTestSinks(t)

	core, logs := observer.New(zapcore.WarnLevel)
	c, err := New(cfg, s, Options{Logger: zap.New(core), FlushInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	summary, err := c.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	if summary.Articles != 3 {
		t.Fatalf("summary articles = %d, want 3", summary.Articles)
	}
	if got := summary.ProfileFallbacks["local"]["published"]; got != 3 {
		t.Errorf("published fallbacks = %d, want 3 (one per article page); all: %v", got, summary.ProfileFallbacks)
	}
	if got, ok := summary.ProfileFallbacks["local"]["title"]; ok {
		t.Errorf("title fallbacks = %d, want none: the title selector matches every article", got)
	}
	want := []FallbackCount{{Profile: "local", Field: "published", Pages: 3}}
	if got := summary.FallbackCounts(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("FallbackCounts() = %v, want %v", got, want)
	}

	for _, r := range readJSONL(t, out.jsonl) {
		if !strings.HasPrefix(r.Title, "Story number") {
			t.Errorf("record %s: title %q, want the h1.headline text", r.URL, r.Title)
		}
		if r.Published == "" {
			t.Errorf("record %s: no published time: the generic extractor should have filled it", r.URL)
		}
	}

	warnings := logs.FilterMessage("profile selector matched nothing").All()
	if len(warnings) != 1 {
		t.Fatalf("logged %d fallback warnings, want 1", len(warnings))
	}
	fields := warnings[0].ContextMap()
	if fields["profile"] != "local" || fields["field"] != "published" || fields["pages"] != int64(3) {
		t.Errorf("warning fields = %v, want profile local, field published, pages 3", fields)
	}
}

func TestCrawlWithoutProfileCountsNothing(t *testing.T) {
	server := newProfileSite(t)
	cfg := testConfig(t, server.URL+"/list.html")
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/story/\d+\.html$`)}
	s, _ := openTestSinks(t)

	summary := runCrawl(t, cfg, s)

	if len(summary.ProfileFallbacks) != 0 {
		t.Errorf("ProfileFallbacks = %v, want empty without profiles", summary.ProfileFallbacks)
	}
}

func TestFetcherAppliesProfile(t *testing.T) {
	server := newProfileSite(t)
	cfg := testConfig(t, server.URL+"/list.html")
	cfg.Profiles = []config.SiteProfile{testProfile(t)}

	fetcher, err := NewFetcher(cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fetcher.Close()

	record, err := fetcher.Fetch(context.Background(), server.URL+"/story/2.html")
	if err != nil {
		t.Fatal(err)
	}
	if len(record.Fallbacks) != 1 || record.Fallbacks[0] != "published" {
		t.Errorf("Fallbacks = %v, want [published]", record.Fallbacks)
	}

	page, err := fetcher.FetchPage(context.Background(), server.URL+"/story/2.html")
	if err != nil {
		t.Fatal(err)
	}
	if page.URL != server.URL+"/story/2.html" {
		t.Errorf("page URL = %q", page.URL)
	}
	if !strings.Contains(string(page.Body), "Story number 2") {
		t.Errorf("page body does not hold the article")
	}
	if !strings.HasPrefix(page.ContentType, "text/html") || page.FetchedAt.IsZero() {
		t.Errorf("page content type %q, fetched at %v: want both set", page.ContentType, page.FetchedAt)
	}
}

func TestExtractOptionsProfileZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	taipei, err := time.LoadLocation("Asia/Taipei")
	if err != nil {
		t.Fatal(err)
	}

	withZone := &extract.Profile{Name: "zoned", Location: taipei}
	withoutZone := &extract.Profile{Name: "plain"}
	profiles := map[string]*extract.Profile{"zoned.example": withZone, "plain.example": withoutZone}
	p := &policy{location: tokyo, profileFor: func(host string) *extract.Profile { return profiles[host] }}

	tests := []struct {
		name        string
		url         string
		wantProfile *extract.Profile
		wantZone    *time.Location
	}{
		{"profile zone wins", "https://zoned.example/a", withZone, taipei},
		{"configured zone without profile zone", "https://plain.example/a", withoutZone, tokyo},
		{"no profile", "https://other.example/a", nil, tokyo},
		{"file page", "file:///srv/zoned.example/a.html", nil, tokyo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}

			opts := p.extractOptions(&page{url: u})
			if opts.Profile != tt.wantProfile {
				t.Errorf("profile = %v, want %v", opts.Profile, tt.wantProfile)
			}
			if opts.Location != tt.wantZone {
				t.Errorf("location = %v, want %v", opts.Location, tt.wantZone)
			}
		})
	}
}
