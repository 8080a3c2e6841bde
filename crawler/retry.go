package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"time"

	"github.com/gocolly/colly/v2"
	"go.uber.org/zap"
)

// retriesKey is the colly.Context key of the number of retries made for a
// request (int).
const retriesKey = "gleaner.retries"

// retryPolicy decides whether a failed request is sent again, and when.
//
//   - 429 and 503 responses wait for their Retry-After, in seconds or as an
//     HTTP date, or for the backoff when they name none. The wait applies to
//     the whole host, whose delay floor also rises.
//   - Other 5xx responses (but 501, 505 and 511, which a retry cannot
//     change), 408, timeouts, reset or refused connections and bodies cut
//     short wait for the backoff, for this URL only.
//   - The backoff starts at backoff and doubles with each retry, with random
//     jitter of up to half of it.
//   - A URL is retried at most maxRetries times. A wait longer than maxWait
//     gives up on the URL at once. When a server requests that long a wait
//     for a whole host, the host is closed, so that its other URLs fail without
//     being sent, while other hosts go on.
type retryPolicy struct {
	maxRetries int
	backoff    time.Duration
	maxWait    time.Duration
	limiter    *hostLimiter
	clock      clock
	random     func() float64
	logger     *zap.Logger
}

// retry handles the failure err of the request of r. It returns true when
// it has sent the request again, after the wait. It returns false when the
// failure is final, with an error that replaces err when the retry policy
// itself is the reason (ErrRetryAfterTooLong, or the retries used up).
func (p *retryPolicy) retry(ctx context.Context, r *colly.Response, err error) (bool, error) {
	if ctx.Err() != nil || !retryable(r.StatusCode, err) {
		return false, nil
	}

	hostWide := r.StatusCode == http.StatusTooManyRequests || r.StatusCode == http.StatusServiceUnavailable
	retries, _ := r.Ctx.GetAny(retriesKey).(int)

	wait := min(p.backoffFor(retries+1), p.maxWait)
	if r.Headers != nil {
		if after, ok := retryAfter(*r.Headers, p.clock.Now()); ok {
			wait = after
		}
	}

	if wait > p.maxWait {
		return false, tooLongError(wait, p.maxWait)
	}
	if retries >= p.maxRetries {
		if retries == 0 {
			return false, nil
		}
		return false, fmt.Errorf("gave up after %d attempts: %w", retries+1, failureReason(r, err))
	}

	p.logger.Warn("request failed, retrying",
		zap.String("url", r.Request.URL.String()),
		zap.Int("status", r.StatusCode),
		zap.Int("attempt", retries+1),
		zap.Duration("wait", wait),
		zap.Bool("host_wide", hostWide),
		zap.Error(err))

	// The transport has made the whole host wait after a 429 or 503
	// (hostBusy); other failures wait here, for this URL only.
	if !hostWide {
		if err := p.clock.Sleep(ctx, wait); err != nil {
			return false, nil
		}
	}

	// Every collector runs synchronously: Retry makes the next attempt,
	// whose own callbacks count its outcome, and returns that outcome's
	// error. The attempt is handled either way.
	r.Ctx.Put(retriesKey, retries+1)
	_ = r.Request.Retry()
	return true, nil
}

// hostBusy applies a 429 or 503 response from host to the whole host: no
// request starts before its Retry-After (or the first backoff when it names
// none) has passed, and the host's delay floor rises. A Retry-After longer
// than maxWait closes the host for that long instead, so that its other
// URLs fail at once.
func (p *retryPolicy) hostBusy(host string, header http.Header) {
	wait, ok := retryAfter(header, p.clock.Now())
	if !ok {
		wait = min(p.backoffFor(1), p.maxWait)
	}

	if wait > p.maxWait {
		until := p.clock.Now().Add(wait)
		p.limiter.close(host, until, fmt.Errorf("host %s: %w", host, tooLongError(wait, p.maxWait)))
		p.logger.Warn("host closed: Retry-After exceeds max_retry_wait",
			zap.String("host", host), zap.Duration("wait", wait), zap.Time("until", until))
		return
	}
	p.limiter.backOff(host, wait)
}

// tooLongError is the failure of a URL whose server requests a wait over
// maxWait.
func tooLongError(wait, maxWait time.Duration) error {
	return fmt.Errorf("%w: the server requests a wait of %s, more than max_retry_wait %s", ErrRetryAfterTooLong, wait, maxWait)
}

// backoffFor returns the wait before retry n (1 for the first): backoff
// doubled n-1 times, minus a random part of up to half.
func (p *retryPolicy) backoffFor(n int) time.Duration {
	d := p.backoff
	for i := 1; i < n && d < p.maxWait; i++ {
		d *= 2
	}
	return d - time.Duration(p.random()*float64(d/2))
}

// failureReason returns the error to report for a final failure whose
// error may only be the status text colly makes of an error status.
func failureReason(r *colly.Response, err error) error {
	if r.StatusCode > 0 && (err == nil || err.Error() == http.StatusText(r.StatusCode)) {
		return fmt.Errorf("status %d %s", r.StatusCode, http.StatusText(r.StatusCode))
	}
	return err
}

// retryable reports whether a request that ended with status (0 for no
// response) and err may succeed when sent again.
func retryable(status int, err error) bool {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests:
		return true
	case http.StatusNotImplemented, http.StatusHTTPVersionNotSupported, http.StatusNetworkAuthenticationRequired:
		return false
	}
	if status >= 500 {
		return true
	}
	return status == 0 && isServerFault(err)
}

// isServerFault reports whether err is a failure on the server's side or
// on the way to it that may pass: a timeout, a reset, refused or closed
// connection, or a body cut short. The crawl's own cancellation and the
// guard's refusals are not.
func isServerFault(err error) bool {
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, ErrPrivateAddress):
		return false
	case isTimeout(err),
		errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, io.EOF):
		return true
	}
	return false
}
