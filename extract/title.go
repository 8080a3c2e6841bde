package extract

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"github.com/gleanerhq/gleaner/extract/date"
)

// titleSeparators split a <title> into headline and site name. Hyphens
// and dashes count only with spaces around them, so "X-光" and "6-8月"
// stay whole; "_" and "丨" are used without spaces on Chinese sites.
var titleSeparators = []string{" | ", "|", " - ", " – ", " — ", " － ", " -- ", "--", "_", "丨", " · ", " :: ", " » ", " « ", "｜", " / "}

// splitTitle splits a <title> at site-name separators.
func splitTitle(s string) []string {
	if !strings.ContainsAny(s, "|-–—_丨·:»«｜/－") {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		return []string{s}
	}
	parts := []string{s}
	for _, sep := range titleSeparators {
		var next []string
		for _, part := range parts {
			for _, piece := range strings.Split(part, sep) {
				if piece = strings.TrimSpace(piece); piece != "" {
					next = append(next, piece)
				}
			}
		}
		parts = next
	}
	return parts
}

// titleCandidate is one possible headline and where it came from.
type titleCandidate struct {
	text   string
	source string
	node   *html.Node
	prior  float64
	key    string // folded text without the site name, for agreement
}

// chooseTitle picks the headline. Candidates come from JSON-LD, og:title,
// twitter:title, <h1>/<h2> elements and the <title>. Each scores by its
// source and by how many others agree with it, so a site name in the <h1>
// or a <title> that is only the site name loses to the real headline.
// Agreement between the meta tags and the <title> counts little, because
// one CMS field usually fills them all.
func (p *page) chooseTitle() {
	var cands []titleCandidate
	for _, o := range p.ldArticles() {
		if h := ldString(o, "headline"); h != "" {
			cands = append(cands, titleCandidate{text: h, source: "json-ld", prior: 2.5})
			break
		}
	}
	for _, key := range []string{"og:title", "twitter:title", "itemprop:headline", "headline", "title"} {
		if v := p.meta.first(key); v != "" {
			prior := 2.0
			if key != "og:title" {
				prior = 1.5
			}
			cands = append(cands, titleCandidate{text: v, source: "meta:" + key, prior: prior})
		}
	}
	cands = append(cands, p.headingCandidates()...)

	segments := splitTitle(p.metaTitle)
	siteNames := p.siteNameHints(segments, cands)
	fromTag := titleFromTag(p.metaTitle, segments, siteNames)
	if fromTag != "" {
		cands = append(cands, titleCandidate{text: fromTag, source: "title-tag", prior: 1.5})
	}

	for i := range cands {
		cands[i].key = foldTitle(stripSiteName(cands[i].text, siteNames))
	}
	best, bestScore := titleCandidate{}, -1e9
	for _, c := range cands {
		s := p.scoreTitle(c, cands, siteNames)
		if s > bestScore {
			best, bestScore = c, s
		}
	}

	title := best.text
	if !isHeadingSource(best.source) {
		title = stripSiteName(title, siteNames)
	}

	// A heading that is a shortened form of the <title>'s headline part
	// (the <h1> reads "星港往事第二季", the <title> "《星港往事第二季》剧情介绍")
	// gives way to the fuller form.
	if isHeadingSource(best.source) && fromTag != "" && fromTag != title && !startsWithSeparated(fromTag, title) &&
		strings.Contains(fromTag, title) && utf8.RuneCountInString(fromTag) <= utf8.RuneCountInString(title)+8 {
		title, best.source = fromTag, "title-tag"
	}

	p.title = title
	p.titleNode = best.node
	if p.titleNode == nil {
		// The headline came from metadata. The byline and the standfirst
		// sit by the heading that shows it, or, when the wording differs,
		// by the visible <h1>.
		p.titleNode = headingFor(cands, best.key)
	}
	if p.titleNode == nil {
		// Table layouts print the headline in a cell or a <font>, not a
		// heading element.
		p.titleNode = p.elementWithText(title)
	}
	p.why["title"] = best.source
}

// headingFor returns the heading element that shows the headline with the
// folded text key, else the first <h1> of the page content.
func headingFor(cands []titleCandidate, key string) *html.Node {
	for _, c := range cands {
		if (c.source == "h1" || c.source == "h2") && c.key == key && !insideTag(c.node, "a") {
			return c.node
		}
	}
	for _, c := range cands {
		if c.source == "h1" && c.prior == visibleH1Prior {
			return c.node
		}
	}
	return nil
}

// elementWithText returns the first element in <body> whose own text is
// exactly text (outside links), or nil. Short texts are not looked for,
// because they recur in menus.
func (p *page) elementWithText(text string) *html.Node {
	if titleLength(text) < 6 {
		return nil
	}
	var found *html.Node
	var walk func(n *html.Node, inBody bool)
	walk = func(n *html.Node, inBody bool) {
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				if inBody && len(c.Data) >= len(text) && cleanText(c.Data) == text && !insideTag(c, "a") {
					found = c.Parent
				}
			case html.ElementNode:
				if c.Data != "head" && c.Data != "script" && c.Data != "style" {
					walk(c, inBody || c.Data == "body")
				}
			}
		}
	}
	walk(p.doc, false)
	return found
}

// titleFamily groups candidate sources that one CMS field usually fills.
func titleFamily(source string) string {
	switch {
	case source == "json-ld":
		return "json-ld"
	case isHeadingSource(source):
		return "heading"
	}
	return "meta"
}

// visibleH1Prior is the starting score of the first <h1> in the page
// content: the visible headline.
const visibleH1Prior = 3.2

// headingCandidates returns <h1> texts, and <h2>/<h3> texts that look like
// headlines (class names with "title" or "headline"). The first <h1> of the
// page content, outside the page header and navigation, is the headline a
// reader sees, so it starts with the highest prior.
func (p *page) headingCandidates() []titleCandidate {
	var out []titleCandidate
	firstH1 := true
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			level := headingLevel(n)
			if level == 1 || ((level == 2 || level == 3) && hasTitleClass(n)) {
				if t := headingTitle(n); t != "" && utf8.RuneCountInString(t) < 300 {
					c := titleCandidate{text: t, source: "h2", node: n, prior: 1.2}
					if level == 1 {
						c.source, c.prior = "h1", 2
						if firstH1 && !inChrome(n) && titleLength(t) >= 10 {
							c.prior = visibleH1Prior
							firstH1 = false
						}
					}
					out = append(out, c)
				}
				return
			}
			if n.Data != "h1" && hasTitleClass(n) && !blockHasBlocks(n) && !inChrome(n) {
				if t := headingTitle(n); titleLength(t) >= 10 && utf8.RuneCountInString(t) < 200 {
					out = append(out, titleCandidate{text: t, source: "title-class", node: n, prior: 0.8})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
	if len(out) > 40 {
		out = out[:40]
	}
	return out
}

// headingTitle returns the text of a heading without a date printed in
// front of it ("27.01.2022 MineralölINFO ...").
func headingTitle(n *html.Node) string {
	t := nodeText(n)
	if t == "" || t[0] < '0' || t[0] > '9' {
		return t
	}
	vals := date.FindAll(t, time.Time{}, time.UTC)
	if len(vals) > 0 && vals[0].Start == 0 && len(vals[0].Raw) < len(t) {
		return strings.TrimLeft(t[len(vals[0].Raw):], " -–—|:：·")
	}
	return t
}

// inChrome reports whether n sits in the page header, navigation, footer
// or an aside. A <header> inside an <article> or <main> is the article's
// own header, where its headline lives, not page chrome.
func inChrome(n *html.Node) bool {
	inHeader := false
	for a := n.Parent; a != nil; a = a.Parent {
		if a.Type != html.ElementNode {
			continue
		}
		switch a.Data {
		case "nav", "footer", "aside":
			return true
		case "header":
			inHeader = true
		case "article", "main":
			return false
		}
	}
	return inHeader
}

func hasTitleClass(n *html.Node) bool {
	ci := classID(n)
	if ci == "" {
		return false
	}
	return (strings.Contains(ci, "title") || strings.Contains(ci, "headline")) &&
		!strings.Contains(ci, "subtitle") && !strings.Contains(ci, "site") && !strings.Contains(ci, "logo")
}

// blockHasBlocks reports whether n contains block elements.
func blockHasBlocks(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && blockTags[c.Data] {
			return true
		}
	}
	return false
}

func (p *page) scoreTitle(c titleCandidate, all []titleCandidate, siteNames []string) float64 {
	text := c.text
	n := utf8.RuneCountInString(text)
	if n < 2 {
		return -100
	}
	score := c.prior

	// A site name is not a headline.
	for _, s := range siteNames {
		if strings.EqualFold(text, s) {
			score -= 6
		}
	}
	if c.node != nil && linksHome(c.node) {
		score -= 4
	}

	// Agreement with the other candidates: independent sources count
	// fully, sources of one family little.
	for _, o := range all {
		if o.source == c.source && o.node == c.node {
			continue
		}
		if o.key != c.key {
			continue
		}
		if titleFamily(o.source) == titleFamily(c.source) {
			score += 0.3
		} else {
			score += 1
		}
	}

	// Headlines are neither one word nor a paragraph.
	switch {
	case n > 200:
		score -= 3
	case n < 4 && cjkShare(text) < 0.5:
		score -= 1
	case cjkShare(text) < 0.5 && len(strings.Fields(text)) <= 2:
		// "Menu", "Search", "Latest news": page furniture in <h1>s.
		score -= 1.5
	case cjkShare(text) >= 0.5 && titleLength(text) < 8 && c.source != "title-tag":
		// "导航", "首页": the same furniture in Chinese.
		score -= 1.5
	}
	return score
}

// foldTitle makes two spellings of one headline compare equal: case,
// width (NFKC) and white space are folded.
func foldTitle(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(norm.NFKC.String(s)), " "))
}

// linksHome reports whether n is, or sits inside, a link to the site root.
func linksHome(n *html.Node) bool {
	check := func(a *html.Node) bool {
		if a.Type != html.ElementNode || a.Data != "a" {
			return false
		}
		href := strings.TrimSpace(attr(a, "href"))
		return href == "/" || href == "./" || href == "" || strings.HasSuffix(href, "://") ||
			(strings.Count(href, "/") == 3 && strings.HasSuffix(href, "/") && strings.Contains(href, "://"))
	}
	for a := n; a != nil; a = a.Parent {
		if check(a) {
			return true
		}
	}
	only := n.FirstChild
	for only != nil && only.Type == html.TextNode && strings.TrimSpace(only.Data) == "" {
		only = only.NextSibling
	}
	return only != nil && only.NextSibling == nil && check(only) ||
		only != nil && check(only) && strings.TrimSpace(nodeText(only)) == strings.TrimSpace(nodeText(n))
}

// siteNameHints returns the texts that are probably the site's name: the
// og:site_name, the JSON-LD publisher, links to the home page, and the
// <title> parts that are not the headline. The headline part is the one
// another candidate repeats; without one, it is the first part.
func (p *page) siteNameHints(segments []string, cands []titleCandidate) []string {
	var out []string
	if v := p.meta.first("og:site_name", "application-name", "al:android:app_name", "twitter:site"); v != "" {
		out = append(out, strings.TrimPrefix(v, "@"))
	}
	for _, o := range p.ldArticles() {
		if pub := ldNames(o["publisher"]); len(pub) > 0 {
			out = append(out, pub[0])
			break
		}
	}
	out = append(out, p.homeLinkTexts()...)
	known := map[string]bool{}
	for _, name := range out {
		known[foldTitle(name)] = true
	}

	if len(segments) > 1 {
		folded := map[string]bool{}
		for _, c := range cands {
			folded[foldTitle(c.text)] = true
		}
		headline := -1
		for i, seg := range segments {
			if f := foldTitle(seg); headline < 0 && !known[f] && folded[f] {
				headline = i
			}
		}
		if headline < 0 {
			headline = 0
		}
		for i, seg := range segments {
			if i != headline {
				out = append(out, seg)
			}
		}
	}
	return out
}

// homeLinkTexts returns the short texts of links to the site's root: the
// logo and the first breadcrumb usually name the site.
func (p *page) homeLinkTexts() []string {
	if p.homeLinks != nil {
		return *p.homeLinks
	}
	out := p.collectHomeLinks()
	p.homeLinks = &out
	return out
}

// collectHomeLinks gathers the texts homeLinkTexts returns.
func (p *page) collectHomeLinks() []string {
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if len(out) >= 12 {
			return
		}
		if n.Type == html.ElementNode && n.Data == "a" {
			if p.isRootLink(attr(n, "href")) {
				t := nodeText(n)
				if t == "" {
					// A logo: the image's alt text names the site.
					t = imageAlt(n)
				}
				if t != "" && utf8.RuneCountInString(t) <= 15 {
					out = append(out, t)
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
	return out
}

// isRootLink reports whether href leads to the home page of the site.
func (p *page) isRootLink(href string) bool {
	href = strings.TrimSpace(href)
	if href == "/" || href == "./" {
		return true
	}
	// Only an address that ends at the root can be one; most links are
	// rejected here without parsing.
	if !strings.HasSuffix(href, "/") && !strings.HasSuffix(href, "/index.html") && !strings.HasSuffix(href, "/index.htm") && strings.Count(href, "/") > 2 {
		return false
	}
	u, err := url.Parse(href)
	if err != nil || u.Host == "" {
		return false
	}
	if u.Path != "" && u.Path != "/" && u.Path != "/index.html" && u.Path != "/index.htm" {
		return false
	}
	return true
}

// stripSiteName removes a leading or trailing site name joined by a
// separator. Without a known site name it removes nothing.
func stripSiteName(s string, siteNames []string) string {
	parts := splitTitle(s)
	if len(parts) < 2 {
		return stripJoinedSiteName(s, siteNames)
	}
	isSite := func(part string) bool {
		for _, name := range siteNames {
			if name != "" && (strings.EqualFold(part, name) || strings.Contains(strings.ToLower(name), strings.ToLower(part))) {
				return true
			}
		}
		return false
	}
	// Trailing parts that are site names go.
	end := len(parts)
	for end > 1 && isSite(parts[end-1]) {
		end--
	}
	start := 0
	for start < end-1 && isSite(parts[start]) {
		start++
	}
	if start == 0 && end == len(parts) {
		return s
	}
	return rejoin(s, parts[start:end])
}

// rejoin returns the span of s from the first to the last of parts, so
// the separators between kept parts survive as the page wrote them.
func rejoin(s string, parts []string) string {
	first := strings.Index(s, parts[0])
	last := strings.LastIndex(s, parts[len(parts)-1])
	if first < 0 || last < 0 || last+len(parts[len(parts)-1]) <= first {
		return strings.Join(parts, " ")
	}
	return strings.TrimSpace(s[first : last+len(parts[len(parts)-1])])
}

// titleFromTag returns the headline part of the <title>: the longest part
// that is not a site name.
func titleFromTag(tag string, segments, siteNames []string) string {
	if tag == "" {
		return ""
	}
	if len(segments) < 2 {
		return tag
	}
	stripped := stripSiteName(tag, siteNames)
	if stripped != tag {
		return stripped
	}
	best := ""
	for _, s := range segments {
		if utf8.RuneCountInString(s) > utf8.RuneCountInString(best) {
			best = s
		}
	}
	return best
}

// stripJoinedSiteName removes a known site name joined by a bare hyphen
// ("标题-新华网"). Only a name known from elsewhere on the page is cut, so
// a hyphen inside a headline ("X-光") stays.
func stripJoinedSiteName(s string, siteNames []string) string {
	for _, name := range siteNames {
		if utf8.RuneCountInString(name) < 2 || len(name) >= len(s) {
			continue
		}
		for _, dash := range []string{"-", "－", "—", "–"} {
			if rest, ok := strings.CutSuffix(s, dash+name); ok && strings.TrimSpace(rest) != "" {
				return strings.TrimSpace(rest)
			}
			if rest, ok := strings.CutPrefix(s, name+dash); ok && strings.TrimSpace(rest) != "" {
				return strings.TrimSpace(rest)
			}
		}
	}
	return s
}

// startsWithSeparated reports whether s is prefix followed by a separator
// and more text: a headline with a site name glued on.
func startsWithSeparated(s, prefix string) bool {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return false
	}
	rest = strings.TrimSpace(rest)
	for _, sep := range []string{"-", "－", "—", "–", "|", "｜", "_", "丨", ":", "：", "·"} {
		if strings.HasPrefix(rest, sep) {
			return true
		}
	}
	return false
}

func isHeadingSource(s string) bool { return s == "h1" || s == "h2" || s == "title-class" }

// imageAlt returns the alt text of the first image below n.
func imageAlt(n *html.Node) string {
	if n.Type == html.ElementNode && n.Data == "img" {
		return cleanText(attr(n, "alt"))
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if t := imageAlt(c); t != "" {
			return t
		}
	}
	return ""
}
