package crawler

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// writeFile writes data to dir/name, creating folders.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readTestPage(t *testing.T, n int) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "site", "news", strconv.Itoa(n)+".html"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func fileURLOf(path string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
}

func TestCrawlFileSeedsStayInFolder(t *testing.T) {
	root := t.TempDir()
	outside := writeFile(t, root, "outside.html", readTestPage(t, 1015))
	writeFile(t, root, "site/a.html", readTestPage(t, 1013))
	writeFile(t, root, "site/sub/b.html", readTestPage(t, 1014))
	if err := os.Symlink(outside, filepath.Join(root, "site", "link.html")); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
	index := writeFile(t, root, "site/index.html", []byte(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>本地索引</title></head><body><ul>
<li><a href="a.html">A</a></li>
<li><a href="sub/b.html">B</a></li>
<li><a href="../outside.html">outside, relative</a></li>
<li><a href="`+fileURLOf(outside)+`">outside, absolute</a></li>
<li><a href="/etc/passwd">root file</a></li>
<li><a href="link.html">symbolic link to outside</a></li>
<li><a href="missing.html">missing</a></li>
</ul></body></html>`))

	cfg := testConfig(t, fileURLOf(index))
	cfg.AllowedDomains = nil
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/(a|b|outside|link|passwd)(\.html)?$`)}
	s, out := openTestSinks(t)

	summary := runCrawl(t, cfg, s)

	var got []string
	for _, r := range readJSONL(t, out.jsonl) {
		got = append(got, r.URL)
		if r.Title == "" || r.Body == "" {
			t.Errorf("record %s: empty title or body", r.URL)
		}
	}
	slices.Sort(got)
	want := []string{
		fileURLOf(filepath.Join(root, "site", "a.html")),
		fileURLOf(filepath.Join(root, "site", "sub", "b.html")),
	}
	if !slices.Equal(got, want) {
		t.Errorf("records:\n got %q\nwant %q", got, want)
	}
	if summary.Errors["out_of_scope"] != 1 {
		t.Errorf("errors = %v, want one out_of_scope (the symbolic link)", summary.Errors)
	}
	if summary.Errors["not_found"] != 1 {
		t.Errorf("errors = %v, want one not_found (missing.html)", summary.Errors)
	}
}

func TestCrawlFolderSeed(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.html", readTestPage(t, 1013))
	writeFile(t, root, "sub/b.html", readTestPage(t, 1014))

	cfg := testConfig(t, fileURLOf(root))
	cfg.AllowedDomains = nil
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/(a|b)\.html$`)}
	s, out := openTestSinks(t)

	summary := runCrawl(t, cfg, s)

	if summary.Articles != 2 {
		t.Errorf("articles = %d, want 2 (a.html and sub/b.html, found through the folder listings)", summary.Articles)
	}
	if n := len(readJSONL(t, out.jsonl)); n != 2 {
		t.Errorf("jsonl has %d records, want 2", n)
	}
}
