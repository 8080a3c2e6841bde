package crawler

import (
	"net/url"
	"strings"

	"github.com/gleanerhq/gleaner/config"
)

// scope decides which URLs a crawl may fetch: web URLs on the allowed
// domains, and file URLs inside the folders of the file seeds. Links never
// cross between the two, so a web page cannot make the crawler read local
// files and a saved page cannot send it to the network.
type scope struct {
	cfg   *config.Config
	files *fileTransport // nil when no seed is a file URL
}

// parseLink parses an absolute URL found on a page or in a seed and drops
// its fragment. It rejects schemes other than http, https and file.
func parseLink(raw string) (*url.URL, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, false
	}

	u.Fragment = ""
	u.RawFragment = ""
	switch u.Scheme {
	case "http", "https":
		return u, u.Host != ""
	case "file":
		return u, true
	}
	return nil, false
}

// allows reports whether u is inside the crawl's scope.
func (s *scope) allows(u *url.URL) bool {
	switch u.Scheme {
	case "http", "https":
		return s.cfg.DomainAllowed(u.Host)
	case "file":
		return s.files != nil && s.files.contains(u)
	}
	return false
}

// allowsLink reports whether the crawl may follow a link from the page at
// from to link.
func (s *scope) allowsLink(from, link *url.URL) bool {
	if (from.Scheme == "file") != (link.Scheme == "file") {
		return false
	}
	return s.allows(link)
}

// worthFetching reports whether fetching u can give a record or links.
// Only when the configuration has both article and follow patterns can a
// URL match neither and so be skipped.
func (s *scope) worthFetching(u string) bool {
	if len(s.cfg.Articles) == 0 || len(s.cfg.Follow) == 0 {
		return true
	}

	article, _ := s.cfg.IsArticleURL(u)
	return article || s.cfg.ShouldFollow(u)
}
