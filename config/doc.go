// Package config loads, fills in defaults for and validates gleaner's YAML
// configuration.
//
// It owns the file format: the keys, their types, their defaults and the
// values they accept. It does not read the settings of each sink type. It
// checks only a sink's type and path keys and passes the sink's whole YAML
// mapping on (see SinkSpec and WithSinkCheck). It fetches nothing, and the
// crawler decides how to use the values.
//
// # Loading and errors
//
// Load reads a file and Parse reads bytes. Both decode through yaml.Node,
// so every problem names its line and key path, and both return every
// problem at once in an *Error:
//
//	config crawl.yaml: 3 problems:
//	  line 4: seeds[0]: invalid URL "htp://x": unsupported scheme "htp" (use http, https or file)
//	  line 7: articles[1]: invalid regular expression "(": missing closing ): `(`
//	  line 12: parallelism: must be at least 1, got 0
//
// Nothing is repaired or skipped quietly. A problem is reported for YAML
// syntax errors, an empty file, unknown keys and repeated keys. The message
// for an unknown key suggests the closest known key. Values of the wrong
// type, values out of range, invalid regular expressions, durations and
// sizes, and seed files that do not exist are problems too. Keys are
// case-sensitive. A key written with no value ("delay:")
// is a problem too, not a request for the default: leave the key out to get
// the default. Strings must be YAML strings, so a number or boolean used as
// a string, such as a user agent of 1.0, must be quoted. Anchors and aliases
// work, but merge keys (<<) do not. The file contains one YAML document.
//
// Relative paths in the file resolve against the folder of the file, which
// Load stores in Config.Dir. Parse takes that folder as an argument.
//
// # Keys
//
// seeds (required): a list of the URLs the crawl starts from, at least one.
// Each is an http or https URL with a host, a file URL with an absolute path
// ("file:///data/front.html"), or a local path. A local path is resolved
// against the configuration's folder when relative and stored as a file URL,
// so Config.Seeds holds only http, https and file URLs. A file seed must
// name a file or folder that exists when the configuration loads. The same
// seed listed twice is a problem.
//
// articles (optional, default none): a list of regular expressions in Go's
// RE2 syntax that the absolute URL of an article page matches. A pattern
// matches anywhere in the URL unless anchored with ^ or $. Without patterns,
// the crawler decides from the page itself (see Config.IsArticleURL).
//
// follow (optional, default none): a list of regular expressions, as for
// articles, of the pages whose links the crawler follows, such as listing
// pages. Without patterns, the crawler follows the links of every page it
// fetches within the allowed domains.
//
// allowed_domains (optional): a list of the host names the crawler may
// fetch from, without scheme, port or path. "example.com" allows only that
// host, and ".example.com" allows example.com and every host under it, such
// as www.example.com. Names are stored in lower case and match hosts in any
// case. Default: the hosts of the http and https seeds, each allowed exactly.
// Local and file seeds add no host, so a crawl that starts from files and
// should fetch from the web must list its hosts. An empty list and a seed
// whose host the list leaves out are problems.
//
// max_depth (optional, default 5): how many links deep the crawl goes,
// counting the seeds as depth 1: 1 fetches only the seeds, 2 also the pages
// they link to. 0 means no limit. Negative numbers are rejected.
//
// parallelism (optional, default 4): the maximum number of concurrent
// requests to one host. It must be at least 1.
//
// delay (optional, default 1s): the pause between two requests to one host,
// as a Go duration such as 0s, 500ms, 2s or 1m30s. It must not be negative.
//
// timeout (optional, default 30s): the time limit of one request, as a Go
// duration. It must be more than 0.
//
// user_agent (optional, default "gleaner/0.1 (+https://github.com/gleanerhq/gleaner)"):
// the User-Agent header of every request. It must not be empty or contain
// line breaks or other control characters.
//
// time_zone (optional, default none): the IANA name of the sites' time zone,
// such as Asia/Shanghai, used for page times that carry no zone. Without it,
// the extractor reads a Chinese-language page as UTC+08:00 and any other as
// UTC. "Local" is rejected, because it would depend on the machine running
// the crawl. The zone database is built in, so names work without one on
// the system.
//
// max_body_size (optional, default 10MiB): the largest response body the
// crawler reads, as a number of bytes (1048576) or a string with a unit
// ("10MB", "1 MiB"). KB, MB, GB and TB are powers of 1000, and KiB, MiB, GiB
// and TiB powers of 1024. Units ignore case. The number must be whole and
// more than 0.
//
// respect_robots_txt (optional, default true): whether the crawler obeys
// the sites' robots.txt files. Only true and false are accepted, not yes or no.
//
// The fetch limits below are optional. Durations are Go durations, as for
// delay.
//
// connect_timeout (default 10s) and header_timeout (default 20s): the time
// limits for opening a connection, TLS included, and for receiving the
// response headers. Both must be more than 0. timeout still bounds the whole
// request, body included.
//
// delay_jitter (default 0s): the upper bound of a random pause added to
// delay before each request to one host. It must not be negative.
//
// max_delay (default 1m): the cap of the per-host delay, which the crawler
// raises when a host answers slowly, fails, sends 429 or 503, or asks for a
// Crawl-delay. It never lowers delay. It must be more than 0.
//
// max_retries (default 3): how many times a URL is tried again after a 429
// or 5xx response, a timeout or a dropped connection. 0 turns retries off.
//
// retry_backoff (default 1s): the wait before the first retry when the
// server names no Retry-After. It doubles with each retry, with random
// jitter. It must be more than 0.
//
// max_retry_wait (default 10m): the longest wait the crawler accepts before
// a retry or a new robots.txt request. A Retry-After asking for longer makes
// the URL fail. It must be more than 0.
//
// max_redirects (default 10): how many redirects one request may follow. 0
// follows none.
//
// max_links_per_page (default 5000): the maximum number of links queued from
// one HTML page, counted after the scope checks. It must be at least 1.
//
// allow_private_networks (default false): whether links and redirects may
// lead to hosts that resolve to loopback, private, link-local or cloud
// metadata addresses. The hosts of the seeds and of allowed_domains are
// trusted either way.
//
// strip_query_params (default utm_*, gclid, fbclid, msclkid, mc_cid,
// mc_eid, yclid, igshid, spm, share_token, ref_src): the query parameters
// removed from every URL before the crawler checks whether it has seen it.
// Names are compared without regard to ASCII case, and an entry ending in
// "*" is a prefix. A list given here replaces the default list, and an
// empty list removes none.
//
// max_url_length (default 2048): the maximum length in bytes of a link the
// crawler follows, measured after normalization. Longer links are skipped
// and counted. It must be at least 16.
//
// max_query_params (default 20): the maximum number of query parameters of
// a link the crawler follows. 0 skips every link with a query.
//
// max_path_repeats (default 3): how many times one path segment may occur
// in a link the crawler follows, so /x/x/x/x and /a/b/a/b/a/b/a/b are
// skipped. It must be at least 1.
//
// sinks (optional): a list of where the records go. Each entry is a mapping
// with a required, non-empty type key ("sqlite", "jsonl", ...) and the keys
// of that sink. This package reads only type and the common path key, which
// it resolves against the configuration's folder when relative. A path of
// "-" stays as is and means standard output. The sink checks its other
// keys, unknown ones included, through WithSinkCheck. Default, when the key is absent: one
// sqlite sink at out/gleaner.db in the configuration's folder. An empty list
// is a problem.
//
// spool_dir (optional, default out/spool in the configuration's folder):
// the folder where the records of a sink that is down wait, as JSON Lines,
// until the sink takes them. A relative path resolves against the
// configuration's folder, and "-" is a problem.
//
// on_sink_error (optional, default spool): what a crawl does when a sink
// stays down after its retries. spool keeps crawling and spools that sink's
// records; stop stops the crawl (its records in flight are spooled too).
// Any other value is a problem.
//
// lock_file (optional, default out/gleaner.lock in the configuration's
// folder): the file that "gleaner crawl" locks for the length of a run, so
// that a second run of the same configuration stops at once. A relative
// path resolves against the configuration's folder; "-", an empty path and
// a path ending in "/" are problems.
//
// sitemaps_from_robots (optional, default false): when true, the crawl
// reads the Sitemap lines of each robots.txt file it fetches and follows
// those sitemaps as it follows seeds. It needs respect_robots_txt, because
// without it no robots.txt is fetched.
//
// state_file (optional, default out/gleaner-state.db in the configuration's
// folder): the SQLite file of the crawl state that the next run reads. It
// holds the URLs seen, the content hash of each article written, the ETag
// and Last-Modified of each page, robots.txt files, the delay learned for
// each host, and cookies. A relative path
// resolves against the configuration's folder. "none" keeps no state, so
// every run starts from scratch; "-", an empty path and a path ending in
// "/" are problems.
//
// recheck_within (optional, default 0s): how long after an article was
// first seen each run requests it again, with If-None-Match and
// If-Modified-Since, to catch updates. With 0s a known article is requested
// again only when a feed or sitemap dates it after the last fetch.
// Negative values are problems.
//
// profiles (optional, default none): a list of site profiles, CSS selectors
// for the fields that the generic extractor gets wrong on a site. Each entry
// is a mapping with these keys:
//
//   - hosts (required): a list of at least one host pattern in path.Match
//     syntax, matched against the lower-case host of the page without its
//     port. "*" matches any run of characters, dots included, so
//     "*.example.com" matches www.example.com and a.b.example.com but not
//     example.com itself. A scheme, a path, a port or a leading dot is a problem.
//   - name (optional): the profile's name in logs, reports and
//     Record.Fallbacks. Default: the first host pattern. Names must be unique.
//   - title, published, body, authors (optional): CSS selectors of the
//     headline, the element with the publication time, the article text
//     containers and the author names.
//   - remove (optional): a list of CSS selectors of elements to take out of
//     the page before anything else, such as share bars or disclaimers.
//   - recommended (optional): a mapping that selects the recommended list.
//     block (required) selects each list's container and link (required)
//     each entry's link inside it. item selects each entry's element inside
//     the block, and summary, source and published select the entry's
//     fields inside the item.
//   - date_layout (optional): a Go time layout, such as "2006-01-02 15:04",
//     tried on the text of the published selector before the generic date
//     reader. It must write and read back a time with its year, month and
//     day, so a layout without a year or with a 12-hour clock and no PM is a
//     problem. It requires published.
//   - time_zone (optional): the IANA name of the site's zone for times
//     written without one. It takes precedence over the top-level time_zone for
//     the profile's pages.
//
// Every selector is compiled with cascadia when the file loads, and an
// invalid one is a problem with the parser's reason. A profile applies to a
// page when one of its host patterns matches the page's host. The first such
// profile in file order wins, so a host pattern listed by two profiles is a
// problem. A page the crawler reads from a file URL has no host and gets no
// profile.
// A profile with no selector and no time_zone is a problem, because it
// would change nothing. A selector that matches nothing on a page makes the
// extractor fall back to its generic method for that field, and the record
// names the field in profile_fallbacks.
//
// # Example
//
//	seeds:
//	  - https://news.example.com/
//	  - saved/front.html            # a local file, relative to this file
//	articles:
//	  - '/article/\d+'
//	follow:
//	  - '/list/'
//	allowed_domains:
//	  - .example.com                # example.com and its subdomains
//	delay: 500ms
//	time_zone: Asia/Shanghai
//	max_body_size: 5MiB
//	sinks:
//	  - type: jsonl
//	    path: out/records.jsonl
//	  - type: sqlite
//	    path: out/gleaner.db
//	profiles:
//	  - hosts: [news.example.com, "*.example.com"]
//	    title: h1.headline
//	    published: .meta time
//	    date_layout: "2006-01-02 15:04"
//	    body: .article-body
//	    remove: [.share-bar]
//	    recommended:
//	      block: section.related
//	      item: li
//	      link: a.title
package config
