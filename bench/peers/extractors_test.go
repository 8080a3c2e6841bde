package main

import (
	"net/url"
	"strings"
	"testing"
)

// articlePage builds a small news page: navigation, a headline, five
// paragraphs of body text and a footer.
func articlePage() []byte {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Harbour bridge reopens</title></head><body>`)
	b.WriteString(`<nav><a href="/">Home</a> <a href="/city">City</a> <a href="/sport">Sport</a></nav>`)
	b.WriteString(`<article><h1>Harbour bridge reopens after two years of repairs</h1>`)
	for i := range 5 {
		b.WriteString(`<p>`)
		b.WriteString(strings.Repeat("The harbour bridge carried its first buses this morning, and commuters said the crossing now takes half the time it did on the ferry. ", 2))
		if i == 2 {
			b.WriteString("Engineers replaced every cable on the northern span.")
		}
		b.WriteString(`</p>`)
	}
	b.WriteString(`</article><footer>Copyright the city paper</footer></body></html>`)
	return []byte(b.String())
}

func TestExtractorsReturnBody(t *testing.T) {
	p := page{
		path: "article.html",
		html: articlePage(),
		url:  &url.URL{Scheme: "https", Host: "news.example.org", Path: "/2025/bridge"},
	}

	for _, ex := range extractors {
		t.Run(ex.name, func(t *testing.T) {
			text, err := ex.run(p)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if !strings.Contains(text, "Engineers replaced every cable on the northern span.") {
				t.Errorf("text lacks a body sentence: %q", text)
			}
			if strings.Contains(text, "Copyright the city paper") {
				t.Errorf("text contains the footer: %q", text)
			}
		})
	}
}
