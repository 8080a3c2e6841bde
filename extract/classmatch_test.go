package extract

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestClassPatternMatchesLikeRegexp(t *testing.T) {
	patterns := []string{
		`related|recommend|\brec\b|rec[-_]|similar`,
		`(^|[\s_-])(src|source|origin)([\s_-]|$)`,
		`comment|disqus`,
		`title|heading|\bhd\b|head\b`,
		`\bads?\b|ad-slot`,
	}
	inputs := []string{"", "related-posts", "rec", "post rec_list", "news-src", "source", "sourcery", "comments", "hd", "page-head", "ads", "ad", "adslot", "ad-slot", "header", "x-rec y", "articleBody"}
	for _, pattern := range patterns {
		cp := mustClassPattern(pattern)
		for _, in := range inputs {
			if got, want := cp.MatchString(in), cp.re.MatchString(in); got != want {
				t.Errorf("%q on %q = %v, regexp says %v", pattern, in, got, want)
			}
		}
	}
}

func TestTextPatternIgnoresCase(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"Related Stories", true},
		{"MORE FROM THE LEDGER", true},
		{"推薦文章", true},
		{"The council met on Thursday", false},
		{"延伸閱讀", true},
		{"", false},
	}
	for _, tt := range tests {
		if got := recommendLabel.MatchString(tt.line); got != tt.want {
			t.Errorf("recommendLabel(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
	if lits := recommendLabel.cp.literals; len(lits) == 0 {
		t.Errorf("recommendLabel has no pre-check literals")
	}
}

// TestClassPatternsAgreeOnRealClasses runs every class pattern of the
// package over the class names of the saved pages and checks the fast
// path against the plain regular expression.
func TestClassPatternsAgreeOnRealClasses(t *testing.T) {
	files, err := filepath.Glob("testdata/pages/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no pages: %v", err)
	}
	classAttr := regexp.MustCompile(`(?i)\b(?:class|id)="([^"]{1,200})"`)
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range classAttr.FindAllSubmatch(data, -1) {
			seen[strings.ToLower(string(m[1]))] = true
		}
	}

	patterns := map[string]*classPattern{
		"boilerClass": boilerClass, "positiveClass": positiveClass, "negativeClass": negativeClass,
		"navClass": navClass, "leadClass": leadClass, "recommendClass": recommendClass,
		"headingClass": headingClass, "sourceClass": sourceClass, "sidebarClass": sidebarClass,
		"commentClass": commentClass,
	}
	for name, cp := range patterns {
		if cp.alts == nil {
			t.Errorf("%s has no per-alternative matcher", name)
		}
		for class := range seen {
			if got, want := cp.MatchString(class), cp.re.MatchString(class); got != want {
				t.Errorf("%s on %q = %v, regexp says %v", name, class, got, want)
			}
		}
	}
}
