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
	// alts are the top-level alternatives, each checked on its own, so a
	// string that contains one literal runs one small expression instead
	// of the whole alternation. nil when some alternative has no literal.
	alts []classAlt
}

// classAlt is one top-level alternative of a classPattern.
type classAlt struct {
	literals []string
	re       *regexp.Regexp // nil when the alternative is its literal
}

// mustClassPattern compiles pattern and derives its literals. The
// pattern's top-level alternatives are parsed one by one, because the
// parser factors common prefixes out of an alternation ("share|social"
// becomes "s(?:hare|ocial)"), which would leave only "s" to look for.
func mustClassPattern(pattern string) *classPattern {
	cp := &classPattern{re: regexp.MustCompile(pattern)}
	var literals []string
	var alts []classAlt
	for _, alt := range splitAlternatives(pattern) {
		parsed, err := syntax.Parse(alt, syntax.Perl)
		if err != nil {
			return cp
		}
		simple := parsed.Simplify()
		set := literalSet(simple)
		if set == nil {
			cp.literals = wholeLiterals(pattern)
			return cp
		}
		literals = append(literals, set...)
		a := classAlt{literals: set}
		if simple.Op != syntax.OpLiteral || simple.Flags&syntax.FoldCase != 0 {
			a.re = regexp.MustCompile(alt)
		}
		alts = append(alts, a)
	}
	cp.literals = literals
	cp.alts = alts
	return cp
}

// wholeLiterals derives the pre-check literals from the parsed pattern as
// a whole, which also covers alternations inside groups.
func wholeLiterals(pattern string) []string {
	parsed, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil
	}
	return literalSet(parsed.Simplify())
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
	set := literalSet(re)
	if len(set) != 1 {
		return ""
	}
	return set[0]
}

// literalSet returns literals one of which every match of re contains, or
// nil when no such set is known. For a concatenation it takes the part
// whose set has the longest shortest literal, because longer literals
// reject more strings.
func literalSet(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return literalSet(re.Sub[0])
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			set := literalSet(sub)
			if set == nil {
				return nil
			}
			out = append(out, set...)
		}
		return out
	case syntax.OpConcat:
		var best []string
		bestMin := 0
		for _, sub := range re.Sub {
			set := literalSet(sub)
			if set == nil {
				continue
			}
			shortest := len(set[0])
			for _, lit := range set {
				shortest = min(shortest, len(lit))
			}
			if shortest > bestMin {
				best, bestMin = set, shortest
			}
		}
		return best
	}
	return nil
}

// textPattern is a case-insensitive pattern over text lines: the pattern
// and the input are lowercased, so the literal pre-check of classPattern
// applies.
type textPattern struct {
	cp *classPattern
}

// mustTextPattern compiles a pattern written in lower case (with or
// without a leading "(?i)").
func mustTextPattern(pattern string) *textPattern {
	return &textPattern{cp: mustClassPattern(strings.ToLower(strings.TrimPrefix(pattern, "(?i)")))}
}

// MatchString reports whether the pattern matches s, ignoring case.
func (tp *textPattern) MatchString(s string) bool {
	return tp.cp.MatchString(strings.ToLower(s))
}

// MatchString reports whether the pattern matches s.
func (cp *classPattern) MatchString(s string) bool {
	if cp.alts != nil {
		for _, a := range cp.alts {
			for _, lit := range a.literals {
				if !strings.Contains(s, lit) {
					continue
				}
				if a.re == nil || a.re.MatchString(s) {
					return true
				}
				break
			}
		}
		return false
	}
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
