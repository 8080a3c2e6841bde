package main

import (
	"fmt"
	"time"

	"github.com/gleanerhq/gleaner/crawler"
)

// Values of --progress.
const (
	progressAuto   = "auto"   // when standard error is a terminal
	progressAlways = "always" // also into a file or a pipe
	progressNever  = "never"
)

// showsProgress reports whether a crawl with --progress mode shows its
// progress line on stderr.
func showsProgress(mode string, stderr *statusLineWriter) bool {
	switch mode {
	case progressAlways:
		return true
	case progressAuto:
		return stderr.isTerminal()
	default:
		return false
	}
}

// progressInterval is the time between two redraws of the progress line.
const progressInterval = time.Second

// formatProgress returns the progress line of a crawl with the live counts
// s that has run for elapsed. The rate is over the whole run so far.
func formatProgress(s crawler.Summary, elapsed time.Duration) string {
	rate := 0.0
	if elapsed > 0 {
		rate = float64(s.Fetched) / elapsed.Seconds()
	}

	return fmt.Sprintf("%d fetched, %d articles, %d listings, %d failed, %.1f pages/s, %s",
		s.Fetched, s.Articles, s.Listings, s.Failed(), rate, elapsed.Truncate(time.Second))
}

// progressLine shows the progress of one crawl as the status line of a
// statusLineWriter.
type progressLine struct {
	status   *statusLineWriter
	progress func() crawler.Summary // live counts, such as crawler.Crawler.Progress
	started  time.Time              // start of the run, for the elapsed time
	now      func() time.Time
}

// run draws the line at once and again at every tick until stop is closed,
// then erases it.
func (p progressLine) run(ticks <-chan time.Time, stop <-chan struct{}) {
	defer p.status.clearStatus()

	for {
		p.status.setStatus(formatProgress(p.progress(), p.now().Sub(p.started)))

		select {
		case <-stop:
			return
		case <-ticks:
		}
	}
}

// startProgress shows the progress of a crawl on status, redrawn every
// progressInterval, and returns the function that erases it and stops.
// The function returns once the line is erased.
func startProgress(status *statusLineWriter, progress func() crawler.Summary, started time.Time) (stop func()) {
	ticker := time.NewTicker(progressInterval)
	line := progressLine{status: status, progress: progress, started: started, now: time.Now}
	done := make(chan struct{})
	finished := make(chan struct{})

	go func() {
		line.run(ticker.C, done)
		close(finished)
	}()

	return func() {
		ticker.Stop()
		close(done)
		<-finished
	}
}
