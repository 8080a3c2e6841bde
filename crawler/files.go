package crawler

import (
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// fileTransport serves file URLs from the local disk, but only for paths
// inside its roots, the folders of the file seeds. Symbolic links are
// resolved before the check, so a link inside a root cannot lead out of it.
// A folder URL gives the folder's index.html, or a generated page that
// links to its entries.
type fileTransport struct {
	roots []string // absolute, cleaned, symbolic links resolved
}

// newFileTransport builds a fileTransport for the file URLs among seeds.
// The root of a file seed is its folder; a folder seed is its own root.
// It returns nil when no seed is a file URL.
func newFileTransport(seeds []string) (*fileTransport, error) {
	var roots []string
	for _, seed := range seeds {
		u, err := url.Parse(seed)
		if err != nil || u.Scheme != "file" {
			continue
		}

		root, err := seedRoot(u)
		if err != nil {
			return nil, err
		}
		roots = append(roots, root)
	}

	if len(roots) == 0 {
		return nil, nil
	}
	return &fileTransport{roots: roots}, nil
}

// seedRoot returns the folder a file seed may read from.
func seedRoot(u *url.URL) (string, error) {
	resolved, err := filepath.EvalSymlinks(filepath.FromSlash(u.Path))
	if err != nil {
		return "", fmt.Errorf("seed %s: %w", u, err)
	}

	info, err := os.Stat(resolved)
	if err != nil {
		return "", fmt.Errorf("seed %s: %w", u, err)
	}
	if info.IsDir() {
		return resolved, nil
	}
	return filepath.Dir(resolved), nil
}

// contains reports whether the file URL u lies inside one of the roots,
// judging by its path alone, before symbolic links are resolved.
func (t *fileTransport) contains(u *url.URL) bool {
	if u.Host != "" && u.Host != "localhost" {
		return false
	}
	return t.inRoots(filepath.Clean(filepath.FromSlash(u.Path)))
}

func (t *fileTransport) inRoots(path string) bool {
	for _, root := range t.roots {
		if path == root || strings.HasPrefix(path, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// RoundTrip reads the file the request names. A missing file is an error
// wrapping fs.ErrNotExist, and a path outside the roots one wrapping
// ErrOutOfScope.
func (t *fileTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}

	if !t.contains(req.URL) {
		return nil, fmt.Errorf("read %s: %w", req.URL, ErrOutOfScope)
	}

	path, err := filepath.EvalSymlinks(filepath.FromSlash(req.URL.Path))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", req.URL, err)
	}
	if !t.inRoots(path) {
		return nil, fmt.Errorf("read %s: symbolic link leads to %s: %w", req.URL, path, ErrOutOfScope)
	}

	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", req.URL, err)
	}
	if info.IsDir() {
		return t.folder(req, path)
	}
	return openFile(req, path)
}

// folder serves a folder URL: a redirect to the URL with a trailing slash
// (so that relative links resolve inside the folder), its index.html, or a
// generated list of its entries.
func (t *fileTransport) folder(req *http.Request, path string) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/") {
		target := *req.URL
		target.Path += "/"
		return response(req, http.StatusMovedPermanently, http.Header{"Location": {target.String()}}, ""), nil
	}

	index := filepath.Join(path, "index.html")
	if _, err := os.Stat(index); err == nil {
		return openFile(req, index)
	}

	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", req.URL, err)
	}

	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
	b.WriteString(html.EscapeString(path))
	b.WriteString("</title></head><body><ul>\n")
	for _, entry := range entries {
		name := entry.Name()
		if entry.IsDir() {
			name += "/"
		}
		href := (&url.URL{Path: name}).String()
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", html.EscapeString(href), html.EscapeString(name))
	}
	b.WriteString("</ul></body></html>\n")

	header := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	return response(req, http.StatusOK, header, b.String()), nil
}

// openFile serves the file at path, typed by its extension. An
// unknown extension leaves Content-Type empty, and the crawler sniffs the body.
func openFile(req *http.Request, path string) (*http.Response, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", req.URL, err)
	}

	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", req.URL, err)
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", req.URL, &fs.PathError{Op: "read", Path: path, Err: errors.New("not a regular file")})
	}

	header := http.Header{"Content-Length": {strconv.FormatInt(info.Size(), 10)}}
	if media := mediaType(mime.TypeByExtension(filepath.Ext(path))); media != "" {
		header.Set("Content-Type", media)
	}

	resp := response(req, http.StatusOK, header, "")
	resp.Body = f
	resp.ContentLength = info.Size()
	return resp, nil
}

// response builds a response to req with a string body.
func response(req *http.Request, status int, header http.Header, body string) *http.Response {
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.0",
		ProtoMajor:    1,
		Header:        header,
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}
