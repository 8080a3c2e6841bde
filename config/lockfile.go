package config

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// DefaultLockFile is the run lock of a crawl when the file has no lock_file
// key, relative to the configuration's folder.
const DefaultLockFile = "out/gleaner.lock"

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
