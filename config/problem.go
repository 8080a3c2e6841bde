package config

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one mistake found in a configuration.
type Problem struct {
	// Line is the 1-based line of the YAML file the problem is on, or 0 when
	// the problem concerns the file as a whole, a key that is missing, or a
	// Config built in code.
	Line int

	// Path is the key path of the value, such as "seeds[0]" or "sinks[1].path",
	// or empty when the problem concerns the file as a whole.
	Path string

	// Message is the explanation: what is wrong with the value, quoted, and what to write instead.
	Message string
}

// String formats the problem as "line 4: seeds[0]: message", leaving out the
// line when it is 0 and the path when it is empty.
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}

	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}

	b.WriteString(p.Message)
	return b.String()
}

// Error is the error Load, Parse and Config.Validate return when the
// configuration is invalid. It lists every problem found, in line order,
// with the problems that have no line first.
type Error struct {
	// File is the configuration file as it was given to Load. It is empty
	// for Parse and for a Config built in code.
	File string

	// Problems has at least one entry.
	Problems []Problem
}

// Error formats the problems one per line under a header that names the file
// and counts them.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config")
	if e.File != "" {
		b.WriteString(" ")
		b.WriteString(e.File)
	}

	noun := "problems"
	if len(e.Problems) == 1 {
		noun = "problem"
	}
	fmt.Fprintf(&b, ": %d %s:", len(e.Problems), noun)

	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// newError returns nil when there are no problems, so that callers can
// return its result directly as an error.
func newError(file string, problems []Problem) error {
	if len(problems) == 0 {
		return nil
	}

	sorted := append([]Problem(nil), problems...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return sorted[i].Line < sorted[j].Line
	})
	return &Error{File: file, Problems: sorted}
}
