// Package crawler runs the crawl a configuration describes. Colly
// collectors visit the seeds and follow links within the allowed domains,
// or within the seeds' folders for file seeds. Each article page goes to
// the extractor once, and the records go to a sink in batches. It also offers
// Fetcher, which fetches and extracts single pages with the same HTTP
// settings.
//
// What the crawler owns: the politeness rules (robots.txt, per-host
// parallelism and adaptive delay, retries that obey Retry-After), the limits
// on what a server controls (timeouts, body and header size, redirects,
// links per page), the guard that keeps links and redirects out of private
// networks, decoding compressed bodies, link discovery (HTML links with <base href>,
// sitemaps and feeds), the decision which pages are articles, the choice of
// each web page's site profile by its host, de-duplication by final URL,
// canonical URL and body hash, and the error and profile fallback counts of
// the summary.
//
// What it leaves to others: parsing the configuration (package config),
// turning a page into a record (package extract) and storing records
// (package crawler/sink).
//
// Local pages are read through file URLs. A file page may only lead to
// other files inside the folder of a file seed, and web pages never lead to
// files, so a crawl cannot read files elsewhere on the disk.
package crawler

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler/sink"
	"github.com/gleanerhq/gleaner/crawler/state"
)

// Defaults of Options.
const (
	DefaultBatchSize     = 50
	DefaultFlushInterval = 2 * time.Second
)

// Options tune a Crawler or a Fetcher beyond the configuration. The zero
// value is ready to use.
type Options struct {
	// Logger receives the crawl's logs; nil means no logging.
	Logger *zap.Logger

	// BatchSize is the number of records per sink write; 0 means
	// DefaultBatchSize.
	BatchSize int

	// FlushInterval is the longest a record waits in a partial batch
	// before it is written; 0 means DefaultFlushInterval.
	FlushInterval time.Duration

	// MaxRetryWait, when more than 0, replaces the configuration's
	// max_retry_wait: the maximum wait obeyed before a retry.
	MaxRetryWait time.Duration

	// MaxAttempts, when more than 0, replaces the configuration's
	// max_retries: it is the number of tries of a URL, the first included.
	MaxAttempts int

	// MaxPages, when more than 0, stops a crawl once it has received this
	// many responses: no new request starts, and the requests in flight
	// (at most parallelism per host) finish and are written.
	MaxPages int

	// MaxDuration, when more than 0, stops a crawl the same way once it
	// has run this long.
	MaxDuration time.Duration

	// Full makes the crawl ignore its crawl state: every page is requested
	// without validators and every article is written, as on a first run.
	// The state is still updated.
	Full bool

	// env replaces the clock, resolver and dialer in tests; nil means the
	// real ones.
	env *environment
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = DefaultFlushInterval
	}
	return o
}

// Summary counts what a crawl did.
type Summary struct {
	// Fetched counts the responses received, whatever their status.
	Fetched int

	// Articles counts the records the sink accepted: stored, or spooled
	// for a sink that was down (see Sinks).
	Articles int

	// Listings counts the listing pages, sitemaps and feeds that were read
	// for their links only: with article patterns, the pages that match
	// none but are followed; without, the pages the extractor takes for
	// listings.
	Listings int

	// Other counts the HTML pages that gave neither a record nor a listing:
	// pages that match no article pattern and are not followed, and pages
	// the extractor took for articles but found no body in.
	Other int

	// ArticlesNew, ArticlesUpdated and ArticlesUnchanged split the articles
	// by their crawl state. New ones were never written before. Updated ones
	// were written with another content hash and are written again.
	// Unchanged ones are not written again, because they were skipped
	// without a request, not modified (304), or fetched with the same
	// content hash. With Options.Full they are written again. Without a
	// crawl state every article is new.
	ArticlesNew       int
	ArticlesUpdated   int
	ArticlesUnchanged int

	// Full is true when the run ignored the crawl state (Options.Full), so
	// its unchanged articles were written again.
	Full bool

	// NotModified counts the 304 Not Modified responses to conditional
	// requests. Such pages are not parsed, and their links not followed.
	NotModified int

	// Duplicates counts the articles not written again because a record
	// with the same final, requested or canonical URL, or the same body,
	// was already written.
	Duplicates int

	// Blocked counts the URLs not fetched because robots.txt disallows them.
	Blocked int

	// LinksDropped counts the links not queued because their page had more
	// than max_links_per_page of them (50,000 for a sitemap or feed).
	LinksDropped int

	// SkippedTraps counts the links not queued because they look like
	// crawler traps, by reason: TrapURLTooLong (longer than
	// max_url_length), TrapTooManyQueryParams (more than max_query_params)
	// and TrapPathRepeats (a path segment occurring more than
	// max_path_repeats times). Seeds are never skipped.
	SkippedTraps map[string]int

	// Errors counts the failed URLs by kind, such as "http_404",
	// "timeout", "not_html", "body_too_large" or "extract", and records
	// lost in a failed sink write as "sink".
	Errors map[string]int

	// Canceled counts the requests that an interrupt canceled before they
	// finished, and the requests that a crawl stopped at MaxPages or
	// MaxDuration did not start. They are not failures of the site and not
	// in Errors.
	Canceled int

	// Duration is the wall time of the crawl.
	Duration time.Duration

	// Interrupted is true when the crawl stopped because its context was
	// canceled.
	Interrupted bool

	// StopReason names the limit that ended the crawl early: StopMaxPages
	// or StopMaxDuration. Empty when the crawl ran out of URLs or was
	// interrupted.
	StopReason string

	// Sinks counts, per configured sink, the records written, retried,
	// spooled and replayed, when the sink reports them (sink.Delivery
	// does). Empty otherwise.
	Sinks []sink.Stats

	// ProfileFallbacks counts, by profile name and then by field ("title",
	// "published", "body", "authors", "recommended"), the article pages on
	// which the profile's selector for the field matched nothing, so the
	// generic extractor filled it. Duplicates and article pages without a
	// body count too. A site that changed its layout shows up here.
	ProfileFallbacks map[string]map[string]int
}

// FallbackCount is one entry of Summary.ProfileFallbacks.
type FallbackCount struct {
	Profile string
	Field   string
	Pages   int
}

// FallbackCounts returns the entries of ProfileFallbacks sorted by profile
// and field.
func (s Summary) FallbackCounts() []FallbackCount {
	var counts []FallbackCount
	for _, profile := range slices.Sorted(maps.Keys(s.ProfileFallbacks)) {
		fields := s.ProfileFallbacks[profile]
		for _, field := range slices.Sorted(maps.Keys(fields)) {
			counts = append(counts, FallbackCount{Profile: profile, Field: field, Pages: fields[field]})
		}
	}
	return counts
}

// Failed returns the number of failed URLs and lost records.
func (s Summary) Failed() int {
	total := 0
	for _, n := range s.Errors {
		total += n
	}
	return total
}

// TrapsSkipped returns the number of links skipped as crawler traps, for
// every reason.
func (s Summary) TrapsSkipped() int {
	total := 0
	for _, n := range s.SkippedTraps {
		total += n
	}
	return total
}

// EndReason names why the crawl ended: EndInterrupted, the StopReason of
// a bounded crawl, or EndCompleted.
func (s Summary) EndReason() string {
	switch {
	case s.Interrupted:
		return EndInterrupted
	case s.StopReason != "":
		return s.StopReason
	default:
		return EndCompleted
	}
}

// ErrorKinds returns the kinds of Errors in sorted order.
func (s Summary) ErrorKinds() []string {
	return slices.Sorted(maps.Keys(s.Errors))
}

// Crawler runs one crawl. Build it with New and call Run once.
type Crawler struct {
	cfg   *config.Config
	sink  sink.Sink
	opts  Options
	files *fileTransport
	seeds []*url.URL
	ran   atomic.Bool
	live  atomic.Pointer[run] // the running crawl, for Progress
}

// New checks cfg and returns a Crawler that writes its records to s. s must
// not be open yet: Run opens it and closes it before returning.
func New(cfg *config.Config, s sink.Sink, opts Options) (*Crawler, error) {
	if cfg == nil {
		return nil, errors.New("new crawler: nil configuration")
	}
	if s == nil {
		return nil, errors.New("new crawler: nil sink")
	}
	if len(cfg.Seeds) == 0 {
		return nil, errors.New("new crawler: the configuration has no seeds")
	}

	seeds := make([]*url.URL, 0, len(cfg.Seeds))
	for _, raw := range cfg.Seeds {
		u, ok := parseLink(raw)
		if !ok {
			return nil, fmt.Errorf("new crawler: invalid seed %q: use an http, https or file URL", raw)
		}
		seeds = append(seeds, u)
	}

	files, err := newFileTransport(cfg.Seeds)
	if err != nil {
		return nil, fmt.Errorf("new crawler: %w", err)
	}

	return &Crawler{cfg: cfg, sink: s, opts: opts.withDefaults(), files: files, seeds: seeds}, nil
}

// openState opens the crawl state the configuration names, or returns nil
// when it names none.
func openState(ctx context.Context, cfg *config.Config) (state.Store, error) {
	if cfg.StateFile == "" {
		return nil, nil
	}

	store, err := state.OpenSQLite(ctx, cfg.StateFile)
	if err != nil {
		return nil, fmt.Errorf("open state_file: %w (move the file away to start from an empty state, or set another state_file)", err)
	}
	return store, nil
}

// closeState closes store when there is one.
func closeState(store state.Store) error {
	if store == nil {
		return nil
	}
	return store.Close()
}

// Progress returns the counts of the crawl so far: Fetched, Articles,
// Listings, Other, Duplicates, Blocked, Errors and the rest, and the time
// since the crawl began in Duration. Sinks, Interrupted and StopReason are
// set only in the summary Run returns. It is safe to call from any
// goroutine, before (all zero), during and after Run.
func (c *Crawler) Progress() Summary {
	r := c.live.Load()
	if r == nil {
		return Summary{}
	}

	r.mu.Lock()
	s := r.summary
	s.Errors = maps.Clone(r.summary.Errors)
	s.SkippedTraps = maps.Clone(r.summary.SkippedTraps)
	s.ProfileFallbacks = make(map[string]map[string]int, len(r.summary.ProfileFallbacks))
	for name, fields := range r.summary.ProfileFallbacks {
		s.ProfileFallbacks[name] = maps.Clone(fields)
	}
	r.mu.Unlock()

	s.Articles = int(r.writer.written.Load())
	s.Duration = time.Since(r.began)
	return s
}

// Run crawls until no URL is left or ctx is canceled, and returns what it
// did. It opens the sink first and closes it last, after every record
// extracted so far has been written, also when ctx is canceled.
//
// On cancellation Run queues no new request, cancels the requests in
// flight, writes the records it holds, closes the sink and returns the
// summary with Interrupted set and an error wrapping ctx.Err(). A failed
// sink write stops the crawl the same way and is returned. Failures of
// single pages are not errors of Run: they are counted in Summary.Errors.
//
// Run may be called only once.
func (c *Crawler) Run(ctx context.Context) (Summary, error) {
	if !c.ran.CompareAndSwap(false, true) {
		return Summary{}, errors.New("crawl: Run was already called")
	}

	store, err := openState(ctx, c.cfg)
	if err != nil {
		return Summary{}, err
	}

	if err := c.sink.Open(ctx); err != nil {
		return Summary{}, errors.Join(fmt.Errorf("open sink: %w", err), closeState(store))
	}

	r := newRun(ctx, c, store)
	c.live.Store(r)
	r.start()
	r.wait()
	return r.finish(ctx)
}
