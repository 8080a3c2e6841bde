package extract

import (
	"encoding/json"
	"os"
	"testing"
	"time"
)

func TestDebugPage(t *testing.T) {
	path := os.Getenv("DEBUG_PAGE")
	if path == "" {
		t.Skip("DEBUG_PAGE not set")
	}
	page, _ := os.ReadFile(path)
	rec, err := Extract(page, Options{URL: os.Getenv("DEBUG_URL"), FetchedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.MarshalIndent(rec, "", " ")
	os.Stdout.Write(out)
}
