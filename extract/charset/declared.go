package charset

import (
	"bytes"
	"mime"
	"regexp"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const (
	// firstScan and lastScan bound the part of the page searched for
	// <meta> declarations: the first 4 KB, then up to 64 KB when the first
	// holds none.
	firstScan = 4 << 10
	lastScan  = 64 << 10
)

var (
	// charsetRE finds "charset=gbk" in a tag or header, in any case, with
	// or without quotes or spaces around "=".
	charsetRE = regexp.MustCompile(`(?i)charset\s*=\s*["']*\s*([a-z0-9._:+-]+)`)

	// xmlDeclRE finds the encoding of an XML declaration at the start of
	// the page.
	xmlDeclRE = regexp.MustCompile(`(?i)^\s*<\?xml[^>]*?\sencoding\s*=\s*["']?([a-z0-9._:+-]+)`)

	iso2022JP = japanese.ISO2022JP
)

// extraLabels are labels seen on real pages that the WHATWG list lacks.
var extraLabels = map[string]string{
	"cp936":    "gbk",
	"ms936":    "gbk",
	"gb_18030": "gb18030",
	"cp950":    "big5",
	"ms950":    "big5",
	"cp932":    "shift_jis",
	"cp949":    "euc-kr",
	"ms949":    "euc-kr",
	"uhc":      "euc-kr",
	"utf_8":    "utf-8",
}

// declaredLabels returns the charset labels the page declares, strongest
// first: the HTTP header, the first <meta> declaration, then the XML
// declaration.
func declaredLabels(page []byte, contentType string) []string {
	var labels []string
	if label := headerLabel(contentType); label != "" {
		labels = append(labels, label)
	}
	if label := metaLabel(page); label != "" {
		labels = append(labels, label)
	}
	if m := xmlDeclRE.FindSubmatch(page[:min(len(page), 512)]); m != nil {
		labels = append(labels, string(m[1]))
	}
	return labels
}

// headerLabel returns the charset parameter of a Content-Type value.
func headerLabel(contentType string) string {
	if contentType == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		return params["charset"]
	}

	// Malformed headers ("text/html charset=gbk") still name the charset.
	if m := charsetRE.FindStringSubmatch(contentType); m != nil {
		return m[1]
	}
	return ""
}

// metaLabel returns the first known charset label declared in a <meta> tag,
// searching the first 4 KB of the page and then the first 64 KB. It reads
// <meta charset=...> and http-equiv content="...charset=..." in any
// attribute order and tolerates the malformed forms seen in the wild:
// missing or doubled quotes, a missing ";" and misspelt attribute names.
func metaLabel(page []byte) string {
	if label := scanMeta(page[:min(len(page), firstScan)]); label != "" {
		return label
	}
	if len(page) > firstScan {
		return scanMeta(page[:min(len(page), lastScan)])
	}
	return ""
}

// scanMeta walks the tags of head, skipping comments, and returns the first
// known charset label of a <meta> tag.
func scanMeta(head []byte) string {
	for i := 0; i < len(head); {
		j := bytes.IndexByte(head[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := head[i:]

		if bytes.HasPrefix(rest, []byte("<!--")) {
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}

		if len(rest) > 5 && bytes.EqualFold(rest[:5], []byte("<meta")) && isTagBreak(rest[5]) {
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				end = len(rest)
			}
			for _, m := range charsetRE.FindAllSubmatch(rest[:end], -1) {
				if _, _, ok := lookup(string(m[1])); ok {
					return string(m[1])
				}
			}
			i += end
			continue
		}
		i++
	}
	return ""
}

func isTagBreak(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '/'
}

// lookup returns the encoding a label names and its canonical name. GB2312
// and GBK labels get the GB18030 decoder. UTF-16 labels mean UTF-8 here,
// because a page whose declaration could be read byte by byte is not UTF-16
// (the WHATWG rule for <meta>). It reports false for unknown labels and for
// labels the WHATWG maps to the "replacement" encoding.
func lookup(label string) (encoding.Encoding, string, bool) {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if alias, ok := extraLabels[label]; ok {
		label = alias
	}

	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, "", false
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		return nil, "", false
	}

	switch name {
	case "replacement":
		return nil, "", false
	case "utf-8", "utf-16le", "utf-16be":
		return nil, "utf-8", true
	case "gbk", "gb18030":
		return simplifiedchinese.GB18030, name, true
	}
	return enc, name, true
}
