package crawler

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
)

func TestCrawlNewsSitemapFillsMissingDate(t *testing.T) {
	mux := http.NewServeMux()
	var base string
	mux.HandleFunc("/news-sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>%[1]s/story/undated</loc><news:news><news:publication><news:name>Harbour Times</news:name><news:language>en</news:language></news:publication>
<news:publication_date>2026-03-01T08:30:00+01:00</news:publication_date><news:title>Ferry returns</news:title></news:news></url>
<url><loc>%[1]s/story/dated</loc><news:news><news:publication_date>2026-03-01T08:30:00+01:00</news:publication_date></news:news></url>
</urlset>`, base)
	})
	mux.HandleFunc("/story/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		meta := ""
		if r.URL.Path == "/story/dated" {
			meta = `<meta property="article:published_time" content="2026-02-27T10:00:00Z">`
		}
		fmt.Fprintf(w, `<html><head><title>Ferry returns after repairs</title>%s</head><body><article><h1>Ferry returns after repairs</h1>
<p>The blue-hulled ferry is back on the crossing after four months in dry dock, with a new engine and a ramp for bicycles.</p>
<p>Regular passengers welcomed the return; the replacement bus had added almost an hour to their journey.</p>
<p>This copy was served at %s.</p></article></body></html>`, meta, r.URL.Path)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base = srv.URL

	sinks, out := openTestSinks(t)
	summary := runCrawl(t, testConfig(t, srv.URL+"/news-sitemap.xml"), sinks)
	if summary.Articles != 2 {
		t.Fatalf("wrote %d articles, want 2", summary.Articles)
	}

	published := map[string]string{}
	for _, r := range readJSONL(t, out.jsonl) {
		published[r.URL] = r.Published
	}
	if got := published[srv.URL+"/story/undated"]; got != "2026-03-01T08:30:00+01:00" {
		t.Errorf("undated page published = %q, want the news sitemap's date", got)
	}
	if got := published[srv.URL+"/story/dated"]; got != "2026-02-27T10:00:00+00:00" {
		t.Errorf("dated page published = %q, want the page's own date", got)
	}
}

func TestCrawlSitemapsFromRobots(t *testing.T) {
	mux := http.NewServeMux()
	var base string
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nAllow: /\nSitemap: %s/sitemap.xml\nSitemap: https://elsewhere.example/sitemap.xml\n", base)
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<urlset><url><loc>%s/story/from-sitemap</loc></url></urlset>`, base)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/" {
			fmt.Fprint(w, `<html><body><p>Front page without links.</p></body></html>`)
			return
		}
		fmt.Fprintf(w, `<html><head><title>Tide tables change</title></head><body><article><h1>Tide tables change</h1>
<p>The harbour office published new tide tables that take the dredging of the channel into account, for %s.</p>
<p>Skippers are asked to check the new times before they leave the marina this weekend.</p></article></body></html>`, r.URL.Path)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	base = srv.URL

	for _, on := range []bool{false, true} {
		t.Run(fmt.Sprint("sitemaps_from_robots=", on), func(t *testing.T) {
			cfg := testConfig(t, srv.URL+"/")
			cfg.SitemapsFromRobots = on
			cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/story/`)}
			sinks, _ := openTestSinks(t)
			summary := runCrawl(t, cfg, sinks)

			want := 0
			if on {
				want = 1
			}
			if summary.Articles != want {
				t.Errorf("wrote %d articles, want %d", summary.Articles, want)
			}
		})
	}
}
