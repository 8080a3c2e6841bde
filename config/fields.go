package config

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // time_zone must load on systems without a zoneinfo database

	"gopkg.in/yaml.v3"
)

// fieldDecoders decodes the value of each top-level key into p.cfg.
var fieldDecoders = map[string]func(p *parser, n *yaml.Node){
	"seeds":                (*parser).seeds,
	"articles":             func(p *parser, n *yaml.Node) { p.cfg.Articles = p.patterns(n) },
	"follow":               func(p *parser, n *yaml.Node) { p.cfg.Follow = p.patterns(n) },
	"allowed_domains":      (*parser).allowedDomains,
	"max_depth":            func(p *parser, n *yaml.Node) { p.intValue(n, &p.cfg.MaxDepth) },
	"parallelism":          func(p *parser, n *yaml.Node) { p.intValue(n, &p.cfg.Parallelism) },
	"delay":                func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.Delay) },
	"timeout":              func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.Timeout) },
	"user_agent":           func(p *parser, n *yaml.Node) { p.stringValue(n, &p.cfg.UserAgent) },
	"time_zone":            (*parser).timeZone,
	"max_body_size":        (*parser).maxBodySize,
	"respect_robots_txt":   func(p *parser, n *yaml.Node) { p.boolValue(n, &p.cfg.RespectRobotsTxt) },
	"sitemaps_from_robots": func(p *parser, n *yaml.Node) { p.boolValue(n, &p.cfg.SitemapsFromRobots) },
	"sinks":                (*parser).sinks,
	"spool_dir":            (*parser).spoolDir,
	"on_sink_error":        (*parser).onSinkError,
	"lock_file":            (*parser).lockFile,
	"state_file":           (*parser).stateFile,
	"recheck_within":       func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.RecheckWithin) },
	"profiles":             (*parser).profiles,

	// Fetch limits.
	"connect_timeout":        func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.ConnectTimeout) },
	"header_timeout":         func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.HeaderTimeout) },
	"delay_jitter":           func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.DelayJitter) },
	"max_delay":              func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.MaxDelay) },
	"max_retries":            func(p *parser, n *yaml.Node) { p.intValue(n, &p.cfg.MaxRetries) },
	"retry_backoff":          func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.RetryBackoff) },
	"max_retry_wait":         func(p *parser, n *yaml.Node) { p.durationValue(n, &p.cfg.MaxRetryWait) },
	"max_redirects":          func(p *parser, n *yaml.Node) { p.intValue(n, &p.cfg.MaxRedirects) },
	"max_links_per_page":     func(p *parser, n *yaml.Node) { p.intValue(n, &p.cfg.MaxLinksPerPage) },
	"allow_private_networks": func(p *parser, n *yaml.Node) { p.boolValue(n, &p.cfg.AllowPrivateNetworks) },

	// URL normalization and trap limits.
	"strip_query_params": (*parser).stripQueryParams,
	"max_url_length":     func(p *parser, n *yaml.Node) { p.intValue(n, &p.cfg.MaxURLLength) },
	"max_query_params":   func(p *parser, n *yaml.Node) { p.intValue(n, &p.cfg.MaxQueryParams) },
	"max_path_repeats":   func(p *parser, n *yaml.Node) { p.intValue(n, &p.cfg.MaxPathRepeats) },
}

func knownKeys() []string {
	keys := make([]string, 0, len(fieldDecoders))
	for k := range fieldDecoders {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// value resolves an alias and reports an empty value, returning nil for it.
// An empty value is no request for the default: the file must leave the key out.
func (p *parser) value(n *yaml.Node, path string) *yaml.Node {
	v := resolve(n)
	if !isNull(v) {
		return v
	}

	switch {
	case path == "seeds":
		p.fail(n.Line, path, "missing value: list at least one URL or file to start from")
	case path == p.key:
		p.fail(n.Line, path, "missing value (remove the key to use the default)")
	default:
		p.fail(n.Line, path, "missing value")
	}
	return nil
}

// list returns the items of the list value of the current top-level key,
// or false after reporting why the value is not a list.
func (p *parser) list(n *yaml.Node) ([]*yaml.Node, bool) {
	return p.listAt(n, p.key)
}

// listAt returns the items of the list value at key path path, or false
// after reporting why the value is not a list.
func (p *parser) listAt(n *yaml.Node, path string) ([]*yaml.Node, bool) {
	v := p.value(n, path)
	if v == nil {
		return nil, false
	}

	if v.Kind != yaml.SequenceNode {
		p.fail(n.Line, path, `must be a list, got %s (start each item on its own line with "- ")`, describe(v))
		return nil, false
	}
	return v.Content, true
}

// str returns a string scalar, or false after reporting why n is not one.
// Numbers and booleans are rejected too, because YAML reads 1.0 as a number
// and converting it back to text could change it (to "1").
func (p *parser) str(n *yaml.Node, path string) (string, bool) {
	v := p.value(n, path)
	if v == nil {
		return "", false
	}

	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
		hint := ""
		if v.Kind == yaml.ScalarNode {
			hint = " (put it in quotes)"
		}
		p.fail(n.Line, path, "must be a string, got %s%s", describe(v), hint)
		return "", false
	}
	return v.Value, true
}

// stringList returns the strings of a list value with their item nodes and
// key paths. Items that are not strings are reported and left out.
func (p *parser) stringList(n *yaml.Node) (values []string, nodes []*yaml.Node, paths []string) {
	items, ok := p.list(n)
	if !ok {
		return nil, nil, nil
	}

	for i, item := range items {
		path := indexPath(p.key, i)
		if s, ok := p.str(item, path); ok {
			values = append(values, s)
			nodes = append(nodes, item)
			paths = append(paths, path)
		}
	}
	return values, nodes, paths
}

func (p *parser) seeds(n *yaml.Node) {
	values, nodes, paths := p.stringList(n)
	if len(nodes) == 0 && !p.failed[p.key] {
		p.fail(n.Line, p.key, "must list at least one URL or file to start from")
		return
	}

	for i, s := range values {
		p.cfg.positions[indexPath("seeds", len(p.cfg.Seeds))] = position{line: nodes[i].Line, path: paths[i], written: s}
		p.cfg.Seeds = append(p.cfg.Seeds, resolveSeed(s, p.cfg.Dir))
	}
}

// resolveSeed turns a local path into an absolute file URL and returns any
// other seed as written, for validate to check.
func resolveSeed(seed, dir string) string {
	if seed == "" {
		return seed
	}

	if filepath.IsAbs(seed) {
		return fileURL(filepath.Clean(seed))
	}

	// A seed with a scheme is a URL, and so is one that fails to parse but
	// contains "://", so that validate reports the parse error.
	u, err := url.Parse(seed)
	if (err == nil && u.Scheme != "") || (err != nil && strings.Contains(seed, "://")) {
		return seed
	}
	return fileURL(filepath.Join(dir, seed))
}

// fileURL returns the file URL of the absolute path abs.
func fileURL(abs string) string {
	slashed := filepath.ToSlash(abs)
	if !strings.HasPrefix(slashed, "/") {
		slashed = "/" + slashed // a Windows path such as C:/data
	}
	return (&url.URL{Scheme: "file", Path: slashed}).String()
}

// resolvePath makes a sink path absolute against dir, keeping "-" (standard output).
func resolvePath(path, dir string) string {
	if path == "-" {
		return path
	}

	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(dir, path)
}

// patterns compiles a list of regular expressions.
func (p *parser) patterns(n *yaml.Node) []*regexp.Regexp {
	values, nodes, paths := p.stringList(n)

	var compiled []*regexp.Regexp
	for i, s := range values {
		if s == "" {
			p.fail(nodes[i].Line, paths[i], "empty regular expression: it would match every URL")
			continue
		}

		re, err := regexp.Compile(s)
		if err != nil {
			p.fail(nodes[i].Line, paths[i], "invalid regular expression %s: %s", quote(s), regexpReason(err))
			continue
		}
		compiled = append(compiled, re)
	}
	return compiled
}

// regexpReason returns err without the "error parsing regexp: " that the
// message's own wording makes redundant.
func regexpReason(err error) string {
	var syntaxErr *syntax.Error
	if !errors.As(err, &syntaxErr) {
		return err.Error()
	}

	if strconv.CanBackquote(syntaxErr.Expr) {
		return fmt.Sprintf("%s: `%s`", syntaxErr.Code, shorten(syntaxErr.Expr))
	}
	return fmt.Sprintf("%s: %s", syntaxErr.Code, quote(syntaxErr.Expr))
}

func (p *parser) allowedDomains(n *yaml.Node) {
	values, nodes, paths := p.stringList(n)
	if len(nodes) == 0 && !p.failed[p.key] {
		p.fail(n.Line, p.key, "empty list allows no host: remove the key to allow the seeds' hosts, or list the hosts to crawl")
		return
	}

	for i, s := range values {
		p.cfg.positions[indexPath("allowed_domains", len(p.cfg.AllowedDomains))] = position{line: nodes[i].Line, path: paths[i], written: s}
		p.cfg.AllowedDomains = append(p.cfg.AllowedDomains, strings.ToLower(s))
	}
}

func (p *parser) stringValue(n *yaml.Node, target *string) {
	if s, ok := p.str(n, p.key); ok {
		*target = s
	}
}

func (p *parser) intValue(n *yaml.Node, target *int) {
	v := p.value(n, p.key)
	if v == nil {
		return
	}

	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" {
		p.fail(n.Line, p.key, "must be a whole number, got %s%s", describe(v), numberHint(v))
		return
	}

	var i int64
	if err := v.Decode(&i); err != nil || i > math.MaxInt || i < math.MinInt {
		p.fail(n.Line, p.key, "number %s is out of range", shorten(v.Value))
		return
	}
	*target = int(i)
}

// numberHint suggests a fix for a number YAML did not read as an integer.
func numberHint(v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode {
		return ""
	}

	if v.ShortTag() == "!!str" {
		if _, err := strconv.ParseInt(strings.TrimSpace(v.Value), 10, 64); err == nil {
			return " (remove the quotes)"
		}
	}

	if v.ShortTag() == "!!float" && strings.Trim(v.Value, "0123456789") == "" {
		return " (too large)"
	}
	return ""
}

func (p *parser) boolValue(n *yaml.Node, target *bool) {
	v := p.value(n, p.key)
	if v == nil {
		return
	}

	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!bool" {
		hint := ""
		if v.ShortTag() == "!!str" {
			if _, err := strconv.ParseBool(v.Value); err == nil {
				hint = " (remove the quotes)"
			}
		}
		p.fail(n.Line, p.key, "must be true or false, got %s%s", describe(v), hint)
		return
	}

	var b bool
	if err := v.Decode(&b); err != nil {
		p.fail(n.Line, p.key, "must be true or false, got %s", describe(v))
		return
	}
	*target = b
}

// durationValue reads a Go duration such as "1m30s". A bare 0 is accepted
// too, as time.ParseDuration accepts it.
func (p *parser) durationValue(n *yaml.Node, target *time.Duration) {
	v := p.value(n, p.key)
	if v == nil {
		return
	}

	if v.Kind != yaml.ScalarNode {
		p.fail(n.Line, p.key, "must be a duration such as 500ms, 2s or 1m30s, got %s", describe(v))
		return
	}

	d, err := time.ParseDuration(v.Value)
	if err != nil {
		p.fail(n.Line, p.key, "invalid duration %s: use a number with a unit (ns, us, ms, s, m, h), such as 500ms, 2s or 1m30s", quote(v.Value))
		return
	}
	*target = d
}

func (p *parser) timeZone(n *yaml.Node) {
	if location, ok := p.location(n, p.key); ok {
		p.cfg.TimeZone = location
	}
}

// location reads the IANA name of a time zone at key path path.
func (p *parser) location(n *yaml.Node, path string) (*time.Location, bool) {
	name, ok := p.str(n, path)
	if !ok {
		return nil, false
	}

	// "Local" is the zone of the machine running the crawl, not of the site,
	// and an empty name would mean UTC to time.LoadLocation.
	if name == "" || name == "Local" {
		p.fail(n.Line, path, "invalid time zone %s: use an IANA name such as Asia/Shanghai, Europe/London or UTC", quote(name))
		return nil, false
	}

	location, err := time.LoadLocation(name)
	if err != nil {
		p.fail(n.Line, path, "unknown time zone %s: use an IANA name such as Asia/Shanghai, Europe/London or UTC", quote(name))
		return nil, false
	}
	return location, true
}

func (p *parser) maxBodySize(n *yaml.Node) {
	v := p.value(n, p.key)
	if v == nil {
		return
	}

	switch {
	case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!int":
		var size int64
		if err := v.Decode(&size); err != nil {
			p.fail(n.Line, p.key, "number %s is out of range", shorten(v.Value))
			return
		}
		p.cfg.MaxBodySize = size

	case v.Kind == yaml.ScalarNode && v.ShortTag() == "!!str":
		size, err := parseByteSize(v.Value)
		if err != nil {
			p.fail(n.Line, p.key, "invalid size %s: %v", quote(v.Value), err)
			return
		}
		p.cfg.MaxBodySize = size

	default:
		p.fail(n.Line, p.key, "must be a number of bytes or a size such as 10MB or 1MiB, got %s", describe(v))
	}
}

func (p *parser) sinks(n *yaml.Node) {
	items, ok := p.list(n)
	if !ok {
		return
	}

	if len(items) == 0 {
		p.fail(n.Line, p.key, "empty list: remove the key to use the default %s sink at %s, or list the sinks", DefaultSinkType, DefaultSinkPath)
		return
	}

	for i, item := range items {
		if spec, ok := p.sink(item, indexPath("sinks", i)); ok {
			p.cfg.Sinks = append(p.cfg.Sinks, spec)
		}
	}
}

// sink decodes one entry of the sinks list. Only type and path belong to
// this package, and the sink checks its other keys.
func (p *parser) sink(n *yaml.Node, path string) (SinkSpec, bool) {
	v := p.value(n, path)
	if v == nil {
		return SinkSpec{}, false
	}

	if v.Kind != yaml.MappingNode {
		p.fail(n.Line, path, `must be a mapping with a "type" key, got %s`, describe(v))
		return SinkSpec{}, false
	}

	spec := SinkSpec{Node: v, Line: n.Line, KeyPath: path}
	keys := make(map[string]pair)
	for _, entry := range pairs(v, path, p.report) {
		keys[entry.name] = entry
	}

	var typeOK, pathOK bool
	spec.Type, typeOK = p.sinkType(spec, keys["type"])
	spec.Path, pathOK = p.sinkPath(spec, keys["path"])
	return spec, typeOK && pathOK
}

// sinkType reads the required type key, whose pair is the zero pair when
// the entry has none.
func (p *parser) sinkType(spec SinkSpec, entry pair) (string, bool) {
	if entry.value == nil {
		p.fail(spec.Line, spec.KeyPath, `missing required key "type"`)
		return "", false
	}

	path := joinPath(spec.KeyPath, "type")
	value, ok := p.str(entry.value, path)
	if !ok {
		return "", false
	}

	if strings.TrimSpace(value) == "" {
		p.fail(entry.value.Line, path, "must not be empty")
		return "", false
	}
	return value, true
}

// sinkPath reads and resolves the optional path key, whose pair is the zero
// pair when the entry has none.
func (p *parser) sinkPath(spec SinkSpec, entry pair) (string, bool) {
	if entry.value == nil {
		return "", true
	}

	path := joinPath(spec.KeyPath, "path")
	value, ok := p.str(entry.value, path)
	if !ok {
		return "", false
	}

	if strings.TrimSpace(value) == "" {
		p.fail(entry.value.Line, path, "must not be empty")
		return "", false
	}
	return resolvePath(value, p.cfg.Dir), true
}
