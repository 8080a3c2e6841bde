// Package robots parses robots.txt files and decides which URLs of a host a
// crawler may fetch, following RFC 9309. Groups are chosen by the crawler's
// product token, allow and disallow rules take the * and $ wildcards, and
// the longest matching rule decides. It also reads the Crawl-delay
// extension.
//
// It owns the file format only. Fetching the file, caching it, and what a
// missing or failing robots.txt means, are left to the caller.
//
// Two departures from a literal reading of the RFC, both as major crawlers
// behave: a rule written as an absolute URL ("disallow:
// http://other.example/") applies only when its host is the host the file
// came from, and is dropped otherwise, so that rules about other hosts do
// not turn into "disallow: /". A path written without a leading slash gets
// one.
package robots

import (
	"bytes"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxSize is the number of bytes of a robots.txt file that Parse reads. RFC
// 9309 requires crawlers to read at least 500 KiB. Lines past the limit are
// ignored.
const MaxSize = 500 << 10

// maxCrawlDelay caps the Crawl-delay values Parse accepts, so that a
// duration cannot overflow. The caller applies its own, lower cap.
const maxCrawlDelay = 24 * time.Hour

// Rules is a parsed robots.txt file. The zero value and nil allow every
// path. A Rules is safe for concurrent use.
type Rules struct {
	groups   []group
	sitemaps []string
}

// Sitemaps returns the values of the file's Sitemap lines, in file order.
// They belong to no group and should be absolute URLs.
func (r *Rules) Sitemaps() []string {
	if r == nil {
		return nil
	}
	return r.sitemaps
}

// group is one group of the file: the user agents it names and its rules.
type group struct {
	agents     []string // lower-case product tokens, or "*"
	rules      []rule
	crawlDelay time.Duration
	hasDelay   bool
}

// rule is one allow or disallow line.
type rule struct {
	allow   bool
	pattern string // normalized by normalizePattern
}

// Parse reads a robots.txt file that was fetched from host, a host name
// with an optional port as url.URL.Host holds it. It never fails: lines it
// cannot read are skipped, as RFC 9309 requires, and only the first MaxSize
// bytes are read.
func Parse(body []byte, host string) *Rules {
	if len(body) > MaxSize {
		body = body[:MaxSize]
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))

	var (
		rules   Rules
		current *group
		inRules bool // the current group has seen a line other than user-agent
	)
	for _, line := range splitLines(body) {
		key, value, ok := splitLine(line)
		if !ok {
			continue
		}

		switch key {
		case "user-agent", "useragent", "user agent":
			if current == nil || inRules {
				rules.groups = append(rules.groups, group{})
				current = &rules.groups[len(rules.groups)-1]
				inRules = false
			}
			if agent := agentToken(value); agent != "" {
				current.agents = append(current.agents, agent)
			}

		case "allow", "disallow", "disalow", "dissallow", "dissalow":
			if current == nil {
				continue // a rule before any user-agent line belongs to no group
			}
			inRules = true
			if pattern, ok := rulePattern(value, host); ok {
				current.rules = append(current.rules, rule{allow: key == "allow", pattern: pattern})
			}

		case "sitemap", "site-map":
			if value != "" {
				rules.sitemaps = append(rules.sitemaps, value)
			}

		case "crawl-delay", "crawldelay":
			if current == nil {
				continue
			}
			inRules = true
			if delay, ok := parseCrawlDelay(value); ok {
				current.crawlDelay, current.hasDelay = delay, true
			}
		}
	}
	return &rules
}

// splitLines splits body at \n, \r\n and \r.
func splitLines(body []byte) []string {
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// splitLine returns the lower-case key and the value of a "key: value"
// line, without its comment. ok is false for blank and malformed lines.
func splitLine(line string) (key, value string, ok bool) {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}

	key, value, ok = strings.Cut(line, ":")
	if !ok {
		return "", "", false
	}
	key = strings.ToLower(strings.TrimSpace(key))
	return key, strings.TrimSpace(value), key != ""
}

// agentToken returns the product token a user-agent line names, in lower
// case: "*", or the leading letters, digits, hyphens and underscores of the
// value, so that "Gleaner/0.1" names "gleaner".
func agentToken(value string) string {
	if strings.HasPrefix(value, "*") {
		return "*"
	}
	return ProductToken(value)
}

// ProductToken returns the lower-case product token of a User-Agent header:
// its leading run of letters, digits, hyphens and underscores, such as
// "gleaner" for "gleaner/0.1 (+https://github.com/gleanerhq/gleaner)".
func ProductToken(userAgent string) string {
	end := 0
	for end < len(userAgent) && isTokenByte(userAgent[end]) {
		end++
	}
	return strings.ToLower(userAgent[:end])
}

func isTokenByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}

// rulePattern returns the normalized pattern of an allow or disallow
// value. An empty value is no rule. An absolute URL is a rule only when its
// host is host, and then its path and query are the pattern.
func rulePattern(value, host string) (string, bool) {
	if value == "" {
		return "", false
	}

	lower := strings.ToLower(value)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		u, err := url.Parse(value)
		if err != nil || !sameHost(u, host) {
			return "", false
		}

		value = u.EscapedPath()
		if u.RawQuery != "" || u.ForceQuery {
			value += "?" + u.RawQuery
		}
	}

	if !strings.HasPrefix(value, "/") && !strings.HasPrefix(value, "*") {
		value = "/" + value
	}
	return Normalize(value), true
}

// sameHost reports whether the absolute URL u names host. A port in u must
// match host's port, or the default port of u's scheme when host has none.
func sameHost(u *url.URL, host string) bool {
	name, port := splitHostPort(host)
	if !strings.EqualFold(strings.TrimSuffix(u.Hostname(), "."), strings.TrimSuffix(name, ".")) {
		return false
	}

	rulePort := u.Port()
	switch {
	case rulePort == "":
		return true
	case port != "":
		return rulePort == port
	case u.Scheme == "https":
		return rulePort == "443"
	default:
		return rulePort == "80"
	}
}

// splitHostPort splits "host:port", "[::1]:80", "host" or "::1".
func splitHostPort(host string) (name, port string) {
	if h, p, err := net.SplitHostPort(host); err == nil {
		return h, p
	}
	return strings.Trim(host, "[]"), ""
}

// parseCrawlDelay reads a Crawl-delay value in seconds, which may have a
// fraction.
func parseCrawlDelay(value string) (time.Duration, bool) {
	seconds, err := strconv.ParseFloat(value, 64)
	if err != nil || seconds < 0 || math.IsNaN(seconds) || math.IsInf(seconds, 0) {
		return 0, false
	}

	if seconds >= maxCrawlDelay.Seconds() {
		return maxCrawlDelay, true
	}
	return time.Duration(seconds * float64(time.Second)), true
}

// Group returns the rules that apply to the crawler whose User-Agent header
// is userAgent. The groups that name its product token are merged. When
// none does, the groups for "*" are merged instead, and without those every
// path is allowed.
func (r *Rules) Group(userAgent string) Group {
	if r == nil {
		return Group{}
	}

	token := ProductToken(userAgent)
	if g, ok := r.merge(token); ok && token != "" {
		return g
	}
	g, _ := r.merge("*")
	return g
}

// merge combines the groups that name agent, and reports whether any did.
func (r *Rules) merge(agent string) (Group, bool) {
	var (
		merged Group
		found  bool
	)
	for _, g := range r.groups {
		if !contains(g.agents, agent) {
			continue
		}

		found = true
		merged.rules = append(merged.rules, g.rules...)
		if g.hasDelay && g.crawlDelay > merged.CrawlDelay {
			merged.CrawlDelay = g.crawlDelay
		}
	}
	return merged, found
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}

// Group is the set of rules that apply to one crawler. The zero value
// allows every path.
type Group struct {
	rules []rule

	// CrawlDelay is the largest Crawl-delay of the merged groups, or 0 when
	// they name none.
	CrawlDelay time.Duration
}

// Allowed reports whether the crawler may fetch target, a path with an
// optional query as url.URL.RequestURI returns it. The rule with the
// longest pattern among those that match decides, an allow rule winning a
// tie. /robots.txt itself is always allowed.
func (g Group) Allowed(target string) bool {
	if target == "" {
		target = "/"
	}
	target = Normalize(target)
	if target == "/robots.txt" {
		return true
	}

	allowed, longest := true, -1
	for _, r := range g.rules {
		if !Match(r.pattern, target) {
			continue
		}

		n := len(r.pattern)
		if n > longest || (n == longest && r.allow) {
			allowed, longest = r.allow, n
		}
	}
	return allowed
}

// Normalize puts a path or a pattern in the form rules are compared in: bytes
// outside printable ASCII percent-encoded, and the hexadecimal digits of
// percent-encodings in upper case. It does not decode anything, so "%2F"
// and "/" stay different, as RFC 9309 requires.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))

	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b.WriteByte('%')
			b.WriteByte(upperHex(s[i+1]))
			b.WriteByte(upperHex(s[i+2]))
			i += 2
		case c <= ' ' || c >= 0x7f:
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func upperHex(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

// Match reports whether pattern matches the start of path, both
// normalized. In pattern, * matches any run of bytes and a final $ matches
// the end of path. Each literal segment is matched at its leftmost place,
// which is enough for patterns whose only wildcard is *, so the cost stays
// near linear.
func Match(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}

	segments := strings.Split(pattern, "*")
	first := segments[0]
	if !strings.HasPrefix(path, first) {
		return false
	}
	if len(segments) == 1 {
		return !anchored || path == first
	}

	pos := len(first)
	middle, last := segments[1:len(segments)-1], segments[len(segments)-1]
	for _, segment := range middle {
		i := strings.Index(path[pos:], segment)
		if i < 0 {
			return false
		}
		pos += i + len(segment)
	}

	if anchored {
		return len(path)-pos >= len(last) && strings.HasSuffix(path, last)
	}
	return strings.Contains(path[pos:], last)
}
