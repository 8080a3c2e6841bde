package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler"
	"github.com/gleanerhq/gleaner/crawler/sink"
)

const scrapeUsage = `Usage: gleaner scrape [flags] URL...

Fetches each http or https URL once, without following links, extracts the
page and prints its record as "gleaner extract" does: one JSON line per URL,
in the order of the arguments. A URL that fails gets a message on standard
error and no line; the others are still printed, and the exit status is 1.

robots.txt is obeyed unless --ignore-robots is given. Requests to one host
are spaced by --delay. Save a page and use "gleaner extract" to work offline.

Flags:
  --config FILE
        take user_agent, timeout, delay, max_body_size, respect_robots_txt,
        time_zone and profiles from this crawl configuration; the flags
        below override it. A page whose host matches a profile is extracted
        with the profile's selectors.
  --user-agent TEXT
        User-Agent header (default "` + config.DefaultUserAgent + `")
  --timeout DURATION
        limit for one request, connecting to reading the body, such as 30s
        (default 30s)
  --delay DURATION
        pause between requests to one host, such as 1s (default 1s)
  --ignore-robots
        fetch URLs that the site's robots.txt disallows
  --time-zone ZONE
        IANA zone for times the page writes without a zone (default: UTC+08:00
        for a Chinese page, UTC otherwise)

Example:
  gleaner scrape --timeout 10s https://news.example.com/a/1.html
`

// runScrape runs "gleaner scrape".
func runScrape(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("scrape", scrapeUsage, stderr)
	configFile := fs.String("config", "", "crawl configuration to take HTTP settings from")
	userAgent := fs.String("user-agent", "", "User-Agent header")
	timeout := fs.Duration("timeout", 0, "limit for one request")
	delay := fs.Duration("delay", -1, "pause between requests to one host")
	ignoreRobots := fs.Bool("ignore-robots", false, "fetch URLs robots.txt disallows")
	zoneName := fs.String("time-zone", "", "IANA time zone for times without one")

	urls, stop, err := parseFlags(fs, args, scrapeUsage, stdout)
	if stop {
		return err
	}
	if len(urls) == 0 {
		return usageErrorf("scrape", "no URL given")
	}

	cfg, err := scrapeConfig(*configFile, *userAgent, *timeout, *delay, *ignoreRobots, *zoneName)
	if err != nil {
		return err
	}

	fetcher, err := crawler.NewFetcher(cfg, crawler.Options{})
	if err != nil {
		return err
	}
	defer fetcher.Close()

	failed := 0
	for _, u := range urls {
		if ctx.Err() != nil {
			return fmt.Errorf("scrape interrupted: %w", ctx.Err())
		}

		record, err := fetcher.Fetch(ctx, u)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "gleaner: scrape %s: %v%s\n", u, err, scrapeHint(err))
			continue
		}

		line, err := sink.Marshal(record)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(stdout, "%s\n", line); err != nil {
			return fmt.Errorf("write record of %s: %w", u, err)
		}
	}

	if ctx.Err() != nil {
		return fmt.Errorf("scrape interrupted: %w", ctx.Err())
	}
	if failed > 0 {
		return withCode(exitFailure, fmt.Errorf("scrape: %d of %d URLs failed", failed, len(urls)))
	}
	return nil
}

// scrapeConfig builds the HTTP settings of scrape: the defaults, or the
// configuration file, overridden by the flags that were given.
func scrapeConfig(file, userAgent string, timeout, delay time.Duration, ignoreRobots bool, zoneName string) (*config.Config, error) {
	cfg := config.Default()
	if file != "" {
		loaded, err := config.Load(file)
		if err != nil {
			return nil, withCode(exitFailure, err)
		}
		cfg = loaded
	}

	if userAgent != "" {
		cfg.UserAgent = userAgent
	}
	if timeout < 0 {
		return nil, usageErrorf("scrape", "invalid --timeout %s: must not be negative", timeout)
	}
	if timeout > 0 {
		cfg.Timeout = timeout
	}
	if delay >= 0 {
		cfg.Delay = delay
	}
	if ignoreRobots {
		cfg.RespectRobotsTxt = false
	}

	zone, err := loadZone("scrape", zoneName)
	if err != nil {
		return nil, err
	}
	if zone != nil {
		cfg.TimeZone = zone
	}
	return cfg, nil
}

// scrapeHint suggests a way around a failure, when there is one.
func scrapeHint(err error) string {
	switch {
	case errors.Is(err, crawler.ErrRobotsDisallowed):
		return " (pass --ignore-robots to fetch it anyway)"
	case errors.Is(err, crawler.ErrBodyTooLarge):
		return " (raise max_body_size in a --config file)"
	}
	return ""
}
