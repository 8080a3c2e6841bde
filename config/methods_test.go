package config_test

import (
	"reflect"
	"regexp"
	"testing"

	"github.com/gleanerhq/gleaner/config"
)

func TestIsArticleURL(t *testing.T) {
	withPatterns := &config.Config{Articles: []*regexp.Regexp{regexp.MustCompile(`/article/\d+`), regexp.MustCompile(`^https://m\.`)}}
	withoutPatterns := &config.Config{}

	tests := []struct {
		name        string
		cfg         *config.Config
		url         string
		wantArticle bool
		wantDecided bool
	}{
		{"first pattern", withPatterns, "https://news.example.com/article/42", true, true},
		{"second pattern", withPatterns, "https://m.example.com/x", true, true},
		{"no match", withPatterns, "https://news.example.com/list/1", false, true},
		{"anchor respected", withPatterns, "https://news.example.com/?u=https://m.example.com", false, true},
		{"no patterns", withoutPatterns, "https://news.example.com/article/42", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			article, decided := tt.cfg.IsArticleURL(tt.url)
			if article != tt.wantArticle {
				t.Errorf("article = %v, want %v", article, tt.wantArticle)
			}
			if decided != tt.wantDecided {
				t.Errorf("decided = %v, want %v", decided, tt.wantDecided)
			}
		})
	}
}

func TestShouldFollow(t *testing.T) {
	withPatterns := &config.Config{Follow: []*regexp.Regexp{regexp.MustCompile(`/list/`)}}
	withoutPatterns := &config.Config{}

	tests := []struct {
		name string
		cfg  *config.Config
		url  string
		want bool
	}{
		{"match", withPatterns, "https://news.example.com/list/2", true},
		{"no match", withPatterns, "https://news.example.com/article/2", false},
		{"no patterns follows every page", withoutPatterns, "https://news.example.com/article/2", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.ShouldFollow(tt.url); got != tt.want {
				t.Errorf("ShouldFollow(%q) = %v, want %v", tt.url, got, tt.want)
			}
		})
	}
}

func TestDomainAllowed(t *testing.T) {
	cfg := &config.Config{AllowedDomains: []string{"example.com", ".example.org", "127.0.0.1", "::1"}}
	empty := &config.Config{}

	tests := []struct {
		name string
		cfg  *config.Config
		host string
		want bool
	}{
		{"exact host", cfg, "example.com", true},
		{"exact host in upper case", cfg, "EXAMPLE.com", true},
		{"exact host with port", cfg, "example.com:8080", true},
		{"exact host with trailing dot", cfg, "example.com.", true},
		{"subdomain of exact host", cfg, "www.example.com", false},
		{"dotted domain itself", cfg, "example.org", true},
		{"subdomain of dotted domain", cfg, "news.example.org", true},
		{"deep subdomain of dotted domain", cfg, "a.b.example.org", true},
		{"suffix that is no subdomain", cfg, "badexample.org", false},
		{"IPv4 with port", cfg, "127.0.0.1:8080", true},
		{"IPv6 with brackets and port", cfg, "[::1]:80", true},
		{"IPv6 bare", cfg, "::1", true},
		{"other host", cfg, "example.net", false},
		{"empty host", cfg, "", false},
		{"empty list allows nothing", empty, "example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.DomainAllowed(tt.host); got != tt.want {
				t.Errorf("DomainAllowed(%q) = %v, want %v", tt.host, got, tt.want)
			}
		})
	}
}

func TestSeedHosts(t *testing.T) {
	cfg := &config.Config{Seeds: []string{
		"https://News.Example.com/a",
		"file:///data/front.html",
		"http://news.example.com:8080/b",
		"http://127.0.0.1:8080/",
	}}

	want := []string{"news.example.com", "127.0.0.1"}
	if got := cfg.SeedHosts(); !reflect.DeepEqual(got, want) {
		t.Errorf("SeedHosts() = %q, want %q", got, want)
	}
}

func TestValidateBuiltInCode(t *testing.T) {
	tests := []struct {
		name  string
		build func() *config.Config
		want  []config.Problem
	}{
		{
			"defaults without seeds",
			config.Default,
			[]config.Problem{{Path: "seeds", Message: "missing: list at least one URL or file to start from"}},
		},
		{
			"seed host not allowed",
			func() *config.Config {
				cfg := config.Default()
				cfg.Seeds = []string{"https://news.example.com/"}
				return cfg
			},
			[]config.Problem{{Path: "seeds[0]", Message: `host "news.example.com" is not in allowed_domains: add it there or remove this seed`}},
		},
		{
			"bad values",
			func() *config.Config {
				cfg := config.Default()
				cfg.Seeds = []string{"news.example.com"}
				cfg.Parallelism = 0
				cfg.Timeout = 0
				cfg.UserAgent = " "
				cfg.Articles = []*regexp.Regexp{nil}
				cfg.Sinks = []config.SinkSpec{{Path: "out/a.jsonl"}}
				return cfg
			},
			[]config.Problem{
				{Path: "seeds[0]", Message: `invalid URL "news.example.com": missing scheme (use http, https or file)`},
				{Path: "articles[0]", Message: "missing regular expression (nil)"},
				{Path: "parallelism", Message: "must be at least 1, got 0"},
				{Path: "timeout", Message: "must be more than 0s, got 0s"},
				{Path: "user_agent", Message: "must not be empty"},
				{Path: "sinks[0].type", Message: "must not be empty"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problemsOf(t, tt.build().Validate())
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(tt.want))
			}
		})
	}
}

func TestValidateBuiltInCodeValid(t *testing.T) {
	cfg := config.Default()
	cfg.Seeds = []string{"https://news.example.com/"}
	cfg.AllowedDomains = cfg.SeedHosts()

	var checked []string
	check := func(spec config.SinkSpec) []config.Problem {
		checked = append(checked, spec.Type)
		return nil
	}
	cfg.Sinks = []config.SinkSpec{{Type: "jsonl", Path: "-"}}

	if err := cfg.Validate(config.WithSinkCheck(check)); err != nil {
		t.Fatal(err)
	}
	if want := []string{"jsonl"}; !reflect.DeepEqual(checked, want) {
		t.Errorf("checked %q, want %q", checked, want)
	}
}
