package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stopTimeout is how long the crawler may take to flush its sinks after
// soak sends it SIGINT, before soak kills it.
const stopTimeout = time.Minute

// workFiles are the paths soak uses in the work folder.
type workFiles struct {
	dir      string
	config   string
	summary  string
	log      string // the crawler's standard output and error
	database string // the default SQLite sink of the configuration
}

func newWorkFiles(dir string) workFiles {
	return workFiles{
		dir:      dir,
		config:   filepath.Join(dir, "gleaner.yaml"),
		summary:  filepath.Join(dir, "summary.json"),
		log:      filepath.Join(dir, "gleaner.log"),
		database: filepath.Join(dir, "out", "gleaner.db"),
	}
}

// writeConfig writes the crawl configuration for the site at base. The
// spool folder and the run lock keep their defaults, under out/ beside
// the configuration.
func writeConfig(files workFiles, base string, parallelism int) error {
	config := fmt.Sprintf(`# Written by gleaner's soak tool (bench/soak) for one run.
seeds:
  - %[1]s/sitemap.xml
  - %[1]s/list/1
articles:
  - '/article/[0-9]+$'
# Each listing page links the next, so the chain of listings is as deep as
# the site has listing pages, and the depth must not be limited.
max_depth: 0
parallelism: %[2]d
delay: 0s
sinks:
  - type: sqlite
    path: out/gleaner.db
`, base, parallelism)

	if err := os.WriteFile(files.config, []byte(config), 0o644); err != nil {
		return fmt.Errorf("write crawl configuration: %w", err)
	}
	return nil
}

// crawlCommand returns the gleaner crawl process, not yet started. When
// ctx is canceled, the process gets one SIGINT, so that it stops cleanly
// and flushes its sinks, and is killed if it is still running after
// stopTimeout.
func crawlCommand(ctx context.Context, bin string, files workFiles, output *os.File) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, "crawl",
		"--config", files.config,
		"--summary-json", files.summary,
		"--log-format", "json")
	cmd.Dir = files.dir
	cmd.Stdout = output
	cmd.Stderr = output

	// The crawler gets its own process group, so that a Ctrl-C in the
	// terminal reaches only soak. gleaner quits without flushing its sinks
	// on a second signal, so it must get exactly one.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = stopTimeout
	return cmd
}

// maxRSS returns the peak resident set size of an exited process in
// bytes, as the kernel reported it to wait4, or 0 when unknown.
func maxRSS(state *os.ProcessState) int64 {
	usage, ok := state.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	return usage.Maxrss * 1024 // kilobytes on Linux
}

// crawlSummary is the part of the --summary-json file that soak reads.
type crawlSummary struct {
	DurationSeconds float64        `json:"duration_seconds"`
	StopReason      string         `json:"stop_reason"`
	ExitCode        int            `json:"exit_code"`
	Error           string         `json:"error,omitempty"`
	PagesFetched    int            `json:"pages_fetched"`
	PagesFailed     int            `json:"pages_failed"`
	Failures        map[string]int `json:"failures,omitempty"`
	Articles        int            `json:"articles"`
	Listings        int            `json:"listings"`
	Other           int            `json:"other"`
	Duplicates      int            `json:"duplicates"`
	Blocked         int            `json:"blocked"`
	Canceled        int            `json:"canceled"`
}

func readSummary(path string) (*crawlSummary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read crawl summary: %w", err)
	}

	var summary crawlSummary
	if err := json.Unmarshal(data, &summary); err != nil {
		return nil, fmt.Errorf("parse crawl summary %s: %w", path, err)
	}
	return &summary, nil
}

// errNoSQLite3 means the sqlite3 command is not installed, so the rows
// were not counted.
var errNoSQLite3 = errors.New("sqlite3 command not found")

// countRows returns the number of rows of the articles table, read with
// the sqlite3 command.
func countRows(ctx context.Context, database string) (int64, error) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		return 0, errNoSQLite3
	}

	out, err := exec.CommandContext(ctx, sqlite3, "-readonly", database, "SELECT count(*) FROM articles;").Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return 0, fmt.Errorf("count rows of %s: %w: %s", database, err, strings.TrimSpace(string(exitErr.Stderr)))
		}
		return 0, fmt.Errorf("count rows of %s: %w", database, err)
	}

	rows, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("count rows of %s: unexpected sqlite3 output %q", database, out)
	}
	return rows, nil
}

// logStats are the counts of the crawler's log lines.
type logStats struct {
	Lines  int            `json:"lines"`
	Levels map[string]int `json:"levels"` // JSON lines by zap level

	// PlainLines counts the lines that are not JSON, such as the summary
	// that gleaner prints at the end.
	PlainLines int `json:"plain_lines"`

	// Problems counts the warn and more severe lines by "level: message".
	Problems map[string]int `json:"problems"`
}

// scanLog counts the lines of a log written with --log-format json.
func scanLog(path string) (logStats, error) {
	stats := logStats{Levels: make(map[string]int), Problems: make(map[string]int)}

	file, err := os.Open(path)
	if err != nil {
		return stats, fmt.Errorf("read crawler log: %w", err)
	}
	defer file.Close()

	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for scanner.Scan() {
		stats.add(scanner.Bytes())
	}
	if err := scanner.Err(); err != nil {
		return stats, fmt.Errorf("read crawler log %s: %w", path, err)
	}
	return stats, nil
}

func (s *logStats) add(line []byte) {
	s.Lines++

	var entry struct {
		Level   string `json:"level"`
		Message string `json:"msg"`
	}
	if err := json.Unmarshal(line, &entry); err != nil || entry.Level == "" {
		s.PlainLines++
		return
	}

	s.Levels[entry.Level]++
	switch entry.Level {
	case "debug", "info":
	default:
		s.Problems[entry.Level+": "+entry.Message]++
	}
}
