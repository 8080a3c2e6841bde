package sink

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/extract"
)

// webhookReceiver is a test server on 127.0.0.1 that stores the batches
// posted to it. While failing is above zero it responds with status
// instead and counts down.
type webhookReceiver struct {
	*httptest.Server

	mu       sync.Mutex
	failing  int
	status   int
	retry    string // Retry-After of the failing responses
	bodies   [][]byte
	headers  []http.Header
	requests int
}

func newWebhookReceiver(t *testing.T) *webhookReceiver {
	t.Helper()

	rec := &webhookReceiver{status: http.StatusInternalServerError}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}

		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.requests++
		if rec.failing > 0 {
			rec.failing--
			if rec.retry != "" {
				w.Header().Set("Retry-After", rec.retry)
			}
			http.Error(w, "try again later", rec.status)
			return
		}
		rec.bodies = append(rec.bodies, body)
		rec.headers = append(rec.headers, r.Header.Clone())
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rec.Close)

	return rec
}

// fail makes the next n requests fail with status.
func (rec *webhookReceiver) fail(n, status int) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.failing, rec.status = n, status
}

// received decodes every stored batch and returns the records in arrival
// order, validating each against the record schema.
func (rec *webhookReceiver) received(t *testing.T) []*extract.Record {
	t.Helper()

	rec.mu.Lock()
	defer rec.mu.Unlock()

	var records []*extract.Record
	for _, body := range rec.bodies {
		var doc struct {
			SchemaVersion int               `json:"schema_version"`
			Records       []json.RawMessage `json:"records"`
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("decode webhook body %s: %v", body, err)
		}
		if doc.SchemaVersion != RecordSchemaVersion {
			t.Errorf("body schema_version = %d, want %d", doc.SchemaVersion, RecordSchemaVersion)
		}
		for _, raw := range doc.Records {
			validateRecordJSON(t, raw)
			var r extract.Record
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			records = append(records, &r)
		}
	}

	return records
}

// newWebhook builds an unopened webhook sink posting to url.
func newWebhook(t *testing.T, url string, extra ...string) *webhookSink {
	t.Helper()

	text := "sinks:\n  - type: webhook\n    url: '" + url + "'\n"
	for _, line := range extra {
		text += "    " + line + "\n"
	}
	s, err := NewWebhook(specFromYAML(t, text, 0))
	if err != nil {
		t.Fatalf("NewWebhook: %v", err)
	}

	return s.(*webhookSink)
}

func TestWebhookRoundTrip(t *testing.T) {
	rec := newWebhookReceiver(t)
	want := []*extract.Record{fullRecord(), listingRecord(), recordWithURL(1)}

	runJSONL(t, newWebhook(t, rec.URL+"/ingest"), want[:2], want[2:])

	got := rec.received(t)
	if len(got) != len(want) {
		t.Fatalf("receiver got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		assertSameRecord(t, got[i], want[i])
	}
	if n := len(rec.bodies); n != 2 {
		t.Errorf("receiver got %d requests, want one per batch (2)", n)
	}
	if ct := rec.headers[0].Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
}

func TestWebhookUpsertKeyedByURL(t *testing.T) {
	rec := newWebhookReceiver(t)
	changed := articleRecord()
	changed.Body = "更新：颱風警報已解除。"

	runJSONL(t, newWebhook(t, rec.URL), []*extract.Record{articleRecord()}, []*extract.Record{changed})

	latest := make(map[string]*extract.Record)
	for _, r := range rec.received(t) {
		latest[r.URL] = r
	}
	if len(latest) != 1 || latest[changed.URL].Body != changed.Body {
		t.Errorf("receiver keyed by url holds %d records, body %q; want 1 with the changed body", len(latest), latest[changed.URL].Body)
	}
}

func TestWebhookHeaders(t *testing.T) {
	rec := newWebhookReceiver(t)
	t.Setenv("GLEANER_WEBHOOK_TEST_TOKEN", "tok-123")
	s := newWebhook(t, rec.URL,
		"headers:",
		"  Authorization: {env: GLEANER_WEBHOOK_TEST_TOKEN, prefix: 'Bearer '}",
		"  x-source: gleaner-test",
	)

	runJSONL(t, s, []*extract.Record{recordWithURL(1)})

	header := rec.headers[0]
	if got := header.Get("Authorization"); got != "Bearer tok-123" {
		t.Errorf("Authorization = %q, want the token from the environment with its prefix", got)
	}
	if got := header.Get("X-Source"); got != "gleaner-test" {
		t.Errorf("X-Source = %q, want gleaner-test", got)
	}
	if got := header.Get("Idempotency-Key"); len(got) != 32 {
		t.Errorf("Idempotency-Key = %q, want 32 hex digits", got)
	}
}

func TestWebhookIdempotencyKeyStableAcrossRetries(t *testing.T) {
	rec := newWebhookReceiver(t)
	s := newWebhook(t, rec.URL)
	if err := s.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	batch := []*extract.Record{recordWithURL(1), recordWithURL(2)}

	for range 2 {
		if err := s.Write(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
	}

	if a, b := rec.headers[0].Get("Idempotency-Key"), rec.headers[1].Get("Idempotency-Key"); a != b {
		t.Errorf("the same batch was sent with keys %q and %q", a, b)
	}
}

func TestWebhookErrorStatus(t *testing.T) {
	rec := newWebhookReceiver(t)
	rec.fail(1, http.StatusTooManyRequests)
	rec.retry = "7"
	s := newWebhook(t, rec.URL+"/ingest?token=secret-in-query")
	if err := s.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	err := s.Write(t.Context(), []*extract.Record{recordWithURL(1)})

	var webhookErr *WebhookError
	if !errors.As(err, &webhookErr) {
		t.Fatalf("Write = %v, want a *WebhookError", err)
	}
	if webhookErr.Status != http.StatusTooManyRequests || webhookErr.RetryAfter() != 7*time.Second {
		t.Errorf("WebhookError = %d, wait %s; want 429, wait 7s", webhookErr.Status, webhookErr.RetryAfter())
	}
	if strings.Contains(err.Error(), "secret-in-query") {
		t.Errorf("error %q shows the URL's query", err)
	}
}

func TestWebhookDoesNotFollowRedirects(t *testing.T) {
	rec := newWebhookReceiver(t)
	redirect := httptest.NewServer(http.RedirectHandler(rec.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	s := newWebhook(t, redirect.URL)
	if err := s.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	err := s.Write(t.Context(), []*extract.Record{recordWithURL(1)})

	var webhookErr *WebhookError
	if !errors.As(err, &webhookErr) || webhookErr.Status != http.StatusTemporaryRedirect {
		t.Errorf("Write = %v, want a 307 WebhookError", err)
	}
	if rec.requests != 0 {
		t.Errorf("the redirect was followed (%d requests)", rec.requests)
	}
}

func TestWebhookOpenNeedsEnvironment(t *testing.T) {
	t.Setenv("GLEANER_WEBHOOK_TEST_UNSET", "")
	s := newWebhook(t, "http://127.0.0.1:9/ingest", "headers: {Authorization: {env: GLEANER_WEBHOOK_TEST_UNSET}}")

	err := s.Open(t.Context())

	want := "webhook http://127.0.0.1:9/ingest: open: environment variable GLEANER_WEBHOOK_TEST_UNSET is not set: it must hold the value of header Authorization"
	if err == nil || err.Error() != want {
		t.Errorf("Open = %v, want %q", err, want)
	}
}

func TestWebhookSettingErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{
			name: "no url",
			yaml: "sinks:\n  - type: webhook\n",
			want: `line 2: sinks[0].url: missing url: give the http or https address to post records to`,
		},
		{
			name: "url not http",
			yaml: "sinks:\n  - type: webhook\n    url: 'ftp://user:pw@example.com/x?token=t'\n",
			want: `line 3: sinks[0].url: invalid url "ftp://example.com/x?...": want an absolute http or https URL`,
		},
		{
			name: "headers not a mapping",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    headers: [a]\n",
			want: `line 4: sinks[0].headers: must be a mapping of header names to values`,
		},
		{
			name: "header name invalid",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    headers:\n      'X Bad': v\n",
			want: `line 5: sinks[0].headers.X Bad: invalid header name "X Bad"`,
		},
		{
			name: "reserved header",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    headers:\n      content-type: text/plain\n",
			want: `line 5: sinks[0].headers.content-type: header Content-Type is set by gleaner and cannot be configured`,
		},
		{
			name: "header env name invalid",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    headers:\n      Authorization: {env: 'MY-TOKEN'}\n",
			want: `line 5: sinks[0].headers.Authorization.env: invalid environment variable name "MY-TOKEN": want letters, digits and underscores, not starting with a digit`,
		},
		{
			name: "header mapping without env",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    headers:\n      Authorization: {prefix: 'Bearer '}\n",
			want: `line 5: sinks[0].headers.Authorization: missing env: name the environment variable that contains the value`,
		},
		{
			name: "header mapping unknown key",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    headers:\n      Authorization:\n        env: TOKEN\n        file: /run/token\n",
			want: `line 7: sinks[0].headers.Authorization.file: unknown key (known: env, prefix)`,
		},
		{
			name: "header value a number",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    headers:\n      X-Version: 2\n",
			want: `line 5: sinks[0].headers.X-Version: invalid value "2": want a string (put it in quotes) or {env: NAME, prefix: TEXT}`,
		},
		{
			name: "timeout zero",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    timeout: 0s\n",
			want: `line 4: sinks[0].timeout: invalid timeout 0s: want more than 0, such as 30s`,
		},
		{
			name: "path",
			yaml: "sinks:\n  - type: webhook\n    url: http://127.0.0.1/x\n    path: out\n",
			want: `line 4: sinks[0].path: sink "webhook" writes to a URL and takes no path: remove the key`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Default().New(specFromYAML(t, tt.yaml, 0))

			if err == nil || err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"30", 30 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{"Tue, 05 Mar 2024 08:01:00 GMT", time.Minute},
		{"Tue, 05 Mar 2024 07:00:00 GMT", 0},
	}

	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			if got := retryAfter(tt.value, now); got != tt.want {
				t.Errorf("retryAfter(%q) = %s, want %s", tt.value, got, tt.want)
			}
		})
	}
}
