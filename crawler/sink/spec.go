package sink

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Spec describes one configured sink. The config package converts its own
// sink entries into Specs, so this package does not depend on it.
type Spec struct {
	// Type is the registry name of the sink, such as "jsonl".
	Type string

	// Path is the file the sink writes to. Each sink documents what an
	// empty path means.
	Path string

	// Node is the YAML mapping of the sink entry, including the type and
	// path keys. Sinks decode their own extra keys from it. A nil Node means
	// no extra settings.
	Node *yaml.Node

	// Line is the 1-based YAML line of the entry, or 0 when unknown.
	Line int

	// KeyPath locates the entry in the configuration, such as "sinks[0]".
	KeyPath string
}

// Sentinel errors wrapped by SpecError.
var (
	// ErrUnknownType marks a sink type that is not registered.
	ErrUnknownType = errors.New("unknown sink type")

	// ErrUnknownKey marks a setting key the sink does not define.
	ErrUnknownKey = errors.New("unknown sink key")

	// ErrInvalidSetting marks a missing or bad setting value.
	ErrInvalidSetting = errors.New("invalid sink setting")
)

// SpecError is a problem in a sink's configuration. Its message starts with
// the YAML line and the key path so that users can find the bad entry.
type SpecError struct {
	// Line is the 1-based YAML line, or 0 when unknown.
	Line int

	// Key is the key path of the bad value, such as "sinks[0].path".
	Key string

	// Message describes the problem and quotes the bad value.
	Message string

	// Err is ErrUnknownType, ErrUnknownKey or ErrInvalidSetting.
	Err error
}

// Error formats the error as "line N: key: message", leaving out the parts
// that are unknown.
func (e *SpecError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Message)

	return b.String()
}

// Unwrap returns the sentinel error of e.
func (e *SpecError) Unwrap() error { return e.Err }

// specKeys are the keys the caller has already read into Spec.Type and
// Spec.Path.
var specKeys = []string{"type", "path"}

// commonKeys are the keys every sink entry may have besides its own: the
// spec keys and the delivery settings (see deliverySettings).
var commonKeys = append(append([]string(nil), specKeys...), deliveryKeys...)

// keyPath returns the key path of key inside the sink entry.
func (s Spec) keyPath(key string) string {
	if s.KeyPath == "" {
		return key
	}

	return s.KeyPath + "." + key
}

// mapping returns the mapping node of the entry, or nil when the entry has no
// node.
func (s Spec) mapping() *yaml.Node {
	node := s.Node
	if node != nil && node.Kind == yaml.DocumentNode && len(node.Content) == 1 {
		node = node.Content[0]
	}

	return node
}

// keyLine returns the line of the value of key in the entry, falling back to
// the line of the entry itself.
func (s Spec) keyLine(key string) int {
	node := s.mapping()
	if node == nil || node.Kind != yaml.MappingNode {
		return s.Line
	}

	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == key {
			return node.Content[i+1].Line
		}
	}

	return s.Line
}

// settingError returns an ErrInvalidSetting error for key.
func (s Spec) settingError(key, format string, args ...any) *SpecError {
	return &SpecError{
		Line:    s.keyLine(key),
		Key:     s.keyPath(key),
		Message: fmt.Sprintf(format, args...),
		Err:     ErrInvalidSetting,
	}
}

// settingField is one key of a sink's settings struct.
type settingField struct {
	key   string
	index int
}

// settingFields lists the yaml keys of the struct settings points to, in
// field order.
func settingFields(settings any) []settingField {
	structType := reflect.TypeOf(settings).Elem()

	var fields []settingField
	for i := range structType.NumField() {
		key, _, _ := strings.Cut(structType.Field(i).Tag.Get("yaml"), ",")
		if key == "" || key == "-" {
			continue
		}
		fields = append(fields, settingField{key: key, index: i})
	}

	return fields
}

// decodeSettings fills settings, a pointer to a struct with yaml tags, from
// the sink entry of spec. It skips the common keys and rejects every key the
// struct does not name. All problems are returned together, joined.
func decodeSettings(spec Spec, settings any) error {
	return decodeKeys(spec, settings, true)
}

// decodeKeys fills settings as decodeSettings does. With strict false it
// decodes only the keys the struct names and ignores the others, for the
// delivery settings that every entry may have.
func decodeKeys(spec Spec, settings any, strict bool) error {
	node := spec.mapping()
	if node == nil {
		return nil
	}
	if node.Kind != yaml.MappingNode {
		if !strict {
			return nil // the sink's own decoding reports it
		}
		return &SpecError{
			Line:    node.Line,
			Key:     spec.KeyPath,
			Message: fmt.Sprintf("sink %q must be a mapping of settings", spec.Type),
			Err:     ErrInvalidSetting,
		}
	}

	fields := settingFields(settings)
	known := append([]string(nil), specKeys...)
	for _, f := range fields {
		known = append(known, f.key)
	}
	known = append(known, deliveryKeys...)
	target := reflect.ValueOf(settings).Elem()

	var errs []error
	for i := 0; i+1 < len(node.Content); i += 2 {
		keyNode, valueNode := node.Content[i], node.Content[i+1]
		at := slices.IndexFunc(fields, func(f settingField) bool { return f.key == keyNode.Value })
		if at < 0 && (!strict || slices.Contains(commonKeys, keyNode.Value)) {
			continue
		}
		if at < 0 {
			errs = append(errs, &SpecError{
				Line:    keyNode.Line,
				Key:     spec.keyPath(keyNode.Value),
				Message: fmt.Sprintf("unknown key for sink %q (known: %s)", spec.Type, strings.Join(known, ", ")),
				Err:     ErrUnknownKey,
			})
			continue
		}

		field := target.Field(fields[at].index)
		if err := valueNode.Decode(field.Addr().Interface()); err != nil {
			errs = append(errs, &SpecError{
				Line:    valueNode.Line,
				Key:     spec.keyPath(keyNode.Value),
				Message: fmt.Sprintf("invalid value %s: want %s", describeValue(valueNode), describeType(field.Type())),
				Err:     ErrInvalidSetting,
			})
		}
	}

	return errors.Join(errs...)
}

// describeValue quotes a scalar value, or names the kind of any other node,
// for error messages.
func describeValue(node *yaml.Node) string {
	switch node.Kind {
	case yaml.ScalarNode:
		return strconv.Quote(node.Value)
	case yaml.SequenceNode:
		return "(a list)"
	case yaml.MappingNode:
		return "(a mapping)"
	default:
		return "(an alias)"
	}
}

// describedSetting is implemented by setting types that decode themselves,
// such as byteSize, to say what they accept in error messages.
type describedSetting interface {
	describeSetting() string
}

// describeType names what a setting of type t accepts, for error messages.
func describeType(t reflect.Type) string {
	if t == reflect.TypeFor[time.Duration]() {
		return "a duration such as 5s"
	}
	if d, ok := reflect.New(t).Interface().(describedSetting); ok {
		return d.describeSetting()
	}

	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	default:
		return t.String()
	}
}

// hasKey reports whether the sink entry has key.
func (s Spec) hasKey(key string) bool {
	node := s.mapping()
	if node == nil || node.Kind != yaml.MappingNode {
		return false
	}

	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value == key {
			return true
		}
	}

	return false
}
