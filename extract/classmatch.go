package extract

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// classPattern is a regular expression over lowercased class strings with
// a cheap pre-check: the literals that every match must contain. Most
// class strings contain none of them, and strings.Contains is far cheaper
// than running the regular expression.
type classPattern struct {
	re       *regexp.Regexp
	literals []string // nil: no pre-check possible
}

// mustClassPattern compiles pattern and derives its literals. The
// pattern's top-level alternatives are parsed one by one, because the
// parser factors common prefixes out of an alternation ("share|social"
// becomes "s(?:hare|ocial)"), which would leave only "s" to look for.
func mustClassPattern(pattern string) *classPattern {
	cp := &classPattern{re: regexp.MustCompile(pattern)}
	var literals []string
	for _, alt := range splitAlternatives(pattern) {
		parsed, err := syntax.Parse(alt, syntax.Perl)
		if err != nil {
			return cp
		}
		lit := longestLiteral(parsed.Simplify())
		if lit == "" {
			return cp
		}
		literals = append(literals, lit)
	}
	cp.literals = literals
	return cp
}

// splitAlternatives splits a pattern at its top-level "|" signs, outside
// groups, character classes and escapes.
func splitAlternatives(pattern string) []string {
	var out []string
	depth, inClass, start := 0, false, 0
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case c == '\\':
			i++
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '|' && depth == 0:
			out = append(out, pattern[start:i])
			start = i + 1
		}
	}
	return append(out, pattern[start:])
}

// longestLiteral returns the longest literal that any match of re must
// contain, or "" when there is none.
func longestLiteral(re *syntax.Regexp) string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return ""
		}
		return string(re.Rune)
	case syntax.OpCapture:
		return longestLiteral(re.Sub[0])
	case syntax.OpConcat:
		best := ""
		for _, sub := range re.Sub {
			if lit := longestLiteral(sub); len(lit) > len(best) {
				best = lit
			}
		}
		return best
	case syntax.OpPlus:
		return longestLiteral(re.Sub[0])
	}
	return ""
}

// MatchString reports whether the pattern matches s.
func (cp *classPattern) MatchString(s string) bool {
	if cp.literals != nil {
		found := false
		for _, lit := range cp.literals {
			if strings.Contains(s, lit) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return cp.re.MatchString(s)
}
