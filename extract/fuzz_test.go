package extract

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzExtract feeds arbitrary bytes, seeded with the saved pages, to the
// extractor: it must not panic, and every text field must be valid UTF-8.
func FuzzExtract(f *testing.F) {
	for _, dir := range []string{"testdata/cases", "testdata/pages"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	f.Add([]byte("<html><body><p>3小時前</p></body></html>"))
	f.Add([]byte("\x00\x01\x02<p>"))

	ref := time.Date(2024, 11, 12, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, page []byte) {
		rec, err := Extract(page, Options{URL: "https://example.com/a/b.html", FetchedAt: ref})
		if err != nil {
			return
		}
		for name, s := range map[string]string{"title": rec.Title, "body": rec.Body, "published": rec.Published, "site_name": rec.SiteName} {
			if !utf8.ValidString(s) {
				t.Errorf("%s is not valid UTF-8: %q", name, s)
			}
		}
		for _, e := range append(rec.Recommended, rec.Items...) {
			if !utf8.ValidString(e.Title) || !utf8.ValidString(e.Summary) {
				t.Errorf("entry is not valid UTF-8: %+v", e)
			}
		}
		if rec.Published != "" {
			if p, err := time.Parse(time.RFC3339, rec.Published); err != nil || p.After(ref.Add(24*time.Hour)) {
				t.Errorf("published %q is invalid or after the fetch time", rec.Published)
			}
		}
	})
}

// BenchmarkExtract measures extraction over the saved pages; b.N counts
// pages.
func BenchmarkExtract(b *testing.B) {
	var pages [][]byte
	for _, dir := range []string{"testdata/cases", "testdata/pages"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.html"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			pages = append(pages, data)
		}
	}
	ref := time.Date(2024, 11, 12, 10, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Extract(pages[i%len(pages)], Options{URL: "https://example.com/a", FetchedAt: ref}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// largePage builds a page of about size bytes: an article of many
// paragraphs with links, among repeated teaser lists.
func largePage(size int) []byte {
	var b strings.Builder
	b.WriteString(`<html lang="zh-CN"><head><title>大页面测试_示例网</title></head><body><div class="content">`)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `<p>第%d段：记者从市住建部门获悉，老城区改造工程已完成管网铺设约九成，<a href="/a/%d.html">相关链接%d</a>，预计本月底前全部恢复通行。</p>`, i, i, i)
		if i%50 == 0 {
			b.WriteString(`<ul class="list">`)
			for j := 0; j < 10; j++ {
				fmt.Fprintf(&b, `<li><a href="/n/%d-%d.html">推荐文章标题第%d条新闻内容</a><span>3小时前</span></li>`, i, j, j)
			}
			b.WriteString(`</ul>`)
		}
	}
	b.WriteString(`</div></body></html>`)
	return []byte(b.String())
}

// BenchmarkExtractLargePage measures one 2 MB page; ns/op is the time per
// page.
func BenchmarkExtractLargePage(b *testing.B) {
	page := largePage(2 << 20)
	ref := time.Date(2024, 11, 12, 10, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Extract(page, Options{URL: "https://example.com/a", FetchedAt: ref}); err != nil {
			b.Fatal(err)
		}
	}
}
