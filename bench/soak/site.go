package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

const (
	// articlesPerListing is the number of articles one listing page links.
	articlesPerListing = 50

	// maxSitemapURLs is the largest number of URLs the sitemap protocol
	// (sitemaps.org) allows in one sitemap file.
	maxSitemapURLs = 50000

	siteName = "Soak Daily"
)

// site is the generated news site that the soak crawls: listing pages at
// /list/1 to /list/K, article pages at /article/1 to /article/N, an about
// page, robots.txt, and a sitemap index at /sitemap.xml that points to
// sitemaps at /sitemaps/1.xml and on. Every page is made from its number
// alone, so the same URL always returns the same bytes. Listing 1 links
// the newest articles, which have the highest numbers.
//
// A site is an http.Handler and is safe for concurrent use. It counts the
// responses it sends by kind.
type site struct {
	base       string // scheme and host, such as http://127.0.0.1:8080, with no trailing slash
	articles   int
	perListing int
	perSitemap int

	// onArticle, when not nil, is called after each article response with
	// the number of article responses sent so far, repeats included.
	onArticle func(served int64)

	counts counters
	seen   []atomic.Bool // seen[n] is true once article n was served
	mux    *http.ServeMux
}

// counters are the live response counts of a site.
type counters struct {
	robots, sitemaps, listings, articles, other, notFound, repeated atomic.Int64
}

// servedCounts is a snapshot of a site's response counts.
type servedCounts struct {
	Robots   int64 `json:"robots"`
	Sitemaps int64 `json:"sitemaps"` // the index and the sitemaps it lists
	Listings int64 `json:"listings"`
	Articles int64 `json:"articles"` // repeats included
	Other    int64 `json:"other"`    // the about page
	NotFound int64 `json:"not_found"`

	// RepeatedArticles counts article responses for an article that had
	// been served before.
	RepeatedArticles int64 `json:"repeated_articles"`
}

// pages returns the number of responses with status 200.
func (c servedCounts) pages() int64 {
	return c.Robots + c.Sitemaps + c.Listings + c.Articles + c.Other
}

// newSite returns a site of articles articles, served at base. perListing
// and perSitemap set how many articles one listing page and one sitemap
// link, and must be at least 1.
func newSite(base string, articles, perListing, perSitemap int) *site {
	s := &site{
		base:       strings.TrimSuffix(base, "/"),
		articles:   articles,
		perListing: perListing,
		perSitemap: perSitemap,
		seen:       make([]atomic.Bool, articles+1),
		mux:        http.NewServeMux(),
	}
	s.mux.HandleFunc("GET /robots.txt", s.serveRobots)
	s.mux.HandleFunc("GET /sitemap.xml", s.serveSitemapIndex)
	s.mux.HandleFunc("GET /sitemaps/{file}", s.serveSitemap)
	s.mux.HandleFunc("GET /list/{number}", s.serveListing)
	s.mux.HandleFunc("GET /article/{number}", s.serveArticle)
	s.mux.HandleFunc("GET /about", s.serveAbout)
	s.mux.HandleFunc("/", s.serveNotFound)
	return s
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

// served returns the response counts so far.
func (s *site) served() servedCounts {
	return servedCounts{
		Robots:           s.counts.robots.Load(),
		Sitemaps:         s.counts.sitemaps.Load(),
		Listings:         s.counts.listings.Load(),
		Articles:         s.counts.articles.Load(),
		Other:            s.counts.other.Load(),
		NotFound:         s.counts.notFound.Load(),
		RepeatedArticles: s.counts.repeated.Load(),
	}
}

func (s *site) listingCount() int {
	return (s.articles + s.perListing - 1) / s.perListing
}

func (s *site) sitemapCount() int {
	return (s.articles + s.perSitemap - 1) / s.perSitemap
}

// listingRange returns the newest and the oldest article that listing page
// k links.
func (s *site) listingRange(k int) (newest, oldest int) {
	newest = s.articles - (k-1)*s.perListing
	oldest = max(1, newest-s.perListing+1)
	return newest, oldest
}

// sitemapRange returns the first and the last article that sitemap k lists.
func (s *site) sitemapRange(k int) (first, last int) {
	first = (k-1)*s.perSitemap + 1
	last = min(k*s.perSitemap, s.articles)
	return first, last
}

func (s *site) serveRobots(w http.ResponseWriter, _ *http.Request) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "User-agent: *\nAllow: /\n\nSitemap: %s/sitemap.xml\n", s.base)
	respond(w, "text/plain; charset=utf-8", &buf)
	s.counts.robots.Add(1)
}

func (s *site) serveSitemapIndex(w http.ResponseWriter, _ *http.Request) {
	var buf bytes.Buffer
	s.writeSitemapIndex(&buf)
	respond(w, "application/xml", &buf)
	s.counts.sitemaps.Add(1)
}

func (s *site) serveSitemap(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
	k, valid := parseNumber(name, s.sitemapCount())
	if !ok || !valid {
		s.serveNotFound(w, r)
		return
	}

	var buf bytes.Buffer
	s.writeSitemap(&buf, k)
	respond(w, "application/xml", &buf)
	s.counts.sitemaps.Add(1)
}

func (s *site) serveListing(w http.ResponseWriter, r *http.Request) {
	k, ok := parseNumber(r.PathValue("number"), s.listingCount())
	if !ok {
		s.serveNotFound(w, r)
		return
	}

	var buf bytes.Buffer
	s.writeListing(&buf, k)
	respond(w, "text/html; charset=utf-8", &buf)
	s.counts.listings.Add(1)
}

func (s *site) serveArticle(w http.ResponseWriter, r *http.Request) {
	n, ok := parseNumber(r.PathValue("number"), s.articles)
	if !ok {
		s.serveNotFound(w, r)
		return
	}

	var buf bytes.Buffer
	s.writeArticle(&buf, n)
	respond(w, "text/html; charset=utf-8", &buf)

	if s.seen[n].Swap(true) {
		s.counts.repeated.Add(1)
	}
	served := s.counts.articles.Add(1)
	if s.onArticle != nil {
		s.onArticle(served)
	}
}

func (s *site) serveAbout(w http.ResponseWriter, _ *http.Request) {
	var buf bytes.Buffer
	writeHead(&buf, "About "+siteName, "")
	buf.WriteString("<main>\n<h1>About " + siteName + "</h1>\n")
	buf.WriteString("<p>" + siteName + " is a generated news site. Every page is made from its URL, so a crawl of it can be repeated exactly.</p>\n</main>\n")
	writeFooter(&buf)
	respond(w, "text/html; charset=utf-8", &buf)
	s.counts.other.Add(1)
}

func (s *site) serveNotFound(w http.ResponseWriter, r *http.Request) {
	http.NotFound(w, r)
	s.counts.notFound.Add(1)
}

// respond sends buf with status 200 and a Content-Length.
func respond(w http.ResponseWriter, contentType string, buf *bytes.Buffer) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = buf.WriteTo(w) // an error means the crawler closed the connection, so nothing is left to do
}

// parseNumber parses a page number in [1, maxNumber]. Only the plain
// decimal spelling is valid, so "07" or "+7" do not make a second URL for
// page 7.
func parseNumber(text string, maxNumber int) (int, bool) {
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > maxNumber || strconv.Itoa(n) != text {
		return 0, false
	}
	return n, true
}

func (s *site) writeSitemapIndex(buf *bytes.Buffer) {
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	buf.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for k := 1; k <= s.sitemapCount(); k++ {
		fmt.Fprintf(buf, "<sitemap><loc>%s/sitemaps/%d.xml</loc></sitemap>\n", s.base, k)
	}
	buf.WriteString("</sitemapindex>\n")
}

func (s *site) writeSitemap(buf *bytes.Buffer, k int) {
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	buf.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	first, last := s.sitemapRange(k)
	for n := first; n <= last; n++ {
		fmt.Fprintf(buf, "<url><loc>%s/article/%d</loc><lastmod>%s</lastmod></url>\n",
			s.base, n, publishedAt(n).Format(time.RFC3339))
	}
	buf.WriteString("</urlset>\n")
}

func (s *site) writeListing(buf *bytes.Buffer, k int) {
	writeHead(buf, fmt.Sprintf("Latest news, page %d", k), "")
	fmt.Fprintf(buf, "<main>\n<h1>Latest news</h1>\n<ul class=\"teasers\">\n")
	newest, oldest := s.listingRange(k)
	for n := newest; n >= oldest; n-- {
		published := publishedAt(n)
		fmt.Fprintf(buf, "<li><a href=\"/article/%d\">%s</a> <time datetime=\"%s\">%s</time></li>\n",
			n, html.EscapeString(headline(n)), published.Format(time.RFC3339), published.Format("2 Jan 2006"))
	}
	buf.WriteString("</ul>\n<nav class=\"pages\">")
	if k > 1 {
		fmt.Fprintf(buf, "<a rel=\"prev\" href=\"/list/%d\">Newer</a> ", k-1)
	}
	if k < s.listingCount() {
		fmt.Fprintf(buf, "<a rel=\"next\" href=\"/list/%d\">Older</a>", k+1)
	}
	buf.WriteString("</nav>\n</main>\n")
	writeFooter(buf)
}

// writeArticle writes article n: headline, byline with date, JSON-LD,
// body paragraphs and a list of related articles.
func (s *site) writeArticle(buf *bytes.Buffer, n int) {
	title := headline(n)
	byline := author(n)
	published := publishedAt(n)
	canonical := fmt.Sprintf("%s/article/%d", s.base, n)

	// json.Marshal escapes <, > and &, so the object is safe inside <script>.
	jsonLD, _ := json.Marshal(map[string]any{
		"@context":      "https://schema.org",
		"@type":         "NewsArticle",
		"headline":      title,
		"datePublished": published.Format(time.RFC3339),
		"author":        map[string]string{"@type": "Person", "name": byline},
		"url":           canonical,
	})
	head := fmt.Sprintf("<link rel=\"canonical\" href=\"%s\">\n<script type=\"application/ld+json\">%s</script>\n", canonical, jsonLD)
	writeHead(buf, title, head)

	fmt.Fprintf(buf, "<main>\n<article>\n<h1>%s</h1>\n", html.EscapeString(title))
	fmt.Fprintf(buf, "<p class=\"byline\">By <span class=\"author\">%s</span> · <time datetime=\"%s\">%s</time></p>\n",
		html.EscapeString(byline), published.Format(time.RFC3339), published.Format("January 2, 2006 15:04 MST"))
	for _, paragraph := range paragraphs(n) {
		fmt.Fprintf(buf, "<p>%s</p>\n", html.EscapeString(paragraph))
	}
	buf.WriteString("</article>\n")

	related := relatedArticles(n, s.articles)
	if len(related) > 0 {
		buf.WriteString("<aside class=\"related\">\n<h2>Related articles</h2>\n<ul>\n")
		for _, m := range related {
			fmt.Fprintf(buf, "<li><a href=\"/article/%d\">%s</a></li>\n", m, html.EscapeString(headline(m)))
		}
		buf.WriteString("</ul>\n</aside>\n")
	}
	buf.WriteString("</main>\n")
	writeFooter(buf)
}

// writeHead writes the document start, the <head> with title and extra,
// and the navigation bar.
func writeHead(buf *bytes.Buffer, title, extra string) {
	fmt.Fprintf(buf, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s | %s</title>\n%s</head>\n<body>\n",
		html.EscapeString(title), siteName, extra)
	buf.WriteString("<header>\n<nav class=\"site\"><a href=\"/list/1\">Home</a> <a href=\"/list/1\">Latest</a> <a href=\"/about\">About</a></nav>\n</header>\n")
}

func writeFooter(buf *bytes.Buffer) {
	buf.WriteString("<footer><p>© 2026 " + siteName + ". A generated site for gleaner's soak test.</p> <a href=\"/about\">About us</a></footer>\n</body>\n</html>\n")
}
