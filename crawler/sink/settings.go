package sink

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// byteSize is a size setting in bytes. YAML gives it as a whole number of
// bytes or as a number with a unit: B, KB, MB, GB (powers of 1000) or KiB,
// MiB, GiB (powers of 1024), such as 64MiB.
type byteSize int64

// byteUnits maps the accepted units, in upper case, to their size in bytes.
var byteUnits = map[string]int64{
	"":    1,
	"B":   1,
	"KB":  1000,
	"MB":  1000 * 1000,
	"GB":  1000 * 1000 * 1000,
	"KIB": 1 << 10,
	"MIB": 1 << 20,
	"GIB": 1 << 30,
}

// sizePattern splits a size into its number and its unit.
var sizePattern = regexp.MustCompile(`^([0-9]+)\s*([A-Za-z]*)$`)

func (b *byteSize) describeSetting() string {
	return "a size such as 64MiB, 100MB or 1048576 (bytes)"
}

// UnmarshalYAML reads a whole number of bytes or a size with a unit.
func (b *byteSize) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.ScalarNode {
		return errors.New("not a scalar")
	}

	size, err := parseByteSize(node.Value)
	if err != nil {
		return err
	}
	*b = byteSize(size)

	return nil
}

// parseByteSize parses a size such as "64MiB" into bytes.
func parseByteSize(text string) (int64, error) {
	m := sizePattern.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return 0, fmt.Errorf("invalid size %q", text)
	}

	unit, ok := byteUnits[strings.ToUpper(m[2])]
	if !ok {
		return 0, fmt.Errorf("unknown unit %q", m[2])
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n > math.MaxInt64/unit {
		return 0, fmt.Errorf("size %q is too large", text)
	}

	return n * unit, nil
}

// envNamePattern matches the environment variable names a setting may
// name: a letter or underscore, then letters, digits or underscores.
var envNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkEnvName returns a problem message for an invalid environment
// variable name, or "".
func checkEnvName(name string) string {
	if !envNamePattern.MatchString(name) {
		return fmt.Sprintf("invalid environment variable name %q: want letters, digits and underscores, not starting with a digit", name)
	}

	return ""
}

// noPath returns a problem when a sink that writes no file has a path key.
func noPath(spec Spec, what string) error {
	if spec.Path == "" {
		return nil
	}

	return spec.settingError("path", "sink %q writes to %s and takes no path: remove the key", spec.Type, what)
}

// nodeError returns an ErrInvalidSetting error about the value node at the
// key path key inside the sink entry.
func (s Spec) nodeError(node *yaml.Node, key, format string, args ...any) *SpecError {
	line := s.Line
	if node != nil && node.Line > 0 {
		line = node.Line
	}

	return &SpecError{Line: line, Key: s.keyPath(key), Message: fmt.Sprintf(format, args...), Err: ErrInvalidSetting}
}
