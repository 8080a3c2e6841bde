// Command gleaner crawls news and news-aggregator sites and extracts their
// articles: title, publication time, body and recommended items.
//
//	gleaner extract [flags] FILE...   extract saved pages, no network
//	gleaner scrape [flags] URL...     fetch and extract single pages
//	gleaner crawl --config FILE       run the crawl a configuration describes
//	gleaner check --config FILE ...   test the site profiles on saved or live pages
//	gleaner version                   print the version
//
// Run "gleaner help COMMAND" for the flags of each command. This package only
// parses the command line and wires the packages together; the work is done
// by the config, crawler, crawler/sink and extract packages.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1   // usage or configuration error, or an input that failed
	exitPartial     = 2   // a crawl ran to its end but some pages failed, or check found a selector that did not match
	exitLocked      = 3   // another crawl holds the run lock of the configuration
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM, as shells report a SIGINT
)

func main() {
	ctx, cancelCause := context.WithCancelCause(context.Background())
	cancel := func() { cancelCause(errSignal{}) }
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	// Every message goes through stderr, so that none is glued to the
	// progress line of a crawl.
	stderr := newStatusLineWriter(os.Stderr)
	abort := func() {
		stderr.clearStatus()
		os.Exit(exitInterrupted)
	}
	go watchSignals(signals, done, stderr, cancel, abort)

	err := run(ctx, os.Args[1:], os.Stdout, stderr)
	close(done)
	signal.Stop(signals)
	cancel()

	code := exitCode(err)
	if err != nil && !errors.Is(err, errReported) {
		fmt.Fprintf(stderr, "gleaner: %v\n", err)
	}
	os.Exit(code)
}

// errSignal is the cause of a crawl stopped by SIGINT or SIGTERM. It wraps
// context.Canceled, as a canceled context's error does.
type errSignal struct{}

func (errSignal) Error() string { return "stopped by SIGINT or SIGTERM" }
func (errSignal) Unwrap() error { return context.Canceled }

// watchSignals handles SIGINT and SIGTERM until done is closed. The first
// signal calls cancel, so that a crawl stops cleanly: the requests in
// flight are canceled and the records extracted so far are written. A
// second signal calls abort, which ends the process at once without
// waiting for the sinks. Records not yet written or spooled are then lost.
func watchSignals(signals <-chan os.Signal, done <-chan struct{}, stderr io.Writer, cancel, abort func()) {
	select {
	case sig := <-signals:
		fmt.Fprintf(stderr, "gleaner: %v: stopping after the records extracted so far are written; send the signal again to quit at once\n", sig)
		cancel()
	case <-done:
		return
	}

	select {
	case sig := <-signals:
		fmt.Fprintf(stderr, "gleaner: %v again: quitting at once without flushing the sinks\n", sig)
		abort()
	case <-done:
	}
}

// errReported marks an error whose message run has already written to
// standard error.
var errReported = errors.New("reported")

// exitError gives an error its exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that main exits with code.
func withCode(code int, err error) error {
	return &exitError{code: code, err: err}
}

// exitCode returns the process exit code for the error run returned.
func exitCode(err error) int {
	var coded *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &coded):
		return coded.code
	case errors.Is(err, context.Canceled):
		return exitInterrupted
	default:
		return exitFailure
	}
}

// run runs the command line args (without the program name) and returns
// what main needs for its exit code. Records and the reports of check go to
// stdout. Messages, logs and crawl summaries go to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return withCode(exitFailure, errReported)
	}

	command, rest := args[0], args[1:]
	switch command {
	case "extract":
		return runExtract(ctx, rest, stdout, stderr)
	case "scrape":
		return runScrape(ctx, rest, stdout, stderr)
	case "crawl":
		return runCrawl(ctx, rest, stdout, stderr)
	case "check":
		return runCheck(ctx, rest, stdout, stderr)
	case "version", "--version":
		return runVersion(stdout)
	case "help", "-h", "-help", "--help":
		return runHelp(rest, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "gleaner: unknown command %q\n\n%s", command, mainUsage)
		return withCode(exitFailure, errReported)
	}
}

// runHelp prints the usage of the program or of one command.
func runHelp(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, mainUsage)
		return nil
	}

	switch args[0] {
	case "extract":
		fmt.Fprint(stdout, extractUsage)
	case "scrape":
		fmt.Fprint(stdout, scrapeUsage)
	case "crawl":
		fmt.Fprint(stdout, crawlUsage)
	case "check":
		fmt.Fprint(stdout, checkUsage)
	case "version":
		fmt.Fprint(stdout, "Usage: gleaner version\n\nPrints the version of gleaner and of the Go toolchain that built it.\n")
	default:
		fmt.Fprintf(stderr, "gleaner: no help for unknown command %q\n\n%s", args[0], mainUsage)
		return withCode(exitFailure, errReported)
	}
	return nil
}

const mainUsage = `gleaner crawls news and news-aggregator sites and extracts their articles:
title, publication time, body, images and recommended items, as one JSON
record per page.

Usage:
  gleaner extract [--url URL] [--fetched-at TIME] [--time-zone ZONE] [--explain] FILE...
      Extract saved HTML files, without network. One JSON line per file.
  gleaner scrape [flags] URL...
      Fetch each web page once, without following links, and extract it.
  gleaner crawl --config FILE [--max-pages N] [--max-duration D] [--summary-json FILE] ...
      Run the crawl a YAML configuration describes, into its sinks.
  gleaner check --config FILE [--url URL] [--fetched-at TIME] [--json] FILE_OR_URL...
      Run the configuration's site profiles on saved or live pages and
      report which selectors still match.
  gleaner version
      Print the version.

Run "gleaner help COMMAND" or "gleaner COMMAND --help" for a command's flags.

Exit status: 0 on success; 1 for a usage or configuration error, or when an
input of extract, scrape or check failed; 2 when a crawl ran to its end but
some pages failed, or when check found a selector that fell back or matched
nothing; 3 when another crawl of the same configuration holds its run lock;
130 when stopped by Ctrl-C (SIGINT) or SIGTERM.

Example, an offline crawl of the saved demo site into examples/out/:
  gleaner crawl --config examples/demo.yaml
`
