package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

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
	base      *colly.Collector
}

// NewFetcher builds a Fetcher from cfg. Of cfg it uses UserAgent, Timeout,
// MaxBodySize, RespectRobotsTxt, Parallelism, Delay and TimeZone; seeds,
// patterns, domains and sinks play no part.
func NewFetcher(cfg *config.Config, opts Options) (*Fetcher, error) {
	if cfg == nil {
		return nil, errors.New("new fetcher: nil configuration")
	}
	opts = opts.withDefaults()

	limiter := newHostLimiter(cfg.Parallelism, cfg.Delay)
	f := &Fetcher{
		cfg:       cfg,
		transport: newTransport(limiter, cfg.Timeout, nil),
		policy: &policy{
			maxBody:      cfg.MaxBodySize,
			maxRetryWait: opts.MaxRetryWait,
			maxAttempts:  opts.MaxAttempts,
			limiter:      limiter,
			location:     cfg.TimeZone,
		},
	}

	var noScope *scope // redirects may go to any web host
	f.base = newCollector(collectorSettings{
		ctx:       context.Background(),
		userAgent: cfg.UserAgent,
		robots:    cfg.RespectRobotsTxt,
		bodyLimit: f.policy.collyBodyLimit(),
		transport: f.transport,
		redirect:  noScope.checkRedirect,
		logger:    opts.Logger,
	})
	f.base.AllowURLRevisit = true
	return f, nil
}

// Fetch fetches the http or https URL rawURL once and returns the record
// of the page, an article or a listing alike. A failure is a *FetchError:
// an error status, a timeout, a response that is not HTML, a body over the
// limit, a URL robots.txt disallows, or an extraction error. Cancelling
// ctx cancels the request.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*extract.Record, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &FetchError{URL: rawURL, Kind: "invalid_url", Err: errors.New("not an http or https URL")}
	}

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
		pg, failure = f.policy.read(resp)
	})
	c.OnError(func(resp *colly.Response, err error) {
		retried, retryErr := f.policy.retry(resp, ctx.Err() != nil)
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
		if errors.Is(err, colly.ErrRobotsTxtBlocked) {
			err = ErrRobotsDisallowed
		}
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
	return f.policy.extract(pg)
}

// Close closes the idle connections the Fetcher keeps.
func (f *Fetcher) Close() {
	f.transport.CloseIdleConnections()
}
