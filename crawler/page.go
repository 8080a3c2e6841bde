package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gleanerhq/gleaner/crawler/state"
	"github.com/gleanerhq/gleaner/extract"
)

// Keys of the values the crawler keeps in a request's colly.Context.
const (
	abortKey     = "gleaner.abort"     // error: why the download was aborted
	depthKey     = "gleaner.depth"     // int: 1 for a seed
	requestedKey = "gleaner.requested" // string: the URL before redirects
	prevKey      = "gleaner.prev"      // state.Page: what earlier runs saw of the URL
	linkKey      = "gleaner.link"      // link: the hints of the link that led here
	handledKey   = "gleaner.handled"   // bool: a response or error callback ran
)

// bodyKind is the kind of document a response body contains.
type bodyKind int

const (
	kindOther bodyKind = iota // not a page: an image, a PDF, ...
	kindHTML                  // an HTML page
	kindFeed                  // a sitemap, an RSS or an Atom feed
	kindSniff                 // unknown until the body is read
)

// page is one successful response that holds a document.
type page struct {
	url         *url.URL // after redirects
	requested   string   // before redirects
	contentType string   // the full Content-Type header, charset included
	body        []byte
	kind        bodyKind
	fetchedAt   time.Time

	// Set by the crawler for its own requests.
	etag, lastModified string     // the response's validators
	prev               state.Page // the URL's state from earlier runs, when known
	known              bool
	link               link // the link that led here, with its feed hints
}

// policy holds the response checks and retry rules that the crawler and
// the Fetcher share.
type policy struct {
	maxBody  int64 // bytes after decoding; 0 for no limit
	location *time.Location

	// profileFor returns the site profile for a host, or nil. When
	// profileFor itself is nil, no page gets a profile.
	profileFor func(host string) *extract.Profile
}

// collyBodyLimit is the MaxBodySize to give colly: one byte over the
// limit, so that a body longer than the limit is seen as such. colly
// truncates silently at its MaxBodySize.
func (p *policy) collyBodyLimit() int {
	if p.maxBody <= 0 {
		return 0
	}
	return int(p.maxBody + 1)
}

// checkHeaders aborts a download, before its body is read, when the
// response cannot give a page: its media type is not a document, or its
// Content-Length exceeds the body limit. Error responses are left to
// colly's error handling.
func (p *policy) checkHeaders(r *colly.Response) {
	if r.StatusCode >= http.StatusMultipleChoices {
		return
	}

	media := mediaType(r.Headers.Get("Content-Type"))
	if classifyMedia(media) == kindOther {
		abort(r, fmt.Errorf("%w: Content-Type %s", ErrNotHTML, media))
		return
	}

	length, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64)
	if err == nil && p.maxBody > 0 && length > p.maxBody {
		abort(r, fmt.Errorf("%w: Content-Length %d, limit %d", ErrBodyTooLarge, length, p.maxBody))
	}
}

// abort stops the download of r and keeps the reason for failure.
func abort(r *colly.Response, reason error) {
	r.Ctx.Put(abortKey, reason)
	r.Request.Abort()
}

// failure turns an error that colly reports for r into a FetchError.
func (p *policy) failure(r *colly.Response, err error) *FetchError {
	if errors.Is(err, colly.ErrAbortedAfterHeaders) {
		if reason, ok := r.Ctx.GetAny(abortKey).(error); ok {
			err = reason
		}
	}

	// For an error status colly makes an error of the status text. The
	// FetchError reports the status code instead.
	if r.StatusCode > 0 && err != nil && err.Error() == http.StatusText(r.StatusCode) {
		err = nil
	}

	return newFetchError(r.Request.URL.String(), r.StatusCode, err)
}

// retryAfter reads a Retry-After header, in seconds or as an HTTP date
// counted from the response's Date header (or from now without one).
func retryAfter(header http.Header, now time.Time) (time.Duration, bool) {
	value := strings.TrimSpace(header.Get("Retry-After"))
	if value == "" {
		return 0, false
	}

	// Seconds are capped at a year so that the Duration cannot overflow.
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil && seconds >= 0 {
		const year = 365 * 24 * 60 * 60
		return time.Duration(min(seconds, year)) * time.Second, true
	}

	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	if date, err := http.ParseTime(header.Get("Date")); err == nil {
		now = date
	}
	return max(at.Sub(now), 0), true
}

// read checks the body of a successful response and returns it as a page.
func (p *policy) read(r *colly.Response) (*page, error) {
	finalURL := r.Request.URL
	if p.maxBody > 0 && int64(len(r.Body)) > p.maxBody {
		return nil, newFetchError(finalURL.String(), r.StatusCode, fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, p.maxBody))
	}

	contentType := r.Headers.Get(originalContentTypeHeader)
	kind := classifyMedia(mediaType(r.Headers.Get("Content-Type")))
	if kind == kindSniff {
		kind = sniff(r.Body)
	}
	if kind == kindOther {
		return nil, newFetchError(finalURL.String(), r.StatusCode, fmt.Errorf("%w: the body does not look like HTML", ErrNotHTML))
	}

	requested, _ := r.Ctx.GetAny(requestedKey).(string)
	if requested == "" {
		requested = finalURL.String()
	}

	return &page{
		url:         finalURL,
		requested:   requested,
		contentType: contentType,
		body:        r.Body,
		kind:        kind,
		fetchedAt:   time.Now(),
	}, nil
}

// extract runs the extractor on an HTML page, with the site profile of
// the page's final host.
func (p *policy) extract(pg *page) (*extract.Record, error) {
	record, err := extract.Extract(pg.body, p.extractOptions(pg))
	if err != nil {
		return nil, newFetchError(pg.url.String(), 0, &extractError{err: err})
	}
	return record, nil
}

// extractOptions returns the extractor's options for pg. A profile's own
// time zone takes precedence over the configuration's, because the
// extractor gives Options.Location precedence over Profile.Location.
func (p *policy) extractOptions(pg *page) extract.Options {
	opts := extract.Options{
		URL:         pg.url.String(),
		FetchedAt:   pg.fetchedAt,
		ContentType: pg.contentType,
		Location:    p.location,
		Profile:     p.profile(pg),
	}
	if opts.Profile != nil && opts.Profile.Location != nil {
		opts.Location = opts.Profile.Location
	}
	return opts
}

// profile returns the site profile for the host of pg's final URL, or nil.
// File pages have no host and get none.
func (p *policy) profile(pg *page) *extract.Profile {
	if p.profileFor == nil {
		return nil
	}
	return p.profileFor(pg.url.Host)
}

// classifyMedia returns the kind of document a media type names. Types that
// servers also use for HTML by mistake give kindSniff.
func classifyMedia(media string) bodyKind {
	switch media {
	case "text/html", "application/xhtml+xml":
		return kindHTML
	case "application/xml", "text/xml", "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json":
		return kindFeed
	case "application/json":
		// A JSON Feed is often served as plain JSON; the body decides.
		return kindSniff
	case "", "text/plain", "application/octet-stream":
		return kindSniff
	}
	return kindOther
}

// sniff classifies a body by its first kilobyte.
func sniff(body []byte) bodyKind {
	head := bytes.ToLower(body[:min(len(body), 1024)])
	for _, marker := range []string{"<!doctype html", "<html", "<head", "<body", "<title", "<meta"} {
		if bytes.Contains(head, []byte(marker)) {
			return kindHTML
		}
	}
	for _, marker := range []string{"<urlset", "<sitemapindex", "<rss", "<feed", "<rdf:rdf"} {
		if bytes.Contains(head, []byte(marker)) {
			return kindFeed
		}
	}
	if isJSONFeed(body) {
		return kindFeed
	}
	return kindOther
}
