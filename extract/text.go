package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// isCJK reports whether r is a Han, kana or hangul character.
func isCJK(r rune) bool {
	switch {
	case r >= 0x3040 && r <= 0x30ff: // kana
		return true
	case r >= 0x3400 && r <= 0x4dbf, r >= 0x4e00 && r <= 0x9fff, r >= 0xf900 && r <= 0xfaff:
		return true
	case r >= 0xac00 && r <= 0xd7af: // hangul syllables
		return true
	case r >= 0x20000 && r <= 0x2fa1f:
		return true
	}
	return false
}

// isPunct reports whether r ends or splits a clause, in Latin or CJK text.
// Body scoring counts these: running prose has them, menus and link lists
// mostly do not.
func isPunct(r rune) bool {
	switch r {
	case ',', '.', ';', '!', '?', ':',
		'，', '。', '、', '；', '！', '？', '：', '…', '｡', '､':
		return true
	}
	return false
}

// textWeight measures how much reading a string holds. A CJK character
// carries about as much as a short Latin word, so it weighs three Latin
// letters. The factor keeps Chinese and English pages on one scale.
func textWeight(s string) int {
	w := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return w + textWeightSlow(s[i:])
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' {
			w++
		}
	}
	return w
}

// textWeightSlow is textWeight for text with non-ASCII characters.
func textWeightSlow(s string) int {
	w := 0
	for _, r := range s {
		switch {
		case isCJK(r):
			w += 3
		case unicode.IsSpace(r):
		default:
			w++
		}
	}
	return w
}

// punctCount counts clause punctuation in s.
func punctCount(s string) int {
	n := 0
	for _, r := range s {
		if isPunct(r) {
			n++
		}
	}
	return n
}

// cjkShare returns the share of CJK characters among the letters of s.
func cjkShare(s string) float64 {
	cjk, letters := 0, 0
	for _, r := range s {
		if isCJK(r) {
			cjk++
			letters++
		} else if unicode.IsLetter(r) {
			letters++
		}
	}
	if letters == 0 {
		return 0
	}
	return float64(cjk) / float64(letters)
}

// cleanText folds white space (including the ideographic space and
// non-breaking spaces) to single spaces, drops invisible characters and
// trims the ends. Unicode normalisation is left to the record's fields,
// where it runs once per value rather than once per text node.
func cleanText(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
				space = true
				continue
			case c < 0x20 || c == 0x7f:
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(c)
			continue
		}

		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad':
			continue
		case r == utf8.RuneError:
			continue
		case unicode.IsSpace(r) || r == '\u3000' || r == '\u00a0':
			space = true
			continue
		case unicode.IsControl(r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// nodeText returns the cleaned text of n and its descendants, skipping
// elements that never hold visible text.
func nodeText(n *html.Node) string {
	var b strings.Builder
	appendText(&b, n)
	return cleanText(b.String())
}

func appendText(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.ElementNode:
		if invisibleTags[n.Data] {
			return
		}
		if n.Data == "br" {
			b.WriteByte('\n')
			return
		}
		if blockTags[n.Data] {
			b.WriteByte(' ')
		}
	case html.CommentNode:
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		appendText(b, c)
	}
	if n.Type == html.ElementNode && blockTags[n.Data] {
		b.WriteByte(' ')
	}
}

// attr returns the value of the attribute named key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// classID returns the class and id attributes of n joined, lowercased.
func classID(n *html.Node) string {
	c, id := attr(n, "class"), attr(n, "id")
	if c == "" && id == "" {
		return ""
	}
	return strings.ToLower(c + " " + id)
}

// invisibleTags never contribute visible text.
var invisibleTags = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true,
	"canvas": true, "iframe": true, "object": true, "embed": true, "head": true,
	"select": true, "option": true, "textarea": true, "button": true, "input": true,
	"math": true, "audio": true, "video": true, "map": true, "title": true, "meta": true, "link": true,
}

// blockTags break the flow of text.
var blockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "blockquote": true, "dd": true, "details": true,
	"dialog": true, "div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "h1": true, "h2": true, "h3": true, "h4": true,
	"h5": true, "h6": true, "header": true, "hgroup": true, "hr": true, "li": true, "main": true,
	"nav": true, "ol": true, "p": true, "pre": true, "section": true, "table": true, "tbody": true,
	"thead": true, "tfoot": true, "tr": true, "td": true, "th": true, "ul": true, "center": true,
	"summary": true, "caption": true, "body": true, "html": true,
}

// headingLevel returns 1 to 6 for h1 to h6, else 0.
func headingLevel(n *html.Node) int {
	if n.Type != html.ElementNode || len(n.Data) != 2 || n.Data[0] != 'h' {
		return 0
	}
	if d := n.Data[1]; d >= '1' && d <= '6' {
		return int(d - '0')
	}
	return 0
}

// truncateRunes shortens s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// textStats caches, per element, the text weight below it and the part of
// that weight inside links, so density checks cost O(1) instead of a walk
// of the subtree each.
type textStats struct {
	nodes map[*html.Node]nodeStat
}

// nodeStat is what textStats keeps for one element.
type nodeStat struct {
	weight, links int32
	images        int32 // <img> and <picture> elements below
	// bestLink is the link below the element with the most text, the
	// first of equals; links without a target ("#", "javascript:") do not
	// count.
	bestLink *html.Node
}

// computeStats fills the cache for the tree below root in one pass. It
// must run again after the tree changes.
func computeStats(root *html.Node) *textStats {
	st := &textStats{nodes: make(map[*html.Node]nodeStat, countElements(root)+1)}
	st.fill(root)
	return st
}

// countElements counts the elements below n, so the stats map is sized
// once instead of growing.
func countElements(n *html.Node) int {
	count := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			count += 1 + countElements(c)
		}
	}
	return count
}

// fill computes the stats of n's subtree. Link weight counts the links
// inside the subtree only: a paragraph inside a mis-nested link that wraps
// a whole post is not itself link text.
func (st *textStats) fill(n *html.Node) (weight, links int) {
	switch n.Type {
	case html.TextNode:
		return textWeight(n.Data), 0
	case html.ElementNode:
		if invisibleTags[n.Data] {
			return 0, 0
		}
	case html.CommentNode:
		return 0, 0
	}

	var best *html.Node
	bestWeight := 0
	images := int32(0)
	if n.Type == html.ElementNode && (n.Data == "img" || n.Data == "picture") {
		images = 1
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w, l := st.fill(c)
		weight += w
		links += l
		images += st.nodes[c].images
		if b := st.nodes[c].bestLink; b != nil && int(st.nodes[b].weight) > bestWeight {
			best, bestWeight = b, int(st.nodes[b].weight)
		}
	}
	if n.Type == html.ElementNode && n.Data == "a" {
		links = weight
		if isPageLink(attr(n, "href")) {
			best = n
		}
	}
	st.nodes[n] = nodeStat{weight: int32(weight), links: int32(links), images: images, bestLink: best}
	return weight, links
}

// isPageLink reports whether href leads somewhere: not empty, not a
// fragment, not a script.
func isPageLink(href string) bool {
	href = strings.TrimSpace(href)
	return href != "" && !strings.HasPrefix(href, "#") && !strings.HasPrefix(strings.ToLower(href), "javascript:")
}

// weightOf returns the text weight below n.
func (st *textStats) weightOf(n *html.Node) int {
	if ns, ok := st.nodes[n]; ok {
		return int(ns.weight)
	}
	return textWeight(nodeText(n))
}

// linkWeightOf returns the text weight inside links below n.
func (st *textStats) linkWeightOf(n *html.Node) int {
	if ns, ok := st.nodes[n]; ok {
		return int(ns.links)
	}
	return linkWeight(n)
}

// hasImage reports whether an image sits below n. Without stats for n it
// reports true, so callers fall back to looking.
func (st *textStats) hasImage(n *html.Node) bool {
	ns, ok := st.nodes[n]
	return !ok || ns.images > 0
}

// density is the share of n's text that sits in links.
func (st *textStats) density(n *html.Node) float64 {
	total := st.weightOf(n)
	if total == 0 {
		return 0
	}
	d := float64(st.linkWeightOf(n)) / float64(total)
	if d > 1 {
		return 1
	}
	return d
}

// classKey identifies one regular expression applied to one class string.
type classKey struct {
	re *classPattern
	ci string
}

// matchClass reports whether re matches the class string ci, lowercased,
// remembering
// the result: pages repeat a few class strings on thousands of elements.
func (p *page) matchClass(re *classPattern, ci string) bool {
	if ci == "" {
		return false
	}
	key := classKey{re, ci}
	if m, ok := p.classCache[key]; ok {
		return m
	}
	m := re.MatchString(strings.ToLower(ci))
	p.classCache[key] = m
	return m
}

// matchNode reports whether re matches the class attribute or the id of
// n, both lowercased. They are matched apart because class strings repeat
// across a page and ids do not, so only the class results are worth
// remembering.
func (p *page) matchNode(re *classPattern, n *html.Node) bool {
	if c := attr(n, "class"); c != "" && p.matchClass(re, c) {
		return true
	}
	id := attr(n, "id")
	return id != "" && re.MatchString(strings.ToLower(id))
}

// isClean reports whether s is already what cleanText returns: printable
// ASCII with single inner spaces and no space at either end.
func isClean(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return s == ""
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || (c == ' ' && s[i-1] == ' ') {
			return false
		}
	}
	return true
}
