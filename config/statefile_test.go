package config_test

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/config"
)

func TestStateKeys(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	const seedLine = "seeds: [http://127.0.0.1:8080/]\n"

	tests := []struct {
		name        string
		yaml        string
		wantFile    string
		wantRecheck time.Duration
		wantRobots  bool
	}{
		{"defaults", seedLine, filepath.Join(dir, "out", "gleaner-state.db"), 0, false},
		{"relative", seedLine + "state_file: state/news.db\n", filepath.Join(dir, "state", "news.db"), 0, false},
		{"absolute", seedLine + "state_file: /var/lib/gleaner/news.db\n", "/var/lib/gleaner/news.db", 0, false},
		{"none", seedLine + "state_file: none\n", "", 0, false},
		{"recheck", seedLine + "recheck_within: 6h\n", filepath.Join(dir, "out", "gleaner-state.db"), 6 * time.Hour, false},
		{"robots sitemaps", seedLine + "sitemaps_from_robots: true\n", filepath.Join(dir, "out", "gleaner-state.db"), 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.yaml), "testdata")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}

			if cfg.StateFile != tt.wantFile {
				t.Errorf("StateFile = %q, want %q", cfg.StateFile, tt.wantFile)
			}
			if cfg.RecheckWithin != tt.wantRecheck {
				t.Errorf("RecheckWithin = %s, want %s", cfg.RecheckWithin, tt.wantRecheck)
			}
			if cfg.SitemapsFromRobots != tt.wantRobots {
				t.Errorf("SitemapsFromRobots = %v, want %v", cfg.SitemapsFromRobots, tt.wantRobots)
			}
		})
	}
}

func TestStateKeyProblems(t *testing.T) {
	const seedLine = "seeds: [http://127.0.0.1:8080/]\n"

	tests := []struct {
		name string
		yaml string
		want []config.Problem
	}{
		{"dash", seedLine + "state_file: '-'\n", []config.Problem{{Line: 2, Path: "state_file", Message: `invalid file "-": name a file, such as out/gleaner-state.db, or none`}}},
		{"folder", seedLine + "state_file: out/\n", []config.Problem{{Line: 2, Path: "state_file", Message: `invalid file "out/": name a file, such as out/gleaner-state.db, or none`}}},
		{"negative recheck", seedLine + "recheck_within: -1h\n", []config.Problem{{Line: 2, Path: "recheck_within", Message: "must not be negative, got -1h0m0s"}}},
		{"recheck not a duration", seedLine + "recheck_within: daily\n", []config.Problem{{Line: 2, Path: "recheck_within", Message: `invalid duration "daily": use a number with a unit (ns, us, ms, s, m, h), such as 500ms, 2s or 1m30s`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Parse([]byte(tt.yaml), "testdata")

			got := problemsOf(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(tt.want))
			}
		})
	}
}
