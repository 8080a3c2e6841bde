package crawler

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCrawlTestSite(t *testing.T) {
	tests := []struct {
		name     string
		articles []*regexp.Regexp
	}{
		{name: "article patterns", articles: []*regexp.Regexp{regexp.MustCompile(`/news/\d+\.html$`)}},
		{name: "page type detection"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newTestSite(t, "")
			cfg := testConfig(t, site.URL+"/list/1.html")
			cfg.Articles = tt.articles
			s, out := openTestSinks(t)

			summary := runCrawl(t, cfg, s)

			want := site.articleURLs()
			records := readJSONL(t, out.jsonl)
			var got []string
			for _, r := range records {
				got = append(got, r.URL)
				if strings.TrimSpace(r.Title) == "" {
					t.Errorf("record %s: empty title", r.URL)
				}
				if strings.TrimSpace(r.Body) == "" {
					t.Errorf("record %s: empty body", r.URL)
				}
				if strings.ContainsRune(r.Title, utf8.RuneError) {
					t.Errorf("record %s: title %q holds U+FFFD: the page was decoded with the wrong charset", r.URL, r.Title)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("jsonl records by URL:\n got %q\nwant %q", got, want)
			}

			rows := readSQLite(t, out.sqlite)
			var gotRows []string
			for _, row := range rows {
				gotRows = append(gotRows, row.url)
				if row.title == "" || row.body == "" {
					t.Errorf("sqlite row %s: empty title or body", row.url)
				}
			}
			if !slices.Equal(gotRows, want) {
				t.Errorf("sqlite rows by URL:\n got %q\nwant %q", gotRows, want)
			}

			if summary.Articles != len(want) {
				t.Errorf("summary articles = %d, want %d", summary.Articles, len(want))
			}
			if summary.Errors["http_404"] == 0 {
				t.Errorf("summary errors = %v, want http_404 counted", summary.Errors)
			}
			if summary.Errors["http_500"] != 1 {
				t.Errorf("summary errors = %v, want one http_500", summary.Errors)
			}
			if n := site.count("/news/1001.html"); n != 1 {
				t.Errorf("/news/1001.html fetched %d times, want 1 (it is linked directly and through a redirect)", n)
			}
			if n := site.count("/news/missing.html"); n != 1 {
				t.Errorf("/news/missing.html fetched %d times, want 1 (links differ only in the fragment)", n)
			}
			t.Logf("summary: %+v", summary)
		})
	}
}
