package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseCheckpoints(t *testing.T) {
	tests := []struct {
		text    string
		pages   int
		want    []int
		wantErr string
	}{
		{text: "10000,100000", pages: 100000, want: []int{10000, 100000}},
		{text: " 1000 , 5000", pages: 5000, want: []int{1000, 5000}},
		{text: "7", pages: 7, want: []int{7}},
		{text: "10000,100000", pages: 5000, wantErr: "10000 is outside 1 to --pages 5000"},
		{text: "0", pages: 10, wantErr: "0 is outside"},
		{text: "5,5", pages: 10, wantErr: "must be ascending"},
		{text: "6,5", pages: 10, wantErr: "must be ascending"},
		{text: "5,", pages: 10, wantErr: `"" is not a whole number`},
		{text: "1e4", pages: 100000, wantErr: `"1e4" is not a whole number`},
	}
	for _, tt := range tests {
		got, err := parseCheckpoints(tt.text, tt.pages)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parseCheckpoints(%q, %d) error %v, want one containing %q", tt.text, tt.pages, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseCheckpoints(%q, %d): %v", tt.text, tt.pages, err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("parseCheckpoints(%q, %d) = %v, want %v", tt.text, tt.pages, got, tt.want)
		}
	}
}

func TestParseOptions(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "gleaner")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "defaults", args: []string{"--bin", bin}},
		{name: "missing bin", args: nil, wantErr: "missing --bin"},
		{name: "bin not found", args: []string{"--bin", bin + ".missing"}, wantErr: "invalid --bin"},
		{name: "bin is folder", args: []string{"--bin", filepath.Dir(bin)}, wantErr: "is a folder"},
		{name: "default checkpoints above pages", args: []string{"--bin", bin, "--pages", "5000"}, wantErr: "10000 is outside"},
		{name: "no pages", args: []string{"--bin", bin, "--pages", "0"}, wantErr: "invalid --pages 0"},
		{name: "argument", args: []string{"--bin", bin, "extra"}, wantErr: `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := parseOptions(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if opts.pages != 100000 || !slices.Equal(opts.checkpoints, []int{10000, 100000}) {
				t.Errorf("pages %d checkpoints %v, want 100000 and [10000 100000]", opts.pages, opts.checkpoints)
			}
		})
	}
}
