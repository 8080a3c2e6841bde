package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// fakeClock is the clock of the --every schedule in tests. Now returns the
// time set with advance, or the system time when none was set. After sends
// the wait it was asked for on waits and returns fire, so that the test
// decides when the wait ends.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits chan time.Duration
	fire  chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, waits: make(chan time.Duration, 16), fire: make(chan time.Time)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()

	if c.now.IsZero() {
		return time.Now()
	}
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.waits <- d
	return c.fire
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.now = c.now.Add(d)
}

// nextWait returns the next wait the schedule requests, or fails the test
// when none comes within a few seconds.
func (c *fakeClock) nextWait(t *testing.T) time.Duration {
	t.Helper()

	select {
	case d := <-c.waits:
		return d
	case <-time.After(20 * time.Second):
		t.Fatal("the schedule asked for no wait")
		return 0
	}
}

func TestRepeatRunsSchedule(t *testing.T) {
	tests := []struct {
		name         string
		durations    []time.Duration // of each run; the test stops at the wait after the last
		runErr       error           // returned by every run
		wantWaits    []time.Duration
		wantOverruns int
	}{
		{
			name:      "start to start",
			durations: []time.Duration{10 * time.Minute, 20 * time.Minute},
			wantWaits: []time.Duration{50 * time.Minute, 40 * time.Minute},
		},
		{
			name:         "longer run starts the next at once",
			durations:    []time.Duration{90 * time.Minute, 10 * time.Minute},
			wantWaits:    []time.Duration{50 * time.Minute},
			wantOverruns: 1,
		},
		{
			name:         "run as long as the interval",
			durations:    []time.Duration{time.Hour, 5 * time.Minute},
			wantWaits:    []time.Duration{55 * time.Minute},
			wantOverruns: 1,
		},
		{
			name:      "failed runs do not stop the schedule",
			durations: []time.Duration{time.Minute, time.Minute},
			runErr:    withCode(exitPartial, errors.New("crawl: 1 page failed")),
			wantWaits: []time.Duration{59 * time.Minute, 59 * time.Minute},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newFakeClock(time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC))
			core, logs := observer.New(zapcore.InfoLevel)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var runs []int
			runOnce := func(ctx context.Context, run int) error {
				runs = append(runs, run)
				if run > len(tt.durations) {
					t.Errorf("run %d started, want %d runs", run, len(tt.durations))
					return nil
				}
				clk.advance(tt.durations[run-1])
				return tt.runErr
			}
			done := make(chan error, 1)

			go func() { done <- repeatRuns(ctx, time.Hour, clk, zap.New(core), runOnce) }()
			for i, want := range tt.wantWaits {
				if got := clk.nextWait(t); got != want {
					t.Errorf("wait %d = %s, want %s", i+1, got, want)
				}
				if i < len(tt.wantWaits)-1 {
					clk.fire <- clk.Now()
				}
			}
			cancel()
			err := <-done

			if code := exitCode(err); code != exitInterrupted {
				t.Errorf("exit code = %d (%v), want %d", code, err, exitInterrupted)
			}
			if err == nil || !strings.Contains(err.Error(), "waiting for the next run") {
				t.Errorf("error = %v, want it to say the wait was interrupted", err)
			}
			if len(runs) != len(tt.durations) {
				t.Errorf("runs = %v, want %d", runs, len(tt.durations))
			}
			if n := logs.FilterMessageSnippet("took longer than --every").Len(); n != tt.wantOverruns {
				t.Errorf("%d overrun warnings, want %d", n, tt.wantOverruns)
			}
		})
	}
}

func TestRepeatRunsInterruptedDuringRun(t *testing.T) {
	clk := newFakeClock(time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	interrupted := withCode(exitInterrupted, errors.New("crawl interrupted: context canceled"))
	runs := 0
	runOnce := func(ctx context.Context, run int) error {
		runs++
		clk.advance(time.Minute)
		if run == 2 {
			cancel()
			return interrupted
		}
		return nil
	}
	done := make(chan error, 1)

	go func() { done <- repeatRuns(ctx, time.Hour, clk, zap.NewNop(), runOnce) }()
	clk.nextWait(t)
	clk.fire <- clk.Now()
	err := <-done

	if err != interrupted {
		t.Errorf("error = %v, want the interrupted run's error", err)
	}
	if runs != 2 {
		t.Errorf("%d runs, want 2: none may start after the signal", runs)
	}
	if n := len(clk.waits); n != 0 {
		t.Errorf("%d waits after the interrupted run, want 0", n)
	}
}

func TestRepeatRunsSignalAfterRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	runOnce := func(ctx context.Context, run int) error {
		cancel() // the signal comes as the run ends on its own
		return withCode(exitPartial, errors.New("crawl: 2 pages failed"))
	}

	err := repeatRuns(ctx, time.Hour, newFakeClock(time.Time{}), zap.NewNop(), runOnce)

	if code := exitCode(err); code != exitInterrupted {
		t.Errorf("exit code = %d (%v), want %d", code, err, exitInterrupted)
	}
	if err == nil || !strings.Contains(err.Error(), "2 pages failed") {
		t.Errorf("error = %v, want it to keep the run's error", err)
	}
}
