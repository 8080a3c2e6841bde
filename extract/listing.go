package extract

import (
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// isListing decides whether the page is an index of teaser cards rather
// than one article: repeated cards outweigh the running prose, and the
// page makes no strong claim to be an article with prose to match.
func (p *page) isListing() bool {
	inBlock := map[*html.Node]bool{}
	cardWeight, cardCount := 0, 0
	for _, b := range p.blocks {
		inBlock[b.container] = true
		if b.kind != blockUnknown || len(b.entries) < 3 || p.samePathEntries(b) || p.inSidebar(b.container) {
			continue
		}
		cardWeight += b.weight
		cardCount += len(b.entries)
	}
	prose, links := p.proseWeight(inBlock)

	articleClaim := p.meta.first("og:type") == "article" || p.meta.first("article:published_time") != ""
	for _, o := range p.ldArticles() {
		for _, t := range ldTypes(o) {
			if lt := strings.ToLower(t); lt != "webpage" && lt != "collectionpage" && articleTypes[lt] {
				articleClaim = true
			}
		}
	}

	// A page that calls itself an article is one unless it has almost no
	// prose: paywalled stories are short and still articles.
	p.why["page_type"] = fmt.Sprintf("cards %d (weight %d), prose weight %d, links %d, article metadata %v", cardCount, cardWeight, prose, links, articleClaim)
	if articleClaim && prose >= 100 {
		return false
	}
	switch {
	case cardCount >= 4 && cardWeight > prose:
		return true
	case cardCount >= 3 && cardWeight > 3*prose && !articleClaim:
		return true
	case prose < 120 && links >= 5 && !articleClaim:
		// A page of bare links and almost no text: a channel index.
		return true
	}
	return false
}

// proseWeight sums the text weight of paragraphs that read as prose
// (punctuated, few links) outside link blocks and page chrome, and counts
// the links there.
func (p *page) proseWeight(skip map[*html.Node]bool) (prose, links int) {
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if skip[n] || n.Data == "nav" || n.Data == "header" || n.Data == "footer" || n.Data == "aside" || isComplementary(n) {
				return
			}
			if n.Data == "a" && attr(n, "href") != "" {
				links++
			}
			if n.Data == "p" || n.Data == "pre" || n.Data == "blockquote" || (hasDirectText(n) && n.Data != "a" && !inlineTags[n.Data]) {
				text := ownText(n)
				w := textWeight(text)
				// Punctuated text is prose; so is a long unpunctuated run
				// such as verse or lyrics split by <br>.
				lw := p.st.linkWeightOf(n)
				if (w >= 30 && punctCount(text) > 0 && lw*3 < w) || (w >= 300 && lw*5 < w) {
					prose += w
				}
				// Old pages nest tables in <p>; only a plain paragraph ends
				// the walk.
				if (n.Data == "p" || n.Data == "pre" || n.Data == "blockquote") && !blockHasBlocks(n) {
					links += countLinks(n)
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
	return prose, links
}

func countLinks(n *html.Node) int {
	c := 0
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		if x.Type == html.ElementNode && x.Data == "a" && attr(x, "href") != "" {
			c++
		}
		for k := x.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(n)
	return c
}

// takeRecommended moves the entries of recommended blocks to the record
// and removes every labelled link block from the tree, so none of them
// reaches the body. Unlabelled blocks stay until the body is chosen. With
// keep false (a site profile gave the recommended list) the blocks are
// only removed. It reports whether it removed anything; the text weights
// are kept up to date as it goes.
func (p *page) takeRecommended(keep bool) bool {
	seen := map[string]bool{}
	removed := false
	for _, b := range p.blocks {
		if b.kind == blockUnknown {
			continue
		}
		if b.kind == blockRecommend && keep {
			p.addRecommended(b, seen)
		}
		p.detachCounted(b.container)
		removed = true
	}
	return removed
}

func (p *page) addRecommended(b *linkBlock, seen map[string]bool) {
	for _, e := range b.entries {
		if seen[e.URL] {
			continue
		}
		seen[e.URL] = true
		p.recommended = append(p.recommended, e)
	}
}

// takeLateBlocks runs after the body is chosen: an unlabelled block of
// cards outside the body whose cards carry a summary or a time is a
// recommended list without a heading.
func (p *page) takeLateBlocks() {
	if p.why["recommended"] == "profile" {
		return
	}
	seen := map[string]bool{}
	for _, e := range p.recommended {
		seen[e.URL] = true
	}
	for _, b := range p.blocks {
		if b.kind != blockUnknown || b.container.Parent == nil {
			continue
		}
		inside := false
		for _, n := range p.bodyNodes {
			if isAncestor(n, b.container) {
				inside = true
			}
		}
		if inside {
			continue
		}
		rich := 0
		for _, e := range b.entries {
			if e.Summary != "" || e.Published != "" || e.Source != "" {
				rich++
			}
		}
		if rich*2 >= len(b.entries) && rich >= 2 {
			p.addRecommended(b, seen)
		}
	}
}

// takeItems fills the items of a listing page from its card blocks, or,
// on a page of bare links, from its links.
func (p *page) takeItems() {
	// When some card blocks carry times or summaries, bare link boxes
	// beside them (rankings, "most read") are not the page's items.
	richOnly := false
	for _, b := range p.blocks {
		if b.kind == blockUnknown && richEntries(b) {
			richOnly = true
		}
	}
	seen := map[string]bool{}
	for _, b := range p.blocks {
		if b.kind != blockUnknown && b.kind != blockRecommend {
			continue
		}
		if richOnly && !richEntries(b) {
			continue
		}
		for _, e := range b.entries {
			if seen[e.URL] {
				continue
			}
			seen[e.URL] = true
			p.items = append(p.items, e)
		}
	}
	if len(p.items) > 0 {
		return
	}

	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "nav" || n.Data == "header" || n.Data == "footer" {
				return
			}
			if n.Data == "a" {
				t := nodeText(n)
				if u := p.resolve(attr(n, "href")); u != "" && titleLength(t) >= 4 && !seen[u] {
					seen[u] = true
					p.items = append(p.items, Entry{Title: t, URL: u})
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
}

func detach(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

// detachCounted removes n from the tree and takes its text out of the
// cached weights of its ancestors, so the cache stays right without a
// second pass over the page.
func (p *page) detachCounted(n *html.Node) {
	w, l := p.st.weightOf(n), p.st.linkWeightOf(n)
	for a := n.Parent; a != nil; a = a.Parent {
		if ns, ok := p.st.nodes[a]; ok {
			ns.weight -= int32(w)
			ns.links -= int32(l)
			p.st.nodes[a] = ns
		}
	}
	detach(n)
}

// samePathEntries reports whether most entries of b lead to the page's own
// path with another query: the reply tree of a forum thread
// ("forumthread.jsp?id=..."), which is part of the page, not a list of
// other pages.
func (p *page) samePathEntries(b *linkBlock) bool {
	if p.base == nil {
		return false
	}
	same := 0
	for _, e := range b.entries {
		u, err := url.Parse(e.URL)
		if err == nil && u.Host == p.base.Host && u.Path == p.base.Path {
			same++
		}
	}
	return same*5 >= len(b.entries)*4
}

// sidebarClass matches class names of side columns and widgets.
var sidebarClass = mustClassPattern(`sidebar|side-?bar|\bside\b|\baside\b|widget|\brail\b|right-?col|left-?col|col-?right|col-?left`)

// inSidebar reports whether n sits in a side column, the page chrome or a
// widget: lists there do not make the page an index of cards.
func (p *page) inSidebar(n *html.Node) bool {
	for a := n; a != nil && a.Type == html.ElementNode; a = a.Parent {
		switch a.Data {
		case "aside", "nav", "footer", "header":
			return true
		}
		if p.matchNode(sidebarClass, a) {
			return true
		}
	}
	return false
}

// richEntries reports whether most entries of b carry a time, a summary or
// a source, as teaser cards do and bare link boxes do not.
func richEntries(b *linkBlock) bool {
	rich := 0
	for _, e := range b.entries {
		if e.Summary != "" || e.Published != "" || e.Source != "" {
			rich++
		}
	}
	return rich*2 > len(b.entries)
}
