package main

import (
	"context"
	"net"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler"
	"github.com/gleanerhq/gleaner/crawler/metrics"
	"github.com/gleanerhq/gleaner/crawler/sink"
)

// crawlCommand is one "gleaner crawl" process: what stays the same across
// its runs when --every repeats them.
type crawlCommand struct {
	flags    crawlFlags
	registry *sink.Registry
	stderr   *statusLineWriter
	logger   *zap.Logger
	progress bool               // show the progress line on stderr
	metrics  *metrics.Collector // nil without --metrics-addr
	lockFile string             // the run lock held for the life of the process
}

// loadConfig loads and checks the configuration, with --max-depth applied.
func (c *crawlCommand) loadConfig() (*config.Config, error) {
	cfg, err := config.Load(c.flags.configFile, config.WithSinkCheck(sinkCheck(c.registry)))
	if err != nil {
		return nil, err
	}

	if c.flags.maxDepth >= 0 {
		cfg.MaxDepth = c.flags.maxDepth
	}
	return cfg, nil
}

// serveMetrics starts the --metrics-addr server with a new collector and
// passes its address to listening, when not nil.
func (c *crawlCommand) serveMetrics(listening func(net.Addr)) (*metricsServer, error) {
	collector := metrics.NewCollector()
	handler, err := metrics.NewHandler(collector, c.logger)
	if err != nil {
		return nil, withCode(exitFailure, err)
	}

	server, err := startMetricsServer(c.flags.metricsAddr, handler, c.logger)
	if err != nil {
		return nil, err
	}
	c.metrics = collector
	if listening != nil {
		listening(server.addr())
	}
	return server, nil
}

// stopMetrics stops the metrics server, logging a failure.
func (c *crawlCommand) stopMetrics(server *metricsServer) {
	if err := server.close(); err != nil {
		c.logger.Warn("metrics server not stopped cleanly", zap.Error(err))
	}
}

// runOnce runs one crawl of cfg, prints its summary, writes the
// --summary-json file and counts the run in the metrics. It returns the
// error that gives the exit code, as crawl does.
func (c *crawlCommand) runOnce(ctx context.Context, cfg *config.Config) error {
	started := time.Now()
	if c.metrics != nil {
		c.metrics.RunStarted(started)
	}

	summary, err := crawl(ctx, cfg, c.registry, c.flags, c.logger, func(cr *crawler.Crawler) func() {
		return c.watch(cr, started)
	})
	if c.metrics != nil {
		c.metrics.RunEnded(summary, runOutcome(err), time.Now())
	}
	printSummary(c.stderr, summary)

	return c.writeSummary(summary, started, err)
}

// watch attaches the metrics and the progress line to a crawl about to
// run, and returns the function that erases the line once it has run.
func (c *crawlCommand) watch(cr *crawler.Crawler, started time.Time) (stop func()) {
	if c.metrics != nil {
		c.metrics.Track(cr)
	}

	if !c.progress {
		return func() {}
	}
	return startProgress(c.stderr, cr.Progress, started)
}

// writeSummary writes the --summary-json file, when the flag is given, and
// returns the run's error: err, or the write error when err is nil.
func (c *crawlCommand) writeSummary(summary crawler.Summary, started time.Time, err error) error {
	if c.flags.summaryJSON == "" {
		return err
	}

	runSummary := newRunSummary(summary, started, time.Since(started), exitCode(err), err)
	writeErr := writeSummaryFile(c.flags.summaryJSON, runSummary)
	if writeErr == nil {
		return err
	}
	if err == nil {
		return withCode(exitFailure, writeErr)
	}
	c.logger.Error("summary file not written", zap.String("path", c.flags.summaryJSON), zap.Error(writeErr))
	return err
}

// repeat runs the crawl every --every until ctx is canceled. The first run
// uses first, the configuration loaded at the start. Each later run loads
// the configuration again, so that edits apply, and builds new sinks and a
// new crawler.
func (c *crawlCommand) repeat(ctx context.Context, first *config.Config, clk clock) error {
	c.logger.Info("crawling on a schedule", zap.Duration("every", c.flags.every), zap.String("config", c.flags.configFile))

	return repeatRuns(ctx, c.flags.every, clk, c.logger, func(ctx context.Context, run int) error {
		cfg := first
		if run > 1 {
			var err error
			if cfg, err = c.reloadConfig(run); err != nil {
				return err
			}
		}

		err := c.runOnce(ctx, cfg)
		c.logRunError(run, err)
		return err
	})
}

// reloadConfig loads the configuration for run. A configuration that has
// become invalid is logged and counted in the metrics as a failed run, and
// the caller skips the run.
func (c *crawlCommand) reloadConfig(run int) (*config.Config, error) {
	started := time.Now()
	cfg, err := c.loadConfig()
	if err != nil {
		c.logger.Error("configuration invalid, so this run is skipped",
			zap.Int("run", run), zap.String("config", c.flags.configFile), zap.Error(err))
		if c.metrics != nil {
			c.metrics.RunStarted(started)
			c.metrics.RunEnded(crawler.Summary{}, metrics.OutcomeFailed, time.Now())
		}
		return nil, withCode(exitFailure, err)
	}

	if cfg.LockFile != c.lockFile {
		c.logger.Warn("lock_file changed, but the lock taken at the start stays in force until the process ends",
			zap.Int("run", run), zap.String("lock_file", cfg.LockFile), zap.String("held", c.lockFile))
	}
	return cfg, nil
}

// logRunError logs the error of one scheduled run that did not end the
// process. A single run leaves that to main, which prints the error.
func (c *crawlCommand) logRunError(run int, err error) {
	switch exitCode(err) {
	case exitOK, exitInterrupted:
		return
	case exitPartial:
		c.logger.Warn("run ended with failures", zap.Int("run", run), zap.Int("exit_code", exitPartial), zap.Error(err))
	default:
		c.logger.Error("run failed", zap.Int("run", run), zap.Int("exit_code", exitCode(err)), zap.Error(err))
	}
}

// runOutcome returns the metrics outcome of a run that ended with err.
func runOutcome(err error) metrics.Outcome {
	switch exitCode(err) {
	case exitOK:
		return metrics.OutcomeOK
	case exitPartial:
		return metrics.OutcomePartial
	case exitInterrupted:
		return metrics.OutcomeInterrupted
	default:
		return metrics.OutcomeFailed
	}
}
