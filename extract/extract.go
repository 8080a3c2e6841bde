// Package extract turns one HTML page, with its URL and fetch time, into a
// Record: title, publication and update times, body text, images,
// recommended items, authors and the rest. It does no network I/O and keeps
// no state between calls, so it is safe for concurrent use.
//
// The pipeline for one page:
//
//   - charset.Decode turns the bytes into UTF-8 (BOM, HTTP header, meta tags,
//     then sniffing);
//   - metadata is read from the head, JSON-LD and microdata before scripts
//     are dropped;
//   - link blocks (recommended lists, teaser cards) are found and taken out
//     of the tree, so they never reach the body;
//   - the body container is chosen by scoring text density, punctuation and
//     link density, and its text is rendered paragraph by paragraph;
//   - the title and the times are chosen from all candidates.
package extract

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"

	"github.com/gleanerhq/gleaner/extract/date"
	"golang.org/x/text/unicode/norm"

	"github.com/gleanerhq/gleaner/extract/charset"
)

// Options carries what the extractor needs to know about a page besides
// its bytes.
type Options struct {
	// URL is the address the page was fetched from. Relative links resolve
	// against it (or against the page's <base href>). Empty is allowed.
	URL string
	// FetchedAt is the moment relative times ("8小時前", "3 hours ago")
	// count back from, and the latest publication time accepted. When it is
	// zero, relative times give no value and no date is rejected as future.
	FetchedAt time.Time
	// ContentType is the HTTP Content-Type header, when there was one. Its
	// charset parameter is one piece of evidence for the page's encoding.
	ContentType string
	// Location is the site's time zone for times written without one. When
	// nil, a Chinese-language page is read as UTC+08:00 and any other as UTC.
	Location *time.Location
	// Explain requests Record.Explain, the method behind each field.
	Explain bool
	// Profile holds the site's selectors, when one is configured for the
	// page's host. Nil means the generic extractor alone.
	Profile *Profile
}

// Errors that Extract returns; they are wrapped with context.
var (
	// ErrNotHTML means the bytes are not a text document.
	ErrNotHTML = errors.New("not an HTML document")
	// ErrEmpty means the page has no visible text at all.
	ErrEmpty = errors.New("page has no text")
)

// chinaZone is the contract's default zone for Chinese-language pages.
var chinaZone = time.FixedZone("UTC+8", 8*60*60)

// Extract decodes page and extracts its record. An error means that no
// record could be made. A page that is merely poor (no date, short body)
// still gives a record, with those fields empty.
func Extract(page []byte, opts Options) (*Record, error) {
	text, _, err := charset.Decode(page, opts.ContentType)
	if err != nil {
		if errors.Is(err, charset.ErrBinary) {
			return nil, fmt.Errorf("%w: %w", ErrNotHTML, err)
		}
		return nil, fmt.Errorf("decode: %w", err)
	}

	doc, err := parseHTML(text)
	if err != nil {
		return nil, fmt.Errorf("parse html: %w", err)
	}

	return FromDocument(doc, opts)
}

// Tags dropped when a page nests too deep for the HTML parser, which
// refuses documents with more than 512 open elements. Unclosed <font> and
// <span> tags on old pages are the usual cause; the second pass keeps only
// the tags the extractor needs to read a page at all.
var (
	inlineTagPattern = regexp.MustCompile(`(?i)</?(?:font|span|b|i|u|em|strong|small|big|center|sup|sub|s|strike|tt|nobr|label|ins|del|mark|abbr|cite)\b[^>]*>`)
	anyTagPattern    = regexp.MustCompile(`(?i)</?(?:[a-z][a-z0-9]*)\b[^>]*>`)
	keptTagPattern   = regexp.MustCompile(`(?i)^</?(?:html|head|body|title|meta|link|script|style|p|br|h[1-6]|a|img|time|li|ul|ol)\b`)
)

// parseHTML parses a page. A page nested too deep for the parser is parsed
// again with its inline formatting tags dropped, then with only the
// structural tags kept, so such a page still gives a record.
func parseHTML(text string) (*html.Node, error) {
	doc, err := html.Parse(strings.NewReader(text))
	if err == nil {
		return doc, nil
	}

	flat := inlineTagPattern.ReplaceAllString(text, "")
	if doc, err2 := html.Parse(strings.NewReader(flat)); err2 == nil {
		return doc, nil
	}

	flatter := anyTagPattern.ReplaceAllStringFunc(flat, func(tag string) string {
		if keptTagPattern.MatchString(tag) {
			return tag
		}
		return " "
	})
	if doc, err2 := html.Parse(strings.NewReader(flatter)); err2 == nil {
		return doc, nil
	}
	return nil, err
}

// FromDocument extracts the record from a parsed document. It modifies doc:
// scripts, hidden elements and link blocks are removed from it.
func FromDocument(doc *html.Node, opts Options) (*Record, error) {
	p := newPage(doc, opts)

	// Metadata first: JSON-LD lives in scripts, which pruning removes.
	p.readMeta()
	p.detectLang()
	p.prune()
	p.applyRemove()
	p.st = computeStats(p.doc)
	if p.visibleWeight() == 0 && p.meta.first("og:title") == "" && p.metaTitle == "" {
		return nil, fmt.Errorf("%w", ErrEmpty)
	}

	// Labelled link blocks come out before the body is scored, so the body
	// scorer never sees recommended lists and teaser cards.
	profileRecommended := p.profileRecommended()
	if profileRecommended {
		// The profile's blocks are out of the tree: count again.
		p.st = computeStats(p.doc)
	}
	p.findLinkBlocks()
	p.chooseTitle()
	p.profileTitle()
	listing := p.isListing()
	p.listing = listing
	if !listing {
		p.takeRecommended(!profileRecommended)
		if p.profileBody() {
			p.collectImages(p.bodyNodes)
		} else {
			p.extractBody()
		}
	} else {
		p.takeItems()
	}

	p.choosePublished()
	p.profilePublished()
	p.chooseAuthors()
	if !p.listing {
		p.chooseRepost()
	}
	p.profileAuthors()
	p.chooseSiteName()

	return p.record(listing), nil
}

// page is the state of one extraction.
type page struct {
	doc  *html.Node
	opts Options
	base *url.URL
	ref  time.Time
	loc  *time.Location

	meta      metaSet
	metaTitle string // text of <title>
	htmlLang  string
	canonical string
	ld        []map[string]any // JSON-LD objects, @graph flattened

	listing     bool
	lang        string
	title       string
	titleNode   *html.Node
	siteName    string
	published   dateChoice
	modified    dateChoice
	authors     []string
	body        string
	bodyNodes   []*html.Node
	images      []Image
	blocks      []*linkBlock
	recommended []Entry
	items       []Entry
	source      string
	originalURL string
	rawLines    []string // body lines before furniture lines are dropped
	nearTitle   []string // cached textsNearTitle for nearTitleOf
	nearTitleOf *html.Node
	homeLinks   *[]string         // cached homeLinkTexts
	fallbacks   []string          // profile fields that matched nothing
	why         map[string]string // field name to the method that gave it
	st          *textStats
	classCache  map[classKey]bool
}

func newPage(doc *html.Node, opts Options) *page {
	p := &page{doc: doc, opts: opts, ref: opts.FetchedAt, meta: metaSet{}, why: map[string]string{}, classCache: map[classKey]bool{}}
	if u, err := url.Parse(strings.TrimSpace(opts.URL)); err == nil && u.Scheme != "" {
		p.base = u
	}
	return p
}

// zone returns the zone for times written without one.
func (p *page) zone() *time.Location {
	if p.loc != nil {
		return p.loc
	}
	return time.UTC
}

// dates returns the date reader for this page's texts: its zone and the
// order of its numeric dates.
func (p *page) dates() date.Reader {
	return date.Reader{Location: p.zone(), DayFirst: writesDayFirst(p.lang)}
}

// writesDayFirst reports whether a page in language lang (BCP 47) writes an
// ambiguous numeric date ("03/05/2022") day first. Most languages do. US
// English and Filipino write the month first. Chinese, Japanese and Korean
// write the year first, and their short forms ("7/5") put the month first.
// With no language known, the US order is kept.
func writesDayFirst(lang string) bool {
	primary, region, _ := strings.Cut(strings.ToLower(lang), "-")
	switch primary {
	case "", "zh", "ja", "ko", "fil", "tl":
		return false
	case "en":
		switch region {
		case "gb", "uk", "au", "nz", "ie", "in", "za", "sg", "hk", "ng", "ke", "pk", "my":
			return true
		}
		return false
	}
	return true
}

// resolve turns href into an absolute URL against the page's base, or ""
// when it is not a link to a page.
func (p *page) resolve(href string) string {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	lower := strings.ToLower(href)
	for _, scheme := range []string{"javascript:", "mailto:", "tel:", "data:", "about:", "sms:"} {
		if strings.HasPrefix(lower, scheme) {
			return ""
		}
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if p.base != nil {
		u = p.base.ResolveReference(u)
	}
	if u.Scheme == "" && p.base == nil {
		return href
	}
	u.Fragment = ""
	return u.String()
}

func (p *page) record(listing bool) *Record {
	r := &Record{
		URL:          p.opts.URL,
		CanonicalURL: p.canonical,
		FetchedAt:    p.opts.FetchedAt,
		PageType:     PageArticle,
		Title:        p.title,
		Authors:      p.authors,
		Lang:         p.lang,
		SiteName:     p.siteName,
		Body:         p.body,
		Images:       p.images,
		Recommended:  p.recommended,
		Items:        p.items,
		Fallbacks:    p.fallbacks,
		Source:       p.source,
		OriginalURL:  p.originalURL,
	}
	if listing {
		r.PageType = PageListing
	}
	normalizeRecord(r)
	if !p.published.value.IsZero() {
		r.Published = p.published.value.Format()
		r.PublishedRaw = cleanText(p.published.value.Raw)
		r.PublishedPrecision = p.published.value.Precision.String()
	}
	if !p.modified.value.IsZero() {
		r.Modified = p.modified.value.Format()
	}
	if r.Body != "" {
		r.ContentHash = contentHash(r.Body)
	}
	if p.opts.Explain {
		p.why["published"] = p.published.source
		p.why["modified"] = p.modified.source
		r.Explain = map[string]string{}
		for k, v := range p.why {
			if v != "" {
				r.Explain[k] = v
			}
		}
	}
	return r
}

// contentHash hashes the body after NFKC and white-space folding, so the
// same text in other markup hashes the same.
func contentHash(body string) string {
	h := sha256.New()
	w := bufio.NewWriterSize(h, 512)
	first, inField := true, false
	for _, r := range norm.NFKC.String(body) {
		if unicode.IsSpace(r) {
			inField = false
			continue
		}
		if !inField && !first {
			w.WriteByte(' ')
		}
		first, inField = false, true
		w.WriteRune(r)
	}
	w.Flush()
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// normalizeRecord puts every text field of r in Unicode NFC, so the same
// text typed with combining marks and precomposed letters compares equal.
func normalizeRecord(r *Record) {
	nfc := norm.NFC.String
	r.Title, r.Body, r.SiteName, r.Source = nfc(r.Title), nfc(r.Body), nfc(r.SiteName), nfc(r.Source)
	for i := range r.Authors {
		r.Authors[i] = nfc(r.Authors[i])
	}
	for i := range r.Images {
		r.Images[i].Caption = nfc(r.Images[i].Caption)
	}
	for _, entries := range [][]Entry{r.Recommended, r.Items} {
		for i := range entries {
			e := &entries[i]
			e.Title, e.Summary, e.Source, e.Block = nfc(e.Title), nfc(e.Summary), nfc(e.Source), nfc(e.Block)
		}
	}
}
