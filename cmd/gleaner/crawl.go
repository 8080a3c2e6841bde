package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler"
	"github.com/gleanerhq/gleaner/crawler/sink"
)

const crawlUsage = `Usage: gleaner crawl --config FILE [--log-format console|json] [--log-level LEVEL]

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

Ctrl-C (SIGINT) or SIGTERM stops the crawl cleanly: no new request starts,
the requests in flight are canceled, the records extracted so far are
written, and the sinks are closed.

Flags:
  --config FILE
        the YAML configuration (required)
  --log-format console|json
        log format on standard error (default console)
  --log-level debug|info|warn|error
        lowest level logged (default info); debug logs every request

Records reach every sink at least once. A sink that fails is retried with
backoff; while it stays down its records wait in a spool file in spool_dir
(default out/spool beside the configuration file) and are replayed when it
comes back or at the start of the next crawl. on_sink_error: stop stops the
crawl instead (the records are spooled all the same). The summary lists,
per sink, the records written, retried, spooled and replayed.

Exit status: 0 when every page succeeded and every record reached its
sinks; 1 for a configuration error or a failed sink (with on_sink_error:
stop, or when records could not even be spooled); 2 when the crawl ran to
its end but some pages failed (the summary lists them by kind) or records
went to a spool or to a rejected file; 130 when interrupted.

Example, an offline crawl of the saved demo site:
  gleaner crawl --config examples/demo.yaml
`

// runCrawl runs "gleaner crawl".
func runCrawl(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("crawl", crawlUsage, stderr)
	configFile := fs.String("config", "", "the YAML configuration")
	logFormat := fs.String("log-format", "console", "console or json")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")

	extra, stop, err := parseFlags(fs, args, crawlUsage, stdout)
	if stop {
		return err
	}
	if len(extra) > 0 {
		return usageErrorf("crawl", "unexpected argument %q: give the configuration with --config", extra[0])
	}
	if *configFile == "" {
		return usageErrorf("crawl", "missing --config FILE")
	}

	logger, err := newLogger(*logFormat, *logLevel, stderr)
	if err != nil {
		return err
	}
	defer logger.Sync()

	registry := sink.Default()
	cfg, err := config.Load(*configFile, config.WithSinkCheck(sinkCheck(registry)))
	if err != nil {
		return withCode(exitFailure, err)
	}

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
		return withCode(exitFailure, fmt.Errorf("sinks: %w", err))
	}

	c, err := crawler.New(cfg, sinks, crawler.Options{Logger: logger})
	if err != nil {
		return withCode(exitFailure, err)
	}

	summary, err := c.Run(ctx)
	printSummary(stderr, summary)

	switch {
	case summary.Interrupted:
		return withCode(exitInterrupted, err)
	case err != nil:
		return withCode(exitFailure, err)
	case summary.Failed() > 0:
		return withCode(exitPartial, fmt.Errorf("crawl: %d pages failed", summary.Failed()))
	case undelivered(summary) > 0:
		return withCode(exitPartial, fmt.Errorf("crawl: %d record(s) did not reach their sink and wait in %s for the next run", undelivered(summary), spoolDir))
	}
	return nil
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
	if s.Interrupted {
		state = "interrupted"
	}

	fmt.Fprintf(w, "crawl %s in %s\n", state, s.Duration.Round(1e6))
	fmt.Fprintf(w, "  pages fetched:          %d\n", s.Fetched)
	fmt.Fprintf(w, "  articles written:       %d\n", s.Articles)
	fmt.Fprintf(w, "  listings and feeds:     %d\n", s.Listings)
	fmt.Fprintf(w, "  other pages:            %d\n", s.Other)
	fmt.Fprintf(w, "  duplicates skipped:     %d\n", s.Duplicates)
	fmt.Fprintf(w, "  blocked by robots.txt:  %d\n", s.Blocked)
	if s.Canceled > 0 {
		fmt.Fprintf(w, "  canceled at the stop:  %d\n", s.Canceled)
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
