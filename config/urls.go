package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// stripQueryParams decodes strip_query_params: a list of parameter names,
// each possibly ending in "*" to name a prefix. An empty list is kept as a
// non-nil empty slice, because it means "strip nothing" and not "use the
// default list".
func (p *parser) stripQueryParams(n *yaml.Node) {
	values, nodes, paths := p.stringList(n)

	params := make([]string, 0, len(values))
	for i, value := range values {
		name := strings.TrimSpace(value)
		switch {
		case name == "" || name == "*":
			p.fail(nodes[i].Line, paths[i], "must name a query parameter or a prefix followed by *, got %q", value)
			continue
		case strings.Contains(strings.TrimSuffix(name, "*"), "*"):
			p.fail(nodes[i].Line, paths[i], "may contain * only at the end, got %q", value)
			continue
		}
		params = append(params, name)
	}
	p.cfg.StripQueryParams = params
}

// urlLimits checks the keys that bound which links the crawler follows,
// so that calendars and self-repeating paths cannot queue URLs forever.
func (v *validator) urlLimits() {
	c := v.c
	if c.MaxURLLength < 16 {
		v.addf("max_url_length", "must be at least 16 (bytes), got %d", c.MaxURLLength)
	}

	if c.MaxQueryParams < 0 {
		v.addf("max_query_params", "must be 0 (follow no link with a query) or more, got %d", c.MaxQueryParams)
	}

	if c.MaxPathRepeats < 1 {
		v.addf("max_path_repeats", "must be at least 1, got %d", c.MaxPathRepeats)
	}
}
