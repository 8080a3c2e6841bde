// Command peers compares the speed of gleaner's extractor with two other Go
// article extractors, go-trafilatura and readeck's go-readability, on the
// same saved pages in one process.
//
// Each extractor gets the raw page bytes and the page URL and returns the
// page's main text. Everything runs on one goroutine: one warm-up pass per
// extractor (which also counts errors and empty results), then -rounds
// rounds, each timing one pass of every extractor over all pages. The table
// reports speed, allocations and how many times faster gleaner is than
// each peer.
//
// The package lives in its own module so that the product's go.mod never
// depends on the peers.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
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
	cpuProfile := flags.String("cpuprofile", "", "after the table, profile -rounds more gleaner passes and write the CPU profile to this file")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
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

	// Warm-up passes first, then the timed rounds in turn: each round runs
	// every extractor over all pages once, so a slow spell on a shared
	// machine falls on all of them rather than on one.
	results := make([]result, len(extractors))
	for i, ex := range extractors {
		results[i] = warmUp(ex, pages)
	}
	for range *rounds {
		for i, ex := range extractors {
			results[i].add(timePass(ex, pages))
		}
	}
	if err := printTable(out, results); err != nil {
		return err
	}

	if *cpuProfile != "" {
		if err := profilePasses(*cpuProfile, gleaner, pages, *rounds); err != nil {
			return err
		}
		fmt.Fprintf(out, "\nwrote a CPU profile of %d more gleaner passes to %s\n", *rounds, *cpuProfile)
	}
	return nil
}

// printTable writes the results as a Markdown table. MB is 10^6 bytes of
// HTML input. results[0] must be gleaner's, because the last column is
// gleaner's pages/s divided by the row's.
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
