package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/extract"
)

// Fetcher fetches single web pages with a configuration's HTTP settings
// (user agent, timeout, body limit, robots.txt, per-host delay) and
// extracts them, without following links. It serves one-off scrapes.
//
// A Fetcher is safe for concurrent use. Call Close when done with it.
type Fetcher struct {
	cfg       *config.Config
	policy    *policy
	transport *transport
	fetching  *fetchParts
	base      *colly.Collector
}

// NewFetcher builds a Fetcher from cfg. Of cfg it uses UserAgent, the
// timeouts, MaxBodySize, RespectRobotsTxt, Parallelism, the delays and
// retries, MaxRedirects, AllowPrivateNetworks, TimeZone and Profiles. The
// hosts of the seeds and allowed domains, and of every URL given to Fetch,
// are trusted by the private-network guard. Patterns and sinks play no
// part.
func NewFetcher(cfg *config.Config, opts Options) (*Fetcher, error) {
	if cfg == nil {
		return nil, errors.New("new fetcher: nil configuration")
	}
	opts = opts.withDefaults()

	// The guard trusts the hosts the configuration names and, as Fetch
	// adds them, the hosts of the URLs it is given.
	trusted := newHostSet(configuredHosts(cfg.SeedHosts(), cfg.AllowedDomains)...)
	fetching := newFetchParts(cfg, opts, trusted, nil)
	f := &Fetcher{
		cfg:       cfg,
		transport: fetching.transport,
		fetching:  fetching,
		policy: &policy{
			maxBody:    cfg.MaxBodySize,
			location:   cfg.TimeZone,
			profileFor: cfg.ProfileFor,
		},
	}

	redirects := &redirectPolicy{max: cfg.MaxRedirects} // to any web host
	f.base = newCollector(collectorSettings{
		ctx:       context.Background(),
		userAgent: cfg.UserAgent,
		bodyLimit: f.policy.collyBodyLimit(),
		transport: f.transport,
		redirect:  redirects.check,
		logger:    opts.Logger,
	})
	return f, nil
}

// Page is one fetched HTML page before extraction.
type Page struct {
	// URL is the page's address after redirects.
	URL string

	// RequestedURL is the address before redirects.
	RequestedURL string

	// ContentType is the response's Content-Type header as the server sent
	// it, charset included.
	ContentType string

	// Body is the response body, decompressed.
	Body []byte

	// FetchedAt is when the body was received.
	FetchedAt time.Time
}

// Fetch fetches the http or https URL rawURL once and returns the record
// of the page, an article or a listing alike. The page is extracted with
// the configuration's site profile for the host it was finally fetched
// from (see config.Config.ProfileFor). A failure is a *FetchError: an error
// status, a timeout, a response that is not HTML, a body over the limit, a
// URL robots.txt disallows, or an extraction error. Cancelling ctx cancels
// the request.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*extract.Record, error) {
	pg, err := f.fetch(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	return f.policy.extract(pg)
}

// FetchPage fetches the http or https URL rawURL once, as Fetch does, and
// returns the page without extracting it, for a caller that runs the
// extractor with its own options. It fails as Fetch does, except that it
// makes no extraction error.
func (f *Fetcher) FetchPage(ctx context.Context, rawURL string) (*Page, error) {
	pg, err := f.fetch(ctx, rawURL)
	if err != nil {
		return nil, err
	}

	return &Page{
		URL:          pg.url.String(),
		RequestedURL: pg.requested,
		ContentType:  pg.contentType,
		Body:         pg.body,
		FetchedAt:    pg.fetchedAt,
	}, nil
}

// fetch fetches rawURL once and returns its HTML page.
func (f *Fetcher) fetch(ctx context.Context, rawURL string) (*page, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &FetchError{URL: rawURL, Kind: "invalid_url", Err: errors.New("not an http or https URL")}
	}

	f.fetching.trusted.add(u.Host)

	// A clone shares the transport and the robots.txt cache but has its own
	// callbacks and context, so concurrent calls do not meet.
	c := f.base.Clone()
	c.Context = ctx

	var (
		pg      *page
		failure error
	)
	c.OnResponseHeaders(f.policy.checkHeaders)
	c.OnResponse(func(resp *colly.Response) {
		if err := checkBody(resp); err != nil {
			failure = newFetchError(resp.Request.URL.String(), resp.StatusCode, err)
			return
		}
		pg, failure = f.policy.read(resp)
	})
	c.OnError(func(resp *colly.Response, err error) {
		retried, retryErr := f.fetching.retries.retry(ctx, resp, err)
		switch {
		case retried:
		case retryErr != nil:
			failure = newFetchError(resp.Request.URL.String(), resp.StatusCode, retryErr)
		default:
			failure = f.policy.failure(resp, err)
		}
	})

	requestCtx := colly.NewContext()
	requestCtx.Put(requestedKey, u.String())
	// In synchronous mode a retry runs inside the error callback, so the
	// error of the first attempt comes back after the retry has succeeded.
	err = c.Request(http.MethodGet, u.String(), nil, requestCtx, nil)
	if err != nil && failure == nil && pg == nil {
		failure = newFetchError(u.String(), 0, err)
	}

	if failure != nil {
		return nil, failure
	}
	if pg == nil {
		return nil, newFetchError(u.String(), 0, errors.New("no response"))
	}
	if pg.kind != kindHTML {
		return nil, newFetchError(pg.url.String(), 0, fmt.Errorf("%w: a sitemap or feed, not a page", ErrNotHTML))
	}
	return pg, nil
}

// Close closes the idle connections the Fetcher keeps.
func (f *Fetcher) Close() {
	f.transport.CloseIdleConnections()
}
