package crawler

import (
	"context"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/crawler/state"
	"github.com/gleanerhq/gleaner/extract"
)

// stateFlushSize is the number of seen pages buffered before they are
// written to the crawl state in one transaction.
const stateFlushSize = 500

// memory connects one run to the crawl state. It looks up the pages of
// earlier runs, decides which known articles need no request, and saves
// the pages of this run. Articles are saved only after the sinks accepted their
// records, so a run killed in between fetches them again next time. With
// no store every method is a no-op and every page is new.
type memory struct {
	store   state.Store // nil: no state
	full    bool        // ignore the state for skips and conditional requests
	recheck time.Duration
	logger  *zap.Logger

	mu      sync.Mutex
	seenBuf []state.Page
	pending map[*extract.Record][]state.Page
	// listings holds the validators of the listing pages and feeds read in
	// full. They are saved only by a run that followed every link and had
	// no failure (see finish): a later 304 skips the page's links, so a
	// partial run that saved them would lose the links it did not reach.
	listings []state.Page
	failed   bool // a state error was logged; later ones are not
}

func newMemory(store state.Store, full bool, recheck time.Duration, logger *zap.Logger) *memory {
	return &memory{
		store:   store,
		full:    full,
		recheck: recheck,
		logger:  logger,
		pending: make(map[*extract.Record][]state.Page),
	}
}

// lookup returns the stored state of the normalised URL key. With --full,
// or without a store, it finds none.
func (m *memory) lookup(ctx context.Context, key string) (state.Page, bool) {
	if m.full {
		return state.Page{}, false
	}
	return m.find(ctx, key)
}

// find returns the stored state of the normalised URL key, also with
// --full, so the crawl still counts new and updated articles apart.
func (m *memory) find(ctx context.Context, key string) (state.Page, bool) {
	if m.store == nil {
		return state.Page{}, false
	}

	p, ok, err := m.store.Page(ctx, key)
	if err != nil {
		m.warn("crawl state read failed; the page is fetched as new", err, zap.String("url", key))
		return state.Page{}, false
	}
	return p, ok
}

// skip reports whether a known page needs no request at all. That is an
// article an earlier run wrote, found again by a link (seeds are always
// requested). No feed may date it after its last fetch, and it must be
// older than recheck_within.
func (m *memory) skip(prev state.Page, l link, depth int, now time.Time) bool {
	if prev.Kind != state.KindArticle || depth <= 1 {
		return false
	}
	if !l.modified.IsZero() && l.modified.After(prev.LastFetched) {
		return false
	}
	if m.recheck > 0 && now.Sub(prev.FirstSeen) < m.recheck {
		return false
	}
	return true
}

// conditionalHeader returns the If-None-Match and If-Modified-Since
// headers for a page fetched before, or nil when it has no validators.
func conditionalHeader(prev state.Page) http.Header {
	if prev.ETag == "" && prev.LastModified == "" {
		return nil
	}

	h := http.Header{}
	if prev.ETag != "" {
		h.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		h.Set("If-Modified-Since", prev.LastModified)
	}
	return h
}

// articleByHash returns a known article with the content hash, or false.
func (m *memory) articleByHash(ctx context.Context, hash string) (state.Page, bool) {
	if m.store == nil || hash == "" {
		return state.Page{}, false
	}

	p, ok, err := m.store.ArticleByHash(ctx, hash)
	if err != nil {
		m.warn("crawl state read failed", err, zap.String("content_hash", hash))
		return state.Page{}, false
	}
	return p, ok
}

// seen buffers pages to save; they are written in batches. The
// validators of listing pages wait for finish.
func (m *memory) seen(ctx context.Context, pages ...state.Page) {
	if m.store == nil {
		return
	}

	m.mu.Lock()
	for _, p := range pages {
		if p.Kind == state.KindListing && (p.ETag != "" || p.LastModified != "") {
			m.listings = append(m.listings, p)
			p.ETag, p.LastModified, p.LastFetched = "", "", time.Time{}
		}
		m.seenBuf = append(m.seenBuf, p)
	}
	var batch []state.Page
	if len(m.seenBuf) >= stateFlushSize {
		batch, m.seenBuf = m.seenBuf, nil
	}
	m.mu.Unlock()

	m.put(ctx, batch)
}

// hold keeps an article's pages until its record is written.
func (m *memory) hold(record *extract.Record, pages []state.Page) {
	if m.store == nil {
		return
	}

	m.mu.Lock()
	m.pending[record] = pages
	m.mu.Unlock()
}

// written saves the pages of records the sinks accepted. The batch writer
// calls it after each successful write.
func (m *memory) written(ctx context.Context, batch []*extract.Record) {
	if m.store == nil {
		return
	}

	var pages []state.Page
	m.mu.Lock()
	for _, record := range batch {
		pages = append(pages, m.pending[record]...)
		delete(m.pending, record)
	}
	m.mu.Unlock()

	m.put(ctx, pages)
}

// finish writes the buffered pages, and the listing pages' validators
// when complete is true: the run followed every link it found and no page
// failed. Otherwise the next run requests those listings in full again,
// follows their links and fetches what this run missed. Pages of records
// never written (lost in a failed sink write) are dropped, so the next run
// fetches them again.
func (m *memory) finish(ctx context.Context, complete bool) {
	if m.store == nil {
		return
	}

	m.mu.Lock()
	batch := m.seenBuf
	if complete {
		batch = append(batch, m.listings...)
	}
	m.seenBuf, m.listings = nil, nil
	m.mu.Unlock()

	m.put(ctx, batch)
}

func (m *memory) put(ctx context.Context, pages []state.Page) {
	if len(pages) == 0 {
		return
	}
	if err := m.store.PutPages(context.WithoutCancel(ctx), pages...); err != nil {
		m.warn("crawl state write failed; the next run fetches these pages again", err, zap.Int("pages", len(pages)))
	}
}

// delayTTL is how long a delay learned for a host is trusted by later
// runs, as long as a robots.txt file is.
const delayTTL = robotsTTL

// restoreDelays starts the hosts of limiter at the delays that runs of the
// last delayTTL learned, so a host that was slow or failing is not hit at
// full speed again.
func (m *memory) restoreDelays(ctx context.Context, limiter *hostLimiter, now time.Time) {
	if m.store == nil {
		return
	}

	delays, err := m.store.HostDelays(ctx, now.Add(-delayTTL))
	if err != nil {
		m.warn("crawl state read failed; hosts start at the configured delay", err)
		return
	}
	for _, d := range delays {
		limiter.learn(d.Host, d.Delay)
	}
}

// saveDelays stores the delay of every host limiter has seen.
func (m *memory) saveDelays(ctx context.Context, limiter *hostLimiter, now time.Time) {
	if m.store == nil {
		return
	}

	var delays []state.HostDelay
	for host, d := range limiter.learned() {
		delays = append(delays, state.HostDelay{Host: host, Delay: d, Updated: now})
	}
	if err := m.store.PutHostDelays(context.WithoutCancel(ctx), delays); err != nil {
		m.warn("crawl state write failed; the next run starts hosts at the configured delay", err)
	}
}

// warn logs the first state error of the run at Warn level and the rest at
// Debug, so a broken state file does not flood the log.
func (m *memory) warn(msg string, err error, fields ...zap.Field) {
	m.mu.Lock()
	first := !m.failed
	m.failed = true
	m.mu.Unlock()

	fields = append(fields, zap.Error(err))
	if first {
		m.logger.Warn(msg, fields...)
		return
	}
	m.logger.Debug(msg, fields...)
}
