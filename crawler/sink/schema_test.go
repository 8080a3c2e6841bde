package sink

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/gleanerhq/gleaner/extract"
)

// recordSchemaPath is the JSON Schema of the stored record, relative to
// this package.
var recordSchemaPath = filepath.Join("..", "..", "schema", "record.schema.json")

// loadRecordSchema compiles the record schema once, with format assertions
// on, so that a date-time that is not RFC 3339 fails.
var loadRecordSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	file, err := os.Open(recordSchemaPath)
	if err != nil {
		return nil, err
	}
	defer file.Close()

	doc, err := jsonschema.UnmarshalJSON(file)
	if err != nil {
		return nil, err
	}

	compiler := jsonschema.NewCompiler()
	compiler.AssertFormat()
	if err := compiler.AddResource("record.schema.json", doc); err != nil {
		return nil, err
	}

	return compiler.Compile("record.schema.json")
})

// validateRecordJSON fails the test unless data, one JSON object, is a
// valid record.
func validateRecordJSON(t *testing.T, data []byte) {
	t.Helper()

	schema, err := loadRecordSchema()
	if err != nil {
		t.Fatalf("load %s: %v", recordSchemaPath, err)
	}
	value, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode record JSON %s: %v", data, err)
	}
	if err := schema.Validate(value); err != nil {
		t.Errorf("record does not match %s: %v\nrecord: %s", recordSchemaPath, err, data)
	}
}

// validateRecordValue validates v, encoded as JSON, as a record.
func validateRecordValue(t *testing.T, v any) {
	t.Helper()

	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	validateRecordJSON(t, data)
}

// fullRecord returns a record with every field set, explain and profile
// fallbacks included.
func fullRecord() *extract.Record {
	r := articleRecord()
	r.OriginalURL = "https://origin.example.org/story/5"
	r.Items = []extract.Entry{{Title: "卡片", URL: "https://news.example.com/article/3", PublishedPrecision: "day", Published: "2024-03-04T00:00:00+08:00"}}
	r.Fallbacks = []string{"title", "body"}
	r.Explain = map[string]string{"title": "json-ld", "published": "meta:article:published_time"}
	r.Recommended[0].PublishedPrecision = "minute"

	return r
}

func TestSchemaAcceptsMarshaledRecords(t *testing.T) {
	tests := []struct {
		name   string
		record *extract.Record
	}{
		{name: "article", record: articleRecord()},
		{name: "listing", record: listingRecord()},
		{name: "every field", record: fullRecord()},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, err := Marshal(tt.record)
			if err != nil {
				t.Fatal(err)
			}

			validateRecordJSON(t, line)
		})
	}
}

func TestSchemaRejectsBadRecords(t *testing.T) {
	tests := []struct {
		name   string
		change func(m map[string]any)
	}{
		{name: "no schema_version", change: func(m map[string]any) { delete(m, "schema_version") }},
		{name: "other schema_version", change: func(m map[string]any) { m["schema_version"] = 2 }},
		{name: "unknown field", change: func(m map[string]any) { m["headline"] = "x" }},
		{name: "published not RFC 3339", change: func(m map[string]any) { m["published"] = "2024年3月5日" }},
		{name: "page_type unknown", change: func(m map[string]any) { m["page_type"] = "video" }},
		{name: "authors not a list", change: func(m map[string]any) { m["authors"] = "王小明" }},
		{name: "image without url", change: func(m map[string]any) { m["images"] = []any{map[string]any{"caption": "c"}} }},
		{name: "entry with unknown field", change: func(m map[string]any) {
			m["recommended"] = []any{map[string]any{"title": "t", "url": "u", "score": 1}}
		}},
		{name: "explain value not text", change: func(m map[string]any) { m["explain"] = map[string]any{"title": 1} }},
	}

	schema, err := loadRecordSchema()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, err := Marshal(fullRecord())
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatal(err)
			}
			tt.change(m)
			data, _ := json.Marshal(m)
			value, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}

			if err := schema.Validate(value); err == nil {
				t.Errorf("schema accepted %s", data)
			}
		})
	}
}

// jsonNames returns the JSON names of the fields of struct type typ.
func jsonNames(typ reflect.Type) []string {
	var names []string
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	slices.Sort(names)

	return names
}

// schemaProperties returns the sorted property names of the object at path
// (a list of keys) in the schema document.
func schemaProperties(t *testing.T, doc map[string]any, path ...string) []string {
	t.Helper()

	node := doc
	for _, key := range path {
		next, ok := node[key].(map[string]any)
		if !ok {
			t.Fatalf("schema has no object at %s", strings.Join(path, "."))
		}
		node = next
	}
	props, ok := node["properties"].(map[string]any)
	if !ok {
		t.Fatalf("schema object at %s has no properties", strings.Join(path, "."))
	}

	var names []string
	for name := range props {
		names = append(names, name)
	}
	slices.Sort(names)

	return names
}

func TestSchemaCoversEveryField(t *testing.T) {
	data, err := os.ReadFile(recordSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		path []string
		want []string
	}{
		{name: "record", path: nil, want: append(jsonNames(reflect.TypeFor[extract.Record]()), "schema_version")},
		{name: "image", path: []string{"$defs", "image"}, want: jsonNames(reflect.TypeFor[extract.Image]())},
		{name: "entry", path: []string{"$defs", "entry"}, want: jsonNames(reflect.TypeFor[extract.Entry]())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := slices.Sorted(slices.Values(tt.want))

			got := schemaProperties(t, doc, tt.path...)

			if !slices.Equal(got, want) {
				t.Errorf("schema properties = %q\nGo fields           = %q\n(update schema/record.schema.json with the record)", got, want)
			}
		})
	}
}
