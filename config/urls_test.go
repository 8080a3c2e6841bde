package config_test

import (
	"reflect"
	"testing"

	"github.com/gleanerhq/gleaner/config"
)

func TestURLLimitDefaults(t *testing.T) {
	cfg, err := config.Parse([]byte(seedLine), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"strip query params", cfg.StripQueryParams, []string(nil)},
		{"max url length", cfg.MaxURLLength, 2048},
		{"max query params", cfg.MaxQueryParams, 20},
		{"max path repeats", cfg.MaxPathRepeats, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestParseURLLimits(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		got  func(*config.Config) any
		want any
	}{
		{"strip list", "strip_query_params:\n  - from\n  - \" trk_* \"\n", func(c *config.Config) any { return c.StripQueryParams }, []string{"from", "trk_*"}},
		{"strip nothing", "strip_query_params: []\n", func(c *config.Config) any { return c.StripQueryParams }, []string{}},
		{"max url length", "max_url_length: 512\n", func(c *config.Config) any { return c.MaxURLLength }, 512},
		{"max query params zero", "max_query_params: 0\n", func(c *config.Config) any { return c.MaxQueryParams }, 0},
		{"max path repeats", "max_path_repeats: 1\n", func(c *config.Config) any { return c.MaxPathRepeats }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(seedLine+tt.yaml), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}

			if got := tt.got(cfg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestParseURLLimitProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []config.Problem
	}{
		{"strip not a list", "strip_query_params: utm_*\n", []config.Problem{{2, "strip_query_params", `must be a list, got string "utm_*" (start each item on its own line with "- ")`}}},
		{"strip empty name", "strip_query_params:\n  - gclid\n  - \"\"\n", []config.Problem{{4, "strip_query_params[1]", `must name a query parameter or a prefix followed by *, got ""`}}},
		{"strip star alone", "strip_query_params:\n  - \"*\"\n", []config.Problem{{3, "strip_query_params[0]", `must name a query parameter or a prefix followed by *, got "*"`}}},
		{"strip star inside", "strip_query_params:\n  - utm_*_id\n", []config.Problem{{3, "strip_query_params[0]", `may contain * only at the end, got "utm_*_id"`}}},
		{"strip number", "strip_query_params:\n  - 12\n", []config.Problem{{3, "strip_query_params[0]", `must be a string, got integer 12 (put it in quotes)`}}},
		{"url length too small", "max_url_length: 10\n", []config.Problem{{2, "max_url_length", "must be at least 16 (bytes), got 10"}}},
		{"query params negative", "max_query_params: -1\n", []config.Problem{{2, "max_query_params", "must be 0 (follow no link with a query) or more, got -1"}}},
		{"path repeats zero", "max_path_repeats: 0\n", []config.Problem{{2, "max_path_repeats", "must be at least 1, got 0"}}},
		{"two problems at once", "max_url_length: 0\nmax_path_repeats: -3\n", []config.Problem{
			{2, "max_url_length", "must be at least 16 (bytes), got 0"},
			{3, "max_path_repeats", "must be at least 1, got -3"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(seedLine+tt.yaml), t.TempDir())
			if cfg != nil {
				t.Errorf("Parse returned a Config with the error")
			}

			got := problemsOf(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(tt.want))
			}
		})
	}
}
