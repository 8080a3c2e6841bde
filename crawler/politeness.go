package crawler

import (
	"context"
	"strings"
	"sync"
	"time"
)

// maxHostDelay caps the per-host delay that 429 and 503 responses raise.
const maxHostDelay = time.Minute

// hostLimiter keeps the politeness rules for every host: at most
// parallelism requests at once, and request starts at least delay apart.
// Every wait ends early when the request's context is done, so a stopped
// crawl does not sit out the delays of its queued requests.
//
// It is safe for concurrent use.
type hostLimiter struct {
	parallelism int
	delay       time.Duration

	mu    sync.Mutex
	hosts map[string]*hostState
}

// hostState is the politeness state of one host.
type hostState struct {
	slots chan struct{} // one token per request in flight

	mu    sync.Mutex
	delay time.Duration // current spacing of request starts
	next  time.Time     // earliest start of the next request
}

func newHostLimiter(parallelism int, delay time.Duration) *hostLimiter {
	return &hostLimiter{
		parallelism: max(parallelism, 1),
		delay:       max(delay, 0),
		hosts:       make(map[string]*hostState),
	}
}

func (l *hostLimiter) host(name string) *hostState {
	name = strings.ToLower(name)

	l.mu.Lock()
	defer l.mu.Unlock()

	h, ok := l.hosts[name]
	if !ok {
		h = &hostState{slots: make(chan struct{}, l.parallelism), delay: l.delay}
		l.hosts[name] = h
	}
	return h
}

// acquire waits for a free slot of host and for its next start time. The
// caller must call the returned release once the response is read.
func (l *hostLimiter) acquire(ctx context.Context, host string) (release func(), err error) {
	h := l.host(host)

	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	release = func() { <-h.slots }
	if err := h.waitTurn(ctx); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// waitTurn sleeps until the host's next start time and books the one after.
func (h *hostState) waitTurn(ctx context.Context) error {
	for {
		h.mu.Lock()
		now := time.Now()
		wait := h.next.Sub(now)
		if wait <= 0 {
			h.next = now.Add(h.delay)
			h.mu.Unlock()
			return nil
		}
		h.mu.Unlock()

		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		}
	}
}

// backOff obeys a 429 or 503 response from host: no request starts before
// wait has passed, and the host's delay doubles (to at least one second,
// at most maxHostDelay). The delay never shrinks again during the crawl, so
// fast error responses cannot speed the crawler up.
func (l *hostLimiter) backOff(host string, wait time.Duration) {
	h := l.host(host)

	h.mu.Lock()
	defer h.mu.Unlock()

	if until := time.Now().Add(wait); until.After(h.next) {
		h.next = until
	}
	h.delay = min(max(2*h.delay, time.Second), maxHostDelay)
}
