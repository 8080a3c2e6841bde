package metrics

import (
	"maps"

	"github.com/gleanerhq/gleaner/crawler"
)

// counts are the counter values taken from crawler.Summary: the fields a
// metric exports, and nothing else.
type counts struct {
	fetched                                         int
	articles                                        int
	articlesNew, articlesUpdated, articlesUnchanged int
	notModified                                     int
	listings                                        int
	other                                           int
	duplicates                                      int
	blocked                                         int
	canceled                                        int
	failed                                          map[string]int // by kind, from Summary.Errors
	traps                                           map[string]int // by reason, from Summary.SkippedTraps
}

func newCounts() counts {
	return counts{failed: map[string]int{}, traps: map[string]int{}}
}

// add adds the counts of s.
func (c *counts) add(s crawler.Summary) {
	c.fetched += s.Fetched
	c.articles += s.Articles
	c.articlesNew += s.ArticlesNew
	c.articlesUpdated += s.ArticlesUpdated
	c.articlesUnchanged += s.ArticlesUnchanged
	c.notModified += s.NotModified
	c.listings += s.Listings
	c.other += s.Other
	c.duplicates += s.Duplicates
	c.blocked += s.Blocked
	c.canceled += s.Canceled

	for kind, n := range s.Errors {
		c.failed[kind] += n
	}
	for reason, n := range s.SkippedTraps {
		c.traps[reason] += n
	}
}

// clone returns a copy that shares no map with c.
func (c counts) clone() counts {
	out := c
	out.failed = maps.Clone(c.failed)
	out.traps = maps.Clone(c.traps)
	return out
}
