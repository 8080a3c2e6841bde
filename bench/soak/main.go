// Command soak measures whether "gleaner crawl" keeps its memory flat on a
// long crawl.
//
// It serves a generated news site on 127.0.0.1 (listing pages, article
// pages, robots.txt and sitemaps), writes a crawl configuration into a
// work folder and runs the gleaner binary on it as a child process, as a
// user would. Every 250 ms it reads the child's resident set size from
// /proc/PID/status. At each checkpoint, a count of article pages the site
// has served, it records the resident size and its peak so far. At the end
// it prints a Markdown table, the crawl's figures and a verdict against the
// target: a peak under 200 MB and no more than 10% growth from the first
// checkpoint to the last. It runs on Linux only, because it reads /proc.
//
// The folder is a Go module of its own that does not import gleaner, so
// it measures the binary exactly as it is shipped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

var (
	// errTargetMissed means the run finished but failed the memory target.
	errTargetMissed = errors.New("memory target missed")

	// errInterrupted means a signal stopped the run before the crawl ended.
	errInterrupted = errors.New("interrupted")
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()

	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errTargetMissed):
		os.Exit(2)
	case errors.Is(err, errInterrupted):
		os.Exit(130)
	default:
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	opts, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}

	dir, cleanup, err := prepareWorkdir(opts, stderr)
	if err != nil {
		return err
	}
	defer func() {
		if cleanupErr := cleanup(); cleanupErr != nil && err == nil {
			err = cleanupErr
		}
	}()
	files := newWorkFiles(dir)

	// The server listens before the site is made, because the site's
	// absolute URLs need the port.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen on 127.0.0.1: %w", err)
	}
	base := "http://" + listener.Addr().String()
	site := newSite(base, opts.pages, articlesPerListing, maxSitemapURLs)
	mon := newMonitor(site, opts.checkpoints, stderr)
	site.onArticle = mon.articleServed

	server := &http.Server{Handler: site, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- server.Serve(listener) }()
	defer shutdown(server, serveErr, stderr)

	if err := writeConfig(files, base, opts.parallelism); err != nil {
		return err
	}

	r, err := crawl(ctx, opts, files, site, mon, stderr)
	if err != nil {
		return err
	}
	collectOutputs(ctx, r, files)
	r.Verdict = judge(r.Checkpoints, r.PeakRSS)

	printReport(stdout, r)
	if opts.jsonPath != "" {
		if err := writeJSON(opts.jsonPath, r); err != nil {
			return err
		}
	}

	switch {
	case r.Interrupted:
		return errInterrupted
	case !r.Verdict.Pass:
		return errTargetMissed
	}
	return nil
}

// crawl runs the crawler to its end, or until ctx is canceled, and
// returns the measurements of the run.
func crawl(ctx context.Context, opts options, files workFiles, site *site, mon *monitor, progress io.Writer) (*result, error) {
	logFile, err := os.Create(files.log)
	if err != nil {
		return nil, fmt.Errorf("create crawler log: %w", err)
	}
	defer logFile.Close()

	cmd := crawlCommand(ctx, opts.bin, files, logFile)
	fmt.Fprintf(progress, "soak: serving %d articles at %s; crawling with %s, log in %s\n",
		opts.pages, site.base, opts.bin, files.log)
	startedAt := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", opts.bin, err)
	}

	// Wait's error is not needed: an exit status other than 0 is a
	// figure of the run, read from ProcessState.
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	mon.watch(cmd.Process.Pid, startedAt, exited)
	wall := time.Since(startedAt)

	r := &result{
		Binary:      opts.bin,
		Articles:    opts.pages,
		Parallelism: opts.parallelism,
		StartedAt:   startedAt.UTC(),
		WallSeconds: wall.Seconds(),
		ExitCode:    cmd.ProcessState.ExitCode(),
		Interrupted: ctx.Err() != nil,
		Served:      site.served(),
		PeakRSS:     maxRSS(cmd.ProcessState),
		Checkpoints: mon.checkpoints,
		Samples:     mon.samples,
	}
	r.PagesPerSecond = float64(r.Served.pages()) / wall.Seconds()
	if last, ok := mon.lastSample(); ok {
		r.FinalRSS = last.RSS
		r.PeakRSS = max(r.PeakRSS, last.PeakRSS)
	}
	if mon.lastError != nil {
		r.Notes = append(r.Notes, fmt.Sprintf("last failed memory reading: %v", mon.lastError))
	}
	return r, nil
}

// collectOutputs reads the crawler's summary file, counts the rows of its
// SQLite database and scans its log. A figure that cannot be read becomes
// a note of r.
func collectOutputs(ctx context.Context, r *result, files workFiles) {
	summary, err := readSummary(files.summary)
	if err != nil {
		r.Notes = append(r.Notes, err.Error())
	}
	r.Summary = summary

	// The rows are counted also after a signal, so use a context of
	// their own.
	countCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	rows, err := countRows(countCtx, files.database)
	if err != nil {
		r.Notes = append(r.Notes, "SQLite rows not counted: "+err.Error())
	} else {
		r.SQLiteRows = &rows
	}

	stats, err := scanLog(files.log)
	if err != nil {
		r.Notes = append(r.Notes, err.Error())
	}
	r.Log = stats
}

// prepareWorkdir returns the work folder and a function that removes it
// when soak made it as a temporary folder and --keep is not set. A folder
// named by --workdir is made when missing, must be empty, and is kept.
func prepareWorkdir(opts options, progress io.Writer) (string, func() error, error) {
	noCleanup := func() error { return nil }

	if opts.workdir != "" {
		if err := os.MkdirAll(opts.workdir, 0o755); err != nil {
			return "", nil, fmt.Errorf("create --workdir: %w", err)
		}
		entries, err := os.ReadDir(opts.workdir)
		if err != nil {
			return "", nil, fmt.Errorf("read --workdir: %w", err)
		}
		if len(entries) > 0 {
			return "", nil, fmt.Errorf("invalid --workdir %s: not empty; give an empty or new folder so that old records are not counted", opts.workdir)
		}
		return opts.workdir, noCleanup, nil
	}

	dir, err := os.MkdirTemp("", "gleaner-soak-")
	if err != nil {
		return "", nil, fmt.Errorf("create work folder: %w", err)
	}
	if opts.keep {
		return dir, func() error {
			fmt.Fprintf(progress, "soak: kept the work folder %s\n", dir)
			return nil
		}, nil
	}
	return dir, func() error {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("remove work folder: %w", err)
		}
		return nil
	}, nil
}

// shutdown stops the site's server and reports a server error other than
// the one Shutdown causes.
func shutdown(server *http.Server, serveErr <-chan error, progress io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.Shutdown(ctx); err != nil {
		fmt.Fprintf(progress, "soak: stop the site's server: %v\n", err)
	}
	if err := <-serveErr; !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(progress, "soak: the site's server stopped: %v\n", err)
	}
}
