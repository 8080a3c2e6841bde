package config_test

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gleanerhq/gleaner/config"
)

// postgresCheck validates sinks the way a sink package would: postgres
// needs a dsn, and every sink rejects keys it does not read.
func postgresCheck(calls *[]string) func(config.SinkSpec) []config.Problem {
	return func(spec config.SinkSpec) []config.Problem {
		*calls = append(*calls, spec.Type)

		var problems []config.Problem
		if spec.Type == "postgres" && spec.Lookup("dsn") == nil {
			problems = append(problems, spec.Problemf("", `missing required key "dsn"`))
		}
		return append(problems, spec.UnknownKeys("dsn", "table")...)
	}
}

func TestSinkCheckReportedWithOtherProblems(t *testing.T) {
	data := `seeds: [https://news.example.com/]
parallelism: 0
sinks:
  - type: postgres
    tabel: articles
  - type: jsonl
    path: out/a.jsonl
    compress: true
  - path: out/untyped
`
	var calls []string
	_, err := config.Parse([]byte(data), t.TempDir(), config.WithSinkCheck(postgresCheck(&calls)))

	want := []config.Problem{
		{Line: 2, Path: "parallelism", Message: "must be at least 1, got 0"},
		{Line: 4, Path: "sinks[0]", Message: `missing required key "dsn"`},
		{Line: 5, Path: "sinks[0].tabel", Message: `unknown key (did you mean "table"?)`},
		{Line: 8, Path: "sinks[1].compress", Message: "unknown key (known keys: dsn, path, table, type)"},
		{Line: 9, Path: "sinks[2]", Message: `missing required key "type"`},
	}
	if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(want))
	}

	// The sink without a type never reaches the check.
	if want := []string{"postgres", "jsonl"}; !reflect.DeepEqual(calls, want) {
		t.Errorf("check called for %q, want %q", calls, want)
	}
}

func TestSinkCheckSeesDefaultSink(t *testing.T) {
	dir := t.TempDir()
	var seen []config.SinkSpec
	check := func(spec config.SinkSpec) []config.Problem {
		seen = append(seen, spec)
		return []config.Problem{{Path: "path", Message: "read-only folder"}}
	}

	_, err := config.Parse([]byte(seedLine), dir, config.WithSinkCheck(check))

	want := []config.Problem{{Line: 0, Path: "sinks[0].path", Message: "read-only folder"}}
	if got := problemsOf(t, err); !reflect.DeepEqual(got, want) {
		t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(want))
	}

	if len(seen) != 1 {
		t.Fatalf("check called %d times, want 1", len(seen))
	}
	if seen[0].Type != "sqlite" {
		t.Errorf("Type = %q, want sqlite", seen[0].Type)
	}
	if want := filepath.Join(dir, "out", "gleaner.db"); seen[0].Path != want {
		t.Errorf("Path = %q, want %q", seen[0].Path, want)
	}
}

func TestSinkCheckPassing(t *testing.T) {
	var calls []string
	data := seedLine + "sinks:\n  - type: postgres\n    dsn: postgres://127.0.0.1/news\n    table: items\n"
	cfg, err := config.Parse([]byte(data), t.TempDir(), config.WithSinkCheck(postgresCheck(&calls)))
	if err != nil {
		t.Fatal(err)
	}

	if got := cfg.Sinks[0].Lookup("table").Value; got != "items" {
		t.Errorf("table = %q, want items", got)
	}
}

func TestSinkSpecProblemf(t *testing.T) {
	data := seedLine + "sinks:\n  - type: postgres\n    dsn: postgres://127.0.0.1/news\n"
	cfg, err := config.Parse([]byte(data), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	spec := cfg.Sinks[0]

	tests := []struct {
		name string
		got  config.Problem
		want config.Problem
	}{
		{"key present", spec.Problemf("dsn", "invalid DSN %q", "x"), config.Problem{Line: 4, Path: "dsn", Message: `invalid DSN "x"`}},
		{"key absent", spec.Problemf("table", "missing"), config.Problem{Line: 3, Path: "table", Message: "missing"}},
		{"whole sink", spec.Problemf("", "unknown sink type"), config.Problem{Line: 3, Path: "", Message: "unknown sink type"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}

func TestSinkSpecLookupAbsent(t *testing.T) {
	var spec config.SinkSpec
	if got := spec.Lookup("path"); got != nil {
		t.Errorf("Lookup on a SinkSpec without node = %v, want nil", got)
	}

	if got := spec.UnknownKeys(); got != nil {
		t.Errorf("UnknownKeys on a SinkSpec without node = %v, want nil", got)
	}
}
