package crawler

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/gocolly/colly/v2"
)

const smallPage = `<!DOCTYPE html><html><head><title>新能源车下乡活动启动</title></head><body><p>正文</p></body></html>`

func gzipBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func brotliBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, 5)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zlibBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func flateBytes(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// newTestTransport returns a transport for loopback servers, without
// robots.txt, delays or retries.
func newTestTransport(timeout time.Duration) *transport {
	clk := realClock{}
	limiter := newHostLimiter(hostLimits{rule: colly.LimitRule{Parallelism: 1}, maxDelay: time.Second, errorStep: time.Millisecond}, clk, func() float64 { return 0 })
	env := (*environment)(nil).withDefaults(time.Second)
	return newTransport(transportSettings{
		limiter:        limiter,
		guard:          &guard{trusted: newHostSet("127.0.0.1"), resolver: env.resolver, dial: env.dial},
		clock:          clk,
		timeout:        timeout,
		connectTimeout: time.Second,
		headerTimeout:  timeout,
	})
}

func TestTransportDecodesBodies(t *testing.T) {
	page := []byte(smallPage)
	tests := []struct {
		name        string
		path        string
		header      map[string]string
		body        []byte
		want        []byte
		wantType    string
		wantErr     error
		wantAccepts string
	}{
		{name: "identity", path: "/a.html", header: map[string]string{"Content-Type": "text/html; charset=gbk"}, body: page, want: page, wantType: "text/html"},
		{name: "gzip", path: "/a.html", header: map[string]string{"Content-Type": "text/html", "Content-Encoding": "gzip"}, body: gzipBytes(t, page), want: page, wantType: "text/html"},
		{name: "brotli", path: "/a.html", header: map[string]string{"Content-Type": "text/html", "Content-Encoding": "br"}, body: brotliBytes(t, page), want: page, wantType: "text/html"},
		{name: "deflate zlib", path: "/a.html", header: map[string]string{"Content-Type": "text/html", "Content-Encoding": "deflate"}, body: zlibBytes(t, page), want: page, wantType: "text/html"},
		{name: "deflate raw", path: "/a.html", header: map[string]string{"Content-Type": "text/html", "Content-Encoding": "deflate"}, body: flateBytes(t, page), want: page, wantType: "text/html"},
		{name: "gzip file", path: "/sitemap.xml.gz", header: map[string]string{"Content-Type": "application/x-gzip"}, body: gzipBytes(t, []byte("<urlset></urlset>")), want: []byte("<urlset></urlset>"), wantType: "text/xml"},
		{name: "unsupported coding", path: "/a.html", header: map[string]string{"Content-Type": "text/html", "Content-Encoding": "zstd"}, body: page, wantErr: ErrUnsupportedEncoding},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var accepted string
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				accepted = r.Header.Get("Accept-Encoding")
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Write(tt.body)
			}))
			defer server.Close()
			tr := newTestTransport(5 * time.Second)
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}

			resp, err := client.Get(server.URL + tt.path)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Get error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()

			if err != nil {
				t.Fatalf("read body: %v", err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("body = %q, want %q", got, tt.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.wantType)
			}
			if accepted != acceptEncoding {
				t.Errorf("Accept-Encoding sent = %q, want %q", accepted, acceptEncoding)
			}
		})
	}
}

func TestTransportKeepsOriginalContentType(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=GB2312")
		w.Write([]byte(smallPage))
	}))
	defer server.Close()
	tr := newTestTransport(5 * time.Second)
	defer tr.CloseIdleConnections()

	resp, err := (&http.Client{Transport: tr}).Get(server.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if got := resp.Header.Get(originalContentTypeHeader); got != "text/html; charset=GB2312" {
		t.Errorf("%s = %q, want the header as sent", originalContentTypeHeader, got)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html" {
		t.Errorf("Content-Type = %q, want the media type alone, so that colly does not re-encode the body", got)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2023, 11, 3, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
		wantOK bool
	}{
		{name: "seconds", header: http.Header{"Retry-After": {"7"}}, want: 7 * time.Second, wantOK: true},
		{name: "http date counted from Date", header: http.Header{"Date": {"Fri, 03 Nov 2023 04:00:00 GMT"}, "Retry-After": {"Fri, 03 Nov 2023 04:00:30 GMT"}}, want: 30 * time.Second, wantOK: true},
		{name: "http date counted from now", header: http.Header{"Retry-After": {"Fri, 03 Nov 2023 04:01:00 GMT"}}, want: time.Minute, wantOK: true},
		{name: "date in the past", header: http.Header{"Retry-After": {"Fri, 03 Nov 2023 03:00:00 GMT"}}, want: 0, wantOK: true},
		{name: "missing", header: http.Header{}, wantOK: false},
		{name: "garbage", header: http.Header{"Retry-After": {"soon"}}, wantOK: false},
		{name: "negative", header: http.Header{"Retry-After": {"-5"}}, wantOK: false},
		{name: "huge", header: http.Header{"Retry-After": {"99999999999999999"}}, want: 365 * 24 * time.Hour, wantOK: true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := retryAfter(tt.header, now)

			if ok != tt.wantOK || got != tt.want {
				t.Errorf("retryAfter = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
