// Package urlnorm rewrites URLs into one canonical spelling, so that a
// crawler can tell two spellings of the same page apart from two pages.
package urlnorm

import (
	"net/url"
	"slices"
	"strings"
)

// DefaultStripParams lists the query parameters that Normalize removes when
// Options.StripParams is nil. They carry campaign and click identifiers of
// Google Analytics and Ads, Facebook, Microsoft Ads, Mailchimp, Yandex,
// Instagram, Alibaba (spm) and Twitter (ref_src), not a choice of content.
// An entry ending in "*" matches every parameter with that prefix.
var DefaultStripParams = []string{
	"utm_*", "gclid", "fbclid", "msclkid", "mc_cid", "mc_eid",
	"yclid", "igshid", "spm", "share_token", "ref_src",
}

// Options tunes Normalize.
type Options struct {
	// StripParams names the query parameters to remove, compared without
	// regard to ASCII case. An entry ending in "*" is a prefix. nil means
	// DefaultStripParams, and an empty non-nil list removes none.
	StripParams []string
}

// Normalize returns the canonical spelling of an absolute http or https
// URL:
//   - scheme and host in lower case, and the port dropped when it is the
//     default one (80 for http, 443 for https);
//   - no fragment, and no "?" when the query is empty;
//   - percent-encoding with upper-case hex digits, unreserved characters
//     (letters, digits, "-", ".", "_", "~") decoded, and other bytes that
//     may not appear bare in a path or query encoded;
//   - "//" in the path collapsed to "/", "." and ".." segments resolved,
//     and an empty path written as "/";
//   - the query parameters named by opts removed, empty ones dropped, and
//     the rest sorted by key, keeping the order of repeated keys.
//
// Normalize is idempotent for http and https URLs with a host. Any other
// URL is returned as u.String() without its fragment.
func Normalize(u *url.URL, opts Options) string {
	scheme := asciiLower(u.Scheme)
	if (scheme != "http" && scheme != "https") || u.Host == "" || u.Opaque != "" {
		other := *u
		other.Fragment = ""
		other.RawFragment = ""
		return other.String()
	}

	strip := opts.StripParams
	if strip == nil {
		strip = DefaultStripParams
	}

	host := asciiLower(u.Host)
	switch {
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	}
	host = strings.TrimSuffix(host, ":") // an empty port is the default one

	path := removeDotSegments(collapseSlashes(normalizeEscapes(u.EscapedPath(), isPathChar)))
	query := normalizeQuery(u.RawQuery, strip)

	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	if u.User != nil {
		b.WriteString(u.User.String())
		b.WriteByte('@')
	}
	b.WriteString(host)
	b.WriteString(path)
	if query != "" {
		b.WriteByte('?')
		b.WriteString(query)
	}
	return b.String()
}

// normalizeQuery drops empty and stripped parameters from a raw query,
// normalizes their escapes and sorts them by key, stable for equal keys.
func normalizeQuery(rawQuery string, strip []string) string {
	type param struct{ key, text string }

	var params []param
	for piece := range strings.SplitSeq(rawQuery, "&") {
		if piece == "" {
			continue
		}

		text := normalizeEscapes(piece, isQueryChar)
		key, _, _ := strings.Cut(text, "=")
		if stripped(key, strip) {
			continue
		}
		params = append(params, param{key: key, text: text})
	}

	slices.SortStableFunc(params, func(a, b param) int { return strings.Compare(a.key, b.key) })

	texts := make([]string, len(params))
	for i, p := range params {
		texts[i] = p.text
	}
	return strings.Join(texts, "&")
}

// stripped reports whether the escaped parameter key matches an entry of
// strip.
func stripped(escapedKey string, strip []string) bool {
	key, err := url.QueryUnescape(escapedKey)
	if err != nil {
		key = escapedKey
	}
	key = asciiLower(key)

	for _, entry := range strip {
		entry = asciiLower(entry)
		if prefix, ok := strings.CutSuffix(entry, "*"); ok {
			if strings.HasPrefix(key, prefix) {
				return true
			}
			continue
		}
		if key == entry {
			return true
		}
	}
	return false
}

// normalizeEscapes rewrites every %XX escape in s with upper-case hex
// digits, decodes the escapes of unreserved characters, and escapes every
// byte for which allowed is false, a "%" without two hex digits included.
func normalizeEscapes(s string, allowed func(byte) bool) string {
	const hexDigits = "0123456789ABCDEF"

	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			decoded := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(decoded) {
				b.WriteByte(decoded)
			} else {
				b.WriteByte('%')
				b.WriteByte(hexDigits[decoded>>4])
				b.WriteByte(hexDigits[decoded&15])
			}
			i += 2
			continue
		}

		if c != '%' && allowed(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// collapseSlashes replaces each run of "/" in an escaped path with one.
func collapseSlashes(path string) string {
	for strings.Contains(path, "//") {
		path = strings.ReplaceAll(path, "//", "/")
	}
	return path
}

// removeDotSegments resolves the "." and ".." segments of an escaped path
// as RFC 3986 section 5.2.4 does, and returns "/" for an empty path. A
// ".." above the root is dropped.
func removeDotSegments(path string) string {
	segments := strings.Split(strings.TrimPrefix(path, "/"), "/")

	var out []string
	trailingSlash := false
	for i, segment := range segments {
		last := i == len(segments)-1
		switch segment {
		case ".":
			trailingSlash = last
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
			trailingSlash = last
		default:
			out = append(out, segment)
			trailingSlash = false
		}
	}

	result := "/" + strings.Join(out, "/")
	if trailingSlash && !strings.HasSuffix(result, "/") {
		result += "/"
	}
	return result
}

// isUnreserved reports whether c is an unreserved character of RFC 3986.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// isPathChar reports whether c may appear unescaped in a path: an
// unreserved character, a sub-delimiter, ":", "@" or "/".
func isPathChar(c byte) bool {
	return isUnreserved(c) || strings.IndexByte("!$&'()*+,;=:@/", c) >= 0
}

// isQueryChar reports whether c may appear unescaped in a query: a path
// character or "?".
func isQueryChar(c byte) bool {
	return isPathChar(c) || c == '?'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// asciiLower lowers ASCII letters only, so invalid UTF-8 passes unchanged.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
