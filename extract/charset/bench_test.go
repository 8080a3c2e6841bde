package charset

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// benchPage returns a page of about 100 KB: markup and script in ASCII with
// Chinese paragraphs.
func benchPage(head string) string {
	var b strings.Builder
	b.WriteString("<html><head>" + head + "<script>" + strings.Repeat("var a = 1;\n", 500) + "</script></head><body>")
	for b.Len() < 100<<10 {
		b.WriteString("<p>" + simplifiedText + "</p>\n")
	}
	b.WriteString("</body></html>")
	return b.String()
}

func BenchmarkDecodeUTF8(b *testing.B) {
	raw := []byte(benchPage(`<meta charset="utf-8">`))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(raw, "text/html; charset=utf-8"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeGBKDeclared(b *testing.B) {
	raw := encode(b, simplifiedchinese.GBK, benchPage(`<meta charset="gbk">`))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(raw, ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeGBKSniffed(b *testing.B) {
	raw := encode(b, simplifiedchinese.GBK, benchPage(""))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Decode(raw, ""); err != nil {
			b.Fatal(err)
		}
	}
}
