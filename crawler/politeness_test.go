package crawler

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
	"go.uber.org/zap/zaptest"
)

// newTestLimiter returns a limiter on clk with the given floor, maximum
// delay and error step, one request per host at a time and no jitter.
func newTestLimiter(clk clock, floor, maxDelay, errorStep time.Duration) *hostLimiter {
	return newHostLimiter(hostLimits{
		rule:      colly.LimitRule{Parallelism: 1, Delay: floor},
		maxDelay:  maxDelay,
		errorStep: errorStep,
	}, clk, func() float64 { return 0 })
}

// startTimes acquires a slot of host n times in a row and returns the
// clock's time at each start.
func startTimes(t *testing.T, l *hostLimiter, clk clock, host string, n int) []time.Time {
	t.Helper()

	var times []time.Time
	for i := 0; i < n; i++ {
		release, err := l.acquire(context.Background(), host)
		if err != nil {
			t.Fatalf("acquire: %v", err)
		}
		times = append(times, clk.Now())
		release()
	}
	return times
}

func TestLimiterSpacesRequestsByDelay(t *testing.T) {
	clk := newFakeClock()
	l := newTestLimiter(clk, 2*time.Second, time.Minute, time.Second)

	times := startTimes(t, l, clk, "news.example", 3)

	for i := 1; i < len(times); i++ {
		if d := times[i].Sub(times[i-1]); d != 2*time.Second {
			t.Errorf("start %d came %s after the one before, want the delay of 2s", i+1, d)
		}
	}
	if other := startTimes(t, l, clk, "other.example", 1); !other[0].Equal(times[2]) {
		t.Errorf("another host waited until %s, want no wait: delays are per host", other[0])
	}
}

func TestLimiterJitter(t *testing.T) {
	clk := newFakeClock()
	l := newHostLimiter(hostLimits{
		rule:     colly.LimitRule{Parallelism: 1, Delay: time.Second, RandomDelay: 500 * time.Millisecond},
		maxDelay: time.Minute,
	}, clk, func() float64 { return 0.5 })

	times := startTimes(t, l, clk, "news.example", 2)

	if d := times[1].Sub(times[0]); d != 1250*time.Millisecond {
		t.Errorf("spacing = %s, want the delay plus half the jitter, 1.25s", d)
	}
}

func TestLimiterAdaptsToSlowResponses(t *testing.T) {
	l := newTestLimiter(newFakeClock(), time.Second, 30*time.Second, time.Second)

	for i := 0; i < 10; i++ {
		l.observe("news.example", 8*time.Second)
	}
	_, slow := l.delays("news.example")
	if slow < 6*time.Second {
		t.Errorf("delay after slow responses = %s, want it near the 8s they took", slow)
	}

	for i := 0; i < 50; i++ {
		l.observe("news.example", 10*time.Millisecond)
	}
	floor, fast := l.delays("news.example")
	if fast >= slow {
		t.Errorf("delay after fast responses = %s, want it lower than %s", fast, slow)
	}
	if fast < floor || floor != time.Second {
		t.Errorf("delay %s, floor %s: want the delay back at the configured floor of 1s, never below", fast, floor)
	}
}

func TestLimiterDelayCapped(t *testing.T) {
	l := newTestLimiter(newFakeClock(), 0, 5*time.Second, time.Second)

	for i := 0; i < 20; i++ {
		l.observe("news.example", time.Hour)
		l.failed("news.example")
	}

	if _, delay := l.delays("news.example"); delay != 5*time.Second {
		t.Errorf("delay = %s, want max_delay 5s", delay)
	}
}

func TestLimiterErrorsRaiseDelay(t *testing.T) {
	l := newTestLimiter(newFakeClock(), 100*time.Millisecond, time.Minute, time.Second)

	l.failed("news.example")
	_, once := l.delays("news.example")
	l.failed("news.example")
	_, twice := l.delays("news.example")

	if once != time.Second || twice != 2*time.Second {
		t.Errorf("delays after one and two errors = %s, %s; want 1s (the error step), then 2s", once, twice)
	}
}

func TestLimiterBackOffNeverShrinks(t *testing.T) {
	clk := newFakeClock()
	l := newTestLimiter(clk, 0, time.Minute, time.Second)
	start := clk.Now()

	l.backOff("news.example", 7*time.Second)
	floorAfter429, _ := l.delays("news.example")
	for i := 0; i < 100; i++ {
		l.observe("news.example", time.Millisecond) // fast answers
	}
	floor, delay := l.delays("news.example")
	first := startTimes(t, l, clk, "news.example", 1)[0]

	if floorAfter429 < time.Second {
		t.Errorf("floor after a 429 = %s, want it raised to at least the error step", floorAfter429)
	}
	if floor != floorAfter429 || delay < floor {
		t.Errorf("after fast answers floor = %s, delay = %s; want the floor kept at %s", floor, delay, floorAfter429)
	}
	if first.Sub(start) < 7*time.Second {
		t.Errorf("next request at +%s, want not before the 7s Retry-After", first.Sub(start))
	}
}

func TestLimiterCrawlDelay(t *testing.T) {
	l := newTestLimiter(newFakeClock(), time.Second, 10*time.Second, time.Second)

	raised := l.setCrawlDelay("news.example", 4*time.Second)
	capped := l.setCrawlDelay("slow.example", time.Hour)
	lower := l.setCrawlDelay("fast.example", 100*time.Millisecond)

	if raised != 4*time.Second || capped != 10*time.Second || lower != time.Second {
		t.Errorf("floors = %s, %s, %s; want 4s, max_delay 10s, and the configured 1s kept", raised, capped, lower)
	}
}

func TestLimiterClosedHost(t *testing.T) {
	clk := newFakeClock()
	l := newTestLimiter(clk, 0, time.Minute, time.Second)
	closedErr := errors.New("closed for the test")

	l.close("news.example", clk.Now().Add(time.Hour), closedErr)
	_, errClosed := l.acquire(context.Background(), "news.example")
	release, errOther := l.acquire(context.Background(), "other.example")
	clk.Sleep(context.Background(), 2*time.Hour)
	releaseLater, errLater := l.acquire(context.Background(), "news.example")

	if !errors.Is(errClosed, closedErr) {
		t.Errorf("acquire on a closed host = %v, want its reason", errClosed)
	}
	if errOther != nil {
		t.Errorf("acquire on another host = %v, want a slot", errOther)
	} else {
		release()
	}
	if errLater != nil {
		t.Errorf("acquire after the closing ended = %v, want a slot", errLater)
	} else {
		releaseLater()
	}
}

func TestLimiterParallelism(t *testing.T) {
	l := newHostLimiter(hostLimits{rule: colly.LimitRule{Parallelism: 2}, maxDelay: time.Second}, realClock{}, func() float64 { return 0 })

	first, _ := l.acquire(context.Background(), "news.example")
	second, _ := l.acquire(context.Background(), "news.example")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := l.acquire(ctx, "news.example")

	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("third acquire = %v, want it to wait for a slot until its context ends", err)
	}
	first()
	second()
}

func TestLimiterWaitEndsWithContext(t *testing.T) {
	l := newTestLimiter(realClock{}, time.Hour, time.Hour, time.Second)
	release, _ := l.acquire(context.Background(), "news.example")
	release()
	ctx, cancel := context.WithCancel(context.Background())

	done := make(chan error, 1)
	go func() {
		_, err := l.acquire(ctx, "news.example")
		done <- err
	}()
	cancel()

	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("acquire = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("acquire still waiting out the delay of an hour after its context ended")
	}
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		name   string
		random float64
		retry  int
		want   time.Duration
	}{
		{name: "first without jitter", random: 0, retry: 1, want: time.Second},
		{name: "second doubles", random: 0, retry: 2, want: 2 * time.Second},
		{name: "third doubles again", random: 0, retry: 3, want: 4 * time.Second},
		{name: "full jitter takes half", random: 0.999999, retry: 3, want: 2*time.Second + 2*time.Microsecond},
		{name: "large retry stops doubling past max_retry_wait", random: 0, retry: 200, want: 1024 * time.Second},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &retryPolicy{backoff: time.Second, maxWait: 10 * time.Minute, random: func() float64 { return tt.random }}

			got := p.backoffFor(tt.retry)

			if got != tt.want {
				t.Errorf("backoffFor(%d) = %s, want %s", tt.retry, got, tt.want)
			}
		})
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		name   string
		status int
		err    error
		want   bool
	}{
		{"429", 429, nil, true},
		{"503", 503, nil, true},
		{"500", 500, nil, true},
		{"502", 502, nil, true},
		{"504", 504, nil, true},
		{"408", 408, nil, true},
		{"501", 501, nil, false},
		{"505", 505, nil, false},
		{"404", 404, nil, false},
		{"403", 403, nil, false},
		{"timeout", 0, context.DeadlineExceeded, true},
		{"canceled", 0, context.Canceled, false},
		{"private address", 0, ErrPrivateAddress, false},
		{"body too large", 0, ErrBodyTooLarge, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryable(tt.status, tt.err); got != tt.want {
				t.Errorf("retryable(%d, %v) = %v, want %v", tt.status, tt.err, got, tt.want)
			}
		})
	}
}

func TestHostBusy(t *testing.T) {
	tests := []struct {
		name       string
		header     http.Header
		wantClosed bool
		wantWait   time.Duration
	}{
		{name: "seconds", header: http.Header{"Retry-After": {"7"}}, wantWait: 7 * time.Second},
		{name: "no Retry-After waits the backoff", header: http.Header{}, wantWait: time.Second},
		{name: "beyond max_retry_wait closes the host", header: http.Header{"Retry-After": {"86400"}}, wantClosed: true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock()
			limiter := newTestLimiter(clk, 0, time.Minute, time.Second)
			p := &retryPolicy{backoff: time.Second, maxWait: 10 * time.Minute, limiter: limiter, clock: clk,
				random: func() float64 { return 0 }, logger: zaptest.NewLogger(t)}
			start := clk.Now()

			p.hostBusy("news.example", tt.header)
			_, err := limiter.acquire(context.Background(), "news.example")

			if tt.wantClosed {
				if !errors.Is(err, ErrRetryAfterTooLong) {
					t.Errorf("acquire = %v, want ErrRetryAfterTooLong", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("acquire: %v", err)
			}
			if waited := clk.Now().Sub(start); waited != tt.wantWait {
				t.Errorf("waited %s, want %s", waited, tt.wantWait)
			}
		})
	}
}

// concurrentStarts acquires n slots of host at once and returns how many
// requests were in flight at most.
func concurrentStarts(l *hostLimiter, host string, n int) int {
	var (
		mu       sync.Mutex
		inFlight int
		peak     int
		wg       sync.WaitGroup
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := l.acquire(context.Background(), host)
			if err != nil {
				return
			}
			mu.Lock()
			inFlight++
			peak = max(peak, inFlight)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
			release()
		}()
	}
	wg.Wait()
	return peak
}

func TestLimiterParallelismUnderLoad(t *testing.T) {
	l := newHostLimiter(hostLimits{rule: colly.LimitRule{Parallelism: 3}, maxDelay: time.Second}, realClock{}, func() float64 { return 0 })

	if peak := concurrentStarts(l, "news.example", 20); peak > 3 {
		t.Errorf("%d requests in flight at once, want at most the parallelism of 3", peak)
	}
}

func TestLimiterLearnedDelay(t *testing.T) {
	tests := []struct {
		name    string
		floor   time.Duration
		learned time.Duration
		want    time.Duration
	}{
		{"raises the start", time.Second, 3 * time.Second, 3 * time.Second},
		{"never below the floor", 2 * time.Second, time.Second, 2 * time.Second},
		{"capped at max_delay", 0, time.Hour, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLimiter(newFakeClock(), tt.floor, 10*time.Second, time.Second)

			l.learn("News.Example", tt.learned)

			if floor, delay := l.delays("news.example"); delay != tt.want || floor != tt.floor {
				t.Errorf("floor, delay = %s, %s, want %s, %s", floor, delay, tt.floor, tt.want)
			}
			if got := l.learned()["news.example"]; got != tt.want {
				t.Errorf("learned() = %s, want %s", got, tt.want)
			}
		})
	}
}
