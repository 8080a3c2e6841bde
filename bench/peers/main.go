// Command peers compares the speed of gleaner's extractor with two other Go
// article extractors, go-trafilatura and readeck's go-readability, on the
// same saved pages in one process.
//
// Each extractor gets the raw page bytes and the page URL and returns the
// page's main text. Extractors run one after another on one goroutine: a
// warm-up pass (which also counts errors and empty results), then -rounds
// timed passes over all pages. The table reports speed, allocations and how
// many times faster gleaner is than each peer.
//
// The package lives in its own module so that the product's go.mod never
// depends on the peers.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// dirList is a repeatable -dir flag.
type dirList []string

func (d *dirList) String() string { return strings.Join(*d, ",") }

func (d *dirList) Set(dir string) error {
	*d = append(*d, dir)
	return nil
}

func run(args []string, out io.Writer) error {
	flags := flag.NewFlagSet("peers", flag.ContinueOnError)
	var dirs dirList
	flags.Var(&dirs, "dir", "folder searched recursively for *.html, *.htm and *.html.gz pages; repeat for more (default: the shared corpus beside the repository)")
	rounds := flags.Int("rounds", 3, "number of timed passes over all pages per extractor")
	cpuProfile := flags.String("cpuprofile", "", "write a CPU profile of gleaner's timed passes to this file")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 {
		return fmt.Errorf("invalid -rounds %d: must be 1 or more", *rounds)
	}

	if len(dirs) == 0 {
		found, err := findDefaultDirs()
		if err != nil {
			return err
		}
		dirs = found
	}
	pages, err := loadPages(dirs)
	if err != nil {
		return err
	}

	var size int64
	for _, p := range pages {
		size += int64(len(p.html))
	}
	fmt.Fprintf(out, "%d pages (%.1f MB) from %s\n", len(pages), float64(size)/1e6, strings.Join(dirs, ", "))
	fmt.Fprintf(out, "%d timed rounds, %s, GOMAXPROCS=%d\n\n", *rounds, runtime.Version(), runtime.GOMAXPROCS(0))

	var results []result
	for _, ex := range extractors {
		profile := ""
		if ex.name == "gleaner" {
			profile = *cpuProfile
		}
		r, err := measure(ex, pages, *rounds, profile)
		if err != nil {
			return err
		}
		results = append(results, r)
	}

	return printTable(out, results)
}

// result is what one extractor did over the timed passes.
type result struct {
	name       string
	pages      int     // pages processed in the timed passes
	bytes      int64   // HTML bytes processed in the timed passes
	seconds    float64 // wall time of the timed passes
	mallocs    uint64  // heap allocations during the timed passes
	allocBytes uint64  // heap bytes allocated during the timed passes
	failed     int     // distinct pages that returned an error
	empty      int     // distinct pages that returned only white space
}

// measure runs one warm-up pass of ex over pages, then rounds timed passes.
// A non-empty profilePath gets a CPU profile of the timed passes.
func measure(ex extractor, pages []page, rounds int, profilePath string) (result, error) {
	r := result{name: ex.name}
	for _, p := range pages {
		text, err := ex.run(p)
		switch {
		case err != nil:
			r.failed++
		case strings.TrimSpace(text) == "":
			r.empty++
		}
	}

	if profilePath != "" {
		stop, err := startProfile(profilePath)
		if err != nil {
			return result{}, err
		}
		defer stop()
	}

	// Collect the warm-up's garbage first, so this extractor's numbers do
	// not pay for it.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()

	for range rounds {
		for _, p := range pages {
			_, _ = ex.run(p)
		}
	}

	r.seconds = time.Since(start).Seconds()
	runtime.ReadMemStats(&after)
	r.mallocs = after.Mallocs - before.Mallocs
	r.allocBytes = after.TotalAlloc - before.TotalAlloc
	r.pages = rounds * len(pages)
	for _, p := range pages {
		r.bytes += int64(rounds * len(p.html))
	}
	return r, nil
}

func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("create cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("start cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// printTable writes the results as a Markdown table. MB is 10^6 bytes of
// HTML input; the last column is gleaner's pages/s divided by the row's.
func printTable(out io.Writer, results []result) error {
	w := tabwriter.NewWriter(out, 0, 0, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(w, "\textractor\tpages\tseconds\tpages/s\tMB/s\tallocs/page\tKB alloc/page\terrors\tempty\tgleaner/this\t")
	fmt.Fprintln(w, "\t---\t---:\t---:\t---:\t---:\t---:\t---:\t---:\t---:\t---:\t")

	gleanerRate := results[0].pagesPerSecond()
	for _, r := range results {
		pages := float64(r.pages)
		fmt.Fprintf(w, "\t%s\t%d\t%.2f\t%.1f\t%.2f\t%.0f\t%.0f\t%d\t%d\t%.2f\t\n",
			r.name, r.pages, r.seconds, r.pagesPerSecond(), float64(r.bytes)/1e6/r.seconds,
			float64(r.mallocs)/pages, float64(r.allocBytes)/1e3/pages,
			r.failed, r.empty, gleanerRate/r.pagesPerSecond())
	}
	return w.Flush()
}

// pages2s returns the pages processed per second.
func (r result) pagesPerSecond() float64 { return float64(r.pages) / r.seconds }
