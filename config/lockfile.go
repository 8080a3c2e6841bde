package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultLockFile is the run lock of a crawl when the file has no lock_file
// key, relative to the configuration's folder.
const DefaultLockFile = "out/gleaner.lock"

// DefaultStateFile is the crawl state when the file has no state_file key,
// relative to the configuration's folder.
const DefaultStateFile = "out/gleaner-state.db"

// stateFile reads the path of the crawl state, relative to the
// configuration's folder; "none" keeps no state.
func (p *parser) stateFile(n *yaml.Node) {
	path, ok := p.str(n, p.key)
	if !ok {
		return
	}

	switch {
	case path == "none":
		p.cfg.StateFile = ""
	case strings.TrimSpace(path) == "" || path == "-" || strings.HasSuffix(path, "/"):
		p.fail(n.Line, p.key, "invalid file %s: name a file, such as out/gleaner-state.db, or none", quote(path))
	default:
		p.cfg.StateFile = resolvePath(path, p.cfg.Dir)
	}
}

// lockFile reads the path of the run lock, relative to the configuration's
// folder.
func (p *parser) lockFile(n *yaml.Node) {
	path, ok := p.str(n, p.key)
	if !ok {
		return
	}

	if strings.TrimSpace(path) == "" || path == "-" || strings.HasSuffix(path, "/") {
		p.fail(n.Line, p.key, "invalid file %s: name a file, such as out/gleaner.lock", quote(path))
		return
	}
	p.cfg.LockFile = resolvePath(path, p.cfg.Dir)
}
