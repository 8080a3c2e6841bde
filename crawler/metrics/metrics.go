// Package metrics exports the counts of gleaner crawls as Prometheus
// metrics. It owns the metric names, all prefixed gleaner_, and the mapping
// from a crawler.Summary to them.
//
// A Collector reads the running crawl's live counts at scrape time through
// crawler.Crawler.Progress, and adds the final summaries of the runs that
// ended before it. So the counters keep growing across the runs of one
// process, as Prometheus counters must. Serving the metrics over HTTP, and
// deciding when a run starts and ends, is left to the caller
// (cmd/gleaner).
package metrics

import (
	"fmt"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/crawler"
)

// Outcome is the result of a run: the "outcome" label of gleaner_runs_total.
type Outcome string

// Outcomes of a run.
const (
	OutcomeOK          Outcome = "ok"          // every page succeeded, also when a --max-* bound stopped the run
	OutcomePartial     Outcome = "partial"     // the run ended, but some pages failed or records went to a spool
	OutcomeInterrupted Outcome = "interrupted" // SIGINT or SIGTERM stopped the run
	OutcomeFailed      Outcome = "failed"      // the run could not start, or a sink failed
)

// outcomes lists every Outcome, so that gleaner_runs_total shows each one
// from the first scrape on, at 0 until a run ends that way.
var outcomes = []Outcome{OutcomeOK, OutcomePartial, OutcomeInterrupted, OutcomeFailed}

// ProgressSource is a running crawl whose counts can be read at any time.
// *crawler.Crawler is one.
type ProgressSource interface {
	Progress() crawler.Summary
}

// Descriptions of the metrics.
var (
	pagesFetchedDesc = prometheus.NewDesc("gleaner_pages_fetched_total",
		"Responses received, whatever their status.", nil, nil)
	articlesDesc = prometheus.NewDesc("gleaner_articles_written_total",
		"Article records the sinks accepted: stored, or spooled for a sink that was down.", nil, nil)
	listingsDesc = prometheus.NewDesc("gleaner_listings_total",
		"Listing pages, sitemaps and feeds read for their links only.", nil, nil)
	otherPagesDesc = prometheus.NewDesc("gleaner_other_pages_total",
		"HTML pages that gave neither an article nor a listing.", nil, nil)
	duplicatesDesc = prometheus.NewDesc("gleaner_duplicates_total",
		"Articles not written again because the same URL or body was already written.", nil, nil)
	articlesByStateDesc = prometheus.NewDesc("gleaner_articles_total",
		"Articles by what the crawl state knew of them: new, updated (written again with a new text) or unchanged (not written again).", []string{"state"}, nil)
	notModifiedDesc = prometheus.NewDesc("gleaner_pages_not_modified_total",
		"304 Not Modified answers to conditional requests; such pages are not parsed.", nil, nil)
	blockedDesc = prometheus.NewDesc("gleaner_blocked_by_robots_total",
		"URLs not fetched because robots.txt disallows them.", nil, nil)
	canceledDesc = prometheus.NewDesc("gleaner_canceled_total",
		"Requests canceled by an interrupt, or not started because a --max-* bound stopped the run.", nil, nil)
	failedDesc = prometheus.NewDesc("gleaner_pages_failed_total",
		"Failed URLs by kind, such as http_404 or timeout; records lost in a failed sink write count as kind sink.", []string{"kind"}, nil)
	trapsDesc = prometheus.NewDesc("gleaner_traps_skipped_total",
		"Links not queued because they look like crawler traps, by reason.", []string{"reason"}, nil)
	runsDesc = prometheus.NewDesc("gleaner_runs_total",
		"Crawl runs that ended, by outcome: ok, partial, interrupted or failed.", []string{"outcome"}, nil)
	runningDesc = prometheus.NewDesc("gleaner_crawl_running",
		"1 while a crawl runs, 0 otherwise.", nil, nil)
	lastStartDesc = prometheus.NewDesc("gleaner_last_run_start_timestamp_seconds",
		"Unix time at which the last run started; absent until a run starts.", nil, nil)
	lastEndDesc = prometheus.NewDesc("gleaner_last_run_end_timestamp_seconds",
		"Unix time at which the last run ended; absent until a run ends.", nil, nil)
	lastDurationDesc = prometheus.NewDesc("gleaner_last_run_duration_seconds",
		"Wall time of the last run that ended; absent until a run ends.", nil, nil)
)

// Collector is a prometheus.Collector for the crawls of one process. Call
// RunStarted, then Track with the run's crawler once it exists, then
// RunEnded with the run's final summary. A Collector is safe for concurrent
// use: scrapes may come at any time.
type Collector struct {
	mu           sync.Mutex
	ended        counts         // totals of the runs that ended
	live         ProgressSource // the running crawl; nil between runs
	running      bool
	runs         map[Outcome]int
	lastStart    time.Time
	lastEnd      time.Time
	lastDuration time.Duration // wall time of the last run that ended
}

var _ prometheus.Collector = (*Collector)(nil)

// NewCollector returns a Collector with every count at 0.
func NewCollector() *Collector {
	return &Collector{ended: newCounts(), runs: map[Outcome]int{}}
}

// RunStarted records that a run began at start. gleaner_crawl_running is 1
// from now until RunEnded.
func (c *Collector) RunStarted(start time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.running = true
	c.lastStart = start
	c.live = nil
}

// Track makes scrapes read the live counts of the running crawl from p
// until RunEnded.
func (c *Collector) Track(p ProgressSource) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.live = p
}

// RunEnded records that the run ended at end with outcome, and adds its
// final summary to the totals. The run's duration is counted from the
// last RunStarted. final must be the summary that
// crawler.Crawler.Run returned, or the zero Summary for a run that never
// crawled. Its counts are never below the live counts that scrapes read
// during the run, so the counters do not go back.
func (c *Collector) RunEnded(final crawler.Summary, outcome Outcome, end time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.ended.add(final)
	c.live = nil
	c.running = false
	c.runs[outcome]++
	c.lastEnd = end
	c.lastDuration = 0
	if !c.lastStart.IsZero() {
		c.lastDuration = end.Sub(c.lastStart)
	}
}

// Describe sends the descriptions of every metric of the Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		pagesFetchedDesc, articlesDesc, articlesByStateDesc, notModifiedDesc, listingsDesc, otherPagesDesc, duplicatesDesc,
		blockedDesc, canceledDesc, failedDesc, trapsDesc, runsDesc, runningDesc,
		lastStartDesc, lastEndDesc, lastDurationDesc,
	} {
		ch <- d
	}
}

// Collect sends the current values: the totals of the runs that ended plus
// the live counts of the running crawl.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	totals := c.ended.clone()
	if c.live != nil {
		totals.add(c.live.Progress())
	}
	running := c.running
	runs := maps.Clone(c.runs)
	lastStart, lastEnd, lastDuration := c.lastStart, c.lastEnd, c.lastDuration
	c.mu.Unlock()

	send(ch, pagesFetchedDesc, prometheus.CounterValue, float64(totals.fetched))
	send(ch, articlesDesc, prometheus.CounterValue, float64(totals.articles))
	send(ch, articlesByStateDesc, prometheus.CounterValue, float64(totals.articlesNew), "new")
	send(ch, articlesByStateDesc, prometheus.CounterValue, float64(totals.articlesUpdated), "updated")
	send(ch, articlesByStateDesc, prometheus.CounterValue, float64(totals.articlesUnchanged), "unchanged")
	send(ch, notModifiedDesc, prometheus.CounterValue, float64(totals.notModified))
	send(ch, listingsDesc, prometheus.CounterValue, float64(totals.listings))
	send(ch, otherPagesDesc, prometheus.CounterValue, float64(totals.other))
	send(ch, duplicatesDesc, prometheus.CounterValue, float64(totals.duplicates))
	send(ch, blockedDesc, prometheus.CounterValue, float64(totals.blocked))
	send(ch, canceledDesc, prometheus.CounterValue, float64(totals.canceled))
	for kind, n := range totals.failed {
		send(ch, failedDesc, prometheus.CounterValue, float64(n), kind)
	}
	// Every known reason is sent from the start, at 0 until a link is
	// skipped, so the series exist before the first trap.
	traps := map[string]int{crawler.TrapURLTooLong: 0, crawler.TrapTooManyQueryParams: 0, crawler.TrapPathRepeats: 0}
	maps.Copy(traps, totals.traps)
	for reason, n := range traps {
		send(ch, trapsDesc, prometheus.CounterValue, float64(n), reason)
	}
	for _, outcome := range outcomes {
		send(ch, runsDesc, prometheus.CounterValue, float64(runs[outcome]), string(outcome))
	}

	send(ch, runningDesc, prometheus.GaugeValue, boolValue(running))
	if !lastStart.IsZero() {
		send(ch, lastStartDesc, prometheus.GaugeValue, unixSeconds(lastStart))
	}
	if !lastEnd.IsZero() {
		send(ch, lastEndDesc, prometheus.GaugeValue, unixSeconds(lastEnd))
		send(ch, lastDurationDesc, prometheus.GaugeValue, lastDuration.Seconds())
	}
}

// NewHandler returns an HTTP handler that serves the metrics of c, of the
// Go runtime and of the process in the Prometheus exposition formats.
// Errors while gathering go to logger; nil means no logging.
func NewHandler(c *Collector, logger *zap.Logger) (http.Handler, error) {
	if logger == nil {
		logger = zap.NewNop()
	}

	registry := prometheus.NewRegistry()
	for _, collector := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		c,
	} {
		if err := registry.Register(collector); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}

	return promhttp.HandlerFor(registry, promhttp.HandlerOpts{
		ErrorLog:      zap.NewStdLog(logger.Named("metrics")),
		ErrorHandling: promhttp.ContinueOnError,
	}), nil
}

// send sends one sample, or an invalid metric that makes the scrape report
// the error when the labels do not fit desc.
func send(ch chan<- prometheus.Metric, desc *prometheus.Desc, kind prometheus.ValueType, value float64, labels ...string) {
	m, err := prometheus.NewConstMetric(desc, kind, value, labels...)
	if err != nil {
		m = prometheus.NewInvalidMetric(desc, err)
	}
	ch <- m
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unixSeconds(t time.Time) float64 {
	return float64(t.UnixNano()) / float64(time.Second)
}
