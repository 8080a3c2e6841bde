package main

import (
	"strings"
	"testing"
)

func TestHelpPrintedOnce(t *testing.T) {
	for _, command := range []string{"crawl", "extract", "scrape", "check"} {
		for _, flag := range []string{"--help", "-h"} {
			t.Run(command+" "+flag, func(t *testing.T) {
				stdout, stderr, code, err := runCommand(t, command, flag)

				if code != exitOK {
					t.Fatalf("exit code = %d (%v), want 0", code, err)
				}
				if !strings.HasPrefix(stdout, "Usage: gleaner "+command) {
					t.Errorf("stdout does not start with the usage: %.60q", stdout)
				}
				if stderr != "" {
					t.Errorf("stderr = %.80q, want nothing: the help goes to stdout once", stderr)
				}
			})
		}
	}
}

func TestBadFlagMessages(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"crawl", "--config", "x.yaml", "--every", "abc"}, []string{
			`invalid value "abc" for flag -every: not a duration: use a number with a unit (ms, s, m, h), such as 90s or 10m`,
			"Run 'gleaner crawl --help' for the flags."}},
		{[]string{"crawl", "--config", "x.yaml", "--max-duration", "5"}, []string{
			`invalid value "5" for flag -max-duration: not a duration`}},
		{[]string{"extract", "--bogus"}, []string{
			"flag provided but not defined: -bogus", "Run 'gleaner extract --help' for the flags."}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stderr, code, _ := runCommand(t, tt.args...)

			if code != exitFailure {
				t.Errorf("exit code = %d, want %d", code, exitFailure)
			}
			for _, want := range tt.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if strings.Contains(stderr, "Usage:") {
				t.Errorf("stderr repeats the whole usage:\n%s", stderr)
			}
		})
	}
}
