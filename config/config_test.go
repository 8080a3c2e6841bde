package config_test

import (
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/config"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// seedLine starts the configurations of the tests that are not about seeds.
const seedLine = "seeds: [https://news.example.com/]\n"

// problemsOf returns the problems of an *Error, failing the test for any other error.
func problemsOf(t *testing.T, err error) []config.Problem {
	t.Helper()
	var configErr *config.Error
	if !errors.As(err, &configErr) {
		t.Fatalf("error = %v (%T), want *config.Error", err, err)
	}
	return configErr.Problems
}

func formatProblems(problems []config.Problem) string {
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = p.String()
	}
	return "\n" + strings.Join(lines, "\n")
}

func TestParseDefaults(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Parse([]byte("seeds:\n  - http://News.Example.com:8080/latest\n"), dir)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"dir", cfg.Dir, dir},
		{"file", cfg.File, ""},
		{"seeds", cfg.Seeds, []string{"http://News.Example.com:8080/latest"}},
		{"articles", len(cfg.Articles), 0},
		{"follow", len(cfg.Follow), 0},
		{"allowed domains from seeds", cfg.AllowedDomains, []string{"news.example.com"}},
		{"max depth", cfg.MaxDepth, 5},
		{"parallelism", cfg.Parallelism, 4},
		{"delay", cfg.Delay, time.Second},
		{"timeout", cfg.Timeout, 30 * time.Second},
		{"user agent", cfg.UserAgent, "gleaner/0.1 (+https://github.com/gleanerhq/gleaner)"},
		{"time zone", cfg.TimeZone == nil, true},
		{"max body size", cfg.MaxBodySize, int64(10 << 20)},
		{"robots.txt", cfg.RespectRobotsTxt, true},
		{"sink count", len(cfg.Sinks), 1},
		{"sink type", cfg.Sinks[0].Type, "sqlite"},
		{"sink path", cfg.Sinks[0].Path, filepath.Join(dir, "out", "gleaner.db")},
		{"sink line", cfg.Sinks[0].Line, 0},
		{"sink key path", cfg.Sinks[0].KeyPath, "sinks[0]"},
		{"sink node type", cfg.Sinks[0].Lookup("type").Value, "sqlite"},
		{"sink node path", cfg.Sinks[0].Lookup("path").Value, "out/gleaner.db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestParseDocumentMarker(t *testing.T) {
	cfg, err := config.Parse([]byte("---\n"+seedLine+"parallelism: 2\n...\n"), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	if cfg.Parallelism != 2 {
		t.Errorf("Parallelism = %d, want 2", cfg.Parallelism)
	}
}

func TestParseAllKeys(t *testing.T) {
	dir := t.TempDir()
	data := `
seeds:
  - https://news.example.com/
  - https://www.example.org/world
articles:
  - '/article/\d+'
  - '^https://www\.example\.org/story/'
follow: ['/list/']
allowed_domains: [News.Example.com, .example.org]
max_depth: 0
parallelism: 8
delay: 250ms
user_agent: "gleaner-test/1.0"
timeout: 1m30s
time_zone: Asia/Shanghai
max_body_size: 2MiB
respect_robots_txt: false
sinks:
  - type: jsonl
    path: out/records.jsonl
  - type: postgres
    dsn: postgres://127.0.0.1/news
  - type: parquet
    path: /srv/parquet
`
	cfg, err := config.Parse([]byte(data), dir)
	if err != nil {
		t.Fatal(err)
	}

	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"seeds", cfg.Seeds, []string{"https://news.example.com/", "https://www.example.org/world"}},
		{"article sources", []string{cfg.Articles[0].String(), cfg.Articles[1].String()}, []string{`/article/\d+`, `^https://www\.example\.org/story/`}},
		{"follow sources", []string{cfg.Follow[0].String()}, []string{"/list/"}},
		{"allowed domains lower case", cfg.AllowedDomains, []string{"news.example.com", ".example.org"}},
		{"max depth", cfg.MaxDepth, 0},
		{"parallelism", cfg.Parallelism, 8},
		{"delay", cfg.Delay, 250 * time.Millisecond},
		{"timeout", cfg.Timeout, 90 * time.Second},
		{"user agent", cfg.UserAgent, "gleaner-test/1.0"},
		{"time zone", cfg.TimeZone.String(), shanghai.String()},
		{"max body size", cfg.MaxBodySize, int64(2 << 20)},
		{"robots.txt", cfg.RespectRobotsTxt, false},
		{"sink types", []string{cfg.Sinks[0].Type, cfg.Sinks[1].Type, cfg.Sinks[2].Type}, []string{"jsonl", "postgres", "parquet"}},
		{"sink paths", []string{cfg.Sinks[0].Path, cfg.Sinks[1].Path, cfg.Sinks[2].Path}, []string{filepath.Join(dir, "out", "records.jsonl"), "", "/srv/parquet"}},
		{"sink lines", []int{cfg.Sinks[0].Line, cfg.Sinks[1].Line, cfg.Sinks[2].Line}, []int{19, 21, 23}},
		{"sink key paths", []string{cfg.Sinks[0].KeyPath, cfg.Sinks[1].KeyPath, cfg.Sinks[2].KeyPath}, []string{"sinks[0]", "sinks[1]", "sinks[2]"}},
		{"sink setting kept in node", cfg.Sinks[1].Lookup("dsn").Value, "postgres://127.0.0.1/news"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestParseValueForms(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		field func(*config.Config) any
		want  any
	}{
		{"size in bytes", "max_body_size: 1048576", func(c *config.Config) any { return c.MaxBodySize }, int64(1048576)},
		{"size in MB", "max_body_size: 10MB", func(c *config.Config) any { return c.MaxBodySize }, int64(10_000_000)},
		{"size in MiB", "max_body_size: 1MiB", func(c *config.Config) any { return c.MaxBodySize }, int64(1 << 20)},
		{"size with space and lower case", "max_body_size: 3 kib", func(c *config.Config) any { return c.MaxBodySize }, int64(3072)},
		{"size as quoted number", `max_body_size: "512"`, func(c *config.Config) any { return c.MaxBodySize }, int64(512)},
		{"size in GB", "max_body_size: 2GB", func(c *config.Config) any { return c.MaxBodySize }, int64(2_000_000_000)},
		{"delay zero as number", "delay: 0", func(c *config.Config) any { return c.Delay }, time.Duration(0)},
		{"delay zero seconds", "delay: 0s", func(c *config.Config) any { return c.Delay }, time.Duration(0)},
		{"delay compound", "delay: 1m30s", func(c *config.Config) any { return c.Delay }, 90 * time.Second},
		{"max depth one", "max_depth: 1", func(c *config.Config) any { return c.MaxDepth }, 1},
		{"parallelism hexadecimal", "parallelism: 0x10", func(c *config.Config) any { return c.Parallelism }, 16},
		{"time zone UTC", "time_zone: UTC", func(c *config.Config) any { return c.TimeZone.String() }, "UTC"},
		{"time zone New York", "time_zone: America/New_York", func(c *config.Config) any { return c.TimeZone.String() }, "America/New_York"},
		{"robots.txt capitalised", "respect_robots_txt: False", func(c *config.Config) any { return c.RespectRobotsTxt }, false},
		{"user agent with unicode", "user_agent: \"gleaner/0.1 (測試)\"", func(c *config.Config) any { return c.UserAgent }, "gleaner/0.1 (測試)"},
		{"alias reused", "delay: &d 2s\ntimeout: *d", func(c *config.Config) any { return c.Timeout }, 2 * time.Second},
		{"stdout sink path", "sinks: [{type: jsonl, path: '-'}]", func(c *config.Config) any { return c.Sinks[0].Path }, "-"},
		{"sink without path", "sinks: [{type: postgres, dsn: x}]", func(c *config.Config) any { return c.Sinks[0].Path }, ""},
		{"allowed domains of several forms", "allowed_domains: [news.example.com, '::1', 127.0.0.1, .Example.org, xn--fiq228c.example, 新聞.example]", func(c *config.Config) any { return c.AllowedDomains }, []string{"news.example.com", "::1", "127.0.0.1", ".example.org", "xn--fiq228c.example", "新聞.example"}},
		{"empty articles list", "articles: []", func(c *config.Config) any { return len(c.Articles) }, 0},
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

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []config.Problem
	}{
		// The file as a whole.
		{"empty file", "", []config.Problem{{0, "", `the file is empty: write at least the "seeds" key`}}},
		{"only comments", "# nothing yet\n", []config.Problem{{0, "", `the file is empty: write at least the "seeds" key`}}},
		{"only document marker", "---\n", []config.Problem{{1, "", `the file has no keys: write at least the "seeds" key`}}},
		{"list at top", "- https://news.example.com/\n", []config.Problem{{1, "", `the file must be a mapping of keys such as "seeds:", got a list`}}},
		{"scalar at top", "https://news.example.com/\n", []config.Problem{{1, "", `the file must be a mapping of keys such as "seeds:", got string "https://news.example.com/"`}}},
		{"syntax error", "seeds:\n  - https://news.example.com/\n delay: 1s\n", []config.Problem{{3, "", "invalid YAML: did not find expected key"}}},
		{"unclosed list", "seeds: [https://news.example.com/\n", []config.Problem{{2, "", "invalid YAML: did not find expected ',' or ']'"}}},
		{"tab indentation", "seeds:\n\t- x\n", []config.Problem{{2, "", "invalid YAML: found character that cannot start any token"}}},
		{"second document", seedLine + "---\ndelay: 1s\n", []config.Problem{{2, "", `the file has a second YAML document: remove the "---" line and what follows, or merge the two`}}},

		// Keys.
		{"unknown key close to a known one", seedLine + "user-agent: x\n", []config.Problem{{2, "user-agent", `unknown key (did you mean "user_agent"?)`}}},
		{"unknown key with wrong case", seedLine + "Delay: 1s\n", []config.Problem{{2, "Delay", `unknown key (did you mean "delay"?)`}}},
		{"unknown key with swapped letters", seedLine + "parallelsim: 2\n", []config.Problem{{2, "parallelsim", `unknown key (did you mean "parallelism"?)`}}},
		{"unknown long key close to a known one", seedLine + "allow_private_network: true\n", []config.Problem{{2, "allow_private_network", `unknown key (did you mean "allow_private_networks"?)`}}},
		{"unknown key far from all", seedLine + "proxy: http://127.0.0.1:3128\n", []config.Problem{{2, "proxy", "unknown key (known keys: allow_private_networks, allowed_domains, articles, connect_timeout, delay, delay_jitter, follow, header_timeout, lock_file, max_body_size, max_delay, max_depth, max_links_per_page, max_path_repeats, max_query_params, max_redirects, max_retries, max_retry_wait, max_url_length, on_sink_error, parallelism, profiles, recheck_within, respect_robots_txt, retry_backoff, seeds, sinks, sitemaps_from_robots, spool_dir, state_file, strip_query_params, time_zone, timeout, user_agent)"}}},
		{"duplicate key", seedLine + "delay: 1s\ndelay: 2s\n", []config.Problem{{3, "delay", "duplicate key (first set on line 2)"}}},
		{"merge key", seedLine + "<<: {delay: 1s}\n", []config.Problem{{2, "<<", "merge keys (<<) are not supported: write the keys out"}}},
		{"list as key", seedLine + "? [a, b]\n: c\n", []config.Problem{{2, "", "keys must be plain names, got a list"}}},
		{"empty value", seedLine + "delay:\n", []config.Problem{{2, "delay", "missing value (remove the key to use the default)"}}},

		// seeds.
		{"seeds missing", "delay: 1s\n", []config.Problem{{0, "seeds", "missing: list at least one URL or file to start from"}}},
		{"seeds empty list", "seeds: []\n", []config.Problem{{1, "seeds", "must list at least one URL or file to start from"}}},
		{"seeds empty value", "seeds:\n", []config.Problem{{1, "seeds", "missing value: list at least one URL or file to start from"}}},
		{"seeds as string", "seeds: https://news.example.com/\n", []config.Problem{{1, "seeds", `must be a list, got string "https://news.example.com/" (start each item on its own line with "- ")`}}},
		{"seed as number", "seeds:\n  - 8080\n", []config.Problem{{2, "seeds[0]", "must be a string, got integer 8080 (put it in quotes)"}}},
		{"seed empty item", "seeds:\n  -\n", []config.Problem{{2, "seeds[0]", "missing value"}}},
		{"seed empty string", "seeds: ['']\n", []config.Problem{{1, "seeds[0]", "must not be empty"}}},
		{"seed unsupported scheme", "seeds: ['htp://x']\n", []config.Problem{{1, "seeds[0]", `invalid URL "htp://x": unsupported scheme "htp" (use http, https or file)`}}},
		{"seed ftp scheme", "seeds: ['ftp://files.example.com/']\n", []config.Problem{{1, "seeds[0]", `invalid URL "ftp://files.example.com/": unsupported scheme "ftp" (use http, https or file)`}}},
		{"seed without host", "seeds: ['http:///news']\n", []config.Problem{{1, "seeds[0]", `invalid URL "http:///news": missing host`}}},
		{"seed that does not parse", "seeds: ['http://[::1/']\n", []config.Problem{{1, "seeds[0]", `invalid URL "http://[::1/": missing ']' in host`}}},
		{"seed with spaces", "seeds: [' https://news.example.com/']\n", []config.Problem{{1, "seeds[0]", `invalid URL " https://news.example.com/": remove the spaces around it`}}},
		{"seed relative file URL", "seeds: ['file:front.html']\n", []config.Problem{{1, "seeds[0]", `invalid URL "file:front.html": a file URL needs an absolute path, such as file:///data/page.html (write a relative path without "file:")`}}},
		{"seed file URL with host", "seeds: ['file://server/front.html']\n", []config.Problem{{1, "seeds[0]", `invalid URL "file://server/front.html": a file URL cannot name a host other than localhost`}}},
		{"seed listed twice", "seeds:\n  - https://news.example.com/\n  - https://news.example.com/\n", []config.Problem{{3, "seeds[1]", "duplicate of seeds[0]"}}},
		{"seed host not allowed", "seeds: ['https://news.example.com/']\nallowed_domains: [example.org]\n", []config.Problem{{1, "seeds[0]", `host "news.example.com" is not in allowed_domains: add it there or remove this seed`}}},
		{"seed index after rejected item", "seeds:\n  - 1\n  - https://news.example.com/\n  - https://news.example.com/\n", []config.Problem{
			{2, "seeds[0]", "must be a string, got integer 1 (put it in quotes)"},
			{4, "seeds[2]", "duplicate of seeds[1]"},
		}},

		// articles and follow.
		{"bad regular expression", seedLine + "articles:\n  - '/a/'\n  - '('\n", []config.Problem{{4, "articles[1]", "invalid regular expression \"(\": missing closing ): `(`"}}},
		{"Perl lookahead", seedLine + "follow: ['/list/(?!old)']\n", []config.Problem{{2, "follow[0]", "invalid regular expression \"/list/(?!old)\": invalid or unsupported Perl syntax: `(?!`"}}},
		{"empty regular expression", seedLine + "follow: ['']\n", []config.Problem{{2, "follow[0]", "empty regular expression: it would match every URL"}}},
		{"pattern as number", seedLine + "articles: [2024]\n", []config.Problem{{2, "articles[0]", "must be a string, got integer 2024 (put it in quotes)"}}},
		{"patterns as mapping", seedLine + "follow: {a: b}\n", []config.Problem{{2, "follow", `must be a list, got a mapping (start each item on its own line with "- ")`}}},

		// allowed_domains.
		{"allowed domains empty", seedLine + "allowed_domains: []\n", []config.Problem{{2, "allowed_domains", "empty list allows no host: remove the key to allow the seeds' hosts, or list the hosts to crawl"}}},
		{"allowed domain with scheme", seedLine + "allowed_domains: [news.example.com, 'https://example.org']\n", []config.Problem{{2, "allowed_domains[1]", `invalid host name "https://example.org": remove the scheme, keeping only a host such as example.com`}}},
		{"allowed domain with path", seedLine + "allowed_domains: [news.example.com, example.org/news]\n", []config.Problem{{2, "allowed_domains[1]", `invalid host name "example.org/news": remove the path, keeping only a host such as example.com`}}},
		{"allowed domain with port", seedLine + "allowed_domains: ['news.example.com:443']\n", []config.Problem{{2, "allowed_domains[0]", `invalid host name "news.example.com:443": remove the port, because an allowed domain matches any port`}}},
		{"allowed domain wildcard", seedLine + "allowed_domains: ['*.example.com']\n", []config.Problem{{2, "allowed_domains[0]", `invalid host name "*.example.com": write ".example.com" to allow a domain and its subdomains`}}},
		{"allowed domain with space", seedLine + "allowed_domains: [news.example.com, 'example .org']\n", []config.Problem{{2, "allowed_domains[1]", `invalid host name "example .org": unexpected character ' '`}}},
		{"allowed domain empty label", seedLine + "allowed_domains: [news.example.com, 'example..org']\n", []config.Problem{{2, "allowed_domains[1]", `invalid host name "example..org": empty label between dots`}}},
		{"allowed domain trailing dot", seedLine + "allowed_domains: [news.example.com, 'example.org.']\n", []config.Problem{{2, "allowed_domains[1]", `invalid host name "example.org.": remove the trailing dot`}}},
		{"allowed domain IPv6 brackets", seedLine + "allowed_domains: [news.example.com, '[::1]']\n", []config.Problem{{2, "allowed_domains[1]", `invalid host name "[::1]": write an IPv6 address without brackets`}}},
		{"allowed domain only a dot", seedLine + "allowed_domains: [news.example.com, '.']\n", []config.Problem{{2, "allowed_domains[1]", "must not be empty"}}},

		// Numbers.
		{"parallelism as word", seedLine + "parallelism: four\n", []config.Problem{{2, "parallelism", `must be a whole number, got string "four"`}}},
		{"parallelism quoted", seedLine + "parallelism: \"4\"\n", []config.Problem{{2, "parallelism", `must be a whole number, got string "4" (remove the quotes)`}}},
		{"parallelism zero", seedLine + "parallelism: 0\n", []config.Problem{{2, "parallelism", "must be at least 1, got 0"}}},
		{"max depth fraction", seedLine + "max_depth: 2.5\n", []config.Problem{{2, "max_depth", "must be a whole number, got number 2.5"}}},
		{"max depth negative", seedLine + "max_depth: -1\n", []config.Problem{{2, "max_depth", "must be 0 (no limit) or more, got -1"}}},
		{"max depth too large", seedLine + "max_depth: 99999999999999999999\n", []config.Problem{{2, "max_depth", "must be a whole number, got number 99999999999999999999 (too large)"}}},
		{"max depth as list", seedLine + "max_depth: [1]\n", []config.Problem{{2, "max_depth", "must be a whole number, got a list"}}},

		// Durations.
		{"delay without unit", seedLine + "delay: 5\n", []config.Problem{{2, "delay", `invalid duration "5": use a number with a unit (ns, us, ms, s, m, h), such as 500ms, 2s or 1m30s`}}},
		{"delay with unknown unit", seedLine + "delay: 2 secs\n", []config.Problem{{2, "delay", `invalid duration "2 secs": use a number with a unit (ns, us, ms, s, m, h), such as 500ms, 2s or 1m30s`}}},
		{"delay negative", seedLine + "delay: -1s\n", []config.Problem{{2, "delay", "must not be negative, got -1s"}}},
		{"delay as mapping", seedLine + "delay: {s: 1}\n", []config.Problem{{2, "delay", "must be a duration such as 500ms, 2s or 1m30s, got a mapping"}}},
		{"timeout zero", seedLine + "timeout: 0s\n", []config.Problem{{2, "timeout", "must be more than 0s, got 0s"}}},

		// Other scalars.
		{"user agent empty", seedLine + "user_agent: ''\n", []config.Problem{{2, "user_agent", "must not be empty"}}},
		{"user agent with line break", seedLine + "user_agent: \"gleaner\\r\\nX-Evil: 1\"\n", []config.Problem{{2, "user_agent", `must not contain line breaks or other control characters, got "gleaner\r\nX-Evil: 1"`}}},
		{"user agent as number", seedLine + "user_agent: 1.0\n", []config.Problem{{2, "user_agent", "must be a string, got number 1.0 (put it in quotes)"}}},
		{"time zone unknown", seedLine + "time_zone: Asia/Shangai\n", []config.Problem{{2, "time_zone", `unknown time zone "Asia/Shangai": use an IANA name such as Asia/Shanghai, Europe/London or UTC`}}},
		{"time zone Local", seedLine + "time_zone: Local\n", []config.Problem{{2, "time_zone", `invalid time zone "Local": use an IANA name such as Asia/Shanghai, Europe/London or UTC`}}},
		{"time zone empty", seedLine + "time_zone: ''\n", []config.Problem{{2, "time_zone", `invalid time zone "": use an IANA name such as Asia/Shanghai, Europe/London or UTC`}}},
		{"time zone path", seedLine + "time_zone: ../../etc/passwd\n", []config.Problem{{2, "time_zone", `unknown time zone "../../etc/passwd": use an IANA name such as Asia/Shanghai, Europe/London or UTC`}}},
		{"robots.txt yes", seedLine + "respect_robots_txt: yes\n", []config.Problem{{2, "respect_robots_txt", `must be true or false, got string "yes"`}}},
		{"robots.txt quoted", seedLine + "respect_robots_txt: 'true'\n", []config.Problem{{2, "respect_robots_txt", `must be true or false, got string "true" (remove the quotes)`}}},
		{"size fraction", seedLine + "max_body_size: 1.5MB\n", []config.Problem{{2, "max_body_size", `invalid size "1.5MB": use a whole number of bytes, optionally followed by a unit: B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), such as 10MB or 1MiB`}}},
		{"size zero", seedLine + "max_body_size: 0\n", []config.Problem{{2, "max_body_size", "must be more than 0 bytes, got 0"}}},
		{"size negative", seedLine + "max_body_size: -1\n", []config.Problem{{2, "max_body_size", "must be more than 0 bytes, got -1"}}},
		{"size too large", seedLine + "max_body_size: 9999999TiB\n", []config.Problem{{2, "max_body_size", `invalid size "9999999TiB": too large`}}},
		{"size as boolean", seedLine + "max_body_size: true\n", []config.Problem{{2, "max_body_size", "must be a number of bytes or a size such as 10MB or 1MiB, got boolean true"}}},

		// sinks.
		{"sinks empty", seedLine + "sinks: []\n", []config.Problem{{2, "sinks", "empty list: remove the key to use the default sqlite sink at out/gleaner.db, or list the sinks"}}},
		{"sink as string", seedLine + "sinks: [jsonl]\n", []config.Problem{{2, "sinks[0]", `must be a mapping with a "type" key, got string "jsonl"`}}},
		{"sink without type", seedLine + "sinks:\n  - path: out/a.jsonl\n", []config.Problem{{3, "sinks[0]", `missing required key "type"`}}},
		{"sink type empty", seedLine + "sinks:\n  - type: ' '\n", []config.Problem{{3, "sinks[0].type", "must not be empty"}}},
		{"sink type as number", seedLine + "sinks:\n  - type: 3\n", []config.Problem{{3, "sinks[0].type", "must be a string, got integer 3 (put it in quotes)"}}},
		{"sink path empty", seedLine + "sinks:\n  - type: jsonl\n    path: ''\n", []config.Problem{{4, "sinks[0].path", "must not be empty"}}},
		{"sink path as list", seedLine + "sinks:\n  - type: jsonl\n    path: [a]\n", []config.Problem{{4, "sinks[0].path", "must be a string, got a list"}}},
		{"sink duplicate key", seedLine + "sinks:\n  - type: jsonl\n    type: sqlite\n", []config.Problem{{4, "sinks[0].type", "duplicate key (first set on line 3)"}}},
		{"sink empty item", seedLine + "sinks:\n  -\n", []config.Problem{{3, "sinks[0]", "missing value"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.yaml), "testdata")
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

func TestLoadGolden(t *testing.T) {
	tests := []struct {
		name   string
		config string
		golden string
	}{
		{"many mistakes", "testdata/bad.yaml", "testdata/bad.golden"},
		{"profile mistakes", "testdata/bad-profiles.yaml", "testdata/bad-profiles.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(tt.config)
			if err == nil {
				t.Fatal("Load returned no error")
			}

			// Absolute paths in the messages depend on where the repository is.
			dir, err2 := filepath.Abs(filepath.Dir(tt.config))
			if err2 != nil {
				t.Fatal(err2)
			}
			got := strings.ReplaceAll(err.Error(), dir, "$TESTDATA") + "\n"

			if *update {
				if err := os.WriteFile(tt.golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}

			want, err := os.ReadFile(tt.golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("error text differs from %s (rerun with -update to accept):\ngot:\n%s\nwant:\n%s", tt.golden, got, want)
			}
		})
	}
}

func TestLoadContractExample(t *testing.T) {
	cfg, err := config.Load("testdata/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}

	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"file", cfg.File, "testdata/contract.yaml"},
		{"dir", cfg.Dir, dir},
		{"seeds", cfg.Seeds, []string{"http://127.0.0.1:8080/"}},
		{"allowed domains", cfg.AllowedDomains, []string{"127.0.0.1"}},
		{"delay", cfg.Delay, time.Duration(0)},
		{"articles", cfg.Articles[0].String(), `/article/\d+`},
		{"follow", cfg.Follow[0].String(), "/list/"},
		{"sink types", []string{cfg.Sinks[0].Type, cfg.Sinks[1].Type}, []string{"jsonl", "sqlite"}},
		{"sink paths", []string{cfg.Sinks[0].Path, cfg.Sinks[1].Path}, []string{filepath.Join(dir, "out", "records.jsonl"), filepath.Join(dir, "out", "gleaner.db")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestLoadRelativeSeeds(t *testing.T) {
	cfg, err := config.Load("testdata/local.yaml")
	if err != nil {
		t.Fatal(err)
	}

	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"seeds as file URLs", cfg.Seeds, []string{"file://" + filepath.ToSlash(filepath.Join(dir, "pages", "front.html")), "file://" + filepath.ToSlash(filepath.Join(dir, "pages"))}},
		{"no allowed domains from file seeds", len(cfg.AllowedDomains), 0},
		{"relative sink path", cfg.Sinks[0].Path, filepath.Join(dir, "out", "records.jsonl")},
		{"stdout sink path", cfg.Sinks[1].Path, "-"},
		{"sink node keeps the path as written", cfg.Sinks[0].Lookup("path").Value, "out/records.jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestParseFileSeeds(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "front page.html")
	if err := os.WriteFile(page, []byte("<html></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	pageURL := "file://" + filepath.ToSlash(dir) + "/front%20page.html"

	tests := []struct {
		name string
		seed string
		want string
	}{
		{"absolute path", page, pageURL},
		{"relative path", "front page.html", pageURL},
		{"dot relative path", "./sub/../front page.html", pageURL},
		{"file URL", pageURL, pageURL},
		{"file URL with localhost", "file://localhost" + filepath.ToSlash(dir) + "/front%20page.html", "file://localhost" + filepath.ToSlash(dir) + "/front%20page.html"},
		{"folder", ".", "file://" + filepath.ToSlash(dir)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte("seeds: ['"+tt.seed+"']\n"), dir)
			if err != nil {
				t.Fatal(err)
			}

			if got := cfg.Seeds; !reflect.DeepEqual(got, []string{tt.want}) {
				t.Errorf("Seeds = %q, want [%q]", got, tt.want)
			}
		})
	}
}

func TestParseMissingFileSeeds(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "gone.html")

	tests := []struct {
		name string
		seed string
		want string
	}{
		{"absolute path", missing, `file "` + missing + `" not found`},
		{"relative path", "gone.html", `file "` + missing + `" not found`},
		{"file URL", "file://" + filepath.ToSlash(missing), `file "` + missing + `" not found`},
		{"web address without scheme", "news.example.com/latest", `file "` + filepath.Join(dir, "news.example.com", "latest") + `" not found (for a web address, write "https://news.example.com/latest")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte("seeds: ['"+tt.seed+"']\n"), dir)

			want := []config.Problem{{Line: 1, Path: "seeds[0]", Message: tt.want}}
			if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
				t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(want))
			}
		})
	}
}

func TestLoadUnreadableFile(t *testing.T) {
	_, err := config.Load(filepath.Join(t.TempDir(), "absent.yaml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error = %v, want one that wraps fs.ErrNotExist", err)
	}

	var configErr *config.Error
	if errors.As(err, &configErr) {
		t.Errorf("error is a *config.Error, want a read error")
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		name string
		err  *config.Error
		want string
	}{
		{
			"one problem without file",
			&config.Error{Problems: []config.Problem{{Line: 0, Path: "seeds", Message: "missing"}}},
			"config: 1 problem:\n  seeds: missing",
		},
		{
			"two problems with file",
			&config.Error{File: "crawl.yaml", Problems: []config.Problem{{Line: 3, Path: "delay", Message: "bad"}, {Line: 5, Message: "invalid YAML: x"}}},
			"config crawl.yaml: 2 problems:\n  line 3: delay: bad\n  line 5: invalid YAML: x",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
}
