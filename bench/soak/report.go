package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
)

// The memory target of a soak run.
const (
	peakLimit       = 200e6 // bytes
	growthTolerance = 0.10  // of the resident size at the first checkpoint
)

// result is everything one soak run measured. It is also the JSON that
// --json writes.
type result struct {
	Binary      string    `json:"binary"`
	Articles    int       `json:"articles"` // on the site
	Parallelism int       `json:"parallelism"`
	StartedAt   time.Time `json:"started_at"`

	// WallSeconds is the time from starting the crawler to its exit.
	WallSeconds    float64      `json:"wall_seconds"`
	ExitCode       int          `json:"exit_code"` // -1 when a signal ended the crawler
	Interrupted    bool         `json:"interrupted"`
	Served         servedCounts `json:"served"`
	PagesPerSecond float64      `json:"pages_per_second"` // responses with status 200 over WallSeconds

	// PeakRSS is the highest resident size of the crawler: the larger of
	// the last VmHWM read and the peak that wait4 reported.
	PeakRSS     int64        `json:"peak_rss_bytes"`
	FinalRSS    int64        `json:"final_rss_bytes"` // VmRSS of the last sample
	Checkpoints []checkpoint `json:"checkpoints"`

	Summary    *crawlSummary `json:"summary"`     // nil when the file was not written
	SQLiteRows *int64        `json:"sqlite_rows"` // nil when not counted
	Log        logStats      `json:"log"`

	// Notes name the figures that are missing, each with the reason.
	Notes   []string `json:"notes,omitempty"`
	Verdict verdict  `json:"verdict"`
	Samples []sample `json:"samples"`
}

// verdict is the outcome of a run against the memory target: a peak
// resident size under peakLimit, and at most growthTolerance of growth in
// the resident size from the first checkpoint to the last.
type verdict struct {
	Pass    bool     `json:"pass"`
	Reasons []string `json:"reasons"`

	// GrowthBytes is the resident size at the last checkpoint minus the
	// one at the first, and GrowthRatio is GrowthBytes over the first.
	// Both are 0 with fewer than two checkpoints reached.
	GrowthBytes int64   `json:"growth_bytes"`
	GrowthRatio float64 `json:"growth_ratio"`
}

// judge compares the checkpoints and the peak resident size with the
// memory target. The run fails when a checkpoint was not reached, because
// the growth cannot then be judged.
func judge(checkpoints []checkpoint, peakRSS int64) verdict {
	v := verdict{Pass: true}

	if peakRSS < peakLimit {
		v.Reasons = append(v.Reasons, fmt.Sprintf("peak RSS %.1f MB is under %.0f MB", megabytes(peakRSS), megabytes(peakLimit)))
	} else {
		v.Pass = false
		v.Reasons = append(v.Reasons, fmt.Sprintf("peak RSS %.1f MB is not under %.0f MB", megabytes(peakRSS), megabytes(peakLimit)))
	}

	for _, c := range checkpoints {
		if !c.Reached {
			v.Pass = false
			v.Reasons = append(v.Reasons, fmt.Sprintf("checkpoint %d articles was not reached, so growth cannot be judged", c.Articles))
			return v
		}
	}
	if len(checkpoints) < 2 {
		v.Reasons = append(v.Reasons, "one checkpoint only, so growth is not judged")
		return v
	}

	first, last := checkpoints[0], checkpoints[len(checkpoints)-1]
	if first.RSS <= 0 {
		v.Pass = false
		v.Reasons = append(v.Reasons, fmt.Sprintf("no RSS reading at checkpoint %d articles, so growth cannot be judged", first.Articles))
		return v
	}

	v.GrowthBytes = last.RSS - first.RSS
	v.GrowthRatio = float64(v.GrowthBytes) / float64(first.RSS)
	growth := fmt.Sprintf("RSS changed by %+.1f MB (%+.1f%%) from %d to %d articles",
		megabytes(v.GrowthBytes), 100*v.GrowthRatio, first.Articles, last.Articles)
	if v.GrowthRatio <= growthTolerance {
		v.Reasons = append(v.Reasons, growth+fmt.Sprintf(", within the %+.0f%% allowed", 100*growthTolerance))
	} else {
		v.Pass = false
		v.Reasons = append(v.Reasons, growth+fmt.Sprintf(", more than the %+.0f%% allowed", 100*growthTolerance))
	}
	return v
}

// printReport writes the result as a Markdown table, the crawl's figures
// and the verdict line.
func printReport(w io.Writer, r *result) {
	fmt.Fprintf(w, "\n## gleaner crawl soak: %d articles, parallelism %d\n\n", r.Articles, r.Parallelism)
	fmt.Fprintln(w, "| checkpoint | pages served | RSS MB | peak RSS MB | elapsed |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: |")
	for _, c := range r.Checkpoints {
		if !c.Reached {
			fmt.Fprintf(w, "| %d articles | not reached | | | |\n", c.Articles)
			continue
		}
		fmt.Fprintf(w, "| %d articles | %d | %.1f | %.1f | %s |\n",
			c.Articles, c.PagesServed, megabytes(c.RSS), megabytes(c.PeakRSS), formatSeconds(c.Elapsed))
	}
	fmt.Fprintf(w, "| end of crawl | %d | %.1f | %.1f | %s |\n\n",
		r.Served.pages(), megabytes(r.FinalRSS), megabytes(r.PeakRSS), formatSeconds(r.WallSeconds))

	state := fmt.Sprintf("exit status %d", r.ExitCode)
	if r.Interrupted {
		state += ", interrupted"
	}
	fmt.Fprintf(w, "- Crawler: %s, %d pages served in %s (%.1f pages/s).\n",
		state, r.Served.pages(), formatSeconds(r.WallSeconds), r.PagesPerSecond)
	fmt.Fprintf(w, "- Site: %d article responses (%d distinct of %d, %d repeated), %d listings, %d sitemap files, %d robots.txt, %d other, %d not found.\n",
		r.Served.Articles, r.Served.Articles-r.Served.RepeatedArticles, r.Articles, r.Served.RepeatedArticles,
		r.Served.Listings, r.Served.Sitemaps, r.Served.Robots, r.Served.Other, r.Served.NotFound)
	if s := r.Summary; s != nil {
		fmt.Fprintf(w, "- gleaner summary: %d pages fetched, %d failed, %d articles written, %d duplicates, %d canceled, stop reason %s.\n",
			s.PagesFetched, s.PagesFailed, s.Articles, s.Duplicates, s.Canceled, s.StopReason)
		for _, kind := range sortedKeys(s.Failures) {
			fmt.Fprintf(w, "  - failures %s: %d\n", kind, s.Failures[kind])
		}
	}
	if r.SQLiteRows != nil {
		fmt.Fprintf(w, "- SQLite: %d rows in table articles, for %d articles on the site.\n", *r.SQLiteRows, r.Articles)
	}
	printLog(w, r.Log)
	for _, note := range r.Notes {
		fmt.Fprintf(w, "- Note: %s\n", note)
	}

	outcome := "PASS"
	if !r.Verdict.Pass {
		outcome = "FAIL"
	}
	fmt.Fprintf(w, "\nVerdict: %s (target: peak RSS under %.0f MB and RSS growth of at most %.0f%% between the first and the last checkpoint): %s.\n",
		outcome, megabytes(peakLimit), 100*growthTolerance, strings.Join(r.Verdict.Reasons, "; "))
}

// printLog writes the log counts and at most 10 of the warning and error
// messages, the most frequent first.
func printLog(w io.Writer, stats logStats) {
	fmt.Fprintf(w, "- Log: %d lines", stats.Lines)
	for _, level := range sortedKeys(stats.Levels) {
		fmt.Fprintf(w, ", %d %s", stats.Levels[level], level)
	}
	fmt.Fprintf(w, ", %d plain.\n", stats.PlainLines)

	messages := sortedKeys(stats.Problems)
	slices.SortStableFunc(messages, func(a, b string) int {
		return cmp.Compare(stats.Problems[b], stats.Problems[a])
	})
	for i, message := range messages {
		if i == 10 {
			fmt.Fprintf(w, "  - and %d more messages\n", len(messages)-i)
			break
		}
		fmt.Fprintf(w, "  - %s (%d lines)\n", message, stats.Problems[message])
	}
}

func sortedKeys(m map[string]int) []string {
	return slices.Sorted(maps.Keys(m))
}

// writeJSON writes the result, samples included, to path.
func writeJSON(path string, r *result) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode result: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}
