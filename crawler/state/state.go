// Package state stores the crawl state that the next run of the same
// configuration reads. It contains the pages seen (by normalised URL) with
// the content hash of each article written, the validators for conditional
// requests (ETag and Last-Modified) and first and last seen times. It also
// contains each origin's robots.txt, the request delay learned for each
// host, and the cookies colly keeps.
//
// Store is the interface the crawler uses. SQLite (OpenSQLite) is the
// backend gleaner ships. Another backend implements Store and also colly's
// storage.Storage, so that the collector's cookies live in the same place.
package state

import (
	"context"
	"errors"
	"time"

	"github.com/gocolly/colly/v2/storage"
)

// Kind is the role of a page in its last fetch: article, listing or other.
type Kind string

// Kinds of page.
const (
	// KindArticle is a page whose record was written to the sinks.
	KindArticle Kind = "article"
	// KindListing is a page, feed or sitemap that was read for its links.
	KindListing Kind = "listing"
	// KindOther is any other page: not an article, and not followed.
	KindOther Kind = "other"
)

// Page is the stored state of one URL.
type Page struct {
	// URL is the normalised URL, the key of the page.
	URL string
	// Kind is the page's role in its last fetch.
	Kind Kind
	// ContentHash is the content_hash of the article's record; empty for
	// other kinds.
	ContentHash string
	// ETag and LastModified are the validators of the last full response,
	// sent back in If-None-Match and If-Modified-Since.
	ETag         string
	LastModified string
	// FirstSeen is when a run first fetched the page. A Put keeps the
	// stored value.
	FirstSeen time.Time
	// LastSeen is when a run last found the page: fetched, not modified
	// (304), or skipped as known.
	LastSeen time.Time
	// LastFetched is when a run last got a full (200) response for it.
	LastFetched time.Time
}

// Robots is an origin's robots.txt as last fetched.
type Robots struct {
	// Origin is scheme://host[:port], lower case.
	Origin string
	// Status is the HTTP status of the robots.txt response.
	Status int
	// Body is the file, at most the size the crawler reads.
	Body []byte
	// Expires is when the file must be fetched again.
	Expires time.Time
}

// HostDelay is the spacing of request starts a crawl learned for one host
// from its response times and errors.
type HostDelay struct {
	// Host is the host name, lower case, with its port if the URLs name one.
	Host string
	// Delay is the spacing in force when the run ended.
	Delay time.Duration
	// Updated is when the run that learned it ended.
	Updated time.Time
}

// ErrClosed is returned by the methods of a closed Store.
var ErrClosed = errors.New("crawl state closed")

// Store is the crawl state. Its methods are safe for concurrent use.
type Store interface {
	// Page returns the state of the normalised URL u, and false when the
	// store has no row for it.
	Page(ctx context.Context, u string) (Page, bool, error)

	// ArticleByHash returns an article page whose ContentHash is hash, and
	// false when there is none.
	ArticleByHash(ctx context.Context, hash string) (Page, bool, error)

	// PutPages inserts or updates pages in one transaction. A page already
	// stored keeps its FirstSeen; empty validators and a zero LastFetched
	// keep the stored ones.
	PutPages(ctx context.Context, pages ...Page) error

	// Robots returns the stored robots.txt of origin, and false when there
	// is none or it has expired at now.
	Robots(ctx context.Context, origin string, now time.Time) (Robots, bool, error)

	// PutRobots stores an origin's robots.txt.
	PutRobots(ctx context.Context, r Robots) error

	// HostDelays returns the delays learned at or after since.
	HostDelays(ctx context.Context, since time.Time) ([]HostDelay, error)

	// PutHostDelays stores delays in one transaction, replacing earlier
	// ones of the same hosts.
	PutHostDelays(ctx context.Context, delays []HostDelay) error

	// Storage is colly's interface for the visited set and the cookies.
	storage.Storage

	// Close releases the store. Calls after Close fail with ErrClosed.
	Close() error
}
