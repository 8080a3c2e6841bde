package main

import (
	"io"
	"os"
	"testing"
	"time"
)

// The monitor watches this test's own process, which the site serves
// articles from, so the checkpoints get real /proc readings.
func TestMonitorRecordsCheckpoints(t *testing.T) {
	if _, err := readMemory(os.Getpid()); err != nil {
		t.Skipf("no /proc status for this process (soak needs Linux): %v", err)
	}
	s := newSite(testBase, 50, 50, 500)
	mon := newMonitor(s, []int{3, 5, 40}, io.Discard)
	s.onArticle = mon.articleServed

	exited := make(chan struct{})
	done := make(chan struct{})
	go func() {
		mon.watch(os.Getpid(), time.Now(), exited)
		close(done)
	}()
	for _, path := range []string{"/article/1", "/article/2", "/article/3", "/list/1", "/article/4", "/article/5"} {
		get(t, s, path)
	}
	time.Sleep(2 * sampleInterval)
	close(exited)
	<-done

	first, second, third := mon.checkpoints[0], mon.checkpoints[1], mon.checkpoints[2]
	if !first.Reached || !second.Reached {
		t.Fatalf("checkpoints 3 and 5 reached %v and %v, want both", first.Reached, second.Reached)
	}
	if third.Reached {
		t.Error("checkpoint 40 reached after 5 articles")
	}
	// The monitor counts the pages when it records a checkpoint, a moment
	// after the response, so later pages may be in the count.
	if first.PagesServed < 3 || first.PagesServed > 6 || second.PagesServed != 6 {
		t.Errorf("pages served at the checkpoints %d and %d, want 3 to 6 and 6", first.PagesServed, second.PagesServed)
	}
	if first.RSS <= 0 || first.PeakRSS < first.RSS {
		t.Errorf("checkpoint 3 RSS %d peak %d, want a positive RSS and a peak not below it", first.RSS, first.PeakRSS)
	}
	if len(mon.samples) == 0 {
		t.Error("no samples after two sample intervals")
	}
}
