package main

import (
	"flag"
	"sync"
	"testing"
)

// benchDirs lets a run pick other pages, as with the command:
// go test -bench . -args -dir FOLDER.
var benchDirs dirList

func init() {
	flag.Var(&benchDirs, "dir", "folder of pages for the benchmarks; repeat for more (default: the shared corpus beside the repository)")
}

var (
	loadOnce   sync.Once
	benchPages []page
	loadErr    error
)

// pagesForBench loads the page set once for all benchmarks and skips the
// benchmark when there are no pages.
func pagesForBench(b *testing.B) []page {
	b.Helper()
	loadOnce.Do(func() {
		dirs := []string(benchDirs)
		if len(dirs) == 0 {
			dirs, loadErr = findDefaultDirs()
			if loadErr != nil {
				return
			}
		}
		benchPages, loadErr = loadPages(dirs)
	})
	if loadErr != nil {
		b.Skipf("no pages to benchmark: %v (with go test, put -dir after -args)", loadErr)
	}
	return benchPages
}

// benchmarkExtractor runs ex over the page set in a cycle, one page per
// iteration, so b.N is the number of pages processed.
func benchmarkExtractor(b *testing.B, ex extractor) {
	pages := pagesForBench(b)

	var size int64
	for _, p := range pages {
		size += int64(len(p.html))
	}
	// SetBytes takes bytes per iteration, so MB/s uses the mean page size.
	// It is exact only when b.N is a multiple of the number of pages.
	b.SetBytes(size / int64(len(pages)))
	b.ReportAllocs()

	processed := 0
	for b.Loop() {
		_, _ = ex.run(pages[processed%len(pages)])
		processed++
	}

	b.ReportMetric(float64(processed)/b.Elapsed().Seconds(), "pages/s")

	// A time-based -benchtime stops each benchmark at a different page, so
	// the extractors would be measured on different pages.
	if processed%len(pages) != 0 {
		b.Logf("b.N=%d is not a multiple of the %d pages, so extractors saw different pages; use -benchtime=%dx or a multiple of it", processed, len(pages), len(pages))
	}
}

func BenchmarkGleaner(b *testing.B)     { benchmarkExtractor(b, gleaner) }
func BenchmarkTrafilatura(b *testing.B) { benchmarkExtractor(b, goTrafilatura) }
func BenchmarkReadability(b *testing.B) { benchmarkExtractor(b, goReadability) }
