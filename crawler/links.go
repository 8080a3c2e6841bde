package crawler

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	htmlcharset "golang.org/x/net/html/charset"

	"github.com/gleanerhq/gleaner/extract/date"
)

// htmlLinks returns the targets of the a and area links of an HTML
// document fetched from pageURL, made absolute. As browsers do, the first
// <base href> is resolved against pageURL and the links against it.
// Fragment-only links, links with a scheme other than http, https and file,
// and repeats are left out; fragments are dropped.
func htmlLinks(text string, pageURL *url.URL) []string {
	var (
		hrefs []string
		base  *url.URL
	)

	tokens := html.NewTokenizer(strings.NewReader(text))
	for {
		kind := tokens.Next()
		if kind == html.ErrorToken {
			break
		}
		if kind != html.StartTagToken && kind != html.SelfClosingTagToken {
			continue
		}

		name, hasAttr := tokens.TagName()
		if !hasAttr {
			continue
		}
		switch atom.Lookup(name) {
		case atom.A, atom.Area:
			if href, ok := attribute(tokens, "href"); ok {
				hrefs = append(hrefs, href)
			}
		case atom.Base:
			if href, ok := attribute(tokens, "href"); ok && base == nil {
				base = resolveBase(pageURL, href)
			}
		}
	}

	if base == nil {
		base = pageURL
	}
	return resolveLinks(base, hrefs)
}

// attribute returns the value of the named attribute of the current tag.
func attribute(tokens *html.Tokenizer, name string) (string, bool) {
	for {
		key, value, more := tokens.TagAttr()
		if string(key) == name {
			return string(value), true
		}
		if !more {
			return "", false
		}
	}
}

// resolveBase resolves a <base href> value against the page URL, or returns
// nil when it is not a usable URL.
func resolveBase(pageURL *url.URL, href string) *url.URL {
	ref, err := url.Parse(strings.TrimSpace(href))
	if err != nil {
		return nil
	}
	return pageURL.ResolveReference(ref)
}

// resolveLinks resolves hrefs against base and keeps the ones worth
// following, each once, in document order.
func resolveLinks(base *url.URL, hrefs []string) []string {
	var links []string
	seen := make(map[string]bool)

	for _, href := range hrefs {
		s, ok := resolveOne(base, href)
		if ok && !seen[s] {
			seen[s] = true
			links = append(links, s)
		}
	}
	return links
}

// resolveOne resolves href against base and reports whether the result is
// a link worth following.
func resolveOne(base *url.URL, href string) (string, bool) {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return "", false
	}

	ref, err := url.Parse(href)
	if err != nil {
		return "", false
	}

	link, ok := parseLink(base.ResolveReference(ref).String())
	if !ok {
		return "", false
	}
	return link.String(), true
}

// feedLinks returns the page URLs listed by a sitemap (<loc>), a sitemap
// index, an RSS feed (<link>) or an Atom feed (<link href>), made absolute
// against pageURL. It reads as far as the document parses.
func feedLinks(body []byte, pageURL *url.URL) []string {
	entries := feedEntries(body, pageURL)
	links := make([]string, len(entries))
	for i, e := range entries {
		links[i] = e.url
	}
	return links
}

// newsNamespace is the namespace of Google News sitemap elements.
const newsNamespace = "http://www.google.com/schemas/sitemap-news/0.9"

// feedEntries returns the links of a sitemap, sitemap index, RSS, Atom or
// JSON Feed document, each with its hints: the sitemap's <lastmod> or the
// Atom entry's <updated>, and a Google News sitemap's publication date,
// title and language.
func feedEntries(body []byte, pageURL *url.URL) []link {
	if isJSONFeed(body) {
		return jsonFeedEntries(body, pageURL)
	}

	decoder := xml.NewDecoder(bytes.NewReader(body))
	decoder.Strict = false
	decoder.CharsetReader = htmlcharset.NewReaderLabel

	var (
		entries []link
		cur     *link // the <url>, <sitemap>, <item> or <entry> being read
		field   string
		text    strings.Builder
		inNews  bool
	)
	add := func(href string) {
		if cur != nil && cur.url == "" {
			cur.url = href
			return
		}
		entries = append(entries, link{url: href})
	}
	for {
		token, err := decoder.Token()
		if err != nil {
			break // io.EOF, or the first syntax error
		}

		switch t := token.(type) {
		case xml.StartElement:
			name := t.Name.Local
			switch {
			case name == "url" || name == "sitemap" || name == "item" || name == "entry":
				cur = &link{}
			case name == "news" && isNewsElement(t.Name):
				inNews = true
				if cur != nil && cur.news == nil {
					cur.news = &newsHint{}
				}
			case name == "link":
				if href, isAtom := atomHref(t); isAtom {
					if href != "" {
						add(href)
					}
					continue
				}
				field = name
				text.Reset()
			case name == "loc" || name == "lastmod" || name == "updated" ||
				(inNews && (name == "publication_date" || name == "title" || name == "language")):
				field = name
				text.Reset()
			}

		case xml.CharData:
			if field != "" {
				text.Write(t)
			}

		case xml.EndElement:
			name := t.Name.Local
			if field == name {
				value := strings.TrimSpace(text.String())
				field = ""
				switch {
				case name == "loc" || name == "link":
					add(value)
				case cur == nil:
				case name == "lastmod" || name == "updated":
					cur.modified = parseFeedTime(value)
				case cur.news != nil && name == "publication_date":
					cur.news.published = value
				case cur.news != nil && name == "title":
					cur.news.title = value
				case cur.news != nil && name == "language":
					cur.news.language = value
				}
				continue
			}
			switch {
			case name == "news" && isNewsElement(t.Name):
				inNews = false
			case cur != nil && (name == "url" || name == "sitemap" || name == "item" || name == "entry"):
				if cur.url != "" {
					entries = append(entries, *cur)
				}
				cur = nil
			}
		}
	}

	return resolveEntries(pageURL, entries)
}

// isNewsElement reports whether name is in the Google News sitemap
// namespace, or carries the "news" prefix of a document that does not
// declare it.
func isNewsElement(name xml.Name) bool {
	return name.Space == newsNamespace || name.Space == "news"
}

// parseFeedTime reads a W3C datetime ("2024-03-01", "2024-03-01T08:00:00Z")
// or an RFC 1123 date; the zero time when it cannot.
func parseFeedTime(s string) time.Time {
	if v, ok := date.ParseMachine(s, time.UTC); ok {
		return v.Time
	}
	if t, err := http.ParseTime(s); err == nil {
		return t
	}
	return time.Time{}
}

// resolveEntries makes the entries' URLs absolute against base and drops
// those that are not worth following, keeping the first of each URL.
func resolveEntries(base *url.URL, entries []link) []link {
	out := make([]link, 0, len(entries))
	seen := make(map[string]bool)
	for _, e := range entries {
		u, ok := resolveOne(base, e.url)
		if !ok || seen[u] {
			continue
		}
		seen[u] = true
		e.url = u
		out = append(out, e)
	}
	return out
}

// jsonFeed is the part of a JSON Feed (https://jsonfeed.org, versions 1
// and 1.1) that lists the entries' pages.
type jsonFeed struct {
	Version string `json:"version"`
	Items   []struct {
		URL          string `json:"url"`
		ExternalURL  string `json:"external_url"`
		DateModified string `json:"date_modified"`
	} `json:"items"`
}

// isJSONFeed reports whether body starts like a JSON Feed document.
func isJSONFeed(body []byte) bool {
	head := bytes.TrimLeft(body[:min(len(body), 1024)], " \t\r\n\ufeff")
	return bytes.HasPrefix(head, []byte("{")) && bytes.Contains(body[:min(len(body), 4096)], []byte("jsonfeed.org/version/"))
}

// jsonFeedEntries returns the entries of a JSON Feed: each item's url, or
// its external_url when it has no url of its own, with its date_modified.
// A document that does not parse gives no links.
func jsonFeedEntries(body []byte, pageURL *url.URL) []link {
	var feed jsonFeed
	if err := json.Unmarshal(body, &feed); err != nil {
		return nil
	}

	var entries []link
	for _, item := range feed.Items {
		e := link{url: item.URL, modified: parseFeedTime(item.DateModified)}
		if e.url == "" {
			e.url = item.ExternalURL
		}
		if e.url != "" {
			entries = append(entries, e)
		}
	}
	return resolveEntries(pageURL, entries)
}

// atomHref reports whether link is an Atom link (one with an href
// attribute) and returns its href when it points to the entry's page: when
// it has no rel or rel="alternate".
func atomHref(link xml.StartElement) (href string, isAtom bool) {
	var rel string
	for _, a := range link.Attr {
		switch a.Name.Local {
		case "href":
			href, isAtom = a.Value, true
		case "rel":
			rel = a.Value
		}
	}

	if rel != "" && rel != "alternate" {
		return "", isAtom
	}
	return href, isAtom
}

// link is a URL found on a page, with the hints a feed or sitemap gives.
type link struct {
	url string
	// modified is the sitemap's <lastmod>, the Atom entry's <updated> or
	// the JSON Feed item's date_modified; zero when not given.
	modified time.Time
	// news holds a Google News sitemap's <news:news> fields, or nil.
	news *newsHint
}

// newsHint holds a Google News sitemap's fields for an article. The
// crawler fills the record's empty fields with them.
type newsHint struct {
	published string // <news:publication_date>, W3C datetime
	title     string // <news:title>
	language  string // <news:language>, ISO 639
}

// plainLinks wraps URLs found on an HTML page, which carry no hints.
func plainLinks(urls []string) []link {
	links := make([]link, len(urls))
	for i, u := range urls {
		links[i] = link{url: u}
	}
	return links
}
