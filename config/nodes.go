package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// maxQuoted is how many characters of a value a message quotes before it
// cuts the value short, so that one huge value cannot flood the error.
const maxQuoted = 100

// pair is one key and its value in a YAML mapping.
type pair struct {
	name  string
	key   *yaml.Node
	value *yaml.Node
}

// resolve follows an alias (*name) to the node its anchor (&name) marks.
// The parser rejects aliases to unknown anchors, so Alias is set in parsed
// nodes. The nil check guards nodes built in code.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// quote puts s in double quotes for a message, cut to maxQuoted characters.
// It escapes s as a Go string only when s contains a double quote, a
// character that does not print or invalid UTF-8, so that a pattern such as
// /a/\d+ appears as the file spells it.
func quote(s string) string {
	escape := !utf8.ValidString(s) || strings.ContainsRune(s, '"') || strings.IndexFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) >= 0

	suffix := ""
	if utf8.RuneCountInString(s) > maxQuoted {
		s = string([]rune(s)[:maxQuoted])
		suffix = "..."
	}

	if escape {
		return strconv.Quote(s) + suffix
	}
	return `"` + s + `"` + suffix
}

// shorten cuts s to maxQuoted characters for a message, without quoting it.
func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxQuoted {
		return s
	}

	runes := []rune(s)
	return string(runes[:maxQuoted]) + "..."
}

// describe names the kind and value of a node for messages such as
// `must be a string, got integer 8080`.
func describe(n *yaml.Node) string {
	n = resolve(n)
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return describeScalar(n)
	default:
		return "an unexpected YAML node"
	}
}

func describeScalar(n *yaml.Node) string {
	switch n.ShortTag() {
	case "!!str":
		return "string " + quote(n.Value)
	case "!!int":
		return "integer " + shorten(n.Value)
	case "!!float":
		return "number " + shorten(n.Value)
	case "!!bool":
		return "boolean " + n.Value
	case "!!null":
		return "an empty value"
	case "!!timestamp":
		return "timestamp " + shorten(n.Value)
	default:
		return fmt.Sprintf("value %s tagged %s", quote(n.Value), n.Tag)
	}
}

// pairs lists the entries of mapping m in file order. A key that is not a
// scalar, and every repeat of a key, is reported through report and left out.
func pairs(m *yaml.Node, prefix string, report func(Problem)) []pair {
	var out []pair
	firstLine := make(map[string]int)
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, value := m.Content[i], m.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			report(Problem{Line: key.Line, Path: prefix, Message: fmt.Sprintf("keys must be plain names, got %s", describe(key))})
			continue
		}

		path := joinPath(prefix, key.Value)
		if line, seen := firstLine[key.Value]; seen {
			report(Problem{Line: key.Line, Path: path, Message: fmt.Sprintf("duplicate key (first set on line %d)", line)})
			continue
		}

		firstLine[key.Value] = key.Line
		out = append(out, pair{name: key.Value, key: key, value: value})
	}
	return out
}

// joinPath appends a key or an index ("[2]") to a key path.
func joinPath(base, rel string) string {
	switch {
	case base == "":
		return rel
	case rel == "":
		return base
	case strings.HasPrefix(rel, "["):
		return base + rel
	default:
		return base + "." + rel
	}
}

func indexPath(base string, i int) string {
	return fmt.Sprintf("%s[%d]", base, i)
}

// unknownKeyMessage explains an unknown key, suggesting the closest known
// key when it is only a typo away and listing the known keys otherwise.
func unknownKeyMessage(name string, known []string) string {
	if name == "<<" {
		return "merge keys (<<) are not supported: write the keys out"
	}

	if best, ok := closest(name, known); ok {
		return fmt.Sprintf("unknown key (did you mean %q?)", best)
	}

	sorted := append([]string(nil), known...)
	sort.Strings(sorted)
	return fmt.Sprintf("unknown key (known keys: %s)", strings.Join(sorted, ", "))
}

// closest returns the candidate nearest to name by edit distance, ignoring
// case, when the distance is small for the name's length.
func closest(name string, candidates []string) (string, bool) {
	limit := 1
	switch n := utf8.RuneCountInString(name); {
	case n > 40:
		// Keys are shorter than this, so skip the quadratic distance.
		return "", false
	case n >= 10:
		limit = 3
	case n >= 5:
		limit = 2
	}

	best, bestDistance := "", limit+1
	for _, c := range candidates {
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		if d < bestDistance {
			best, bestDistance = c, d
		}
	}
	return best, best != ""
}

// editDistance counts the insertions, deletions, substitutions and swaps of
// neighbouring characters that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	rows := make([][]int, len(ra)+1)
	for i := range rows {
		rows[i] = make([]int, len(rb)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}

	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}

			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(ra)][len(rb)]
}
