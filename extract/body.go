package extract

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/gleanerhq/gleaner/extract/date"
)

// inlineTags flow inside a paragraph.
var inlineTags = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true,
	"data": true, "del": true, "dfn": true, "em": true, "font": true, "i": true, "ins": true,
	"kbd": true, "mark": true, "q": true, "s": true, "samp": true, "small": true, "span": true,
	"strong": true, "sub": true, "sup": true, "time": true, "u": true, "var": true, "wbr": true,
	"strike": true, "big": true, "tt": true, "label": true, "nobr": true, "img": true, "picture": true,
	"source": true, "ruby": true, "rt": true, "rp": true,
}

// Class and id fragments that raise or lower a container's score.
var (
	positiveClass = mustClassPattern(`article|body|content|entry|main|post|story|text|detail|blog|news-?txt|\bcon\b|zw|rich|prose|paragraph|markdown|maintext|页面正文`)
	negativeClass = mustClassPattern(`comment|disqus|share|social|sns|footer|\bfoot\b|\bnav|menu|breadcrumb|crumb|sidebar|side-?bar|\bside\b|widget|related|recommend|promo|advert|\bads?\b|ad-|-ad\b|banner|sponsor|newsletter|subscribe|signup|cookie|consent|popup|modal|toolbar|pagination|pager|\btags?\b|keyword|copyright|disclaimer|statement|author-?(bio|info|box)|byline|masthead|login|qrcode|erweima|hot|rank|outbrain|taboola|print|download|vote|rating|reward|dashang|zan\b`)
)

// boilerClass marks elements inside the body container that are never
// article text, whatever their size.
var boilerClass = mustClassPattern(`comment|disqus|share|sharing|social|\bsns\b|breadcrumb|crumb|related|recommend|promo|advert|\bads?\b|ad-slot|ad-?container|sponsor|newsletter|subscribe|signup|cookie|consent|popup|modal|toolbar|\btags?\b|tag-?list|keywords?\b|copyright|disclaimer|statement|byline|\bauthor\b|post-author|about-?(the-)?author|author-?(bio|info|box|card|content|profile|details|wrap|desc)|qrcode|erweima|reward|dashang|print|vote|rating|caption|credit|pic-?(note|txt|info|desc)|img-?(desc|note|txt)|photo-?(desc|caption|credit)|\bmeta\b|post-?meta|article-?meta|entry-?meta|news-?meta|info-?bar|\bdate\b|\btime\b|timestamp|\bsource\b|readmore|read-more|more-?link`)

// boilerLine matches lines that are page furniture even inside the body:
// disclaimers, share prompts, copyright notes, editor credits.
var boilerLine = regexp.MustCompile(`(?i)^\s*(鄭重聲明|郑重声明|免责声明|免責聲明|特别声明|特別聲明|版权声明|版權聲明|风险提示|風險提示|声明[:：]|聲明[:：]|statement:|disclaimer|分享到|分享至|share this|share on|share:|social share$|copyright ©|©|\(c\) \d{4}|all rights reserved|版权所有|版權所有|無断転載|無断複製|転載を禁|责任编辑|責任編輯|责编[:：]|編輯[:：]|编辑[:：]|本文来源|本文來源|转载请注明|轉載請註明|未经授权|未經授權|点击进入|點擊進入|点击查看|點擊查看|扫一扫|掃一掃|关注我们|關注我們|follow us|sign up for|subscribe to|advertisement$|advert$|reklam$|iklan$|anzeige$|publicidad$|pubblicità$|广告$|廣告$|this slideshow requires javascript|点我下载|點我下載|下载app|下載app|打开app|打開app|现在用app|現在用app|按我看活動|扫码下载|掃碼下載|your video will play|(image|photo|foto|bild|ảnh|фото|圖|图)\s*[:：]|\[/?[a-z_]+[^\]]*\]$|（\d+/\d+ページ）$|［有料会員限定］)`)

// tailLine matches prompts that close an article: tips, newsletters,
// follow and donation appeals. They are dropped only from the last lines,
// where they sit, because the same words can open a real sentence.
var tailLine = regexp.MustCompile(`(?i)^\s*(have a tip\b|got a tip\b|subscribe to\b|sign up for\b|follow .{1,60} on (twitter|facebook|instagram|x)\b|follow (us|the|newsbeat)\b|invest in journalism|support (our|independent) journalism|mit einer spende|(reporting|writing) by [^;]{1,80}; editing by|tell us what you think|comments?$)`)

// bioLine matches the contributor note some sites print in italics under
// the text: "Dana Whitlow is the founder of ...".
var bioLine = regexp.MustCompile(`^(?:\p{Lu}[\p{L}.'’-]*\s){2,4}(?:is|was|has been)\s(?:a|an|the|founder|co-founder|director|editor|professor|author)\b`)

// commentClass matches class names and ids of comment threads.
var commentClass = mustClassPattern(`comment|disqus`)

// isComplementary reports whether n is marked as content beside the main
// text (role="complementary"): fact boxes, rails, asides in other tags.
func isComplementary(n *html.Node) bool {
	return strings.EqualFold(attr(n, "role"), "complementary")
}

// scoreBoard holds container scores for one page.
type scoreBoard map[*html.Node]float64

// extractBody chooses the body container and renders its text.
func (p *page) extractBody() {
	root := findBody(p.doc)
	if root == nil {
		return
	}
	body, nodes := p.scoreAndRender(root, false)
	if textWeight(body) < 150 {
		// Second, more lenient pass: keep boilerplate-classed blocks.
		if alt, altNodes := p.scoreAndRender(root, true); textWeight(alt) > textWeight(body)*2 {
			body, nodes = alt, altNodes
		}
	}

	// JSON-LD articleBody is a cross-check: when the page's own markup
	// yields much less than it, the markup hid the text.
	p.why["body"] = describeNodes(nodes)
	if ldBody := p.ldArticleBody(); ldBody != "" && textWeight(ldBody) > 2*textWeight(body)+100 {
		body, nodes = ldBody, nil
		p.why["body"] = "json-ld articleBody"
	}

	if lead := p.standfirst(nodes); lead != "" && !strings.Contains(body, lead) {
		body = lead + "\n" + body
		p.why["body"] += " + standfirst"
	}

	p.body = body
	p.bodyNodes = nodes
	p.collectImages(nodes)
	p.takeLateBlocks()
}

// leadClass matches the class names of a standfirst: the sentence or two
// under the headline that sums up the article.
var leadClass = mustClassPattern(`lead|standfirst|\bdek\b|\bdeck\b|subtitle|sub-title|subhead|summary|excerpt|intro|teaser|bajada|chapo|chapeau|sapo|abstract|description|resumen|entradilla|occhiello|catenaccio|sommario|ingress|vorspann|anriss`)

// standfirst returns the article's standfirst when it sits between the
// visible headline and the body containers, outside both: "<h1>…</h1><p
// class="article__lead">…</p>". It is the author's own summary, so it
// belongs to the text.
func (p *page) standfirst(body []*html.Node) string {
	if p.titleNode == nil || len(body) == 0 {
		return ""
	}
	inBody := map[*html.Node]bool{}
	for _, n := range body {
		inBody[n] = true
	}

	var lead string
	started, done := false, false
	budget := 1200
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if done {
			return
		}
		if inBody[n] && !isAncestor(n, p.titleNode) {
			// The search stops at the first body container after the
			// headline. A container before the headline is skipped.
			done = started
			return
		}
		if n == p.titleNode {
			started = true
			return
		}
		if started && n.Type == html.ElementNode {
			if p.matchNode(boilerClass, n) || isComplementary(n) {
				// Skip author boxes and share bars, because their
				// "description" is not the article's summary.
				return
			}
			switch n.Data {
			case "p", "div", "h2", "h3", "span", "section":
				if w := p.st.weightOf(n); w > 0 && p.matchNode(leadClass, n) {
					done = true
					t := cleanText(nodeText(n))
					if w >= 60 && w <= 800 && p.st.density(n) < 0.3 && strings.ContainsAny(t, " ，。、") {
						lead = t
					}
					return
				}
			}
		}
		if started && n.Type == html.TextNode {
			if budget -= textWeight(n.Data); budget < 0 {
				done = true
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
	return lead
}

func findBody(doc *html.Node) *html.Node {
	var found *html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if n.Type == html.ElementNode && n.Data == "body" {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

// scoreAndRender scores the containers below root, picks the best with
// its related siblings, and renders their text.
func (p *page) scoreAndRender(root *html.Node, lenient bool) (string, []*html.Node) {
	scores := scoreBoard{}
	p.scoreUnits(root, scores)
	top := p.topCandidate(scores)
	if top == nil {
		top = root
	}
	nodes := p.withSiblings(top, scores)

	r := &renderer{p: p, lenient: lenient}
	for _, n := range nodes {
		r.total += p.st.weightOf(n)
	}
	for _, n := range nodes {
		r.block(n)
	}
	return r.text(), nodes
}

// scoreUnits gives every paragraph-like unit a score and adds it to the
// unit's ancestors: all of it to the parent, half to the grandparent, a
// third to the one above.
func (p *page) scoreUnits(root *html.Node, scores scoreBoard) {
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.Data == "nav" || c.Data == "footer" || c.Data == "aside" || isComplementary(c) {
				continue
			}
			// Comment threads can outweigh a short article; they are never
			// its body.
			if p.matchNode(commentClass, c) {
				continue
			}
			unit := c.Data == "p" || c.Data == "pre" || c.Data == "blockquote" || c.Data == "td" ||
				(!inlineTags[c.Data] && hasDirectText(c))
			if unit {
				p.scoreUnit(c, scores)
			}
			walk(c)
		}
	}
	walk(root)
}

func (p *page) scoreUnit(n *html.Node, scores scoreBoard) {
	text := ownText(n)
	w := textWeight(text)
	if w < 25 {
		return
	}
	lw := p.st.linkWeightOf(n)
	density := float64(lw) / float64(w+1)
	if density > 1 {
		density = 1
	}

	s := 1 + float64(punctCount(text))
	if extra := float64(w) / 75; extra < 5 {
		s += extra
	} else {
		s += 5
	}
	s *= 1 - density

	// A unit whose text sits directly in a div (text separated by <br>)
	// is its own container.
	target := n.Parent
	if n.Data != "p" && n.Data != "pre" && n.Data != "blockquote" && n.Data != "td" && hasDirectText(n) {
		target = n
	}
	for level := 1; target != nil && level <= 3; level++ {
		if target.Type != html.ElementNode {
			break
		}
		if _, ok := scores[target]; !ok {
			scores[target] = p.initialScore(target)
		}
		scores[target] += s / float64(level)
		target = target.Parent
	}
}

// initialScore is a container's score before its paragraphs count: by tag
// and by class names.
func (p *page) initialScore(n *html.Node) float64 {
	s := 0.0
	switch n.Data {
	case "article":
		s += 8
	case "main":
		s += 4
	case "div", "section":
		s += 5
	case "pre", "td", "blockquote":
		s += 3
	case "address", "ol", "ul", "dl", "dd", "dt", "li", "form":
		s -= 3
	case "h1", "h2", "h3", "h4", "h5", "h6", "th":
		s -= 5
	case "body":
		s -= 5
	}
	s += p.classWeight(n)
	if strings.EqualFold(attr(n, "itemprop"), "articleBody") {
		s += 30
	}
	return s
}

func (p *page) classWeight(n *html.Node) float64 {
	ci := classID(n)
	if ci == "" {
		return 0
	}
	w := 0.0
	if p.matchNode(negativeClass, n) {
		w -= 25
	}
	if p.matchNode(positiveClass, n) {
		w += 25
	}
	return w
}

// topCandidate returns the container with the best score after the
// link-density discount.
func (p *page) topCandidate(scores scoreBoard) *html.Node {
	var best *html.Node
	bestScore := 0.0
	for n, s := range scores {
		final := s * (1 - p.st.density(n))
		scores[n] = final
		if best == nil || final > bestScore || (final == bestScore && isAncestor(n, best)) {
			best, bestScore = n, final
		}
	}
	if best == nil {
		return nil
	}

	// Paragraphs split over sibling wrappers give the parent a score close
	// to the child's; move up while the parent holds clearly more text.
	for best.Parent != nil && best.Parent.Data != "body" && best.Parent.Type == html.ElementNode {
		ps, ok := scores[best.Parent]
		if !ok || ps < bestScore*0.9 {
			break
		}
		best, bestScore = best.Parent, ps
	}

	// Wrappers that add (almost) no text of their own are the same
	// container: climbing them lets withSiblings see the article's other
	// chunks, which sit beside the wrapper and not beside the paragraphs.
	// A link-heavy parent is a menu or a mis-nested link, so the climb
	// stops there.
	own := p.st.weightOf(best) - p.st.linkWeightOf(best)
	for best.Parent != nil && best.Parent.Type == html.ElementNode && best.Parent.Data != "body" {
		parent := best.Parent
		parentOwn := p.st.weightOf(parent) - p.st.linkWeightOf(parent)
		if parentOwn > own+20 || p.st.density(parent) > 0.5 {
			break
		}
		best, own = parent, parentOwn
		if ps := scores[parent]; ps > bestScore {
			bestScore = ps
		}
	}
	scores[best] = bestScore
	return best
}

// withSiblings returns top and those of its siblings that carry article
// text too: high scores, or plain prose paragraphs.
func (p *page) withSiblings(top *html.Node, scores scoreBoard) []*html.Node {
	parent := top.Parent
	if parent == nil || top.Data == "body" {
		return []*html.Node{top}
	}
	topScore := scores[top]
	threshold := topScore * 0.2
	if threshold < 10 {
		threshold = 10
	}
	topClass := attr(top, "class")

	var out []*html.Node
	for s := parent.FirstChild; s != nil; s = s.NextSibling {
		if s.Type != html.ElementNode {
			continue
		}
		if s == top {
			out = append(out, s)
			continue
		}
		// Repeated wrappers of the same kind hold the article's next
		// chunks, split by ads or images.
		if topClass != "" && s.Data == top.Data && attr(s, "class") == topClass && p.st.density(s) < 0.3 && p.st.weightOf(s) > 0 {
			out = append(out, s)
			continue
		}
		bonus := 0.0
		if sc, ok := scores[s]; ok && sc+bonus >= threshold {
			out = append(out, s)
			continue
		}
		if s.Data == "p" {
			text := nodeText(s)
			w := textWeight(text)
			ld := p.st.density(s)
			if (w > 240 && ld < 0.25) || (w > 0 && w <= 240 && ld == 0 && strings.ContainsAny(text, ".。!！?？")) {
				out = append(out, s)
			}
		}
	}
	return out
}

// ownText returns the text of n outside its block-level descendants.
func ownText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
			case html.ElementNode:
				if blockTags[c.Data] && c.Data != "center" {
					b.WriteByte(' ')
					continue
				}
				if c.Data == "br" {
					b.WriteByte(' ')
				}
				walk(c)
			}
		}
	}
	walk(n)
	return cleanText(b.String())
}

// linkWeight returns the text weight inside links below n.
func linkWeight(n *html.Node) int {
	w := 0
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.Data == "a" {
				w += textWeight(nodeText(c))
				continue
			}
			walk(c)
		}
	}
	walk(n)
	return w
}

// linkDensity is the share of n's text that sits in links.
func linkDensity(n *html.Node) float64 {
	total := textWeight(nodeText(n))
	if total == 0 {
		return 0
	}
	d := float64(linkWeight(n)) / float64(total)
	if d > 1 {
		return 1
	}
	return d
}

// renderer turns the body containers into lines of text.
type renderer struct {
	p       *page
	lenient bool
	total   int // text weight of all the body containers
	lines   []string
	cur     strings.Builder
	// headings holds the lines rendered from <h2>…<h6> elements, italic
	// those of paragraphs set wholly in italics.
	headings, italic map[string]bool
}

// mark records the line being built in set.
func (r *renderer) mark(set *map[string]bool) {
	if *set == nil {
		*set = map[string]bool{}
	}
	(*set)[cleanText(r.cur.String())] = true
}

// allEmphasized reports whether every piece of text in n is inside <em>
// or <i>.
func allEmphasized(n *html.Node) bool {
	found := false
	var walk func(x *html.Node, em bool) bool
	walk = func(x *html.Node, em bool) bool {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				if strings.TrimSpace(c.Data) != "" {
					if !em {
						return false
					}
					found = true
				}
			case html.ElementNode:
				if !walk(c, em || c.Data == "em" || c.Data == "i") {
					return false
				}
			}
		}
		return true
	}
	return walk(n, false) && found
}

func (r *renderer) flush() {
	line := cleanText(r.cur.String())
	r.cur.Reset()
	if line == "" {
		return
	}
	if n := len(r.lines); n > 0 && r.lines[n-1] == line {
		return
	}
	r.lines = append(r.lines, line)
}

func (r *renderer) text() string {
	r.flush()
	r.p.rawLines = r.lines
	var kept []string
	for _, line := range r.lines {
		if boilerLine.MatchString(line) || isLabelLine(line) {
			continue
		}
		if line == r.p.title && len(kept) == 0 {
			continue
		}
		kept = append(kept, line)
	}
	kept = trimMetaLines(kept)
	// Drop a trailing heading, because the block it introduced (a
	// booking widget, a newsletter form) was left out.
	for len(kept) > 1 {
		last := kept[len(kept)-1]
		if !tailLine.MatchString(last) && !r.headings[last] && !(r.italic[last] && bioLine.MatchString(last)) {
			break
		}
		kept = kept[:len(kept)-1]
	}
	return strings.Join(kept, "\n")
}

// block renders n as its own block of lines.
func (r *renderer) block(n *html.Node) {
	r.flush()
	r.walk(n)
	r.flush()
}

func (r *renderer) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		r.cur.WriteString(n.Data)
		return
	case html.ElementNode:
	default:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			r.walk(c)
		}
		return
	}

	if r.skip(n) {
		return
	}
	switch {
	case n.Data == "br" || n.Data == "hr":
		r.flush()
		return
	case n.Data == "td" || n.Data == "th":
		if !blockHasBlocks(n) {
			r.cur.WriteByte(' ')
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				r.walk(c)
			}
			r.cur.WriteByte(' ')
			return
		}
	}
	isBlock := blockTags[n.Data]
	if isBlock {
		r.flush()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.walk(c)
	}
	if isBlock {
		if r.cur.Len() > 0 {
			if level := headingLevel(n); level >= 2 {
				r.mark(&r.headings)
			} else if n.Data == "p" && allEmphasized(n) {
				r.mark(&r.italic)
			}
		}
		r.flush()
	}
}

// skip reports whether the element is page furniture inside the body.
func (r *renderer) skip(n *html.Node) bool {
	switch n.Data {
	case "h1", "figcaption", "figure", "nav", "aside", "footer", "header", "form", "caption":
		if n.Data == "figure" && hasProse(n) {
			return false
		}
		if n.Data == "header" && r.p.st.weightOf(n) > 600 {
			return false
		}
		return true
	}
	if n == r.p.titleNode || isComplementary(n) {
		return true
	}
	if r.p.st.hasImage(n) && isCaptionBlock(n) {
		return true
	}
	if h := firstHeading(n); h != "" && (recommendLabel.MatchString(h) || hotLabel.MatchString(h)) && r.p.st.density(n) > 0.3 {
		// A list under a "Related" or "Most read" heading inside the body.
		return true
	}
	if !r.lenient && r.p.matchNode(boilerClass, n) && !(r.p.matchNode(positiveClass, n) && r.p.st.weightOf(n) > 600) {
		// An element with a furniture class name that holds most of the
		// text is the article itself ("read-more" wrapping the rest).
		if r.total == 0 || r.p.st.weightOf(n)*2 < r.total {
			return true
		}
	}
	if (n.Data == "div" || n.Data == "section") && r.p.st.weightOf(n) <= 600 && r.p.st.weightOf(n)*2 < r.total && isCallToAction(n) {
		// A membership, newsletter or app box: a few lines and a button.
		return true
	}
	if (n.Data == "ul" || n.Data == "ol" || n.Data == "dl" || n.Data == "div" || n.Data == "p") && r.p.st.density(n) > 0.6 && !isTermList(n) {
		return true
	}
	return false
}

// buttonClass matches the class names of links styled as buttons.
var buttonClass = regexp.MustCompile(`(?i)\bbtn\b|button|\bcta\b`)

// isCallToAction reports whether n is a small box whose point is a button:
// a link or <button> styled as one, beside at most two paragraphs.
func isCallToAction(n *html.Node) bool {
	button, paragraphs := false, 0
	var walk func(x *html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch {
			case c.Data == "button" || (c.Data == "a" && (buttonClass.MatchString(attr(c, "class")) || strings.EqualFold(attr(c, "role"), "button"))):
				button = true
			case c.Data == "p":
				paragraphs++
			}
			walk(c)
		}
	}
	walk(n)
	return button && paragraphs <= 2
}

// hasProse reports whether a figure holds text beyond its caption (some
// sites wrap quotes and tables in <figure>).
func hasProse(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.Data == "blockquote" || c.Data == "table" || c.Data == "p") {
			return true
		}
	}
	return false
}

// isCaptionBlock reports whether n is an image with a short caption
// around it: "<div><img><br><span>入口。资料图</span></div>".
func isCaptionBlock(n *html.Node) bool {
	if n.Data != "div" && n.Data != "p" && n.Data != "span" && n.Data != "center" {
		return false
	}
	hasImg := false
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil && !hasImg; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if c.Data == "img" || c.Data == "picture" {
					hasImg = true
					return
				}
				walk(c)
			}
		}
	}
	walk(n)
	if !hasImg || utf8.RuneCountInString(nodeText(n)) > 400 {
		return false
	}
	// Block children with text of their own and no image are paragraphs,
	// so n is a body part, not a captioned image. Up to two short ones are
	// the caption and the credit ("<p>caption</p><p>Image: X</p>").
	textBlocks, images, imageFirst := 0, 0, false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if containsImage(c) {
			images++
			imageFirst = imageFirst || textBlocks == 0
			continue
		}
		if blockTags[c.Data] && nodeText(c) != "" {
			textBlocks++
			if textBlocks > 2 || utf8.RuneCountInString(nodeText(c)) > 200 {
				return false
			}
		}
	}
	if textBlocks > 0 {
		return images == 1 && imageFirst && !hasDirectText(n)
	}
	t := nodeText(n)
	return t != "" && utf8.RuneCountInString(t) <= 80 && punctCount(t) <= 3
}

// metaLine matches short lines that only state when, where from and by
// whom: "2020-01-03 18:40 来源：示例新闻", "By Dana Whitlow".
var metaLine = regexp.MustCompile(`(?i)^((发布时间|發布時間|发表时间|發表時間|时间|時間|日期|来源|來源|原文来源|原文來源|原文作者|原文链接|原文連結|作者|记者|記者|编辑|編輯|编译|編譯|责编|图片来源|圖片來源|摄影|攝影|公開日|更新日|配信日|掲載日|投稿日)\s*[:：|丨]|(published|updated|posted)\b|by [A-Z]|photo:|图/|圖/|文/|\d{4}[-/.年]\d{1,2})`)

// bylineLine matches a byline with a date anywhere in a short line.
var bylineLine = regexp.MustCompile(`(?i)(^|[|｜·•]\s*)(published|updated|posted|by\s|发布|發布|更新)`)

// trimMetaLines drops byline and date lines at the start and end of the
// body.
func trimMetaLines(lines []string) []string {
	isMeta := func(s string) bool {
		if utf8.RuneCountInString(s) > 80 {
			return false
		}
		if metaLine.MatchString(s) && !strings.ContainsAny(s, "，。,") {
			return true
		}
		// "Posted: Fri 6:45 PM, Feb 16, 2018 |", "Name|Published 15 hours ago".
		return bylineLine.MatchString(s) && len(date.FindAll(s, time.Time{}, time.UTC)) > 0
	}
	for len(lines) > 0 && isMeta(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && isMeta(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// ldArticleBody returns the JSON-LD articleBody, split into lines.
func (p *page) ldArticleBody() string {
	for _, o := range p.ldArticles() {
		if s, ok := o["articleBody"].(string); ok && s != "" {
			var lines []string
			for _, line := range strings.Split(s, "\n") {
				if line = cleanText(line); line != "" {
					lines = append(lines, line)
				}
			}
			return strings.Join(lines, "\n")
		}
	}
	return ""
}

// collectImages records the images of the body with their captions.
func (p *page) collectImages(nodes []*html.Node) {
	seen := map[string]bool{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "img" {
			src := ""
			for _, key := range []string{"data-src", "data-original", "data-lazy-src", "data-actualsrc", "src"} {
				if v := strings.TrimSpace(attr(n, key)); v != "" && !strings.HasPrefix(v, "data:") {
					src = v
					break
				}
			}
			if u := p.resolve(src); u != "" && !seen[u] && !tinyImage(n) {
				seen[u] = true
				p.images = append(p.images, Image{URL: u, Caption: imageCaption(n)})
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func tinyImage(n *html.Node) bool {
	for _, key := range []string{"width", "height"} {
		v := strings.TrimSuffix(attr(n, key), "px")
		if v != "" && len(v) <= 2 {
			return true
		}
	}
	return false
}

// imageCaption finds an image's caption: the figcaption of its figure,
// else a short text in the same small block, else its alt text.
func imageCaption(img *html.Node) string {
	for a := img.Parent; a != nil && a.Type == html.ElementNode; a = a.Parent {
		if a.Data == "figure" {
			var cap string
			var walk func(*html.Node)
			walk = func(x *html.Node) {
				for c := x.FirstChild; c != nil && cap == ""; c = c.NextSibling {
					if c.Type == html.ElementNode {
						if c.Data == "figcaption" || strings.Contains(classID(c), "caption") {
							cap = nodeText(c)
							return
						}
						walk(c)
					}
				}
			}
			walk(a)
			if cap != "" {
				return cap
			}
			break
		}
		if isCaptionBlock(a) {
			return nodeText(a)
		}
		if blockTags[a.Data] {
			break
		}
	}
	// A caption element right after the image.
	for s := img.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode {
			if strings.Contains(classID(s), "caption") || strings.Contains(classID(s), "credit") {
				return nodeText(s)
			}
			break
		}
	}
	return cleanText(attr(img, "alt"))
}

func containsImage(n *html.Node) bool {
	if n.Type == html.ElementNode && (n.Data == "img" || n.Data == "picture") {
		return true
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if containsImage(c) {
			return true
		}
	}
	return false
}

// describeNodes names the chosen body containers for Record.Explain:
// "div.article-body", "p (+3 siblings)".
func describeNodes(nodes []*html.Node) string {
	if len(nodes) == 0 {
		return ""
	}
	first := nodes[0]
	desc := first.Data
	if c := strings.Fields(attr(first, "class")); len(c) > 0 {
		desc += "." + c[0]
	}
	if id := attr(first, "id"); id != "" {
		desc += "#" + id
	}
	if len(nodes) > 1 {
		desc += fmt.Sprintf(" (+%d siblings)", len(nodes)-1)
	}
	return desc
}

// firstHeading returns the text of the first heading element among the
// first children of n, or "".
func firstHeading(n *html.Node) string {
	count := 0
	for c := n.FirstChild; c != nil && count < 3; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		count++
		if t := headingText(c); t != "" {
			return t
		}
	}
	return ""
}

// isLabelLine reports whether a short line is a label left behind by a
// removed block ("You may also like:", "Sponsored links") or a credit line
// ("photos © Inexhibit, 2018").
func isLabelLine(line string) bool {
	n := utf8.RuneCountInString(line)
	if n <= 120 && (strings.Contains(line, "©") || strings.Contains(line, "(c) ") || rightsNotice.MatchString(line)) {
		return true
	}
	if n > 40 || punctCount(strings.TrimRight(line, ":：.…")) > 0 {
		return false
	}
	return recommendLabel.MatchString(line) || hotLabel.MatchString(line) || sponsoredLabel.MatchString(line)
}

// rightsNotice matches copyright and reprint notices anywhere in a short
// line ("※...本サイトの記事・写真の無断転載を禁じます。").
var rightsNotice = mustTextPattern(`(?i)無断転載|無断複製|転載を禁|版权所有|版權所有|all rights reserved|未经授权.{0,12}禁止|未經授權.{0,12}禁止|不得转载|不得轉載`)

// sponsoredLabel matches the headings of paid link blocks.
var sponsoredLabel = mustTextPattern(`(?i)sponsored|promoted|paid content|partner content|赞助|贊助|推广|推廣|广告|廣告`)

// isTermList reports whether n is a sentence that lists linked terms
// ("宮崎県：<a>高鍋町</a>、<a>新富町</a>"): short links joined by list
// punctuation. Such a paragraph is text, however dense its links; a block
// of headline links is not.
func isTermList(n *html.Node) bool {
	links := 0
	short := true
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.Data == "a" {
				links++
				if titleLength(nodeText(c)) > 16 {
					short = false
				}
				continue
			}
			walk(c)
		}
	}
	walk(n)
	if links < 2 || !short {
		return false
	}
	return strings.ContainsAny(ownTextOutsideLinks(n), "、，,;；")
}

// ownTextOutsideLinks returns the text of n that is not inside links.
func ownTextOutsideLinks(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && c.Data != "a":
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}
