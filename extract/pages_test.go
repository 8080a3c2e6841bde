package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

var update = flag.Bool("update", false, "rewrite the golden records in testdata/pages")

// pageCase is a saved real page with checks taken from its source
// repository's annotations.
type pageCase struct {
	File            string   `json:"file"`
	URL             string   `json:"url"`
	FetchedAt       string   `json:"fetched_at"`
	Title           string   `json:"title"`
	PublishedDay    string   `json:"published_day"`
	BodyContains    []string `json:"body_contains"`
	BodyNotContains []string `json:"body_not_contains"`
}

// squeeze drops all white space, so a snippet matches across the line
// breaks that different annotators put in different places.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, fold(s))
}

// TestRealPages extracts saved real pages and checks them against their
// annotations and against golden records (rewritten with -update).
func TestRealPages(t *testing.T) {
	var cases []pageCase
	readJSON(t, "testdata/pages/pages.json", &cases)
	if len(cases) < 12 {
		t.Fatalf("only %d pages in pages.json", len(cases))
	}

	for _, c := range cases {
		t.Run(strings.TrimSuffix(c.File, ".html"), func(t *testing.T) {
			page, err := os.ReadFile(filepath.Join("testdata/pages", c.File))
			if err != nil {
				t.Fatal(err)
			}
			fetched, err := time.Parse(time.RFC3339, c.FetchedAt)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := Extract(page, Options{URL: c.URL, FetchedAt: fetched})
			if err != nil {
				t.Fatalf("extract: %v", err)
			}

			if c.Title != "" && !titleMatches(c.Title, rec.Title) {
				t.Errorf("title = %q, want %q", rec.Title, c.Title)
			}
			if c.PublishedDay != "" && !strings.HasPrefix(rec.Published, c.PublishedDay) {
				t.Errorf("published = %q, want day %s", rec.Published, c.PublishedDay)
			}
			body := squeeze(rec.Body)
			for _, s := range c.BodyContains {
				if !strings.Contains(body, squeeze(s)) {
					t.Errorf("body lacks %q", s)
				}
			}
			for _, s := range c.BodyNotContains {
				if strings.Contains(body, squeeze(s)) {
					t.Errorf("body holds %q", s)
				}
			}
			checkGolden(t, filepath.Join("testdata/pages", strings.TrimSuffix(c.File, ".html")+".golden.json"), rec)
		})
	}
}

// titleMatches accepts the exact title, or the title without a site name
// that the annotation kept after a separator.
func titleMatches(want, got string) bool {
	w, g := fold(want), fold(got)
	if w == g {
		return true
	}
	return g != "" && strings.HasPrefix(w, g) && strings.ContainsAny(strings.TrimSpace(w[len(g):])[:1], "-_|–—:：丨·")
}

func checkGolden(t *testing.T, path string, rec *Record) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(rec); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("record differs from %s (run go test ./extract -update after checking the change)\ngot:\n%s", path, truncateRunes(buf.String(), 3000))
	}
}
