package sink

import (
	"errors"
	"io"
	"slices"
	"testing"
)

func TestDefaultRegistryNames(t *testing.T) {
	got := Default().Names()

	want := []string{"jsonl", "parquet", "postgres", "sqlite", "webhook"}
	if !slices.Equal(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
}

func TestRegistryUnknownType(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{
			name: "unregistered type",
			yaml: "seeds: [http://127.0.0.1:8080/]\nsinks:\n  - type: kafka\n    brokers: [localhost:9092]\n",
			want: `line 3: sinks[0].type: unknown sink type "kafka" (known: jsonl, parquet, postgres, sqlite, webhook)`,
		},
		{
			name: "missing type",
			yaml: "sinks:\n  - path: out/records.jsonl\n",
			want: `line 2: sinks[0].type: missing sink type (known: jsonl, parquet, postgres, sqlite, webhook)`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Default().New(specFromYAML(t, tt.yaml, 0))

			if err == nil {
				t.Fatal("New returned no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q, want %q", err, tt.want)
			}
			if !errors.Is(err, ErrUnknownType) {
				t.Errorf("error %q does not wrap ErrUnknownType", err)
			}
		})
	}
}

func TestRegistryUnknownTypeWithoutNode(t *testing.T) {
	spec := Spec{Type: "kafka", Path: "out/", Line: 12, KeyPath: "sinks[2]"}

	_, err := Default().New(spec)

	want := `line 12: sinks[2].type: unknown sink type "kafka" (known: jsonl, parquet, postgres, sqlite, webhook)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
}

func TestRegistryRegisterReplacesAndRemoves(t *testing.T) {
	reg := Default()
	fake := &fakeSink{}
	reg.Register("jsonl", func(Spec) (Sink, error) { return fake, nil })

	got, err := reg.New(Spec{Type: "jsonl"})
	if err != nil {
		t.Fatalf("New after Register: %v", err)
	}
	if got != fake {
		t.Errorf("New returned %T, want the registered fake", got)
	}

	reg.Register("jsonl", nil)
	if names := reg.Names(); !slices.Equal(names, []string{"parquet", "postgres", "sqlite", "webhook"}) {
		t.Errorf("Names() after removing jsonl = %q, want [parquet postgres sqlite webhook]", names)
	}
	if _, err := reg.New(Spec{Type: "jsonl"}); !errors.Is(err, ErrUnknownType) {
		t.Errorf("New of removed type: error = %v, want ErrUnknownType", err)
	}
}

func TestZeroRegistry(t *testing.T) {
	var reg Registry

	if names := reg.Names(); len(names) != 0 {
		t.Errorf("Names() of zero registry = %q, want none", names)
	}

	reg.Register("fake", func(Spec) (Sink, error) { return &fakeSink{}, nil })
	if _, err := reg.New(Spec{Type: "fake"}); err != nil {
		t.Errorf("New on zero registry after Register: %v", err)
	}
}

func TestSinkSettingErrors(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		index    int
		want     string
		sentinel error
	}{
		{
			name:     "jsonl unknown key",
			yaml:     "delay: 0s\nsinks:\n  - type: jsonl\n    pth: out/records.jsonl\n",
			want:     `line 4: sinks[0].pth: unknown key for sink "jsonl" (known: type, path, rotate, rotate_size, gzip, batch_size, flush_interval, retries, retry_backoff, reconnect_interval)`,
			sentinel: ErrUnknownKey,
		},
		{
			name:     "sqlite unknown key",
			yaml:     "sinks:\n  - type: jsonl\n  - type: sqlite\n    path: out/gleaner.db\n    tabel: news\n",
			index:    1,
			want:     `line 5: sinks[1].tabel: unknown key for sink "sqlite" (known: type, path, table, busy_timeout, batch_size, flush_interval, retries, retry_backoff, reconnect_interval)`,
			sentinel: ErrUnknownKey,
		},
		{
			name:     "sqlite missing path",
			yaml:     "sinks:\n  - type: sqlite\n    table: news\n",
			want:     `line 2: sinks[0].path: missing path for sink "sqlite"`,
			sentinel: ErrInvalidSetting,
		},
		{
			name:     "sqlite table with space",
			yaml:     "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    table: bad name\n",
			want:     `line 4: sinks[0].table: invalid table name "bad name": want an ASCII letter or underscore followed by at most 62 letters, digits or underscores`,
			sentinel: ErrInvalidSetting,
		},
		{
			name:     "sqlite reserved table",
			yaml:     "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    table: sqlite_master\n",
			want:     `line 4: sinks[0].table: invalid table name "sqlite_master": names starting with sqlite_ are reserved by SQLite`,
			sentinel: ErrInvalidSetting,
		},
		{
			name:     "sqlite version table",
			yaml:     "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    table: schema_version\n",
			want:     `line 4: sinks[0].table: invalid table name "schema_version": schema_version is the table of the schema version`,
			sentinel: ErrInvalidSetting,
		},
		{
			name:     "sqlite busy_timeout not a duration",
			yaml:     "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    busy_timeout: soon\n",
			want:     `line 4: sinks[0].busy_timeout: invalid value "soon": want a duration such as 5s`,
			sentinel: ErrInvalidSetting,
		},
		{
			name:     "sqlite busy_timeout without unit",
			yaml:     "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    busy_timeout: 5\n",
			want:     `line 4: sinks[0].busy_timeout: invalid value "5": want a duration such as 5s`,
			sentinel: ErrInvalidSetting,
		},
		{
			name:     "sqlite negative busy_timeout",
			yaml:     "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    busy_timeout: -1s\n",
			want:     `line 4: sinks[0].busy_timeout: invalid busy_timeout -1s: want 0 or more, at most 2147483647 ms`,
			sentinel: ErrInvalidSetting,
		},
		{
			name:     "sqlite table not a string",
			yaml:     "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    table: [a, b]\n",
			want:     `line 4: sinks[0].table: invalid value (a list): want a string`,
			sentinel: ErrInvalidSetting,
		},
		{
			name: "every problem reported",
			yaml: "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    pth: x\n    busy_timeout: soon\n",
			want: `line 4: sinks[0].pth: unknown key for sink "sqlite" (known: type, path, table, busy_timeout, batch_size, flush_interval, retries, retry_backoff, reconnect_interval)` + "\n" +
				`line 5: sinks[0].busy_timeout: invalid value "soon": want a duration such as 5s`,
			sentinel: ErrUnknownKey,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Default().New(specFromYAML(t, tt.yaml, tt.index))

			if err == nil {
				t.Fatal("New returned no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error =\n%s\nwant\n%s", err, tt.want)
			}
			if !errors.Is(err, tt.sentinel) {
				t.Errorf("error %q does not wrap %v", err, tt.sentinel)
			}
			var specErr *SpecError
			if !errors.As(err, &specErr) {
				t.Errorf("error %q is not a *SpecError", err)
			}
		})
	}
}

func TestSinkSettingsAccepted(t *testing.T) {
	tests := []struct {
		name string
		yaml string
	}{
		{name: "jsonl file", yaml: "sinks:\n  - type: jsonl\n    path: out/records.jsonl\n"},
		{name: "jsonl stdout", yaml: "sinks:\n  - type: jsonl\n    path: '-'\n"},
		{name: "jsonl without path", yaml: "sinks:\n  - type: jsonl\n"},
		{name: "sqlite defaults", yaml: "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n"},
		{name: "sqlite all settings", yaml: "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    table: news_2024\n    busy_timeout: 30s\n"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Default().New(specFromYAML(t, tt.yaml, 0))

			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if s == nil {
				t.Fatal("New returned a nil sink")
			}
		})
	}
}

func TestSQLiteSettingsDecoded(t *testing.T) {
	spec := specFromYAML(t, "sinks:\n  - type: sqlite\n    path: out/gleaner.db\n    table: news_2024\n    busy_timeout: 1m30s\n", 0)

	s, err := NewSQLite(spec)
	if err != nil {
		t.Fatalf("NewSQLite: %v", err)
	}

	got := s.(*sqliteSink)
	if got.table != "news_2024" {
		t.Errorf("table = %q, want news_2024", got.table)
	}
	if got.busyTimeout.String() != "1m30s" {
		t.Errorf("busy_timeout = %s, want 1m30s", got.busyTimeout)
	}
	if got.path != "out/gleaner.db" {
		t.Errorf("path = %q, want out/gleaner.db", got.path)
	}
}

func TestNewJSONLWithoutNode(t *testing.T) {
	s, err := NewJSONL(Spec{Type: "jsonl", Path: "-"}, io.Discard)
	if err != nil {
		t.Fatalf("NewJSONL: %v", err)
	}

	if got := s.(*jsonlSink).series.path; got != "" {
		t.Errorf("path for \"-\" = %q, want standard output (empty)", got)
	}
}
