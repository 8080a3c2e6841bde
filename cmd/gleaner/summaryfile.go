package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gleanerhq/gleaner/crawler"
)

// Stop reasons of runSummary.StopReason beside crawler.StopMaxPages and
// crawler.StopMaxDuration.
const (
	stopCompleted   = crawler.EndCompleted   // no URL was left
	stopInterrupted = crawler.EndInterrupted // SIGINT or SIGTERM
	stopFailed      = "failed"               // a sink failed and stopped the crawl
)

// runSummary is the layout of the --summary-json file: what one crawl did,
// for a scheduler or a monitoring script to read.
type runSummary struct {
	StartedAt         time.Time      `json:"started_at"`
	DurationSeconds   float64        `json:"duration_seconds"`
	StopReason        string         `json:"stop_reason"`
	ExitCode          int            `json:"exit_code"`
	Error             string         `json:"error,omitempty"`
	PagesFetched      int            `json:"pages_fetched"`
	PagesFailed       int            `json:"pages_failed"`
	Failures          map[string]int `json:"failures"`           // failed pages by kind, such as "http_404" or "timeout"
	PagesNotModified  int            `json:"pages_not_modified"` // 304 responses to conditional requests
	Articles          int            `json:"articles"`           // records written: new and updated
	ArticlesNew       int            `json:"articles_new"`
	ArticlesUpdated   int            `json:"articles_updated"`
	ArticlesUnchanged int            `json:"articles_unchanged"` // known from earlier runs; written again only with --full
	Full              bool           `json:"full"`               // the run ignored the crawl state (--full)
	Listings          int            `json:"listings"`
	Other             int            `json:"other"`
	Duplicates        int            `json:"duplicates"`
	Blocked           int            `json:"blocked"`
	Canceled          int            `json:"canceled"`
	SkippedTraps      map[string]int `json:"skipped_traps"` // links skipped as crawler traps, by reason
	Sinks             []sinkSummary  `json:"sinks"`
}

// sinkSummary is the record counts of one sink.
type sinkSummary struct {
	Sink     string `json:"sink"`
	Written  int    `json:"written"`
	Retried  int    `json:"retried"`
	Spooled  int    `json:"spooled"`
	Replayed int    `json:"replayed"`
	Rejected int    `json:"rejected"`
	Pending  int    `json:"pending"`
	Lost     int    `json:"lost"`
}

// newRunSummary builds the file's contents from a crawl's summary, the
// start and wall time of the whole run (opening the sinks included), its
// exit code and the error that goes with it (nil for none).
func newRunSummary(s crawler.Summary, started time.Time, duration time.Duration, code int, err error) runSummary {
	out := runSummary{
		StartedAt:         started.UTC(),
		DurationSeconds:   duration.Seconds(),
		StopReason:        stopReason(s, code),
		ExitCode:          code,
		PagesFetched:      s.Fetched,
		PagesFailed:       s.Failed(),
		Failures:          map[string]int{},
		PagesNotModified:  s.NotModified,
		Articles:          s.Articles,
		ArticlesNew:       s.ArticlesNew,
		ArticlesUpdated:   s.ArticlesUpdated,
		ArticlesUnchanged: s.ArticlesUnchanged,
		Full:              s.Full,
		Listings:          s.Listings,
		Other:             s.Other,
		Duplicates:        s.Duplicates,
		Blocked:           s.Blocked,
		Canceled:          s.Canceled,
		SkippedTraps:      map[string]int{},
		Sinks:             []sinkSummary{},
	}
	for reason, n := range s.SkippedTraps {
		out.SkippedTraps[reason] = n
	}
	if err != nil {
		out.Error = err.Error()
	}

	for kind, n := range s.Errors {
		out.Failures[kind] = n
	}
	for _, st := range s.Sinks {
		out.Sinks = append(out.Sinks, sinkSummary{
			Sink: st.Sink, Written: st.Written, Retried: st.Retried, Spooled: st.Spooled,
			Replayed: st.Replayed, Rejected: st.Rejected, Pending: st.Pending, Lost: st.Lost,
		})
	}
	return out
}

// stopReason returns why the crawl ended, as runSummary.StopReason has it.
func stopReason(s crawler.Summary, code int) string {
	if code == exitFailure && !s.Interrupted && s.StopReason == "" {
		return stopFailed
	}
	return s.EndReason()
}

// writeSummaryFile writes summary as indented JSON to path atomically: to
// a temporary file in the same folder, synced, then renamed over path, so
// that a reader sees the old file or the new one and never half of one.
func writeSummaryFile(path string, summary runSummary) error {
	data, err := json.MarshalIndent(summary, "", "  ")
	if err != nil {
		return fmt.Errorf("write summary %s: %w", path, err)
	}
	data = append(data, '\n')

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write summary %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write summary %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename

	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write summary %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write summary %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write summary %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write summary %s: %w", path, err)
	}

	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write summary %s: %w", path, err)
	}
	return nil
}
