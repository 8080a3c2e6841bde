package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"time"

	"github.com/gleanerhq/gleaner/crawler/sink"
	"github.com/gleanerhq/gleaner/extract"
)

const extractUsage = `Usage: gleaner extract [--url URL] [--fetched-at TIME] [--time-zone ZONE] [--explain] FILE...

Reads saved HTML pages, extracts each, and prints one JSON record per file on
standard output, one line each, in the order of the arguments. The charset
is found from a byte order mark, the page's meta tags, or the bytes
themselves. No network is used. A FILE of "-" reads standard input.

A file that cannot be read or extracted gets a message on standard error
that names it and no line on standard output; the other files are still
printed, and the exit status is 1.

Flags:
  --url URL
        the page's address: the record's "url", and the base that relative
        links resolve against. It applies to every FILE, so give one file per
        call when the pages have different addresses. Without it "url" is
        empty and relative links stay as written (unless the page has an
        absolute <base href>).
  --fetched-at TIME
        when the page was fetched, in RFC 3339 (2024-05-01T08:00:00+08:00).
        Relative times such as "8小時前" or "3 hours ago" count back from it,
        and it is the record's "fetched_at". Default: now.
  --time-zone ZONE
        IANA zone (Asia/Taipei, Europe/London) for times the page writes
        without a zone. Default: UTC+08:00 for a Chinese page, UTC otherwise.
  --explain
        add an "explain" object to each record that names the method that
        gave each field (json-ld, meta:og:title, h1, byline, ...).

Example:
  gleaner extract --url https://news.example.com/a/1.html \
      --fetched-at 2024-05-01T08:00:00+08:00 saved/1.html
`

// runExtract runs "gleaner extract".
func runExtract(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("extract", extractUsage, stderr)
	pageURL := fs.String("url", "", "the page's address")
	fetchedAt := fs.String("fetched-at", "", "fetch time in RFC 3339; default now")
	zoneName := fs.String("time-zone", "", "IANA time zone for times without one")
	explain := fs.Bool("explain", false, "name the method behind each field")

	files, stop, err := parseFlags(fs, args, extractUsage, stdout)
	if stop {
		return err
	}

	opts, err := extractOptions(*pageURL, *fetchedAt, *zoneName)
	if err != nil {
		return err
	}
	opts.Explain = *explain
	if len(files) == 0 {
		return usageErrorf("extract", "no FILE given")
	}

	failed := 0
	for _, file := range files {
		line, err := extractFile(file, opts)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "gleaner: extract %s: %v\n", file, err)
			continue
		}

		if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
			return fmt.Errorf("write record of %s: %w", file, err)
		}
	}

	if failed > 0 {
		return withCode(exitFailure, fmt.Errorf("extract: %d of %d files failed", failed, len(files)))
	}
	return nil
}

// extractOptions checks the flags of extract and turns them into options.
func extractOptions(pageURL, fetchedAt, zoneName string) (extract.Options, error) {
	opts := extract.Options{URL: pageURL}

	if err := checkPageURL("extract", pageURL); err != nil {
		return opts, err
	}

	t, err := parseFetchedAt("extract", fetchedAt)
	if err != nil {
		return opts, err
	}
	opts.FetchedAt = t

	zone, err := loadZone("extract", zoneName)
	if err != nil {
		return opts, err
	}
	opts.Location = zone

	return opts, nil
}

// checkPageURL checks the value of a --url flag: empty, or an absolute URL.
func checkPageURL(command, pageURL string) error {
	if pageURL == "" {
		return nil
	}

	u, err := url.Parse(pageURL)
	if err != nil || u.Scheme == "" || u.Host == "" && u.Scheme != "file" {
		return usageErrorf(command, "invalid --url %q: give an absolute URL such as https://example.com/a.html", pageURL)
	}
	return nil
}

// parseFetchedAt reads the value of a --fetched-at flag, or returns now
// when it is empty.
func parseFetchedAt(command, fetchedAt string) (time.Time, error) {
	if fetchedAt == "" {
		return time.Now(), nil
	}

	t, err := time.Parse(time.RFC3339, fetchedAt)
	if err != nil {
		return time.Time{}, usageErrorf(command, "invalid --fetched-at %q: use RFC 3339, such as 2024-05-01T08:00:00+08:00", fetchedAt)
	}
	return t, nil
}

// extractFile reads and extracts one file and returns its JSON line.
func extractFile(file string, opts extract.Options) ([]byte, error) {
	page, err := readPage(file)
	if err != nil {
		return nil, err
	}

	record, err := extract.Extract(page, opts)
	if err != nil {
		return nil, err
	}
	return sink.Marshal(record)
}

// readPage reads a saved page, or standard input for "-". An error does
// not name the file, because the caller's message names it already.
func readPage(file string) ([]byte, error) {
	page, err := readInput(file)
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return nil, pathErr.Err
	}
	if err != nil {
		return nil, err
	}
	if len(page) == 0 {
		return nil, errors.New("the file is empty")
	}
	return page, nil
}

// readInput reads a file, or standard input for "-".
func readInput(file string) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(file)
}
