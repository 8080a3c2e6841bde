package extract

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
)

// Labels of reposted articles: the outlet the text comes from, its
// authors and translators, and a link to the original.
var (
	repostSource = regexp.MustCompile(`(?i)(?:原文來源|原文来源|文章來源|文章来源|內容來源|内容来源|來源|来源|出處|出处|轉載自|转载自)\s*[:：|丨]\s*([^\s|｜丨,，。;；)）(（]{1,30})`)
	repostAuthor = regexp.MustCompile(`(?:原文作者|作者|撰文|編譯|编译|譯者|译者|翻譯|翻译)\s*[:：|丨/]\s*([\p{Han}\p{L}·.]{1,20}(?: [\p{L}.]{1,20}){0,2})`)
	originalLink = regexp.MustCompile(`(?i)原文链接|原文連結|原文地址|原文網址|原文|original (article|link|story|post)|source link|read the original`)
)

// chooseRepost reads the outlet, the authors and the original address that
// an aggregator names for a reposted article: "原文來源：暗湧 Waves",
// "作者|Azuma", "編譯：深潮TechFlow", "原文链接：https://...". It looks
// at the byline near the headline and the first and last lines of the
// body, where aggregators print them.
func (p *page) chooseRepost() {
	lines := p.textsNearTitle()
	lines = append(lines, edgeLines(p.rawLines, 4)...)

	var authors []string
	for _, line := range lines {
		if !containsAny(line, repostLabels) {
			continue
		}
		if p.source == "" {
			for _, loc := range repostSource.FindAllStringSubmatchIndex(line, -1) {
				name := line[loc[2]:loc[3]]
				// "圖片來源" credits a picture, not the article.
				if before := line[:loc[0]]; strings.HasSuffix(before, "圖片") || strings.HasSuffix(before, "图片") || isDateLike(name) || isMarkupResidue(name) {
					continue
				}
				p.source = strings.TrimSpace(name)
				break
			}
		}
		for _, loc := range repostAuthor.FindAllStringSubmatchIndex(line, -1) {
			name := strings.TrimSpace(line[loc[2]:loc[3]])
			if strings.HasPrefix(line[loc[3]:], "=") {
				// An attribute a broken template printed: `作者： size="20"`.
				continue
			}
			if name != "" && !isDateLike(name) && utf8.RuneCountInString(name) >= 2 {
				authors = append(authors, name)
			}
		}
	}
	if len(authors) > 0 {
		p.authors = dedupe(authors)
		p.why["authors"] = "repost label"
	}
	if p.source != "" {
		p.why["source"] = "repost label"
	}
	p.originalURL = p.findOriginalLink()
}

// repostLabels are the words every repost pattern needs; a line without
// any of them is skipped before the regular expressions run.
var repostLabels = []string{"來源", "来源", "出處", "出处", "轉載", "转载", "作者", "撰文", "編譯", "编译", "譯者", "译者", "翻譯", "翻译"}

func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// edgeLines returns the first and last n lines.
func edgeLines(lines []string, n int) []string {
	if len(lines) <= 2*n {
		return lines
	}
	out := append([]string{}, lines[:n]...)
	return append(out, lines[len(lines)-n:]...)
}

func isDateLike(s string) bool {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits*2 >= len(s)
}

func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// findOriginalLink returns the address of a link labelled as the original
// article, in the body containers or near the headline.
func (p *page) findOriginalLink() string {
	var found string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if found != "" {
			return
		}
		if n.Type == html.ElementNode && n.Data == "a" {
			label := nodeText(n)
			if prev := n.PrevSibling; prev != nil && prev.Type == html.TextNode {
				label = prev.Data + label
			}
			if originalLink.MatchString(label) {
				if u := p.resolve(attr(n, "href")); u != "" && u != p.opts.URL {
					found = u
				}
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range p.bodyNodes {
		walk(n)
	}
	return found
}
