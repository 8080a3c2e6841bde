package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/gleanerhq/gleaner/config"
)

// FuzzParse checks that Parse never panics and returns either a valid
// Config or an *Error with readable problems.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"bad.yaml", "bad-profiles.yaml", "contract.yaml", "local.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(""))
	f.Add([]byte("seeds: &a [*a]\n"))
	f.Add([]byte("seeds: [https://news.example.com/]\nsinks: [{type: x, path: &p [*p]}]\n"))
	f.Add([]byte("seeds: [\"\\xff\"]\nmax_body_size: 1e400\n"))

	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse(data, dir)
		if (cfg == nil) == (err == nil) {
			t.Fatalf("Parse returned Config %v and error %v: want exactly one", cfg, err)
		}

		if err == nil {
			if len(cfg.Seeds) == 0 || len(cfg.Sinks) == 0 || cfg.Parallelism < 1 {
				t.Errorf("valid Config with %d seeds, %d sinks and parallelism %d", len(cfg.Seeds), len(cfg.Sinks), cfg.Parallelism)
			}
			return
		}

		var configErr *config.Error
		if !errors.As(err, &configErr) {
			t.Fatalf("error %v is a %T, want *config.Error", err, err)
		}
		if len(configErr.Problems) == 0 {
			t.Errorf("*config.Error without problems")
		}
		for _, p := range configErr.Problems {
			if p.Message == "" || p.Line < 0 {
				t.Errorf("problem %+v has no message or a negative line", p)
			}
		}
		if !utf8.ValidString(err.Error()) {
			t.Errorf("error text is not valid UTF-8: %q", err.Error())
		}
	})
}
