package robots

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// absoluteURLRules is a file whose rules with a scheme and host name other
// hosts. They must not block the host the file came from.
const absoluteURLRules = `user-agent: *
disallow: http://backup01.shilihub.example/
disallow: http://origin.shilihub.example/
disallow: http://shilihub.example.jp/
disallow: https://old-m.shilihub.example/
disallow: /search

user-agent: socialpreviewbot
disallow:
`

func TestAllowed(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		host   string
		agent  string
		target string
		want   bool
	}{
		{"absolute rules for other hosts keep the front page", absoluteURLRules, "www.shilihub.example", "ExampleNewsBot/1.0", "/", true},
		{"absolute rules for other hosts keep articles", absoluteURLRules, "www.shilihub.example", "ExampleNewsBot/1.0", "/news/2019/1112/a101.html", true},
		{"relative rule still applies", absoluteURLRules, "www.shilihub.example", "ExampleNewsBot/1.0", "/search?q=%E7%B4%85%E8%91%89", false},
		{"own group with empty disallow allows all", absoluteURLRules, "www.shilihub.example", "SocialPreviewBot/2.0", "/search?q=x", true},
		{"absolute rule for this host applies", "user-agent: *\ndisallow: https://www.news.example/private/\n", "www.news.example", "gleaner", "/private/a.html", false},
		{"absolute rule host ignores case", "user-agent: *\ndisallow: http://WWW.News.Example/private/\n", "www.news.example", "gleaner", "/private/a.html", false},
		{"absolute rule with other port", "user-agent: *\ndisallow: http://www.news.example:8080/\n", "www.news.example", "gleaner", "/a.html", true},
		{"absolute rule with same port", "user-agent: *\ndisallow: http://127.0.0.1:8080/x\n", "127.0.0.1:8080", "gleaner", "/x/1", false},
		{"absolute rule with default port", "user-agent: *\ndisallow: https://www.news.example:443/x\n", "www.news.example", "gleaner", "/x", false},
		{"absolute rule query", "user-agent: *\ndisallow: https://www.news.example/list?page=\n", "www.news.example", "gleaner", "/list?page=2", false},

		{"no file", "", "a.example", "gleaner", "/anything", true},
		{"disallow all", "user-agent: *\ndisallow: /\n", "a.example", "gleaner", "/a", false},
		{"robots.txt always allowed", "user-agent: *\ndisallow: /\n", "a.example", "gleaner", "/robots.txt", true},
		{"longest match allow wins", "user-agent: *\ndisallow: /news/\nallow: /news/public/\n", "a.example", "gleaner", "/news/public/a.html", true},
		{"longest match disallow wins", "user-agent: *\nallow: /news/\ndisallow: /news/private/\n", "a.example", "gleaner", "/news/private/a.html", false},
		{"order does not matter", "user-agent: *\nallow: /news/public/\ndisallow: /news/\n", "a.example", "gleaner", "/news/public/a.html", true},
		{"tie goes to allow", "user-agent: *\ndisallow: /page\nallow: /page\n", "a.example", "gleaner", "/page", true},
		{"wildcard", "user-agent: *\ndisallow: /*.pdf$\n", "a.example", "gleaner", "/files/report.pdf", false},
		{"end anchor", "user-agent: *\ndisallow: /*.pdf$\n", "a.example", "gleaner", "/files/report.pdf?download=1", true},
		{"wildcard in the middle", "user-agent: *\ndisallow: /news/*/print\n", "a.example", "gleaner", "/news/2023/11/print.html", false},
		{"wildcard allow longer than disallow", "user-agent: *\ndisallow: /\nallow: /*.html$\n", "a.example", "gleaner", "/news/a.html", true},
		{"dollar alone is the root", "user-agent: *\ndisallow: /$\n", "a.example", "gleaner", "/", false},
		{"dollar alone spares other paths", "user-agent: *\ndisallow: /$\n", "a.example", "gleaner", "/a", true},
		{"path is case-sensitive", "user-agent: *\ndisallow: /Private\n", "a.example", "gleaner", "/private", true},
		{"missing leading slash", "user-agent: *\ndisallow: private\n", "a.example", "gleaner", "/private/x", false},

		{"own group beats star", "user-agent: *\ndisallow: /\n\nuser-agent: gleaner\ndisallow: /tmp/\n", "a.example", "gleaner/0.1 (+https://github.com/gleanerhq/gleaner)", "/news/a.html", true},
		{"agent case-insensitive", "user-agent: GLEANER\ndisallow: /x\n", "a.example", "gleaner/0.1", "/x", false},
		{"agent line with version", "user-agent: Gleaner/2.0\ndisallow: /x\n", "a.example", "gleaner/0.1", "/x", false},
		{"other agent prefix does not match", "user-agent: gleaner-news\ndisallow: /x\n", "a.example", "gleaner/0.1", "/x", true},
		{"groups of one agent merge", "user-agent: gleaner\ndisallow: /a\n\nuser-agent: other\ndisallow: /b\n\nuser-agent: gleaner\ndisallow: /c\n", "a.example", "gleaner", "/c", false},
		{"several agents share a group", "user-agent: one\nuser-agent: gleaner\ndisallow: /x\n", "a.example", "gleaner", "/x", false},
		{"rule before any agent ignored", "disallow: /\nuser-agent: *\ndisallow: /x\n", "a.example", "gleaner", "/a", true},
		{"sitemap line does not end a group", "user-agent: gleaner\nsitemap: https://a.example/s.xml\ndisallow: /x\n", "a.example", "gleaner", "/x", false},
		{"comments", "user-agent: * # everyone\ndisallow: /x # not x\n", "a.example", "gleaner", "/x", false},
		{"CRLF lines and BOM", "\xef\xbb\xbfUser-Agent: *\r\nDisallow: /x\r\n", "a.example", "gleaner", "/x", false},
		{"CR lines", "User-Agent: *\rDisallow: /x\r", "a.example", "gleaner", "/x", false},
		{"misspelled disallow", "user-agent: *\ndissallow: /x\n", "a.example", "gleaner", "/x", false},
		{"line without colon skipped", "user-agent: *\ndisallow /\ndisallow: /x\n", "a.example", "gleaner", "/a", true},
		{"non-ASCII rule and encoded path", "user-agent: *\ndisallow: /新闻/\n", "a.example", "gleaner", "/%E6%96%B0%E9%97%BB/a.html", false},
		{"encoded rule and lower-case hex path", "user-agent: *\ndisallow: /%E6%96%B0/\n", "a.example", "gleaner", "/%e6%96%b0/a.html", false},
		{"encoded slash differs", "user-agent: *\ndisallow: /a/b\n", "a.example", "gleaner", "/a%2Fb", true},
		{"empty target is the root", "user-agent: *\ndisallow: /$\n", "a.example", "gleaner", "", false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			group := Parse([]byte(tt.file), tt.host).Group(tt.agent)

			if got := group.Allowed(tt.target); got != tt.want {
				t.Errorf("Allowed(%q) = %v, want %v", tt.target, got, tt.want)
			}
		})
	}
}

func TestCrawlDelay(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		agent string
		want  time.Duration
	}{
		{"seconds", "user-agent: *\ncrawl-delay: 5\n", "gleaner", 5 * time.Second},
		{"fraction", "user-agent: *\ncrawl-delay: 0.5\n", "gleaner", 500 * time.Millisecond},
		{"other group's delay", "user-agent: other\ncrawl-delay: 5\n\nuser-agent: *\ndisallow: /x\n", "gleaner", 0},
		{"own group's delay", "user-agent: *\ncrawl-delay: 1\n\nuser-agent: gleaner\ncrawl-delay: 3\n", "gleaner", 3 * time.Second},
		{"largest of merged groups", "user-agent: gleaner\ncrawl-delay: 3\n\nuser-agent: gleaner\ncrawl-delay: 7\n", "gleaner", 7 * time.Second},
		{"invalid", "user-agent: *\ncrawl-delay: soon\n", "gleaner", 0},
		{"negative", "user-agent: *\ncrawl-delay: -1\n", "gleaner", 0},
		{"huge is capped", "user-agent: *\ncrawl-delay: 1e300\n", "gleaner", 24 * time.Hour},
		{"none", "user-agent: *\ndisallow: /x\n", "gleaner", 0},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse([]byte(tt.file), "a.example").Group(tt.agent).CrawlDelay

			if got != tt.want {
				t.Errorf("CrawlDelay = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseReadsOnlyMaxSize(t *testing.T) {
	padding := "# " + strings.Repeat("x", MaxSize) + "\n"
	file := "user-agent: *\ndisallow: /early\n" + padding + "disallow: /late\n"

	group := Parse([]byte(file), "a.example").Group("gleaner")

	if group.Allowed("/early") {
		t.Error("/early allowed, want the rule before the limit applied")
	}
	if !group.Allowed("/late") {
		t.Error("/late disallowed, want the rule past the limit ignored")
	}
}

func TestNilRulesAllowEverything(t *testing.T) {
	var rules *Rules

	if !rules.Group("gleaner").Allowed("/anything") {
		t.Error("nil Rules disallowed a path")
	}
}

func TestProductToken(t *testing.T) {
	tests := []struct {
		userAgent string
		want      string
	}{
		{"gleaner/0.1 (+https://github.com/gleanerhq/gleaner)", "gleaner"},
		{"ExampleNewsBot/1.0", "examplenewsbot"},
		{"360Spider", "360spider"},
		{"my_bot-2 extra", "my_bot-2"},
		{"(none)", ""},
	}

	for _, tt := range tests {
		t.Run(tt.userAgent, func(t *testing.T) {
			if got := ProductToken(tt.userAgent); got != tt.want {
				t.Errorf("ProductToken(%q) = %q, want %q", tt.userAgent, got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern string
		path    string
		want    bool
	}{
		{"/", "/", true},
		{"/a", "/abc", true},
		{"/abc", "/a", false},
		{"*", "/x", true},
		{"/*", "/", true},
		{"/a*c", "/abbbc/d", true},
		{"/a*c$", "/abbbc/d", false},
		{"/a*c$", "/abcbc", true},
		{"/a*b*c", "/a-c-b", false},
		{"/a*b*c", "/a-b-c", true},
		{"/a$", "/a", true},
		{"/a$", "/ab", false},
		{"/a$b", "/a$b", true},
		{"/**", "/z", true},
		{"*$", "", true},
		{"/x*yx$", "/xyx", true},
	}

	for _, tt := range tests {
		t.Run(tt.pattern+" "+tt.path, func(t *testing.T) {
			if got := Match(tt.pattern, tt.path); got != tt.want {
				t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
			}
		})
	}
}

func TestSitemaps(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"none", "user-agent: *\ndisallow: /x\n", nil},
		{"outside groups", "Sitemap: https://news.example/sitemap.xml\nuser-agent: *\ndisallow: /x\nsitemap: https://news.example/news.xml\n",
			[]string{"https://news.example/sitemap.xml", "https://news.example/news.xml"}},
		{"empty value", "sitemap:\n", nil},
		{"before any group", "SITEMAP: https://news.example/a.xml.gz\n", []string{"https://news.example/a.xml.gz"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse([]byte(tt.body), "news.example").Sitemaps()
			if !slices.Equal(got, tt.want) {
				t.Errorf("Sitemaps() = %q, want %q", got, tt.want)
			}
		})
	}
	if got := (*Rules)(nil).Sitemaps(); got != nil {
		t.Errorf("nil Rules: %q", got)
	}
}
