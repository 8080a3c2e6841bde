package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// options are the command-line settings of one soak run.
type options struct {
	bin         string
	pages       int
	checkpoints []int
	workdir     string
	keep        bool
	jsonPath    string
	parallelism int
}

const usageHeader = `Usage: soak --bin PATH [--pages N] [--checkpoints N,N,...] [--workdir DIR] [--keep] [--json FILE]

Serves a generated news site of N articles on 127.0.0.1, crawls it with
"gleaner crawl" and samples the crawler's memory from /proc every 250 ms.
Prints a Markdown table of the resident set size at each checkpoint and a
verdict: PASS when the peak stays under 200 MB and the resident size grows
by at most 10% from the first checkpoint to the last.

Exit status: 0 for PASS, 1 for an error, 2 for FAIL, 130 when interrupted.

Flags:
`

// parseOptions parses the command line. It returns flag.ErrHelp after
// printing the usage for -h or --help.
func parseOptions(args []string, output io.Writer) (options, error) {
	var opts options
	var checkpoints string

	flags := flag.NewFlagSet("soak", flag.ContinueOnError)
	flags.SetOutput(output)
	flags.Usage = func() {
		fmt.Fprint(output, usageHeader)
		flags.PrintDefaults()
	}
	flags.StringVar(&opts.bin, "bin", "", "path of the gleaner binary to run (required)")
	flags.IntVar(&opts.pages, "pages", 100000, "number of article pages on the generated site")
	flags.StringVar(&checkpoints, "checkpoints", "10000,100000", "comma-separated, ascending counts of article pages served at which to record memory; each at most --pages")
	flags.StringVar(&opts.workdir, "workdir", "", "empty or new folder for the configuration, database and logs (default: a new temporary folder, removed at the end unless --keep)")
	flags.BoolVar(&opts.keep, "keep", false, "keep the temporary work folder")
	flags.StringVar(&opts.jsonPath, "json", "", "also write the result, with every memory sample, as JSON to this file")
	flags.IntVar(&opts.parallelism, "parallelism", 4, "the crawl's parallelism: concurrent requests to the site")

	if err := flags.Parse(args); err != nil {
		return options{}, err
	}
	if flags.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected argument %q: soak takes flags only", flags.Arg(0))
	}

	if opts.bin == "" {
		return options{}, errors.New("missing --bin: give the path of a gleaner binary (go build -o gleaner ./cmd/gleaner in the repository root)")
	}
	if info, err := os.Stat(opts.bin); err != nil {
		return options{}, fmt.Errorf("invalid --bin: %w", err)
	} else if info.IsDir() {
		return options{}, fmt.Errorf("invalid --bin %s: is a folder, not a binary", opts.bin)
	}
	if opts.pages < 1 {
		return options{}, fmt.Errorf("invalid --pages %d: must be at least 1", opts.pages)
	}
	if opts.parallelism < 1 {
		return options{}, fmt.Errorf("invalid --parallelism %d: must be at least 1", opts.parallelism)
	}

	parsed, err := parseCheckpoints(checkpoints, opts.pages)
	if err != nil {
		return options{}, err
	}
	opts.checkpoints = parsed
	return opts, nil
}

// parseCheckpoints parses a comma-separated list of ascending article
// counts, each in [1, pages].
func parseCheckpoints(text string, pages int) ([]int, error) {
	var checkpoints []int
	for field := range strings.SplitSeq(text, ",") {
		field = strings.TrimSpace(field)
		n, err := strconv.Atoi(field)
		if err != nil {
			return nil, fmt.Errorf("invalid --checkpoints %q: %q is not a whole number", text, field)
		}
		if n < 1 || n > pages {
			return nil, fmt.Errorf("invalid --checkpoints %q: %d is outside 1 to --pages %d", text, n, pages)
		}
		if len(checkpoints) > 0 && n <= checkpoints[len(checkpoints)-1] {
			return nil, fmt.Errorf("invalid --checkpoints %q: counts must be ascending", text)
		}
		checkpoints = append(checkpoints, n)
	}
	return checkpoints, nil
}
