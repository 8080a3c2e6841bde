package main

import (
	"fmt"
	"io"
	"time"
)

const (
	sampleInterval   = 250 * time.Millisecond
	progressInterval = 30 * time.Second
)

// checkpoint is the state of the crawl at the moment the site sent its
// Articles-th article response.
type checkpoint struct {
	Articles    int     `json:"articles"`
	Reached     bool    `json:"reached"`
	PagesServed int64   `json:"pages_served"` // responses with status 200, of every kind
	RSS         int64   `json:"rss_bytes"`
	PeakRSS     int64   `json:"peak_rss_bytes"`  // VmHWM so far
	Elapsed     float64 `json:"elapsed_seconds"` // since the crawler started
}

// sample is one reading of the crawler's memory.
type sample struct {
	Elapsed  float64 `json:"elapsed_seconds"`
	Articles int64   `json:"articles_served"`
	Pages    int64   `json:"pages_served"`
	RSS      int64   `json:"rss_bytes"`
	PeakRSS  int64   `json:"peak_rss_bytes"`
}

// monitor samples the crawler's memory and records the checkpoints. Only
// articleServed may be called from other goroutines while watch runs.
type monitor struct {
	site       *site
	thresholds []int    // article counts of the checkpoints, ascending
	crossed    chan int // indexes into thresholds, each sent once
	progress   io.Writer

	pid     int
	started time.Time

	checkpoints []checkpoint
	samples     []sample
	lastError   error // of the last failed reading, for the report
}

func newMonitor(s *site, thresholds []int, progress io.Writer) *monitor {
	m := &monitor{
		site:        s,
		thresholds:  thresholds,
		crossed:     make(chan int, len(thresholds)),
		progress:    progress,
		checkpoints: make([]checkpoint, len(thresholds)),
	}
	for i, threshold := range thresholds {
		m.checkpoints[i].Articles = threshold
	}
	return m
}

// articleServed is the site's onArticle hook. The site's atomic count
// grows by one per call, so each threshold matches once, and crossed is
// buffered for every threshold, so the send never blocks.
func (m *monitor) articleServed(served int64) {
	for i, threshold := range m.thresholds {
		if served == int64(threshold) {
			m.crossed <- i
		}
	}
}

// watch samples process pid every sampleInterval and records each
// checkpoint as the site reaches it, until exited is closed.
func (m *monitor) watch(pid int, started time.Time, exited <-chan struct{}) {
	m.pid, m.started = pid, started
	ticker := time.NewTicker(sampleInterval)
	defer ticker.Stop()
	nextProgress := started.Add(progressInterval)

	for {
		select {
		case <-exited:
			m.drainCrossed()
			return
		case i := <-m.crossed:
			m.recordCheckpoint(i)
		case now := <-ticker.C:
			m.sample()
			if now.After(nextProgress) {
				m.printProgress()
				nextProgress = nextProgress.Add(progressInterval)
			}
		}
	}
}

// sample reads the memory figures once and keeps them. A failed reading
// is kept as lastError and skipped.
func (m *monitor) sample() {
	mem, err := readMemory(m.pid)
	if err != nil {
		m.lastError = err
		return
	}

	served := m.site.served()
	m.samples = append(m.samples, sample{
		Elapsed:  time.Since(m.started).Seconds(),
		Articles: served.Articles,
		Pages:    served.pages(),
		RSS:      mem.rss,
		PeakRSS:  mem.peak,
	})
}

func (m *monitor) recordCheckpoint(i int) {
	c := &m.checkpoints[i]
	c.Reached = true
	c.Elapsed = time.Since(m.started).Seconds()
	c.PagesServed = m.site.served().pages()

	// The crawler may have exited between the response and this reading.
	// The last sample is then the closest figure there is.
	mem, err := readMemory(m.pid)
	if err != nil {
		m.lastError = err
		if last, ok := m.lastSample(); ok {
			mem = memory{rss: last.RSS, peak: last.PeakRSS}
		}
	}
	c.RSS, c.PeakRSS = mem.rss, mem.peak

	fmt.Fprintf(m.progress, "soak: checkpoint %d articles: %d pages served, RSS %.1f MB, peak %.1f MB, %s\n",
		c.Articles, c.PagesServed, megabytes(c.RSS), megabytes(c.PeakRSS), formatSeconds(c.Elapsed))
}

// drainCrossed records the checkpoints that were reached but not yet
// recorded when the crawler exited.
func (m *monitor) drainCrossed() {
	for {
		select {
		case i := <-m.crossed:
			m.recordCheckpoint(i)
		default:
			return
		}
	}
}

func (m *monitor) printProgress() {
	last, ok := m.lastSample()
	if !ok {
		return
	}
	fmt.Fprintf(m.progress, "soak: %s: %d articles served, %d pages, RSS %.1f MB, peak %.1f MB\n",
		formatSeconds(last.Elapsed), last.Articles, last.Pages, megabytes(last.RSS), megabytes(last.PeakRSS))
}

func (m *monitor) lastSample() (sample, bool) {
	if len(m.samples) == 0 {
		return sample{}, false
	}
	return m.samples[len(m.samples)-1], true
}

// megabytes converts bytes to MB of 10^6 bytes.
func megabytes(bytes int64) float64 {
	return float64(bytes) / 1e6
}

// formatSeconds formats a duration in seconds as 1m23.4s.
func formatSeconds(seconds float64) string {
	return time.Duration(seconds * float64(time.Second)).Round(100 * time.Millisecond).String()
}
