package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// Delivery keys: where the records of a sink that is down wait, and what
// the crawl does meanwhile.
const (
	// DefaultSpoolDir is the spool folder when the file has no spool_dir
	// key, relative to the configuration's folder, beside the default
	// SQLite database.
	DefaultSpoolDir = "out/spool"

	// OnSinkErrorSpool keeps crawling while a sink is down and spools its
	// records; OnSinkErrorStop stops the crawl (the records in flight are
	// spooled all the same).
	OnSinkErrorSpool = "spool"
	OnSinkErrorStop  = "stop"

	// DefaultOnSinkError is the on_sink_error value when the file has none.
	DefaultOnSinkError = OnSinkErrorSpool
)

// spoolDir reads the spool folder, relative to the configuration's folder.
func (p *parser) spoolDir(n *yaml.Node) {
	dir, ok := p.str(n, p.key)
	if !ok {
		return
	}

	if strings.TrimSpace(dir) == "" || dir == "-" {
		p.fail(n.Line, p.key, "invalid folder %s: name a folder, such as out/spool", quote(dir))
		return
	}
	p.cfg.SpoolDir = resolvePath(dir, p.cfg.Dir)
}

// onSinkError reads what to do when a sink stays down.
func (p *parser) onSinkError(n *yaml.Node) {
	if value, ok := p.str(n, p.key); ok {
		p.cfg.OnSinkError = value
	}
}

// delivery checks the on_sink_error value.
func (v *validator) delivery() {
	if v.skip["on_sink_error"] {
		return
	}

	switch v.c.OnSinkError {
	case "", OnSinkErrorSpool, OnSinkErrorStop: // "" in a Config built in code means the default
	default:
		v.addf("on_sink_error", "invalid value %s: use %s (keep crawling, spool the records of a sink that is down) or %s (stop the crawl)",
			quote(v.c.OnSinkError), OnSinkErrorSpool, OnSinkErrorStop)
	}
}
