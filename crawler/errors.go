package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/gocolly/colly/v2"

	"github.com/gleanerhq/gleaner/extract"
)

// Outcomes of fetching one URL that are not network or HTTP failures. A
// FetchError wraps one of them, and errors.Is finds it.
var (
	// ErrNotHTML marks a response that is neither HTML nor a sitemap or
	// feed, such as an image or a PDF. It is not extracted.
	ErrNotHTML = errors.New("response is not HTML")

	// ErrBodyTooLarge marks a response whose body, after decompression,
	// exceeds the configured max_body_size. It is not extracted.
	ErrBodyTooLarge = errors.New("body exceeds max_body_size")

	// ErrUnsupportedEncoding marks a response compressed with a
	// Content-Encoding gleaner cannot decode.
	ErrUnsupportedEncoding = errors.New("unsupported Content-Encoding")

	// ErrRetryAfterTooLong marks a 429 or 503 response whose Retry-After
	// requests a longer wait than the crawler accepts.
	ErrRetryAfterTooLong = errors.New("retry-after too long")

	// ErrRobotsDisallowed marks a URL that the site's robots.txt forbids.
	ErrRobotsDisallowed = errors.New("disallowed by robots.txt")

	// ErrOutOfScope marks a URL outside the allowed domains or outside the
	// folder of the file seeds, including the target of a redirect.
	ErrOutOfScope = errors.New("url is out of the crawl's scope")

	// ErrNoContent marks a page that matched the article patterns but gave
	// no article body.
	ErrNoContent = errors.New("page has no article body")

	// ErrRobotsUnavailable marks a URL whose host's robots.txt could not be
	// fetched: its requests got 5xx or 429 responses, or failed on the
	// network, more times than max_retries allows.
	ErrRobotsUnavailable = errors.New("robots.txt unavailable")

	// ErrPrivateAddress marks a request refused because its host resolves
	// to a loopback, private, link-local, cloud metadata or other non-public
	// address, and the configuration names neither the host nor
	// allow_private_networks.
	ErrPrivateAddress = errors.New("host resolves to a non-public address")

	// ErrRedirectLoop marks a redirect chain that comes back to a URL it has
	// already visited twice.
	ErrRedirectLoop = errors.New("redirect loop")

	// ErrTooManyRedirects marks a redirect chain longer than max_redirects.
	ErrTooManyRedirects = errors.New("too many redirects")

	// ErrTruncatedBody marks a body that ended before its declared length
	// or before the end of its compressed stream. It is not extracted.
	ErrTruncatedBody = errors.New("body cut short")
)

// FetchError is the failure of one URL: the request, the response or the
// extraction. Kind is a short stable name used to count failures in the
// summary, such as "http_404", "timeout" or "not_html".
type FetchError struct {
	// URL is the address requested, or the final address after redirects
	// when the failure came after them.
	URL string

	// Status is the HTTP status code, or 0 when there was no response.
	Status int

	// Kind classifies the failure for counting.
	Kind string

	// Err is the underlying error.
	Err error
}

// Error formats the failure as "fetch URL: ...", with the status when there
// was a response.
func (e *FetchError) Error() string {
	if e.Status > 0 && e.Err == nil {
		return fmt.Sprintf("fetch %s: status %d %s", e.URL, e.Status, http.StatusText(e.Status))
	}
	if e.Status > 0 {
		return fmt.Sprintf("fetch %s: status %d: %v", e.URL, e.Status, e.Err)
	}
	return fmt.Sprintf("fetch %s: %v", e.URL, e.Err)
}

// Unwrap returns the underlying error.
func (e *FetchError) Unwrap() error { return e.Err }

// newFetchError classifies err, which came with HTTP status (0 for none), as
// a FetchError for rawURL.
func newFetchError(rawURL string, status int, err error) *FetchError {
	var already *FetchError
	if errors.As(err, &already) {
		return already
	}

	return &FetchError{URL: rawURL, Status: status, Kind: errorKind(status, err), Err: err}
}

// kindCanceled is the Kind of a request canceled by its context.
const kindCanceled = "canceled"

// errorKind names the class of a failure for the summary.
func errorKind(status int, err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return kindCanceled
	case errors.Is(err, ErrNotHTML), errors.Is(err, extract.ErrNotHTML):
		return "not_html"
	case errors.Is(err, ErrBodyTooLarge):
		return "body_too_large"
	case errors.Is(err, ErrUnsupportedEncoding):
		return "unsupported_encoding"
	case errors.Is(err, ErrRetryAfterTooLong):
		return "retry_after_too_long"
	case errors.Is(err, ErrRobotsDisallowed), errors.Is(err, colly.ErrRobotsTxtBlocked):
		return "robots_txt"
	case errors.Is(err, ErrRobotsUnavailable):
		return "robots_unavailable"
	case errors.Is(err, ErrPrivateAddress):
		return "private_network"
	case errors.Is(err, ErrRedirectLoop):
		return "redirect_loop"
	case errors.Is(err, ErrTooManyRedirects):
		return "too_many_redirects"
	case errors.Is(err, ErrOutOfScope):
		return "out_of_scope"
	case errors.Is(err, ErrNoContent), errors.Is(err, extract.ErrEmpty):
		return "no_content"
	case errors.Is(err, os.ErrNotExist):
		return "not_found"
	case status >= 400:
		return fmt.Sprintf("http_%d", status)
	case isTimeout(err):
		return "timeout"
	case errors.Is(err, ErrTruncatedBody), errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection_reset"
	case errors.Is(err, io.EOF):
		return "connection_closed" // before any response
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection_refused"
	case isUnknownHost(err):
		return "unknown_host"
	}

	if err == nil {
		if status > 0 {
			return fmt.Sprintf("http_%d", status) // such as a 206 or an unfollowed 3xx
		}
		return "other"
	}

	// net/http reports these faults of a response with no error value to
	// compare against (Go 1.26), so their messages are matched.
	message := err.Error()
	switch {
	case strings.Contains(message, "response headers exceeded"):
		return "headers_too_large"
	case strings.Contains(message, "malformed HTTP"),
		strings.Contains(message, "chunked encoding"),
		strings.Contains(message, "chunk length"):
		return "malformed_response"
	}

	var netErr net.Error
	if errors.As(err, &netErr) {
		return "network"
	}

	var extractErr *extractError
	if errors.As(err, &extractErr) {
		return "extract"
	}

	return "other"
}

// isTimeout reports whether err is a deadline or a network timeout.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}

	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// extractError marks a failure of the extractor, as opposed to the fetch.
type extractError struct{ err error }

func (e *extractError) Error() string { return "extract: " + e.err.Error() }
func (e *extractError) Unwrap() error { return e.err }
