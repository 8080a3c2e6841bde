package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// archivePrefix matches the web archive's prefix on an archived page's
// address: "https://web.archive.org/web/20120611024252/".
var archivePrefix = regexp.MustCompile(`^https?://web\.archive\.org/web/\d{1,14}[a-z_]*/`)

// choosePublished picks the publication and update times from metadata,
// the byline near the headline, the URL and finally the page text.
// Candidates later than the fetch time are rejected.
func (p *page) choosePublished() {
	p.inferPageZone()
	machine := p.machineDate(publishedMetaKeys, "datePublished")
	p.modified = p.machineDate(modifiedMetaKeys, "dateModified")
	if p.listing {
		// A listing's dates belong to its cards; only metadata speaks for
		// the page itself.
		p.published = machine
		return
	}

	byline, bylineModified := p.bylineDates()
	switch {
	case machine.value.IsZero():
		p.published = byline
	case byline.value.IsZero():
		p.published = machine
	case machine.value.Precision == date.Day && sameDay(machine.value, byline.value) && byline.value.Precision > date.Day:
		// The metadata says only the day; the byline adds the time.
		p.published = byline
	default:
		p.published = dateChoice{value: localized(machine.value, byline.value), source: machine.source}
	}
	if p.modified.value.IsZero() {
		p.modified = bylineModified
	}

	if p.published.value.IsZero() {
		if v, ok := p.dateFromURL(p.zone()); ok {
			// The URL gives the day; a time printed for that day on the
			// page completes it.
			p.published = dateChoice{value: v, source: "url"}
			if t := p.bestTextDate(&v); !t.value.IsZero() && t.value.Precision > date.Day {
				p.published = dateChoice{value: t.value, source: "url+text"}
			}
		}
	}
	if p.published.value.IsZero() {
		p.published = p.bestTextDate(nil)
	}

	p.completeYear()

	// An update before the publication is a misread.
	if !p.modified.value.IsZero() && !p.published.value.IsZero() && p.modified.value.Time.Before(p.published.value.Time) {
		p.modified = dateChoice{}
	}
}

// yearDate finds a full date written as digits in an address or an id:
// "20190624", "2019-06-24", "2019/06/24".
var yearDate = regexp.MustCompile(`((?:19|20)\d{2})[-/_.]?(0[1-9]|1[0-2])[-/_.]?(0[1-9]|[12]\d|3[01])`)

// completeYear replaces a year taken from the fetch time ("06月24日
// 11時30分" has no year) with the year of a full date with the same month
// and day elsewhere in the page. It looks in the page address, the
// canonical link, element ids and link targets ("news20190624_k1001").
func (p *page) completeYear() {
	v := p.published.value
	if v.IsZero() || !v.YearFromRef {
		return
	}

	want := [2]int{int(v.Time.Month()), v.Time.Day()}
	year := 0
	check := func(s string) {
		for _, m := range yearDate.FindAllStringSubmatch(s, -1) {
			y, _ := strconv.Atoi(m[1])
			mo, _ := strconv.Atoi(m[2])
			d, _ := strconv.Atoi(m[3])
			if [2]int{mo, d} == want && y <= p.ref.Year() && y > year {
				year = y
			}
		}
	}
	check(p.opts.URL)
	check(p.canonical)
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "id" || a.Key == "href" {
					check(a.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)

	if year == 0 || year == v.Time.Year() {
		return
	}
	t := v.Time
	v.Time = time.Date(year, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, t.Location())
	v.YearFromRef = false
	if !p.acceptable(v) {
		return
	}
	p.published = dateChoice{value: v, source: p.published.source + "+year"}
}

// localized shows a UTC metadata time in the page's own offset when the
// byline prints the same moment as local wall-clock time: metadata
// "2022-05-04T00:44Z" with a byline "03/05/2022 21h44" is 21:44 at -03:00.
func localized(machine, byline date.Value) date.Value {
	if !machine.ZoneGiven || byline.ZoneGiven || byline.Precision < date.Minute {
		return machine
	}
	if _, off := machine.Time.Zone(); off != 0 {
		return machine
	}
	m := machine.Time.UTC()
	wall := time.Date(byline.Time.Year(), byline.Time.Month(), byline.Time.Day(), byline.Time.Hour(), byline.Time.Minute(), 0, 0, time.UTC)
	diff := wall.Sub(m.Truncate(time.Minute))
	if diff == 0 || diff%(15*time.Minute) != 0 || diff < -12*time.Hour || diff > 14*time.Hour {
		return machine
	}
	out := machine
	out.Time = machine.Time.In(time.FixedZone("", int(diff.Seconds())))
	return out
}

// inferPageZone takes the zone for times written without one from the
// page itself: when its machine-readable times carry a non-zero offset,
// that offset is the site's. A zone configured for the site wins.
func (p *page) inferPageZone() {
	if p.opts.Location != nil || (p.opts.Profile != nil && p.opts.Profile.Location != nil) {
		return
	}
	counts := map[int]int{}
	check := func(s string) {
		v, ok := date.ParseMachine(s, time.UTC)
		if !ok || !v.ZoneGiven {
			return
		}
		if _, off := v.Time.Zone(); off != 0 {
			counts[off]++
		}
	}
	for _, keys := range [][]string{publishedMetaKeys, modifiedMetaKeys} {
		for _, k := range keys {
			for _, s := range p.meta[k] {
				check(s)
			}
		}
	}
	for _, o := range p.ld {
		for _, k := range []string{"datePublished", "dateModified", "dateCreated", "uploadDate"} {
			if s := ldString(o, k); s != "" {
				check(s)
			}
		}
	}
	best, bestN := 0, 0
	for off, n := range counts {
		if n > bestN || (n == bestN && off < best) {
			best, bestN = off, n
		}
	}
	if bestN > 0 {
		p.loc = time.FixedZone("", best)
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
// A day-only value gives way to a later candidate of the same day that
// states the time.
func (p *page) machineDate(keys []string, ldKey string) dateChoice {
	loc := p.zone()
	var cands []dateChoice
	for _, o := range p.ldArticles() {
		if s := ldString(o, ldKey); s != "" {
			if v, ok := date.ParseMachine(s, loc); ok && p.acceptable(v) {
				cands = append(cands, dateChoice{value: v, source: "json-ld"})
			}
		}
	}
	for _, key := range keys {
		for _, s := range p.meta[key] {
			if v, ok := date.ParseMachine(s, loc); ok && p.acceptable(v) {
				cands = append(cands, dateChoice{value: v, source: "meta:" + key})
			}
		}
	}
	if ldKey == "datePublished" {
		if v, ok := p.timeElement(); ok {
			cands = append(cands, dateChoice{value: v, source: "time-element"})
		}
	}
	if len(cands) == 0 {
		return dateChoice{}
	}
	best := cands[0]
	if best.value.Precision == date.Day {
		for _, c := range cands[1:] {
			if c.value.Precision > date.Day && sameDay(best.value, c.value) {
				return c
			}
		}
	}
	return best
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
// after (and just before) the title element, where bylines sit. A date
// labelled as an update goes to modified. A relative day word ("today",
// "昨天") counts only when it is the whole of a short text, because the
// same words fill widgets and menus.
func (p *page) bylineDates() (published, modified dateChoice) {
	for _, t := range p.textsNearTitle() {
		for _, v := range p.dates().FindAll(t, p.ref) {
			if !p.acceptable(v) {
				continue
			}
			if v.Relative && !shortOwnText(t, v.Raw, !strings.ContainsAny(v.Raw, "0123456789０１２３４５６７８９")) {
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
	if p.nearTitle != nil && p.nearTitleOf == p.titleNode {
		return p.nearTitle
	}
	p.nearTitle, p.nearTitleOf = p.collectNearTitle(), p.titleNode
	return p.nearTitle
}

// collectNearTitle gathers the texts textsNearTitle returns.
func (p *page) collectNearTitle() []string {
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

	// A date printed inside the headline element itself comes first:
	// "<h1>27.01.2022 MineralölINFO November 2021</h1>". Then the texts
	// after it, short ones joined so a byline split over spans reads as
	// one line.
	lines := []string{nodeText(p.titleNode)}
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
			cur.WriteByte('\n')
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
		// An archived copy's address holds the capture time, not the
		// publication date: read the original address inside it.
		if m := archivePrefix.FindStringSubmatch(u); m != nil {
			u = u[len(m[0]):]
		}
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

// bestTextDate scans the page text outside link blocks for dates with a
// year and picks the best: a publication label before it, a time of day,
// and an early position all count. Relative times are left out here:
// away from the byline they are widget and comment times.
//
// With day set, only dates on that day count.
func (p *page) bestTextDate(day *date.Value) dateChoice {
	var best dateChoice
	bestScore := -1e9
	index := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if index > 400 {
			return
		}
		if n.Type == html.ElementNode && (p.isBlockContainer(n) || n.Data == "footer") {
			return
		}
		if n.Type == html.TextNode {
			t := cleanText(n.Data)
			if t != "" {
				for _, v := range p.dates().FindAll(t, p.ref) {
					if !p.acceptable(v) || v.Relative || v.YearFromRef {
						continue
					}
					if day != nil && !sameDay(*day, v) {
						continue
					}
					index++
					score := -float64(index) / 10
					if v.Precision > date.Day {
						score += 2
					}
					label := labelBefore(t, v.Raw)
					switch {
					case label != "" && modifiedLabel.MatchString(label):
						score -= 3
					case label != "" && publishedLabel.MatchString(label):
						score += 3
					}
					if score > bestScore {
						best, bestScore = dateChoice{value: v, source: "text"}, score
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(p.doc)
	return best
}

var yearPattern = regexp.MustCompile(`(19|20)\d{2}|[１２][０-９]{3}`)

func hasYear(s string) bool { return yearPattern.MatchString(s) }

// shortOwnText reports whether raw stands nearly alone in t: at most a
// short label and a name around it ("記者陳以寧 8小時前"), not a sentence.
// A bare day word ("昨天", "today") must stand closer to alone, because
// sentences start with it too ("昨天兜兜转转看到...").
func shortOwnText(t, raw string, dayWord bool) bool {
	i := strings.Index(t, raw)
	if i < 0 {
		return false
	}
	// Look at the piece of t between the separators around raw.
	start := strings.LastIndexAny(t[:i], "|｜·•\n") + 1
	end := len(t)
	if j := strings.IndexAny(t[i+len(raw):], "|｜·•\n"); j >= 0 {
		end = i + len(raw) + j
	}
	slack := 16
	if dayWord {
		slack = 6
		if r, _ := utf8.DecodeRuneInString(t[i+len(raw):]); isCJK(r) {
			return false
		}
	}
	return utf8.RuneCountInString(t[start:end]) <= utf8.RuneCountInString(raw)+slack
}
