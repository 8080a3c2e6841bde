package charset

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

func FuzzDecode(f *testing.F) {
	f.Add([]byte(page(`<meta charset="gbk">`, simplifiedText)), "")
	f.Add(encode(f, simplifiedchinese.GBK, page(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312"">`, simplifiedText)), "")
	f.Add(encode(f, traditionalchinese.Big5, page("", traditionalText)), "text/html; charset=big5")
	f.Add(encode(f, japanese.ShiftJIS, page("", japaneseText)), "text/html; charset=utf-8")
	f.Add([]byte("\xff\xfe<\x00p\x00>\x00"), "")
	f.Add([]byte("\xef\xbb\xbf<p>\x00\xff</p>"), "text/html charset=gbk")
	f.Add([]byte("\x89PNG\r\n\x1a\n"), "")
	f.Add([]byte(`<?xml version="1.0" encoding="euc-kr"?><p>`), "")

	f.Fuzz(func(t *testing.T, raw []byte, contentType string) {
		text, name, err := Decode(raw, contentType)

		if err != nil {
			if !errors.Is(err, ErrBinary) {
				t.Fatalf("error %v is not ErrBinary", err)
			}
			return
		}
		if !utf8.ValidString(text) {
			t.Fatalf("text is not valid UTF-8: %q", text)
		}
		if strings.IndexByte(text, 0) >= 0 {
			t.Fatalf("text contains NUL: %q", text)
		}
		if strings.HasPrefix(text, "\ufeff") {
			t.Fatalf("text starts with a byte order mark: %q", text)
		}
		if name == "" {
			t.Fatal("no charset name")
		}
	})
}
