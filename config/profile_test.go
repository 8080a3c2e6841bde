package config_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/extract"
)

// fullProfile is a profile that sets every key.
const fullProfile = `profiles:
  - hosts: ["news.example-agg.com", "*.Example-Agg.com"]
    title: "h1.news-detail__title"
    published: ".news-detail__meta .time"
    date_layout: "2006-01-02 15:04:05"
    time_zone: Asia/Taipei
    body: ".news-detail__body"
    authors: ".author"
    remove: [".news-detail__statement", ".news-detail__share"]
    recommended:
      block: "section.recommend"
      item: "li.rec-item"
      link: "a.rec-item__title"
      summary: ".rec-item__desc"
      source: ".src"
      published: ".ago"
`

func TestParseFullProfile(t *testing.T) {
	cfg, err := config.Parse([]byte(seedLine+fullProfile), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Profiles) != 1 {
		t.Fatalf("got %d profiles, want 1", len(cfg.Profiles))
	}
	site := cfg.Profiles[0]
	prof := site.Profile

	var keys []string
	for _, s := range site.Selectors {
		keys = append(keys, s.Key)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"name from first host", site.Name, "news.example-agg.com"},
		{"extract profile name", prof.Name, "news.example-agg.com"},
		{"hosts in lower case", site.Hosts, []string{"news.example-agg.com", "*.example-agg.com"}},
		{"line", site.Line, 3},
		{"key path", site.KeyPath, "profiles[0]"},
		{"selector keys in file order", keys, []string{"title", "published", "body", "authors", "remove[0]", "remove[1]", "recommended.block", "recommended.item", "recommended.link", "recommended.summary", "recommended.source", "recommended.published"}},
		{"selector text", site.Selectors[1].Selector, ".news-detail__meta .time"},
		{"selector line", site.Selectors[1].Line, 5},
		{"selector matcher is the profile's", reflect.ValueOf(site.Selectors[1].Matcher).Pointer(), reflect.ValueOf(prof.Published).Pointer()},
		{"date layout", prof.DateLayout, "2006-01-02 15:04:05"},
		{"time zone", prof.Location.String(), "Asia/Taipei"},
		{"remove count", len(prof.Remove), 2},
		{"every matcher set", []bool{prof.Title != nil, prof.Published != nil, prof.Body != nil, prof.Authors != nil, prof.Recommended != nil, prof.Item != nil, prof.ItemLink != nil, prof.ItemSummary != nil, prof.ItemSource != nil, prof.ItemPublished != nil}, []bool{true, true, true, true, true, true, true, true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

// TestProfileSelectorsMatch checks that the compiled selectors are the
// ones written, by running them on a small page.
func TestProfileSelectorsMatch(t *testing.T) {
	cfg, err := config.Parse([]byte(seedLine+fullProfile), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	prof := cfg.Profiles[0].Profile

	page := `<html><body><h1 class="news-detail__title">Headline</h1><h1>Other</h1>
<section class="recommend"><li class="rec-item"><a class="rec-item__title" href="/a/1">One</a></li></section></body></html>`
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		matcher goquery.Matcher
		want    int
	}{
		{"title", prof.Title, 1},
		{"recommended block", prof.Recommended, 1},
		{"recommended link", prof.ItemLink, 1},
		{"body matches nothing", prof.Body, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := doc.FindMatcher(tt.matcher).Length(); got != tt.want {
				t.Errorf("matched %d elements, want %d", got, tt.want)
			}
		})
	}
}

func TestParseProfileForms(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		field func(*config.Config) any
		want  any
	}{
		{"only a title", "profiles: [{hosts: [a.example], title: h1}]", func(c *config.Config) any { return c.Profiles[0].Profile.Title != nil }, true},
		{"only a time zone", "profiles: [{hosts: [a.example], time_zone: Asia/Tokyo}]", func(c *config.Config) any { return c.Profiles[0].Profile.Location.String() }, "Asia/Tokyo"},
		{"explicit name", "profiles: [{name: agg, hosts: [a.example], body: article}]", func(c *config.Config) any { return c.Profiles[0].Profile.Name }, "agg"},
		{"no profiles key", "delay: 1s", func(c *config.Config) any { return len(c.Profiles) }, 0},
		{"recommended without item", "profiles: [{hosts: [a.example], recommended: {block: ul.related, link: a}}]", func(c *config.Config) any { return c.Profiles[0].Profile.Item == nil }, true},
		{"selector group", "profiles: [{hosts: [a.example], title: 'h1.title, h2.headline'}]", func(c *config.Config) any { return c.Profiles[0].Selectors[0].Selector }, "h1.title, h2.headline"},
		{"date layout with day only", "profiles: [{hosts: [a.example], published: time, date_layout: '2006年1月2日'}]", func(c *config.Config) any { return c.Profiles[0].Profile.DateLayout }, "2006年1月2日"},
		{"date layout with PM", "profiles: [{hosts: [a.example], published: time, date_layout: 'Jan 2, 2006 3:04 PM'}]", func(c *config.Config) any { return c.Profiles[0].Profile.DateLayout }, "Jan 2, 2006 3:04 PM"},
		{"date layout with zone", "profiles: [{hosts: [a.example], published: time, date_layout: '2006-01-02T15:04:05Z07:00'}]", func(c *config.Config) any { return c.Profiles[0].Profile.DateLayout }, "2006-01-02T15:04:05Z07:00"},
		{"IPv6 host", "profiles: [{hosts: ['::1'], body: main}]", func(c *config.Config) any { return c.Profiles[0].Hosts }, []string{"::1"}},
		{"two profiles in order", "profiles:\n  - {hosts: [a.example], body: main}\n  - {hosts: [b.example], body: article}\n", func(c *config.Config) any { return []string{c.Profiles[0].Name, c.Profiles[1].Name} }, []string{"a.example", "b.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(seedLine+tt.yaml+"\n"), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}

			if got := tt.field(cfg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseProfileProblems(t *testing.T) {
	const head = seedLine + "profiles:\n"
	tests := []struct {
		name string
		yaml string
		want []config.Problem
	}{
		{"profiles as mapping", seedLine + "profiles: {hosts: [a.example]}\n", []config.Problem{{2, "profiles", `must be a list, got a mapping (start each item on its own line with "- ")`}}},
		{"profiles empty", seedLine + "profiles: []\n", []config.Problem{{2, "profiles", "empty list: remove the key, or list at least one profile"}}},
		{"hosts missing", head + "  - title: h1\n", []config.Problem{{3, "profiles[0]", `missing required key "hosts": list the host names the profile applies to, such as news.example.com or *.example.com`}}},
		{"hosts as string", head + "  - hosts: a.example\n    title: h1\n", []config.Problem{{3, "profiles[0].hosts", `must be a list, got string "a.example" (start each item on its own line with "- ")`}}},
		{"host with path", head + "  - hosts: [a.example/news]\n    title: h1\n", []config.Problem{{3, "profiles[0].hosts[0]", `invalid host pattern "a.example/news": remove the path, keeping only a host such as news.example.com`}}},
		{"host with trailing dot", head + "  - hosts: [a.example.]\n    title: h1\n", []config.Problem{{3, "profiles[0].hosts[0]", `invalid host pattern "a.example.": remove the trailing dot`}}},
		{"host empty", head + "  - hosts: ['']\n    title: h1\n", []config.Problem{{3, "profiles[0].hosts[0]", "must not be empty"}}},
		{"host with space", head + "  - hosts: ['a .example']\n    title: h1\n", []config.Problem{{3, "profiles[0].hosts[0]", `invalid host pattern "a .example": remove the spaces`}}},
		{"bad selector", head + "  - hosts: [a.example]\n    recommended: {block: ul, link: 'a[href'}\n", []config.Problem{{4, "profiles[0].recommended.link", `invalid CSS selector "a[href": unexpected EOF in attribute selector`}}},
		{"pseudo-element selector", head + "  - hosts: [a.example]\n    title: 'h1::before'\n", []config.Problem{{4, "profiles[0].title", `invalid CSS selector "h1::before": pseudo-element before found, but pseudo-elements support is disabled`}}},
		{"blank selector", head + "  - hosts: [a.example]\n    title: '  '\n", []config.Problem{{4, "profiles[0].title", "must not be empty (remove the key to let the generic extractor find the value)"}}},
		{"selector as list", head + "  - hosts: [a.example]\n    body: [main]\n", []config.Problem{{4, "profiles[0].body", "must be a string, got a list"}}},
		{"remove as string", head + "  - hosts: [a.example]\n    remove: .ad\n", []config.Problem{{4, "profiles[0].remove", `must be a list, got string ".ad" (start each item on its own line with "- ")`}}},
		{"remove empty", head + "  - hosts: [a.example]\n    remove: []\n", []config.Problem{{4, "profiles[0].remove", "empty list: remove the key, or list the CSS selectors of the elements to drop"}}},
		{"recommended without block", head + "  - hosts: [a.example]\n    recommended:\n      link: a\n", []config.Problem{{4, "profiles[0].recommended", `missing required key "block": the CSS selector of each recommended list's container, such as "section.recommend"`}}},
		{"recommended empty", head + "  - hosts: [a.example]\n    recommended:\n", []config.Problem{{4, "profiles[0].recommended", "missing value"}}},
		{"unknown key", head + "  - hosts: [a.example]\n    bdoy: main\n", []config.Problem{{4, "profiles[0].bdoy", `unknown key (did you mean "body"?)`}}},
		{"unknown recommended key", head + "  - hosts: [a.example]\n    recommended: {block: ul, link: a, url: a}\n", []config.Problem{{4, "profiles[0].recommended.url", "unknown key (known keys: block, item, link, published, source, summary)"}}},
		{"duplicate key", head + "  - hosts: [a.example]\n    body: main\n    body: article\n", []config.Problem{{5, "profiles[0].body", "duplicate key (first set on line 4)"}}},
		{"time zone Local", head + "  - hosts: [a.example]\n    time_zone: Local\n", []config.Problem{{4, "profiles[0].time_zone", `invalid time zone "Local": use an IANA name such as Asia/Shanghai, Europe/London or UTC`}}},
		{"date layout without published", head + "  - hosts: [a.example]\n    date_layout: '2006-01-02'\n", []config.Problem{{4, "profiles[0].date_layout", `applies only to the text of the "published" selector: add published, or remove date_layout`}}},
		{"date layout without day", head + "  - hosts: [a.example]\n    published: time\n    date_layout: '2006-01'\n", []config.Problem{{5, "profiles[0].date_layout", `invalid date layout "2006-01": it writes 2023-11-14 16:11:06 as "2023-11" but reads that back as 2023-11-01 00:00:00: write Go's reference time 2006-01-02 15:04:05 in the site's format, such as "2006-01-02 15:04" or "2006年1月2日 15:04"`}}},
		{"date layout empty", head + "  - hosts: [a.example]\n    published: time\n    date_layout: ''\n", []config.Problem{{5, "profiles[0].date_layout", "must not be empty (remove the key to let the generic date reader read the text)"}}},
		{"name empty", head + "  - name: ''\n    hosts: [a.example]\n    body: main\n", []config.Problem{{3, "profiles[0].name", "must not be empty (remove the key to name the profile after its first host pattern)"}}},
		{"same host twice", head + "  - {hosts: [a.example], body: main}\n  - {hosts: [b.example, a.example], body: article}\n", []config.Problem{{4, "profiles[1].hosts[1]", `host pattern "a.example" is already listed in profiles[0].hosts[0], which is chosen first for such hosts: remove it from one of them`}}},
		{"same name twice", head + "  - {name: agg, hosts: [a.example], body: main}\n  - {name: agg, hosts: [b.example], body: article}\n", []config.Problem{{4, "profiles[1].name", `profile name "agg" is already used by profiles[0]: give each profile its own name key`}}},
		{"profile changes nothing", head + "  - hosts: [a.example]\n", []config.Problem{{3, "profiles[0]", "the profile sets no selector and no time_zone, so it would change nothing: add one, or remove the profile"}}},
		{"profile as string", head + "  - a.example\n", []config.Problem{{3, "profiles[0]", `must be a mapping with a "hosts" key and selectors, got string "a.example"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.yaml), t.TempDir())
			if cfg != nil {
				t.Errorf("Parse returned a Config with the error")
			}

			got := problemsOf(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(tt.want))
			}
		})
	}
}

func TestProfileFor(t *testing.T) {
	data := seedLine + `profiles:
  - name: agg
    hosts: [news.example-agg.com, "*.example-agg.com"]
    body: main
  - hosts: ["news?.example.org", "[ab].example.net", "127.0.0.1", "::1"]
    body: article
`
	cfg, err := config.Parse([]byte(data), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		host string
		want string
	}{
		{"exact host", "news.example-agg.com", "agg"},
		{"upper case and port", "NEWS.Example-Agg.com:8443", "agg"},
		{"subdomain through star", "m.example-agg.com", "agg"},
		{"star spans dots", "a.b.example-agg.com", "agg"},
		{"star needs a subdomain", "example-agg.com", ""},
		{"question mark", "news2.example.org", "news?.example.org"},
		{"character class", "b.example.net", "news?.example.org"},
		{"character class miss", "c.example.net", ""},
		{"IP address with port", "127.0.0.1:8080", "news?.example.org"},
		{"IPv6 with brackets", "[::1]:8080", "news?.example.org"},
		{"trailing dot", "news.example-agg.com.", "agg"},
		{"empty host of a file URL", "", ""},
		{"other host", "news.example.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if prof := cfg.ProfileFor(tt.host); prof != nil {
				got = prof.Name
			}
			if got != tt.want {
				t.Errorf("ProfileFor(%q) = profile %q, want %q", tt.host, got, tt.want)
			}
		})
	}
}

func TestProfileForStar(t *testing.T) {
	cfg := &config.Config{Profiles: []config.SiteProfile{{Name: "all", Hosts: []string{"*"}, Profile: &extract.Profile{Name: "all"}}}}

	if prof := cfg.ProfileFor(""); prof != nil {
		t.Errorf("ProfileFor(\"\") = %q, want nil: a file URL has no host", prof.Name)
	}
	if prof := cfg.ProfileFor("any.example"); prof == nil {
		t.Errorf("ProfileFor(any.example) = nil, want the profile of \"*\"")
	}
}

func TestValidateProfiles(t *testing.T) {
	cfg := config.Default()
	cfg.Seeds = []string{"https://news.example.com/"}
	cfg.AllowedDomains = []string{"news.example.com"}
	cfg.Sinks = []config.SinkSpec{{Type: "jsonl", Path: "-"}}
	cfg.Profiles = []config.SiteProfile{
		{Name: "ok", Hosts: []string{"news.example.com"}, Profile: &extract.Profile{Location: time.UTC}},
		{Name: "", Hosts: nil, Profile: nil},
		{Name: "bad host", Hosts: []string{"https://x.example"}, Profile: &extract.Profile{}},
	}

	want := []config.Problem{
		{0, "profiles[1]", "missing compiled profile (nil)"},
		{0, "profiles[1].name", "must not be empty"},
		{0, "profiles[1].hosts", "must list at least one host pattern, such as news.example.com or *.example.com"},
		{0, "profiles[2].hosts[0]", `invalid host pattern "https://x.example": remove the scheme, keeping only a host such as news.example.com`},
	}
	if got := problemsOf(t, cfg.Validate()); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(want))
	}
}
