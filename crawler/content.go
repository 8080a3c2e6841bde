package crawler

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gocolly/colly/v2"
)

// maxFeedLinks is how many links the crawler queues from one sitemap or
// feed: 50,000, the maximum a sitemap may list under the sitemap protocol.
// max_links_per_page applies to HTML pages only.
const maxFeedLinks = 50000

// checkBody rejects a successful response whose body is binary although
// its Content-Type names a page or a feed, such as an image sent as
// text/html. The body is binary when it starts with the signature of a
// known binary format (http.DetectContentType), or when control bytes make
// up more than maxControlShare of its first kilobyte. Pages with a few
// stray control or NUL bytes, which real sites serve, pass. Bodies without a
// document Content-Type are left to the page reader, which sniffs them
// itself.
func checkBody(r *colly.Response) error {
	declared := classifyMedia(mediaType(r.Headers.Get("Content-Type")))
	if len(r.Body) == 0 || (declared != kindHTML && declared != kindFeed) {
		return nil
	}

	sniffed := http.DetectContentType(r.Body)
	if strings.Contains(sniffed, "utf-16") {
		return nil // a byte order mark: text whose every other byte may be NUL
	}

	detected := mediaType(sniffed)
	if !isBinaryFormat(detected) && !mostlyControlBytes(r.Body) {
		return nil
	}
	return fmt.Errorf("%w: Content-Type is %s, but the body is %s",
		ErrNotHTML, mediaType(r.Headers.Get("Content-Type")), detected)
}

// maxControlShare is the share of control bytes above which a body is
// taken for binary data. Random bytes hold about 11 %, text almost none.
const maxControlShare = 0.08

// mostlyControlBytes reports whether more than maxControlShare of the
// first kilobyte of body are control bytes other than white space.
func mostlyControlBytes(body []byte) bool {
	head := body[:min(len(body), 1024)]

	control := 0
	for _, b := range head {
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f') || b == 0x7f {
			control++
		}
	}
	return float64(control) > maxControlShare*float64(len(head))
}

// isBinaryFormat reports whether a media type that http.DetectContentType
// returns names a binary file format.
func isBinaryFormat(media string) bool {
	switch {
	case strings.HasPrefix(media, "image/"),
		strings.HasPrefix(media, "audio/"),
		strings.HasPrefix(media, "video/"),
		strings.HasPrefix(media, "font/"):
		return true
	}

	switch media {
	case "application/pdf", "application/zip", "application/x-gzip", "application/x-rar-compressed",
		"application/wasm", "application/vnd.ms-fontobject", "application/ogg":
		return true
	}
	return false
}
