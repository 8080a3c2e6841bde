package crawler

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/crawler/sink"
	"github.com/gleanerhq/gleaner/crawler/state"
	"github.com/gleanerhq/gleaner/extract"
	"github.com/gleanerhq/gleaner/extract/charset"
	"github.com/gleanerhq/gleaner/extract/date"
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
	fetching  *fetchParts
	redirects *redirectPolicy
	web       *colly.Collector // http and https URLs, robots.txt obeyed
	files     *colly.Collector // file URLs, no robots.txt
	writer    *batchWriter
	bound     *bound
	memory    *memory
	queue     *workQueue

	mu sync.Mutex
	// The seen sets hold 64-bit hashes of the URLs, not the URLs, so that a
	// long crawl's memory grows by a few bytes per URL. With a per-run
	// random seed, the chance that any two of a million URLs collide is
	// below one in 10^7 (the birthday bound: n²/2^65).
	seed    maphash.Seed
	queued  map[uint64]uint64   // queued and redirected-to URLs, to the first URL of the request that claimed them (see claim)
	stored  map[uint64]struct{} // final, requested and canonical URLs and body hashes of written records
	summary Summary
}

func newRun(parent context.Context, c *Crawler, store state.Store) *run {
	ctx, cancel := context.WithCancel(parent)
	logger := c.opts.Logger

	trusted := newHostSet(configuredHosts(c.cfg.SeedHosts(), c.cfg.AllowedDomains)...)
	fetching := newFetchParts(c.cfg, c.opts, trusted, c.files)
	r := &run{
		c:         c,
		ctx:       ctx,
		cancel:    cancel,
		logger:    logger,
		began:     time.Now(),
		scope:     &scope{cfg: c.cfg, files: c.files},
		transport: fetching.transport,
		fetching:  fetching,
		seed:      maphash.MakeSeed(),
		queued:    make(map[uint64]uint64),
		stored:    make(map[uint64]struct{}),
		summary: Summary{
			Errors:           make(map[string]int),
			ProfileFallbacks: make(map[string]map[string]int),
			SkippedTraps:     make(map[string]int),
		},
	}
	r.policy = &policy{
		maxBody:    c.cfg.MaxBodySize,
		location:   c.cfg.TimeZone,
		profileFor: c.cfg.ProfileFor,
	}
	r.memory = newMemory(store, c.opts.Full, c.cfg.RecheckWithin, logger)
	if store != nil && r.transport.robots != nil {
		r.transport.robots.remember(store)
	}
	r.memory.restoreDelays(ctx, r.fetching.limiter, time.Now())
	if c.cfg.SitemapsFromRobots && r.transport.robots != nil {
		r.transport.robots.onSitemaps = r.followSitemaps
	}
	r.queue = newWorkQueue()
	r.bound = newBound(c.opts)
	r.transport.stopped = r.bound.stopped
	r.redirects = &redirectPolicy{max: c.cfg.MaxRedirects, scope: r.scope, claim: r.claimRedirect}

	r.web = newCollector(collectorSettings{
		ctx:       ctx,
		async:     false, // the work queue's workers run the requests
		userAgent: c.cfg.UserAgent,
		bodyLimit: r.policy.collyBodyLimit(),
		transport: r.transport,
		redirect:  r.redirects.check,
		logger:    logger,
	})
	if store != nil {
		// Cookies live in the crawl state, so consent cookies outlive the run.
		if err := r.web.SetStorage(store); err != nil {
			logger.Warn("cookie store in the crawl state failed; cookies last this run only", zap.Error(err))
		}
	}
	r.files = r.web.Clone() // shares the transport, the redirect policy and the cookie store
	for _, col := range []*colly.Collector{r.web, r.files} {
		col.OnResponseHeaders(r.policy.checkHeaders)
		col.OnResponse(r.onResponse)
		col.OnError(r.onError)
	}

	r.writer = newBatchWriter(c.sink, c.opts.BatchSize, c.opts.FlushInterval, logger, cancel)
	r.writer.onWritten = func(batch []*extract.Record) { r.memory.written(ctx, batch) }
	return r
}

// start launches the writer and the workers and queues the seeds.
func (r *run) start() {
	go r.writer.run(r.ctx)
	r.queue.start(max(minWorkers, 8*r.c.cfg.Parallelism), r.do)

	r.logger.Info("crawl started", append([]zap.Field{
		zap.Int("seeds", len(r.c.seeds)),
		zap.Int("max_depth", r.c.cfg.MaxDepth),
		zap.Int("parallelism", r.c.cfg.Parallelism)},
		r.fetching.logFields(r.c.cfg)...)...)

	for _, seed := range r.c.seeds {
		r.enqueue(seed, 1, link{})
	}
}

// wait returns when no request is left.
func (r *run) wait() {
	r.queue.wait()
}

// do runs one queued request with its collector, callbacks included. A
// synchronous collector returns the error its OnError callback already
// handled; only an error raised before the request started is counted
// here.
func (r *run) do(req queuedRequest) {
	collector := r.web
	if req.file {
		collector = r.files
	}

	// The request's context is built only now, so a long queue holds
	// small entries.
	requestCtx := colly.NewContext()
	requestCtx.Put(depthKey, req.depth)
	requestCtx.Put(requestedKey, req.url)
	requestCtx.Put(linkKey, req.link)
	var header http.Header
	if req.prev != nil {
		requestCtx.Put(prevKey, *req.prev)
		header = conditionalHeader(*req.prev)
	}

	err := collector.Request(http.MethodGet, req.url, nil, requestCtx, header)
	if handled, _ := requestCtx.GetAny(handledKey).(bool); err != nil && !handled {
		r.fail(newFetchError(req.url, 0, err))
	}
}

// finish writes what is left, closes the sink and builds the summary.
func (r *run) finish(parent context.Context) (Summary, error) {
	r.bound.close()
	close(r.writer.records)
	<-r.writer.done
	closeErr := r.c.sink.Close()

	// A page that is gone (404, 410) fails again on the next run, so it does
	// not keep the listings' validators from being saved. Any other failure
	// may pass next time, so the listings are then requested in full again.
	r.mu.Lock()
	retryable := r.summary.Failed() - r.summary.Errors["http_404"] - r.summary.Errors["http_410"]
	complete := retryable == 0 && r.summary.Canceled == 0
	r.mu.Unlock()
	complete = complete && parent.Err() == nil && r.bound.stopReason() == "" && r.writer.err == nil && r.writer.lost == 0
	r.memory.finish(parent, complete)
	r.memory.saveDelays(parent, r.fetching.limiter, time.Now())
	stateErr := closeState(r.memory.store)
	r.transport.CloseIdleConnections()
	r.cancel()

	r.mu.Lock()
	summary := r.summary
	r.mu.Unlock()

	summary.Articles = int(r.writer.written.Load())
	summary.Full = r.c.opts.Full
	if r.writer.lost > 0 {
		summary.Errors["sink"] += r.writer.lost
	}
	summary.Duration = time.Since(r.began)
	summary.Interrupted = parent.Err() != nil
	summary.StopReason = r.bound.stopReason()
	if reporter, ok := r.c.sink.(sink.StatsReporter); ok {
		summary.Sinks = reporter.Stats()
	}

	r.logSummary(summary)

	var errs []error
	if summary.Interrupted {
		// The cause names what stopped the crawl, such as a signal.
		errs = append(errs, fmt.Errorf("crawl interrupted: %w", context.Cause(parent)))
	}
	if r.writer.err != nil {
		errs = append(errs, r.writer.err)
	}
	if closeErr != nil {
		errs = append(errs, fmt.Errorf("close sink: %w", closeErr))
	}
	if stateErr != nil {
		errs = append(errs, stateErr)
	}
	return summary, errors.Join(errs...)
}

func (r *run) logSummary(s Summary) {
	fields := []zap.Field{
		zap.Int("fetched", s.Fetched),
		zap.Int("articles", s.Articles),
		zap.Int("listings", s.Listings),
		zap.Int("other", s.Other),
		zap.Int("articles_new", s.ArticlesNew),
		zap.Int("articles_updated", s.ArticlesUpdated),
		zap.Int("articles_unchanged", s.ArticlesUnchanged),
		zap.Int("not_modified", s.NotModified),
		zap.Int("duplicates", s.Duplicates),
		zap.Int("blocked", s.Blocked),
		zap.Int("canceled", s.Canceled),
		zap.Int("failed", s.Failed()),
		zap.Duration("duration", s.Duration),
		zap.Bool("interrupted", s.Interrupted),
		zap.String("stop_reason", s.EndReason()),
	}
	for _, kind := range s.ErrorKinds() {
		fields = append(fields, zap.Int("errors."+kind, s.Errors[kind]))
	}
	r.logger.Info("crawl finished", fields...)

	if skipped := s.TrapsSkipped(); skipped > 0 {
		trapFields := []zap.Field{zap.Int("links", skipped)}
		for _, reason := range []string{TrapURLTooLong, TrapTooManyQueryParams, TrapPathRepeats} {
			if s.SkippedTraps[reason] > 0 {
				trapFields = append(trapFields, zap.Int(reason, s.SkippedTraps[reason]))
			}
		}
		r.logger.Info("links skipped as crawler traps", trapFields...)
	}

	for _, f := range s.FallbackCounts() {
		r.logger.Warn("profile selector matched nothing",
			zap.String("profile", f.Profile),
			zap.String("field", f.Field),
			zap.Int("pages", f.Pages))
	}
}

// enqueue hands u to the collector of its scheme, once per URL. depth is 1
// for a seed; l carries a feed's hints for the URL. A page fetched by an
// earlier run is requested with its validators, and a known article that
// needs no new look is not requested at all.
func (r *run) enqueue(u *url.URL, depth int, l link) {
	if r.ctx.Err() != nil || r.bound.stopReason() != "" {
		return
	}

	if normalized, ok := normalizeLink(u, r.c.cfg); ok {
		u = normalized
	}
	key := u.String()
	if !r.claim(key, "") {
		return
	}

	req := queuedRequest{url: key, file: u.Scheme == "file", depth: depth, link: l}
	req.link.url = "" // the queue keeps key; the link's own spelling is not needed again
	if prev, known := r.memory.lookup(r.ctx, key); known {
		if r.memory.skip(prev, l, depth, time.Now()) {
			r.count(func(s *Summary) { s.ArticlesUnchanged++ })
			r.memory.seen(r.ctx, state.Page{URL: key, Kind: prev.Kind, LastSeen: time.Now()})
			r.logger.Debug("known article not requested", zap.String("url", key))
			return
		}
		req.prev = &prev
	}

	r.queue.push(req)
}

// claim records the URL key as queued, and reports whether it may be
// fetched. A link (origin "") may be fetched when its URL is new. A
// redirect target may be fetched also when the request for origin, the
// first URL of its chain, claimed it before, as a retried request does when
// it follows its redirects again. Links and redirect targets claim their
// URLs, so each is fetched once.
func (r *run) claim(key, origin string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()

	k := maphash.String(r.seed, key)
	if owner, ok := r.queued[k]; ok {
		return origin != "" && owner == maphash.String(r.seed, origin)
	}
	if origin == "" {
		origin = key
	}
	r.queued[k] = maphash.String(r.seed, origin)
	return true
}

// claimRedirect claims a redirect target under its normalized URL, so a
// redirect to another spelling of a URL already queued is not followed.
// The target is still fetched under the server's spelling when it is new.
func (r *run) claimRedirect(target, origin string) bool {
	if u, ok := parseLink(target); ok {
		if normalized, ok := normalizeLink(u, r.c.cfg); ok {
			target = normalized.String()
		}
	}
	return r.claim(target, origin)
}

// followSitemaps queues the sitemaps a robots.txt file lists, as seeds,
// when they are in the crawl's scope.
func (r *run) followSitemaps(robotsURL *url.URL, sitemaps []string) {
	for _, raw := range sitemaps {
		u, ok := parseLink(raw)
		if !ok || !r.scope.allowsLink(robotsURL, u) {
			r.logger.Debug("sitemap from robots.txt out of scope", zap.String("robots", robotsURL.String()), zap.String("sitemap", raw))
			continue
		}
		r.logger.Debug("sitemap from robots.txt", zap.String("robots", robotsURL.String()), zap.String("sitemap", u.String()))
		r.enqueue(u, 1, link{})
	}
}

// follow queues the links of the page at from that are in scope, within
// the depth limit and worth fetching, at most limit of them.
func (r *run) follow(from *url.URL, depth int, links []link, limit int) {
	if r.c.cfg.MaxDepth > 0 && depth+1 > r.c.cfg.MaxDepth {
		return
	}

	followed, dropped := 0, 0
	for _, l := range links {
		u, ok := parseLink(l.url)
		if ok {
			u, ok = normalizeLink(u, r.c.cfg)
		}
		if !ok || !r.scope.allowsLink(from, u) || !r.scope.worthFetching(u.String()) {
			continue
		}
		if reason := trapReason(u, r.c.cfg); reason != "" {
			r.count(func(s *Summary) { s.SkippedTraps[reason]++ })
			r.logger.Debug("link skipped as a crawler trap", zap.String("url", u.String()), zap.String("reason", reason))
			continue
		}
		if followed >= limit {
			dropped++
			continue
		}

		r.enqueue(u, depth+1, l)
		followed++
	}

	if dropped > 0 {
		r.count(func(s *Summary) { s.LinksDropped += dropped })
		r.logger.Warn("links dropped: page has more than the limit",
			zap.String("url", from.String()), zap.Int("links_dropped", dropped), zap.Int("limit", limit))
	}
}

// onError handles a failed request: it retries what the retry policy
// allows, counts URLs that robots.txt forbids as blocked, and counts the
// rest as failures.
func (r *run) onError(resp *colly.Response, err error) {
	resp.Ctx.Put(handledKey, true)
	if resp.StatusCode > 0 {
		r.countFetched()
	}

	switch {
	case resp.StatusCode == http.StatusNotModified:
		r.notModified(resp)
		return
	case errors.Is(err, errRedirectFetched):
		r.logger.Debug("redirect target already fetched", zap.String("url", resp.Request.URL.String()), zap.Error(err))
		return
	case errors.Is(err, ErrRobotsDisallowed):
		r.count(func(s *Summary) { s.Blocked++ })
		r.logger.Debug("url disallowed by robots.txt", zap.String("url", resp.Request.URL.String()))
		return
	}

	retried, retryErr := r.fetching.retries.retry(r.ctx, resp, err)
	if retried {
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
	resp.Ctx.Put(handledKey, true)
	r.countFetched()

	if err := checkBody(resp); err != nil {
		r.fail(newFetchError(resp.Request.URL.String(), resp.StatusCode, err))
		return
	}

	pg, err := r.policy.read(resp)
	if err != nil {
		r.fail(err)
		return
	}

	depth, _ := resp.Ctx.GetAny(depthKey).(int)
	pg.prev, pg.known = resp.Ctx.GetAny(prevKey).(state.Page)
	pg.link, _ = resp.Ctx.GetAny(linkKey).(link)
	pg.etag = resp.Headers.Get("ETag")
	pg.lastModified = resp.Headers.Get("Last-Modified")
	r.logger.Debug("page fetched",
		zap.String("url", pg.url.String()),
		zap.Int("status", resp.StatusCode),
		zap.Int("bytes", len(pg.body)),
		zap.Int("depth", depth))

	if pg.kind == kindFeed {
		r.count(func(s *Summary) { s.Listings++ })
		r.memory.seen(r.ctx, r.fetchedPage(pg, state.KindListing))
		r.follow(pg.url, depth, feedEntries(pg.body, pg.url), maxFeedLinks)
		return
	}
	r.onPage(pg, depth)
}

// onPage follows the links of an HTML page when its URL matches the follow
// patterns (or there are none), and writes its record when it is an
// article: when its URL matches an article pattern, or, without patterns,
// when the extractor classifies it as one.
func (r *run) onPage(pg *page, depth int) {
	followed := r.c.cfg.ShouldFollow(pg.url.String())
	if followed {
		r.follow(pg.url, depth, plainLinks(htmlLinks(decodeText(pg), pg.url)), r.c.cfg.MaxLinksPerPage)
	}
	otherKind := state.KindOther
	if followed {
		otherKind = state.KindListing
	}

	isArticle, decided := r.c.cfg.IsArticleURL(pg.url.String())
	if decided && !isArticle {
		isArticle, _ = r.c.cfg.IsArticleURL(pg.requested)
	}
	if decided && !isArticle {
		// A page read for its links is a listing; any other is other.
		r.count(func(s *Summary) {
			if followed {
				s.Listings++
			} else {
				s.Other++
			}
		})
		r.memory.seen(r.ctx, r.fetchedPage(pg, otherKind))
		return
	}

	record, err := r.policy.extract(pg)
	if err != nil {
		r.fail(err)
		return
	}

	switch {
	case decided && record.Body == "":
		r.countFallbacks(pg, record)
		r.fail(newFetchError(pg.url.String(), 0, ErrNoContent))
	case !decided && record.PageType == extract.PageListing:
		r.count(func(s *Summary) { s.Listings++ })
		r.memory.seen(r.ctx, r.fetchedPage(pg, state.KindListing))
	case !decided && record.Body == "":
		r.count(func(s *Summary) { s.Other++ })
		r.memory.seen(r.ctx, r.fetchedPage(pg, otherKind))
		r.logger.Debug("article page without body skipped", zap.String("url", pg.url.String()))
	default:
		r.countFallbacks(pg, record)
		applyNewsHint(record, pg.link.news, r.c.cfg.TimeZone)
		r.store(record, pg)
	}
}

// countFallbacks counts the fields of an article page whose profile
// selector matched nothing, under the profile's name. Listing pages and
// pages that are not articles are left out, because a profile's selectors
// are written for article pages.
func (r *run) countFallbacks(pg *page, record *extract.Record) {
	if len(record.Fallbacks) == 0 {
		return
	}

	name := ""
	if prof := r.policy.profile(pg); prof != nil {
		name = prof.Name
	}
	r.logger.Debug("profile selector fell back",
		zap.String("url", pg.url.String()),
		zap.String("profile", name),
		zap.Strings("fields", record.Fallbacks))

	r.count(func(s *Summary) {
		fields := s.ProfileFallbacks[name]
		if fields == nil {
			fields = make(map[string]int)
			s.ProfileFallbacks[name] = fields
		}
		for _, field := range record.Fallbacks {
			fields[field]++
		}
	})
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
//
// With a crawl state it also compares with earlier runs. An article known
// under any of those URLs with the same content hash is unchanged and not
// written again (with --full it is). One with another hash is written as an
// update, and the sinks replace their row. A body that an earlier run wrote
// under another URL is a duplicate.
func (r *run) store(record *extract.Record, pg *page) {
	keys := []string{record.URL, pg.requested}
	var urls []string // the normalised URLs the article is known by
	for _, raw := range []string{pg.requested, record.URL, record.CanonicalURL} {
		if u, ok := parseLink(raw); ok {
			keys = append(keys, u.String())
			if normalized, ok := normalizeLink(u, r.c.cfg); ok && !slices.Contains(urls, normalized.String()) {
				urls = append(urls, normalized.String())
				keys = append(keys, normalized.String())
			}
		}
	}
	if record.ContentHash != "" {
		keys = append(keys, record.ContentHash)
	}

	r.mu.Lock()
	for _, key := range keys {
		if _, ok := r.stored[maphash.String(r.seed, key)]; ok {
			r.summary.Duplicates++
			r.mu.Unlock()
			r.logger.Debug("duplicate article skipped", zap.String("url", record.URL), zap.String("duplicate_of", key))
			return
		}
	}
	for _, key := range keys {
		r.stored[maphash.String(r.seed, key)] = struct{}{}
	}
	r.mu.Unlock()

	now := time.Now()
	pages := make([]state.Page, 0, len(urls))
	for _, u := range urls {
		p := state.Page{URL: u, Kind: state.KindArticle, ContentHash: record.ContentHash, LastSeen: now, LastFetched: now}
		if u == pg.requested {
			p.ETag, p.LastModified = pg.etag, pg.lastModified
		}
		pages = append(pages, p)
	}

	switch r.compare(record, pg, urls) {
	case verdictUnchanged:
		r.count(func(s *Summary) { s.ArticlesUnchanged++ })
		if !r.c.opts.Full {
			r.memory.seen(r.ctx, pages...)
			r.logger.Debug("article unchanged since the last run", zap.String("url", record.URL))
			return
		}
	case verdictUpdated:
		r.count(func(s *Summary) { s.ArticlesUpdated++ })
	case verdictDuplicate:
		r.count(func(s *Summary) { s.Duplicates++ })
		r.logger.Debug("article written by an earlier run under another URL", zap.String("url", record.URL))
		return
	default:
		r.count(func(s *Summary) { s.ArticlesNew++ })
	}

	r.memory.hold(record, pages)
	r.logger.Debug("article extracted", zap.String("url", record.URL), zap.Int("body_chars", len([]rune(record.Body))))
	r.writer.records <- record
}

// Verdicts of compare.
const (
	verdictNew = iota
	verdictUnchanged
	verdictUpdated
	verdictDuplicate
)

// compare classifies record against the articles earlier runs wrote under
// its URLs or its content hash.
func (r *run) compare(record *extract.Record, pg *page, urls []string) int {
	if r.memory.store == nil {
		return verdictNew
	}

	var prevs []state.Page
	if pg.known {
		prevs = append(prevs, pg.prev)
	}
	for _, u := range urls {
		if u == pg.requested && pg.known {
			continue
		}
		if p, ok := r.memory.find(r.ctx, u); ok {
			prevs = append(prevs, p)
		}
	}

	updated := false
	for _, p := range prevs {
		if p.Kind != state.KindArticle {
			continue
		}
		if p.ContentHash == record.ContentHash {
			return verdictUnchanged
		}
		updated = true
	}
	if updated {
		return verdictUpdated
	}

	if p, ok := r.memory.articleByHash(r.ctx, record.ContentHash); ok && !slices.Contains(urls, p.URL) {
		return verdictDuplicate
	}
	return verdictNew
}

// notModified handles a 304 response to a conditional request: the page
// is unchanged since the last run, so it is not parsed.
func (r *run) notModified(resp *colly.Response) {
	prev, _ := resp.Ctx.GetAny(prevKey).(state.Page)
	requested, _ := resp.Ctx.GetAny(requestedKey).(string)

	r.count(func(s *Summary) {
		s.NotModified++
		if prev.Kind == state.KindArticle {
			s.ArticlesUnchanged++
		}
	})
	if requested != "" && prev.Kind != "" {
		r.memory.seen(r.ctx, state.Page{URL: requested, Kind: prev.Kind, LastSeen: time.Now()})
	}
	r.logger.Debug("page not modified", zap.String("url", resp.Request.URL.String()))
}

// fetchedPage is the state of a page fetched in full, of the given kind.
func (r *run) fetchedPage(pg *page, kind state.Kind) state.Page {
	now := time.Now()
	return state.Page{URL: pg.requested, Kind: kind, ETag: pg.etag, LastModified: pg.lastModified, LastSeen: now, LastFetched: now}
}

// applyNewsHint fills the record's empty title, publication time and
// language from a Google News sitemap entry.
func applyNewsHint(record *extract.Record, news *newsHint, loc *time.Location) {
	if news == nil {
		return
	}

	if record.Title == "" {
		record.Title = news.title
	}
	if record.Lang == "" {
		record.Lang = news.language
	}
	if record.Published == "" && news.published != "" {
		if v, ok := date.ParseMachine(news.published, loc); ok && !v.Time.After(record.FetchedAt.Add(time.Minute)) {
			record.Published = v.Format()
			record.PublishedRaw = news.published
			record.PublishedPrecision = v.Precision.String()
		}
	}
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

// countFetched counts a response and stops a crawl bounded by page count
// once it has enough.
func (r *run) countFetched() {
	r.mu.Lock()
	r.summary.Fetched++
	fetched := r.summary.Fetched
	r.mu.Unlock()

	r.bound.fetched(fetched)
}
