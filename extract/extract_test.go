package extract

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestExtractDeepNesting(t *testing.T) {
	tests := []struct {
		name string
		page string
	}{
		{"unclosed font tags", "<html><head><title>Deep page</title></head><body>" + strings.Repeat("<div><font>", 3000) + "<p>The article text, long enough to count as a paragraph.</p></body></html>"},
		{"100k divs", "<html><body>" + strings.Repeat("<div>", 100000) + "<p>The article text, long enough to count as a paragraph.</p></body></html>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Extract([]byte(tt.page), Options{})
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			if !strings.Contains(rec.Body, "The article text") {
				t.Errorf("body = %q, want the paragraph", rec.Body)
			}
		})
	}
}

func TestExtractRejectsBinary(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 200)...)
	_, err := Extract(png, Options{URL: "https://example.com/a.png"})
	if !errors.Is(err, ErrNotHTML) {
		t.Fatalf("err = %v, want ErrNotHTML", err)
	}
}

func TestExtractEmptyPage(t *testing.T) {
	_, err := Extract([]byte("<html><body>   </body></html>"), Options{})
	if !errors.Is(err, ErrEmpty) {
		t.Fatalf("err = %v, want ErrEmpty", err)
	}
}

func TestRelativeTimeNeedsFetchTime(t *testing.T) {
	page := []byte(`<html lang="zh-Hant"><head><title>標題</title></head><body>
<article><h1>北宜公路明起分段夜間管制措施說明</h1><div class="byline"><time>8小時前</time></div>
<p>公路單位表示，為進行邊坡加固工程，北宜公路部分路段自明晚起每日22時至翌日5時實施單線雙向管制。</p></article></body></html>`)

	rec, err := Extract(page, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Published != "" {
		t.Errorf("published = %q without a fetch time, want none", rec.Published)
	}

	ref := time.Date(2023, 11, 3, 12, 0, 0, 0, time.FixedZone("", 8*3600))
	rec, err = Extract(page, Options{FetchedAt: ref})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Published != "2023-11-03T04:00:00+08:00" {
		t.Errorf("published = %q, want 2023-11-03T04:00:00+08:00", rec.Published)
	}
}

func TestExplainNamesMethods(t *testing.T) {
	page := []byte(`<html><head><title>Council votes - Ledger</title>
<meta property="article:published_time" content="2024-05-02T18:05:00-04:00"></head>
<body><h1>Council votes</h1><p>The council voted on Thursday, and the plan passed with a clear majority of members.</p></body></html>`)

	rec, err := Extract(page, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.Explain["published"]; got != "meta:article:published_time" {
		t.Errorf("explain published = %q", got)
	}
	if got := rec.Explain["title"]; got == "" {
		t.Errorf("explain title is empty: %v", rec.Explain)
	}

	rec, err = Extract(page, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Explain != nil {
		t.Errorf("explain = %v without Options.Explain", rec.Explain)
	}
}

func TestRepostLabels(t *testing.T) {
	page, err := os.ReadFile("testdata/repost.html")
	if err != nil {
		t.Fatal(err)
	}

	rec, err := Extract(page, Options{URL: "https://agg.example/a/1"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Source != "星球日報" {
		t.Errorf("source = %q, want 星球日報", rec.Source)
	}
	if want := []string{"Azuma", "深潮TechFlow"}; !slices.Equal(rec.Authors, want) {
		t.Errorf("authors = %q, want %q", rec.Authors, want)
	}
	if rec.OriginalURL != "https://www.odaily.example/post/5200" {
		t.Errorf("original_url = %q", rec.OriginalURL)
	}
	if strings.Contains(rec.Body, "原文連結") {
		t.Errorf("body keeps the original-link line: %q", rec.Body)
	}
}

func TestCardCounters(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"评论 174 赞 12", true},
		{"12 comments · 3 shares", true},
		{"2.1k", true},
		{"评论区里有人说这篇报道写得很好", false},
		{"Transit officials say the detour will add six minutes.", false},
	}
	for _, tt := range tests {
		if got := isCounterLine(tt.text); got != tt.want {
			t.Errorf("isCounterLine(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestCanonicalURLIsBaseWithoutURL(t *testing.T) {
	page := []byte(`<html><head><title>T</title><link rel="canonical" href="https://news.example.com/a/1.html"></head>
<body><h1>Council votes on the new bike lanes plan</h1><p class="byline">By Ann Smith</p>
<p>The rest of the story is here, and it is long enough to count as a paragraph of prose.</p>
<section class="related"><h3>Related</h3><ul>
<li><a href="/a/2.html">Parking study finds half of garage spots empty</a></li>
<li><a href="/a/3.html">Route 12 bus will skip Elm Avenue during repairs</a></li></ul></section></body></html>`)

	rec, err := Extract(page, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Recommended) != 2 || rec.Recommended[0].URL != "https://news.example.com/a/2.html" {
		t.Errorf("recommended = %+v, want absolute URLs on news.example.com", rec.Recommended)
	}
	if want := []string{"Ann Smith"}; !slices.Equal(rec.Authors, want) {
		t.Errorf("authors = %q, want %q", rec.Authors, want)
	}
}

func TestWritesDayFirst(t *testing.T) {
	tests := []struct {
		lang string
		want bool
	}{
		{"", false},
		{"en", false},
		{"en-US", false},
		{"en-GB", true},
		{"en-au", true},
		{"pt-BR", true},
		{"de", true},
		{"zh-Hant", false},
		{"ja", false},
		{"ko-KR", false},
		{"fil", false},
	}
	for _, tt := range tests {
		if got := writesDayFirst(tt.lang); got != tt.want {
			t.Errorf("writesDayFirst(%q) = %v, want %v", tt.lang, got, tt.want)
		}
	}
}
