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
