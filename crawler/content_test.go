package crawler

import (
	"bytes"
	"errors"
	"net/http"
	"testing"
)

func TestCheckBody(t *testing.T) {
	html := []byte("<!DOCTYPE html><html><head><title>t</title></head><body><p>text</p></body></html>")
	tests := []struct {
		name        string
		contentType string
		body        []byte
		wantErr     bool
	}{
		{name: "HTML", contentType: "text/html", body: html},
		{name: "HTML with stray NUL bytes", contentType: "text/html", body: bytes.Replace(html, []byte("text"), []byte("te\x00xt\x02"), 1)},
		{name: "page with control bytes in a comment", contentType: "text/html", body: append([]byte("<text id=\"x\">\n<!-- a\x02b\x02c -->"), html...)},
		{name: "PNG as HTML", contentType: "text/html", body: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), wantErr: true},
		{name: "JPEG as HTML", contentType: "text/html", body: []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), wantErr: true},
		{name: "PDF as XHTML", contentType: "application/xhtml+xml", body: []byte("%PDF-1.7\n"), wantErr: true},
		{name: "gzip data as XML", contentType: "application/xml", body: []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00"), wantErr: true},
		{name: "random bytes as HTML", contentType: "text/html", body: bytes.Repeat([]byte("\x01\x9a\x03\xfe\x05\x11\x7f\x80"), 128), wantErr: true},
		{name: "sitemap", contentType: "application/xml", body: []byte(`<?xml version="1.0"?><urlset></urlset>`)},
		{name: "UTF-16 page with BOM", contentType: "text/html", body: []byte("\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00")},
		{name: "image type is left to the header check", contentType: "image/png", body: []byte("\x89PNG\r\n\x1a\n")},
		{name: "empty body", contentType: "text/html", body: nil},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := testResponse(t, http.StatusOK, http.Header{"Content-Type": {tt.contentType}}, tt.body)

			err := checkBody(resp)

			if (err != nil) != tt.wantErr {
				t.Errorf("checkBody = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrNotHTML) {
				t.Errorf("checkBody = %v, want it to wrap ErrNotHTML", err)
			}
		})
	}
}
