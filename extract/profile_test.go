package extract

import (
	"os"
	"slices"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
)

func seedPage(t *testing.T) []byte {
	t.Helper()
	page, err := os.ReadFile("testdata/cases/seed-article.html")
	if err != nil {
		t.Fatal(err)
	}
	return page
}

func TestProfileSelectors(t *testing.T) {
	prof := &Profile{
		Name:          "news.example-agg.com",
		Title:         mustGroup(t, "h1.news-detail__title"),
		Published:     mustGroup(t, ".news-detail__meta .time"),
		Body:          mustGroup(t, ".news-detail__body"),
		Remove:        []goquery.Matcher{mustGroup(t, ".news-detail__statement")},
		Recommended:   mustGroup(t, "section.recommend"),
		Item:          mustGroup(t, "li.rec-item"),
		ItemLink:      mustGroup(t, "a.rec-item__title"),
		ItemSummary:   mustGroup(t, ".rec-item__desc"),
		ItemSource:    mustGroup(t, ".src"),
		ItemPublished: mustGroup(t, ".ago"),
		DateLayout:    "2006-01-02 15:04:05",
	}
	ref := time.Date(2024, 11, 12, 10, 0, 0, 0, time.FixedZone("", 8*3600))

	rec, err := Extract(seedPage(t), Options{URL: "https://news.example-agg.com/zh-hant/article/188231", FetchedAt: ref, Profile: prof, Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Title != "英偉達推出定制版大模型ChipNeMo,專攻芯片設計" {
		t.Errorf("title = %q", rec.Title)
	}
	if rec.Published != "2023-11-02T16:11:06+08:00" {
		t.Errorf("published = %q", rec.Published)
	}
	if len(rec.Recommended) != 6 {
		t.Fatalf("recommended = %d entries, want 6", len(rec.Recommended))
	}
	first := rec.Recommended[0]
	if first.Source != "星球日報" || first.Published != "2024-11-12T02:00:00+08:00" || first.Block != "推薦文章" {
		t.Errorf("first entry = %+v", first)
	}
	for _, field := range []string{"title", "published", "body", "recommended"} {
		if rec.Explain[field] != "profile" {
			t.Errorf("explain %s = %q, want profile", field, rec.Explain[field])
		}
	}
	if len(rec.Fallbacks) != 0 {
		t.Errorf("fallbacks = %v, want none", rec.Fallbacks)
	}
}

func TestProfileFallsBack(t *testing.T) {
	prof := &Profile{
		Name:      "news.example-agg.com",
		Title:     mustGroup(t, "h1.renamed-title"),
		Body:      mustGroup(t, ".renamed-body"),
		Published: mustGroup(t, ".renamed-time"),
	}
	ref := time.Date(2024, 11, 12, 10, 0, 0, 0, time.FixedZone("", 8*3600))

	rec, err := Extract(seedPage(t), Options{URL: "https://news.example-agg.com/zh-hant/article/188231", FetchedAt: ref, Profile: prof})
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"title", "body", "published"} {
		if !slices.Contains(rec.Fallbacks, field) {
			t.Errorf("fallbacks = %v, want %s in it", rec.Fallbacks, field)
		}
	}
	if rec.Title != "英偉達推出定制版大模型ChipNeMo,專攻芯片設計" || rec.Published != "2023-11-02T16:11:06+08:00" || rec.Body == "" {
		t.Errorf("generic extraction did not fill in: title %q, published %q, body %d bytes", rec.Title, rec.Published, len(rec.Body))
	}
}

func mustGroup(t *testing.T, sel string) goquery.Matcher {
	t.Helper()
	g, err := cascadia.Compile(sel)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
