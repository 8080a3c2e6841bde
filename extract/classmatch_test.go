package extract

import "testing"

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
