package config_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gleanerhq/gleaner/config"
)

func TestLockFileKey(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	const seedLine = "seeds: [http://127.0.0.1:8080/]\n"

	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"default", seedLine, filepath.Join(dir, "out", "gleaner.lock")},
		{"relative", seedLine + "lock_file: run/crawl.lock\n", filepath.Join(dir, "run", "crawl.lock")},
		{"absolute", seedLine + "lock_file: /run/gleaner/news.lock\n", "/run/gleaner/news.lock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.yaml), "testdata")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}

			if cfg.LockFile != tt.want {
				t.Errorf("LockFile = %q, want %q", cfg.LockFile, tt.want)
			}
		})
	}
}

func TestLockFileProblems(t *testing.T) {
	const seedLine = "seeds: [http://127.0.0.1:8080/]\n"

	tests := []struct {
		name string
		yaml string
		want []config.Problem
	}{
		{"dash", seedLine + "lock_file: '-'\n", []config.Problem{{Line: 2, Path: "lock_file", Message: `invalid file "-": name a file, such as out/gleaner.lock`}}},
		{"folder", seedLine + "lock_file: out/\n", []config.Problem{{Line: 2, Path: "lock_file", Message: `invalid file "out/": name a file, such as out/gleaner.lock`}}},
		{"number", seedLine + "lock_file: 3\n", []config.Problem{{Line: 2, Path: "lock_file", Message: "must be a string, got integer 3 (put it in quotes)"}}},
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
