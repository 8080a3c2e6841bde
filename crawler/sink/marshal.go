package sink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/gleanerhq/gleaner/extract"
)

// RecordSchemaVersion is the version of the record layout that every sink
// writes: the "schema_version" field of each JSON record and the
// schema_version column of the database and Parquet sinks. The file
// schema/record.schema.json in the repository describes this version.
//
// The version lives in this package, not in extract.Record, because it
// describes the stored form of a record. It goes up when a field is removed
// or renamed, or when the type or the meaning of a field changes. A new
// optional field does not change it.
const RecordSchemaVersion = 1

// versionedRecord is the stored form of a record: its JSON fields with
// schema_version first. The embedded pointer's fields are promoted, so the
// JSON object stays flat.
type versionedRecord struct {
	SchemaVersion int `json:"schema_version"`
	*extract.Record
}

// Marshal encodes r as one line of JSON without a trailing newline, with
// "schema_version" (RecordSchemaVersion) as its first field. It leaves <, >
// and & unescaped so that titles and bodies stay readable. The jsonl sink,
// the webhook sink, the spool and the extract command all use it, so they
// print a record identically.
func Marshal(r *extract.Record) ([]byte, error) {
	if r == nil {
		return nil, errors.New("marshal record: nil record")
	}

	var buf bytes.Buffer
	if err := encodeRecord(&buf, r); err != nil {
		return nil, fmt.Errorf("marshal record %s: %w", r.URL, err)
	}

	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// encodeRecord appends the stored form of r to buf as one line of JSON
// followed by a newline.
func encodeRecord(buf *bytes.Buffer, r *extract.Record) error {
	return encodeJSON(buf, versionedRecord{SchemaVersion: RecordSchemaVersion, Record: r})
}

// encodeJSON appends v to buf as JSON followed by a newline, without HTML
// escaping. encoding/json never writes a newline inside a value, so the
// result is one line.
func encodeJSON(buf *bytes.Buffer, v any) error {
	encoder := json.NewEncoder(buf)
	encoder.SetEscapeHTML(false)

	return encoder.Encode(v)
}
