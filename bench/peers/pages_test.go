package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestLoadPages builds a corpus with both index formats in the parent
// folder and checks what each page gets.
func TestLoadPages(t *testing.T) {
	root := t.TempDir()
	pagesDir := filepath.Join(root, "html")
	writeFile(t, filepath.Join(pagesDir, "a.html.gz"), gzipped(t, []byte("<p>from gzip</p>")))
	writeFile(t, filepath.Join(pagesDir, "sub", "b.html"), []byte("<p>plain</p>"))
	writeFile(t, filepath.Join(pagesDir, "c.htm"), []byte("<p>no url</p>"))
	writeFile(t, filepath.Join(pagesDir, "notes.txt"), []byte("not a page"))
	writeFile(t, filepath.Join(root, nameIndexFile), []byte(`{"a": {"url": "https://news.example.org/a"}}`))
	writeFile(t, filepath.Join(root, pathIndexFile), []byte(`{"file": "html/sub/b.html", "url": "https://news.example.org/b"}`+"\n"))

	pages, err := loadPages([]string{pagesDir})
	if err != nil {
		t.Fatalf("loadPages: %v", err)
	}

	tests := []struct {
		name string
		html string
		url  string
	}{
		{name: "a.html.gz", html: "<p>from gzip</p>", url: "https://news.example.org/a"},
		{name: "c.htm", html: "<p>no url</p>", url: "https://example.com/c.htm"},
		{name: "b.html", html: "<p>plain</p>", url: "https://news.example.org/b"},
	}
	if len(pages) != len(tests) {
		t.Fatalf("loaded %d pages, want %d: %v", len(pages), len(tests), pages)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pages[i]
			if filepath.Base(got.path) != tt.name {
				t.Errorf("page %d is %s, want %s", i, got.path, tt.name)
			}
			if string(got.html) != tt.html {
				t.Errorf("html = %q, want %q", got.html, tt.html)
			}
			if got.url.String() != tt.url {
				t.Errorf("url = %q, want %q", got.url, tt.url)
			}
		})
	}
}

func TestLoadPagesEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "notes.txt"), []byte("not a page"))

	_, err := loadPages([]string{dir})
	if !errors.Is(err, errNoPages) {
		t.Fatalf("err = %v, want errNoPages", err)
	}
}
