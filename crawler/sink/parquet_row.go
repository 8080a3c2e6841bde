package sink

import (
	"time"

	"github.com/gleanerhq/gleaner/extract"
)

// parquetRow is the layout of a record in the Parquet files: one column per
// field of the JSON record, with the same names. Optional text is NULL when
// empty. authors, images, recommended, items and profile_fallbacks are
// LIST columns (of strings or of structs), explain a MAP of strings, so that
// pandas, Polars, DuckDB and Spark read the nested fields as lists of
// structs. fetched_at is a TIMESTAMP in microseconds, UTC-adjusted, the
// finest unit Spark reads. published and modified stay RFC 3339 text, as in
// the JSON record, because a TIMESTAMP would drop the page's offset.
type parquetRow struct {
	SchemaVersion      int32             `parquet:"schema_version" json:"schema_version"`
	URL                string            `parquet:"url" json:"url"`
	CanonicalURL       string            `parquet:"canonical_url,optional" json:"canonical_url,omitempty"`
	FetchedAt          time.Time         `parquet:"fetched_at,timestamp(microsecond)" json:"fetched_at"`
	PageType           string            `parquet:"page_type" json:"page_type"`
	Title              string            `parquet:"title" json:"title"`
	Published          string            `parquet:"published,optional" json:"published,omitempty"`
	PublishedRaw       string            `parquet:"published_raw,optional" json:"published_raw,omitempty"`
	PublishedPrecision string            `parquet:"published_precision,optional" json:"published_precision,omitempty"`
	Modified           string            `parquet:"modified,optional" json:"modified,omitempty"`
	Authors            []string          `parquet:"authors,list" json:"authors,omitempty"`
	Source             string            `parquet:"source,optional" json:"source,omitempty"`
	OriginalURL        string            `parquet:"original_url,optional" json:"original_url,omitempty"`
	Lang               string            `parquet:"lang,optional" json:"lang,omitempty"`
	SiteName           string            `parquet:"site_name,optional" json:"site_name,omitempty"`
	Body               string            `parquet:"body" json:"body"`
	Images             []parquetImage    `parquet:"images,list" json:"images,omitempty"`
	Recommended        []parquetEntry    `parquet:"recommended,list" json:"recommended,omitempty"`
	Items              []parquetEntry    `parquet:"items,list" json:"items,omitempty"`
	ContentHash        string            `parquet:"content_hash,optional" json:"content_hash,omitempty"`
	ProfileFallbacks   []string          `parquet:"profile_fallbacks,list" json:"profile_fallbacks,omitempty"`
	Explain            map[string]string `parquet:"explain,optional" json:"explain,omitempty"`
}

// parquetImage is an element of the images column.
type parquetImage struct {
	URL     string `parquet:"url" json:"url"`
	Caption string `parquet:"caption,optional" json:"caption,omitempty"`
}

// parquetEntry is an element of the recommended and items columns.
type parquetEntry struct {
	Title              string `parquet:"title" json:"title"`
	URL                string `parquet:"url" json:"url"`
	Summary            string `parquet:"summary,optional" json:"summary,omitempty"`
	Source             string `parquet:"source,optional" json:"source,omitempty"`
	Published          string `parquet:"published,optional" json:"published,omitempty"`
	PublishedRaw       string `parquet:"published_raw,optional" json:"published_raw,omitempty"`
	PublishedPrecision string `parquet:"published_precision,optional" json:"published_precision,omitempty"`
	Block              string `parquet:"block,optional" json:"block,omitempty"`
}

// newParquetRow converts r to its Parquet layout.
func newParquetRow(r *extract.Record) parquetRow {
	row := parquetRow{
		SchemaVersion:      RecordSchemaVersion,
		URL:                r.URL,
		CanonicalURL:       r.CanonicalURL,
		FetchedAt:          r.FetchedAt.UTC(),
		PageType:           r.PageType,
		Title:              r.Title,
		Published:          r.Published,
		PublishedRaw:       r.PublishedRaw,
		PublishedPrecision: r.PublishedPrecision,
		Modified:           r.Modified,
		Authors:            r.Authors,
		Source:             r.Source,
		OriginalURL:        r.OriginalURL,
		Lang:               r.Lang,
		SiteName:           r.SiteName,
		Body:               r.Body,
		Recommended:        parquetEntries(r.Recommended),
		Items:              parquetEntries(r.Items),
		ContentHash:        r.ContentHash,
		ProfileFallbacks:   r.Fallbacks,
		Explain:            r.Explain,
	}
	for _, img := range r.Images {
		row.Images = append(row.Images, parquetImage(img))
	}

	return row
}

func parquetEntries(entries []extract.Entry) []parquetEntry {
	var out []parquetEntry
	for _, e := range entries {
		out = append(out, parquetEntry(e))
	}

	return out
}
