package crawler

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/crawler/robots"
)

// acceptEncoding lists exactly the codings decodeBody can undo, so that a
// well-behaved server never sends anything else.
const acceptEncoding = "gzip, deflate, br"

// originalContentTypeHeader carries the response's Content-Type, charset
// parameter included, past colly. The transport leaves only the media type
// in Content-Type, because colly re-encodes a body whose header names a
// charset other than UTF-8 and the extractor would then decode it twice.
const originalContentTypeHeader = "X-Gleaner-Content-Type"

// maxHeaderBytes caps the size of a response's headers.
const maxHeaderBytes = 1 << 20

// transport is the http.RoundTripper of every collector. It serves file
// URLs from disk. For web URLs it checks robots.txt, keeps the per-host
// politeness rules, connects through the private-network guard, bounds
// each attempt with the timeouts and decodes compressed bodies itself, so
// that colly's body limit counts decoded bytes.
//
// The whole-request timeout lives here and not in http.Client.Timeout,
// because the client's clock would also run while a request waits for its
// host's turn.
type transport struct {
	web     *http.Transport
	files   *fileTransport
	limiter *hostLimiter
	robots  *robotsCache // nil when robots.txt is not obeyed
	clock   clock
	timeout time.Duration

	// busy applies a 429 or 503 response's wait to its whole host, before
	// the host's slot is released, so that no other request slips in.
	busy func(host string, header http.Header)

	robotsClient *http.Client

	// stopped, when set, is canceled once a bounded crawl has reached its
	// limit. From then on, requests that have not been sent fail with
	// errLimitReached, also while they wait for their host's turn.
	stopped context.Context
}

// transportSettings are the parts of a transport.
type transportSettings struct {
	limiter        *hostLimiter
	guard          *guard
	busy           func(host string, header http.Header)
	files          *fileTransport // nil when no file URLs are to be read
	clock          clock
	timeout        time.Duration // one attempt, from waiting turn to the body's end
	connectTimeout time.Duration // TCP connection and TLS handshake
	headerTimeout  time.Duration // from the request sent to the response headers
}

// newTransport builds a transport. It does not check robots.txt until
// obeyRobots is called.
func newTransport(s transportSettings) *transport {
	web := http.DefaultTransport.(*http.Transport).Clone()
	web.DisableCompression = true // decodeBody does it, within the size limit
	web.Proxy = nil               // the guard must see the address it connects to
	web.DialContext = s.guard.DialContext
	web.TLSHandshakeTimeout = s.connectTimeout
	web.ResponseHeaderTimeout = s.headerTimeout
	web.MaxResponseHeaderBytes = maxHeaderBytes

	t := &transport{web: web, files: s.files, limiter: s.limiter, clock: s.clock, timeout: s.timeout, busy: s.busy}
	t.robotsClient = &http.Client{
		Transport: roundTripperFunc(t.sendDecoded),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRobotsRedirects {
				return errRobotsRedirects
			}
			return nil
		},
	}
	return t
}

// obeyRobots makes the transport check every web URL against its host's
// robots.txt, fetched for userAgent.
func (t *transport) obeyRobots(userAgent string, retries retryPolicy, logger *zap.Logger) {
	t.robots = &robotsCache{
		userAgent:  userAgent,
		fetch:      func(ctx context.Context, u *url.URL) robotsResult { return t.fetchRobots(ctx, u, userAgent) },
		limiter:    t.limiter,
		clock:      t.clock,
		backoff:    retries.backoffFor,
		maxRetries: retries.maxRetries,
		maxWait:    retries.maxWait,
		logger:     logger,
		entries:    make(map[string]*robotsEntry),
	}
}

// roundTripperFunc is a function that is an http.RoundTripper.
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// RoundTrip sends one request. It returns an error for a scheme other than
// http, https and file, and for a file URL when no files are to be read.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.checkGate(req.Context()); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}

	switch req.URL.Scheme {
	case "http", "https":
		if t.robots != nil {
			if err := t.robots.check(req.Context(), req.URL); err != nil {
				return nil, err
			}
		}
		return t.sendDecoded(req)

	case "file":
		if t.files == nil {
			return nil, fmt.Errorf("read %s: %w", req.URL, ErrOutOfScope)
		}
		resp, err := t.files.RoundTrip(req)
		if err != nil {
			return nil, err
		}
		return decoded(resp)

	default:
		return nil, fmt.Errorf("fetch %s: unsupported URL scheme %q", req.URL, req.URL.Scheme)
	}
}

// sendDecoded sends a web request and decodes the response body.
func (t *transport) sendDecoded(req *http.Request) (*http.Response, error) {
	resp, err := t.send(req)
	if err != nil {
		return nil, err
	}
	return decoded(resp)
}

// decoded replaces the body of resp with its decoded stream and keeps its
// Content-Type, or closes it and returns an error.
func decoded(resp *http.Response) (*http.Response, error) {
	if err := decodeBody(resp); err != nil {
		resp.Body.Close()
		return nil, err
	}
	keepContentType(resp)
	return resp, nil
}

// send waits for the host's turn and sends req over the network. The
// host's slot is held until the response body is closed. The time to the
// response headers, and the failures, adapt the host's delay.
func (t *transport) send(req *http.Request) (*http.Response, error) {
	host := req.URL.Host
	release, err := t.acquire(req)
	if err != nil {
		return nil, err
	}

	ctx, cancel := req.Context(), context.CancelFunc(func() {})
	if t.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, t.timeout)
	}

	out := req.Clone(ctx)
	out.Header.Set("Accept-Encoding", acceptEncoding)

	start := t.clock.Now()
	resp, err := t.web.RoundTrip(out)
	if err != nil {
		cancel()
		release()
		if isServerFault(err) {
			t.limiter.failed(host)
		}
		return nil, err
	}

	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		// A fast 429 or 503 is no sign of a fast host, so its time is not
		// observed.
		if t.busy != nil {
			t.busy(host, resp.Header)
		}
	case resp.StatusCode >= 500:
		t.limiter.failed(host)
	default:
		t.limiter.observe(host, t.clock.Now().Sub(start))
	}

	resp.Request = req
	resp.Body = &releasingBody{
		ReadCloser: resp.Body,
		release:    func() { cancel(); release() },
		onFault:    func() { t.limiter.failed(host) },
	}
	return resp, nil
}

// ungatedKey marks the context of a request that may start after a
// bounded crawl has stopped.
type ungatedKey struct{}

// checkGate returns errLimitReached once the crawl has stopped, unless ctx
// is marked with ungatedKey.
func (t *transport) checkGate(ctx context.Context) error {
	if t.stopped == nil || ctx.Value(ungatedKey{}) != nil || t.stopped.Err() == nil {
		return nil
	}
	return errLimitReached
}

// acquire waits for the host's slot and turn for req, and gives up when
// the crawl stops meanwhile.
func (t *transport) acquire(req *http.Request) (release func(), err error) {
	ctx := req.Context()
	if t.stopped != nil && ctx.Value(ungatedKey{}) == nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		unhook := context.AfterFunc(t.stopped, cancel)
		defer unhook()
	}

	release, err = t.limiter.acquire(ctx, req.URL.Host)
	if err != nil {
		if gateErr := t.checkGate(req.Context()); gateErr != nil {
			return nil, fmt.Errorf("fetch %s: %w", req.URL, gateErr)
		}
		return nil, err
	}

	if err := t.checkGate(req.Context()); err != nil {
		release()
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	return release, nil
}

// fetchRobots requests the robots.txt at robotsURL and reads up to
// robots.MaxSize bytes of it.
func (t *transport) fetchRobots(ctx context.Context, robotsURL *url.URL, userAgent string) robotsResult {
	// A robots.txt request passes the gate: it serves a page request that
	// has started already.
	ctx = context.WithValue(ctx, ungatedKey{}, true)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, robotsURL.String(), nil)
	if err != nil {
		return robotsResult{err: err}
	}
	req.Header.Set("User-Agent", userAgent)

	resp, err := t.robotsClient.Do(req)
	if err != nil {
		return robotsResult{err: err}
	}
	defer resp.Body.Close()

	res := robotsResult{status: resp.StatusCode}
	res.retryAfter, res.hasRetry = retryAfter(resp.Header, t.clock.Now())
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		res.body, res.err = io.ReadAll(io.LimitReader(resp.Body, robots.MaxSize))
	}
	return res
}

// CloseIdleConnections closes the kept-alive connections, so that no
// connection goroutine outlives a crawl.
func (t *transport) CloseIdleConnections() {
	t.web.CloseIdleConnections()
}

// releasingBody runs release once, when the body is closed, and onFault
// once when a read fails for a reason on the server's side: a timeout, a
// reset or a body cut short.
type releasingBody struct {
	io.ReadCloser
	release func()
	onFault func()

	once      sync.Once
	faultOnce sync.Once
}

func (b *releasingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && isServerFault(err) {
		b.faultOnce.Do(b.onFault)
	}
	return n, markTruncated(err)
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
		err = fmt.Errorf("decode %s body: %w", b.coding, markTruncated(err))
	}
	return n, err
}

// markTruncated adds ErrTruncatedBody to an error that reports a stream
// ending too early: a body shorter than its Content-Length, a chunked body cut
// off, or a compressed stream without its end.
//
// NOTE: an uncompressed body with neither Content-Length nor chunked
// encoding ends when the server closes the connection, so a cut in it
// cannot be distinguished from its end and is read as whole.
func markTruncated(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrTruncatedBody) {
		return fmt.Errorf("%w: %w", ErrTruncatedBody, err)
	}
	return err
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
