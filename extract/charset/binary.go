package charset

import (
	"bytes"
	"fmt"
)

// signatures are magic numbers of formats that are never pages.
var signatures = []struct {
	prefix string
	name   string
}{
	{"\x89PNG\r\n\x1a\n", "PNG image"},
	{"\xff\xd8\xff", "JPEG image"},
	{"GIF87a", "GIF image"},
	{"GIF89a", "GIF image"},
	{"%PDF-", "PDF document"},
	{"PK\x03\x04", "ZIP archive"},
	{"PK\x05\x06", "ZIP archive"},
	{"\x1f\x8b", "gzip stream"},
	{"\x28\xb5\x2f\xfd", "zstd stream"},
	{"\xfd7zXZ\x00", "xz stream"},
	{"7z\xbc\xaf\x27\x1c", "7z archive"},
	{"\x7fELF", "ELF executable"},
	{"wOFF", "WOFF font"},
	{"wOF2", "WOFF2 font"},
	{"\x1a\x45\xdf\xa3", "Matroska or WebM video"},
}

// maxControlShare is the share of control bytes, in percent, above which
// the input is taken for binary.
const maxControlShare = 30

// checkBinary returns ErrBinary, wrapped with what was detected, when page
// starts with the signature of a binary format or has too many control
// bytes in its first 8 KB.
func checkBinary(page []byte) error {
	for _, sig := range signatures {
		if bytes.HasPrefix(page, []byte(sig.prefix)) {
			return fmt.Errorf("%w: %s signature", ErrBinary, sig.name)
		}
	}
	if len(page) >= 12 && bytes.Equal(page[:4], []byte("RIFF")) && bytes.Equal(page[8:12], []byte("WEBP")) {
		return fmt.Errorf("%w: WebP image signature", ErrBinary)
	}
	if len(page) >= 12 && bytes.Equal(page[4:8], []byte("ftyp")) {
		return fmt.Errorf("%w: MP4 video signature", ErrBinary)
	}

	head := page[:min(len(page), 8<<10)]
	controls := 0
	for _, b := range head {
		if isControl(b) {
			controls++
		}
	}
	if len(head) > 0 && controls*100 > len(head)*maxControlShare {
		return fmt.Errorf("%w: %d of the first %d bytes are control bytes", ErrBinary, controls, len(head))
	}
	return nil
}

// isControl reports whether b is a control byte that text does not use.
// Tab, line feed, form feed, carriage return and escape (used by
// ISO-2022-JP) are text.
func isControl(b byte) bool {
	switch b {
	case '\t', '\n', '\f', '\r', 0x1b:
		return false
	}
	return b < 0x20 || b == 0x7f
}
