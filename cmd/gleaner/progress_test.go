package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/crawler"
)

func TestFormatProgress(t *testing.T) {
	tests := []struct {
		name    string
		summary crawler.Summary
		elapsed time.Duration
		want    string
	}{
		{
			name: "before the first page",
			want: "0 fetched, 0 articles, 0 listings, 0 failed, 0.0 pages/s, 0s",
		},
		{
			name:    "failures of several kinds add up",
			summary: crawler.Summary{Fetched: 120, Articles: 98, Listings: 4, Errors: map[string]int{"http_404": 2, "timeout": 1}},
			elapsed: 10*time.Second + 400*time.Millisecond,
			want:    "120 fetched, 98 articles, 4 listings, 3 failed, 11.5 pages/s, 10s",
		},
		{
			name:    "rate over the whole run",
			summary: crawler.Summary{Fetched: 3600, Articles: 3000},
			elapsed: time.Hour + 2*time.Minute + 3*time.Second,
			want:    "3600 fetched, 3000 articles, 0 listings, 0 failed, 1.0 pages/s, 1h2m3s",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := formatProgress(tt.summary, tt.elapsed)

			if got != tt.want {
				t.Errorf("formatProgress() = %q, want %q", got, tt.want)
			}
			if len(got) > maxStatusWidth {
				t.Errorf("line is %d bytes, want at most %d", len(got), maxStatusWidth)
			}
		})
	}
}

func TestProgressLineRedrawsAtEveryTick(t *testing.T) {
	var out bytes.Buffer
	started := time.Date(2026, 3, 5, 8, 30, 0, 0, time.UTC)
	// run reads the counts, then the time, once per draw. The test sends
	// them on these channels, so each draw gets the values meant for it.
	counts := make(chan crawler.Summary)
	times := make(chan time.Time)
	ticks := make(chan time.Time)
	stop := make(chan struct{})
	finished := make(chan struct{})
	line := progressLine{
		status:   newStatusLineWriter(&out),
		progress: func() crawler.Summary { return <-counts },
		started:  started,
		now:      func() time.Time { return <-times },
	}

	go func() {
		line.run(ticks, stop)
		close(finished)
	}()
	counts <- crawler.Summary{}
	times <- started
	ticks <- started.Add(time.Second)
	counts <- crawler.Summary{Fetched: 2}
	times <- started.Add(time.Second)
	ticks <- started.Add(2 * time.Second)
	counts <- crawler.Summary{Fetched: 5}
	times <- started.Add(2 * time.Second)
	close(stop)
	<-finished

	first := "0 fetched, 0 articles, 0 listings, 0 failed, 0.0 pages/s, 0s"
	second := "2 fetched, 0 articles, 0 listings, 0 failed, 2.0 pages/s, 1s"
	third := "5 fetched, 0 articles, 0 listings, 0 failed, 2.5 pages/s, 2s"
	want := first + erasure(first) + second + erasure(second) + third + erasure(third)
	if got := out.String(); got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
}

func TestShowsProgress(t *testing.T) {
	tests := []struct {
		mode string
		want bool
	}{
		{mode: progressAlways, want: true},
		{mode: progressAuto, want: false}, // a buffer is no terminal
		{mode: progressNever, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			if got := showsProgress(tt.mode, newStatusLineWriter(&bytes.Buffer{})); got != tt.want {
				t.Errorf("showsProgress(%q) = %v, want %v", tt.mode, got, tt.want)
			}
		})
	}
}

// erasure returns what statusLineWriter writes to erase line.
func erasure(line string) string {
	return "\r" + strings.Repeat(" ", len(line)) + "\r"
}
