package extract

import "time"

// Page types a Record can have.
const (
	// PageArticle marks a page whose main content is one article.
	PageArticle = "article"
	// PageListing marks an index page of teaser cards; its cards are in
	// Record.Items and its Body is empty.
	PageListing = "listing"
)

// Record is what gleaner extracts from one page. Its JSON form is the record
// that every sink stores.
type Record struct {
	URL          string    `json:"url"`
	CanonicalURL string    `json:"canonical_url,omitempty"`
	FetchedAt    time.Time `json:"fetched_at"`
	PageType     string    `json:"page_type"`
	Title        string    `json:"title"`

	// Published is the publication time in RFC 3339 with an offset.
	// PublishedPrecision says how much of it the page stated: "day",
	// "minute" or "second". A day-only date is written as midnight.
	Published          string `json:"published,omitempty"`
	PublishedRaw       string `json:"published_raw,omitempty"`
	PublishedPrecision string `json:"published_precision,omitempty"`
	Modified           string `json:"modified,omitempty"`

	Authors []string `json:"authors,omitempty"`
	// Source is the outlet a reposted article comes from, as the page names
	// it ("原文來源：..."); OriginalURL is the link to the original, when
	// the page gives one.
	Source      string `json:"source,omitempty"`
	OriginalURL string `json:"original_url,omitempty"`
	Lang        string `json:"lang,omitempty"`
	SiteName    string `json:"site_name,omitempty"`

	// Body is the article text only, paragraphs separated by "\n".
	Body        string  `json:"body"`
	Images      []Image `json:"images,omitempty"`
	Recommended []Entry `json:"recommended,omitempty"`
	Items       []Entry `json:"items,omitempty"`
	ContentHash string  `json:"content_hash,omitempty"`

	// Fallbacks names the fields whose site-profile selector matched
	// nothing on this page, so the generic extractor filled them.
	Fallbacks []string `json:"profile_fallbacks,omitempty"`

	// Explain maps field names to the method that gave each value, such
	// as "json-ld", "meta:og:title", "h1" or "byline". It is filled only
	// when Options.Explain is set.
	Explain map[string]string `json:"explain,omitempty"`
}

// Image is one image of the article with its caption or credit line.
type Image struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
}

// Entry is one linked article: a recommended item under or beside a story,
// or a teaser card of a listing page.
type Entry struct {
	Title              string `json:"title"`
	URL                string `json:"url"`
	Summary            string `json:"summary,omitempty"`
	Source             string `json:"source,omitempty"`
	Published          string `json:"published,omitempty"`
	PublishedRaw       string `json:"published_raw,omitempty"`
	PublishedPrecision string `json:"published_precision,omitempty"`
	// Block is the heading of the list the entry came from, such as "推薦文章".
	Block string `json:"block,omitempty"`
}
