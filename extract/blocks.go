package extract

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Kinds of link block.
const (
	blockUnknown   = iota // repeated article links with no label
	blockRecommend        // related / recommended / read-more lists
	blockHot              // site-wide hot or most-read lists
	blockNav              // navigation, tags, pagination
)

// linkBlock is a group of repeated sibling elements that each lead to an
// article: a recommended list, a list of teaser cards, a hot list.
type linkBlock struct {
	container *html.Node
	cards     []*html.Node
	entries   []Entry
	heading   string
	kind      int
	weight    int // text weight of the entries
	order     int // document position of the container
	inline    bool
}

// Labels that name a block of recommended or related articles.
var recommendLabel = mustTextPattern(`(?i)推荐|推薦|相关|相關|延伸|猜你喜|你可能|可能感兴趣|可能感興趣|同类|同類|大家都在看|看了又看|还想看|更多文章|更多新闻|更多新聞|更多阅读|更多閱讀|关联|關聯|関連|おすすめ|こちらも|related|recommend|more from|more on |more stories|more news|read more|read next|read also|also read|see also|you may also|you might also|further reading|more in |up next|what to read|keep reading|mehr zum thema|lesen sie auch|auch interessant|könnte sie|à lire aussi|a lire aussi|sur le même sujet|lire aussi|te puede interesar|relacionad|más noticias|leia também|leggi anche|potrebbe interessarti|관련|추천`)

// Labels that name site-wide lists, which belong to no one article.
var hotLabel = mustTextPattern(`(?i)热门|熱門|热点|熱點|排行|最热|最熱|热榜|熱榜|热读|熱讀|最新|24小时|24小時|快讯|快訊|popular|most read|most viewed|trending|top stories|latest|breaking|meistgelesen|人気|ランキング`)

// Class and id fragments of related lists.
var recommendClass = mustClassPattern(`related|recommend|\brec\b|rec[-_]|similar|suggest|read-?next|readmore|read-more|more-?(stories|news|articles)|also|tuijian|xiangguan|xgyd|xgxw|relevant|outbrain|taboola`)

// Class and id fragments of navigation.
var navClass = mustClassPattern(`\bnav|menu|breadcrumb|crumb|footer|\bfoot\b|pag(er|ination)|\btags?\b|tag-?list|keyword|topbar|header|masthead|site-?map|friend-?link|links?-?list`)

// inlineRelatedLabel starts a paragraph that is a link to another story
// inside the body: "RELATED: ...", "相关阅读：...".
var inlineRelatedLabel = regexp.MustCompile(`(?i)^\s*(related|read more|read also|also read|see also|more|recommended|related story|related article|related coverage|watch|listen|相关阅读|相關閱讀|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|相关新闻|相關新聞|相关报道|相關報導|阅读更多|閱讀更多)\s*[:：|]`)

// headingClass matches class names of block headings.
var headingClass = mustClassPattern(`title|heading|\bhd\b|head\b|caption|label`)

// sourceClass matches class names of the outlet on a teaser card.
var sourceClass = mustClassPattern(`(^|[\s_-])(src|source|origin|media|from|site|publisher|outlet|author)([\s_-]|$)`)

// sourceLabel reads "来源：X" forms in card text.
var sourceLabel = regexp.MustCompile(`(?:来源|來源|出处|出處|Source|Via)\s*[:：]\s*(\S[^|｜\n]{0,30})`)

// findLinkBlocks finds every group of repeated article links in the page.
func (p *page) findLinkBlocks() {
	order := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		order++
		if n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return
		}
		if n.Type == html.ElementNode && n.Data == "p" {
			if b := p.inlineRelated(n); b != nil {
				b.order = order
				p.blocks = append(p.blocks, b)
				return
			}
		}
		if n.Type == html.ElementNode {
			if b := p.blockAt(n); b != nil {
				b.order = order
				p.blocks = append(p.blocks, b)
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
}

// blockAt returns the link block whose cards are the children of n, or nil.
func (p *page) blockAt(n *html.Node) *linkBlock {
	if n.Data == "a" || n.Data == "p" || n.Data == "body" || n.Data == "html" || headingLevel(n) > 0 {
		return nil
	}
	var children []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			children = append(children, c)
		}
	}
	if len(children) < 2 {
		return nil
	}

	// Group children by their shape and keep the largest group of cards
	// that each hold one article link.
	groups := map[string][]*html.Node{}
	var keys []string
	for _, c := range children {
		if p.st.linkWeightOf(c) < 4 || !p.isCard(c) {
			continue
		}
		k := shapeKey(c)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], c)
	}
	var cards []*html.Node
	for _, k := range keys {
		if len(groups[k]) > len(cards) {
			cards = groups[k]
		}
	}
	if len(cards) < 2 {
		return nil
	}

	// The cards must be most of the container: a page wrapper with a few
	// link boxes among its sections is not a list.
	cardWeight := 0
	for _, c := range cards {
		cardWeight += p.st.weightOf(c)
	}
	if cardWeight*2 < p.st.weightOf(n) {
		return nil
	}

	b := &linkBlock{container: n, cards: cards}
	b.heading = p.blockHeading(n, cards[0])
	b.kind = p.classifyBlock(n, b.heading)

	// The headline test first: it needs only the link texts, and most
	// groups of links on a page (menus, tag clouds) fail it.
	titles := make([]string, 0, len(cards))
	for _, c := range cards {
		titles = append(titles, linkTitle(p.mainLink(c)))
	}
	if !plausibleTitles(titles, b.kind) {
		return nil
	}

	seen := map[string]bool{}
	for _, c := range cards {
		e, ok := p.cardEntry(c)
		if !ok || seen[e.URL] {
			continue
		}
		seen[e.URL] = true
		e.Block = b.heading
		b.entries = append(b.entries, e)
		b.weight += textWeight(e.Title) + textWeight(e.Summary)
	}
	if !p.plausibleBlock(b) {
		return nil
	}
	return b
}

// shapeKey is the tag and class shape of a card, with digits dropped from
// class names so hashed or numbered classes still group.
func shapeKey(n *html.Node) string {
	cls := strings.Fields(attr(n, "class"))
	for i, c := range cls {
		cls[i] = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return -1
			}
			return r
		}, c)
	}
	sort.Strings(cls)
	// Cards built from bare links group by tag alone.
	if n.Data == "a" || n.Data == "li" {
		return n.Data
	}
	return n.Data + "." + strings.Join(cls, ".")
}

// isCard reports whether n can be a teaser card: it has a headline link,
// and that link is a large part of its text. A paragraph of prose with a
// link in it is not a card, nor is a long block of text.
func (p *page) isCard(n *html.Node) bool {
	link := p.mainLink(n)
	if link == nil {
		return false
	}
	total := p.st.weightOf(n)
	lw := p.st.weightOf(link)
	if total > 900 {
		return false
	}
	share := 0.25
	if n.Data == "p" {
		share = 0.6
	}
	return float64(lw) >= share*float64(total)
}

// mainLink returns the link of a card that leads to its article: the link
// with the longest text, when that text looks like a headline.
func (p *page) mainLink(card *html.Node) *html.Node {
	best := p.st.nodes[card].bestLink
	if best == nil || p.st.weightOf(best) < 4 {
		return nil
	}
	return best
}

// blockHeading finds the label of a block: a heading inside the container
// before the first card, or the nearest heading just before the container.
func (p *page) blockHeading(container, firstCard *html.Node) string {
	for c := container.FirstChild; c != nil && c != firstCard; c = c.NextSibling {
		if t := headingText(c); t != "" {
			return t
		}
	}
	// Walk up a few levels: <section><h3>推薦文章</h3><ul>cards</ul></section>.
	n := container
	for depth := 0; depth < 3 && n != nil; depth++ {
		for s := n.PrevSibling; s != nil; s = s.PrevSibling {
			if s.Type != html.ElementNode {
				continue
			}
			if t := headingText(s); t != "" {
				return t
			}
			// Only the element right before counts; a paragraph between
			// means the heading belongs to something else.
			if p.st.weightOf(s) > 0 {
				break
			}
		}
		n = n.Parent
		if n != nil && (n.Data == "body" || n.Data == "main") {
			break
		}
	}
	return ""
}

// headingText returns the text of n when n is a short heading-like element.
func headingText(n *html.Node) string {
	if n.Type != html.ElementNode {
		return ""
	}
	isHeading := headingLevel(n) > 0
	if !isHeading {
		ci := classID(n)
		isHeading = ci != "" && headingClass.MatchString(ci) && linkWeight(n) < 4
	}
	if !isHeading {
		return ""
	}
	t := nodeText(n)
	if t == "" || utf8.RuneCountInString(t) > 40 {
		return ""
	}
	return t
}

func (p *page) classifyBlock(container *html.Node, heading string) int {
	switch {
	case heading != "" && recommendLabel.MatchString(heading):
		return blockRecommend
	case heading != "" && hotLabel.MatchString(heading):
		return blockHot
	}
	for a := container; a != nil && a.Type == html.ElementNode; a = a.Parent {
		if a.Data == "nav" || a.Data == "header" || a.Data == "footer" {
			return blockNav
		}
		ci := classID(a)
		if ci == "" {
			continue
		}
		switch {
		case p.matchNode(recommendClass, a):
			return blockRecommend
		case p.matchNode(navClass, a):
			return blockNav
		}
		if a == container.Parent.Parent {
			break
		}
	}
	return blockUnknown
}

// plausibleBlock drops groups that are navigation, tag clouds or
// pagination: their link texts are too short to be headlines.
func (p *page) plausibleBlock(b *linkBlock) bool {
	titles := make([]string, len(b.entries))
	for i, e := range b.entries {
		titles[i] = e.Title
	}
	return plausibleTitles(titles, b.kind)
}

// plausibleTitles reports whether link texts read as headlines for a block
// of the given kind: long enough on average, and mostly longer than a
// menu word.
func plausibleTitles(titles []string, kind int) bool {
	if len(titles) < 2 {
		return false
	}
	total, long := 0, 0
	for _, t := range titles {
		n := titleLength(t)
		total += n
		if n >= 8 {
			long++
		}
	}
	avg := total / len(titles)
	minAvg := 12
	if kind == blockRecommend {
		minAvg = 4
	}
	if kind == blockNav {
		minAvg = 20
	}
	return avg >= minAvg && long*2 >= len(titles)
}

// titleLength measures a link text in headline units: a CJK character
// counts two, a Latin letter one.
func titleLength(s string) int {
	n := 0
	for _, r := range s {
		if isCJK(r) {
			n += 2
		} else if r != ' ' {
			n++
		}
	}
	return n
}

// cardEntry reads one card: its article link, title, summary, source and
// time.
func (p *page) cardEntry(card *html.Node) (Entry, bool) {
	link := p.mainLink(card)
	if link == nil {
		return Entry{}, false
	}
	u := p.resolve(attr(link, "href"))
	if u == "" || (p.opts.URL != "" && u == p.opts.URL) {
		return Entry{}, false
	}

	title := strings.TrimRight(linkTitle(link), ",，、;；:：")
	e := Entry{Title: title, URL: u}

	// The card's other texts: summary, source, time.
	var leaves []*html.Node
	var timeLeaf *html.Node
	collectLeaves(card, link, &leaves)
	for _, leaf := range leaves {
		t := nodeText(leaf)
		if t == "" || t == title {
			continue
		}
		if e.Published == "" {
			if v, ok := p.dates().Parse(t, p.ref); ok && utf8.RuneCountInString(t) <= utf8.RuneCountInString(v.Raw)+12 {
				e.Published, e.PublishedRaw, e.PublishedPrecision = v.Format(), v.Raw, v.Precision.String()
				timeLeaf = leaf
				continue
			}
		}
		if e.Source == "" && utf8.RuneCountInString(t) <= 40 {
			if p.matchNode(sourceClass, leaf) && !isNumeric(t) {
				e.Source = t
				continue
			}
			if m := sourceLabel.FindStringSubmatch(t); m != nil {
				e.Source = strings.TrimSpace(m[1])
				continue
			}
		}
		if utf8.RuneCountInString(t) >= 10 && textWeight(t) > textWeight(e.Summary) && !isNumeric(t) && !isCounterLine(t) {
			e.Summary = t
		}
	}
	if e.Source == "" && timeLeaf != nil {
		e.Source = sourceBesideTime(timeLeaf, e.Summary)
	}
	e.Source = strings.Trim(e.Source, sourceTrim)
	return e, true
}

// sourceTrim is the punctuation printed around a card's source.
const sourceTrim = " ·•⋅∙|｜/-—:："

// counterText matches counts printed on cards: "12 评论", "3 likes", "2.1k".
var counterText = regexp.MustCompile(`(?i)^[\d.,]+\s*[kw万萬]?\s*(评论|評論|条评论|條評論|赞|讚|阅读|閱讀|次|人|comments?|likes?|views?|shares?|reads?)?$`)

// counterWords are the labels of counts printed on cards.
var counterWords = regexp.MustCompile(`(?i)评论|評論|条|條|赞|讚|阅读|閱讀|浏览|瀏覽|收藏|分享|转发|轉發|点赞|點讚|次|人|comments?|likes?|views?|shares?|reads?|votes?`)

// isCounterLine reports whether t holds only counts and their labels
// ("评论 174 赞 12", "12 comments · 3 shares").
func isCounterLine(t string) bool {
	if !strings.ContainsAny(t, "0123456789") {
		return false
	}
	rest := counterWords.ReplaceAllString(t, "")
	for _, r := range rest {
		if !(unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || r == '.' || r == 'k' || r == 'K' || r == '万' || r == '萬' || r == '·' || r == '|') {
			return false
		}
	}
	return true
}

// sourceBesideTime finds the outlet on a card whose markup names nothing:
// the short text printed in the same row as the card's time ("数据派 · 12
// 评论 · 35分钟前"), which is neither a count nor the summary.
func sourceBesideTime(timeLeaf *html.Node, summary string) string {
	parent := timeLeaf.Parent
	if parent == nil {
		return ""
	}
	for c := parent.FirstChild; c != nil; c = c.NextSibling {
		if c == timeLeaf {
			continue
		}
		var t string
		switch c.Type {
		case html.TextNode:
			t = cleanText(c.Data)
		case html.ElementNode:
			t = nodeText(c)
		}
		t = strings.Trim(t, sourceTrim)
		// Links beside a time are tags and topics more often than outlets.
		if t == "" || t == summary || counterText.MatchString(t) || (c.Type == html.ElementNode && (c.Data == "a" || linkWeight(c) > 0)) {
			continue
		}
		if n := utf8.RuneCountInString(t); n >= 2 && n <= 16 && !strings.ContainsAny(t, "0123456789") {
			return t
		}
	}
	return ""
}

// linkTitle returns the headline of a link: the heading inside it when the
// link wraps a whole card, else its text.
func linkTitle(link *html.Node) string {
	var heading *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		for c := n.FirstChild; c != nil && heading == nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (headingLevel(c) > 0 || hasTitleClass(c)) {
				heading = c
				return
			}
			find(c)
		}
	}
	find(link)
	if heading != nil {
		return nodeText(heading)
	}
	// A link that wraps several blocks: take the first one.
	if blockHasBlocks(link) {
		for c := link.FirstChild; c != nil; c = c.NextSibling {
			if t := nodeText(c); t != "" {
				return t
			}
		}
	}
	return strings.TrimSpace(strings.ReplaceAll(nodeText(link), "\n", " "))
}

// collectLeaves gathers the elements of a card that hold text directly,
// outside the main link's headline.
func collectLeaves(n, link *html.Node, out *[]*html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c == link {
			// A link wrapping the whole card still holds the summary.
			if blockHasBlocks(c) {
				collectLeaves(c, nil, out)
			}
			continue
		}
		if headingLevel(c) > 0 && link != nil && isAncestor(c, link) {
			continue
		}
		if hasDirectText(c) || !hasElementChildren(c) {
			*out = append(*out, c)
			continue
		}
		collectLeaves(c, link, out)
	}
	// Bare text beside the link: "<li><a>title</a> 10月31日</li>".
	if n.Type == html.ElementNode && hasDirectText(n) && n != link {
		*out = append(*out, textOnly(n))
	}
}

// textOnly returns a detached element holding only the direct text of n.
func textOnly(n *html.Node) *html.Node {
	el := &html.Node{Type: html.ElementNode, Data: "span"}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteByte(' ')
		}
	}
	el.AppendChild(&html.Node{Type: html.TextNode, Data: b.String()})
	return el
}

func isAncestor(a, n *html.Node) bool {
	for x := n; x != nil; x = x.Parent {
		if x == a {
			return true
		}
	}
	return false
}

func hasDirectText(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return true
		}
	}
	return false
}

func hasElementChildren(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			return true
		}
	}
	return false
}

func isNumeric(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == ',' || r == 'k' || r == 'K' || r == 'w' || r == 'W' || r == '万' || r == '萬' || r == ' ' || r == '+') {
			return false
		}
	}
	return true
}

// inlineRelated reads a body paragraph that is a labelled link to another
// story ("RELATED: <a>...</a>").
func (p *page) inlineRelated(n *html.Node) *linkBlock {
	// The link must be at least half the paragraph; most paragraphs fail
	// this before their text is built.
	if lw := p.st.linkWeightOf(n); lw == 0 || lw*2 < p.st.weightOf(n) {
		return nil
	}
	text := nodeText(n)
	m := inlineRelatedLabel.FindString(text)
	if m == "" {
		return nil
	}
	link := p.mainLink(n)
	if link == nil {
		return nil
	}
	linkText := nodeText(link)
	if textWeight(linkText)*2 < textWeight(text) {
		return nil
	}
	u := p.resolve(attr(link, "href"))
	if u == "" {
		return nil
	}
	label := strings.TrimRight(strings.TrimSpace(m), ":：| ")
	e := Entry{Title: linkText, URL: u, Block: label}
	return &linkBlock{container: n, cards: []*html.Node{n}, entries: []Entry{e}, heading: label, kind: blockRecommend, inline: true, weight: textWeight(linkText)}
}
