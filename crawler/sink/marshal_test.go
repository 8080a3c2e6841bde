package sink

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMarshalMatchesJSONLLine(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "records.golden.jsonl"))
	if err != nil {
		t.Fatalf("read golden file: %v", err)
	}
	firstLine, _, _ := bytes.Cut(golden, []byte("\n"))

	got, err := Marshal(articleRecord())

	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	if !bytes.Equal(got, firstLine) {
		t.Errorf("Marshal =\n%s\nwant the jsonl line\n%s", got, firstLine)
	}
}

func TestMarshalFormat(t *testing.T) {
	got, err := Marshal(articleRecord())
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	text := string(got)

	if strings.Contains(text, "\n") {
		t.Errorf("output has a newline: %q", text)
	}
	if !strings.Contains(text, `"title":"颱風「海葵」逼近 <花蓮> & 台東發布警報"`) {
		t.Errorf("title is escaped or missing in %s", text)
	}
	if !strings.Contains(text, `"body":"氣象署今晨發布海上颱風警報。\n花蓮`) {
		t.Errorf("body paragraphs are not joined by an escaped newline in %s", text)
	}
}

func TestMarshalNil(t *testing.T) {
	_, err := Marshal(nil)

	if err == nil || err.Error() != "marshal record: nil record" {
		t.Errorf("Marshal(nil) error = %v, want %q", err, "marshal record: nil record")
	}
}
