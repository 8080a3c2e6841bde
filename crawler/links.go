package crawler

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	htmlcharset "golang.org/x/net/html/charset"
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
		href = strings.TrimSpace(href)
		if href == "" || strings.HasPrefix(href, "#") {
			continue
		}

		ref, err := url.Parse(href)
		if err != nil {
			continue
		}

		link, ok := parseLink(base.ResolveReference(ref).String())
		if !ok {
			continue
		}

		s := link.String()
		if !seen[s] {
			seen[s] = true
			links = append(links, s)
		}
	}
	return links
}

// feedLinks returns the page URLs listed by a sitemap (<loc>), a sitemap
// index, an RSS feed (<link>) or an Atom feed (<link href>), made absolute
// against pageURL. It reads as far as the document parses.
func feedLinks(body []byte, pageURL *url.URL) []string {
	if isJSONFeed(body) {
		return jsonFeedLinks(body, pageURL)
	}

	decoder := xml.NewDecoder(bytes.NewReader(body))
	decoder.Strict = false
	decoder.CharsetReader = htmlcharset.NewReaderLabel

	var (
		hrefs []string
		text  strings.Builder
		inURL bool
	)
	for {
		token, err := decoder.Token()
		if err != nil {
			break // io.EOF, or the first syntax error
		}

		switch t := token.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "loc":
				inURL = true
				text.Reset()
			case "link":
				if href, isAtom := atomHref(t); isAtom {
					if href != "" {
						hrefs = append(hrefs, href)
					}
					continue
				}
				inURL = true
				text.Reset()
			}
		case xml.CharData:
			if inURL {
				text.Write(t)
			}
		case xml.EndElement:
			if inURL && (t.Name.Local == "loc" || t.Name.Local == "link") {
				hrefs = append(hrefs, text.String())
				inURL = false
			}
		}
	}

	return resolveLinks(pageURL, hrefs)
}

// jsonFeed is the part of a JSON Feed (https://jsonfeed.org, versions 1
// and 1.1) that lists the entries' pages.
type jsonFeed struct {
	Version string `json:"version"`
	Items   []struct {
		URL         string `json:"url"`
		ExternalURL string `json:"external_url"`
	} `json:"items"`
}

// isJSONFeed reports whether body starts like a JSON Feed document.
func isJSONFeed(body []byte) bool {
	head := bytes.TrimLeft(body[:min(len(body), 1024)], " \t\r\n\ufeff")
	return bytes.HasPrefix(head, []byte("{")) && bytes.Contains(body[:min(len(body), 4096)], []byte("jsonfeed.org/version/"))
}

// jsonFeedLinks returns the entry URLs of a JSON Feed: each item's url, or
// its external_url when it has no url of its own. A document that does not
// parse gives no links.
func jsonFeedLinks(body []byte, pageURL *url.URL) []string {
	var feed jsonFeed
	if err := json.Unmarshal(body, &feed); err != nil {
		return nil
	}

	var hrefs []string
	for _, item := range feed.Items {
		switch {
		case item.URL != "":
			hrefs = append(hrefs, item.URL)
		case item.ExternalURL != "":
			hrefs = append(hrefs, item.ExternalURL)
		}
	}
	return resolveLinks(pageURL, hrefs)
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
