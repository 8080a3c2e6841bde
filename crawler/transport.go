package crawler

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// acceptEncoding lists exactly the codings decodeBody can undo, so that a
// well-behaved server never sends anything else.
const acceptEncoding = "gzip, deflate, br"

// originalContentTypeHeader carries the response's Content-Type, charset
// parameter included, past colly. The transport leaves only the media type
// in Content-Type, because colly re-encodes a body whose header names a
// charset other than UTF-8 and the extractor would then decode it twice.
const originalContentTypeHeader = "X-Gleaner-Content-Type"

// transport is the http.RoundTripper of every collector. It serves file
// URLs from disk, keeps the per-host politeness rules for web URLs, bounds
// each attempt with the request timeout and decodes compressed bodies
// itself, so that colly's body limit counts decoded bytes.
//
// The timeout lives here and not in http.Client.Timeout because the client's
// clock would also run while a request waits for its host's turn.
type transport struct {
	web     *http.Transport
	files   *fileTransport
	limiter *hostLimiter
	timeout time.Duration
}

// newTransport builds a transport. files may be nil when no file URLs are
// to be read.
func newTransport(limiter *hostLimiter, timeout time.Duration, files *fileTransport) *transport {
	web := http.DefaultTransport.(*http.Transport).Clone()
	web.DisableCompression = true // decodeBody does it, within the size limit

	return &transport{web: web, files: files, limiter: limiter, timeout: timeout}
}

// RoundTrip sends one request. It returns an error for a scheme other than
// http, https and file, and for a file URL when no files are to be read.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var (
		resp *http.Response
		err  error
	)

	switch req.URL.Scheme {
	case "http", "https":
		resp, err = t.roundTripWeb(req)
	case "file":
		if t.files == nil {
			return nil, fmt.Errorf("read %s: %w", req.URL, ErrOutOfScope)
		}
		resp, err = t.files.RoundTrip(req)
	default:
		return nil, fmt.Errorf("fetch %s: unsupported URL scheme %q", req.URL, req.URL.Scheme)
	}
	if err != nil {
		return nil, err
	}

	if err := decodeBody(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	keepContentType(resp)

	return resp, nil
}

// roundTripWeb waits for the host's turn and sends req over the network.
// The host's slot is held until the response body is closed.
func (t *transport) roundTripWeb(req *http.Request) (*http.Response, error) {
	release, err := t.limiter.acquire(req.Context(), req.URL.Host)
	if err != nil {
		return nil, err
	}

	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
	}

	out := req.Clone(ctx)
	out.Header.Set("Accept-Encoding", acceptEncoding)

	resp, err := t.web.RoundTrip(out)
	if err != nil {
		cancel()
		release()
		return nil, err
	}

	resp.Request = req
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: func() { cancel(); release() }}
	return resp, nil
}

// CloseIdleConnections closes the kept-alive connections, so that no
// connection goroutine outlives a crawl.
func (t *transport) CloseIdleConnections() {
	t.web.CloseIdleConnections()
}

// releasingBody runs release once, when the body is closed.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// decodeBody replaces a compressed body of resp with its decoded stream:
// the Content-Encoding gzip, deflate or br, or a gzip file (".gz" path or
// gzip media type) sent without a Content-Encoding. Decoding is lazy, so
// the reader's limit stops decompression at the size limit. Any other
// Content-Encoding is ErrUnsupportedEncoding.
func decodeBody(resp *http.Response) error {
	resp.Uncompressed = true // so that colly does not gunzip the body again

	coding := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	open, err := decoderFor(coding)
	if err != nil {
		return fmt.Errorf("fetch %s: %w", resp.Request.URL, err)
	}

	if open == nil && isGzipFile(resp) {
		open = openGzip
		setInnerContentType(resp)
	}
	if open == nil || resp.Request.Method == http.MethodHead || resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusNotModified {
		return nil
	}

	resp.Body = &decodedBody{raw: resp.Body, open: open, coding: codingName(coding)}
	resp.Header.Del("Content-Encoding")
	resp.Header.Del("Content-Length")
	resp.ContentLength = -1
	return nil
}

// decoderFor returns the decoder of a Content-Encoding value, or nil for
// an identity coding.
func decoderFor(coding string) (func(io.Reader) (io.Reader, error), error) {
	switch coding {
	case "", "identity":
		return nil, nil
	case "gzip", "x-gzip":
		return openGzip, nil
	case "deflate":
		return openDeflate, nil
	case "br":
		return func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }, nil
	default:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedEncoding, coding)
	}
}

func codingName(coding string) string {
	if coding == "" {
		return "gzip"
	}
	return coding
}

func openGzip(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }

// openDeflate reads "deflate" bodies, which servers send both as zlib
// streams (as RFC 9110 specifies) and as raw deflate data.
func openDeflate(r io.Reader) (io.Reader, error) {
	buffered := bufio.NewReader(r)
	header, err := buffered.Peek(2)
	if err != nil {
		return nil, err
	}

	isZlib := header[0]&0x0f == 8 && (uint16(header[0])<<8|uint16(header[1]))%31 == 0
	if isZlib {
		return zlib.NewReader(buffered)
	}
	return flate.NewReader(buffered), nil
}

// isGzipFile reports whether resp is a gzip file sent as is, such as
// sitemap.xml.gz.
func isGzipFile(resp *http.Response) bool {
	media, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch media {
	case "application/gzip", "application/x-gzip":
		return true
	case "", "application/octet-stream":
		return strings.HasSuffix(strings.ToLower(resp.Request.URL.Path), ".gz")
	}
	return false
}

// setInnerContentType gives a gunzipped file the media type of its name
// without ".gz", or none, so that the body is sniffed.
func setInnerContentType(resp *http.Response) {
	inner := strings.TrimSuffix(strings.ToLower(resp.Request.URL.Path), ".gz")
	resp.Header.Set("Content-Type", mime.TypeByExtension(path.Ext(inner)))
}

// decodedBody decodes raw on the first Read.
type decodedBody struct {
	raw    io.ReadCloser
	open   func(io.Reader) (io.Reader, error)
	coding string

	reader io.Reader
	err    error
}

func (b *decodedBody) Read(p []byte) (int, error) {
	if b.reader == nil && b.err == nil {
		// An empty body gives io.EOF here, which reads as an empty body.
		b.reader, b.err = b.open(b.raw)
		if b.err != nil && b.err != io.EOF {
			b.err = fmt.Errorf("decode %s body: %w", b.coding, b.err)
		}
	}
	if b.err != nil {
		return 0, b.err
	}

	n, err := b.reader.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("decode %s body: %w", b.coding, err)
	}
	return n, err
}

func (b *decodedBody) Close() error {
	if closer, ok := b.reader.(io.Closer); ok {
		closer.Close()
	}
	return b.raw.Close()
}

// keepContentType moves the full Content-Type to originalContentTypeHeader
// and leaves only the media type in Content-Type.
func keepContentType(resp *http.Response) {
	original := resp.Header.Get("Content-Type")
	if original == "" {
		return
	}

	resp.Header.Set(originalContentTypeHeader, original)
	resp.Header.Set("Content-Type", mediaType(original))
}

// mediaType returns the lower-case media type of a Content-Type value,
// without parameters.
func mediaType(contentType string) string {
	media, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(media))
}
