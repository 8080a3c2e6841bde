package charset

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// Paragraphs of news-like text in each language, written for these tests.
const (
	simplifiedText = "东岭市城市管理局发布通知，今年冬季集中供暖将于十一月十五日正式开始，较往年提前两天。" +
		"供热企业需在本月上旬完成管网注水和试运行，居民如发现暖气不热，可拨打市民服务热线反映。"
	traditionalText = "颱風外圍環流影響，北部山區今晚嚴防豪雨。氣象局表示，明天起東北季風增強，" +
		"北部及東北部地區氣溫將明顯下降，民眾出門請注意保暖並留意最新天氣資訊。"
	japaneseText = "東京都は二日、新しい交通計画を発表した。駅の周辺では自転車の利用が増えており、" +
		"市民の安全を守るための対策が求められている。担当者は「来年の春までに工事を終えたい」と話している。"
	koreanText = "서울시는 2일 새로운 교통 계획을 발표했다. 시민들의 안전을 위해 지하철역 주변의 자전거 도로를 " +
		"늘리고, 내년 봄까지 공사를 마칠 계획이라고 밝혔다."
	frenchText = "Le conseil municipal a adopté mercredi un nouveau plan de transport. Les élus ont voté " +
		"à l'unanimité pour prolonger la ligne de tramway jusqu'à la gare, a précisé le maire."
	germanText = "Der Stadtrat hat am Mittwoch einen neuen Verkehrsplan beschlossen. Die Straßenbahn soll " +
		"bis zum Hauptbahnhof verlängert werden, teilte die Bürgermeisterin mit."
	russianText = "Городской совет в среду принял новый план развития транспорта."
)

// page returns a small HTML page with head markup and a body paragraph.
func page(head, body string) string {
	return "<html><head>" + head + "<title>News</title></head><body><p>" + body + "</p></body></html>"
}

// encode encodes s with enc, failing the test for characters enc lacks.
func encode(t testing.TB, enc encoding.Encoding, s string) []byte {
	t.Helper()
	if enc == nil {
		return []byte(s)
	}
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("test page cannot be encoded: %v", err)
	}
	return b
}

func TestDecode(t *testing.T) {
	utf16LE := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	utf16BE := unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	gbkPage := page(`<meta charset="gbk">`, simplifiedText)

	tests := []struct {
		name        string
		text        string            // the page as UTF-8
		enc         encoding.Encoding // how the page is stored; nil means UTF-8
		prefix      string            // raw bytes before the encoded page (a BOM)
		contentType string
		wantName    string
	}{
		// Declared in the page.
		{"gbk meta only", gbkPage, simplifiedchinese.GBK, "", "", "gbk"},
		{"gb2312 label reads gbk-only characters", page(`<meta charset="gb2312">`, "镕基与喆、堃"), simplifiedchinese.GBK, "", "", "gbk"},
		{"gb18030 four-byte characters", page(`<meta charset="gb2312">`, "藏文ༀ与扩展字𠀀和表情😀"), simplifiedchinese.GB18030, "", "", "gb18030"},
		{"gb18030 four-byte hangul", page(`<meta charset="gb18030">`, koreanText), simplifiedchinese.GB18030, "", "", "gb18030"},
		{"gb18030 declared", page(`<meta charset="gb18030">`, simplifiedText), simplifiedchinese.GB18030, "", "", "gb18030"},
		{"big5 short page", `<html><head><meta charset="big5"><title>快訊</title></head><body><p>颱風外圍環流影響，北部山區今晚嚴防豪雨</p></body></html>`, traditionalchinese.Big5, "", "", "big5"},
		{"big5 long page", page(`<meta http-equiv="Content-Type" content="text/html; charset=big5">`, traditionalText), traditionalchinese.Big5, "", "", "big5"},
		{"shift_jis meta", page(`<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">`, japaneseText), japanese.ShiftJIS, "", "", "shift_jis"},
		{"euc-jp meta", page(`<meta charset="EUC-JP">`, japaneseText), japanese.EUCJP, "", "", "euc-jp"},
		{"euc-kr meta", page(`<meta charset="euc-kr">`, koreanText), korean.EUCKR, "", "", "euc-kr"},
		{"iso-8859-1 reads as windows-1252", page(`<meta charset="iso-8859-1">`, frenchText+" Prix : 5 €."), charmap.Windows1252, "", "", "windows-1252"},
		{"windows-1251 meta", page(`<meta charset="windows-1251">`, russianText), charmap.Windows1251, "", "", "windows-1251"},
		{"xml declaration", `<?xml version="1.0" encoding="GBK"?>` + page("", simplifiedText), simplifiedchinese.GBK, "", "", "gbk"},
		{"ascii only declared gbk", page(`<meta charset="gbk">`, "plain ASCII text"), nil, "", "", "gbk"},

		// The bytes contradict the declaration.
		{"utf-8 declared gb2312", page(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312">`, simplifiedText), nil, "", "", "utf-8"},
		{"utf-8 declared big5", page(`<meta charset="big5">`, traditionalText), nil, "", "", "utf-8"},
		{"utf-8 declared windows-1252", page(`<meta charset="windows-1252">`, frenchText), nil, "", "", "utf-8"},
		{"gbk declared utf-8", page(`<meta charset="utf-8">`, simplifiedText), simplifiedchinese.GBK, "", "", "gbk"},
		{"gbk declared iso-8859-1 by the server", page("", simplifiedText), simplifiedchinese.GBK, "", "text/html; charset=ISO-8859-1", "gbk"},
		{"big5 declared gb2312", page(`<meta charset="gb2312">`, traditionalText+traditionalText), traditionalchinese.Big5, "", "", "big5"},

		// The HTTP header against the page.
		{"header wins over meta", page(`<meta charset="gbk">`, traditionalText), traditionalchinese.Big5, "", "text/html; charset=big5", "big5"},
		{"header utf-8 contradicted", gbkPage, simplifiedchinese.GBK, "", "text/html; charset=utf-8", "gbk"},
		{"header gbk contradicted", page(`<meta charset="utf-8">`, simplifiedText), nil, "", "text/html; charset=gbk", "utf-8"},
		{"header wins over meta single-byte", page(`<meta charset="koi8-r">`, russianText), charmap.Windows1251, "", "text/html; charset=windows-1251", "windows-1251"},
		{"meta read when header has no charset", page(`<meta charset="koi8-r">`, russianText), charmap.KOI8R, "", "text/html", "koi8-r"},
		{"header single-byte trusted", page(`<meta charset="gbk">`, russianText), charmap.Windows1251, "", "text/html; charset=windows-1251", "windows-1251"},
		{"malformed header", gbkPage, simplifiedchinese.GBK, "", "text/html charset=GBK", "gbk"},
		{"header quoted", page("", simplifiedText), simplifiedchinese.GBK, "", `text/html; charset="gb2312"`, "gbk"},

		// Byte order marks.
		{"utf-8 bom", page(`<meta charset="gbk">`, simplifiedText), nil, "\xef\xbb\xbf", "", "utf-8"},
		{"utf-16le bom", page(`<meta charset="utf-16">`, simplifiedText), utf16LE, "\xff\xfe", "text/html; charset=gbk", "utf-16le"},
		{"utf-16be bom", page("", japaneseText), utf16BE, "\xfe\xff", "", "utf-16be"},
		{"utf-16le without bom", page("", koreanText), utf16LE, "", "", "utf-16le"},

		// Nothing declared.
		{"sniff gbk", page("", simplifiedText), simplifiedchinese.GBK, "", "", "gbk"},
		{"sniff big5", page("", traditionalText), traditionalchinese.Big5, "", "", "big5"},
		{"sniff big5 short", page("", "颱風外圍環流影響，北部山區今晚嚴防豪雨"), traditionalchinese.Big5, "", "", "big5"},
		{"sniff shift_jis", page("", japaneseText), japanese.ShiftJIS, "", "", "shift_jis"},
		{"sniff euc-jp", page("", japaneseText), japanese.EUCJP, "", "", "euc-jp"},
		{"sniff euc-kr", page("", koreanText), korean.EUCKR, "", "", "euc-kr"},
		{"sniff french", page("", frenchText), charmap.Windows1252, "", "", "windows-1252"},
		{"sniff german", page("", germanText), charmap.Windows1252, "", "", "windows-1252"},
		{"sniff iso-2022-jp", page("", japaneseText), japanese.ISO2022JP, "", "", "iso-2022-jp"},
		{"sniff utf-8", page("", simplifiedText+japaneseText), nil, "", "", "utf-8"},
		{"empty", "", nil, "", "", "utf-8"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := append([]byte(tt.prefix), encode(t, tt.enc, tt.text)...)

			got, name, err := Decode(raw, tt.contentType)

			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if name != tt.wantName {
				t.Errorf("charset = %q, want %q", name, tt.wantName)
			}
			if got != tt.text {
				t.Errorf("text = %q, want %q", got, tt.text)
			}
			if strings.ContainsRune(got, utf8.RuneError) {
				t.Errorf("text contains U+FFFD: %q", got)
			}
		})
	}
}

func TestDecodeBig5HKSCS(t *testing.T) {
	raw := []byte("<meta charset=\"big5-hkscs\"><p>\x88\x62</p>")

	got, name, err := Decode(raw, "")

	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if name != "big5" {
		t.Errorf("charset = %q, want big5", name)
	}
	// 0x8862 is an HKSCS code: Ê with a combining macron.
	if !strings.Contains(got, "<p>\u00ca\u0304</p>") {
		t.Errorf("text = %q, want the HKSCS character Ê̄", got)
	}
}

func TestDecodeMalformedMeta(t *testing.T) {
	tests := []struct {
		name string
		head string
	}{
		{"doubled closing quote", `<meta http-equiv="Content-Type" content="text/html; charset=gbk"">`},
		{"no semicolon", `<meta http-equiv="Content-Type" content="text/html charset=gb2312">`},
		{"no quotes", `<meta http-equiv=Content-Type content=text/html;charset=gbk>`},
		{"single quotes", `<meta charset='gbk'>`},
		{"upper case", `<META HTTP-EQUIV="CONTENT-TYPE" CONTENT="TEXT/HTML; CHARSET=GBK">`},
		{"content first", `<meta content="text/html; charset=gb2312" http-equiv="Content-Type">`},
		{"misspelt attributes", `<meta httpequiv="ContentType" content="text/html; charset=gbk" />`},
		{"spaces around equals", `<meta charset = "gbk" />`},
		{"after other meta tags", `<meta name="keywords" content="新闻"><meta name="viewport" content="width=device-width"><meta charset="gbk">`},
		{"unknown label skipped", `<meta charset="x-unknown"><meta charset="gbk">`},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw := encode(t, simplifiedchinese.GBK, page(tt.head, simplifiedText))

			labels := declaredLabels(raw, "")
			if len(labels) == 0 {
				t.Fatalf("no charset declaration found in %q", tt.head)
			}
			if _, name, _ := lookup(labels[0]); name != "gbk" {
				t.Errorf("declared charset = %q (label %q), want gbk", name, labels[0])
			}

			got, name, err := Decode(raw, "")
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if name != "gbk" {
				t.Errorf("Decode charset = %q, want gbk", name)
			}
			if !strings.Contains(got, simplifiedText) {
				t.Errorf("text = %q, want the paragraph decoded", got)
			}
		})
	}
}

func TestDeclaredLabelsScope(t *testing.T) {
	filler := "<script>" + strings.Repeat("var x = 1;\n", 1000) + "</script>" // about 11 KB
	far := "<script>" + strings.Repeat("var x = 1;\n", 7000) + "</script>"    // about 77 KB

	tests := []struct {
		name string
		html string
		want string
	}{
		{"first 4 KB", `<meta charset="windows-1251">`, "windows-1251"},
		{"after 4 KB", filler + `<meta charset="windows-1251">`, "windows-1251"},
		{"after 64 KB", far + `<meta charset="windows-1251">`, ""},
		{"inside a comment", `<!-- <meta charset="windows-1251"> -->`, ""},
		{"comment then meta", `<!-- old --><meta charset="windows-1251">`, "windows-1251"},
		{"not a meta tag", `<metadata charset="windows-1251">`, ""},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ""
			if labels := declaredLabels([]byte(tt.html), ""); len(labels) > 0 {
				got = labels[0]
			}
			if got != tt.want {
				t.Errorf("declared label = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDecodeRepairs(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		want     string
		wantName string
	}{
		{"invalid sequences replaced", "<p>" + simplifiedText + "\xff\xfe" + simplifiedText + "</p>", "<p>" + simplifiedText + "\ufffd" + simplifiedText + "</p>", "utf-8"},
		{"truncated last character", "<p>" + simplifiedText + "\xe4\xb8", "<p>" + simplifiedText + "\ufffd", "utf-8"},
		{"nul bytes removed", "<p>a\x00b\x00c</p>", "<p>abc</p>", "utf-8"},
		{"utf-8 bom stripped", "\xef\xbb\xbf<p>x</p>", "<p>x</p>", "utf-8"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, name, err := Decode([]byte(tt.raw), "")
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
			if name != tt.wantName {
				t.Errorf("charset = %q, want %q", name, tt.wantName)
			}
			if !utf8.ValidString(got) {
				t.Errorf("text is not valid UTF-8: %q", got)
			}
		})
	}
}

func TestDecodeBinary(t *testing.T) {
	tests := []struct {
		name   string
		raw    []byte
		detail string
	}{
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "PNG"},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "JPEG"},
		{"gif", []byte("GIF89a\x01\x00\x01\x00"), "GIF"},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3"), "PDF"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), "ZIP"},
		{"gzip", []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), "gzip"},
		{"webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), "WebP"},
		{"control bytes", bytes.Repeat([]byte{0x01, 0x02, 'a', 0x03, 0x04, 0x05, 'b'}, 100), "control bytes"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Decode(tt.raw, "")
			if !errors.Is(err, ErrBinary) {
				t.Fatalf("Decode error = %v, want ErrBinary", err)
			}
			if !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("error %q does not say %q", err, tt.detail)
			}
		})
	}
}

func TestDecodeTextIsNotBinary(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
	}{
		{"tabs and newlines", []byte("<p>\n\t\ta\r\n\t\tb\f</p>")},
		{"a few control bytes", []byte("<p>text with a bell \x07 and a backspace \x08 in it</p>")},
		{"starts like pdf text", []byte("<p>%PDF is how PDF files start</p>")},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Decode(tt.raw, ""); err != nil {
				t.Errorf("Decode error = %v, want none", err)
			}
		})
	}
}
