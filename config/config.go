package config

import (
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Defaults of the optional keys. The package documentation describes each key.
const (
	DefaultMaxDepth               = 5
	DefaultParallelism            = 4
	DefaultDelay                  = time.Second
	DefaultTimeout                = 30 * time.Second
	DefaultUserAgent              = "gleaner/0.1 (+https://github.com/gleanerhq/gleaner)"
	DefaultMaxBodySize      int64 = 10 << 20 // 10 MiB
	DefaultRespectRobotsTxt       = true

	// Defaults of the fetch limits.
	DefaultConnectTimeout       = 10 * time.Second
	DefaultHeaderTimeout        = 20 * time.Second
	DefaultDelayJitter          = time.Duration(0)
	DefaultMaxDelay             = time.Minute
	DefaultMaxRetries           = 3
	DefaultRetryBackoff         = time.Second
	DefaultMaxRetryWait         = 10 * time.Minute
	DefaultMaxRedirects         = 10
	DefaultMaxLinksPerPage      = 5000
	DefaultAllowPrivateNetworks = false

	// Defaults of the URL trap limits.
	DefaultMaxURLLength   = 2048
	DefaultMaxQueryParams = 20
	DefaultMaxPathRepeats = 3

	// DefaultSinkType and DefaultSinkPath describe the sink used when the
	// file has no sinks key. The path is relative to the configuration's folder.
	DefaultSinkType = "sqlite"
	DefaultSinkPath = "out/gleaner.db"
)

// Config is a loaded, defaulted and validated configuration.
//
// A Config returned by Load or Parse is valid. Its methods only read it, so
// it is safe for concurrent use as long as no one changes its fields.
type Config struct {
	// File is the path given to Load. It is empty for Parse and for a Config built in code.
	File string

	// Dir is the absolute folder that relative paths in the file were
	// resolved against: the file's folder for Load, the dir argument for Parse.
	Dir string

	// Seeds are the URLs the crawl starts from. Each is an http or https URL
	// as written in the file, or a file URL ("file:///abs/page.html") that
	// Load made from a local path or took from the file.
	Seeds []string

	// Articles match the URLs of article pages. Regexp.String returns a
	// pattern as written. Empty when the file lists none.
	Articles []*regexp.Regexp

	// Follow match the URLs of pages whose links the crawler follows.
	// Empty when the file lists none, which means every page.
	Follow []*regexp.Regexp

	// AllowedDomains are the lower-case host names the crawler may fetch from.
	// An entry with a leading dot (".example.com") also allows every subdomain.
	AllowedDomains []string

	// MaxDepth is the maximum link depth of the crawl, counting the seeds as
	// depth 1. 0 means no limit.
	MaxDepth int

	// Parallelism is the maximum number of concurrent requests to one host.
	Parallelism int

	// Delay is the pause between two requests to one host.
	Delay time.Duration

	// Timeout is the time limit of one request.
	Timeout time.Duration

	// UserAgent is the User-Agent header of every request.
	UserAgent string

	// TimeZone is the zone of the page times that carry none. It is nil when
	// the file sets none, and the extractor then picks a zone from the page's language.
	TimeZone *time.Location

	// MaxBodySize is the largest response body, in bytes, the crawler reads.
	MaxBodySize int64

	// RespectRobotsTxt is true when the crawler must obey the sites' robots.txt files.
	RespectRobotsTxt bool

	// SitemapsFromRobots makes the crawl follow the Sitemap lines of the
	// robots.txt files it reads, as if they were seeds.
	SitemapsFromRobots bool

	// ConnectTimeout is the time limit for opening a connection, the TLS
	// handshake included.
	ConnectTimeout time.Duration

	// HeaderTimeout is the time limit from sending a request to receiving
	// the response headers. Timeout still bounds the whole request.
	HeaderTimeout time.Duration

	// DelayJitter is the upper bound of a random pause added to Delay
	// before each request to one host.
	DelayJitter time.Duration

	// MaxDelay caps the per-host delay that the crawler raises when a host
	// slows down, fails or requests it (Crawl-delay, 429 and 503 responses).
	// It never lowers Delay.
	MaxDelay time.Duration

	// MaxRetries is how many times a URL is tried again after a 429 or 5xx
	// response, a timeout or a dropped connection. 0 turns retries off.
	MaxRetries int

	// RetryBackoff is the wait before the first retry of a URL whose
	// response named no Retry-After. It doubles with each retry, with
	// random jitter.
	RetryBackoff time.Duration

	// MaxRetryWait is the longest wait the crawler accepts before a retry
	// or a new robots.txt request. A server asking for a longer one
	// (Retry-After) makes the URL fail.
	MaxRetryWait time.Duration

	// MaxRedirects is how many redirects one request may follow.
	MaxRedirects int

	// MaxLinksPerPage is the maximum number of links the crawler queues
	// from one HTML page, counted after the scope checks.
	MaxLinksPerPage int

	// AllowPrivateNetworks lets links and redirects lead to hosts that
	// resolve to loopback, private, link-local or cloud metadata addresses.
	// The hosts of the seeds and of AllowedDomains are trusted either way.
	AllowPrivateNetworks bool

	// StripQueryParams names the query parameters removed from every URL
	// before it is compared with the URLs already seen and queued. An entry
	// ending in "*" is a prefix. nil means urlnorm.DefaultStripParams, and
	// an empty list removes none.
	StripQueryParams []string

	// MaxURLLength is the maximum length in bytes of a normalized link
	// that the crawler follows.
	MaxURLLength int

	// MaxQueryParams is the maximum number of query parameters of a
	// normalized link that the crawler follows.
	MaxQueryParams int

	// MaxPathRepeats is how many times one path segment may occur in a
	// link that the crawler follows.
	MaxPathRepeats int

	// Sinks are the destinations of the records, in file order. Load adds the
	// default sqlite sink when the file has no sinks key.
	Sinks []SinkSpec

	// SpoolDir is the absolute folder of the spool files, where the records
	// of a sink that is down wait to be replayed. Load sets it to
	// DefaultSpoolDir in Dir when the file has no spool_dir key.
	SpoolDir string

	// OnSinkError is the crawl's action when a sink stays down,
	// OnSinkErrorSpool or OnSinkErrorStop. Empty means OnSinkErrorSpool.
	OnSinkError string

	// LockFile is the absolute path of the run lock that keeps two crawls
	// of this configuration from overlapping. Load sets it to
	// DefaultLockFile in Dir when the file has no lock_file key.
	LockFile string

	// StateFile is the absolute path of the SQLite crawl state that lets a
	// run skip what earlier runs wrote. Load sets it to DefaultStateFile in
	// Dir when the file has no state_file key, and to "" for "state_file:
	// none", which keeps no state.
	StateFile string

	// RecheckWithin is how long after an article was first seen each run
	// requests it again (conditionally), to catch updates. 0, the default,
	// requests a known article again only when a feed or sitemap dates it
	// after the last fetch.
	RecheckWithin time.Duration

	// Profiles are the site profiles in file order: CSS selectors, a time
	// zone and a date layout for the sites whose host matches. ProfileFor
	// picks the one for a page. Empty when the file lists none.
	Profiles []SiteProfile

	// positions maps a field path ("seeds[2]", using the index in Config) to
	// where the value sits in the file, so that Validate can name its line.
	positions map[string]position
}

// position is the place of a value in the YAML file.
type position struct {
	line int

	// path is the key path in the file, which differs from the field path
	// when items before it were rejected.
	path string

	// written is the value as the file spells it, before Load resolved it.
	written string
}

// Default returns a Config with every optional key at its default. It has
// no seeds, no allowed domains, no sinks and no Dir: a caller that builds a
// configuration in code sets them and then calls Validate.
func Default() *Config {
	return &Config{
		MaxDepth:         DefaultMaxDepth,
		Parallelism:      DefaultParallelism,
		Delay:            DefaultDelay,
		Timeout:          DefaultTimeout,
		UserAgent:        DefaultUserAgent,
		MaxBodySize:      DefaultMaxBodySize,
		RespectRobotsTxt: DefaultRespectRobotsTxt,
		OnSinkError:      DefaultOnSinkError,

		ConnectTimeout:       DefaultConnectTimeout,
		HeaderTimeout:        DefaultHeaderTimeout,
		DelayJitter:          DefaultDelayJitter,
		MaxDelay:             DefaultMaxDelay,
		MaxRetries:           DefaultMaxRetries,
		RetryBackoff:         DefaultRetryBackoff,
		MaxRetryWait:         DefaultMaxRetryWait,
		MaxRedirects:         DefaultMaxRedirects,
		MaxLinksPerPage:      DefaultMaxLinksPerPage,
		AllowPrivateNetworks: DefaultAllowPrivateNetworks,

		MaxURLLength:   DefaultMaxURLLength,
		MaxQueryParams: DefaultMaxQueryParams,
		MaxPathRepeats: DefaultMaxPathRepeats,
	}
}

// IsArticleURL matches the absolute URL u against the articles patterns.
// A pattern matches anywhere in the URL unless it is anchored with ^ or $.
// When the file lists no patterns, decided is false and the caller decides
// from the page itself.
func (c *Config) IsArticleURL(u string) (article, decided bool) {
	if len(c.Articles) == 0 {
		return false, false
	}
	return matchAny(c.Articles, u), true
}

// ShouldFollow reports whether the crawler should read the page at the
// absolute URL u for links: true when u matches a follow pattern, or when
// the file lists none. It does not check the host: see DomainAllowed.
func (c *Config) ShouldFollow(u string) bool {
	if len(c.Follow) == 0 {
		return true
	}
	return matchAny(c.Follow, u)
}

func matchAny(patterns []*regexp.Regexp, u string) bool {
	for _, re := range patterns {
		if re != nil && re.MatchString(u) {
			return true
		}
	}
	return false
}

// DomainAllowed reports whether the crawler may fetch from host. It
// accepts a host with or without a port ("example.com:8080", "[::1]:80")
// and ignores case and a trailing dot. An allowed domain matches only that
// host, unless it starts with a dot: ".example.com" matches example.com and
// every host under it. An empty AllowedDomains allows no host.
//
// File URLs have no host, so DomainAllowed("") is false. Whether to read
// local files is the crawler's decision.
//
// NOTE: names are compared as written, so an internationalized domain
// written in Unicode does not match its punycode form (xn--...).
func (c *Config) DomainAllowed(host string) bool {
	host = normalizeHost(host)
	if host == "" {
		return false
	}

	for _, domain := range c.AllowedDomains {
		domain = strings.ToLower(domain)
		if subdomains, ok := strings.CutPrefix(domain, "."); ok {
			if host == subdomains || strings.HasSuffix(host, domain) {
				return true
			}
			continue
		}

		if host == domain {
			return true
		}
	}
	return false
}

// normalizeHost lowercases host and drops a port, IPv6 brackets and a
// trailing dot.
func normalizeHost(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}

	host = strings.TrimPrefix(host, "[")
	host = strings.TrimSuffix(host, "]")
	host = strings.TrimSuffix(host, ".")
	return strings.ToLower(host)
}

// SeedHosts returns the lower-case host names of the http and https seeds,
// each once, in seed order. Load uses them as the default AllowedDomains.
func (c *Config) SeedHosts() []string {
	var hosts []string
	seen := make(map[string]bool)
	for _, seed := range c.Seeds {
		u, err := url.Parse(seed)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			continue
		}

		host := normalizeHost(u.Hostname())
		if host == "" || seen[host] {
			continue
		}

		seen[host] = true
		hosts = append(hosts, host)
	}
	return hosts
}

// at returns the line and key path of the value at field path key, or line 0
// and key itself when the value did not come from a file.
func (c *Config) at(key string) (int, string) {
	if p, ok := c.positions[key]; ok {
		return p.line, p.path
	}
	return 0, key
}

// written returns the value at field path key as the file spells it, or
// fallback when the value did not come from a file.
func (c *Config) written(key, fallback string) string {
	if p, ok := c.positions[key]; ok && p.written != "" {
		return p.written
	}
	return fallback
}
