package urlnorm

import (
	"net/url"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		strip []string
		want  string
	}{
		{"already normal", "https://example.com/a/1", nil, "https://example.com/a/1"},
		{"upper-case scheme and host", "HTTPS://News.Example.COM/A/1", nil, "https://news.example.com/A/1"},
		{"http default port", "http://example.com:80/a", nil, "http://example.com/a"},
		{"https default port", "https://example.com:443/a", nil, "https://example.com/a"},
		{"other port kept", "http://example.com:8080/a", nil, "http://example.com:8080/a"},
		{"https port 80 kept", "https://example.com:80/a", nil, "https://example.com:80/a"},
		{"empty port", "http://example.com:/a", nil, "http://example.com/a"},
		{"ipv6 default port", "http://[::1]:80/a", nil, "http://[::1]/a"},
		{"fragment dropped", "https://example.com/a/1#top", nil, "https://example.com/a/1"},
		{"empty path", "https://example.com", nil, "https://example.com/"},
		{"trailing question mark", "https://example.com/a?", nil, "https://example.com/a"},
		{"utm prefix", "https://example.com/a?utm_source=x&utm_medium=y&id=3", nil, "https://example.com/a?id=3"},
		{"click ids", "https://example.com/a?gclid=1&fbclid=2&msclkid=3&yclid=4&igshid=5&spm=6&k=v", nil, "https://example.com/a?k=v"},
		{"mailchimp and twitter", "https://example.com/a?mc_cid=1&mc_eid=2&ref_src=tw&share_token=z", nil, "https://example.com/a"},
		{"tracking key in other case", "https://example.com/a?UTM_Source=x&FBCLID=y", nil, "https://example.com/a"},
		{"escaped tracking key", "https://example.com/a?utm%5Fsource=x", nil, "https://example.com/a"},
		{"from kept by default", "https://example.com/a?from=home", nil, "https://example.com/a?from=home"},
		{"custom list replaces default", "https://example.com/a?utm_source=x&from=home&ref=1", []string{"from", "ref"}, "https://example.com/a?utm_source=x"},
		{"custom prefix", "https://example.com/a?trk_a=1&trk=2&id=3", []string{"trk_*"}, "https://example.com/a?id=3&trk=2"},
		{"empty list strips none", "https://example.com/a?utm_source=x", []string{}, "https://example.com/a?utm_source=x"},
		{"sorted by key", "https://example.com/a?b=2&a=1", nil, "https://example.com/a?a=1&b=2"},
		{"stable for equal keys", "https://example.com/a?t=2&a=1&t=1", nil, "https://example.com/a?a=1&t=2&t=1"},
		{"empty params dropped", "https://example.com/a?&a=1&&", nil, "https://example.com/a?a=1"},
		{"key without value", "https://example.com/a?print&a=1", nil, "https://example.com/a?a=1&print"},
		{"lower-case hex", "https://example.com/%e4%b8%ad?q=%e6%96%87", nil, "https://example.com/%E4%B8%AD?q=%E6%96%87"},
		{"unreserved decoded", "https://example.com/%61%2D%7E?%6B=%31", nil, "https://example.com/a-~?k=1"},
		{"reserved kept escaped", "https://example.com/a%2Fb?q=a%26b%3Dc", nil, "https://example.com/a%2Fb?q=a%26b%3Dc"},
		{"space escaped", "https://example.com/a%20b?q=a+b", nil, "https://example.com/a%20b?q=a+b"},
		{"raw unicode path", "https://example.com/新闻/1", nil, "https://example.com/%E6%96%B0%E9%97%BB/1"},
		{"double slashes", "https://example.com//a///b/", nil, "https://example.com/a/b/"},
		{"dot segments", "https://example.com/a/./b/../c", nil, "https://example.com/a/c"},
		{"dot dot above root", "https://example.com/../../a", nil, "https://example.com/a"},
		{"trailing dot", "https://example.com/a/b/.", nil, "https://example.com/a/b/"},
		{"trailing dot dot", "https://example.com/a/b/..", nil, "https://example.com/a/"},
		{"escaped dot segment", "https://example.com/a/%2E%2E/b", nil, "https://example.com/b"},
		{"case of path kept", "https://example.com/A/../a/1", nil, "https://example.com/a/1"},
		{"user info kept", "https://User:pw@Example.com/a", nil, "https://User:pw@example.com/a"},
		{"mailto unchanged", "mailto:someone@example.com", nil, "mailto:someone@example.com"},
		{"file keeps path", "file:///tmp/A//b#x", nil, "file:///tmp/A//b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}

			got := Normalize(u, Options{StripParams: tt.strip})
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeSpellingsAgree(t *testing.T) {
	spellings := []string{
		"https://example.com/a/1?a=1&b=2",
		"HTTPS://EXAMPLE.COM:443/a/1?b=2&a=1",
		"https://example.com//a/./1?utm_source=x&a=1&b=2#top",
		"https://example.com/A/../a/%31?%61=1&b=2&fbclid=z",
	}

	var first string
	for i, s := range spellings {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}

		got := Normalize(u, Options{})
		if i == 0 {
			first = got
			continue
		}
		if got != first {
			t.Errorf("Normalize(%q) = %q, want %q as for %q", s, got, first, spellings[0])
		}
	}
}

func FuzzNormalize(f *testing.F) {
	seeds := []string{
		"https://example.com/a/1?utm_source=x#top",
		"http://EXAMPLE.com:80//a/../b/./c?b=2&a=1&",
		"https://example.com/%e4%b8%ad/%2e%2E/x?q=%zz&r=%",
		"https://u:p@[::1]:443/a?b",
		"http://example.com:/",
		"https://example.com/a;b=c/d?x=1;y=2",
	}
	for _, s := range seeds {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}

		once := Normalize(u, Options{})
		parsed, err := url.Parse(once)
		if err != nil {
			t.Fatalf("Normalize(%q) = %q, which does not parse: %v", raw, once, err)
		}

		scheme := parsed.Scheme
		if (scheme != "http" && scheme != "https") || parsed.Host == "" || u.Host == "" {
			return // only web URLs promise idempotence
		}
		twice := Normalize(parsed, Options{})
		if twice != once {
			t.Errorf("not idempotent for %q: %q, then %q", raw, once, twice)
		}
	})
}
