package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/extract"
	"github.com/gleanerhq/gleaner/extract/charset"
)

// Statuses of one selector on one page, as the JSON report spells them.
const (
	statusMatched  = "matched"
	statusFellBack = "fell_back"
	statusNoMatch  = "no_match"
	statusSkipped  = "skipped"
)

// previewLength is the number of characters of a value the report shows.
const previewLength = 60

// selectorResult is the outcome of one profile selector on one page.
type selectorResult struct {
	Key      string `json:"key"`
	Selector string `json:"selector"`
	Status   string `json:"status"`

	// Matches counts the elements the selector matches in the page as
	// saved, inside the recommended blocks (and items) for the recommended
	// keys other than block.
	Matches int `json:"matches"`

	// Value previews the field's value: the profile's when the selector
	// matched, the generic extractor's when it fell back.
	Value string `json:"value,omitempty"`
}

// pageReport is the outcome of the profile on one page.
type pageReport struct {
	Input       string           `json:"input"`
	URL         string           `json:"url,omitempty"`
	URLSource   string           `json:"url_source,omitempty"`
	Profile     string           `json:"profile,omitempty"`
	PageType    string           `json:"page_type,omitempty"`
	Recommended int              `json:"recommended"`
	OK          bool             `json:"ok"`
	Selectors   []selectorResult `json:"selectors,omitempty"`
	Error       string           `json:"error,omitempty"`
}

// parseForCounts parses the page as the extractor does, for counting the
// elements each selector matches.
func parseForCounts(page *loadedPage) (*goquery.Document, error) {
	text, _, err := charset.Decode(page.body, page.contentType)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}

	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parse html: %w", err)
	}
	return goquery.NewDocumentFromNode(root), nil
}

// fill sets the report's results from the record extracted with site's
// profile and the parsed page doc.
func (r *pageReport) fill(site *config.SiteProfile, record *extract.Record, doc *goquery.Document) {
	r.PageType = record.PageType
	r.Recommended = len(record.Recommended)

	fellBack := make(map[string]bool)
	for _, field := range record.Fallbacks {
		fellBack[field] = true
	}

	scopes := newSelectorScopes(site, doc)
	r.OK = true
	for _, sel := range site.Selectors {
		result := selectorResult{Key: sel.Key, Selector: sel.Selector}
		result.Matches = scopes.of(sel.Key).FindMatcher(sel.Matcher).Length()

		field := recordField(sel.Key)
		switch {
		case field == "body" && record.PageType == extract.PageListing:
			result.Status, result.Value = statusSkipped, "the page was read as a listing"
		case field != "" && fellBack[field]:
			result.Status, result.Value = statusFellBack, "generic: "+fieldValue(record, field)
		case field != "":
			result.Status, result.Value = statusMatched, fieldValue(record, field)
		case result.Matches > 0:
			result.Status, result.Value = statusMatched, firstText(scopes.of(sel.Key).FindMatcher(sel.Matcher))
		default:
			result.Status = statusNoMatch
		}

		r.OK = r.OK && result.Status == statusMatched
		r.Selectors = append(r.Selectors, result)
	}
}

// recordField returns the record field that the extractor fills from the
// selector at key and names in Record.Fallbacks, or "" for a selector it
// does not report on.
func recordField(key string) string {
	switch key {
	case "title", "published", "body", "authors":
		return key
	case "recommended.block":
		return "recommended"
	}
	return ""
}

// fieldValue previews the value of a record field.
func fieldValue(record *extract.Record, field string) string {
	var value string
	switch field {
	case "title":
		value = preview(record.Title)
	case "published":
		value = preview(record.Published)
		if record.PublishedRaw != "" && value != "" {
			value += " from " + quotePreview(record.PublishedRaw)
		}
	case "body":
		value = preview(record.Body)
		if value != "" {
			value += fmt.Sprintf(" (%d characters)", utf8.RuneCountInString(record.Body))
		}
	case "authors":
		value = preview(strings.Join(record.Authors, ", "))
	case "recommended":
		if n := len(record.Recommended); n > 0 {
			value = fmt.Sprintf("%d entries, first %s", n, quotePreview(record.Recommended[0].Title))
		}
	}

	if value == "" {
		return "(empty)"
	}
	return value
}

// firstText previews the text of the first element of s that has some.
func firstText(s *goquery.Selection) string {
	for i := range s.Length() {
		if text := strings.TrimSpace(s.Eq(i).Text()); text != "" {
			return quotePreview(text)
		}
	}
	return "(no text)"
}

// preview folds the white space of s and cuts it to previewLength characters.
func preview(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= previewLength {
		return s
	}
	return string([]rune(s)[:previewLength]) + "..."
}

// quotePreview previews s in double quotes.
func quotePreview(s string) string {
	return `"` + preview(s) + `"`
}

// selectorScopes holds the parts of a page that each profile selector is
// counted in: the recommended keys other than block count inside the
// blocks, and inside the items when an item selector is set.
type selectorScopes struct {
	doc    *goquery.Selection
	blocks *goquery.Selection
	items  *goquery.Selection
}

func newSelectorScopes(site *config.SiteProfile, doc *goquery.Document) *selectorScopes {
	scopes := &selectorScopes{doc: doc.Selection}

	prof := site.Profile
	if prof.Recommended != nil {
		scopes.blocks = doc.FindMatcher(prof.Recommended)
		scopes.items = scopes.blocks
		if prof.Item != nil {
			scopes.items = scopes.blocks.FindMatcher(prof.Item)
		}
	}
	return scopes
}

// of returns the part of the page the selector at key is counted in.
func (s *selectorScopes) of(key string) *goquery.Selection {
	switch {
	case s.blocks == nil || key == "recommended.block" || !strings.HasPrefix(key, "recommended."):
		return s.doc
	case key == "recommended.item":
		return s.blocks
	default:
		return s.items
	}
}

// checkTally counts the pages by outcome.
type checkTally struct {
	pages, ok, degraded, failed int
}

func (t *checkTally) add(report pageReport) {
	t.pages++
	switch {
	case report.Error != "":
		t.failed++
	case report.OK:
		t.ok++
	default:
		t.degraded++
	}
}

// err returns the error that gives check its exit status: 1 when a page
// could not be checked, 2 when a selector did not match, nil otherwise.
func (t *checkTally) err() error {
	switch {
	case t.failed > 0:
		return withCode(exitFailure, fmt.Errorf("check: %d of %d pages could not be checked", t.failed, t.pages))
	case t.degraded > 0:
		return withCode(exitPartial, fmt.Errorf("check: %d of %d pages have selectors that fell back or matched nothing", t.degraded, t.pages))
	}
	return nil
}

// checkWriter prints the reports as tables for a person, or as JSON lines.
type checkWriter struct {
	w       io.Writer
	json    bool
	printed int
}

func newCheckWriter(w io.Writer, asJSON bool) *checkWriter {
	return &checkWriter{w: w, json: asJSON}
}

// page prints the report of one page. A page that could not be checked
// gets a JSON line with its error, and no table: its message goes to
// standard error.
func (c *checkWriter) page(report pageReport) error {
	if c.json {
		return c.jsonLine(report)
	}
	if report.Error != "" {
		return nil
	}

	if c.printed > 0 {
		fmt.Fprintln(c.w)
	}
	c.printed++
	return c.table(report)
}

func (c *checkWriter) jsonLine(report pageReport) error {
	encoder := json.NewEncoder(c.w)
	encoder.SetEscapeHTML(false)
	return encoder.Encode(report)
}

func (c *checkWriter) table(report pageReport) error {
	fmt.Fprintln(c.w, report.Input)
	fmt.Fprintf(c.w, "  url:      %s (%s)\n", report.URL, urlSourceText(report.URLSource))
	fmt.Fprintf(c.w, "  profile:  %s\n", report.Profile)
	fmt.Fprintln(c.w)

	tw := tabwriter.NewWriter(c.w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  KEY\tSTATUS\tMATCHES\tSELECTOR\tVALUE")
	passed := 0
	for _, r := range report.Selectors {
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\t%s\n", r.Key, statusText(r.Status), r.Matches, r.Selector, r.Value)
		if r.Status == statusMatched {
			passed++
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(c.w)
	verdict := fmt.Sprintf("all %d selectors matched", passed)
	if !report.OK {
		verdict = fmt.Sprintf("%d of %d selectors fell back, matched nothing or were skipped", len(report.Selectors)-passed, len(report.Selectors))
	}
	_, err := fmt.Fprintf(c.w, "  %s; %d recommended entries extracted\n", verdict, report.Recommended)
	return err
}

// total prints the line that sums up several pages. One page, or JSON
// output, gets none.
func (c *checkWriter) total(t checkTally) error {
	if c.json || t.pages < 2 {
		return nil
	}

	_, err := fmt.Fprintf(c.w, "\nchecked %d pages: %d with every selector matched, %d with selectors that fell back or matched nothing, %d not checked\n",
		t.pages, t.ok, t.degraded, t.failed)
	return err
}

func statusText(status string) string {
	switch status {
	case statusFellBack:
		return "FELL BACK"
	case statusNoMatch:
		return "NO MATCH"
	case statusSkipped:
		return "SKIPPED"
	}
	return status
}

func urlSourceText(source string) string {
	switch source {
	case "--url":
		return "from --url"
	case "canonical":
		return "the page's canonical URL"
	}
	return "fetched"
}
