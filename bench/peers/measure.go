package main

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"
)

// result is one extractor's outcome: error and empty counts from its
// warm-up pass, and totals over its timed passes.
type result struct {
	name       string
	failed     int     // distinct pages that returned an error
	empty      int     // distinct pages that returned only white space
	pages      int     // pages processed in the timed passes
	bytes      int64   // HTML bytes processed in the timed passes
	seconds    float64 // wall time of the timed passes
	mallocs    uint64  // heap allocations during the timed passes
	allocBytes uint64  // heap bytes allocated during the timed passes
}

// warmUp runs ex once over pages, untimed, and counts the pages it fails on
// or returns no text for.
func warmUp(ex extractor, pages []page) result {
	r := result{name: ex.name}
	for _, p := range pages {
		text, err := ex.run(p)
		switch {
		case err != nil:
			r.failed++
		case strings.TrimSpace(text) == "":
			r.empty++
		}
	}
	return r
}

// timePass runs ex once over pages and returns the time and allocations of
// that pass.
func timePass(ex extractor, pages []page) result {
	// Collect earlier garbage first, so that this pass does not pay for
	// another extractor's.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()

	for _, p := range pages {
		_, _ = ex.run(p)
	}

	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)

	r := result{
		pages:      len(pages),
		seconds:    elapsed.Seconds(),
		mallocs:    after.Mallocs - before.Mallocs,
		allocBytes: after.TotalAlloc - before.TotalAlloc,
	}
	for _, p := range pages {
		r.bytes += int64(len(p.html))
	}
	return r
}

// add adds the totals of pass to r.
func (r *result) add(pass result) {
	r.pages += pass.pages
	r.bytes += pass.bytes
	r.seconds += pass.seconds
	r.mallocs += pass.mallocs
	r.allocBytes += pass.allocBytes
}

// pagesPerSecond returns the pages processed per second of timed passes.
func (r result) pagesPerSecond() float64 { return float64(r.pages) / r.seconds }

// profilePasses runs ex over pages rounds times under the CPU profiler and
// writes the profile to path. It runs after the timed rounds, so profiling
// never slows the numbers in the table.
func profilePasses(path string, ex extractor, pages []page, rounds int) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("start cpu profile: %w", err)
	}

	for range rounds {
		for _, p := range pages {
			_, _ = ex.run(p)
		}
	}

	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		return fmt.Errorf("write cpu profile: %w", err)
	}
	return nil
}
