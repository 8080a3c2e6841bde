package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Option changes how Load, Parse and Config.Validate check a configuration.
type Option func(*options)

type options struct {
	sinkChecks []func(SinkSpec) []Problem
}

// WithSinkCheck adds check, which validates the settings of one sink, so
// that the sinks' problems are reported together with the others. It runs
// once for every sink whose type and path keys are valid, the default sink
// included, after the rest of the file has been read.
//
// The Path of each Problem check returns is relative to the sink: "dsn"
// is reported as "sinks[2].dsn" and an empty Path as "sinks[2]". A Line of 0
// becomes the sink's line. SinkSpec.Problemf and SinkSpec.UnknownKeys build
// problems in this form. A nil check is ignored.
func WithSinkCheck(check func(SinkSpec) []Problem) Option {
	return func(o *options) {
		if check != nil {
			o.sinkChecks = append(o.sinkChecks, check)
		}
	}
}

func collectOptions(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Load reads the YAML configuration at path and returns it with defaults
// filled in. Relative paths in the file resolve against the file's folder.
//
// When the file cannot be read, the error wraps the os error, so
// errors.Is(err, fs.ErrNotExist) works. When the configuration is invalid,
// the error is an *Error that lists every problem.
func Load(path string, opts ...Option) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}

	return parse(path, data, filepath.Dir(path), opts)
}

// Parse reads a YAML configuration from data, as Load does for a file.
// Relative paths resolve against dir, which is made absolute against the
// working directory. An empty dir means the working directory.
// An invalid configuration returns an *Error that lists every problem.
func Parse(data []byte, dir string, opts ...Option) (*Config, error) {
	return parse("", data, dir, opts)
}

func parse(file string, data []byte, dir string, opts []Option) (*Config, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("resolve config folder %q: %w", dir, err)
	}

	p := newParser(file, absDir)
	root := p.document(data)
	if root == nil {
		return nil, newError(file, p.problems)
	}

	p.top(root)
	p.fillDefaults()

	problems := append(p.problems, p.cfg.validate(p.failed, collectOptions(opts))...)
	if err := newError(file, problems); err != nil {
		return nil, err
	}
	return p.cfg, nil
}

// parser decodes the YAML tree into a Config, collecting problems instead
// of stopping at the first.
type parser struct {
	cfg      *Config
	problems []Problem

	// key is the top-level key being decoded.
	key string

	// present holds the top-level keys the file sets, and failed those of
	// them whose value had a problem, so that validate skips the checks that
	// would repeat it.
	present map[string]bool
	failed  map[string]bool
}

func newParser(file, dir string) *parser {
	cfg := Default()
	cfg.File = file
	cfg.Dir = dir
	cfg.positions = make(map[string]position)

	return &parser{
		cfg:     cfg,
		present: make(map[string]bool),
		failed:  make(map[string]bool),
	}
}

func (p *parser) report(problem Problem) {
	p.problems = append(p.problems, problem)
}

// fail reports a problem with the value of the current top-level key.
func (p *parser) fail(line int, path, format string, args ...any) {
	p.failed[p.key] = true
	p.report(Problem{Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

// yamlErrorLine matches the errors of gopkg.in/yaml.v3 that carry a line,
// such as "yaml: line 3: did not find expected key".
var yamlErrorLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// document returns the top-level mapping of data, or nil after reporting
// why there is none.
func (p *parser) document(data []byte) *yaml.Node {
	decoder := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err := decoder.Decode(&doc)
	if errors.Is(err, io.EOF) {
		p.report(Problem{Message: `the file is empty: write at least the "seeds" key`})
		return nil
	}
	if err != nil {
		p.reportYAMLError(err)
		return nil
	}

	// Only the first document counts, so a second one is a mistake to report.
	var extra yaml.Node
	if err := decoder.Decode(&extra); err == nil {
		p.report(Problem{Line: extra.Line, Message: `the file has a second YAML document: remove the "---" line and what follows, or merge the two`})
	} else if !errors.Is(err, io.EOF) {
		p.reportYAMLError(err)
	}

	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		p.report(Problem{Line: doc.Line, Message: `the file has no keys: write at least the "seeds" key`})
		return nil
	}

	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		p.report(Problem{Line: root.Line, Message: fmt.Sprintf(`the file must be a mapping of keys such as "seeds:", got %s`, describe(root))})
		return nil
	}
	return root
}

func (p *parser) reportYAMLError(err error) {
	m := yamlErrorLine.FindStringSubmatch(err.Error())
	if m == nil {
		p.report(Problem{Message: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")})
		return
	}

	line, _ := strconv.Atoi(m[1]) // the pattern admits only digits
	if yamlParserProblems[m[2]] {
		line++
	}
	p.report(Problem{Line: line, Message: "invalid YAML: " + m[2]})
}

// yamlParserProblems are the messages of the parser errors of
// gopkg.in/yaml.v3 v3.0.1 (parserc.go). For these its decode.go prints the
// 0-based line of the error, and for scanner errors the 1-based line, so
// reportYAMLError adds 1 to the former.
//
// NOTE: the line is where yaml.v3 marks the error, which for some errors is
// the start of the enclosing mapping or list rather than the mistake itself.
var yamlParserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"found undefined tag handle":             true,
	"did not find expected node content":     true,
	"did not find expected '-' indicator":    true,
	"did not find expected key":              true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found duplicate %TAG directive":         true,
}

// top decodes each top-level key with its field decoder.
func (p *parser) top(root *yaml.Node) {
	for _, entry := range pairs(root, "", p.report) {
		decode, ok := fieldDecoders[entry.name]
		if !ok {
			p.report(Problem{Line: entry.key.Line, Path: entry.name, Message: unknownKeyMessage(entry.name, knownKeys())})
			continue
		}

		p.key = entry.name
		p.present[entry.name] = true
		p.cfg.positions[entry.name] = position{line: entry.key.Line, path: entry.name}
		decode(p, entry.value)
	}
}

// fillDefaults sets the defaults that depend on other keys or on the
// configuration's folder.
func (p *parser) fillDefaults() {
	if !p.present["allowed_domains"] {
		p.cfg.AllowedDomains = p.cfg.SeedHosts()
	}

	if !p.present["sinks"] {
		p.cfg.Sinks = []SinkSpec{defaultSink(p.cfg.Dir)}
	}

	if !p.present["spool_dir"] {
		p.cfg.SpoolDir = resolvePath(DefaultSpoolDir, p.cfg.Dir)
	}

	if !p.present["lock_file"] {
		p.cfg.LockFile = resolvePath(DefaultLockFile, p.cfg.Dir)
	}

	if !p.present["state_file"] {
		p.cfg.StateFile = resolvePath(DefaultStateFile, p.cfg.Dir)
	}
}
