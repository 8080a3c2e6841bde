package main

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/gleanerhq/gleaner/extract"
)

// extractor is one library under test. run gets the raw page bytes and
// returns the page's main text. Each call parses the page from scratch.
type extractor struct {
	name string
	run  func(p page) (string, error)
}

var (
	gleaner       = extractor{name: "gleaner", run: runGleaner}
	goTrafilatura = extractor{name: "go-trafilatura", run: runTrafilatura}
	goReadability = extractor{name: "go-readability", run: runReadability}
)

// extractors lists the libraries in the order they run and are printed.
// gleaner comes first because the ratio column compares every peer to it.
var extractors = []extractor{gleaner, goTrafilatura, goReadability}

// fetchedAt is the fetch time given to gleaner. It only decides how
// relative dates ("3 hours ago") resolve, so one fixed value for all pages
// keeps runs repeatable.
var fetchedAt = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

func runGleaner(p page) (string, error) {
	record, err := extract.Extract(p.html, extract.Options{URL: p.url.String(), FetchedAt: fetchedAt})
	if err != nil {
		return "", err
	}
	return record.Body, nil
}

// runTrafilatura uses go-trafilatura's zero Options, which is its default:
// no fallback extractors, balanced focus, comments kept.
func runTrafilatura(p page) (string, error) {
	result, err := trafilatura.Extract(bytes.NewReader(p.html), trafilatura.Options{OriginalURL: p.url})
	if err != nil {
		return "", err
	}
	return result.ContentText, nil
}

func runReadability(p page) (string, error) {
	article, err := readability.FromReader(bytes.NewReader(p.html), p.url)
	if err != nil {
		return "", err
	}

	// A nil Node means readability found no article. RenderText would
	// return an error for it, but this is an empty result, not a failure.
	if article.Node == nil {
		return "", nil
	}

	var text strings.Builder
	if err := article.RenderText(&text); err != nil {
		return "", fmt.Errorf("render text: %w", err)
	}
	return text.String(), nil
}
