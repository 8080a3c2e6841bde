package metrics

import (
	"bytes"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/gleanerhq/gleaner/crawler"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fakeCrawl is a ProgressSource whose counts a test sets.
type fakeCrawl struct {
	mu      sync.Mutex
	summary crawler.Summary
}

func (f *fakeCrawl) Progress() crawler.Summary {
	f.mu.Lock()
	defer f.mu.Unlock()

	return f.summary
}

func (f *fakeCrawl) set(s crawler.Summary) {
	f.mu.Lock()
	defer f.mu.Unlock()

	f.summary = s
}

var (
	start1 = time.Date(2026, 3, 5, 8, 30, 0, 0, time.UTC)
	end1   = start1.Add(90 * time.Second)
	start2 = start1.Add(10 * time.Minute)
)

// firstRunLive is the live count of the first run, halfway through.
var firstRunLive = crawler.Summary{
	Fetched: 10, Articles: 6, Listings: 2, Other: 1, Duplicates: 1, Blocked: 1,
	ArticlesNew: 5, ArticlesUpdated: 1, ArticlesUnchanged: 2, NotModified: 1,
	Errors:       map[string]int{"http_404": 1},
	SkippedTraps: map[string]int{crawler.TrapPathRepeats: 3},
}

// firstRunFinal is the summary the first run returned: more than its
// live count, and a lost sink record that only the final summary has.
var firstRunFinal = crawler.Summary{
	Fetched: 20, Articles: 14, Listings: 3, Other: 2, Duplicates: 1, Blocked: 1, Canceled: 2,
	ArticlesNew: 12, ArticlesUpdated: 2, ArticlesUnchanged: 4, NotModified: 3,
	Errors:       map[string]int{"http_404": 2, "timeout": 1, "sink": 1},
	SkippedTraps: map[string]int{crawler.TrapPathRepeats: 4},
}

// secondRunLive is the live count of the second run, early on.
var secondRunLive = crawler.Summary{
	Fetched: 5, Articles: 3, Listings: 1, ArticlesNew: 3, NotModified: 2,
	Errors: map[string]int{"http_404": 1},
}

func TestCollector(t *testing.T) {
	tests := []struct {
		name   string
		golden string
		steps  func(c *Collector, live *fakeCrawl)
	}{
		{
			name:   "no run yet",
			golden: "no_run.txt",
			steps:  func(c *Collector, live *fakeCrawl) {},
		},
		{
			name:   "first run in progress",
			golden: "first_running.txt",
			steps: func(c *Collector, live *fakeCrawl) {
				c.RunStarted(start1)
				live.set(firstRunLive)
				c.Track(live)
			},
		},
		{
			name:   "first run ended",
			golden: "first_ended.txt",
			steps: func(c *Collector, live *fakeCrawl) {
				c.RunStarted(start1)
				live.set(firstRunLive)
				c.Track(live)
				c.RunEnded(firstRunFinal, OutcomePartial, end1)
			},
		},
		{
			name:   "second run adds to the first",
			golden: "second_running.txt",
			steps: func(c *Collector, live *fakeCrawl) {
				c.RunStarted(start1)
				c.Track(&fakeCrawl{summary: firstRunLive})
				c.RunEnded(firstRunFinal, OutcomePartial, end1)

				c.RunStarted(start2)
				live.set(secondRunLive)
				c.Track(live)
			},
		},
		{
			name:   "run that never crawled",
			golden: "never_crawled.txt",
			steps: func(c *Collector, live *fakeCrawl) {
				c.RunStarted(start1)
				c.RunEnded(crawler.Summary{}, OutcomeFailed, start1.Add(time.Second))
			},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCollector()
			tt.steps(c, &fakeCrawl{})

			got := gatherText(t, c)

			compareGolden(t, filepath.Join("testdata", tt.golden), got)
		})
	}
}

func TestCollectorCountersNeverDecrease(t *testing.T) {
	c := NewCollector()
	live := &fakeCrawl{}
	var samples []map[string]float64

	c.RunStarted(start1)
	c.Track(live)
	live.set(firstRunLive)
	samples = append(samples, gatherValues(t, c))
	c.RunEnded(firstRunFinal, OutcomeOK, end1)
	samples = append(samples, gatherValues(t, c))
	c.RunStarted(start2)
	samples = append(samples, gatherValues(t, c))
	c.Track(live)
	live.set(secondRunLive)
	samples = append(samples, gatherValues(t, c))

	for i := 1; i < len(samples); i++ {
		for name, before := range samples[i-1] {
			if !strings.HasSuffix(strings.SplitN(name, "{", 2)[0], "_total") {
				continue
			}
			if after, ok := samples[i][name]; !ok || after < before {
				t.Errorf("scrape %d: %s = %v (present %v), want at least %v from scrape %d", i+1, name, after, ok, before, i)
			}
		}
	}
}

func TestCollectorConcurrentScrapes(t *testing.T) {
	c := NewCollector()
	registry := prometheus.NewRegistry()
	if err := registry.Register(c); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := registry.Gather(); err != nil {
					t.Errorf("gather: %v", err)
					return
				}
			}
		})
	}

	for i := range 50 {
		live := &fakeCrawl{summary: secondRunLive}
		c.RunStarted(start1.Add(time.Duration(i) * time.Minute))
		c.Track(live)
		c.RunEnded(secondRunLive, OutcomeOK, start1.Add(time.Duration(i)*time.Minute+time.Second))
	}
	close(stop)
	wg.Wait()

	values := gatherValues(t, c)
	if got := values["gleaner_pages_fetched_total"]; got != 50*5 {
		t.Errorf("gleaner_pages_fetched_total = %v, want %v", got, 50*5)
	}
	if got := values[`gleaner_runs_total{outcome="ok"}`]; got != 50 {
		t.Errorf(`gleaner_runs_total{outcome="ok"} = %v, want 50`, got)
	}
}

func TestHandlerServesAllCollectors(t *testing.T) {
	c := NewCollector()
	c.RunStarted(start1)
	c.Track(&fakeCrawl{summary: firstRunLive})
	handler, err := NewHandler(c, nil)
	if err != nil {
		t.Fatalf("NewHandler: %v", err)
	}

	response := httptest.NewRecorder()
	handler.ServeHTTP(response, httptest.NewRequest(http.MethodGet, "/metrics", nil))

	if response.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200\n%s", response.Code, response.Body)
	}
	body := response.Body.String()
	wants := []string{"gleaner_pages_fetched_total 10", "gleaner_crawl_running 1", "go_goroutines "}
	if runtime.GOOS == "linux" {
		wants = append(wants, "process_cpu_seconds_total ")
	}
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("response does not contain %q", want)
		}
	}
}

// gatherText returns the metrics of c in the Prometheus text format.
func gatherText(t *testing.T, c *Collector) string {
	t.Helper()

	registry := prometheus.NewRegistry()
	if err := registry.Register(c); err != nil {
		t.Fatalf("register: %v", err)
	}
	families, err := registry.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}

	var buf bytes.Buffer
	encoder := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, family := range families {
		if err := encoder.Encode(family); err != nil {
			t.Fatalf("encode %s: %v", family.GetName(), err)
		}
	}
	return buf.String()
}

// gatherValues returns the samples of c by name and labels, such as
// `gleaner_runs_total{outcome="ok"}`.
func gatherValues(t *testing.T, c *Collector) map[string]float64 {
	t.Helper()

	values := map[string]float64{}
	for _, line := range strings.Split(gatherText(t, c), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		values[line[:i]] = v
	}
	return values
}

// compareGolden compares got with the file at path, or rewrites the file
// with -update.
func compareGolden(t *testing.T, path, got string) {
	t.Helper()

	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("metrics differ from %s (run go test -update to accept):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
