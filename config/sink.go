package config

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// SinkSpec is one entry of the sinks list. The config package checks only
// its type and path keys. The sink of that type decodes the rest of Node
// into its own settings and reports their problems through WithSinkCheck.
type SinkSpec struct {
	// Type names the sink, such as "sqlite" or "jsonl". Never empty.
	Type string

	// Path is the sink's path key resolved against Config.Dir: absolute,
	// or "-" (standard output) kept as is. Empty when the entry has no path
	// key. Sinks read the path from here, not from Node.
	Path string

	// Node is the entry's whole YAML mapping, type and path included, with
	// the path as written. For the default sink it is a mapping built in code.
	Node *yaml.Node

	// Line is the line the entry starts on, or 0 for the default sink.
	Line int

	// KeyPath is the entry's key path, such as "sinks[1]".
	KeyPath string
}

// Lookup returns the value of key in the entry's mapping, following an
// alias, or nil when the entry has no such key.
func (s SinkSpec) Lookup(key string) *yaml.Node {
	if found := s.find(key); found != nil {
		return resolve(found.value)
	}
	return nil
}

// Problemf returns a Problem about key (empty for the entry as a whole) on
// the line of its value, or on the entry's line when the key is absent.
// The Path of the result is key, relative to the entry, as WithSinkCheck expects.
func (s SinkSpec) Problemf(key, format string, args ...any) Problem {
	line := s.Line
	if found := s.find(key); found != nil {
		line = found.value.Line
	}
	return Problem{Line: line, Path: key, Message: fmt.Sprintf(format, args...)}
}

// UnknownKeys returns a Problem for each key of the entry other than type,
// path and known, with paths relative to the entry as WithSinkCheck expects.
// A sink calls it with the keys it reads to reject the ones it would ignore.
func (s SinkSpec) UnknownKeys(known ...string) []Problem {
	if s.Node == nil || s.Node.Kind != yaml.MappingNode {
		return nil
	}

	candidates := append([]string{"type", "path"}, known...)
	isKnown := make(map[string]bool, len(candidates))
	for _, k := range candidates {
		isKnown[k] = true
	}

	var problems []Problem
	for _, p := range pairs(s.Node, "", func(Problem) {}) {
		if !isKnown[p.name] {
			problems = append(problems, Problem{Line: p.key.Line, Path: p.name, Message: unknownKeyMessage(p.name, candidates)})
		}
	}
	return problems
}

// find returns the first entry of the mapping whose key is key, or nil.
func (s SinkSpec) find(key string) *pair {
	if key == "" || s.Node == nil || s.Node.Kind != yaml.MappingNode {
		return nil
	}

	for _, p := range pairs(s.Node, "", func(Problem) {}) {
		if p.name == key {
			return &p
		}
	}
	return nil
}

// defaultSink returns the sink used when the file has no sinks key.
func defaultSink(dir string) SinkSpec {
	scalar := func(value string) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value}
	}

	node := &yaml.Node{
		Kind: yaml.MappingNode,
		Tag:  "!!map",
		Content: []*yaml.Node{
			scalar("type"), scalar(DefaultSinkType),
			scalar("path"), scalar(DefaultSinkPath),
		},
	}

	return SinkSpec{
		Type:    DefaultSinkType,
		Path:    resolvePath(DefaultSinkPath, dir),
		Node:    node,
		KeyPath: "sinks[0]",
	}
}
