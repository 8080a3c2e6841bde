package crawler

import (
	"context"
	"net/http"
	"slices"

	"github.com/gocolly/colly/v2"
	"github.com/gocolly/colly/v2/debug"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// collectorSettings are the settings of a collector built by newCollector.
type collectorSettings struct {
	ctx       context.Context // cancels every request in flight
	async     bool
	userAgent string
	bodyLimit int // colly's MaxBodySize; 0 for none
	transport http.RoundTripper
	redirect  func(req *http.Request, via []*http.Request) error
	logger    *zap.Logger
}

// newCollector builds a colly collector from s. The fields are set after
// colly.NewCollector has read its COLLY_* environment variables, so those
// variables cannot change the configured behaviour (robots.txt, body limit,
// user agent). Scope, depth, robots.txt and revisits are left to the
// crawler: the collector allows every domain, any depth and any URL again,
// and the transport checks robots.txt, redirect targets included.
func newCollector(s collectorSettings) *colly.Collector {
	c := colly.NewCollector()

	c.Context = s.ctx
	c.Async = s.async
	c.UserAgent = s.userAgent
	c.IgnoreRobotsTxt = true
	c.MaxBodySize = s.bodyLimit
	c.MaxDepth = 0
	c.MaxRequests = 0
	c.AllowedDomains = nil
	c.DisallowedDomains = nil
	c.URLFilters = nil
	c.DisallowedURLFilters = nil
	c.AllowURLRevisit = true
	c.ParseHTTPErrorResponse = false
	c.DetectCharset = false
	c.CacheDir = ""
	c.CheckHead = false

	c.WithTransport(s.transport)
	c.SetRequestTimeout(0) // the transport bounds each attempt
	c.SetRedirectHandler(s.redirect)
	if s.logger.Core().Enabled(zapcore.DebugLevel) {
		c.SetDebugger(&zapDebugger{logger: s.logger})
	}

	return c
}

// zapDebugger passes colly's debug events to a zap logger at Debug level.
type zapDebugger struct {
	logger *zap.Logger
}

var _ debug.Debugger = (*zapDebugger)(nil)

// Init does nothing; the logger is ready.
func (d *zapDebugger) Init() error { return nil }

// Event logs one colly event with its values as fields.
func (d *zapDebugger) Event(e *debug.Event) {
	entry := d.logger.Check(zapcore.DebugLevel, "colly event")
	if entry == nil {
		return
	}

	fields := []zap.Field{
		zap.String("event", e.Type),
		zap.Uint32("collector_id", e.CollectorID),
		zap.Uint32("request_id", e.RequestID),
	}
	keys := make([]string, 0, len(e.Values))
	for key := range e.Values {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	for _, key := range keys {
		fields = append(fields, zap.String(key, e.Values[key]))
	}

	entry.Write(fields...)
}
