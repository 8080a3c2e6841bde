package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/crawler"
)

// seedURL is the address of the example page examples/pages/seed-article.html.
const seedURL = "https://news.example-agg.com/zh-hant/article/188231"

// Paths of the example configuration and page, from this package's folder.
var (
	exampleProfiles = filepath.Join("..", "..", "examples", "profiles.yaml")
	examplePage     = filepath.Join("..", "..", "examples", "pages", "seed-article.html")
)

// writeConfig writes a configuration file into a temporary folder and
// returns its path.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()

	file := filepath.Join(t.TempDir(), "profiles.yaml")
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// brokenProfile is the example profile after a redesign of the site: the
// title's class and the share bar are gone.
const brokenProfile = `seeds: [https://news.example-agg.com/]
profiles:
  - hosts: [news.example-agg.com]
    title: h1.article-title
    published: .news-detail__meta .time
    remove: [.news-detail__share, .share-bar]
`

// checkJSON runs check with --json and decodes its one line per page.
func checkJSON(t *testing.T, args ...string) ([]pageReport, int) {
	t.Helper()

	stdout, stderr, code, _ := runCommand(t, append([]string{"check", "--json"}, args...)...)
	var reports []pageReport
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var r pageReport
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("stdout line is not a JSON report: %v\n%s\nstderr:\n%s", err, line, stderr)
		}
		reports = append(reports, r)
	}
	return reports, code
}

// statuses maps each selector key of a report to its status.
func statuses(r pageReport) map[string]string {
	out := make(map[string]string)
	for _, s := range r.Selectors {
		out[s.Key] = s.Status
	}
	return out
}

func TestCheckExampleProfile(t *testing.T) {
	stdout, stderr, code, err := runCommand(t, "check", "--config", exampleProfiles, "--url", seedURL, examplePage)

	if code != exitOK {
		t.Fatalf("exit code = %d (%v), want 0; stdout:\n%s\nstderr:\n%s", code, err, stdout, stderr)
	}
	for _, want := range []string{
		"profile:  example-agg",
		"(from --url)",
		"all 11 selectors matched; 6 recommended entries extracted",
		"英偉達推出定制版大模型ChipNeMo,專攻芯片設計",
		`2023-11-02T16:11:06+08:00 from "2023-11-02 16:11:06"`,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not contain %q:\n%s", want, stdout)
		}
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing", stderr)
	}
}

func TestCheckExampleProfileJSON(t *testing.T) {
	reports, code := checkJSON(t, "--config", exampleProfiles, "--url", seedURL, examplePage)

	if code != exitOK {
		t.Fatalf("exit code = %d, want 0", code)
	}
	if len(reports) != 1 {
		t.Fatalf("printed %d reports, want 1", len(reports))
	}
	r := reports[0]
	if !r.OK || r.Profile != "example-agg" || r.Recommended != 6 || r.URLSource != "--url" {
		t.Errorf("report = ok %v, profile %q, recommended %d, url source %q; want true, example-agg, 6, --url", r.OK, r.Profile, r.Recommended, r.URLSource)
	}
	if len(r.Selectors) != 11 {
		t.Errorf("report has %d selectors, want 11", len(r.Selectors))
	}
	for _, s := range r.Selectors {
		if s.Status != statusMatched || s.Matches == 0 {
			t.Errorf("selector %s: status %s with %d matches, want matched", s.Key, s.Status, s.Matches)
		}
	}
}

func TestCheckBrokenSelectors(t *testing.T) {
	file := writeConfig(t, brokenProfile)

	stdout, stderr, code, err := runCommand(t, "check", "--config", file, "--url", seedURL, examplePage)

	if code != exitPartial {
		t.Fatalf("exit code = %d (%v), want %d; stdout:\n%s", code, err, exitPartial, stdout)
	}
	for _, want := range []string{
		"FELL BACK",
		"generic: 英偉達推出定制版大模型ChipNeMo,專攻芯片設計",
		"NO MATCH",
		"2 of 4 selectors fell back, matched nothing or were skipped",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not contain %q:\n%s", want, stdout)
		}
	}
	if err == nil || !strings.Contains(err.Error(), "1 of 1 pages have selectors that fell back") {
		t.Errorf("error = %v, want it to count the page", err)
	}
	if stderr != "" {
		t.Errorf("stderr = %q, want nothing: the report is on stdout", stderr)
	}
}

func TestCheckBrokenSelectorsJSON(t *testing.T) {
	file := writeConfig(t, brokenProfile)

	reports, code := checkJSON(t, "--config", file, "--url", seedURL, examplePage)

	if code != exitPartial {
		t.Fatalf("exit code = %d, want %d", code, exitPartial)
	}
	want := map[string]string{
		"title":     statusFellBack,
		"published": statusMatched,
		"remove[0]": statusMatched,
		"remove[1]": statusNoMatch,
	}
	if got := statuses(reports[0]); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
	if reports[0].OK {
		t.Errorf("report ok = true, want false")
	}
}

func TestCheckCanonicalURLChoosesProfile(t *testing.T) {
	reports, code := checkJSON(t, "--config", exampleProfiles, examplePage)

	if code != exitOK {
		t.Fatalf("exit code = %d, want 0", code)
	}
	if r := reports[0]; r.URL != seedURL || r.URLSource != "canonical" || r.Profile != "example-agg" {
		t.Errorf("url %q from %q, profile %q; want the canonical URL and example-agg", r.URL, r.URLSource, r.Profile)
	}
}

func TestCheckLiveURL(t *testing.T) {
	page, err := os.ReadFile(examplePage)
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/zh-hant/article/188231" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	}))
	defer server.Close()

	file := writeConfig(t, fmt.Sprintf(`seeds: [%s/]
delay: 0s
profiles:
  - name: local
    hosts: [127.0.0.1]
    title: h1.news-detail__title
    body: .news-detail__body
`, server.URL))

	reports, code := checkJSON(t, "--config", file, server.URL+"/zh-hant/article/188231", server.URL+"/gone")

	if code != exitFailure {
		t.Errorf("exit code = %d, want %d for the 404", code, exitFailure)
	}
	if len(reports) != 2 {
		t.Fatalf("printed %d reports, want 2", len(reports))
	}
	if r := reports[0]; !r.OK || r.Profile != "local" || r.URLSource != "fetched" {
		t.Errorf("first report = ok %v, profile %q, url source %q; want true, local, fetched", r.OK, r.Profile, r.URLSource)
	}
	if r := reports[1]; !strings.Contains(r.Error, "404") {
		t.Errorf("second report error = %q, want the 404", r.Error)
	}
}

func TestCheckProblems(t *testing.T) {
	noProfiles := writeConfig(t, "seeds: [https://news.example-agg.com/]\n")
	badConfig := writeConfig(t, "seeds: [https://news.example-agg.com/]\nprofiles:\n  - hosts: [news.example-agg.com]\n    title: 'h1..x'\n")
	otherHost := writeConfig(t, "seeds: [https://news.example.org/]\nprofiles:\n  - hosts: [news.example.org]\n    title: h1\n")

	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no config", args: []string{"check", examplePage}, want: "missing --config FILE"},
		{name: "no page", args: []string{"check", "--config", exampleProfiles}, want: "no FILE or URL given"},
		{name: "bad url flag", args: []string{"check", "--config", exampleProfiles, "--url", "article/1", examplePage}, want: "absolute URL"},
		{name: "bad fetched-at", args: []string{"check", "--config", exampleProfiles, "--fetched-at", "today", examplePage}, want: "RFC 3339"},
		{name: "config without profiles", args: []string{"check", "--config", noProfiles, examplePage}, want: "has no profiles key"},
		{name: "invalid selector in config", args: []string{"check", "--config", badConfig, examplePage}, want: `line 4: profiles[0].title: invalid CSS selector "h1..x"`},
		{name: "no profile for the host", args: []string{"check", "--config", otherHost, "--url", seedURL, examplePage}, want: "1 of 1 pages could not be checked"},
		{name: "file URL has no host", args: []string{"check", "--config", exampleProfiles, "--url", "file:///srv/a.html", examplePage}, want: "1 of 1 pages could not be checked"},
		{name: "missing file", args: []string{"check", "--config", exampleProfiles, "no-such-page.html"}, want: "1 of 1 pages could not be checked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, code, err := runCommand(t, tt.args...)

			if code != exitFailure {
				t.Errorf("exit code = %d, want %d", code, exitFailure)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestCheckPageErrorMessages(t *testing.T) {
	otherHost := writeConfig(t, "seeds: [https://news.example.org/]\nprofiles:\n  - hosts: [news.example.org, '*.example.net']\n    title: h1\n")

	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no profile for the host", args: []string{"--config", otherHost, "--url", seedURL, examplePage}, want: `no profile matches host "news.example-agg.com": the profiles cover news.example.org, *.example.net`},
		{name: "file URL has no host", args: []string{"--config", exampleProfiles, "--url", "file:///srv/a.html", examplePage}, want: "has no host to choose a profile by: pass its web address with --url"},
		{name: "missing file", args: []string{"--config", exampleProfiles, "no-such-page.html"}, want: "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, _, _ := runCommand(t, append([]string{"check"}, tt.args...)...)

			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr = %q, want it to contain %q", stderr, tt.want)
			}
		})
	}
}

func TestCheckSeveralPagesTotal(t *testing.T) {
	stdout, _, code, _ := runCommand(t, "check", "--config", exampleProfiles, "--url", seedURL, examplePage, examplePage)

	if code != exitOK {
		t.Fatalf("exit code = %d, want 0", code)
	}
	if !strings.Contains(stdout, "checked 2 pages: 2 with every selector matched, 0 with selectors that fell back or matched nothing, 0 not checked") {
		t.Errorf("stdout does not sum up the two pages:\n%s", stdout)
	}
}

func TestCrawlSummaryListsFallbacks(t *testing.T) {
	var out bytes.Buffer
	printSummary(&out, crawler.Summary{
		Duration:         time.Second,
		ProfileFallbacks: map[string]map[string]int{"example-agg": {"title": 3, "body": 1}},
	})

	for _, want := range []string{"example-agg body: 1 page", "example-agg title: 3 pages"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary does not contain %q:\n%s", want, out.String())
		}
	}
}
