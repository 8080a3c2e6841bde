package robots

import (
	"regexp"
	"strings"
	"testing"
)

// referenceMatch is Match written as a regular expression, a slow but
// obviously right reading of the * and $ wildcards.
func referenceMatch(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}

	parts := strings.Split(pattern, "*")
	for i, part := range parts {
		parts[i] = regexp.QuoteMeta(part)
	}
	expr := `^(?s:` + strings.Join(parts, ".*") + `)`
	if anchored {
		expr += `$`
	}
	return regexp.MustCompile(expr).MatchString(path)
}

func FuzzMatch(f *testing.F) {
	seeds := [][2]string{
		{"/a*c$", "/abcbc"},
		{"/*.pdf$", "/files/report.pdf"},
		{"/news/*/print", "/news/2023/print"},
		{"*", ""},
		{"/a$b", "/a$b"},
		{"/x*yx$", "/xyx"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}

	f.Fuzz(func(t *testing.T, pattern, path string) {
		if len(pattern) > 64 || len(path) > 256 {
			return // keeps the reference's regular expressions small
		}

		// Rules and paths are compared in normalized form, which is ASCII.
		pattern, path = Normalize(pattern), Normalize(path)
		got, want := Match(pattern, path), referenceMatch(pattern, path)

		if got != want {
			t.Fatalf("Match(%q, %q) = %v, reference = %v", pattern, path, got, want)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(absoluteURLRules), "www.shilihub.example", "ExampleNewsBot/1.0", "/search?q=1")
	f.Add([]byte("user-agent: *\ndisallow: /\nallow: /*.html$\ncrawl-delay: 2.5\n"), "a.example", "gleaner", "/a.html")
	f.Add([]byte("\xef\xbb\xbfUser-Agent: gleaner\r\nDisallow: http://a.example:80/x\r\n"), "a.example", "gleaner/1", "/x")
	f.Add([]byte("user-agent:\x00\ndisallow: %zz\xff\n"), "[::1]:8080", "", "/%zz")

	f.Fuzz(func(t *testing.T, file []byte, host, agent, target string) {
		rules := Parse(file, host)
		group := rules.Group(agent)

		// No panic above, and a stable result below.
		first := group.Allowed(target)
		if again := rules.Group(agent).Allowed(target); again != first {
			t.Fatalf("Allowed(%q) changed from %v to %v", target, first, again)
		}
		if !group.Allowed("/robots.txt") {
			t.Fatal("/robots.txt disallowed")
		}
		if group.CrawlDelay < 0 || group.CrawlDelay > maxCrawlDelay {
			t.Fatalf("CrawlDelay = %s, out of range", group.CrawlDelay)
		}

		// Normalizing is idempotent, so a normalized target gives the same result.
		normalized := Normalize(target)
		if Normalize(normalized) != normalized {
			t.Fatalf("Normalize not idempotent: %q, then %q", normalized, Normalize(normalized))
		}
		if target != "" && group.Allowed(normalized) != first {
			t.Fatalf("Allowed(%q) = %v but Allowed(%q) = %v", target, first, normalized, !first)
		}
	})
}
