package sink

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/gleanerhq/gleaner/extract"
)

// The fault tests end with a count of the records a sink holds, checked
// against what was written: expected, found (distinct URLs), duplicated
// (copies beyond the first) and missing. They log the counts so that a run
// shows them.

// faultCounts compares the URLs a sink holds, in any order and with
// repeats, with the URLs written.
type faultCounts struct {
	expected, found, duplicated, missing int
}

func countURLs(want []string, got []string) faultCounts {
	seen := make(map[string]int, len(got))
	for _, u := range got {
		seen[u]++
	}

	c := faultCounts{expected: len(want), found: len(seen)}
	for _, n := range seen {
		c.duplicated += n - 1
	}
	for _, u := range want {
		if seen[u] == 0 {
			c.missing++
		}
	}

	return c
}

// check logs the counts and fails the test on any lost or duplicated
// record.
func (c faultCounts) check(t *testing.T, what string) {
	t.Helper()

	t.Logf("%s: expected %d, found %d, duplicated %d, missing %d", what, c.expected, c.found, c.duplicated, c.missing)
	if c.found != c.expected || c.duplicated != 0 || c.missing != 0 {
		t.Errorf("%s: %d records lost, %d duplicated", what, c.missing, c.duplicated)
	}
}

// faultRecord returns record i of a fault test, with a body of about size
// bytes.
func faultRecord(i, size int, fetched time.Time) *extract.Record {
	r := recordWithURL(i)
	r.FetchedAt = fetched
	r.Body = fmt.Sprintf("第 %d 則新聞的內文。", i) + strings.Repeat("颱風警報持續發布，各地注意強風豪雨。", size/54+1)

	return r
}

func TestFaultWebhookAnswers500ForAWhile(t *testing.T) {
	const total, batch = 100, 5
	rec := newWebhookReceiver(t)
	var mu sync.Mutex
	var failUntil time.Time
	failures := 0
	inner := rec.Config.Handler
	rec.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if failUntil.IsZero() {
			failUntil = time.Now().Add(300 * time.Millisecond)
		}
		failing := time.Now().Before(failUntil)
		if failing {
			failures++
		}
		mu.Unlock()

		if failing {
			http.Error(w, "database unavailable", http.StatusInternalServerError)
			return
		}
		inner.ServeHTTP(w, r)
	})

	spec := specFromYAML(t, "sinks:\n  - type: webhook\n    url: '"+rec.URL+"'\n    batch_size: 5\n    retries: 2\n"+
		"    retry_backoff: 20ms\n    reconnect_interval: 100ms\n    flush_interval: 50ms\n", 0)
	d, err := NewDelivery(Default(), []Spec{spec}, DeliveryOptions{SpoolDir: t.TempDir(), Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Open(t.Context()); err != nil {
		t.Fatal(err)
	}

	var written []string
	fetched := time.Now().UTC()
	for i := 0; i < total; i += batch {
		var records []*extract.Record
		for j := i; j < i+batch; j++ {
			records = append(records, faultRecord(j, 500, fetched))
			written = append(written, recordWithURL(j).URL)
		}
		if err := d.Write(t.Context(), records); err != nil {
			t.Fatalf("Write: %v", err)
		}
		time.Sleep(40 * time.Millisecond) // the crawl producing the next pages
		if err := d.Flush(t.Context()); err != nil {
			t.Fatalf("Flush: %v", err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	received := urls(rec.received(t))
	st := d.Stats()[0]
	t.Logf("webhook: %d requests answered 500; sink stats: written %d, retried %d, spooled %d, replayed %d, pending %d",
		failures, st.Written, st.Retried, st.Spooled, st.Replayed, st.Pending)
	countURLs(written, received).check(t, "webhook records")
	if st.Retried == 0 || st.Spooled == 0 || st.Replayed != st.Spooled || st.Pending != 0 || st.Written == 0 {
		t.Errorf("stats = %+v, want retries, spooled records all replayed, and records written after the receiver came back", st)
	}
	if strings.Join(received, "\n") != strings.Join(written, "\n") {
		t.Errorf("receiver got the records out of order:\n%s", strings.Join(received, "\n"))
	}
}

// jsonlLineURLs returns the URL of every line of a jsonl file and the
// number of lines that are no valid record.
func jsonlLineURLs(t *testing.T, path string) (urls []string, invalid int) {
	t.Helper()

	for _, line := range readLines(t, path) {
		var r extract.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.URL == "" {
			invalid++
			continue
		}
		validateRecordJSON(t, []byte(line))
		urls = append(urls, r.URL)
	}

	return urls, invalid
}
