package config_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gleanerhq/gleaner/config"
)

func TestDeliveryKeys(t *testing.T) {
	dir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	const seedLine = "seeds: [http://127.0.0.1:8080/]\n"

	tests := []struct {
		name      string
		yaml      string
		wantSpool string
		wantMode  string
	}{
		{"defaults", seedLine, filepath.Join(dir, "out", "spool"), "spool"},
		{"relative spool_dir", seedLine + "spool_dir: state/spool\n", filepath.Join(dir, "state", "spool"), "spool"},
		{"absolute spool_dir", seedLine + "spool_dir: /var/spool/gleaner\n", "/var/spool/gleaner", "spool"},
		{"stop", seedLine + "on_sink_error: stop\n", filepath.Join(dir, "out", "spool"), "stop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.yaml), "testdata")
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}

			if cfg.SpoolDir != tt.wantSpool {
				t.Errorf("SpoolDir = %q, want %q", cfg.SpoolDir, tt.wantSpool)
			}
			if cfg.OnSinkError != tt.wantMode {
				t.Errorf("OnSinkError = %q, want %q", cfg.OnSinkError, tt.wantMode)
			}
		})
	}
}

func TestDeliveryKeyProblems(t *testing.T) {
	const seedLine = "seeds: [http://127.0.0.1:8080/]\n"

	tests := []struct {
		name string
		yaml string
		want []config.Problem
	}{
		{"unknown mode", seedLine + "on_sink_error: retry\n", []config.Problem{{Line: 2, Path: "on_sink_error", Message: `invalid value "retry": use spool (keep crawling, spool the records of a sink that is down) or stop (stop the crawl)`}}},
		{"mode as boolean", seedLine + "on_sink_error: true\n", []config.Problem{{Line: 2, Path: "on_sink_error", Message: "must be a string, got boolean true (put it in quotes)"}}},
		{"spool_dir dash", seedLine + "spool_dir: '-'\n", []config.Problem{{Line: 2, Path: "spool_dir", Message: `invalid folder "-": name a folder, such as out/spool`}}},
		{"spool_dir empty", seedLine + "spool_dir: ' '\n", []config.Problem{{Line: 2, Path: "spool_dir", Message: `invalid folder " ": name a folder, such as out/spool`}}},
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
