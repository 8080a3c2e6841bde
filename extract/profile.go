package extract

import (
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/gleanerhq/gleaner/extract/date"
)

// Profile pins down how to read one site: CSS selectors for the fields
// the generic extractor gets wrong there, a time zone and a date layout.
// Selectors are compiled by the caller with cascadia.Compile (the
// configuration loader checks them when it loads) and run through goquery's
// FindMatcher. A nil selector means "use the generic extractor".
// A selector that matches nothing on a page falls back to the generic
// extractor for that field, and the field is named in Record.Fallbacks so
// a site redesign shows up.
type Profile struct {
	// Name identifies the profile in Record.Fallbacks reports, usually the
	// host glob it was configured for.
	Name string

	Title     goquery.Matcher
	Published goquery.Matcher
	Body      goquery.Matcher
	Authors   goquery.Matcher
	// Remove lists elements taken out of the page before anything else:
	// share bars, promotions, disclaimers.
	Remove []goquery.Matcher

	// Recommended selects the containers of recommended lists; the Item
	// selectors apply inside each container. ItemLink is required when
	// Recommended is set; the others may be nil.
	Recommended   goquery.Matcher
	Item          goquery.Matcher
	ItemLink      goquery.Matcher
	ItemSummary   goquery.Matcher
	ItemSource    goquery.Matcher
	ItemPublished goquery.Matcher

	// Location is the site's zone for times written without one.
	Location *time.Location
	// DateLayout is a Go time layout ("2006年01月02日 15:04") tried on the
	// Published selector's text before the generic date reader.
	DateLayout string
}

// find returns the elements below root that m matches, in document order.
func (p *page) find(root *html.Node, m goquery.Matcher) []*html.Node {
	return goquery.NewDocumentFromNode(root).FindMatcher(m).Nodes
}

// applyRemove drops the profile's Remove elements from the page.
func (p *page) applyRemove() {
	if p.opts.Profile == nil {
		return
	}
	for _, sel := range p.opts.Profile.Remove {
		for _, n := range p.find(p.doc, sel) {
			detach(n)
		}
	}
}

// profileText returns the text of the first element sel matches, and
// whether it matched one with text. A nil selector reports false.
func (p *page) profileText(sel goquery.Matcher) (*html.Node, string, bool) {
	if sel == nil {
		return nil, "", false
	}
	for _, n := range p.find(p.doc, sel) {
		if t := nodeText(n); t != "" {
			return n, t, true
		}
	}
	return nil, "", false
}

// fallback records that the profile's selector for field matched nothing.
func (p *page) fallback(field string) {
	p.fallbacks = append(p.fallbacks, field)
}

// profileTitle applies the Title selector; it reports whether it set the
// title.
func (p *page) profileTitle() bool {
	prof := p.opts.Profile
	if prof == nil || prof.Title == nil {
		return false
	}
	n, t, ok := p.profileText(prof.Title)
	if !ok {
		p.fallback("title")
		return false
	}
	p.title, p.titleNode, p.why["title"] = t, n, "profile"
	return true
}

// profilePublished applies the Published selector: the datetime or content
// attribute, the date layout, then the generic date reader on its text.
func (p *page) profilePublished() bool {
	prof := p.opts.Profile
	if prof == nil || prof.Published == nil {
		return false
	}
	for _, n := range p.find(p.doc, prof.Published) {
		for _, key := range []string{"datetime", "content"} {
			if v, ok := date.ParseMachine(attr(n, key), p.zone()); ok && p.acceptable(v) {
				p.published = dateChoice{value: v, source: "profile"}
				return true
			}
		}
		text := nodeText(n)
		if prof.DateLayout != "" {
			if t, err := time.ParseInLocation(prof.DateLayout, strings.TrimSpace(text), p.zone()); err == nil {
				v := date.Value{Time: t, Precision: layoutPrecision(prof.DateLayout), Raw: text}
				if p.acceptable(v) {
					p.published = dateChoice{value: v, source: "profile"}
					return true
				}
			}
		}
		if v, ok := p.dates().Parse(text, p.ref); ok && p.acceptable(v) {
			p.published = dateChoice{value: v, source: "profile"}
			return true
		}
	}
	p.fallback("published")
	return false
}

// layoutPrecision returns how much of a time a Go layout states.
func layoutPrecision(layout string) date.Precision {
	switch {
	case strings.Contains(layout, "05"):
		return date.Second
	case strings.Contains(layout, "04"):
		return date.Minute
	}
	return date.Day
}

// profileBody applies the Body selector; it reports whether it set the
// body.
func (p *page) profileBody() bool {
	prof := p.opts.Profile
	if prof == nil || prof.Body == nil {
		return false
	}
	nodes := p.find(p.doc, prof.Body)
	r := &renderer{p: p}
	for _, n := range nodes {
		r.total += p.st.weightOf(n)
	}
	for _, n := range nodes {
		r.block(n)
	}
	body := r.text()
	if body == "" {
		p.fallback("body")
		return false
	}
	p.body, p.bodyNodes, p.why["body"] = body, nodes, "profile"
	return true
}

// profileAuthors applies the Authors selector.
func (p *page) profileAuthors() bool {
	prof := p.opts.Profile
	if prof == nil || prof.Authors == nil {
		return false
	}
	var names []string
	for _, n := range p.find(p.doc, prof.Authors) {
		if t := nodeText(n); t != "" {
			names = append(names, t)
		}
	}
	if len(names) == 0 {
		p.fallback("authors")
		return false
	}
	p.authors, p.why["authors"] = names, "profile"
	return true
}

// profileRecommended reads recommended lists with the profile's selectors
// and removes them from the page; it reports whether it found any entry.
func (p *page) profileRecommended() bool {
	prof := p.opts.Profile
	if prof == nil || prof.Recommended == nil || prof.ItemLink == nil {
		return false
	}
	seen := map[string]bool{}
	for _, block := range p.find(p.doc, prof.Recommended) {
		heading := p.blockHeading(block, nil)
		items := []*html.Node{block}
		if prof.Item != nil {
			items = p.find(block, prof.Item)
		}
		for _, item := range items {
			for _, link := range p.find(item, prof.ItemLink) {
				e, ok := p.profileEntry(item, link)
				if !ok || seen[e.URL] {
					continue
				}
				seen[e.URL] = true
				e.Block = heading
				p.recommended = append(p.recommended, e)
				if prof.Item != nil {
					break
				}
			}
		}
		detach(block)
	}
	if len(p.recommended) == 0 {
		p.fallback("recommended")
		return false
	}
	p.why["recommended"] = "profile"
	return true
}

func (p *page) profileEntry(item, link *html.Node) (Entry, bool) {
	prof := p.opts.Profile
	u := p.resolve(attr(link, "href"))
	title := linkTitle(link)
	if u == "" || title == "" {
		return Entry{}, false
	}
	e := Entry{Title: title, URL: u}
	first := func(sel goquery.Matcher) string {
		if sel == nil {
			return ""
		}
		if found := p.find(item, sel); len(found) > 0 {
			return nodeText(found[0])
		}
		return ""
	}
	e.Summary = first(prof.ItemSummary)
	e.Source = first(prof.ItemSource)
	if raw := first(prof.ItemPublished); raw != "" {
		if v, ok := p.dates().Parse(raw, p.ref); ok {
			e.Published, e.PublishedRaw, e.PublishedPrecision = v.Format(), v.Raw, v.Precision.String()
		}
	}
	return e, true
}
