package crawler

import (
	"regexp"
	"testing"
)

// robotsTxt disallows one article. Its rules with a scheme and host name
// other hosts; they must not block this one.
const robotsTxt = `user-agent: *
disallow: http://backup01.shilihub.example/
disallow: https://old-m.shilihub.example/
disallow: /news/1002.html

user-agent: socialpreviewbot
disallow:
`

func TestCrawlRobotsTxt(t *testing.T) {
	tests := []struct {
		name        string
		respect     bool
		wantFetched int
		wantBlocked int
	}{
		{name: "respected", respect: true, wantFetched: 0, wantBlocked: 1},
		{name: "ignored", respect: false, wantFetched: 1, wantBlocked: 0},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newTestSite(t, robotsTxt)
			cfg := testConfig(t, site.URL+"/list/1.html")
			cfg.RespectRobotsTxt = tt.respect
			cfg.MaxDepth = 2
			cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/news/\d+\.html$`)}
			s, _ := openTestSinks(t)

			summary := runCrawl(t, cfg, s)

			if n := site.count("/news/1002.html"); n != tt.wantFetched {
				t.Errorf("/news/1002.html fetched %d times, want %d", n, tt.wantFetched)
			}
			if n := site.count("/news/1003.html"); n != 1 {
				t.Errorf("/news/1003.html fetched %d times, want 1: rules for other hosts must not block this one", n)
			}
			if summary.Blocked != tt.wantBlocked {
				t.Errorf("blocked = %d, want %d", summary.Blocked, tt.wantBlocked)
			}
			if tt.respect {
				if n := site.count("/robots.txt"); n != 1 {
					t.Errorf("/robots.txt fetched %d times, want once for the host", n)
				}
			}
		})
	}
}
