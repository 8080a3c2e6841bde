package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/crawler/robots"
	"github.com/gleanerhq/gleaner/crawler/state"
)

// robotsTTL is how long a robots.txt file, or the lack of one, is trusted
// before it is fetched again. RFC 9309 recommends using a cached copy for
// no more than 24 hours.
const robotsTTL = 24 * time.Hour

// maxRobotsRedirects is how many redirects a robots.txt request follows,
// the minimum RFC 9309 requires.
const maxRobotsRedirects = 5

// errRobotsRedirects marks a robots.txt request that met too many
// redirects. RFC 9309 reads that as no robots.txt.
var errRobotsRedirects = errors.New("robots.txt: too many redirects")

// robotsResult is the outcome of one robots.txt request.
type robotsResult struct {
	status     int           // 0 when no response came
	body       []byte        // at most robots.MaxSize bytes
	retryAfter time.Duration // the Retry-After of the response
	hasRetry   bool          // whether the response named a usable Retry-After
	err        error         // a network error, or an error reading the body
}

// robotsCache fetches, parses and caches the robots.txt of every origin
// (scheme, host and port) and decides whether a URL may be fetched. Only
// one request for an origin's file is in flight at a time, and the others
// wait for its outcome.
//
// What a robots.txt request gives decides the host's fate, as RFC 9309
// describes:
//   - 2xx: its rules apply, and its Crawl-delay raises the host's delay;
//   - 4xx other than 429, or too many redirects: there are no rules;
//   - 5xx, 429 or a network failure: the host is deferred. Its requests
//     wait, and the file is requested again after Retry-After or a backoff.
//     After maxRetries failures, or a Retry-After over maxWait, the host's
//     URLs fail with ErrRobotsUnavailable;
//   - an unknown host name: its URLs fail with that error at once;
//   - a private address the guard refuses: the URL fails with that error,
//     and nothing is cached.
//
// Every outcome is kept for robotsTTL. It is safe for concurrent use.
type robotsCache struct {
	userAgent  string
	fetch      func(ctx context.Context, robotsURL *url.URL) robotsResult
	limiter    *hostLimiter
	clock      clock
	backoff    func(failures int) time.Duration
	maxRetries int
	maxWait    time.Duration
	logger     *zap.Logger

	// onSitemaps, when set, receives the Sitemap lines of every robots.txt
	// file the cache reads, with the URL of that file.
	onSitemaps func(robotsURL *url.URL, sitemaps []string)

	mu      sync.Mutex
	entries map[string]*robotsEntry
}

// robotsState is the state of one origin's robots.txt in the cache.
type robotsState int

const (
	robotsUnknown     robotsState = iota // not fetched yet, or expired
	robotsReady                          // rules known (maybe none)
	robotsDeferred                       // failed; fetch again at retryAt
	robotsUnavailable                    // failed for good; URLs fail with err
)

// robotsEntry is the cache entry of one origin.
type robotsEntry struct {
	lock chan struct{} // a token is held while the entry is read or fetched

	state    robotsState
	group    robots.Group
	expires  time.Time
	retryAt  time.Time
	failures int
	err      error
}

// check returns nil when the crawler may fetch u, an error wrapping
// ErrRobotsDisallowed when robots.txt forbids it, or the reason the host's
// robots.txt cannot be had. While the host is deferred, check waits, and it
// returns early with ctx.Err() when ctx is done.
func (c *robotsCache) check(ctx context.Context, u *url.URL) error {
	e := c.entry(u)
	for {
		select {
		case e.lock <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}

		decided, wait, err := c.decide(ctx, e, u)
		<-e.lock
		if decided {
			return err
		}

		if err := c.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// decide returns the decision for u from e, fetching the file when e holds nothing
// usable. It returns decided false and a wait when the host is deferred.
// The caller holds e.lock.
func (c *robotsCache) decide(ctx context.Context, e *robotsEntry, u *url.URL) (decided bool, wait time.Duration, err error) {
	now := c.clock.Now()
	if e.state != robotsUnknown && !now.Before(e.expires) && e.state != robotsDeferred {
		e.state = robotsUnknown
	}

	switch {
	case e.state == robotsReady:
		if !e.group.Allowed(u.RequestURI()) {
			return true, 0, fmt.Errorf("fetch %s: %w", u, ErrRobotsDisallowed)
		}
		return true, 0, nil
	case e.state == robotsUnavailable:
		return true, 0, e.err
	case e.state == robotsDeferred && now.Before(e.retryAt):
		return false, e.retryAt.Sub(now), nil
	}

	if err := c.refresh(ctx, e, u); err != nil {
		return true, 0, err
	}
	return false, 0, nil
}

// entry returns the cache entry of u's origin.
func (c *robotsCache) entry(u *url.URL) *robotsEntry {
	origin := u.Scheme + "://" + strings.ToLower(u.Host)

	c.mu.Lock()
	defer c.mu.Unlock()

	e, ok := c.entries[origin]
	if !ok {
		e = &robotsEntry{lock: make(chan struct{}, 1)}
		c.entries[origin] = e
	}
	return e
}

// remember makes the cache read an origin's robots.txt from the crawl
// state before it requests the file. It saves each final response (2xx,
// or 4xx other than 429) with its expiry, so the next run within robotsTTL
// requests none.
func (c *robotsCache) remember(store state.Store) {
	fetch := c.fetch
	c.fetch = func(ctx context.Context, robotsURL *url.URL) robotsResult {
		origin := robotsURL.Scheme + "://" + strings.ToLower(robotsURL.Host)
		now := c.clock.Now()
		if saved, ok, err := store.Robots(ctx, origin, now); err == nil && ok {
			return robotsResult{status: saved.Status, body: saved.Body}
		}

		res := fetch(ctx, robotsURL)
		final := res.status >= 200 && res.status < 500 && res.status != http.StatusTooManyRequests
		if res.err == nil && final {
			body := res.body
			if body == nil {
				body = []byte{} // a 4xx response: no rules
			}
			saved := state.Robots{Origin: origin, Status: res.status, Body: body, Expires: now.Add(robotsTTL)}
			if err := store.PutRobots(ctx, saved); err != nil {
				c.logger.Debug("robots.txt not saved in the crawl state", zap.String("url", robotsURL.String()), zap.Error(err))
			}
		}
		return res
	}
}

// refresh requests the robots.txt of u's origin and stores the outcome in
// e. It returns an error, and leaves e as it was, when ctx is done or the
// guard refused the host: the refusal depends on which hosts are trusted,
// which a Fetcher learns as it goes, so it is not cached.
func (c *robotsCache) refresh(ctx context.Context, e *robotsEntry, u *url.URL) error {
	robotsURL := &url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/robots.txt"}
	res := c.fetch(ctx, robotsURL)
	if err := ctx.Err(); err != nil {
		return err
	}
	if errors.Is(res.err, ErrPrivateAddress) {
		return fmt.Errorf("fetch %s: %w", robotsURL, res.err)
	}

	now := c.clock.Now()
	fields := []zap.Field{zap.String("url", robotsURL.String()), zap.Int("status", res.status)}
	switch {
	case res.err == nil && res.status >= 200 && res.status < 300:
		rules := robots.Parse(res.body, u.Host)
		group := rules.Group(c.userAgent)
		c.ready(e, group, now)
		if c.onSitemaps != nil && len(rules.Sitemaps()) > 0 {
			c.onSitemaps(robotsURL, rules.Sitemaps())
		}
		if group.CrawlDelay > 0 {
			floor := c.limiter.setCrawlDelay(u.Host, group.CrawlDelay)
			c.logger.Debug("robots.txt crawl-delay applied", append(fields,
				zap.Duration("crawl_delay", group.CrawlDelay), zap.Duration("delay", floor))...)
		}
		c.logger.Debug("robots.txt fetched", fields...)

	case errors.Is(res.err, errRobotsRedirects),
		res.err == nil && res.status < 500 && res.status != http.StatusTooManyRequests:
		c.ready(e, robots.Group{}, now)
		c.logger.Debug("robots.txt missing, every path allowed", fields...)

	case isUnknownHost(res.err):
		c.unavailable(e, fmt.Errorf("fetch %s: %w", robotsURL, res.err), now)
		c.logger.Warn("robots.txt unreachable, host skipped", append(fields, zap.Error(res.err))...)

	default:
		c.deferHost(e, res, robotsURL, now, fields)
	}
	return nil
}

// ready stores the rules of a fetched (or missing) file.
func (c *robotsCache) ready(e *robotsEntry, group robots.Group, now time.Time) {
	e.state, e.group, e.expires = robotsReady, group, now.Add(robotsTTL)
	e.failures, e.err = 0, nil
}

// unavailable makes the host's URLs fail with err until the entry expires.
func (c *robotsCache) unavailable(e *robotsEntry, err error, now time.Time) {
	e.state, e.err, e.expires = robotsUnavailable, err, now.Add(robotsTTL)
}

// deferHost handles a 5xx or 429 response or a network failure: the host
// waits for a new request of the file, or gives up after too many failures
// or a Retry-After beyond maxWait.
func (c *robotsCache) deferHost(e *robotsEntry, res robotsResult, robotsURL *url.URL, now time.Time, fields []zap.Field) {
	e.failures++

	reason := res.err
	if reason == nil {
		reason = fmt.Errorf("status %d %s", res.status, http.StatusText(res.status))
	}
	wait := c.backoff(e.failures)
	if res.hasRetry {
		wait = res.retryAfter
	}
	fields = append(fields, zap.Int("failures", e.failures), zap.Duration("wait", wait), zap.Error(reason))

	switch {
	case wait > c.maxWait:
		c.unavailable(e, fmt.Errorf("fetch %s: %w: %v; Retry-After requests %s, more than max_retry_wait %s",
			robotsURL, ErrRobotsUnavailable, reason, wait, c.maxWait), now)
		c.logger.Warn("robots.txt unavailable, host skipped", fields...)
	case e.failures > c.maxRetries:
		c.unavailable(e, fmt.Errorf("fetch %s: %w: %v after %d attempts", robotsURL, ErrRobotsUnavailable, reason, e.failures), now)
		c.logger.Warn("robots.txt unavailable, host skipped", fields...)
	default:
		e.state, e.retryAt, e.expires = robotsDeferred, now.Add(wait), now.Add(robotsTTL)
		c.logger.Warn("robots.txt unavailable, host deferred", fields...)
	}
}

// isUnknownHost reports whether err reports that a host name does not
// exist.
func isUnknownHost(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}
