package crawler

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
)

// hostLimits are the per-host politeness rules of a crawl.
type hostLimits struct {
	// rule holds, in colly's terms, what every host gets: Parallelism
	// requests at once, and request starts Delay plus a random part of
	// RandomDelay apart. Its domain patterns are unused: the rule applies to
	// each host on its own.
	//
	// colly's own limiter (v2.3.0) is not used because it shares one set of
	// slots among all the hosts a rule matches, sleeps without watching the
	// crawl's context, and cannot change a delay during a crawl.
	rule colly.LimitRule

	// maxDelay caps the delay that slow responses, errors, 429 and 503
	// responses and Crawl-delay raise. It never lowers rule.Delay.
	maxDelay time.Duration

	// errorStep is the least delay after a server error or timeout, and
	// the least raise of the floor after a 429 or 503.
	errorStep time.Duration
}

// hostLimiter keeps the politeness rules for every host: at most
// Parallelism requests at once, and request starts a delay apart. The delay
// adapts. It starts at the configured floor, grows when responses slow down
// or fail, and relaxes back toward the floor when they recover, but never
// below it. A 429 or 503 response and a robots.txt Crawl-delay raise the
// floor itself for the rest of the crawl, so fast error responses cannot
// speed the crawler up.
//
// Every wait ends early when the request's context is done, so a stopped
// crawl does not sit out the delays of its queued requests.
//
// It is safe for concurrent use.
type hostLimiter struct {
	limits hostLimits
	clock  clock
	random func() float64

	mu    sync.Mutex
	hosts map[string]*hostState
}

// hostState is the politeness state of one host.
type hostState struct {
	slots chan struct{} // one token per request in flight

	mu      sync.Mutex
	floor   time.Duration // minimum delay; it only grows
	delay   time.Duration // current spacing of request starts, at least floor
	latency time.Duration // moving average of the time to response headers
	next    time.Time     // earliest start of the next request

	closedUntil time.Time // requests fail with closedErr until then
	closedErr   error
}

func newHostLimiter(limits hostLimits, clk clock, random func() float64) *hostLimiter {
	limits.rule.Parallelism = max(limits.rule.Parallelism, 1)
	limits.rule.Delay = max(limits.rule.Delay, 0)
	limits.rule.RandomDelay = max(limits.rule.RandomDelay, 0)
	limits.maxDelay = max(limits.maxDelay, limits.rule.Delay)

	return &hostLimiter{
		limits: limits,
		clock:  clk,
		random: random,
		hosts:  make(map[string]*hostState),
	}
}

func (l *hostLimiter) host(name string) *hostState {
	name = strings.ToLower(name)

	l.mu.Lock()
	defer l.mu.Unlock()

	h, ok := l.hosts[name]
	if !ok {
		h = &hostState{
			slots: make(chan struct{}, l.limits.rule.Parallelism),
			floor: l.limits.rule.Delay,
			delay: l.limits.rule.Delay,
		}
		l.hosts[name] = h
	}
	return h
}

// acquire waits for a free slot of host and for its next start time. The
// caller must call the returned release once the response is read. It
// fails at once while the host is closed (see close).
func (l *hostLimiter) acquire(ctx context.Context, host string) (release func(), err error) {
	h := l.host(host)
	if err := h.closed(l.clock.Now()); err != nil {
		return nil, err
	}

	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}

	release = func() { <-h.slots }
	if err := l.waitTurn(ctx, h); err != nil {
		release()
		return nil, err
	}
	return release, nil
}

// closed returns the reason the host is closed at now, or nil.
func (h *hostState) closed(now time.Time) error {
	h.mu.Lock()
	defer h.mu.Unlock()

	if now.Before(h.closedUntil) {
		return h.closedErr
	}
	return nil
}

// waitTurn sleeps until the host's next start time and books the one after:
// the current delay plus a random part of the jitter later.
func (l *hostLimiter) waitTurn(ctx context.Context, h *hostState) error {
	for {
		h.mu.Lock()
		now := l.clock.Now()
		if now.Before(h.closedUntil) {
			err := h.closedErr
			h.mu.Unlock()
			return err
		}

		wait := h.next.Sub(now)
		if wait <= 0 {
			jitter := time.Duration(l.random() * float64(l.limits.rule.RandomDelay))
			h.next = now.Add(h.delay + jitter)
			h.mu.Unlock()
			return nil
		}
		h.mu.Unlock()

		if err := l.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// observe adapts the delay of host to the time a successful response took
// to arrive. The delay moves halfway toward the average response time, so
// that about one request is in flight while the host is slow, and stays
// between the floor and maxDelay.
func (l *hostLimiter) observe(host string, latency time.Duration) {
	h := l.host(host)

	h.mu.Lock()
	defer h.mu.Unlock()

	if h.latency == 0 {
		h.latency = latency
	} else {
		h.latency = (3*h.latency + latency) / 4
	}
	h.delay = l.clamp((h.delay+h.latency)/2, h.floor)
}

// failed doubles the delay of host, to at least errorStep, after a server
// error, a timeout or a dropped connection.
func (l *hostLimiter) failed(host string) {
	h := l.host(host)

	h.mu.Lock()
	defer h.mu.Unlock()

	h.delay = l.clamp(max(2*h.delay, l.limits.errorStep), h.floor)
}

// backOff obeys a 429 or 503 response from host: no request starts before
// wait has passed, and the floor of the host's delay doubles, to at least
// errorStep. The floor never shrinks again during the crawl.
func (l *hostLimiter) backOff(host string, wait time.Duration) {
	h := l.host(host)

	h.mu.Lock()
	defer h.mu.Unlock()

	if until := l.clock.Now().Add(wait); until.After(h.next) {
		h.next = until
	}
	h.floor = min(max(2*h.floor, l.limits.errorStep), l.limits.maxDelay)
	h.delay = max(h.delay, h.floor)
}

// setCrawlDelay raises the floor of host's delay to the Crawl-delay of its
// robots.txt, up to maxDelay. It returns the floor now in force.
func (l *hostLimiter) setCrawlDelay(host string, delay time.Duration) time.Duration {
	h := l.host(host)

	h.mu.Lock()
	defer h.mu.Unlock()

	h.floor = max(h.floor, min(delay, l.limits.maxDelay))
	h.delay = max(h.delay, h.floor)
	return h.floor
}

// learn starts host at a delay an earlier run learned, kept between the
// host's floor and maxDelay.
func (l *hostLimiter) learn(host string, delay time.Duration) {
	h := l.host(host)

	h.mu.Lock()
	defer h.mu.Unlock()

	h.delay = l.clamp(max(h.delay, delay), h.floor)
}

// learned returns the current delay of every host the limiter has seen.
func (l *hostLimiter) learned() map[string]time.Duration {
	l.mu.Lock()
	hosts := make(map[string]*hostState, len(l.hosts))
	for name, h := range l.hosts {
		hosts[name] = h
	}
	l.mu.Unlock()

	out := make(map[string]time.Duration, len(hosts))
	for name, h := range hosts {
		h.mu.Lock()
		out[name] = h.delay
		h.mu.Unlock()
	}
	return out
}

// close makes every request to host fail with err until until, without
// being sent. It serves hosts that asked for a longer wait than the crawl
// accepts.
func (l *hostLimiter) close(host string, until time.Time, err error) {
	h := l.host(host)

	h.mu.Lock()
	defer h.mu.Unlock()

	if until.After(h.closedUntil) {
		h.closedUntil, h.closedErr = until, err
	}
}

// delays returns the floor and the current delay of host.
func (l *hostLimiter) delays(host string) (floor, delay time.Duration) {
	h := l.host(host)

	h.mu.Lock()
	defer h.mu.Unlock()
	return h.floor, h.delay
}

// clamp keeps d between floor and maxDelay.
func (l *hostLimiter) clamp(d, floor time.Duration) time.Duration {
	return min(max(d, floor), max(l.limits.maxDelay, floor))
}
