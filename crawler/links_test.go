package crawler

import (
	"net/url"
	"slices"
	"testing"
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
