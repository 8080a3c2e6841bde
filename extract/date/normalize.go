package date

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalized is text with the decimal digits of every script, full-width
// punctuation and the wider spaces replaced by ASCII, plus the map back to
// byte offsets in the original.
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
	for i := 0; i < len(text); i++ {
		if blockFlagsAt(text, i) == 0 {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[i:])
		if asciiFor(r) != 0 {
			return true
		}
	}
	return false
}

// Flags of the 64-code-point blocks of the Basic Multilingual Plane.
const (
	// blockDigits: the block has decimal digits.
	blockDigits uint8 = 1 << iota
	// blockOther: the block has another rune asciiFor maps.
	blockOther
)

// bmpBlocks are the flags of each 64-code-point block of the BMP. They let
// the checks skip Han, kana and Hangul, which have no runes to map, without
// decoding them.
var bmpBlocks [0x10000 >> 6]uint8

// digitRanges are the ranges of Unicode decimal digits (category Nd) other
// than ASCII, in order. Each starts at a zero and contains whole runs of
// ten, so a digit's value is its distance from the start modulo ten. A test
// checks this on the Unicode tables of the Go release in use.
var digitRanges []unicode.Range32

func init() {
	for _, r := range unicode.Nd.R16 {
		if r.Lo > '9' {
			digitRanges = append(digitRanges, unicode.Range32{Lo: uint32(r.Lo), Hi: uint32(r.Hi), Stride: uint32(r.Stride)})
		}
	}
	digitRanges = append(digitRanges, unicode.Nd.R32...)

	for _, r := range digitRanges {
		for c := r.Lo; c <= r.Hi && c < 0x10000; c++ {
			bmpBlocks[c>>6] |= blockDigits
		}
	}
	for _, c := range []rune{'\u060c', '\u3000', '\u00a0', '\u2009', '\u202f', '：', '／', '－', '．', '，', '（', '）', '＋'} {
		bmpBlocks[c>>6] |= blockOther
	}
}

// blockFlagsAt returns the flags of the block of the rune that starts at
// byte i of text: 0 for ASCII and for bytes inside a rune, and blockDigits
// for every rune outside the BMP, which the caller must decode.
func blockFlagsAt(text string, i int) uint8 {
	b := text[i]
	switch {
	case b < 0xC2:
		return 0
	case b < 0xE0:
		return bmpBlocks[b&0x1F]
	case b < 0xF0:
		if i+1 >= len(text) {
			return 0
		}
		return bmpBlocks[int(b&0x0F)<<6|int(text[i+1]&0x3F)]
	}
	return blockDigits
}

// digitValue returns the value of a decimal digit of any script, or -1.
func digitValue(r rune) int {
	if r >= '0' && r <= '9' {
		return int(r - '0')
	}

	lo, hi := 0, len(digitRanges)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		switch {
		case r < rune(digitRanges[mid].Lo):
			hi = mid
		case r > rune(digitRanges[mid].Hi):
			lo = mid + 1
		default:
			return int(r-rune(digitRanges[mid].Lo)) % 10
		}
	}
	return -1
}

// asciiFor returns the ASCII byte a non-ASCII decimal digit, full-width date
// punctuation, the Arabic comma or a non-ASCII space stands for, or 0.
func asciiFor(r rune) byte {
	if r < utf8.RuneSelf {
		return 0
	}
	if d := digitValue(r); d >= 0 {
		return byte('0' + d)
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
	case '，', '\u060c':
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
