package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the sqlite sink's driver, to read its output

	"github.com/gleanerhq/gleaner/extract"
)

// runCommand runs the command line args and returns its outputs and exit code.
func runCommand(t *testing.T, args ...string) (stdout, stderr string, code int, err error) {
	t.Helper()

	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), exitCode(err), err
}

func decodeLines(t *testing.T, stdout string) []extract.Record {
	t.Helper()

	var records []extract.Record
	for i, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if line == "" {
			continue
		}
		var r extract.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("stdout line %d is not a JSON record: %v\n%s", i+1, err, line)
		}
		records = append(records, r)
	}
	return records
}

func TestExtractPrintsOneLinePerFile(t *testing.T) {
	stdout, stderr, code, _ := runCommand(t, "extract",
		"--url", "http://www.news.cn/fortune/2023-11/17/c_1129981476.htm",
		"--fetched-at", "2023-11-18T08:00:00+08:00",
		"testdata/xinhua-drug-supply.html", "testdata/short-note.html")

	if code != exitOK {
		t.Fatalf("exit code = %d, want 0; stderr:\n%s", code, stderr)
	}
	records := decodeLines(t, stdout)
	if len(records) != 2 {
		t.Fatalf("printed %d records, want 2", len(records))
	}
	if records[0].Title != "短缺药品保供稳价 全力保障临床用药需求" {
		t.Errorf("first record title = %q, want the xinhua page's headline (argument order)", records[0].Title)
	}
	if !strings.HasPrefix(records[1].Title, "Night trains return") {
		t.Errorf("second record title = %q, want the short note's headline", records[1].Title)
	}
	if records[0].URL != "http://www.news.cn/fortune/2023-11/17/c_1129981476.htm" {
		t.Errorf("url = %q, want the --url value", records[0].URL)
	}
	if got := records[0].FetchedAt.Format("2006-01-02T15:04:05Z07:00"); got != "2023-11-18T08:00:00+08:00" {
		t.Errorf("fetched_at = %s, want the --fetched-at value", got)
	}
}

func TestExtractMissingFile(t *testing.T) {
	stdout, stderr, code, _ := runCommand(t, "extract", "testdata/short-note.html", "testdata/no-such-page.html")

	if code == exitOK {
		t.Errorf("exit code = 0, want non-zero for a missing file")
	}
	if !strings.Contains(stderr, "testdata/no-such-page.html") {
		t.Errorf("stderr does not name the missing file:\n%s", stderr)
	}
	records := decodeLines(t, stdout)
	if len(records) != 1 || !strings.HasPrefix(records[0].Title, "Night trains") {
		t.Errorf("stdout = %q, want the one readable file's record", stdout)
	}
	if records[0].URL != "" {
		t.Errorf("url = %q, want empty without --url", records[0].URL)
	}
}

func TestExtractUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no file", args: []string{"extract"}, want: "no FILE"},
		{name: "bad fetched-at", args: []string{"extract", "--fetched-at", "yesterday", "testdata/short-note.html"}, want: "RFC 3339"},
		{name: "bad url", args: []string{"extract", "--url", "news/1.html", "testdata/short-note.html"}, want: "absolute URL"},
		{name: "bad zone", args: []string{"extract", "--time-zone", "Mars/Olympus", "testdata/short-note.html"}, want: "unknown time zone"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, code, err := runCommand(t, tt.args...)

			if code != exitFailure {
				t.Errorf("exit code = %d, want %d", code, exitFailure)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to mention %q", err, tt.want)
			}
			if stdout != "" {
				t.Errorf("stdout = %q, want nothing", stdout)
			}
		})
	}
}

func TestCrawlBadConfigListsAllProblems(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.yaml")
	yaml := "seeds:\n  - ftp://example.com/\ndelay: soon\nparalelism: 2\nsinks:\n  - type: jsonl\n    path: out/r.jsonl\n    colour: blue\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}

	_, _, code, err := runCommand(t, "crawl", "--config", file)

	if code != exitFailure {
		t.Errorf("exit code = %d, want %d", code, exitFailure)
	}
	if err == nil {
		t.Fatal("no error for a bad configuration")
	}
	message := err.Error()
	for _, want := range []string{"line 2", "line 3", "line 4", "line 8", "sinks[0].colour"} {
		if !strings.Contains(message, want) {
			t.Errorf("error does not mention %q:\n%s", want, message)
		}
	}
	if _, statErr := os.Stat(filepath.Join(dir, "out")); !errors.Is(statErr, os.ErrNotExist) {
		t.Errorf("out/ exists after a bad configuration: nothing may start")
	}
}

func TestCrawlSavedSite(t *testing.T) {
	site, err := filepath.Abs(filepath.Join("..", "..", "examples", "site", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "demo.yaml")
	yaml := fmt.Sprintf("seeds:\n  - %s\narticles:\n  - '/articles/'\ndelay: 0s\nsinks:\n  - type: sqlite\n    path: out/gleaner.db\n", site)
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}

	_, stderr, code, err := runCommand(t, "crawl", "--config", file, "--log-level", "warn")

	if code != exitOK {
		t.Fatalf("exit code = %d (%v), want 0; stderr:\n%s", code, err, stderr)
	}
	if !strings.Contains(stderr, "articles written:       16") {
		t.Errorf("summary does not report 16 articles:\n%s", stderr)
	}
	db, err := sql.Open("sqlite", filepath.Join(dir, "out", "gleaner.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows int
	if err := db.QueryRow(`SELECT COUNT(*) FROM articles`).Scan(&rows); err != nil {
		t.Fatalf("count rows: %v", err)
	}
	if rows != 16 {
		t.Errorf("sqlite holds %d rows, want 16", rows)
	}
}

func TestScrape(t *testing.T) {
	page, err := os.ReadFile("testdata/short-note.html")
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/travel/night-trains.html" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer server.Close()

	stdout, stderr, code, _ := runCommand(t, "scrape", "--delay", "0s",
		server.URL+"/travel/night-trains.html", server.URL+"/travel/gone.html")

	if code != exitFailure {
		t.Errorf("exit code = %d, want %d for one failed URL", code, exitFailure)
	}
	if !strings.Contains(stderr, "/travel/gone.html") || !strings.Contains(stderr, "404") {
		t.Errorf("stderr does not report the 404 URL:\n%s", stderr)
	}
	records := decodeLines(t, stdout)
	if len(records) != 1 || records[0].URL != server.URL+"/travel/night-trains.html" {
		t.Errorf("stdout = %q, want the one page's record", stdout)
	}
}

func TestHelpAndVersion(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "program", args: []string{"--help"}, want: "gleaner crawl --config FILE"},
		{name: "help command", args: []string{"help", "extract"}, want: "--fetched-at TIME"},
		{name: "crawl flag", args: []string{"crawl", "--help"}, want: "Exit status"},
		{name: "scrape flag", args: []string{"scrape", "-h"}, want: "--ignore-robots"},
		{name: "check flag", args: []string{"check", "--help"}, want: "FILE_OR_URL"},
		{name: "help check", args: []string{"help", "check"}, want: "fell back"},
		{name: "version", args: []string{"version"}, want: "gleaner "},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, code, _ := runCommand(t, tt.args...)

			if code != exitOK {
				t.Errorf("exit code = %d, want 0", code)
			}
			if !strings.Contains(stdout, tt.want) {
				t.Errorf("stdout does not contain %q:\n%s", tt.want, stdout)
			}
		})
	}
}

func TestUnknownCommand(t *testing.T) {
	_, stderr, code, _ := runCommand(t, "fetch")

	if code != exitFailure {
		t.Errorf("exit code = %d, want %d", code, exitFailure)
	}
	if !strings.Contains(stderr, `unknown command "fetch"`) {
		t.Errorf("stderr = %q, want it to name the command", stderr)
	}
}
