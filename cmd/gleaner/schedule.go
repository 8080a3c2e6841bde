package main

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// minEvery is the shortest --every accepted. Shorter intervals would crawl
// the same sites again before a polite crawl could finish.
const minEvery = time.Minute

// clock is the time source of the --every schedule, replaced in tests.
type clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// systemClock is the clock of the operating system.
type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// repeatRuns calls runOnce with the run number, from 1, every interval,
// start to start, until ctx is canceled. A run that lasts longer than
// interval is followed by the next at once, with a warning.
//
// It returns only when ctx is canceled: the error of the run that was
// going on then, or an error with exit code 130 when ctx was canceled
// while waiting for the next run. The errors of the other runs are
// runOnce's to report.
func repeatRuns(ctx context.Context, interval time.Duration, clk clock, logger *zap.Logger, runOnce func(ctx context.Context, run int) error) error {
	for run := 1; ; run++ {
		started := clk.Now()
		err := runOnce(ctx, run)
		if ctx.Err() != nil {
			return interruptedRunError(ctx, err)
		}

		next := started.Add(interval)
		now := clk.Now()
		if !now.Before(next) {
			logger.Warn("run took longer than --every, so the next run starts now",
				zap.Int("run", run), zap.Duration("duration", now.Sub(started)), zap.Duration("every", interval))
			continue
		}

		logger.Info("next run scheduled", zap.Int("run", run+1), zap.Time("at", next))
		select {
		case <-ctx.Done():
			return withCode(exitInterrupted, fmt.Errorf("crawl: stopped while waiting for the next run: %w", ctx.Err()))
		case <-clk.After(next.Sub(now)):
		}
	}
}

// interruptedRunError returns, with exit code 130, the error of a run that
// ended after ctx was canceled: err itself when it has that code already,
// as the error of an interrupted crawl does.
func interruptedRunError(ctx context.Context, err error) error {
	if exitCode(err) == exitInterrupted {
		return err
	}
	if err != nil {
		return withCode(exitInterrupted, fmt.Errorf("crawl: stopped after the run: %w (the run ended with: %v)", ctx.Err(), err))
	}
	return withCode(exitInterrupted, fmt.Errorf("crawl: stopped after the run: %w", ctx.Err()))
}
