package extract

import (
	"encoding/json"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// metaSet maps a lowercased meta name, property or itemprop to its values
// in document order.
type metaSet map[string][]string

func (m metaSet) add(key, val string) {
	key = strings.ToLower(strings.TrimSpace(key))
	val = cleanText(val)
	if key == "" || val == "" {
		return
	}
	m[key] = append(m[key], val)
}

// first returns the first value of the first key that has one.
func (m metaSet) first(keys ...string) string {
	for _, k := range keys {
		if v := m[k]; len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// readMeta collects <title>, <meta>, <link rel=canonical>, <base href>,
// <html lang>, itemprop values and JSON-LD objects.
func (p *page) readMeta() {
	doc := goquery.NewDocumentFromNode(p.doc)

	// One pass over the document with a compiled selector group; each
	// match is handled by its tag.
	var baseHref string
	doc.FindMatcher(metaMatcher).Each(func(_ int, s *goquery.Selection) {
		switch n := s.Get(0); n.Data {
		case "html":
			if p.htmlLang == "" {
				p.htmlLang = strings.TrimSpace(s.AttrOr("lang", s.AttrOr("xml:lang", "")))
			}
		case "title":
			if p.metaTitle == "" && !insideTag(n, "svg") {
				p.metaTitle = nodeTextRaw(n)
			}
		case "base":
			if baseHref == "" {
				baseHref = s.AttrOr("href", "")
			}
		case "meta":
			p.readMetaTag(s)
		case "link":
			rel := " " + strings.ToLower(s.AttrOr("rel", "")) + " "
			if p.canonical == "" && strings.Contains(rel, " canonical ") {
				p.canonical = s.AttrOr("href", "")
			}
		case "script":
			if strings.Contains(strings.ToLower(s.AttrOr("type", "")), "ld+json") {
				p.readJSONLD(s.Text())
			}
		default:
			// Microdata outside <meta>: <time itemprop="datePublished">.
			if val := s.AttrOr("content", s.AttrOr("datetime", "")); val != "" {
				p.meta.add("itemprop:"+s.AttrOr("itemprop", ""), val)
			}
		}
	})

	if baseHref != "" && p.base != nil {
		if u, err := p.base.Parse(strings.TrimSpace(baseHref)); err == nil {
			p.base = u
		}
	}
	if p.canonical != "" {
		p.canonical = p.resolve(p.canonical)
	}
	if p.canonical == "" {
		if og := p.meta.first("og:url"); og != "" {
			p.canonical = p.resolve(og)
		}
	}
	// Without the page's address, an absolute canonical URL (or og:url) is
	// the best base for its relative links.
	if p.base == nil && p.canonical != "" {
		if u, err := url.Parse(p.canonical); err == nil && u.IsAbs() {
			p.base = u
			if baseHref != "" {
				if b, err := u.Parse(strings.TrimSpace(baseHref)); err == nil {
					p.base = b
				}
			}
		}
	}
}

// metaMatcher selects every element readMeta reads: html, title,
// base[href], meta, link[rel][href], script and [itemprop]. It tests the
// tag and attributes directly, which is cheaper than a selector group on
// pages of many thousand elements.
var metaMatcher goquery.Matcher = metaElements{}

type metaElements struct{}

// Match reports whether n is an element readMeta reads.
func (metaElements) Match(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.Data {
	case "html", "title", "meta", "script":
		return true
	case "base":
		return attr(n, "href") != ""
	case "link":
		return attr(n, "rel") != "" && attr(n, "href") != ""
	}
	for _, a := range n.Attr {
		if a.Key == "itemprop" {
			return true
		}
	}
	return false
}

// MatchAll returns the elements below n, n included, that Match accepts.
func (m metaElements) MatchAll(n *html.Node) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(x *html.Node) {
		if m.Match(x) {
			out = append(out, x)
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// Filter returns the nodes that Match accepts.
func (m metaElements) Filter(nodes []*html.Node) []*html.Node {
	var out []*html.Node
	for _, n := range nodes {
		if m.Match(n) {
			out = append(out, n)
		}
	}
	return out
}

// readMetaTag records a <meta> element under each of its names.
func (p *page) readMetaTag(s *goquery.Selection) {
	content := s.AttrOr("content", "")
	if content == "" {
		// Some sites write value= where content= belongs.
		content = s.AttrOr("value", "")
	}
	for _, key := range []string{"name", "property", "itemprop", "http-equiv"} {
		for _, one := range strings.Fields(s.AttrOr(key, "")) {
			p.meta.add(one, content)
		}
	}
}

// nodeTextRaw returns the text of n without treating it as rendered HTML.
func nodeTextRaw(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return cleanText(b.String())
}

func insideTag(n *html.Node, tag string) bool {
	for a := n.Parent; a != nil; a = a.Parent {
		if a.Type == html.ElementNode && a.Data == tag {
			return true
		}
	}
	return false
}

// readJSONLD parses one JSON-LD script; a broken one is skipped, because
// pages often ship invalid JSON-LD and the rest of the page is still good.
func (p *page) readJSONLD(src string) {
	src = strings.TrimSpace(src)
	src = strings.TrimPrefix(src, "<!--")
	src = strings.TrimSuffix(src, "-->")
	var v any
	if err := json.Unmarshal([]byte(src), &v); err != nil {
		return
	}
	p.flattenLD(v, 0)
}

func (p *page) flattenLD(v any, depth int) {
	if depth > 4 {
		return
	}
	switch t := v.(type) {
	case []any:
		for _, e := range t {
			p.flattenLD(e, depth+1)
		}
	case map[string]any:
		if g, ok := t["@graph"]; ok {
			p.flattenLD(g, depth+1)
		}
		if _, ok := t["@type"]; ok {
			p.ld = append(p.ld, t)
		}
		if me, ok := t["mainEntity"]; ok {
			p.flattenLD(me, depth+1)
		}
	}
}

// ldTypes returns the @type values of a JSON-LD object.
func ldTypes(o map[string]any) []string {
	switch t := o["@type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// articleTypes are the schema.org types whose headline and dates describe
// the page's own article.
var articleTypes = map[string]bool{
	"article": true, "newsarticle": true, "blogposting": true, "reportagenewsarticle": true,
	"analysisnewsarticle": true, "opinionnewsarticle": true, "backgroundnewsarticle": true,
	"reviewnewsarticle": true, "techarticle": true, "scholarlyarticle": true, "liveblogposting": true,
	"posting": true, "socialmediaposting": true, "webpage": true, "report": true, "review": true,
	"creativework": true, "videoobject": false, "askpublicnewsarticle": true, "satiricalarticle": true,
	"medicalwebpage": true, "itempage": true,
}

// ldArticles returns JSON-LD objects of article types, proper article
// types before web pages.
func (p *page) ldArticles() []map[string]any {
	var strong, weak []map[string]any
	for _, o := range p.ld {
		for _, t := range ldTypes(o) {
			lt := strings.ToLower(t)
			if !articleTypes[lt] {
				continue
			}
			if lt == "webpage" || lt == "itempage" || lt == "creativework" || lt == "medicalwebpage" {
				weak = append(weak, o)
			} else {
				strong = append(strong, o)
			}
			break
		}
	}
	return append(strong, weak...)
}

// ldString returns a string property of o; for an object value it returns
// its "name".
func ldString(o map[string]any, key string) string {
	switch v := o[key].(type) {
	case string:
		return cleanText(v)
	case map[string]any:
		if s, ok := v["name"].(string); ok {
			return cleanText(s)
		}
		if s, ok := v["@value"].(string); ok {
			return cleanText(s)
		}
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				return cleanText(s)
			}
		}
	}
	return ""
}

// ldNames returns the names in a property that holds persons or
// organisations: a string, an object with "name", or a list of them.
func ldNames(v any) []string {
	var out []string
	switch t := v.(type) {
	case string:
		if s := cleanText(t); s != "" {
			out = append(out, s)
		}
	case map[string]any:
		if s, ok := t["name"].(string); ok && cleanText(s) != "" {
			out = append(out, cleanText(s))
		}
	case []any:
		for _, e := range t {
			out = append(out, ldNames(e)...)
		}
	}
	return out
}

// detectLang sets the record's language and the default zone. The page's
// declaration wins unless its text plainly contradicts it (a template
// saying "en" on a Chinese page).
func (p *page) detectLang() {
	declared := normalizeLang(p.htmlLang)
	if declared == "" {
		declared = normalizeLang(p.meta.first("content-language", "og:locale", "language", "dc.language"))
	}
	if declared == "" {
		if ld := p.ldArticles(); len(ld) > 0 {
			declared = normalizeLang(ldString(ld[0], "inLanguage"))
		}
	}

	sample := p.textSample(4000)
	script := scriptLang(sample)

	switch {
	case declared != "" && (script == "" || strings.HasPrefix(declared, script)):
		p.lang, p.why["lang"] = declared, "declared"
	case script == "zh":
		p.lang, p.why["lang"] = chineseVariant(sample), "script"
	case script != "":
		p.lang, p.why["lang"] = script, "script"
	default:
		p.lang, p.why["lang"] = declared, "declared"
	}

	switch {
	case p.opts.Location != nil:
		p.loc = p.opts.Location
	case p.opts.Profile != nil && p.opts.Profile.Location != nil:
		p.loc = p.opts.Profile.Location
	case strings.HasPrefix(p.lang, "zh"):
		p.loc = chinaZone
	default:
		p.loc = nil
	}
}

// normalizeLang turns "zh_CN", "ZH-cn" and "en-us" into BCP 47 casing.
func normalizeLang(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "_", "-"))
	if s == "" || len(s) > 20 {
		return ""
	}
	parts := strings.Split(s, "-")
	for i, part := range parts {
		switch {
		case i == 0:
			parts[i] = strings.ToLower(part)
		case len(part) == 4:
			parts[i] = strings.ToUpper(part[:1]) + strings.ToLower(part[1:])
		case len(part) == 2:
			parts[i] = strings.ToUpper(part)
		default:
			parts[i] = strings.ToLower(part)
		}
	}
	if len(parts[0]) < 2 || len(parts[0]) > 3 {
		return ""
	}
	for _, r := range parts[0] {
		if r < 'a' || r > 'z' {
			return ""
		}
	}
	return strings.Join(parts, "-")
}

// scriptLang names the language a text's script implies, for the scripts
// that imply one: Han (zh), kana (ja), hangul (ko). Latin and others give "".
func scriptLang(s string) string {
	han, kana, hangul, letters := 0, 0, 0, 0
	for _, r := range s {
		switch {
		case r >= 0x3040 && r <= 0x30ff:
			kana++
		case r >= 0xac00 && r <= 0xd7af:
			hangul++
		case isCJK(r):
			han++
		case unicode.IsLetter(r):
			letters++
		}
	}
	total := han + kana + hangul + letters
	if total == 0 {
		return ""
	}
	switch {
	case kana > 20 && kana*10 > han:
		return "ja"
	case hangul*3 > total:
		return "ko"
	case (han+kana)*2 > total:
		if kana*20 > han {
			return "ja"
		}
		return "zh"
	}
	return ""
}

// chineseVariant distinguishes traditional from simplified script by characters
// that exist in only one of them.
func chineseVariant(s string) string {
	trad, simp := 0, 0
	for _, r := range s {
		switch scriptOnly[r] {
		case 't':
			trad++
		case 's':
			simp++
		}
	}
	switch {
	case trad > simp*2 && trad >= 3:
		return "zh-Hant"
	case simp > trad*2 && simp >= 3:
		return "zh-Hans"
	}
	return "zh"
}

// Common characters whose form differs between the scripts.
const (
	traditionalOnly = "們這個來時為說國會對與後學長開關問題發經過現體點電當實話動們嗎應還與從進門車們區東臺灣書視聽買賣讓總統員邊機頭見樣義專業氣興記處業無愛將幣數據價報導鄭聲聯"
	simplifiedOnly  = "们这个来时为说国会对与后学长开关问题发经过现体点电当实话动吗应还从进门车区东湾书视听买卖让总统员边机头见样义专业气兴记处无爱将币数价报导郑声联"
)

// scriptOnly maps the characters above to 't' (traditional) or 's'
// (simplified).
var scriptOnly = func() map[rune]byte {
	m := map[rune]byte{}
	for _, r := range traditionalOnly {
		m[r] = 't'
	}
	for _, r := range simplifiedOnly {
		m[r] = 's'
	}
	return m
}()

// textSample returns up to n runes of the visible body text, spaces
// dropped.
func (p *page) textSample(n int) string {
	var b strings.Builder
	count := 0
	var walk func(*html.Node) bool
	walk = func(node *html.Node) bool {
		if node.Type == html.ElementNode && invisibleTags[node.Data] {
			return true
		}
		if node.Type == html.TextNode {
			for _, field := range strings.Fields(node.Data) {
				b.WriteString(field)
				count += utf8.RuneCountInString(field)
				if count >= n {
					return false
				}
			}
		}
		for c := node.FirstChild; c != nil; c = c.NextSibling {
			if !walk(c) {
				return false
			}
		}
		return true
	}
	walk(p.doc)
	return b.String()
}
