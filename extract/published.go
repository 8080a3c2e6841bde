package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/gleanerhq/gleaner/extract/date"
)

// dateChoice is a chosen time and the method that found it.
type dateChoice struct {
	value  date.Value
	source string
}

// Meta keys that carry the publication time, most trusted first.
var publishedMetaKeys = []string{
	"article:published_time", "og:article:published_time", "og:published_time", "published_time",
	"itemprop:datepublished", "datepublished", "article.published", "article_date_original",
	"parsely-pub-date", "sailthru.date", "pubdate", "publishdate", "publish_date", "publish-date",
	"publication_date", "publish_time", "pub_date", "dc.date.issued", "dcterms.issued", "dc.date",
	"dcterms.date", "dcterms.created", "dc.date.created", "date", "created", "originalpublicationdate",
	"bytedance:published_time", "apub:time", "weibo: article:create_at", "mediaid:publishdate",
	"og:release_date", "releasedate", "article:post_date", "cxenseparse:recs:publishtime", "pdate",
	"citation_publication_date", "citation_date", "prism.publicationdate", "last-modified-date-first",
}

// Meta keys that carry the last update.
var modifiedMetaKeys = []string{
	"article:modified_time", "og:updated_time", "og:article:modified_time", "modified_time",
	"itemprop:datemodified", "datemodified", "dcterms.modified", "dc.date.modified",
	"last-modified", "lastmod", "bytedance:updated_time", "article:updated_time", "updated_time",
}

// Labels in bylines that say which time a date is.
var (
	publishedLabel = regexp.MustCompile(`(?i)(发布|發布|发表|發表|刊登|出版|首发|時間|时间|日期|posted|published|publish|on\b|投稿|公開|掲載|配信)`)
	modifiedLabel  = regexp.MustCompile(`(?i)(更新|修改|修订|修訂|最后|最後|updated|modified|last edited|edited|revised|更新日|改訂)`)
)

// urlDate finds a date in a URL path: /2023/11/02/, /20231102/,
// /2020/0312/, /2023-11-02/.
var urlDate = regexp.MustCompile(`/((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|[_-]|\.html?|\d{0,8}(?:/|\.))`)

// choosePublished picks the publication and update times from metadata,
// the byline near the headline, the URL and finally the page text.
// Candidates later than the fetch time are rejected.
func (p *page) choosePublished() {
	loc := p.zone()

	machine := p.machineDate(publishedMetaKeys, "datePublished")
	if !p.listing {
		published, modified := p.bylineDates()
		switch {
		case machine.value.IsZero():
			p.published = published
		case machine.value.Precision == date.Day && !published.value.IsZero() &&
			sameDay(machine.value, published.value) && published.value.Precision > date.Day:
			p.published = published
		default:
			p.published = machine
		}
		p.modified = p.machineDate(modifiedMetaKeys, "dateModified")
		if p.modified.value.IsZero() {
			p.modified = modified
		}
	} else {
		p.published = machine
		p.modified = p.machineDate(modifiedMetaKeys, "dateModified")
	}

	if p.published.value.IsZero() && !p.listing {
		if v, ok := p.dateFromURL(loc); ok {
			p.published = dateChoice{value: v, source: "url"}
		}
	}
	if p.published.value.IsZero() && !p.listing {
		p.published = p.firstTextDate()
	}

	// An update before the publication is a misread.
	if !p.modified.value.IsZero() && !p.published.value.IsZero() && p.modified.value.Time.Before(p.published.value.Time) {
		p.modified = dateChoice{}
	}
}

func sameDay(a, b date.Value) bool {
	ay, am, ad := a.Time.Date()
	by, bm, bd := b.Time.In(a.Time.Location()).Date()
	return ay == by && am == bm && ad == bd
}

// acceptable reports whether v can be a publication time: not after the
// fetch time (a day-precision date may be the fetch day itself).
func (p *page) acceptable(v date.Value) bool {
	if v.IsZero() || p.ref.IsZero() {
		return !v.IsZero()
	}
	if v.Precision == date.Day {
		refDay := p.ref.In(v.Time.Location())
		return !v.Time.After(time.Date(refDay.Year(), refDay.Month(), refDay.Day(), 23, 59, 59, 0, v.Time.Location()))
	}
	return !v.Time.After(p.ref.Add(time.Minute))
}

// machineDate reads a time from JSON-LD, meta tags and <time datetime>.
func (p *page) machineDate(keys []string, ldKey string) dateChoice {
	loc := p.zone()
	for _, o := range p.ldArticles() {
		if s := ldString(o, ldKey); s != "" {
			if v, ok := date.ParseMachine(s, loc); ok && p.acceptable(v) {
				return dateChoice{value: v, source: "json-ld"}
			}
		}
	}
	for _, key := range keys {
		for _, s := range p.meta[key] {
			if v, ok := date.ParseMachine(s, loc); ok && p.acceptable(v) {
				return dateChoice{value: v, source: "meta:" + key}
			}
		}
	}
	if ldKey == "datePublished" {
		if v, ok := p.timeElement(); ok {
			return dateChoice{value: v, source: "time-element"}
		}
	}
	return dateChoice{}
}

// timeElement reads the first <time datetime> that belongs to the article:
// marked pubdate or datePublished, or the first one near the headline.
func (p *page) timeElement() (date.Value, bool) {
	var found date.Value
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && n.Data == "time" {
			dt := attr(n, "datetime")
			if dt != "" && !p.inBlock(n) {
				if v, ok := date.ParseMachine(dt, p.zone()); ok && p.acceptable(v) {
					if modifiedLabel.MatchString(classID(n) + " " + attr(n, "itemprop")) {
						return true
					}
					found = v
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
	return found, !found.IsZero()
}

// inBlock reports whether n sits inside a link block.
func (p *page) inBlock(n *html.Node) bool {
	for _, b := range p.blocks {
		if isAncestor(b.container, n) {
			return true
		}
	}
	return false
}

// bylineDates reads the dates written near the headline: the text right
// after (and just before) the title element, where bylines sit.
func (p *page) bylineDates() (published, modified dateChoice) {
	texts := p.textsNearTitle()
	for _, t := range texts {
		values := date.FindAll(t, p.ref, p.zone())
		for _, v := range values {
			if !p.acceptable(v) {
				continue
			}
			label := labelBefore(t, v.Raw)
			isModified := label != "" && modifiedLabel.MatchString(label)
			switch {
			case isModified && modified.value.IsZero():
				modified = dateChoice{value: v, source: "byline"}
			case !isModified && published.value.IsZero():
				published = dateChoice{value: v, source: "byline"}
			}
		}
		if !published.value.IsZero() && !modified.value.IsZero() {
			break
		}
	}
	return published, modified
}

// labelBefore returns up to 12 runes of text before raw in t.
func labelBefore(t, raw string) string {
	i := strings.Index(t, raw)
	if i <= 0 {
		return ""
	}
	before := []rune(t[:i])
	if len(before) > 12 {
		before = before[len(before)-12:]
	}
	return string(before)
}

// textsNearTitle returns the text nodes that follow the title element in
// document order, up to a budget, then a few that precede it.
func (p *page) textsNearTitle() []string {
	if p.titleNode == nil || p.titleNode.Parent == nil {
		return nil
	}
	var after []string
	budget := 900
	started := false
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n == p.titleNode {
			started = true
			return true
		}
		if n.Type == html.ElementNode && p.isBlockContainer(n) {
			return true
		}
		if started && n.Type == html.TextNode {
			t := cleanText(n.Data)
			if t != "" {
				after = append(after, t)
				budget -= textWeight(t)
				if budget <= 0 {
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

	// Element texts, too: a byline split over spans reads as one line.
	var lines []string
	lines = append(lines, joinShort(after)...)

	// A date just above the headline.
	var before []string
	for s := p.titleNode.PrevSibling; s != nil && len(before) < 3; s = s.PrevSibling {
		if t := nodeText(s); t != "" && textWeight(t) < 200 {
			before = append(before, t)
		}
	}
	return append(lines, before...)
}

// joinShort merges neighbouring short texts so "发布时间：" and
// "2023-11-02" in separate spans read together.
func joinShort(texts []string) []string {
	var out []string
	var cur strings.Builder
	for _, t := range texts {
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(t)
		if textWeight(cur.String()) > 60 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

func (p *page) isBlockContainer(n *html.Node) bool {
	for _, b := range p.blocks {
		if b.container == n {
			return true
		}
	}
	return false
}

func (p *page) dateFromURL(loc *time.Location) (date.Value, bool) {
	for _, u := range []string{p.opts.URL, p.canonical} {
		m := urlDate.FindStringSubmatch(u)
		if m == nil {
			continue
		}
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
		if t.Day() != d {
			continue
		}
		v := date.Value{Time: t, Precision: date.Day, Raw: m[0]}
		if p.acceptable(v) {
			return v, true
		}
	}
	return date.Value{}, false
}

// firstTextDate returns the first full date (with a year, or relative)
// in the page text outside link blocks.
func (p *page) firstTextDate() dateChoice {
	var found dateChoice
	var walk func(n *html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.ElementNode && (p.isBlockContainer(n) || n.Data == "footer") {
			return true
		}
		if n.Type == html.TextNode {
			t := cleanText(n.Data)
			if t != "" {
				for _, v := range date.FindAll(t, p.ref, p.zone()) {
					if p.acceptable(v) && (v.Relative || hasYear(v.Raw)) {
						found = dateChoice{value: v, source: "text"}
						return false
					}
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
	return found
}

var yearPattern = regexp.MustCompile(`(19|20)\d{2}|[１２][０-９]{3}`)

func hasYear(s string) bool { return yearPattern.MatchString(s) }
