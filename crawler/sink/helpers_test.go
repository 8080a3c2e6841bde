package sink

import (
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"go.uber.org/goleak"
	"gopkg.in/yaml.v3"

	"github.com/gleanerhq/gleaner/extract"
)

// TestMain checks that closed sinks leave no goroutines behind, such as
// those of an unclosed database/sql pool. When the test binary runs as the
// child process of a fault test, it does that child's work instead.
func TestMain(m *testing.M) {
	if mode := os.Getenv(faultHelperVariable); mode != "" {
		os.Exit(runFaultHelper(mode))
	}

	goleak.VerifyTestMain(m)
}

// articleRecord returns a fixed article record with Chinese text, characters
// that HTML escaping would change, images and recommended entries.
func articleRecord() *extract.Record {
	taipei := time.FixedZone("", 8*60*60)

	return &extract.Record{
		URL:                "https://news.example.com/article/1024?ref=home&lang=zh",
		CanonicalURL:       "https://news.example.com/article/1024",
		FetchedAt:          time.Date(2024, 3, 5, 8, 30, 15, 0, taipei),
		PageType:           extract.PageArticle,
		Title:              "颱風「海葵」逼近 <花蓮> & 台東發布警報",
		Published:          "2024-03-05T07:15:00+08:00",
		PublishedRaw:       "2024年3月5日 07:15",
		PublishedPrecision: "minute",
		Modified:           "2024-03-05T08:00:00+08:00",
		Authors:            []string{"王小明", "Lee Chen"},
		Source:             "中央社",
		Lang:               "zh-Hant",
		SiteName:           "範例新聞",
		Body:               "氣象署今晨發布海上颱風警報。\n花蓮、台東沿海 \"風浪\" 明顯增大，請民眾注意 <安全>。",
		Images: []extract.Image{
			{URL: "https://news.example.com/img/1024-1.jpg", Caption: "海葵路徑潛勢圖（氣象署提供）"},
			{URL: "https://news.example.com/img/1024-2.jpg"},
		},
		Recommended: []extract.Entry{
			{
				Title:        "北部降雨機率上升",
				URL:          "https://news.example.com/article/1020",
				Summary:      "週三起鋒面南下 & 東北季風增強",
				Source:       "中央社",
				Published:    "2024-03-05T05:30:00+08:00",
				PublishedRaw: "3小時前",
				Block:        "推薦文章",
			},
			{Title: "Typhoon season outlook", URL: "https://news.example.com/article/998", Block: "相關新聞"},
		},
		ContentHash: "sha256:5a1f0c3e9b7d",
	}
}

// listingRecord returns a fixed listing record: no body, teaser cards in
// Items and most optional fields empty.
func listingRecord() *extract.Record {
	return &extract.Record{
		URL:       "https://news.example.com/list/politics",
		FetchedAt: time.Date(2024, 3, 5, 0, 30, 0, 0, time.UTC),
		PageType:  extract.PageListing,
		Title:     "政治新聞",
		Items: []extract.Entry{
			{Title: "立法院三讀通過預算案", URL: "https://news.example.com/article/1001", PublishedRaw: "昨天 18:20"},
			{Title: "市長出席記者會", URL: "https://news.example.com/article/1002"},
		},
	}
}

// recordWithURL returns an article record with another URL and title.
func recordWithURL(i int) *extract.Record {
	r := articleRecord()
	r.URL = fmt.Sprintf("https://news.example.com/article/%d", 2000+i)
	r.Title = fmt.Sprintf("第 %d 則新聞", i)

	return r
}

// assertSameRecord fails the test unless got equals want. FetchedAt is
// compared as an instant because a decoded time has another *time.Location.
func assertSameRecord(t *testing.T, got, want *extract.Record) {
	t.Helper()

	if !got.FetchedAt.Equal(want.FetchedAt) {
		t.Errorf("fetched_at = %s, want %s", got.FetchedAt, want.FetchedAt)
	}

	gotCopy, wantCopy := *got, *want
	gotCopy.FetchedAt, wantCopy.FetchedAt = time.Time{}, time.Time{}
	if !reflect.DeepEqual(gotCopy, wantCopy) {
		t.Errorf("record differs\n got: %+v\nwant: %+v", gotCopy, wantCopy)
	}
}

// specFromYAML parses text, a YAML document with a sinks list, and returns
// the Spec of sinks[index] the way the config package builds it.
func specFromYAML(t *testing.T, text string, index int) Spec {
	t.Helper()

	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatalf("parse test YAML: %v", err)
	}

	root := doc.Content[0]
	var sinks *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "sinks" {
			sinks = root.Content[i+1]
		}
	}
	if sinks == nil || index >= len(sinks.Content) {
		t.Fatalf("test YAML has no sinks[%d]", index)
	}

	entry := sinks.Content[index]
	spec := Spec{Node: entry, Line: entry.Line, KeyPath: fmt.Sprintf("sinks[%d]", index)}
	for i := 0; i+1 < len(entry.Content); i += 2 {
		switch entry.Content[i].Value {
		case "type":
			spec.Type = entry.Content[i+1].Value
		case "path":
			spec.Path = entry.Content[i+1].Value
		}
	}

	return spec
}

// itoa formats n for YAML test settings.
func itoa(n int) string { return fmt.Sprint(n) }

// specsFromYAML returns the Specs of every entry of the sinks list of text,
// as the config package builds them. Child processes of the fault tests use
// it, so it reports errors instead of failing a test.
func specsFromYAML(text string) ([]Spec, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		return nil, err
	}

	root := doc.Content[0]
	var specs []Spec
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "sinks" {
			continue
		}
		for index, entry := range root.Content[i+1].Content {
			spec := Spec{Node: entry, Line: entry.Line, KeyPath: fmt.Sprintf("sinks[%d]", index)}
			for j := 0; j+1 < len(entry.Content); j += 2 {
				switch entry.Content[j].Value {
				case "type":
					spec.Type = entry.Content[j+1].Value
				case "path":
					spec.Path = entry.Content[j+1].Value
				}
			}
			specs = append(specs, spec)
		}
	}

	return specs, nil
}
