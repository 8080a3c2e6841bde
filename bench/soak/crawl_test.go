package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogStatsCountsLevels(t *testing.T) {
	log := strings.Join([]string{
		`{"level":"info","ts":"2026-01-01T00:00:00Z","msg":"crawl started"}`,
		`{"level":"warn","ts":"2026-01-01T00:00:01Z","msg":"links dropped: page has more than the limit","url":"http://127.0.0.1/x"}`,
		`{"level":"warn","ts":"2026-01-01T00:00:02Z","msg":"links dropped: page has more than the limit","url":"http://127.0.0.1/y"}`,
		`{"level":"error","ts":"2026-01-01T00:00:03Z","msg":"page failed"}`,
		`crawl finished in 4.9s`,
		`  pages fetched:          5103`,
	}, "\n") + "\n"
	path := filepath.Join(t.TempDir(), "gleaner.log")
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}

	stats, err := scanLog(path)
	if err != nil {
		t.Fatal(err)
	}

	if stats.Lines != 6 {
		t.Errorf("Lines %d, want 6", stats.Lines)
	}
	if stats.PlainLines != 2 {
		t.Errorf("PlainLines %d, want 2", stats.PlainLines)
	}
	if stats.Levels["info"] != 1 || stats.Levels["warn"] != 2 || stats.Levels["error"] != 1 {
		t.Errorf("Levels %v, want 1 info, 2 warn, 1 error", stats.Levels)
	}
	if got := stats.Problems["warn: links dropped: page has more than the limit"]; got != 2 {
		t.Errorf("warn message counted %d times, want 2 (problems: %v)", got, stats.Problems)
	}
	if _, ok := stats.Problems["info: crawl started"]; ok {
		t.Error("info line counted as a problem")
	}
}

func TestWriteConfig(t *testing.T) {
	files := newWorkFiles(t.TempDir())

	if err := writeConfig(files, "http://127.0.0.1:8080", 4); err != nil {
		t.Fatal(err)
	}

	data, err := os.ReadFile(files.config)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  - http://127.0.0.1:8080/sitemap.xml\n",
		"  - http://127.0.0.1:8080/list/1\n",
		"max_depth: 0\n",
		"parallelism: 4\n",
		"delay: 0s\n",
		"    path: out/gleaner.db\n",
	} {
		if !strings.Contains(string(data), want) {
			t.Errorf("configuration lacks %q:\n%s", want, data)
		}
	}
}
