package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strings"
	"unicode"
)

// Validate checks the values of c and returns an *Error listing every
// problem, or nil. Load and Parse run the same checks, so Validate is for a
// Config built or changed in code. Problems name the file's lines only for values that came
// from a file and whose place in their list has not changed since.
//
// Validate expects seeds in the form Load stores them: http and https URLs
// and absolute file URLs, not local paths.
func (c *Config) Validate(opts ...Option) error {
	return newError(c.File, c.validate(nil, collectOptions(opts)))
}

// validate returns the problems of the values in c. skip holds the
// top-level keys whose decoding already failed. Their checks of the list as
// a whole are left out, because they would repeat that problem.
func (c *Config) validate(skip map[string]bool, o options) []Problem {
	v := &validator{c: c, skip: skip}
	v.seeds()
	v.allowedDomains()
	v.patterns("articles", c.Articles)
	v.patterns("follow", c.Follow)
	v.numbers()
	v.fetchLimits()
	v.urlLimits()
	v.userAgent()
	v.sinks(o)
	v.delivery()
	v.profiles()
	return v.problems
}

type validator struct {
	c        *Config
	skip     map[string]bool
	problems []Problem
}

// addf reports a problem with the value at field path key.
func (v *validator) addf(key, format string, args ...any) {
	line, path := v.c.at(key)
	v.problems = append(v.problems, Problem{Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) seeds() {
	if len(v.c.Seeds) == 0 {
		if !v.skip["seeds"] {
			v.addf("seeds", "missing: list at least one URL or file to start from")
		}
		return
	}

	first := make(map[string]string)
	for i, seed := range v.c.Seeds {
		key := indexPath("seeds", i)
		if earlier, ok := first[seed]; ok {
			_, earlierPath := v.c.at(earlier)
			v.addf(key, "duplicate of %s", earlierPath)
			continue
		}
		first[seed] = key

		if message := checkSeed(seed, v.c.written(key, seed)); message != "" {
			v.addf(key, "%s", message)
		}
	}
}

// checkSeed returns what is wrong with a seed, or "" when it is valid.
// written is the seed as the file spells it, which differs from seed when
// Load resolved a local path to a file URL.
func checkSeed(seed, written string) string {
	if seed == "" {
		return "must not be empty"
	}

	if strings.TrimSpace(seed) != seed {
		return fmt.Sprintf("invalid URL %s: remove the spaces around it", quote(written))
	}

	u, err := url.Parse(seed)
	if err != nil {
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err
		}
		return fmt.Sprintf("invalid URL %s: %v", quote(written), err)
	}

	switch u.Scheme {
	case "http", "https":
		if u.Hostname() == "" {
			return fmt.Sprintf("invalid URL %s: missing host", quote(written))
		}
		return ""
	case "file":
		return checkFileSeed(u, written)
	case "":
		return fmt.Sprintf("invalid URL %s: missing scheme (use http, https or file)", quote(written))
	default:
		return fmt.Sprintf("invalid URL %s: unsupported scheme %s (use http, https or file)", quote(written), quote(u.Scheme))
	}
}

// checkFileSeed checks that a file URL names a file or folder that exists.
func checkFileSeed(u *url.URL, written string) string {
	if u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return fmt.Sprintf("invalid URL %s: a file URL needs an absolute path, such as file:///data/page.html (write a relative path without \"file:\")", quote(written))
	}

	if u.Host != "" && u.Host != "localhost" {
		return fmt.Sprintf("invalid URL %s: a file URL cannot name a host other than localhost", quote(written))
	}

	_, err := os.Stat(u.Path)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("file %s not found%s", quote(u.Path), webAddressHint(written))
	default:
		return fmt.Sprintf("file %s cannot be read: %v", quote(u.Path), unwrapPathError(err))
	}
}

// webAddressHint suggests a scheme when a seed that was read as a relative
// path looks like a web address, such as "example.com/news".
func webAddressHint(written string) string {
	if strings.Contains(written, ":") || strings.HasPrefix(written, ".") || strings.HasPrefix(written, "/") {
		return ""
	}

	host, _, _ := strings.Cut(written, "/")
	if !strings.Contains(host, ".") || strings.HasSuffix(host, ".html") || strings.HasSuffix(host, ".htm") {
		return ""
	}
	return fmt.Sprintf(" (for a web address, write %s)", quote("https://"+written))
}

func unwrapPathError(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}

func (v *validator) allowedDomains() {
	valid := !v.skip["allowed_domains"]
	for i, domain := range v.c.AllowedDomains {
		key := indexPath("allowed_domains", i)
		if message := checkDomain(v.c.written(key, domain)); message != "" {
			v.addf(key, "%s", message)
			valid = false
		}
	}

	// When an allowed domain was rejected, a seed may be left out only
	// because of that, so checking the seeds would repeat the problem.
	if !valid {
		return
	}

	for i, seed := range v.c.Seeds {
		u, err := url.Parse(seed)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			continue
		}

		if !v.c.DomainAllowed(u.Hostname()) {
			v.addf(indexPath("seeds", i), "host %s is not in allowed_domains: add it there or remove this seed", quote(u.Hostname()))
		}
	}
}

// checkDomain returns what is wrong with an allowed domain, or "" when it is valid.
func checkDomain(domain string) string {
	q := quote(domain)
	host := strings.TrimPrefix(domain, ".")
	switch {
	case host == "":
		return "must not be empty"
	case strings.Contains(domain, "://"):
		return fmt.Sprintf("invalid host name %s: remove the scheme, keeping only a host such as example.com", q)
	case strings.Contains(domain, "/"):
		return fmt.Sprintf("invalid host name %s: remove the path, keeping only a host such as example.com", q)
	case strings.HasPrefix(domain, "*."):
		return fmt.Sprintf("invalid host name %s: write %s to allow a domain and its subdomains", q, quote(domain[1:]))
	case strings.Count(host, ":") == 1:
		return fmt.Sprintf("invalid host name %s: remove the port, because an allowed domain matches any port", q)
	case strings.HasPrefix(host, "[") || strings.HasSuffix(host, "]"):
		return fmt.Sprintf("invalid host name %s: write an IPv6 address without brackets", q)
	case strings.HasSuffix(host, "."):
		return fmt.Sprintf("invalid host name %s: remove the trailing dot", q)
	}

	for _, r := range host {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("-_.:", r) {
			return fmt.Sprintf("invalid host name %s: unexpected character %q", q, r)
		}
	}

	if !strings.Contains(host, ":") && strings.Contains("."+host+".", "..") {
		return fmt.Sprintf("invalid host name %s: empty label between dots", q)
	}
	return ""
}

func (v *validator) patterns(key string, patterns []*regexp.Regexp) {
	for i, re := range patterns {
		if re == nil {
			v.addf(indexPath(key, i), "missing regular expression (nil)")
		}
	}
}

func (v *validator) numbers() {
	c := v.c
	if c.MaxDepth < 0 {
		v.addf("max_depth", "must be 0 (no limit) or more, got %d", c.MaxDepth)
	}

	if c.Parallelism < 1 {
		v.addf("parallelism", "must be at least 1, got %d", c.Parallelism)
	}

	if c.RecheckWithin < 0 {
		v.addf("recheck_within", "must not be negative, got %s", c.RecheckWithin)
	}

	if c.Delay < 0 {
		v.addf("delay", "must not be negative, got %s", c.Delay)
	}

	if c.Timeout <= 0 {
		v.addf("timeout", "must be more than 0s, got %s", c.Timeout)
	}

	if c.MaxBodySize <= 0 {
		v.addf("max_body_size", "must be more than 0 bytes, got %d", c.MaxBodySize)
	}
}

func (v *validator) userAgent() {
	if strings.TrimSpace(v.c.UserAgent) == "" {
		v.addf("user_agent", "must not be empty")
		return
	}

	if strings.IndexFunc(v.c.UserAgent, unicode.IsControl) >= 0 {
		v.addf("user_agent", "must not contain line breaks or other control characters, got %s", quote(v.c.UserAgent))
	}
}

// sinks checks each sink's type and hands the valid ones to the sink checks.
func (v *validator) sinks(o options) {
	for i, spec := range v.c.Sinks {
		if spec.KeyPath == "" {
			spec.KeyPath = indexPath("sinks", i)
		}

		if strings.TrimSpace(spec.Type) == "" {
			v.problems = append(v.problems, Problem{Line: spec.Line, Path: joinPath(spec.KeyPath, "type"), Message: "must not be empty"})
			continue
		}

		for _, check := range o.sinkChecks {
			for _, problem := range check(spec) {
				v.problems = append(v.problems, sinkProblem(spec, problem))
			}
		}
	}
}

// sinkProblem places a problem a sink check returned, whose Path is
// relative to the sink, at the sink's key path and line.
func sinkProblem(spec SinkSpec, problem Problem) Problem {
	problem.Path = joinPath(spec.KeyPath, problem.Path)
	if problem.Line == 0 {
		problem.Line = spec.Line
	}
	return problem
}

// profiles checks the host patterns and the compiled form of each profile,
// which Load has checked already when the profile came from a file.
func (v *validator) profiles() {
	for i, site := range v.c.Profiles {
		keyPath := site.KeyPath
		if keyPath == "" {
			keyPath = indexPath("profiles", i)
		}

		add := func(key, format string, args ...any) {
			v.problems = append(v.problems, Problem{Line: site.Line, Path: joinPath(keyPath, key), Message: fmt.Sprintf(format, args...)})
		}
		if site.Profile == nil {
			add("", "missing compiled profile (nil)")
		}
		if strings.TrimSpace(site.Name) == "" {
			add("name", "must not be empty")
		}
		if len(site.Hosts) == 0 {
			add("hosts", "must list at least one host pattern, such as news.example.com or *.example.com")
		}
		for j, pattern := range site.Hosts {
			if message := checkHostPattern(pattern); message != "" {
				add(indexPath("hosts", j), "%s", message)
			}
		}
	}
}
