package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler"
	"github.com/gleanerhq/gleaner/extract"
)

const checkUsage = `Usage: gleaner check --config FILE [--url URL] [--fetched-at TIME] [--json] FILE_OR_URL...

Runs the site profiles of a configuration on saved or live pages and
reports, page by page, which profile selectors still match. Run it after a
site changes its layout, or in CI on a few saved pages of each site: the
exit status is 2 as soon as one selector stops matching.

Each argument is a saved HTML file or an http or https URL. A URL is fetched
once, without following links, with the configuration's user_agent,
timeout, delay and respect_robots_txt settings. The profile is the first one
whose hosts match the page's host:
  - for a URL, the host it was finally fetched from;
  - for a file, the host of --url, or without --url the host of the page's
    canonical URL (<link rel=canonical> or og:url).

The report lists every selector the profile configures, with its status:
  matched    the selector found its value; VALUE previews it
  fell back  (title, published, body, authors, recommended.block) the
             selector found nothing usable, so the generic extractor filled
             the field; VALUE shows what that gave instead
  no match   (remove and the other recommended keys) the selector matches
             no element on the page
  skipped    (body) the extractor read the page as a listing, not an article
MATCHES counts the elements the selector matches in the page as saved,
before the extractor drops scripts, hidden elements and the remove
selectors. The recommended keys other than block are counted inside the
matches of block, and of item when it is set. The last line of each page
gives the number of recommended entries extracted.

Flags:
  --config FILE
        the YAML configuration with the profiles (required). It is loaded
        and checked as "gleaner crawl" does, so it needs its seeds too.
  --url URL
        the address of the saved FILEs. It chooses the profile and resolves
        relative links, and applies to every FILE: give one file per call
        when the pages have different addresses. URL arguments ignore it.
  --fetched-at TIME
        when the saved pages were fetched, in RFC 3339
        (2024-05-01T08:00:00+08:00). Relative times such as "8小時前" count
        back from it. Default: now. URL arguments use their fetch time.
  --json
        print one JSON object per page, one line each, instead of a table.
        Its fields: input, url, url_source, profile, page_type, recommended,
        ok, selectors (key, selector, status, matches, value) and error.

Exit status: 0 when every configured selector matched on every page; 2 when
a selector fell back, matched nothing or was skipped on some page; 1 for a
usage or configuration error, or when a page could not be read, fetched or
given a profile.

Example, the saved page of the example profile:
  gleaner check --config examples/profiles.yaml \
      --url https://news.example-agg.com/zh-hant/article/188231 \
      examples/pages/seed-article.html
`

// runCheck runs "gleaner check".
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", checkUsage, stderr)
	configFile := fs.String("config", "", "the YAML configuration with the profiles")
	pageURL := fs.String("url", "", "the address of the saved files")
	fetchedAt := fs.String("fetched-at", "", "fetch time of the saved files in RFC 3339; default now")
	asJSON := fs.Bool("json", false, "print one JSON object per page")

	inputs, stop, err := parseFlags(fs, args, checkUsage, stdout)
	if stop {
		return err
	}

	c, err := newChecker(ctx, *configFile, *pageURL, *fetchedAt, len(inputs))
	if err != nil {
		return err
	}
	defer c.close()

	out := newCheckWriter(stdout, *asJSON)
	var tally checkTally
	for _, input := range inputs {
		if ctx.Err() != nil {
			return fmt.Errorf("check interrupted: %w", ctx.Err())
		}

		report := c.check(input)
		tally.add(report)
		if report.Error != "" {
			fmt.Fprintf(stderr, "gleaner: check %s: %s\n", input, report.Error)
		}
		if err := out.page(report); err != nil {
			return fmt.Errorf("write report of %s: %w", input, err)
		}
	}

	if err := out.total(tally); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return tally.err()
}

// checker checks pages against the profiles of one configuration.
type checker struct {
	ctx       context.Context
	cfg       *config.Config
	pageURL   string
	fetchedAt time.Time

	// fetcher fetches the URL arguments. It is built at the first one.
	fetcher *crawler.Fetcher
}

// newChecker checks the flags and loads the configuration.
func newChecker(ctx context.Context, configFile, pageURL, fetchedAt string, inputs int) (*checker, error) {
	if configFile == "" {
		return nil, usageErrorf("check", "missing --config FILE")
	}
	if inputs == 0 {
		return nil, usageErrorf("check", "no FILE or URL given")
	}
	if err := checkPageURL("check", pageURL); err != nil {
		return nil, err
	}
	ref, err := parseFetchedAt("check", fetchedAt)
	if err != nil {
		return nil, err
	}

	cfg, err := config.Load(configFile)
	if err != nil {
		return nil, withCode(exitFailure, err)
	}
	if len(cfg.Profiles) == 0 {
		return nil, withCode(exitFailure, fmt.Errorf("check: %s has no profiles key: add the profiles of the sites to check (see \"gleaner help check\")", configFile))
	}

	return &checker{ctx: ctx, cfg: cfg, pageURL: pageURL, fetchedAt: ref}, nil
}

// close closes the fetcher's idle connections, if there is a fetcher.
func (c *checker) close() {
	if c.fetcher != nil {
		c.fetcher.Close()
	}
}

// loadedPage is a page to check, with the address its profile is chosen by.
type loadedPage struct {
	body        []byte
	contentType string
	url         string
	urlSource   string // "fetched", "--url" or "canonical"
	fetchedAt   time.Time
}

// check runs the profile for input's host on input and returns the report.
// A page that cannot be checked gives a report with Error set.
func (c *checker) check(input string) pageReport {
	report := pageReport{Input: input}

	page, err := c.load(input)
	if err != nil {
		report.Error = err.Error()
		return report
	}
	report.URL, report.URLSource = page.url, page.urlSource

	site, err := c.profileFor(page.url)
	if err != nil {
		report.Error = err.Error()
		return report
	}
	report.Profile = site.Name

	record, err := extract.Extract(page.body, c.extractOptions(page, site))
	if err != nil {
		report.Error = fmt.Sprintf("extract: %v", err)
		return report
	}

	doc, err := parseForCounts(page)
	if err != nil {
		report.Error = err.Error()
		return report
	}

	report.fill(site, record, doc)
	return report
}

// load reads a file or fetches a URL, and finds the page's address.
func (c *checker) load(input string) (*loadedPage, error) {
	if isWebURL(input) {
		return c.fetch(input)
	}

	body, err := readPage(input)
	if err != nil {
		return nil, err
	}
	page := &loadedPage{body: body, url: c.pageURL, urlSource: "--url", fetchedAt: c.fetchedAt}
	if page.url != "" {
		return page, nil
	}

	// Without --url, the page's own canonical address decides. Reading it
	// takes one extraction without a profile.
	record, err := extract.Extract(body, extract.Options{FetchedAt: c.fetchedAt})
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	if record.CanonicalURL == "" {
		return nil, errors.New("the page names no canonical URL to choose a profile by: pass its address with --url")
	}
	page.url, page.urlSource = record.CanonicalURL, "canonical"
	return page, nil
}

// fetch fetches a URL argument with the configuration's HTTP settings.
func (c *checker) fetch(rawURL string) (*loadedPage, error) {
	if c.fetcher == nil {
		fetcher, err := crawler.NewFetcher(c.cfg, crawler.Options{})
		if err != nil {
			return nil, err
		}
		c.fetcher = fetcher
	}

	fetched, err := c.fetcher.FetchPage(c.ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w%s", err, scrapeHint(err))
	}

	return &loadedPage{
		body:        fetched.Body,
		contentType: fetched.ContentType,
		url:         fetched.URL,
		urlSource:   "fetched",
		fetchedAt:   fetched.FetchedAt,
	}, nil
}

// isWebURL reports whether a check argument is an http or https URL
// rather than a file.
func isWebURL(input string) bool {
	lower := strings.ToLower(input)
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}

// profileFor returns the profile for the host of pageURL, or an error that
// lists the configured host patterns.
func (c *checker) profileFor(pageURL string) (*config.SiteProfile, error) {
	u, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("invalid page URL %q: %w", pageURL, err)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("the page URL %q has no host to choose a profile by: pass its web address with --url", pageURL)
	}

	site := c.cfg.SiteProfileFor(u.Host)
	if site == nil {
		var patterns []string
		for _, p := range c.cfg.Profiles {
			patterns = append(patterns, p.Hosts...)
		}
		return nil, fmt.Errorf("no profile matches host %q: the profiles cover %s", u.Hostname(), strings.Join(patterns, ", "))
	}
	return site, nil
}

// extractOptions returns the extractor's options for page with the
// profile site. The profile's time zone wins over the configuration's, as
// in a crawl.
func (c *checker) extractOptions(page *loadedPage, site *config.SiteProfile) extract.Options {
	opts := extract.Options{
		URL:         page.url,
		FetchedAt:   page.fetchedAt,
		ContentType: page.contentType,
		Location:    c.cfg.TimeZone,
		Profile:     site.Profile,
	}
	if site.Profile.Location != nil {
		opts.Location = site.Profile.Location
	}
	return opts
}
