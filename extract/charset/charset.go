// Package charset turns page bytes in any common encoding into UTF-8 text.
//
// Decode weighs the evidence in this order: a byte order mark, the charset
// of the HTTP Content-Type header, <meta> declarations and an XML
// declaration near the top of the page, and last the bytes themselves. A
// declaration that the bytes contradict loses to the bytes: a page labelled
// gb2312 whose bytes are valid UTF-8 is read as UTF-8, because pages
// re-saved as UTF-8 often keep their old meta tag.
//
// Names follow the WHATWG Encoding Standard: labels gb2312 and gbk read as
// "gbk", iso-8859-1 and ascii as "windows-1252". GB2312 and GBK pages are
// decoded with the GB18030 decoder, a superset, because pages labelled
// gb2312 often use GBK-only characters. The package parses no HTML beyond
// finding those declarations.
package charset

import (
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// ErrBinary is returned, wrapped with what was detected, when the input is
// clearly not text: an image, archive or PDF signature at the start, or
// more than 30% control bytes.
var ErrBinary = errors.New("binary content, not text")

// Decode returns page as valid UTF-8 text and the name of the charset it was
// read with ("utf-8", "gbk", "gb18030", "big5", "shift_jis", "euc-jp",
// "euc-kr", "windows-1252", ...). contentType is the HTTP Content-Type
// header value, or "" for a page read from a file.
//
// The text never holds NUL bytes or a leading byte order mark, and invalid
// sequences become U+FFFD. The only error is ErrBinary, wrapped.
func Decode(page []byte, contentType string) (text string, name string, err error) {
	if enc, name, size := byteOrderMark(page); name != "" {
		return decodeWith(enc, name, page[size:])
	}

	if enc, name := sniffUTF16(page); enc != nil {
		return decodeWith(enc, name, page)
	}
	if err := checkBinary(page); err != nil {
		return "", "", err
	}

	stats := countUTF8(page)
	for _, label := range declaredLabels(page, contentType) {
		enc, name, ok := lookup(label)
		if !ok {
			continue
		}

		if name == "utf-8" {
			if stats.mostlyUTF8() {
				return decodeUTF8(page, stats.valid), "utf-8", nil
			}
			continue // the bytes contradict the declaration
		}
		if stats.mostlyUTF8() && stats.multibyte > 0 {
			return decodeUTF8(page, stats.valid), "utf-8", nil
		}

		enc, name = checkDeclared(page, enc, name)
		return decodeWith(enc, name, page)
	}

	if isISO2022JP(page) {
		return decodeWith(iso2022JP, "iso-2022-jp", page)
	}
	if stats.mostlyUTF8() {
		return decodeUTF8(page, stats.valid), "utf-8", nil
	}
	enc, name := sniff(page)
	return decodeWith(enc, name, page)
}

// decodeWith decodes page with enc and cleans the result. A GB-family page
// is reported as "gb18030" when it uses four-byte sequences.
func decodeWith(enc encoding.Encoding, name string, page []byte) (string, string, error) {
	if name == "utf-8" {
		return decodeUTF8(page, false), name, nil
	}
	if enc == simplifiedchinese.GB18030 && name == "gbk" && hasFourByteGB(page) {
		name = "gb18030"
	}

	// NOTE: the x/text GB18030 decoder gives U+FFFD for the GBK
	// user-defined areas (rows AA-AF and F8-FE, A140-A7A0), which the
	// WHATWG index maps to private-use characters. Pages that use those
	// custom glyphs keep a U+FFFD in their place.
	out, err := enc.NewDecoder().Bytes(page)
	if err != nil {
		// The x/text decoders replace invalid input with U+FFFD rather
		// than fail. Should one fail anyway, the bytes are kept as UTF-8
		// with replacements, not dropped.
		return decodeUTF8(page, false), "utf-8", nil
	}
	return clean(string(out), false), name, nil
}

// decodeUTF8 returns page as UTF-8, replacing invalid sequences and
// dropping a byte order mark. valid is true when the caller already found
// page to be valid UTF-8.
func decodeUTF8(page []byte, valid bool) string {
	return clean(string(page), valid)
}

// clean drops NUL characters and a leading byte order mark and replaces
// invalid UTF-8. valid is true when s is known to be valid UTF-8.
func clean(s string, valid bool) string {
	s = strings.TrimPrefix(s, "\ufeff")
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if !valid && !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\ufffd")
	}
	return s
}

// byteOrderMark returns the encoding a byte order mark at the start of page
// names and the mark's length, or "" when there is none.
func byteOrderMark(page []byte) (encoding.Encoding, string, int) {
	switch {
	case len(page) >= 3 && page[0] == 0xEF && page[1] == 0xBB && page[2] == 0xBF:
		return nil, "utf-8", 3
	case len(page) >= 2 && page[0] == 0xFE && page[1] == 0xFF:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be", 2
	case len(page) >= 2 && page[0] == 0xFF && page[1] == 0xFE:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le", 2
	}
	return nil, "", 0
}

// sniffUTF16 recognises UTF-16 without a byte order mark by the zero bytes
// that ASCII characters leave in every other position.
func sniffUTF16(page []byte) (encoding.Encoding, string) {
	n := min(len(page), 1024) &^ 1
	pairs := n / 2
	if pairs < 8 {
		return nil, ""
	}

	evenZeros, oddZeros := 0, 0
	for i := 0; i < n; i += 2 {
		if page[i] == 0 {
			evenZeros++
		}
		if page[i+1] == 0 {
			oddZeros++
		}
	}

	switch {
	case oddZeros*10 >= pairs*4 && evenZeros*20 <= pairs:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "utf-16le"
	case evenZeros*10 >= pairs*4 && oddZeros*20 <= pairs:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "utf-16be"
	}
	return nil, ""
}

// hasFourByteGB reports whether a GB-family page uses GB18030 four-byte
// sequences (a lead byte followed by a digit byte).
func hasFourByteGB(page []byte) bool {
	for i := 0; i+1 < len(page); {
		b := page[i]
		if b < 0x80 {
			i++
			continue
		}
		if b >= 0x81 && b <= 0xFE && page[i+1] >= 0x30 && page[i+1] <= 0x39 {
			return true
		}
		i += 2
	}
	return false
}
