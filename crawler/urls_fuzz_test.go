package crawler

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseLink(f *testing.F) {
	for _, seed := range []string{
		"https://news.example/a/1.html#comments",
		" http://News.Example:8080/新闻/a.html?x=1 ",
		"file:///data/site/a.html",
		"//cdn.example/x",
		"javascript:alert(1)",
		"http://[::1]:80/a",
		"http://%zz/",
		"https://a.example/\xd0\xc2",
		"http://user:pass@a.example/",
		"HTTP://A.EXAMPLE/%2e%2e/x",
	} {
		f.Add(seed)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		u, ok := parseLink(raw)
		if !ok {
			return
		}

		switch u.Scheme {
		case "http", "https":
			if u.Host == "" {
				t.Fatalf("parseLink(%q) = %s: a web URL without host", raw, u)
			}
		case "file":
		default:
			t.Fatalf("parseLink(%q) = %s: scheme %q", raw, u, u.Scheme)
		}
		if u.Fragment != "" || strings.Contains(u.String(), "#") && u.RawFragment != "" {
			t.Fatalf("parseLink(%q) = %s: fragment kept", raw, u)
		}

		// What parseLink returns parses back to itself.
		again, ok := parseLink(u.String())
		if !ok {
			t.Fatalf("parseLink(%q) = %s, which parseLink rejects", raw, u)
		}
		if again.String() != u.String() {
			t.Fatalf("parseLink not idempotent: %q gives %s, then %s", raw, u, again)
		}
	})
}

func FuzzResolveLinks(f *testing.F) {
	f.Add("https://www.portal.example/channel/yaowen/index.html", "//m.portal.example/zh/", "../en/index.html")
	f.Add("https://a.example/list?page=1", "", "?page=2")
	f.Add("file:///data/site/list/zh.html", "", "../articles/a.html")
	f.Add("http://a.example/", "https://b.example/x/", "#top")
	f.Add("http://a.example/", "", "/新闻/\xff.html")

	f.Fuzz(func(t *testing.T, page, base, href string) {
		pageURL, err := url.Parse(page)
		if err != nil || pageURL.Scheme == "" {
			return
		}
		doc := `<html><head><base href="` + strings.ReplaceAll(base, `"`, "") + `"></head><body><a href="` +
			strings.ReplaceAll(href, `"`, "") + `">x</a></body></html>`

		links := htmlLinks(doc, pageURL)

		seen := make(map[string]bool)
		for _, link := range links {
			if !utf8.ValidString(link) && !strings.Contains(link, "%") {
				t.Fatalf("link %q is neither valid UTF-8 nor escaped", link)
			}
			u, ok := parseLink(link)
			if !ok || u.String() != link {
				t.Fatalf("link %q does not parse back to itself (%v)", link, u)
			}
			if strings.Contains(link, "#") {
				t.Fatalf("link %q keeps a fragment", link)
			}
			if seen[link] {
				t.Fatalf("link %q listed twice", link)
			}
			seen[link] = true
		}
	})
}
