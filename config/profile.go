package config

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"gopkg.in/yaml.v3"

	"github.com/gleanerhq/gleaner/extract"
)

// SiteProfile is one entry of the profiles list: the hosts it applies to,
// its CSS selectors as the file spells them, and the compiled form that the
// extractor takes.
type SiteProfile struct {
	// Name identifies the profile in logs and reports. It is the entry's
	// name key, or its first host pattern when it has none. Names are unique
	// within a Config that Load returns.
	Name string

	// Hosts are the lower-case glob patterns, in path.Match syntax, that a
	// page's host must match for the profile to apply.
	Hosts []string

	// Selectors lists the entry's CSS selectors in file order.
	Selectors []ProfileSelector

	// Profile is the compiled profile to pass as extract.Options.Profile.
	// Its Name is the SiteProfile's Name.
	Profile *extract.Profile

	// Line is the line the entry starts on, or 0 for a profile built in code.
	Line int

	// KeyPath is the entry's key path, such as "profiles[1]".
	KeyPath string
}

// ProfileSelector is one CSS selector of a profile as the file spells it.
type ProfileSelector struct {
	// Key is the selector's key path inside its profile: "title",
	// "remove[1]" or "recommended.link".
	Key string

	// Selector is the CSS selector as written.
	Selector string

	// Matcher is the compiled selector, the same value as the matching
	// field of SiteProfile.Profile.
	Matcher goquery.Matcher

	// Line is the selector's line in the file.
	Line int
}

// profileKeys are the keys of one entry of the profiles list, and
// recommendedKeys those of its recommended mapping.
var (
	profileKeys     = []string{"name", "hosts", "title", "published", "date_layout", "time_zone", "body", "authors", "remove", "recommended"}
	recommendedKeys = []string{"block", "item", "link", "summary", "source", "published"}
)

// ProfileFor returns the compiled profile for pages of host, or nil when
// no profile applies. See SiteProfileFor for how the profile is chosen.
func (c *Config) ProfileFor(host string) *extract.Profile {
	if site := c.SiteProfileFor(host); site != nil {
		return site.Profile
	}
	return nil
}

// SiteProfileFor returns the first profile, in file order, with a host
// pattern that matches host, or nil when none does. host may carry a port
// ("example.com:8080"). Patterns and host are compared in lower case, and
// the host without port, IPv6 brackets or trailing dot. An
// empty host, such as that of a file URL, matches no profile.
func (c *Config) SiteProfileFor(host string) *SiteProfile {
	host = normalizeHost(host)
	if host == "" {
		return nil
	}

	for i := range c.Profiles {
		for _, pattern := range c.Profiles[i].Hosts {
			if matched, err := path.Match(strings.ToLower(pattern), host); err == nil && matched {
				return &c.Profiles[i]
			}
		}
	}
	return nil
}

// profiles decodes the profiles list. A host pattern or name that an
// earlier profile already uses is a problem, because the earlier profile
// always wins for it.
func (p *parser) profiles(n *yaml.Node) {
	items, ok := p.list(n)
	if !ok {
		return
	}

	if len(items) == 0 {
		p.fail(n.Line, p.key, "empty list: remove the key, or list at least one profile")
		return
	}

	seen := &profileNames{names: make(map[string]string), hosts: make(map[string]string)}
	for i, item := range items {
		if site, ok := p.profile(item, indexPath("profiles", i), seen); ok {
			p.cfg.Profiles = append(p.cfg.Profiles, site)
		}
	}
}

// profileNames holds the names and host patterns of the profiles decoded
// so far, each with the key path that set it first.
type profileNames struct {
	names map[string]string
	hosts map[string]string
}

// profileReader decodes one entry of the profiles list.
type profileReader struct {
	p       *parser
	site    SiteProfile
	profile extract.Profile

	// problems is the parser's problem count before the entry, so that
	// failed counts only the entry's own problems.
	problems int

	// present holds the keys the entry sets, valid or not.
	present map[string]bool

	// nameLine and layoutLine are the lines of name and date_layout, or 0
	// when the entry has no such key.
	nameLine   int
	layoutLine int

	// hostLines are the lines of the host patterns in Hosts.
	hostLines []int
}

// profile decodes one entry of the profiles list. It returns false when
// the entry has a problem.
func (p *parser) profile(n *yaml.Node, keyPath string, seen *profileNames) (SiteProfile, bool) {
	v := p.value(n, keyPath)
	if v == nil {
		return SiteProfile{}, false
	}

	if v.Kind != yaml.MappingNode {
		p.fail(n.Line, keyPath, `must be a mapping with a "hosts" key and selectors, got %s`, describe(v))
		return SiteProfile{}, false
	}

	r := &profileReader{
		p:        p,
		site:     SiteProfile{Line: n.Line, KeyPath: keyPath},
		problems: len(p.problems),
		present:  make(map[string]bool),
	}
	for _, entry := range pairs(v, keyPath, p.report) {
		r.present[entry.name] = true
		r.key(entry)
	}

	r.checkComplete()
	r.checkUnique(seen)
	if r.failed() {
		return SiteProfile{}, false
	}

	r.profile.Name = r.site.Name
	r.site.Profile = &r.profile
	return r.site, true
}

// key decodes one key of the entry.
func (r *profileReader) key(entry pair) {
	prof := &r.profile
	switch entry.name {
	case "name":
		r.name(entry)
	case "hosts":
		r.hosts(entry)
	case "title":
		prof.Title = r.selector(entry.value, "title")
	case "published":
		prof.Published = r.selector(entry.value, "published")
	case "body":
		prof.Body = r.selector(entry.value, "body")
	case "authors":
		prof.Authors = r.selector(entry.value, "authors")
	case "remove":
		r.remove(entry)
	case "recommended":
		r.recommended(entry)
	case "time_zone":
		if location, ok := r.p.location(entry.value, r.path("time_zone")); ok {
			prof.Location = location
		}
	case "date_layout":
		r.dateLayout(entry)
	default:
		r.p.fail(entry.key.Line, r.path(entry.name), "%s", unknownKeyMessage(entry.name, profileKeys))
	}
}

// failed reports whether the entry has a problem.
func (r *profileReader) failed() bool {
	return len(r.p.problems) > r.problems
}

// path returns the key path of key inside the entry.
func (r *profileReader) path(key string) string {
	return joinPath(r.site.KeyPath, key)
}

func (r *profileReader) name(entry pair) {
	name, ok := r.p.str(entry.value, r.path("name"))
	if !ok {
		return
	}

	if strings.TrimSpace(name) == "" {
		r.p.fail(entry.value.Line, r.path("name"), "must not be empty (remove the key to name the profile after its first host pattern)")
		return
	}
	r.site.Name = name
	r.nameLine = entry.value.Line
}

func (r *profileReader) hosts(entry pair) {
	keyPath := r.path("hosts")
	items, ok := r.p.listAt(entry.value, keyPath)
	if !ok {
		return
	}

	if len(items) == 0 {
		r.p.fail(entry.value.Line, keyPath, "must list at least one host pattern, such as news.example.com or *.example.com")
		return
	}

	for i, item := range items {
		itemPath := indexPath(keyPath, i)
		pattern, ok := r.p.str(item, itemPath)
		if !ok {
			continue
		}

		if message := checkHostPattern(pattern); message != "" {
			r.p.fail(item.Line, itemPath, "%s", message)
			continue
		}
		r.site.Hosts = append(r.site.Hosts, strings.ToLower(pattern))
		r.hostLines = append(r.hostLines, item.Line)
	}
}

// checkHostPattern returns what is wrong with a host pattern, or "" when
// it is valid.
func checkHostPattern(pattern string) string {
	q := quote(pattern)
	switch {
	case pattern == "":
		return "must not be empty"
	case strings.Contains(pattern, "://"):
		return fmt.Sprintf("invalid host pattern %s: remove the scheme, keeping only a host such as news.example.com", q)
	case strings.Contains(pattern, "/"):
		return fmt.Sprintf("invalid host pattern %s: remove the path, keeping only a host such as news.example.com", q)
	case strings.ContainsAny(pattern, " \t\r\n"):
		return fmt.Sprintf("invalid host pattern %s: remove the spaces", q)
	case strings.Count(pattern, ":") == 1:
		return fmt.Sprintf("invalid host pattern %s: remove the port, because profiles match the host without its port", q)
	case strings.HasPrefix(pattern, "."):
		return fmt.Sprintf("invalid host pattern %s: write %s for the subdomains, and add %s for the domain itself", q, quote("*"+pattern), quote(pattern[1:]))
	case strings.HasSuffix(pattern, "."):
		return fmt.Sprintf("invalid host pattern %s: remove the trailing dot", q)
	}

	if _, err := path.Match(pattern, ""); err != nil {
		return fmt.Sprintf("invalid host pattern %s: %v (use * for any run of characters, ? for one, [a-z] for a range)", q, err)
	}
	return ""
}

// selector compiles the CSS selector at key (a key path inside the entry)
// and records it in Selectors. It returns nil after reporting a problem.
func (r *profileReader) selector(n *yaml.Node, key string) goquery.Matcher {
	keyPath := r.path(key)
	text, ok := r.p.str(n, keyPath)
	if !ok {
		return nil
	}

	if strings.TrimSpace(text) == "" {
		r.p.fail(n.Line, keyPath, "must not be empty (remove the key to let the generic extractor find the value)")
		return nil
	}

	compiled, err := cascadia.Compile(text)
	if err != nil {
		r.p.fail(n.Line, keyPath, "invalid CSS selector %s: %v", quote(text), err)
		return nil
	}

	r.site.Selectors = append(r.site.Selectors, ProfileSelector{Key: key, Selector: text, Matcher: compiled, Line: n.Line})
	return compiled
}

func (r *profileReader) remove(entry pair) {
	keyPath := r.path("remove")
	items, ok := r.p.listAt(entry.value, keyPath)
	if !ok {
		return
	}

	if len(items) == 0 {
		r.p.fail(entry.value.Line, keyPath, "empty list: remove the key, or list the CSS selectors of the elements to drop")
		return
	}

	for i, item := range items {
		if compiled := r.selector(item, indexPath("remove", i)); compiled != nil {
			r.profile.Remove = append(r.profile.Remove, compiled)
		}
	}
}

// recommended decodes the recommended mapping, whose block and link keys
// are required.
func (r *profileReader) recommended(entry pair) {
	keyPath := r.path("recommended")
	v := r.p.value(entry.value, keyPath)
	if v == nil {
		return
	}

	if v.Kind != yaml.MappingNode {
		r.p.fail(entry.value.Line, keyPath, `must be a mapping with "block" and "link" keys, got %s`, describe(v))
		return
	}

	prof := &r.profile
	present := make(map[string]bool)
	for _, item := range pairs(v, keyPath, r.p.report) {
		present[item.name] = true
		key := "recommended." + item.name
		switch item.name {
		case "block":
			prof.Recommended = r.selector(item.value, key)
		case "item":
			prof.Item = r.selector(item.value, key)
		case "link":
			prof.ItemLink = r.selector(item.value, key)
		case "summary":
			prof.ItemSummary = r.selector(item.value, key)
		case "source":
			prof.ItemSource = r.selector(item.value, key)
		case "published":
			prof.ItemPublished = r.selector(item.value, key)
		default:
			r.p.fail(item.key.Line, r.path(key), "%s", unknownKeyMessage(item.name, recommendedKeys))
		}
	}

	if !present["block"] {
		r.p.fail(entry.key.Line, keyPath, `missing required key "block": the CSS selector of each recommended list's container, such as "section.recommend"`)
	}
	if !present["link"] {
		r.p.fail(entry.key.Line, keyPath, `missing required key "link": the CSS selector of each entry's link inside the block, such as "a.title"`)
	}
}

func (r *profileReader) dateLayout(entry pair) {
	keyPath := r.path("date_layout")
	layout, ok := r.p.str(entry.value, keyPath)
	if !ok {
		return
	}

	r.layoutLine = entry.value.Line
	if message := checkDateLayout(layout); message != "" {
		r.p.fail(entry.value.Line, keyPath, "%s", message)
		return
	}
	r.profile.DateLayout = layout
}

// layoutProbe is the time checkDateLayout writes with a layout and reads
// back. Its hour is past noon, so a 12-hour clock without PM does not read
// it back, and its day differs from its month.
var layoutProbe = time.Date(2023, time.November, 14, 16, 11, 6, 0, time.UTC)

// checkDateLayout returns what is wrong with a Go time layout, or "" when
// it reads back the date, and the clock time as far as it states one, of
// layoutProbe as it writes it.
func checkDateLayout(layout string) string {
	const fix = `write Go's reference time 2006-01-02 15:04:05 in the site's format, such as "2006-01-02 15:04" or "2006年1月2日 15:04"`
	q := quote(layout)
	if strings.TrimSpace(layout) == "" {
		return "must not be empty (remove the key to let the generic date reader read the text)"
	}

	written := layoutProbe.Format(layout)
	if written == layout {
		return fmt.Sprintf("invalid date layout %s: it has no Go layout element: %s", q, fix)
	}

	read, err := time.ParseInLocation(layout, written, time.UTC)
	switch {
	case err != nil:
		return fmt.Sprintf("invalid date layout %s: it cannot read back its own output %s: %v", q, quote(written), err)
	case read.Year() == 0:
		return fmt.Sprintf("invalid date layout %s: it has no year (2006), so every date it reads is in year 0: add the year, or remove the key to let the generic date reader infer it", q)
	case !readsBack(read):
		return fmt.Sprintf("invalid date layout %s: it writes %s as %s but reads that back as %s: %s", q, layoutProbe.Format(time.DateTime), quote(written), read.Format(time.DateTime), fix)
	}
	return ""
}

// readsBack reports whether read has the date of layoutProbe and, of its
// clock time, either the same value or zero for each of hour, minute and
// second, with no finer part present when a coarser one is zero.
func readsBack(read time.Time) bool {
	want := layoutProbe
	if read.Year() != want.Year() || read.Month() != want.Month() || read.Day() != want.Day() {
		return false
	}

	parts := [][2]int{{read.Hour(), want.Hour()}, {read.Minute(), want.Minute()}, {read.Second(), want.Second()}}
	stated := true
	for _, part := range parts {
		got, expected := part[0], part[1]
		switch {
		case got == expected && stated:
		case got == 0:
			stated = false
		default:
			return false
		}
	}
	return read.Nanosecond() == 0
}

// checkComplete reports the keys an entry lacks and the keys that would do
// nothing, and names the profile after its first host pattern when it has
// no name key.
func (r *profileReader) checkComplete() {
	if !r.present["hosts"] {
		r.p.fail(r.site.Line, r.site.KeyPath, `missing required key "hosts": list the host names the profile applies to, such as news.example.com or *.example.com`)
	}

	prof := &r.profile
	if r.present["date_layout"] && !r.present["published"] {
		r.p.fail(r.layoutLine, r.path("date_layout"), `applies only to the text of the "published" selector: add published, or remove date_layout`)
	}

	if len(r.site.Selectors) == 0 && prof.Location == nil && !r.failed() {
		r.p.fail(r.site.Line, r.site.KeyPath, "the profile sets no selector and no time_zone, so it would change nothing: add one, or remove the profile")
	}

	if r.site.Name == "" && len(r.site.Hosts) > 0 {
		r.site.Name = r.site.Hosts[0]
	}
}

// checkUnique reports a host pattern or name that an earlier profile
// already uses, then adds the entry's own to seen.
func (r *profileReader) checkUnique(seen *profileNames) {
	duplicateFirstHost := false
	for i, pattern := range r.site.Hosts {
		hostPath := indexPath(r.path("hosts"), i)
		if earlier, ok := seen.hosts[pattern]; ok {
			r.p.fail(r.hostLines[i], hostPath, "host pattern %s is already listed in %s, which is chosen first for such hosts: remove it from one of them", quote(pattern), earlier)
			duplicateFirstHost = duplicateFirstHost || i == 0
			continue
		}
		seen.hosts[pattern] = hostPath
	}

	if r.site.Name == "" || duplicateFirstHost {
		return
	}
	if earlier, ok := seen.names[r.site.Name]; ok {
		line, keyPath := r.site.Line, r.site.KeyPath
		if r.nameLine > 0 {
			line, keyPath = r.nameLine, r.path("name")
		}
		r.p.fail(line, keyPath, "profile name %s is already used by %s: give each profile its own name key", quote(r.site.Name), earlier)
		return
	}
	seen.names[r.site.Name] = r.site.KeyPath
}
