package charset

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// utf8Stats counts how the bytes of a page read as UTF-8.
type utf8Stats struct {
	// valid is true when the whole page is valid UTF-8.
	valid bool
	// multibyte is the number of valid sequences of two to four bytes. For
	// a page that is valid UTF-8 throughout it is 1 when there is any, to
	// save counting.
	multibyte int
	// invalid is the number of bytes that start no valid sequence.
	invalid int
}

func countUTF8(page []byte) utf8Stats {
	var stats utf8Stats
	if utf8.Valid(page) {
		stats.valid = true
		for _, b := range page {
			if b >= utf8.RuneSelf {
				stats.multibyte = 1
				break
			}
		}
		return stats
	}

	for i := 0; i < len(page); {
		if page[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(page[i:])
		if r == utf8.RuneError && size == 1 {
			stats.invalid++
		} else {
			stats.multibyte++
		}
		i += size
	}
	return stats
}

// mostlyUTF8 reports whether the page is UTF-8, allowing one broken
// sequence per ten good ones. Legacy CJK bytes form valid UTF-8 sequences
// by chance far less often than that.
func (s utf8Stats) mostlyUTF8() bool {
	return s.invalid == 0 || s.multibyte >= 10*s.invalid
}

// isISO2022JP reports whether a 7-bit page switches to JIS X 0208 with the
// escape sequences of ISO-2022-JP.
func isISO2022JP(page []byte) bool {
	if !bytes.Contains(page, []byte("\x1b$B")) && !bytes.Contains(page, []byte("\x1b$@")) {
		return false
	}
	for _, b := range page {
		if b >= 0x80 {
			return false
		}
	}
	return true
}

// script is the writing system a candidate encoding is scored for.
type script int

const (
	chinese script = iota
	japaneseScript
	koreanScript
	latin
)

// candidate is an encoding the sniffer tries.
type candidate struct {
	name   string
	enc    encoding.Encoding
	script script
}

// candidates are tried in this order, and the first wins a tie.
var candidates = []candidate{
	{"gbk", simplifiedchinese.GB18030, chinese},
	{"big5", traditionalchinese.Big5, chinese},
	{"shift_jis", japanese.ShiftJIS, japaneseScript},
	{"euc-jp", japanese.EUCJP, japaneseScript},
	{"euc-kr", korean.EUCKR, koreanScript},
	{"windows-1252", charmap.Windows1252, latin},
}

const (
	// sampleLimit bounds the bytes of a page that are scored.
	sampleLimit = 32 << 10

	// minRunes is the number of non-ASCII characters below which a
	// declaration is trusted without scoring: a few characters prove
	// nothing.
	minRunes = 20
)

// sniff picks the candidate whose decoding of page looks most like real
// text. windows-1252 is the fallback when no candidate scores above zero.
func sniff(page []byte) (encoding.Encoding, string) {
	best := bestCandidate(scoreAll(sample(page)))
	if best.value <= 0 {
		return charmap.Windows1252, "windows-1252"
	}
	return best.candidate.enc, best.candidate.name
}

// checkDeclared returns the declared encoding unless the bytes clearly read
// better in another one. Two cases are common: a page labelled windows-1252
// or iso-8859-1 (a usual server default) that is really GBK, and a CJK label
// whose decoding gives rare characters and errors where another gives
// frequent ones.
func checkDeclared(page []byte, enc encoding.Encoding, name string) (encoding.Encoding, string) {
	declaredName := name
	if declaredName == "gb18030" {
		declaredName = "gbk"
	}

	s := sample(page)
	var declared score
	found := false
	for _, c := range candidates {
		if c.name == declaredName {
			declared, found = scoreCandidate(c, s), true
		}
	}
	if !found || declared.runes < minRunes {
		return enc, name
	}

	// A good score for the declared encoding cannot be beaten by the
	// margins below, so the other candidates are scored only when it is
	// poor.
	latinDeclared := declared.candidate.script == latin
	if (latinDeclared && declared.value > 0.8) || (!latinDeclared && declared.value >= 0.2) {
		return enc, name
	}

	best := bestCandidate(scoreAll(s))
	switch {
	case best.candidate.name == declaredName:
		return enc, name
	case latinDeclared:
		if best.value >= 0.3 && best.value >= declared.value+0.2 {
			return best.candidate.enc, best.candidate.name
		}
	default:
		if best.value >= declared.value+0.3 {
			return best.candidate.enc, best.candidate.name
		}
	}
	return enc, name
}

// sample collects the non-ASCII runs of page with one byte of context on
// each side, one run per line, up to sampleLimit bytes. In GBK, Big5 and
// Shift_JIS a trail byte may be ASCII, and GB18030 four-byte sequences hold
// ASCII digits, so a run goes on over a single ASCII byte between non-ASCII
// ones and keeps the byte after it.
func sample(page []byte) []byte {
	var out []byte
	for i := 0; i < len(page) && len(out) < sampleLimit; {
		if page[i] < utf8.RuneSelf {
			i++
			continue
		}

		start := max(i-1, 0)
		end := i
		for end < len(page) {
			if page[end] >= utf8.RuneSelf || (end+1 < len(page) && page[end+1] >= utf8.RuneSelf) {
				end++
				continue
			}
			break
		}
		out = append(out, page[start:min(end+1, len(page))]...)
		out = append(out, '\n')
		i = end
	}
	return out
}

// score is the rating of one candidate's decoding of a sample.
type score struct {
	candidate candidate
	// runes is the number of non-ASCII characters decoded.
	runes int
	// value is (hits - 3*errors) / runes: near 1 for text in the right
	// encoding, near 0 or below for a wrong one.
	value float64
}

func scoreAll(s []byte) []score {
	scores := make([]score, len(candidates))
	for i, c := range candidates {
		scores[i] = scoreCandidate(c, s)
	}
	return scores
}

// bestCandidate returns the highest score, the earliest candidate on a tie.
func bestCandidate(scores []score) score {
	best := scores[0]
	for _, s := range scores[1:] {
		if s.value > best.value {
			best = s
		}
	}
	return best
}

func scoreCandidate(c candidate, s []byte) score {
	decoded, err := c.enc.NewDecoder().Bytes(s)
	if err != nil {
		return score{candidate: c}
	}
	text := string(decoded)

	var runes, hits, errors int
	if c.script == latin {
		runes, hits, errors = countLatin(text)
	} else {
		runes, hits, errors = countCJK(text, c.script)
	}
	if runes == 0 {
		return score{candidate: c}
	}
	return score{candidate: c, runes: runes, value: float64(hits-3*errors) / float64(runes)}
}

// countCJK counts the non-ASCII characters of text, those frequent in the
// candidate's script, and those that only a wrong decoding gives: U+FFFD,
// private-use characters and C1 controls.
func countCJK(text string, sc script) (runes, hits, errors int) {
	for _, r := range text {
		if r < utf8.RuneSelf {
			continue
		}
		runes++

		switch {
		case isDecodingError(r):
			errors++
		case isCJKPunctuation(r), hanFrequent.contains(r):
			hits++
		case sc == japaneseScript && r >= 0x3041 && r <= 0x30FF:
			hits++ // hiragana and katakana
		case sc == koreanScript && hangulFrequent.contains(r):
			hits++
		}
	}
	return runes, hits, errors
}

// countLatin scores a windows-1252 decoding. Accented letters and
// typographic punctuation come alone or in pairs next to ASCII letters or
// spaces. CJK bytes read as windows-1252 give long runs of them instead,
// which count for nothing.
func countLatin(text string) (runes, hits, errors int) {
	var run []rune
	before := byte(' ')

	flush := func(after byte) {
		if len(run) == 0 {
			return
		}
		touchesWord := isASCIILetter(before) || isASCIILetter(after)
		for _, r := range run {
			runes++
			switch {
			case isDecodingError(r):
				errors++
			case len(run) <= 2 && (touchesWord || isLatinPunctuation(r)):
				hits++
			}
		}
		run = run[:0]
	}

	for _, r := range text {
		if r >= utf8.RuneSelf {
			run = append(run, r)
			continue
		}
		flush(byte(r))
		before = byte(r)
	}
	flush(' ')
	return runes, hits, errors
}

func isDecodingError(r rune) bool {
	return r == utf8.RuneError || (r >= 0xE000 && r <= 0xF8FF) || (r >= 0x80 && r <= 0x9F)
}

// isCJKPunctuation reports whether r is punctuation common in CJK text:
// ideographic comma and full stop, corner and lenticular brackets,
// full-width punctuation, curly quotes, dashes, ellipsis and middle dot.
func isCJKPunctuation(r rune) bool {
	switch r {
	case '、', '。', '「', '」', '『', '』', '【', '】', '《', '》', '〈', '〉',
		'！', '（', '）', '，', '：', '；', '？', '“', '”', '‘', '’', '—', '…', '·', '・':
		return true
	}
	return false
}

func isLatinPunctuation(r rune) bool {
	switch r {
	case '‘', '’', '“', '”', '–', '—', '…', '•', '©', '®', '°', '«', '»', '€', '£', '\u00a0':
		return true
	}
	return false
}

func isASCIILetter(b byte) bool {
	return (b|0x20) >= 'a' && (b|0x20) <= 'z'
}
