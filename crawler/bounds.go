package crawler

import (
	"context"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
)

// Stop reasons of Summary.StopReason: the limit that ended a bounded crawl.
const (
	StopMaxPages    = "max_pages"
	StopMaxDuration = "max_duration"
)

// End reasons that Summary.EndReason returns beside the stop reasons.
const (
	EndCompleted   = "completed"   // no URL was left
	EndInterrupted = "interrupted" // the crawl's context was canceled
)

// errLimitReached fails the requests that had not started when a bounded
// crawl reached its limit. It wraps context.Canceled, so that those
// requests are counted as canceled, not as failures of the site.
var errLimitReached = fmt.Errorf("crawl limit reached: %w", context.Canceled)

// bound ends a crawl gently once it has fetched Options.MaxPages pages or
// run for Options.MaxDuration: no new request starts, and the requests in
// flight finish and are written.
type bound struct {
	maxPages int
	logger   *zap.Logger

	// stopped is canceled when the crawl stops, so that requests waiting
	// for their host's turn give up at once.
	stopped context.Context
	cancel  context.CancelFunc

	mu     sync.Mutex
	reason string // the first limit reached; "" while none is
	timer  *time.Timer
}

func newBound(opts Options) *bound {
	b := &bound{maxPages: opts.MaxPages, logger: opts.Logger}
	b.stopped, b.cancel = context.WithCancel(context.Background())
	if opts.MaxDuration > 0 {
		b.timer = time.AfterFunc(opts.MaxDuration, func() { b.stop(StopMaxDuration) })
	}
	return b
}

// stop records reason as the cause of the stop, unless the crawl stopped
// already.
func (b *bound) stop(reason string) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.reason != "" {
		return
	}
	b.reason = reason
	b.cancel()
	b.logger.Info("crawl limit reached: no new requests start, the requests in flight finish", zap.String("reason", reason))
}

// fetched checks the page count after a response. fetched is the number
// of pages received so far.
func (b *bound) fetched(fetched int) {
	if b.maxPages > 0 && fetched >= b.maxPages {
		b.stop(StopMaxPages)
	}
}

// stopReason returns the limit that stopped the crawl, or "".
func (b *bound) stopReason() string {
	b.mu.Lock()
	defer b.mu.Unlock()

	return b.reason
}

// close stops the timer.
func (b *bound) close() {
	if b.timer != nil {
		b.timer.Stop()
	}
	b.cancel()
}
