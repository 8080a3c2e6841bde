package crawler

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/extract"
)

func TestHTMLLinksBaseHref(t *testing.T) {
	page := `<!DOCTYPE html><html><head>
<base href="//m.portal.example/zh/">
<link rel="stylesheet" href="static/css/app.css">
</head><body>
<a href="news/2020/0429/a101.html">a101</a>
<a href="/about/contact.html">contact</a>
<a href="../en/index.html">English</a>
<a href="https://other.example/x.html">other</a>
<a href="#top">top</a>
<a href="javascript:void(0)">menu</a>
<a href="mailto:desk@portal.example">mail</a>
<a href="news/2020/0429/a101.html#comments">a101 comments</a>
<map><area href="news/2020/0429/a102.html"></map>
<img src="img/logo.png">
</body></html>`
	pageURL, _ := url.Parse("https://www.portal.example/channel/yaowen/index.html")

	got := htmlLinks(page, pageURL)

	want := []string{
		"https://m.portal.example/zh/news/2020/0429/a101.html",
		"https://m.portal.example/about/contact.html",
		"https://m.portal.example/en/index.html",
		"https://other.example/x.html",
		"https://m.portal.example/zh/news/2020/0429/a102.html",
	}
	if !slices.Equal(got, want) {
		t.Errorf("htmlLinks:\n got %q\nwant %q", got, want)
	}
}

func TestHTMLLinksWithoutBase(t *testing.T) {
	tests := []struct {
		name    string
		pageURL string
		href    string
		want    []string
	}{
		{name: "relative", pageURL: "https://a.example/news/list/1.html", href: "../2024/x.html", want: []string{"https://a.example/news/2024/x.html"}},
		{name: "query only", pageURL: "https://a.example/list?page=1", href: "?page=2", want: []string{"https://a.example/list?page=2"}},
		{name: "scheme relative", pageURL: "http://a.example/", href: "//b.example/y", want: []string{"http://b.example/y"}},
		{name: "file page", pageURL: "file:///data/site/list/zh.html", href: "../articles/a.html", want: []string{"file:///data/site/articles/a.html"}},
		{name: "fragment only", pageURL: "https://a.example/", href: "#main", want: nil},
		{name: "empty", pageURL: "https://a.example/", href: "  ", want: nil},
		{name: "ftp", pageURL: "https://a.example/", href: "ftp://a.example/f", want: nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pageURL, err := url.Parse(tt.pageURL)
			if err != nil {
				t.Fatal(err)
			}

			got := htmlLinks(`<a href="`+tt.href+`">x</a>`, pageURL)

			if !slices.Equal(got, tt.want) {
				t.Errorf("htmlLinks(%q on %s) = %q, want %q", tt.href, tt.pageURL, got, tt.want)
			}
		})
	}
}

func TestFeedLinks(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{
			name: "sitemap",
			body: `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/a/1.html</loc><news:news><news:title>One</news:title></news:news></url>
<url><loc> https://news.example/a/2.html </loc></url>
</urlset>`,
			want: []string{"https://news.example/a/1.html", "https://news.example/a/2.html"},
		},
		{
			name: "sitemap index",
			body: `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/sitemap-1.xml.gz</loc></sitemap></sitemapindex>`,
			want: []string{"https://news.example/sitemap-1.xml.gz"},
		},
		{
			name: "rss",
			body: `<rss version="2.0"><channel><title>Feed</title><link>https://news.example/</link>
<item><title>One</title><link>https://news.example/a/1.html</link></item></channel></rss>`,
			want: []string{"https://news.example/", "https://news.example/a/1.html"},
		},
		{
			name: "atom",
			body: `<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self" href="https://news.example/feed.xml"/>
<entry><link href="https://news.example/a/1.html"/></entry>
<entry><link rel="alternate" href="/a/2.html"/><link rel="enclosure" href="/a/2.mp3"/></entry></feed>`,
			want: []string{"https://news.example/a/1.html", "https://news.example/a/2.html"},
		},
		{
			name: "gbk declaration",
			body: `<?xml version="1.0" encoding="GBK"?><urlset><url><loc>https://news.example/a/3.html</loc></url></urlset>`,
			want: []string{"https://news.example/a/3.html"},
		},
		{
			name: "json feed",
			body: `{"version": "https://jsonfeed.org/version/1.1", "title": "Feed",
"items": [{"id": "1", "url": "https://news.example/a/5.html"}, {"id": "2", "external_url": "/a/6.html"}, {"id": "3"}]}`,
			want: []string{"https://news.example/a/5.html", "https://news.example/a/6.html"},
		},
		{
			name: "json that is not a feed",
			body: `{"version": 2, "items": [{"url": "https://news.example/a/7.html"}]}`,
			want: nil,
		},
		{
			name: "broken after first entry",
			body: `<urlset><url><loc>https://news.example/a/4.html</loc></url><url><loc>`,
			want: []string{"https://news.example/a/4.html"},
		},
	}

	pageURL, _ := url.Parse("https://news.example/sitemap.xml")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feedLinks([]byte(tt.body), pageURL)

			if !slices.Equal(got, tt.want) {
				t.Errorf("feedLinks:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestFeedEntriesHints(t *testing.T) {
	pageURL, _ := url.Parse("https://news.example/sitemap-news.xml")
	tests := []struct {
		name      string
		body      string
		wantURL   string
		wantMod   string // RFC 3339, "" for none
		wantTitle string
		wantLang  string
		wantPub   string
	}{
		{
			name: "news sitemap",
			body: `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://news.example/2026/03/ferry</loc><lastmod>2026-03-02T09:00:00+08:00</lastmod>
<news:news><news:publication><news:name>Harbour Times</news:name><news:language>zh</news:language></news:publication>
<news:publication_date>2026-03-01T08:30:00+08:00</news:publication_date><news:title>渡輪恢復航行</news:title></news:news></url>
</urlset>`,
			wantURL: "https://news.example/2026/03/ferry", wantMod: "2026-03-02T09:00:00+08:00",
			wantTitle: "渡輪恢復航行", wantLang: "zh", wantPub: "2026-03-01T08:30:00+08:00",
		},
		{
			name:    "plain sitemap date only",
			body:    `<urlset><url><loc>/a/1</loc><lastmod>2026-03-02</lastmod></url></urlset>`,
			wantURL: "https://news.example/a/1", wantMod: "2026-03-02T00:00:00Z",
		},
		{
			name:    "news prefix undeclared",
			body:    `<urlset><url><loc>/a/2</loc><news:news><news:title>Bridge opens</news:title></news:news></url></urlset>`,
			wantURL: "https://news.example/a/2", wantTitle: "Bridge opens",
		},
		{
			name:    "atom updated",
			body:    `<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed</title><entry><title>A</title><link href="/a/3"/><updated>2026-03-03T10:00:00Z</updated></entry></feed>`,
			wantURL: "https://news.example/a/3", wantMod: "2026-03-03T10:00:00Z",
		},
		{
			name:    "rss item without date",
			body:    `<rss><channel><item><title>Bridge</title><link>https://news.example/a/4</link></item></channel></rss>`,
			wantURL: "https://news.example/a/4",
		},
		{
			name:    "json feed date_modified",
			body:    `{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"/a/5","date_modified":"2026-03-04T06:00:00Z"}]}`,
			wantURL: "https://news.example/a/5", wantMod: "2026-03-04T06:00:00Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries := feedEntries([]byte(tt.body), pageURL)
			if len(entries) != 1 {
				t.Fatalf("got %d entries: %+v", len(entries), entries)
			}
			e := entries[0]
			if e.url != tt.wantURL {
				t.Errorf("url = %q, want %q", e.url, tt.wantURL)
			}
			gotMod := ""
			if !e.modified.IsZero() {
				gotMod = e.modified.Format(time.RFC3339)
			}
			if gotMod != tt.wantMod {
				t.Errorf("modified = %q, want %q", gotMod, tt.wantMod)
			}
			var title, lang, pub string
			if e.news != nil {
				title, lang, pub = e.news.title, e.news.language, e.news.published
			}
			if title != tt.wantTitle || lang != tt.wantLang || pub != tt.wantPub {
				t.Errorf("news = %q %q %q, want %q %q %q", title, lang, pub, tt.wantTitle, tt.wantLang, tt.wantPub)
			}
		})
	}
}

func TestApplyNewsHint(t *testing.T) {
	fetched := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	news := &newsHint{title: "Bridge opens", language: "en", published: "2026-03-01T08:30:00+01:00"}

	empty := &extract.Record{FetchedAt: fetched}
	applyNewsHint(empty, news, time.UTC)
	if empty.Title != "Bridge opens" || empty.Lang != "en" || empty.Published != "2026-03-01T08:30:00+01:00" || empty.PublishedPrecision != "second" {
		t.Errorf("empty record filled as %+v", empty)
	}

	full := &extract.Record{FetchedAt: fetched, Title: "Page title", Lang: "de", Published: "2026-02-28T10:00:00+01:00"}
	applyNewsHint(full, news, time.UTC)
	if full.Title != "Page title" || full.Lang != "de" || full.Published != "2026-02-28T10:00:00+01:00" {
		t.Errorf("page's own fields replaced: %+v", full)
	}

	future := &extract.Record{FetchedAt: fetched}
	applyNewsHint(future, &newsHint{published: "2026-05-01"}, time.UTC)
	if future.Published != "" {
		t.Errorf("publication date after the fetch taken: %q", future.Published)
	}
}
