package crawler

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// errRedirectFetched stops a redirect to a URL the crawl has already
// queued or fetched. It is not a failure: the target is fetched once, by
// the request that queued it first.
var errRedirectFetched = errors.New("redirect target already fetched")

// redirectPolicy is the collectors' redirect check. It stops:
//   - a chain longer than max redirects (ErrTooManyRedirects);
//   - a chain that comes to one URL a third time (ErrRedirectLoop). A second
//     visit is allowed, because sites send a client back to the page it
//     asked for once they have set a cookie;
//   - a hop between file and web URLs, and, when scope is not nil, a hop out
//     of the crawl's scope (ErrOutOfScope);
//   - when claim is not nil, a hop to a URL that claim reports as already
//     queued (errRedirectFetched).
//
// It drops the Authorization header when the host changes.
type redirectPolicy struct {
	max   int
	scope *scope

	// claim records target as queued by the request for origin, the first
	// URL of the chain, and reports whether that request may fetch it. nil
	// means every target may be fetched.
	claim func(target, origin string) bool
}

// check is an http.Client CheckRedirect function.
func (p *redirectPolicy) check(req *http.Request, via []*http.Request) error {
	previous := via[len(via)-1]
	target := withoutFragment(req.URL)

	visits := 0
	for _, earlier := range via {
		if withoutFragment(earlier.URL) == target {
			visits++
		}
	}
	if visits >= 2 {
		return fmt.Errorf("redirect from %s to %s: %w (%d requests in the chain)", previous.URL, target, ErrRedirectLoop, len(via))
	}
	if len(via) > p.max {
		return fmt.Errorf("redirect from %s to %s: %w: more than max_redirects %d", previous.URL, target, ErrTooManyRedirects, p.max)
	}

	if (previous.URL.Scheme == "file") != (req.URL.Scheme == "file") {
		return fmt.Errorf("redirect from %s to %s: %w", previous.URL, target, ErrOutOfScope)
	}
	if p.scope != nil && !p.scope.allows(req.URL) {
		return fmt.Errorf("redirect to %s: %w (add its host to allowed_domains to follow it)", target, ErrOutOfScope)
	}

	if p.claim != nil && visits == 0 && !p.claim(target, withoutFragment(via[0].URL)) {
		return fmt.Errorf("redirect to %s: %w", target, errRedirectFetched)
	}

	if req.URL.Host != previous.URL.Host {
		req.Header.Del("Authorization")
	}
	return nil
}

// withoutFragment returns u as a string without its fragment.
func withoutFragment(u *url.URL) string {
	if u.Fragment == "" && u.RawFragment == "" {
		return u.String()
	}

	copied := *u
	copied.Fragment, copied.RawFragment = "", ""
	return copied.String()
}
