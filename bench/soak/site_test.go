package main

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const testBase = "http://127.0.0.1:8080"

var (
	articleLink = regexp.MustCompile(`href="/article/(\d+)"`)
	nextLink    = regexp.MustCompile(`rel="next" href="(/list/\d+)"`)
	paragraph   = regexp.MustCompile(`(?s)<p>(.*?)</p>`)
	jsonLD      = regexp.MustCompile(`<script type="application/ld\+json">(.*?)</script>`)
	bylineTime  = regexp.MustCompile(`<p class="byline">.*<time datetime="([^"]+)">`)
)

// get requests path from s and returns the body, failing the test unless
// the status is 200.
func get(t *testing.T, s *site, path string) string {
	t.Helper()
	recorder := httptest.NewRecorder()
	s.ServeHTTP(recorder, httptest.NewRequest(http.MethodGet, path, nil))
	if recorder.Code != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200", path, recorder.Code)
	}
	if got, want := recorder.Header().Get("Content-Length"), strconv.Itoa(recorder.Body.Len()); got != want {
		t.Errorf("GET %s: Content-Length %s, want %s", path, got, want)
	}
	return recorder.Body.String()
}

func linkedArticles(t *testing.T, page string) []int {
	t.Helper()
	var numbers []int
	for _, match := range articleLink.FindAllStringSubmatch(page, -1) {
		n, err := strconv.Atoi(match[1])
		if err != nil {
			t.Fatalf("article link %q: %v", match[0], err)
		}
		numbers = append(numbers, n)
	}
	return numbers
}

// checkEachOnce fails the test unless counts has exactly 1 for every
// article from 1 to total and nothing else.
func checkEachOnce(t *testing.T, counts map[int]int, total int) {
	t.Helper()
	if len(counts) != total {
		t.Errorf("%d distinct articles linked, want %d", len(counts), total)
	}
	for n := 1; n <= total; n++ {
		if counts[n] != 1 {
			t.Errorf("article %d linked %d times, want once", n, counts[n])
		}
	}
}

func TestListingsLinkEveryArticleOnce(t *testing.T) {
	const total = 1234
	s := newSite(testBase, total, 50, 500)

	counts := make(map[int]int)
	pages := 0
	for path := "/list/1"; path != ""; {
		page := get(t, s, path)
		pages++

		numbers := linkedArticles(t, page)
		if len(numbers) == 0 || len(numbers) > 50 {
			t.Errorf("%s links %d articles, want 1 to 50", path, len(numbers))
		}
		for _, n := range numbers {
			counts[n]++
		}

		path = ""
		if match := nextLink.FindStringSubmatch(page); match != nil {
			path = match[1]
		}
		if pages > 100 {
			t.Fatal("listing chain does not end after 100 pages")
		}
	}

	if want := 25; pages != want {
		t.Errorf("%d listing pages in the chain, want %d", pages, want)
	}
	checkEachOnce(t, counts, total)
}

func TestListingOneLinksNewestFirst(t *testing.T) {
	s := newSite(testBase, 120, 50, 500)

	numbers := linkedArticles(t, get(t, s, "/list/1"))

	if len(numbers) != 50 {
		t.Fatalf("/list/1 links %d articles, want 50", len(numbers))
	}
	if numbers[0] != 120 {
		t.Errorf("first article on /list/1 is %d, want 120", numbers[0])
	}
	if numbers[49] != 71 {
		t.Errorf("last article on /list/1 is %d, want 71", numbers[49])
	}
}

func TestSitemapsListEveryArticleOnce(t *testing.T) {
	const total = 1234
	s := newSite(testBase, total, 50, 500)

	var index struct {
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	if err := xml.Unmarshal([]byte(get(t, s, "/sitemap.xml")), &index); err != nil {
		t.Fatalf("parse sitemap index: %v", err)
	}
	if len(index.Sitemaps) != 3 {
		t.Fatalf("sitemap index lists %d sitemaps, want 3", len(index.Sitemaps))
	}

	counts := make(map[int]int)
	for _, entry := range index.Sitemaps {
		path, ok := strings.CutPrefix(entry.Loc, testBase)
		if !ok {
			t.Fatalf("sitemap URL %q does not start with %s", entry.Loc, testBase)
		}

		var urlset struct {
			URLs []struct {
				Loc     string `xml:"loc"`
				LastMod string `xml:"lastmod"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal([]byte(get(t, s, path)), &urlset); err != nil {
			t.Fatalf("parse %s: %v", path, err)
		}
		if len(urlset.URLs) > 500 {
			t.Errorf("%s lists %d URLs, want at most 500", path, len(urlset.URLs))
		}

		for _, u := range urlset.URLs {
			number, ok := strings.CutPrefix(u.Loc, testBase+"/article/")
			n, err := strconv.Atoi(number)
			if !ok || err != nil {
				t.Fatalf("%s lists %q, want an absolute article URL", path, u.Loc)
			}
			if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
				t.Errorf("%s: lastmod %q of article %d: %v", path, u.LastMod, n, err)
			}
			counts[n]++
		}
	}
	checkEachOnce(t, counts, total)
}

func TestSitemapSplitsAtProtocolLimit(t *testing.T) {
	s := newSite(testBase, 100000, articlesPerListing, maxSitemapURLs)

	index := get(t, s, "/sitemap.xml")

	if got := strings.Count(index, "<sitemap>"); got != 2 {
		t.Errorf("sitemap index of 100000 articles lists %d sitemaps, want 2", got)
	}
	if got := strings.Count(get(t, s, "/sitemaps/2.xml"), "<url>"); got != 50000 {
		t.Errorf("/sitemaps/2.xml lists %d URLs, want 50000", got)
	}
}

func TestArticlePage(t *testing.T) {
	const total, n = 5000, 4321
	s := newSite(testBase, total, 50, 500)

	page := get(t, s, "/article/4321")

	if !strings.Contains(page, "<title>"+headline(n)+" | Soak Daily</title>") {
		t.Error("page has no <title> with the headline")
	}
	if !strings.Contains(page, "<h1>"+headline(n)+"</h1>") {
		t.Error("page has no <h1> with the headline")
	}
	if !strings.Contains(page, `<span class="author">`+author(n)+`</span>`) {
		t.Error("page has no byline with the author")
	}
	if !strings.Contains(page, `<link rel="canonical" href="`+testBase+`/article/4321">`) {
		t.Error("page has no absolute canonical link")
	}
	if !strings.Contains(page, "<nav") || !strings.Contains(page, "<footer>") {
		t.Error("page has no navigation bar or no footer")
	}

	match := jsonLD.FindStringSubmatch(page)
	if match == nil {
		t.Fatal("page has no JSON-LD")
	}
	var metadata struct {
		Type          string `json:"@type"`
		Headline      string `json:"headline"`
		DatePublished string `json:"datePublished"`
	}
	if err := json.Unmarshal([]byte(match[1]), &metadata); err != nil {
		t.Fatalf("parse JSON-LD: %v", err)
	}
	if metadata.Type != "NewsArticle" || metadata.Headline != headline(n) {
		t.Errorf("JSON-LD @type %q headline %q, want NewsArticle and %q", metadata.Type, metadata.Headline, headline(n))
	}
	if want := publishedAt(n).Format(time.RFC3339); metadata.DatePublished != want {
		t.Errorf("JSON-LD datePublished %q, want %q", metadata.DatePublished, want)
	}
	if byline := bylineTime.FindStringSubmatch(page); byline == nil || byline[1] != metadata.DatePublished {
		t.Errorf("byline time %v, want datetime %q", byline, metadata.DatePublished)
	}

	// The byline is the only <p> with an attribute, so these are the body.
	body := paragraph.FindAllStringSubmatch(page, -1)
	if len(body) < 5 || len(body) > 8 {
		t.Errorf("%d body paragraphs, want 5 to 8", len(body))
	}

	related := linkedArticles(t, page)
	if len(related) != 5 {
		t.Fatalf("%d related links, want 5", len(related))
	}
	seen := make(map[int]bool)
	for _, m := range related {
		if m == n || m < 1 || m > total || seen[m] {
			t.Errorf("related article %d: want distinct articles in 1 to %d other than %d", m, total, n)
		}
		seen[m] = true
	}

	if again := get(t, s, "/article/4321"); again != page {
		t.Error("second response differs from the first")
	}
}

func TestArticleWordCount(t *testing.T) {
	for n := 1; n <= 2000; n++ {
		words := 0
		for _, p := range paragraphs(n) {
			words += len(strings.Fields(p))
		}
		if words < 150 || words > 600 {
			t.Errorf("article %d has %d words, want 150 to 600", n, words)
		}
	}
}

// gleaner skips an article whose body equals one it stored before, so
// equal bodies would look like missing records.
func TestArticleBodiesDistinct(t *testing.T) {
	seen := make(map[string]int)
	for n := 1; n <= 5000; n++ {
		body := strings.Join(paragraphs(n), "\n")
		if first, ok := seen[body]; ok {
			t.Fatalf("articles %d and %d have the same body", first, n)
		}
		seen[body] = n
	}
}

func TestRelatedArticlesOnSmallSites(t *testing.T) {
	tests := []struct {
		n, total int
		want     int
	}{
		{n: 1, total: 1, want: 0},
		{n: 2, total: 3, want: 2},
		{n: 6, total: 6, want: 5},
		{n: 50, total: 100000, want: 5},
	}
	for _, tt := range tests {
		related := relatedArticles(tt.n, tt.total)
		if len(related) != tt.want {
			t.Errorf("relatedArticles(%d, %d) returned %d articles, want %d", tt.n, tt.total, len(related), tt.want)
		}
	}
}

func TestRobotsAllowsAll(t *testing.T) {
	s := newSite(testBase, 10, 50, 500)

	robots := get(t, s, "/robots.txt")

	if !strings.Contains(robots, "User-agent: *\nAllow: /\n") {
		t.Errorf("robots.txt %q does not allow everything", robots)
	}
	if !strings.Contains(robots, "Sitemap: "+testBase+"/sitemap.xml") {
		t.Errorf("robots.txt %q does not name the sitemap index", robots)
	}
}

func TestUnknownPagesNotFound(t *testing.T) {
	tests := []string{
		"/", "/article/0", "/article/1235", "/article/07", "/article/+7", "/article/x",
		"/list/0", "/list/26", "/sitemaps/0.xml", "/sitemaps/4.xml", "/sitemaps/1.txt", "/news",
	}
	s := newSite(testBase, 1234, 50, 500)

	for _, path := range tests {
		recorder := httptest.NewRecorder()
		s.ServeHTTP(recorder, httptest.NewRequest(http.MethodGet, path, nil))
		if recorder.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, recorder.Code)
		}
	}

	served := s.served()
	if served.NotFound != int64(len(tests)) {
		t.Errorf("NotFound count %d, want %d", served.NotFound, len(tests))
	}
	if served.pages() != 0 {
		t.Errorf("%d pages counted as served, want 0", served.pages())
	}
}

func TestServedCountsRepeats(t *testing.T) {
	s := newSite(testBase, 10, 50, 500)
	var calls []int64
	s.onArticle = func(served int64) { calls = append(calls, served) }

	get(t, s, "/article/5")
	get(t, s, "/article/6")
	get(t, s, "/article/5")
	get(t, s, "/list/1")
	get(t, s, "/about")

	served := s.served()
	if served.Articles != 3 {
		t.Errorf("Articles %d, want 3", served.Articles)
	}
	if served.RepeatedArticles != 1 {
		t.Errorf("RepeatedArticles %d, want 1", served.RepeatedArticles)
	}
	if served.pages() != 5 {
		t.Errorf("pages %d, want 5", served.pages())
	}
	if want := []int64{1, 2, 3}; !slices.Equal(calls, want) {
		t.Errorf("onArticle calls %v, want %v", calls, want)
	}
}
