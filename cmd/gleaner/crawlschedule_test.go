package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startCrawlWith runs "gleaner crawl" with args in env in a goroutine,
// until ctx is canceled, and returns its outcome on a channel.
func startCrawlWith(ctx context.Context, env crawlEnv, args ...string) <-chan commandResult {
	done := make(chan commandResult, 1)
	go func() {
		var out, errOut bytes.Buffer
		err := runCrawlWith(ctx, args, &out, &errOut, env)
		done <- commandResult{stderr: errOut.String(), code: exitCode(err), err: err}
	}()
	return done
}

// metricsEnv returns a test environment whose clock is clk, and the
// channel that receives the address of the metrics server.
func metricsEnv(clk clock) (crawlEnv, <-chan net.Addr) {
	addrs := make(chan net.Addr, 1)
	env := crawlEnv{minEvery: minEvery, clock: clk, metricsListening: func(a net.Addr) { addrs <- a }}
	return env, addrs
}

// receiveAddr returns the metrics address, or fails the test when the
// command ends or takes too long before it serves metrics.
func receiveAddr(t *testing.T, addrs <-chan net.Addr, done <-chan commandResult) net.Addr {
	t.Helper()

	select {
	case addr := <-addrs:
		return addr
	case res := <-done:
		t.Fatalf("command ended before it served metrics: code %d, %v\n%s", res.code, res.err, res.stderr)
	case <-time.After(20 * time.Second):
		t.Fatal("metrics server did not start")
	}
	return nil
}

// scrapeMetrics sends GET /metrics to addr and returns the samples by name
// and labels, such as `gleaner_runs_total{outcome="ok"}`.
func scrapeMetrics(t *testing.T, addr net.Addr) map[string]float64 {
	t.Helper()

	response, err := http.Get("http://" + addr.String() + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: status %d, want 200", response.StatusCode)
	}

	samples := map[string]float64{}
	scanner := bufio.NewScanner(response.Body)
	for scanner.Scan() {
		line := scanner.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("sample %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	if err := scanner.Err(); err != nil {
		t.Fatalf("read /metrics: %v", err)
	}
	return samples
}

// wantSamples checks the samples named in want.
func wantSamples(t *testing.T, step string, got, want map[string]float64) {
	t.Helper()

	for name, value := range want {
		v, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: %s missing from /metrics", step, name)
		case v != value:
			t.Errorf("%s: %s = %v, want %v", step, name, v, value)
		}
	}
}

func TestCrawlEveryReloadsConfigEachRun(t *testing.T) {
	site := newNewsSite(t, 2, false, nil, nil)
	file := writeCrawlConfig(t, site.URL, "")
	valid, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	summaryFile := filepath.Join(filepath.Dir(file), "out", "summary.json")
	clk := newFakeClock(time.Time{})
	env, addrs := metricsEnv(clk)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	done := startCrawlWith(ctx, env, "--config", file, "--log-level", "info", "--every", "1h",
		"--metrics-addr", "127.0.0.1:0", "--summary-json", summaryFile)
	addr := receiveAddr(t, addrs, done)

	// Run 1 crawls the listing and both articles.
	if wait := clk.nextWait(t); wait <= 0 || wait > time.Hour {
		t.Errorf("wait after run 1 = %s, want the rest of the hour", wait)
	}
	first := readRunSummary(t, summaryFile)
	if first.Articles != 2 || first.ExitCode != exitOK {
		t.Errorf("run 1 summary: articles %d, exit_code %d, want 2 and 0", first.Articles, first.ExitCode)
	}
	wantSamples(t, "after run 1", scrapeMetrics(t, addr), map[string]float64{
		"gleaner_pages_fetched_total":               3,
		"gleaner_articles_written_total":            2,
		"gleaner_crawl_running":                     0,
		`gleaner_runs_total{outcome="ok"}`:          1,
		`gleaner_runs_total{outcome="failed"}`:      0,
		`gleaner_runs_total{outcome="partial"}`:     0,
		`gleaner_runs_total{outcome="interrupted"}`: 0,
	})
	_, _, code, err := runCommand(t, "crawl", "--config", file, "--log-level", "warn")
	if code != exitLocked {
		t.Errorf("crawl during the wait: exit code = %d (%v), want %d: the lock is held between runs", code, err, exitLocked)
	}

	// Run 2 finds the configuration invalid and is skipped.
	if err := os.WriteFile(file, append(valid, "delay: soon\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	clk.fire <- time.Now()
	clk.nextWait(t)
	if second := readRunSummary(t, summaryFile); !second.StartedAt.Equal(first.StartedAt) {
		t.Errorf("summary file started_at = %v after the skipped run, want run 1's %v", second.StartedAt, first.StartedAt)
	}
	wantSamples(t, "after the skipped run", scrapeMetrics(t, addr), map[string]float64{
		"gleaner_pages_fetched_total":          3,
		`gleaner_runs_total{outcome="failed"}`: 1,
		`gleaner_runs_total{outcome="ok"}`:     1,
	})

	// Run 3 applies the edited configuration: the seed only.
	if err := os.WriteFile(file, append(valid, "max_depth: 1\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	clk.fire <- time.Now()
	clk.nextWait(t)
	third := readRunSummary(t, summaryFile)
	if third.PagesFetched != 1 || third.Articles != 0 {
		t.Errorf("run 3 summary: pages_fetched %d, articles %d, want 1 and 0 with max_depth 1", third.PagesFetched, third.Articles)
	}
	if n := site.articleRequests(); n != 2 {
		t.Errorf("site got %d article requests, want 2: run 3 fetches the seed only", n)
	}
	wantSamples(t, "after run 3", scrapeMetrics(t, addr), map[string]float64{
		"gleaner_pages_fetched_total":      4,
		"gleaner_articles_written_total":   2,
		`gleaner_runs_total{outcome="ok"}`: 2,
	})

	cancel()
	var res commandResult
	select {
	case res = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("command did not end after the signal between runs")
	}
	if res.code != exitInterrupted {
		t.Errorf("exit code = %d (%v), want %d", res.code, res.err, exitInterrupted)
	}
	if n := strings.Count(res.stderr, "crawl finished in"); n != 2 {
		t.Errorf("stderr has %d printed summaries, want 2 (runs 1 and 3):\n%s", n, res.stderr)
	}
	if !strings.Contains(res.stderr, "configuration invalid, so this run is skipped") {
		t.Errorf("stderr does not log the skipped run:\n%s", res.stderr)
	}
	_, _, code, err = runCommand(t, "crawl", "--config", file, "--log-level", "warn")
	if code != exitOK {
		t.Errorf("crawl after the command ended: exit code = %d (%v), want 0: the lock is released", code, err)
	}
}

func TestCrawlEveryInterruptedDuringRun(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	entered := make(chan struct{})
	site := newNewsSite(t, 1, false, hold, entered)
	file := writeCrawlConfig(t, site.URL, "")
	summaryFile := filepath.Join(filepath.Dir(file), "out", "summary.json")
	clk := newFakeClock(time.Time{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	done := startCrawlWith(ctx, crawlEnv{minEvery: minEvery, clock: clk},
		"--config", file, "--log-level", "warn", "--every", "1h", "--summary-json", summaryFile)
	select {
	case <-entered:
	case res := <-done:
		t.Fatalf("command ended before it fetched the article: code %d, %v\n%s", res.code, res.err, res.stderr)
	case <-time.After(20 * time.Second):
		t.Fatal("crawl did not reach the article")
	}
	cancel()
	res := <-done

	if res.code != exitInterrupted {
		t.Errorf("exit code = %d (%v), want %d", res.code, res.err, exitInterrupted)
	}
	if n := len(clk.waits); n != 0 {
		t.Errorf("the schedule asked for %d waits, want 0: no run may follow the signal", n)
	}
	s := readRunSummary(t, summaryFile)
	if s.StopReason != stopInterrupted || s.ExitCode != exitInterrupted {
		t.Errorf("summary: stop_reason %q, exit_code %d, want interrupted and 130", s.StopReason, s.ExitCode)
	}
	if !strings.Contains(res.stderr, "crawl interrupted in") {
		t.Errorf("stderr does not print the interrupted run's summary:\n%s", res.stderr)
	}
}

func TestCrawlMetricsDuringRun(t *testing.T) {
	hold := make(chan struct{})
	entered := make(chan struct{})
	site := newNewsSite(t, 2, false, hold, entered)
	file := writeCrawlConfig(t, site.URL, "")
	env, addrs := metricsEnv(systemClock{})

	done := startCrawlWith(context.Background(), env, "--config", file, "--log-level", "warn", "--metrics-addr", "127.0.0.1:0")
	addr := receiveAddr(t, addrs, done)
	select {
	case <-entered:
	case res := <-done:
		t.Fatalf("crawl ended before it fetched an article: code %d, %v\n%s", res.code, res.err, res.stderr)
	case <-time.After(20 * time.Second):
		t.Fatal("crawl did not reach the articles")
	}
	samples := scrapeMetrics(t, addr)
	close(hold)
	res := <-done

	wantSamples(t, "during the run", samples, map[string]float64{
		"gleaner_crawl_running":            1,
		"gleaner_articles_written_total":   0,
		`gleaner_runs_total{outcome="ok"}`: 0,
	})
	if n := samples["gleaner_pages_fetched_total"]; n < 1 {
		t.Errorf("gleaner_pages_fetched_total = %v during the run, want at least 1 (the listing)", n)
	}
	if _, ok := samples["gleaner_last_run_start_timestamp_seconds"]; !ok {
		t.Error("gleaner_last_run_start_timestamp_seconds missing during the run")
	}
	if _, ok := samples["gleaner_last_run_end_timestamp_seconds"]; ok {
		t.Error("gleaner_last_run_end_timestamp_seconds present before any run ended")
	}
	collectorSamples := []string{"go_goroutines"}
	if runtime.GOOS == "linux" {
		collectorSamples = append(collectorSamples, "process_cpu_seconds_total")
	}
	for _, name := range collectorSamples {
		if _, ok := samples[name]; !ok {
			t.Errorf("%s missing: the Go and process collectors are not served", name)
		}
	}
	if res.code != exitOK {
		t.Errorf("exit code = %d (%v), want 0\n%s", res.code, res.err, res.stderr)
	}
	if _, err := http.Get("http://" + addr.String() + "/metrics"); err == nil {
		t.Error("metrics still served after the command ended")
	}
}

func TestCrawlMetricsAddrErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	tests := []struct {
		name string
		addr string
		want string
	}{
		{name: "no port", addr: "127.0.0.1", want: `invalid --metrics-addr "127.0.0.1"`},
		{name: "bad port", addr: "127.0.0.1:http-alt-x", want: "--metrics-addr 127.0.0.1:http-alt-x"},
		{name: "port in use", addr: busy.Addr().String(), want: "--metrics-addr " + busy.Addr().String()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newNewsSite(t, 1, false, nil, nil)
			file := writeCrawlConfig(t, site.URL, "")

			_, _, code, err := runCommand(t, "crawl", "--config", file, "--log-level", "warn", "--metrics-addr", tt.addr)

			if code != exitFailure {
				t.Errorf("exit code = %d (%v), want %d", code, err, exitFailure)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
			if _, statErr := os.Stat(filepath.Join(filepath.Dir(file), "out", "records.jsonl")); statErr == nil {
				t.Error("records.jsonl exists: the crawl started despite the metrics error")
			}
			if n := site.articleRequests(); n != 0 {
				t.Errorf("site got %d article requests, want 0", n)
			}
		})
	}
}

func TestCrawlScheduleUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "every below a minute", args: []string{"--every", "30s"}, want: "invalid --every 30s: give at least 1m0s"},
		{name: "negative every", args: []string{"--every", "-1m"}, want: "invalid --every -1m0s"},
		{name: "unknown progress mode", args: []string{"--progress", "sometimes"}, want: `invalid --progress "sometimes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"crawl", "--config", "crawl.yaml"}, tt.args...)

			_, _, code, err := runCommand(t, args...)

			if code != exitFailure {
				t.Errorf("exit code = %d, want %d", code, exitFailure)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCrawlProgressLine(t *testing.T) {
	tests := []struct {
		mode       string
		wantStatus bool
	}{
		{mode: progressAlways, wantStatus: true},
		{mode: progressAuto, wantStatus: false}, // stderr is a buffer, not a terminal
		{mode: progressNever, wantStatus: false},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			site := newNewsSite(t, 2, false, nil, nil)
			file := writeCrawlConfig(t, site.URL, "")

			_, stderr, code, err := runCommand(t, "crawl", "--config", file, "--log-level", "warn", "--progress", tt.mode)

			if code != exitOK {
				t.Fatalf("exit code = %d (%v), want 0\n%s", code, err, stderr)
			}
			summaryAt := strings.Index(stderr, "crawl finished in")
			if summaryAt < 0 {
				t.Fatalf("no summary printed:\n%q", stderr)
			}
			beforeSummary := stderr[:summaryAt]
			if got := strings.Contains(beforeSummary, " fetched, "); got != tt.wantStatus {
				t.Errorf("status line drawn = %v, want %v:\n%q", got, tt.wantStatus, stderr)
			}
			if tt.wantStatus && !strings.HasSuffix(beforeSummary, "\r") {
				t.Errorf("status line not erased before the summary:\n%q", beforeSummary)
			}
			if strings.Contains(stderr[summaryAt:], "\r") {
				t.Errorf("carriage return in or after the summary:\n%q", stderr[summaryAt:])
			}
			if !tt.wantStatus && strings.Contains(stderr, "\r") {
				t.Errorf("carriage return with --progress %s:\n%q", tt.mode, stderr)
			}
		})
	}
}

func TestHelpNamesScheduleFlags(t *testing.T) {
	stdout, _, _, _ := runCommand(t, "help", "crawl")

	for _, want := range []string{"--progress auto|always|never", "--metrics-addr HOST:PORT", "--every D"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help crawl does not contain %q", want)
		}
	}
}
