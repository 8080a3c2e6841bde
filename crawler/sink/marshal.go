package sink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gleanerhq/gleaner/extract"
)

// Marshal encodes r as one line of JSON without a trailing newline. It leaves
// <, > and & unescaped so that titles and bodies stay readable. The jsonl sink
// and the extract command both use it, so they print a record identically.
func Marshal(r *extract.Record) ([]byte, error) {
	if r == nil {
		return nil, errors.New("marshal record: nil record")
	}

	var buf bytes.Buffer
	if err := encodeJSON(&buf, r); err != nil {
		return nil, fmt.Errorf("marshal record %s: %w", r.URL, err)
	}

	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeJSON appends v to buf as JSON followed by a newline, without HTML
// escaping. encoding/json never writes a newline inside a value, so the
// result is one line.
func encodeJSON(buf *bytes.Buffer, v any) error {
	encoder := json.NewEncoder(buf)
	encoder.SetEscapeHTML(false)

	return encoder.Encode(v)
}
