package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler"
	"github.com/gleanerhq/gleaner/crawler/sink"
)

const crawlUsage = `Usage: gleaner crawl --config FILE [--log-format console|json] [--log-level LEVEL]
                     [--max-pages N] [--max-duration D] [--max-depth N] [--summary-json FILE]
                     [--progress auto|always|never] [--metrics-addr HOST:PORT] [--every D]
                     [--full]

Runs the crawl a YAML configuration describes: visits the seeds, follows
links within the allowed domains up to max_depth, extracts every article
once and writes the records to the configured sinks (default: SQLite at
out/gleaner.db beside the configuration file). A seed may be a local file or
folder, relative to the configuration file, or a file:// URL; such a crawl
reads only files inside the seed's folder.

The configuration is checked before anything starts: every problem is
printed with its line, and the exit status is 1. Logs go to standard error,
and so does the summary at the end: pages fetched, articles written,
listings, failures by kind, duration, and the article pages on which a site
profile's selector matched nothing, by profile and field (the records of
those pages name the fields in "profile_fallbacks"; "gleaner check" shows
the details on one page).

Each run remembers what it did in state_file (default out/gleaner-state.db
beside the configuration file, "none" for no state): the URLs seen, the
content hash of each article written, each page's ETag and Last-Modified,
robots.txt files and cookies. The next run requests seeds and listing
pages with If-None-Match and If-Modified-Since (a 304 answer is not
parsed), does not request the articles it already wrote, and writes only
new articles and articles whose text changed (the sinks replace their
row). Known articles are requested again when a sitemap or feed dates them
after the last fetch, or while they are younger than recheck_within.
--full ignores the state for one run and writes every article again.

Only one crawl of a configuration runs at a time. A crawl holds an
exclusive lock on lock_file (default out/gleaner.lock beside the
configuration file) and writes its PID into it. A second crawl that finds
the lock held exits at once with status 3, naming the file and the PID.
The operating system releases the lock when the crawl ends, also when it
crashes.

Ctrl-C (SIGINT) or SIGTERM stops the crawl cleanly: no new request starts,
the requests in flight are canceled, the records extracted so far are
written, and the sinks are closed. A second signal quits at once, without
waiting for the sinks: records not yet written or spooled are lost, and the
next run fetches their pages again. With --every, the first signal ends
the run going on this way and starts no other; between runs it ends the
command at once. The run lock is held from the start to the end of the
command, across all its runs.

Flags:
  --config FILE
        the YAML configuration (required)
  --log-format console|json
        log format on standard error (default console)
  --log-level debug|info|warn|error
        lowest level logged (default info); debug logs every request
  --max-pages N
        stop after N pages fetched (default 0, no limit): no new request
        starts, the requests in flight (at most parallelism per host)
        finish, and their records are written
  --max-duration D
        stop the same way once the crawl has run for D, a Go duration
        such as 90s or 10m (default 0, no limit)
  --max-depth N
        replaces max_depth of the configuration; 0 means no limit, 1 the
        seeds only
  --full
        ignore the crawl state for this run: request every page without
        validators and write every article again, as on a first run; the
        state is still updated
  --summary-json FILE
        write the summary as a JSON object to FILE when the crawl ends,
        also when it ends with status 1 or 2, or with 130 after one
        signal: pages fetched and
        failed by kind, articles, listings, per sink the records written,
        retried, spooled and replayed, the duration, the stop reason
        (completed, max_pages, max_duration, interrupted or failed) and the
        exit status. The file is replaced atomically. A crawl that exits
        with status 3, or with a usage or configuration error, leaves it
        as it was. When the file cannot be written, a crawl that would
        have exited with status 0 exits with status 1. With --every, the
        file is rewritten after every run.
  --progress auto|always|never
        show a status line on standard error, redrawn every second: pages
        fetched, articles, listings, failed pages, pages per second since
        the run started, and the time elapsed (default auto: only when
        standard error is a terminal, so cron logs and pipes get none)
  --metrics-addr HOST:PORT
        serve Prometheus metrics at http://HOST:PORT/metrics while the
        command runs, such as 127.0.0.1:9464; an empty HOST listens on
        every interface. An invalid address or a port in use stops the
        command with status 1 before it crawls
  --every D
        crawl again every D, start to start, in this process, until
        SIGINT or SIGTERM; D is at least 1m. Each run loads the
        configuration again, so edits apply to the next run; a run whose
        configuration has become invalid is logged and skipped. A run that
        lasts longer than D is followed by the next at once, with a
        warning. --max-pages and --max-duration bound each run

Records reach every sink at least once. A sink that fails is retried with
backoff; while it stays down its records wait in a spool file in spool_dir
(default out/spool beside the configuration file) and are replayed when it
comes back or at the start of the next crawl. on_sink_error: stop stops the
crawl instead (the records are spooled all the same). The summary lists,
per sink, the records written, retried, spooled and replayed.

Exit status: 0 when every page succeeded and every record reached its
sinks, also when --max-pages or --max-duration stopped the crawl; 1 for a
configuration error or a failed sink (with on_sink_error: stop, or when
records could not even be spooled); 2 when the crawl ran to its end but
some pages failed (the summary lists them by kind) or records went to a
spool or to a rejected file; 3 when another crawl holds the lock; 130 when
interrupted. With --every, the command ends only before the first run
(status 1 for a usage, configuration or --metrics-addr error, 3 for the
lock) or with 130 after a signal. The status of each run is in its
summary, in its --summary-json file and in the log.

Example, an offline crawl of the saved demo site:
  gleaner crawl --config examples/demo.yaml
`

// crawlFlags are the command-line settings of "gleaner crawl".
type crawlFlags struct {
	configFile  string
	logFormat   string
	logLevel    string
	maxPages    int
	maxDuration time.Duration
	maxDepth    int // -1 keeps the configuration's max_depth
	summaryJSON string
	progress    string        // progressAuto, progressAlways or progressNever
	metricsAddr string        // HOST:PORT; "" serves no metrics
	every       time.Duration // 0 runs once
	full        bool          // ignore the crawl state for this run
}

// parseCrawlFlags reads the command line of "gleaner crawl". stop is true
// when the command must end with err, as parseFlags has it.
func parseCrawlFlags(args []string, stdout, stderr io.Writer) (flags crawlFlags, stop bool, err error) {
	fs := newFlagSet("crawl", crawlUsage, stderr)
	fs.StringVar(&flags.configFile, "config", "", "the YAML configuration")
	fs.StringVar(&flags.logFormat, "log-format", "console", "console or json")
	fs.StringVar(&flags.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.IntVar(&flags.maxPages, "max-pages", 0, "stop after this many pages fetched")
	durationFlag(fs, &flags.maxDuration, "max-duration", 0, "stop after this long")
	fs.IntVar(&flags.maxDepth, "max-depth", -1, "replaces max_depth of the configuration")
	fs.StringVar(&flags.summaryJSON, "summary-json", "", "write the summary as JSON to this file")
	fs.StringVar(&flags.progress, "progress", progressAuto, "auto, always or never")
	fs.StringVar(&flags.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this HOST:PORT")
	durationFlag(fs, &flags.every, "every", 0, "run the crawl again at this interval, start to start")
	fs.BoolVar(&flags.full, "full", false, "ignore the crawl state for this run")

	extra, stop, err := parseFlags(fs, args, crawlUsage, stdout)
	switch {
	case stop:
		return flags, true, err
	case len(extra) > 0:
		return flags, true, usageErrorf("crawl", "unexpected argument %q: give the configuration with --config", extra[0])
	case flags.configFile == "":
		return flags, true, usageErrorf("crawl", "missing --config FILE")
	case flags.maxPages < 0:
		return flags, true, usageErrorf("crawl", "invalid --max-pages %d: give a number of pages, or 0 for no limit", flags.maxPages)
	case flags.maxDuration < 0:
		return flags, true, usageErrorf("crawl", "invalid --max-duration %s: give a duration such as 10m, or 0 for no limit", flags.maxDuration)
	case flags.maxDepth < -1:
		return flags, true, usageErrorf("crawl", "invalid --max-depth %d: give a depth, or 0 for no limit", flags.maxDepth)
	case flags.progress != progressAuto && flags.progress != progressAlways && flags.progress != progressNever:
		return flags, true, usageErrorf("crawl", "invalid --progress %q: use auto, always or never", flags.progress)
	case flags.metricsAddr != "" && !isHostPort(flags.metricsAddr):
		return flags, true, usageErrorf("crawl", "invalid --metrics-addr %q: give HOST:PORT, such as 127.0.0.1:9464", flags.metricsAddr)
	case flags.every < 0:
		return flags, true, usageErrorf("crawl", "invalid --every %s: give an interval such as 30m, or leave the flag out to run once", flags.every)
	}
	return flags, false, nil
}

// crawlEnv holds what tests replace in "gleaner crawl".
type crawlEnv struct {
	minEvery time.Duration // the shortest --every accepted
	clock    clock         // the time source of the --every schedule

	// metricsListening, when not nil, receives the address the metrics
	// server listens on, before the first run starts.
	metricsListening func(net.Addr)
}

// runCrawl runs "gleaner crawl".
func runCrawl(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runCrawlWith(ctx, args, stdout, stderr, crawlEnv{minEvery: minEvery, clock: systemClock{}})
}

// runCrawlWith runs "gleaner crawl" in env.
func runCrawlWith(ctx context.Context, args []string, stdout, stderr io.Writer, env crawlEnv) error {
	flags, stop, err := parseCrawlFlags(args, stdout, stderr)
	if stop {
		return err
	}
	if flags.every > 0 && flags.every < env.minEvery {
		return usageErrorf("crawl", "invalid --every %s: give at least %s", flags.every, env.minEvery)
	}

	console := asStatusLineWriter(stderr)
	logger, err := newLogger(flags.logFormat, flags.logLevel, console)
	if err != nil {
		return err
	}
	defer logger.Sync()

	cmd := &crawlCommand{
		flags:    flags,
		registry: sink.Default(),
		stderr:   console,
		logger:   logger,
		progress: showsProgress(flags.progress, console),
	}
	cfg, err := cmd.loadConfig()
	if err != nil {
		return withCode(exitFailure, err)
	}

	lock, err := acquireRunLock(cfg.LockFile)
	if errors.Is(err, errLocked) {
		return withCode(exitLocked, fmt.Errorf("crawl: %w", err))
	}
	if err != nil {
		return withCode(exitFailure, fmt.Errorf("crawl: %w", err))
	}
	defer func() {
		if err := lock.release(); err != nil {
			logger.Warn("run lock not released cleanly", zap.Error(err))
		}
	}()
	cmd.lockFile = cfg.LockFile

	// The metrics server starts after the run lock is taken, so that a run
	// that finds another one still going reports the lock (exit status 3)
	// and not the port the other one listens on.
	if flags.metricsAddr != "" {
		server, err := cmd.serveMetrics(env.metricsListening)
		if err != nil {
			return err
		}
		defer cmd.stopMetrics(server)
	}

	if flags.every == 0 {
		return cmd.runOnce(ctx, cfg)
	}
	return cmd.repeat(ctx, cfg, env.clock)
}

// crawl runs the crawl of cfg and returns its summary and the error that
// gives the exit code: nil, or one wrapped by withCode. watch is called
// with the crawler before it runs and returns the function to call once
// it has run.
func crawl(ctx context.Context, cfg *config.Config, registry *sink.Registry, flags crawlFlags, logger *zap.Logger, watch func(*crawler.Crawler) (stop func())) (crawler.Summary, error) {
	spoolDir := cfg.SpoolDir
	if spoolDir == "" {
		spoolDir = filepath.Join(cfg.Dir, config.DefaultSpoolDir)
	}
	sinks, err := sink.NewDelivery(registry, sinkSpecs(cfg.Sinks), sink.DeliveryOptions{
		SpoolDir: spoolDir,
		OnError:  cfg.OnSinkError,
		Logger:   logger,
	})
	if err != nil {
		return crawler.Summary{}, withCode(exitFailure, fmt.Errorf("sinks: %w", err))
	}

	c, err := crawler.New(cfg, sinks, crawler.Options{
		Logger:      logger,
		MaxPages:    flags.maxPages,
		MaxDuration: flags.maxDuration,
		Full:        flags.full,
	})
	if err != nil {
		return crawler.Summary{}, withCode(exitFailure, err)
	}

	stopWatching := watch(c)
	summary, err := c.Run(ctx)
	stopWatching()

	switch {
	case summary.Interrupted:
		return summary, withCode(exitInterrupted, err)
	case err != nil:
		return summary, withCode(exitFailure, err)
	case summary.Failed() > 0:
		noun := "pages"
		if summary.Failed() == 1 {
			noun = "page"
		}
		return summary, withCode(exitPartial, fmt.Errorf("crawl: %d %s failed", summary.Failed(), noun))
	case undelivered(summary) > 0:
		return summary, withCode(exitPartial, fmt.Errorf("crawl: %d record(s) did not reach their sink and wait in %s for the next run", undelivered(summary), spoolDir))
	}
	return summary, nil
}

// undelivered counts the records of a crawl that went to a spool or to a
// rejected file, and the records its spools still hold.
func undelivered(s crawler.Summary) int {
	n := 0
	for _, st := range s.Sinks {
		n += st.Spooled + st.Rejected
		if st.Spooled == 0 {
			n += st.Pending
		}
	}
	return n
}

// sinkSpecs converts the configuration's sink entries for the sink package.
func sinkSpecs(specs []config.SinkSpec) []sink.Spec {
	out := make([]sink.Spec, 0, len(specs))
	for _, s := range specs {
		out = append(out, sinkSpec(s))
	}
	return out
}

func sinkSpec(s config.SinkSpec) sink.Spec {
	return sink.Spec{Type: s.Type, Path: s.Path, Node: s.Node, Line: s.Line, KeyPath: s.KeyPath}
}

// sinkCheck validates each sink's settings with the sink registry while
// the configuration loads, so that sink problems are listed with the
// others, each with its line.
func sinkCheck(registry *sink.Registry) func(config.SinkSpec) []config.Problem {
	return func(spec config.SinkSpec) []config.Problem {
		_, err := registry.New(sinkSpec(spec))
		if err == nil {
			return nil
		}

		var problems []config.Problem
		for _, e := range flattenErrors(err) {
			problems = append(problems, sinkProblem(spec, e))
		}
		return problems
	}
}

// sinkProblem turns one error of a sink factory into a configuration
// problem with a key path relative to the sink entry.
func sinkProblem(spec config.SinkSpec, err error) config.Problem {
	var specErr *sink.SpecError
	if !errors.As(err, &specErr) {
		return config.Problem{Message: err.Error()}
	}

	key := strings.TrimPrefix(strings.TrimPrefix(specErr.Key, spec.KeyPath), ".")
	return config.Problem{Line: specErr.Line, Path: key, Message: specErr.Message}
}

// flattenErrors lists the errors joined in err, or err alone.
func flattenErrors(err error) []error {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}

	var out []error
	for _, e := range joined.Unwrap() {
		out = append(out, flattenErrors(e)...)
	}
	return out
}

// newLogger builds the zap logger of a crawl, writing to w.
func newLogger(format, level string, w io.Writer) (*zap.Logger, error) {
	var lvl zapcore.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, usageErrorf("crawl", "invalid --log-level %q: use debug, info, warn or error", level)
	}

	encoderConfig := zap.NewProductionEncoderConfig()
	encoderConfig.EncodeTime = zapcore.ISO8601TimeEncoder
	encoderConfig.EncodeDuration = zapcore.StringDurationEncoder

	var encoder zapcore.Encoder
	switch format {
	case "console":
		encoderConfig.EncodeLevel = zapcore.CapitalLevelEncoder
		encoder = zapcore.NewConsoleEncoder(encoderConfig)
	case "json":
		encoder = zapcore.NewJSONEncoder(encoderConfig)
	default:
		return nil, usageErrorf("crawl", "invalid --log-format %q: use console or json", format)
	}

	core := zapcore.NewCore(encoder, zapcore.Lock(zapcore.AddSync(w)), lvl)
	return zap.New(core), nil
}

// printSummary writes the crawl's summary for a person.
func printSummary(w io.Writer, s crawler.Summary) {
	state := "finished"
	switch {
	case s.Interrupted:
		state = "interrupted"
	case s.StopReason == crawler.StopMaxPages:
		state = "stopped at --max-pages"
	case s.StopReason == crawler.StopMaxDuration:
		state = "stopped at --max-duration"
	}

	fmt.Fprintf(w, "crawl %s in %s\n", state, s.Duration.Round(1e6))
	fmt.Fprintf(w, "  pages fetched:          %d\n", s.Fetched)
	if s.Full {
		fmt.Fprintf(w, "  articles written:       %d (new %d, updated %d, unchanged %d: --full writes them again)\n",
			s.Articles, s.ArticlesNew, s.ArticlesUpdated, s.ArticlesUnchanged)
	} else {
		fmt.Fprintf(w, "  articles written:       %d (new %d, updated %d)\n", s.Articles, s.ArticlesNew, s.ArticlesUpdated)
		fmt.Fprintf(w, "  articles unchanged:     %d (known from earlier runs, not written again)\n", s.ArticlesUnchanged)
	}
	fmt.Fprintf(w, "  not modified (304):     %d\n", s.NotModified)
	fmt.Fprintf(w, "  listings and feeds:     %d\n", s.Listings)
	fmt.Fprintf(w, "  other pages:            %d\n", s.Other)
	fmt.Fprintf(w, "  duplicates skipped:     %d\n", s.Duplicates)
	fmt.Fprintf(w, "  blocked by robots.txt:  %d\n", s.Blocked)
	if s.Canceled > 0 {
		fmt.Fprintf(w, "  canceled at the stop:   %d\n", s.Canceled)
	}
	if n := s.TrapsSkipped(); n > 0 {
		fmt.Fprintf(w, "  links skipped as traps: %d\n", n)
	}
	fmt.Fprintf(w, "  failed:                 %d\n", s.Failed())
	for _, kind := range s.ErrorKinds() {
		fmt.Fprintf(w, "    %-22s %d\n", kind+":", s.Errors[kind])
	}
	printSinkStats(w, s.Sinks)

	fallbacks := s.FallbackCounts()
	if len(fallbacks) == 0 {
		return
	}
	fmt.Fprintf(w, "  profile selectors that matched nothing (the generic extractor filled in):\n")
	for _, f := range fallbacks {
		noun := "pages"
		if f.Pages == 1 {
			noun = "page"
		}
		fmt.Fprintf(w, "    %s %s: %d %s\n", f.Profile, f.Field, f.Pages, noun)
	}
}

// printSinkStats writes what happened to the records of each sink.
func printSinkStats(w io.Writer, stats []sink.Stats) {
	if len(stats) == 0 {
		return
	}

	fmt.Fprintf(w, "  sinks:\n")
	for _, st := range stats {
		fmt.Fprintf(w, "    %s: written %d, retried %d, spooled %d, replayed %d", st.Sink, st.Written, st.Retried, st.Spooled, st.Replayed)
		if st.Rejected > 0 {
			fmt.Fprintf(w, ", rejected %d", st.Rejected)
		}
		if st.Pending > 0 {
			fmt.Fprintf(w, ", still in the spool %d", st.Pending)
		}
		if st.Lost > 0 {
			fmt.Fprintf(w, ", lost %d", st.Lost)
		}
		fmt.Fprintln(w)
	}
}

// runVersion prints the version.
func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprintf(stdout, "gleaner %s\n", versionString())
	return err
}
