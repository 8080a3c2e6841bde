package extract

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// bylineAuthor reads an author named in a byline: "作者：X", "记者 X", "By X".
var bylineAuthor = regexp.MustCompile(`(?:作者|記者|记者|撰文|编辑|編輯)(?:[ \t]*[:：/|丨][ \t]*|[ \t]+)([\p{Han}·]{2,5})(?:[^\p{Han}]|$)|(?i:^by[ \t]+)([A-Z][\p{L}.'-]+(?:[ \t]+[A-Z][\p{L}.'-]+){0,3})`)

// chooseAuthors reads authors from JSON-LD, meta tags, then the byline.
func (p *page) chooseAuthors() {
	seen := map[string]bool{}
	add := func(name string) {
		name = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(name, "By "), "by "))
		if name == "" || seen[name] || utf8.RuneCountInString(name) > 60 || strings.Contains(name, "://") || isMarkupResidue(name) {
			return
		}
		seen[name] = true
		p.authors = append(p.authors, name)
	}

	for _, o := range p.ldArticles() {
		for _, n := range ldNames(o["author"]) {
			add(n)
		}
		if len(p.authors) > 0 {
			return
		}
	}
	for _, key := range []string{"author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author", "itemprop:author"} {
		for _, v := range p.meta[key] {
			for _, part := range splitNames(v) {
				add(part)
			}
		}
		if len(p.authors) > 0 {
			return
		}
	}

	for _, t := range p.textsNearTitle() {
		if loc := bylineAuthor.FindStringSubmatchIndex(t); loc != nil {
			start, end := loc[2], loc[3]
			if start < 0 {
				start, end = loc[4], loc[5]
			}
			if strings.HasPrefix(t[end:], "=") {
				// An attribute a broken template printed: `作者： size="20"`.
				continue
			}
			add(t[start:end])
			return
		}
	}
	p.authorFromClass()
}

// isMarkupResidue reports whether s is a piece of HTML that a broken
// template printed as text ("size=\"20\""), not a name.
func isMarkupResidue(s string) bool {
	return strings.Contains(s, "=\"") || strings.Contains(s, "='") || strings.ContainsAny(s, "<>")
}

func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' })
}

// authorFromClass reads a short element whose class names an author.
func (p *page) authorFromClass() {
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode {
			ci := classID(n) + " " + strings.ToLower(attr(n, "rel")) + " " + strings.ToLower(attr(n, "itemprop"))
			if strings.Contains(ci, "author") && !strings.Contains(ci, "bio") {
				t := nodeText(n)
				if t != "" && utf8.RuneCountInString(t) <= 40 {
					p.authors = append(p.authors, strings.TrimSpace(strings.TrimPrefix(t, "By ")))
					return false
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(p.doc)
}

// chooseSiteName reads the site name from og:site_name, JSON-LD, the
// <title> suffix, or a logo heading that links home.
func (p *page) chooseSiteName() {
	if v := p.meta.first("og:site_name", "application-name"); v != "" {
		p.siteName, p.why["site_name"] = v, "meta"
		return
	}
	for _, o := range p.ldArticles() {
		if pub := ldNames(o["publisher"]); len(pub) > 0 {
			p.siteName, p.why["site_name"] = pub[0], "json-ld publisher"
			return
		}
	}
	// A <title> part other than the headline: one that a home link names,
	// else the shortest, because site names are short and taglines long
	// ("标题 - 科技圈 - 让技术资讯更聚焦").
	segments := splitTitle(p.metaTitle)
	homes := p.homeLinkTexts()
	if len(segments) > 1 {
		best := ""
		for _, seg := range segments {
			if seg == p.title || utf8.RuneCountInString(seg) > 30 || strings.Contains(p.title, seg) {
				continue
			}
			if slices.Contains(homes, seg) {
				best = seg
				break
			}
			if best == "" || utf8.RuneCountInString(seg) < utf8.RuneCountInString(best) {
				best = seg
			}
		}
		if best != "" {
			p.siteName, p.why["site_name"] = best, "title-tag part"
			return
		}
	}
	// A site name glued to the <title> with a bare hyphen, that a home link
	// names: "国内新闻-县报门户网".
	for _, name := range homes {
		if stripJoinedSiteName(p.metaTitle, []string{name}) != p.metaTitle {
			p.siteName, p.why["site_name"] = name, "home link"
			return
		}
	}

	// A heading or logo that links to the home page.
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && (headingLevel(n) > 0 || strings.Contains(classID(n), "logo") || strings.Contains(classID(n), "site-name")) && linksHome(n) {
			if t := nodeText(n); t != "" && utf8.RuneCountInString(t) <= 30 && t != p.title {
				p.siteName, p.why["site_name"] = t, "home link"
				return false
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(p.doc)
}
