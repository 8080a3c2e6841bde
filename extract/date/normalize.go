package date

import (
	"strings"
	"unicode/utf8"
)

// normalized is text with full-width digits and punctuation and the wider
// spaces replaced by ASCII, plus the map back to byte offsets in the
// original.
type normalized struct {
	s    string
	orig string
	// offsets[i] is the byte offset in orig of byte i of s, with len(s)+1
	// entries. It is nil when s == orig.
	offsets []int
}

// originalSpan returns the bytes of the original text for s[start:end] and
// the offset they start at.
func (n normalized) originalSpan(start, end int) (string, int) {
	if n.offsets == nil {
		return n.orig[start:end], start
	}
	return n.orig[n.offsets[start]:n.offsets[end]], n.offsets[start]
}

// needsNormalizing reports whether text may contain a rune asciiFor maps.
func needsNormalizing(text string) bool {
	// "\xef\xbc" starts U+FF00 to U+FF3F, the block of the full-width digits
	// and punctuation.
	return strings.Contains(text, "\xef\xbc") ||
		strings.Contains(text, "\u3000") ||
		strings.Contains(text, "\u00a0") ||
		strings.Contains(text, "\u2009") ||
		strings.Contains(text, "\u202f")
}

// asciiFor returns the ASCII byte a full-width digit, full-width date
// punctuation or a non-ASCII space stands for, or 0.
func asciiFor(r rune) byte {
	switch {
	case r >= '０' && r <= '９':
		return byte('0' + r - '０')
	}
	switch r {
	case '：':
		return ':'
	case '／':
		return '/'
	case '－':
		return '-'
	case '．':
		return '.'
	case '，':
		return ','
	case '（':
		return '('
	case '）':
		return ')'
	case '＋':
		return '+'
	case '\u3000', '\u00a0', '\u2009', '\u202f':
		return ' '
	}
	return 0
}

// normalize prepares text for the patterns. Text that needs no change is
// used as it is, without copying.
func normalize(text string) normalized {
	if !needsNormalizing(text) {
		return normalized{s: text, orig: text}
	}

	var b strings.Builder
	b.Grow(len(text))
	offsets := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if c := asciiFor(r); c != 0 {
			b.WriteByte(c)
			offsets = append(offsets, i)
			i += size
			continue
		}
		for k := 0; k < size; k++ {
			b.WriteByte(text[i+k])
			offsets = append(offsets, i+k)
		}
		i += size
	}
	offsets = append(offsets, len(text))

	return normalized{s: b.String(), orig: text, offsets: offsets}
}
