package crawler

import (
	"net/url"
	"strings"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/crawler/urlnorm"
)

// Reasons for skipping a link as a crawler trap, the keys of
// Summary.SkippedTraps.
const (
	TrapURLTooLong         = "url_too_long"
	TrapTooManyQueryParams = "too_many_query_params"
	TrapPathRepeats        = "path_repeats"
)

// normalizeLink returns the normalized form of u (see urlnorm.Normalize)
// with the query parameters of the configuration stripped, parsed again.
// It returns false when the normalized form is no link worth following.
func normalizeLink(u *url.URL, cfg *config.Config) (*url.URL, bool) {
	return parseLink(urlnorm.Normalize(u, urlnorm.Options{StripParams: cfg.StripQueryParams}))
}

// trapReason returns why the normalized link u looks like a crawler trap,
// such as an endless calendar or a path that repeats itself, or "" when it
// does not.
func trapReason(u *url.URL, cfg *config.Config) string {
	if len(u.String()) > cfg.MaxURLLength {
		return TrapURLTooLong
	}

	if countQueryParams(u.RawQuery) > cfg.MaxQueryParams {
		return TrapTooManyQueryParams
	}

	if maxSegmentCount(u.EscapedPath()) > cfg.MaxPathRepeats {
		return TrapPathRepeats
	}
	return ""
}

// countQueryParams counts the non-empty "&"-separated parameters of a raw
// query.
func countQueryParams(rawQuery string) int {
	count := 0
	for piece := range strings.SplitSeq(rawQuery, "&") {
		if piece != "" {
			count++
		}
	}
	return count
}

// maxSegmentCount returns how many times the most frequent non-empty
// segment occurs in an escaped path, wherever the occurrences are.
func maxSegmentCount(path string) int {
	counts := make(map[string]int)
	highest := 0
	for segment := range strings.SplitSeq(path, "/") {
		if segment == "" {
			continue
		}

		counts[segment]++
		highest = max(highest, counts[segment])
	}
	return highest
}
