package sink

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gleanerhq/gleaner/extract"
)

var _ Sink = (*fakeSink)(nil)

// fakeSink records calls and returns the errors set in its openErr,
// writeErr and closeErr fields.
type fakeSink struct {
	openErr, writeErr, closeErr error

	log     *[]string // shared call log of several fakes, when set
	name    string
	opens   int
	writes  int
	closes  int
	batches [][]*extract.Record
}

func (f *fakeSink) record(call string) {
	if f.log != nil {
		*f.log = append(*f.log, f.name+"."+call)
	}
}

func (f *fakeSink) Open(context.Context) error {
	f.record("open")
	f.opens++
	return f.openErr
}

func (f *fakeSink) Write(_ context.Context, batch []*extract.Record) error {
	f.record("write")
	f.writes++
	f.batches = append(f.batches, batch)
	return f.writeErr
}

func (f *fakeSink) Close() error {
	f.record("close")
	f.closes++
	return f.closeErr
}

// fakeRegistry returns a registry whose type names are the names of fakes.
func fakeRegistry(fakes ...*fakeSink) *Registry {
	reg := &Registry{}
	for _, f := range fakes {
		reg.Register(f.name, func(Spec) (Sink, error) { return f, nil })
	}

	return reg
}

// fakeSpecs returns one spec per fake, with key paths sinks[0], sinks[1], ...
func fakeSpecs(fakes ...*fakeSink) []Spec {
	specs := make([]Spec, len(fakes))
	for i, f := range fakes {
		specs[i] = Spec{Type: f.name, KeyPath: fmt.Sprintf("sinks[%d]", i)}
	}

	return specs
}

func TestMultiWritesEverySinkAndClosesAll(t *testing.T) {
	var log []string
	first := &fakeSink{name: "first", log: &log}
	second := &fakeSink{name: "second", log: &log}

	m, err := OpenAll(t.Context(), fakeRegistry(first, second), fakeSpecs(first, second))
	if err != nil {
		t.Fatalf("OpenAll: %v", err)
	}
	if m.Len() != 2 {
		t.Errorf("Len() = %d, want 2", m.Len())
	}

	batch := []*extract.Record{articleRecord()}
	if err := m.Write(t.Context(), batch); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	want := "first.open second.open first.write second.write second.close first.close"
	if got := strings.Join(log, " "); got != want {
		t.Errorf("calls = %q, want %q", got, want)
	}
	if len(second.batches) != 1 || second.batches[0][0] != batch[0] {
		t.Errorf("second sink got batches %v, want the written batch", second.batches)
	}
}

func TestMultiWriteContinuesAfterFailure(t *testing.T) {
	broken := &fakeSink{name: "broken", writeErr: errors.New("disk full")}
	healthy := &fakeSink{name: "healthy"}
	m, err := OpenAll(t.Context(), fakeRegistry(broken, healthy), fakeSpecs(broken, healthy))
	if err != nil {
		t.Fatalf("OpenAll: %v", err)
	}
	defer m.Close()

	err = m.Write(t.Context(), []*extract.Record{articleRecord()})

	if err == nil || err.Error() != "sinks[0]: disk full" {
		t.Errorf("Write error = %v, want %q", err, "sinks[0]: disk full")
	}
	if healthy.writes != 1 {
		t.Errorf("healthy sink got %d writes, want 1", healthy.writes)
	}
}

func TestMultiCloseClosesAllAndJoinsErrors(t *testing.T) {
	first := &fakeSink{name: "first", closeErr: errors.New("sync: input/output error")}
	second := &fakeSink{name: "second", closeErr: errors.New("close: bad file descriptor")}
	third := &fakeSink{name: "third"}
	m, err := OpenAll(t.Context(), fakeRegistry(first, second, third), fakeSpecs(first, second, third))
	if err != nil {
		t.Fatalf("OpenAll: %v", err)
	}

	err = m.Close()

	want := "sinks[1]: close: bad file descriptor\nsinks[0]: sync: input/output error"
	if err == nil || err.Error() != want {
		t.Errorf("Close error = %v, want %q", err, want)
	}
	for _, f := range []*fakeSink{first, second, third} {
		if f.closes != 1 {
			t.Errorf("%s closed %d times, want 1", f.name, f.closes)
		}
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if first.closes != 1 {
		t.Errorf("second Close closed first again")
	}
}

func TestOpenAllClosesOpenedSinksOnFailure(t *testing.T) {
	opened := &fakeSink{name: "opened"}
	failing := &fakeSink{name: "failing", openErr: errors.New("permission denied")}
	never := &fakeSink{name: "never"}

	m, err := OpenAll(t.Context(), fakeRegistry(opened, failing, never), fakeSpecs(opened, failing, never))

	if m != nil {
		t.Errorf("OpenAll returned a Multi with its error")
	}
	if err == nil || err.Error() != "sinks[1]: permission denied" {
		t.Errorf("error = %v, want %q", err, "sinks[1]: permission denied")
	}
	if opened.closes != 1 {
		t.Errorf("sink opened before the failure closed %d times, want 1", opened.closes)
	}
	if failing.closes != 0 || never.opens != 0 {
		t.Errorf("failing sink closed %d times, later sink opened %d times, want 0 and 0", failing.closes, never.opens)
	}
}

func TestNewMultiReportsEverySpec(t *testing.T) {
	specs := []Spec{
		{Type: "jsonl", Path: "out/records.jsonl", KeyPath: "sinks[0]", Line: 5},
		{Type: "kafka", KeyPath: "sinks[1]", Line: 7},
		{Type: "sqlite", KeyPath: "sinks[2]", Line: 9},
	}

	_, err := NewMulti(Default(), specs)

	want := `line 7: sinks[1].type: unknown sink type "kafka" (known: jsonl, parquet, postgres, sqlite, webhook)` + "\n" +
		`line 9: sinks[2].path: missing path for sink "sqlite"`
	if err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}

func TestMultiWriteBeforeOpen(t *testing.T) {
	f := &fakeSink{name: "fake"}
	m, err := NewMulti(fakeRegistry(f), fakeSpecs(f))
	if err != nil {
		t.Fatalf("NewMulti: %v", err)
	}

	err = m.Write(t.Context(), []*extract.Record{articleRecord()})

	if !errors.Is(err, ErrNotOpen) {
		t.Errorf("Write before Open = %v, want ErrNotOpen", err)
	}
	if f.writes != 0 {
		t.Errorf("unopened sink got %d writes", f.writes)
	}
}

func TestOpenAllBuiltinSinks(t *testing.T) {
	dir := t.TempDir()
	specs := []Spec{
		{Type: "jsonl", Path: filepath.Join(dir, "out", "records.jsonl"), KeyPath: "sinks[0]"},
		{Type: "sqlite", Path: filepath.Join(dir, "out", "gleaner.db"), KeyPath: "sinks[1]"},
	}

	m, err := OpenAll(t.Context(), Default(), specs)
	if err != nil {
		t.Fatalf("OpenAll: %v", err)
	}
	if err := m.Write(t.Context(), []*extract.Record{articleRecord(), listingRecord()}); err != nil {
		t.Fatalf("Write: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	lines := readLines(t, specs[0].Path)
	if len(lines) != 2 {
		t.Errorf("jsonl file has %d lines, want 2", len(lines))
	}
	if n := countRows(t, specs[1].Path, "articles"); n != 2 {
		t.Errorf("sqlite table has %d rows, want 2", n)
	}
}

// readLines returns the lines of the file at path.
func readLines(t *testing.T, path string) []string {
	t.Helper()

	file, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer file.Close()

	var lines []string
	scanner := bufio.NewScanner(file)
	scanner.Buffer(nil, 1<<20)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
	}
	if err := scanner.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}

	return lines
}
