package extract

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// caseFile is one field-by-field case: a saved page and what its record
// must hold. The schema matches the acceptance cases the project is
// measured by, so a case can move between the two unchanged.
type caseFile struct {
	Input     string     `json:"input"`
	URL       string     `json:"url"`
	FetchedAt string     `json:"fetched_at"`
	Expect    caseExpect `json:"expect"`
}

type caseExpect struct {
	Title                 *string         `json:"title"`
	TitleMustNotBe        []string        `json:"title_must_not_be"`
	TitleMinLength        int             `json:"title_min_length"`
	Published             json.RawMessage `json:"published"`
	Modified              json.RawMessage `json:"modified"`
	PublishedMustNotStart []string        `json:"published_must_not_start_with"`
	SiteName              *string         `json:"site_name"`
	PageType              *string         `json:"page_type"`
	LangPrefix            string          `json:"lang_prefix"`
	BodyStartsWith        string          `json:"body_starts_with"`
	BodyEndsWith          string          `json:"body_ends_with"`
	BodyContains          []string        `json:"body_contains"`
	BodyNotContains       []string        `json:"body_not_contains"`
	ImageCaptionsContain  []string        `json:"image_captions_contain"`
	RecommendedCount      *int            `json:"recommended_count"`
	ItemsCount            *int            `json:"items_count"`
	Recommended           []caseEntry     `json:"recommended"`
	Items                 []caseEntry     `json:"items"`
}

type caseEntry struct {
	Title             *string `json:"title"`
	URL               string  `json:"url"`
	Source            *string `json:"source"`
	Published         string  `json:"published"`
	PublishedDate     string  `json:"published_date"`
	SummaryStartsWith string  `json:"summary_starts_with"`
}

func fold(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

func sameInstant(got, want string) bool {
	g, err1 := time.Parse(time.RFC3339, got)
	w, err2 := time.Parse(time.RFC3339, want)
	return err1 == nil && err2 == nil && g.Equal(w)
}

// TestCases runs every case in testdata/cases.
func TestCases(t *testing.T) {
	files, err := filepath.Glob("testdata/cases/*.expected.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases found: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".expected.json")
		t.Run(name, func(t *testing.T) {
			var c caseFile
			readJSON(t, file, &c)
			rec := extractCase(t, c)
			checkCase(t, rec, c.Expect)
			checkGolden(t, filepath.Join("testdata/cases", name+".golden.json"), rec)
		})
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func extractCase(t *testing.T, c caseFile) *Record {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("testdata/cases", c.Input))
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
	return rec
}

func checkCase(t *testing.T, rec *Record, want caseExpect) {
	t.Helper()
	body := fold(rec.Body)

	if want.Title != nil && fold(rec.Title) != fold(*want.Title) {
		t.Errorf("title = %q, want %q", rec.Title, *want.Title)
	}
	for _, s := range want.TitleMustNotBe {
		if fold(rec.Title) == fold(s) {
			t.Errorf("title is the wrong text %q", s)
		}
	}
	if want.TitleMinLength > 0 && len([]rune(fold(rec.Title))) < want.TitleMinLength {
		t.Errorf("title %q shorter than %d", rec.Title, want.TitleMinLength)
	}
	checkTime(t, "published", rec.Published, want.Published)
	checkTime(t, "modified", rec.Modified, want.Modified)
	for _, prefix := range want.PublishedMustNotStart {
		if strings.HasPrefix(rec.Published, prefix) {
			t.Errorf("published %q starts with %q", rec.Published, prefix)
		}
	}
	if want.SiteName != nil && fold(rec.SiteName) != fold(*want.SiteName) {
		t.Errorf("site_name = %q, want %q", rec.SiteName, *want.SiteName)
	}
	if want.PageType != nil && rec.PageType != *want.PageType {
		t.Errorf("page_type = %q, want %q", rec.PageType, *want.PageType)
	}
	if want.LangPrefix != "" && !strings.HasPrefix(strings.ToLower(rec.Lang), want.LangPrefix) {
		t.Errorf("lang = %q, want prefix %q", rec.Lang, want.LangPrefix)
	}
	if want.BodyStartsWith != "" && !strings.HasPrefix(body, fold(want.BodyStartsWith)) {
		t.Errorf("body starts %q", truncateRunes(body, 60))
	}
	if want.BodyEndsWith != "" && !strings.HasSuffix(body, fold(want.BodyEndsWith)) {
		t.Errorf("body ends %q", body[max(0, len(body)-90):])
	}
	for _, s := range want.BodyContains {
		if !strings.Contains(body, fold(s)) {
			t.Errorf("body lacks %q", s)
		}
	}
	for _, s := range want.BodyNotContains {
		if strings.Contains(body, fold(s)) {
			t.Errorf("body holds boilerplate %q", s)
		}
	}
	for _, s := range want.ImageCaptionsContain {
		found := false
		for _, img := range rec.Images {
			found = found || strings.Contains(fold(img.Caption), fold(s))
		}
		if !found {
			t.Errorf("no image caption holds %q (images: %+v)", s, rec.Images)
		}
	}
	if want.RecommendedCount != nil && len(rec.Recommended) != *want.RecommendedCount {
		t.Errorf("recommended count = %d, want %d: %+v", len(rec.Recommended), *want.RecommendedCount, rec.Recommended)
	}
	if want.ItemsCount != nil && len(rec.Items) != *want.ItemsCount {
		t.Errorf("items count = %d, want %d", len(rec.Items), *want.ItemsCount)
	}
	checkEntries(t, "recommended", rec.Recommended, want.Recommended)
	checkEntries(t, "items", rec.Items, want.Items)
}

func checkTime(t *testing.T, field, got string, want json.RawMessage) {
	t.Helper()
	if len(want) == 0 {
		return
	}
	if string(want) == "null" {
		if got != "" {
			t.Errorf("%s = %q, want none", field, got)
		}
		return
	}
	var w string
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if !sameInstant(got, w) {
		t.Errorf("%s = %q, want %q", field, got, w)
	}
}

func checkEntries(t *testing.T, field string, got []Entry, want []caseEntry) {
	t.Helper()
	byURL := map[string]Entry{}
	for _, e := range got {
		byURL[e.URL] = e
	}
	for _, w := range want {
		e, ok := byURL[w.URL]
		if !ok {
			t.Errorf("%s entry missing: %s (got %d entries)", field, w.URL, len(got))
			continue
		}
		if w.Title != nil && fold(e.Title) != fold(*w.Title) {
			t.Errorf("%s %s title = %q", field, w.URL, e.Title)
		}
		if w.Source != nil && fold(e.Source) != fold(*w.Source) {
			t.Errorf("%s %s source = %q", field, w.URL, e.Source)
		}
		if w.Published != "" && !sameInstant(e.Published, w.Published) {
			t.Errorf("%s %s published = %q, want %q", field, w.URL, e.Published, w.Published)
		}
		if w.PublishedDate != "" && !strings.HasPrefix(e.Published, w.PublishedDate) {
			t.Errorf("%s %s published = %q, want date %s", field, w.URL, e.Published, w.PublishedDate)
		}
		if w.SummaryStartsWith != "" && !strings.HasPrefix(fold(e.Summary), fold(w.SummaryStartsWith)) {
			t.Errorf("%s %s summary = %q", field, w.URL, e.Summary)
		}
	}
}
