package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"
	"github.com/gleanerhq/gleaner/extract/charset"
)

// run is the state of one crawl.
type run struct {
	c      *Crawler
	ctx    context.Context // canceled on interrupt or sink failure
	cancel context.CancelFunc
	logger *zap.Logger
	began  time.Time

	scope     *scope
	policy    *policy
	transport *transport
	web       *colly.Collector // http and https URLs, robots.txt obeyed
	files     *colly.Collector // file URLs, no robots.txt
	writer    *batchWriter

	mu      sync.Mutex
	queued  map[string]bool // URLs handed to a collector
	stored  map[string]bool // final, requested and canonical URLs and body hashes of written records
	summary Summary
}

func newRun(parent context.Context, c *Crawler) *run {
	ctx, cancel := context.WithCancel(parent)
	logger := c.opts.Logger

	limiter := newHostLimiter(c.cfg.Parallelism, c.cfg.Delay)
	r := &run{
		c:         c,
		ctx:       ctx,
		cancel:    cancel,
		logger:    logger,
		began:     time.Now(),
		scope:     &scope{cfg: c.cfg, files: c.files},
		transport: newTransport(limiter, c.cfg.Timeout, c.files),
		queued:    make(map[string]bool),
		stored:    make(map[string]bool),
		summary:   Summary{Errors: make(map[string]int)},
	}
	r.policy = &policy{
		maxBody:      c.cfg.MaxBodySize,
		maxRetryWait: c.opts.MaxRetryWait,
		maxAttempts:  c.opts.MaxAttempts,
		limiter:      limiter,
		location:     c.cfg.TimeZone,
	}

	r.web = newCollector(collectorSettings{
		ctx:       ctx,
		async:     true,
		userAgent: c.cfg.UserAgent,
		robots:    c.cfg.RespectRobotsTxt,
		bodyLimit: r.policy.collyBodyLimit(),
		transport: r.transport,
		redirect:  r.scope.checkRedirect,
		logger:    logger,
	})
	r.files = r.web.Clone() // shares the transport and the visited set
	r.files.IgnoreRobotsTxt = true
	for _, col := range []*colly.Collector{r.web, r.files} {
		col.OnResponseHeaders(r.policy.checkHeaders)
		col.OnResponse(r.onResponse)
		col.OnError(r.onError)
	}

	r.writer = newBatchWriter(c.sink, c.opts.BatchSize, c.opts.FlushInterval, logger, cancel)
	return r
}

// start launches the writer and queues the seeds.
func (r *run) start() {
	go r.writer.run(r.ctx)

	r.logger.Info("crawl started",
		zap.Int("seeds", len(r.c.seeds)),
		zap.Int("max_depth", r.c.cfg.MaxDepth),
		zap.Int("parallelism", r.c.cfg.Parallelism),
		zap.Duration("delay", r.c.cfg.Delay),
		zap.Bool("robots_txt", r.c.cfg.RespectRobotsTxt))

	for _, seed := range r.c.seeds {
		r.enqueue(seed, 1)
	}
}

// wait returns when no request is left. File pages only lead to files and
// web pages only to the web, so each collector only adds to its own queue.
func (r *run) wait() {
	r.web.Wait()
	r.files.Wait()
}

// finish writes what is left, closes the sink and builds the summary.
func (r *run) finish(parent context.Context) (Summary, error) {
	close(r.writer.records)
	<-r.writer.done
	closeErr := r.c.sink.Close()
	r.transport.CloseIdleConnections()
	r.cancel()

	r.mu.Lock()
	summary := r.summary
	r.mu.Unlock()

	summary.Articles = r.writer.written
	if r.writer.lost > 0 {
		summary.Errors["sink"] += r.writer.lost
	}
	summary.Duration = time.Since(r.began)
	summary.Interrupted = parent.Err() != nil

	r.logSummary(summary)

	var errs []error
	if summary.Interrupted {
		errs = append(errs, fmt.Errorf("crawl interrupted: %w", parent.Err()))
	}
	if r.writer.err != nil {
		errs = append(errs, r.writer.err)
	}
	if closeErr != nil {
		errs = append(errs, fmt.Errorf("close sink: %w", closeErr))
	}
	return summary, errors.Join(errs...)
}

func (r *run) logSummary(s Summary) {
	fields := []zap.Field{
		zap.Int("fetched", s.Fetched),
		zap.Int("articles", s.Articles),
		zap.Int("listings", s.Listings),
		zap.Int("other", s.Other),
		zap.Int("duplicates", s.Duplicates),
		zap.Int("blocked", s.Blocked),
		zap.Int("canceled", s.Canceled),
		zap.Int("failed", s.Failed()),
		zap.Duration("duration", s.Duration),
		zap.Bool("interrupted", s.Interrupted),
	}
	for _, kind := range s.ErrorKinds() {
		fields = append(fields, zap.Int("errors."+kind, s.Errors[kind]))
	}
	r.logger.Info("crawl finished", fields...)
}

// enqueue hands u to the collector of its scheme, once per URL. depth is 1
// for a seed.
func (r *run) enqueue(u *url.URL, depth int) {
	if r.ctx.Err() != nil {
		return
	}

	key := u.String()
	r.mu.Lock()
	if r.queued[key] {
		r.mu.Unlock()
		return
	}
	r.queued[key] = true
	r.mu.Unlock()

	collector := r.web
	if u.Scheme == "file" {
		collector = r.files
	}

	requestCtx := colly.NewContext()
	requestCtx.Put(depthKey, depth)
	requestCtx.Put(requestedKey, key)

	err := collector.Request(http.MethodGet, key, nil, requestCtx, nil)
	var visited *colly.AlreadyVisitedError
	switch {
	case err == nil, errors.As(err, &visited):
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		r.mu.Lock()
		r.summary.Blocked++
		r.mu.Unlock()
		r.logger.Debug("url disallowed by robots.txt", zap.String("url", key))
	default:
		r.fail(newFetchError(key, 0, err))
	}
}

// follow queues the links of the page at from that are in scope, within
// the depth limit and worth fetching.
func (r *run) follow(from *url.URL, depth int, links []string) {
	if r.c.cfg.MaxDepth > 0 && depth+1 > r.c.cfg.MaxDepth {
		return
	}

	for _, link := range links {
		u, ok := parseLink(link)
		if !ok || !r.scope.allowsLink(from, u) || !r.scope.worthFetching(u.String()) {
			continue
		}
		r.enqueue(u, depth+1)
	}
}

// onError handles a failed request: it retries 429 and 503 responses and
// counts the rest.
func (r *run) onError(resp *colly.Response, err error) {
	if resp.StatusCode > 0 {
		r.count(func(s *Summary) { s.Fetched++ })
	}

	var visited *colly.AlreadyVisitedError
	if errors.As(err, &visited) {
		r.logger.Debug("redirect target already fetched", zap.String("url", resp.Request.URL.String()))
		return
	}

	retried, retryErr := r.policy.retry(resp, r.ctx.Err() != nil)
	if retried {
		r.logger.Warn("server asked to slow down, retrying",
			zap.String("url", resp.Request.URL.String()), zap.Int("status", resp.StatusCode))
		return
	}

	failure := r.policy.failure(resp, err)
	if retryErr != nil {
		failure = newFetchError(resp.Request.URL.String(), resp.StatusCode, retryErr)
	}
	r.fail(failure)
}

// onResponse handles a successful response: a page or a feed.
func (r *run) onResponse(resp *colly.Response) {
	r.count(func(s *Summary) { s.Fetched++ })

	pg, err := r.policy.read(resp)
	if err != nil {
		r.fail(err)
		return
	}

	depth, _ := resp.Ctx.GetAny(depthKey).(int)
	r.logger.Debug("page fetched",
		zap.String("url", pg.url.String()),
		zap.Int("status", resp.StatusCode),
		zap.Int("bytes", len(pg.body)),
		zap.Int("depth", depth))

	if pg.kind == kindFeed {
		r.count(func(s *Summary) { s.Listings++ })
		r.follow(pg.url, depth, feedLinks(pg.body, pg.url))
		return
	}
	r.onPage(pg, depth)
}

// onPage follows the links of an HTML page when its URL matches the follow
// patterns (or there are none), and writes its record when it is an
// article: when its URL matches an article pattern, or, without patterns,
// when the extractor classifies it as one.
func (r *run) onPage(pg *page, depth int) {
	if r.c.cfg.ShouldFollow(pg.url.String()) {
		r.follow(pg.url, depth, htmlLinks(decodeText(pg), pg.url))
	}

	isArticle, decided := r.c.cfg.IsArticleURL(pg.url.String())
	if decided && !isArticle {
		isArticle, _ = r.c.cfg.IsArticleURL(pg.requested)
	}
	if decided && !isArticle {
		r.count(func(s *Summary) { s.Other++ })
		return
	}

	record, err := r.policy.extract(pg)
	if err != nil {
		r.fail(err)
		return
	}

	switch {
	case decided && record.Body == "":
		r.fail(newFetchError(pg.url.String(), 0, ErrNoContent))
	case !decided && record.PageType == extract.PageListing:
		r.count(func(s *Summary) { s.Listings++ })
	case !decided && record.Body == "":
		r.count(func(s *Summary) { s.Other++ })
		r.logger.Debug("article page without body skipped", zap.String("url", pg.url.String()))
	default:
		r.store(record, pg.requested)
	}
}

// decodeText returns the page as UTF-8 text for link discovery, or the raw
// bytes when the charset cannot be decoded.
func decodeText(pg *page) string {
	text, _, err := charset.Decode(pg.body, pg.contentType)
	if err != nil {
		return string(pg.body)
	}
	return text
}

// store hands record to the writer unless a record with the same final,
// requested or canonical URL, or with the same body, was stored before. The
// body check catches copies of a page under other URLs, such as print
// versions, that name no canonical URL.
func (r *run) store(record *extract.Record, requested string) {
	keys := []string{record.URL, requested}
	if canonical, ok := parseLink(record.CanonicalURL); ok {
		keys = append(keys, canonical.String())
	}
	if record.ContentHash != "" {
		keys = append(keys, record.ContentHash)
	}

	r.mu.Lock()
	for _, key := range keys {
		if r.stored[key] {
			r.summary.Duplicates++
			r.mu.Unlock()
			r.logger.Debug("duplicate article skipped", zap.String("url", record.URL), zap.String("duplicate_of", key))
			return
		}
	}
	for _, key := range keys {
		r.stored[key] = true
	}
	r.mu.Unlock()

	r.logger.Debug("article extracted", zap.String("url", record.URL), zap.Int("body_chars", len([]rune(record.Body))))
	r.writer.records <- record
}

// fail counts and logs the failure of one URL. Requests canceled by a
// stopping crawl are counted apart and logged at Debug level only.
func (r *run) fail(err error) {
	var failure *FetchError
	if !errors.As(err, &failure) {
		failure = newFetchError("", 0, err)
	}

	fields := []zap.Field{
		zap.String("url", failure.URL),
		zap.Int("status", failure.Status),
		zap.String("kind", failure.Kind),
		zap.Error(err),
	}
	if failure.Kind == kindCanceled {
		r.count(func(s *Summary) { s.Canceled++ })
		r.logger.Debug("request canceled", fields...)
		return
	}

	r.count(func(s *Summary) { s.Errors[failure.Kind]++ })
	r.logger.Warn("page failed", fields...)
}

func (r *run) count(update func(*Summary)) {
	r.mu.Lock()
	update(&r.summary)
	r.mu.Unlock()
}
