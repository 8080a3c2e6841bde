package sink

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"
	"gopkg.in/yaml.v3"

	"github.com/gleanerhq/gleaner/extract"
)

var _ Sink = (*webhookSink)(nil)

// DefaultWebhookTimeout limits one webhook request.
const DefaultWebhookTimeout = 30 * time.Second

// webhookSettings lists the keys of a webhook entry beyond the common ones.
type webhookSettings struct {
	// URL is the http or https address the batches are posted to.
	URL string `yaml:"url"`

	// Headers maps header names to values; parseHeaders reads it.
	Headers yaml.Node `yaml:"headers"`

	// Timeout limits one request, the reading of the response included.
	Timeout time.Duration `yaml:"timeout"`
}

// webhookHeader is one configured request header: a fixed value, or a
// value read from an environment variable when the sink opens, with an
// optional prefix such as "Bearer ".
type webhookHeader struct {
	name   string
	value  string
	env    string
	prefix string
}

// reservedHeaders are set by the sink itself or by net/http.
var reservedHeaders = map[string]bool{
	"Content-Type":      true,
	"Content-Length":    true,
	"Host":              true,
	"Idempotency-Key":   true,
	"Transfer-Encoding": true,
	"Connection":        true,
}

// webhookSink posts each batch of records as one JSON document to a URL.
type webhookSink struct {
	url     *url.URL
	headers []webhookHeader
	timeout time.Duration

	open      bool
	header    http.Header // the resolved headers
	client    *http.Client
	transport *http.Transport
}

// webhookDocument is the JSON document each webhook request carries:
// {"schema_version": 1, "records": [...]}, the records of one batch in
// their stored form, each with its own schema_version (see Marshal).
type webhookDocument struct {
	SchemaVersion int               `json:"schema_version"`
	Records       []versionedRecord `json:"records"`
}

// WebhookError is the error of a webhook request whose response had no
// 2xx status. Delivery retries it like any other failure and waits at
// least RetryAfter when the response had a Retry-After header.
type WebhookError struct {
	// Status is the HTTP status code of the response.
	Status int

	// After is the wait the Retry-After header asked for, or 0.
	After time.Duration
}

// Error names the status.
func (e *WebhookError) Error() string {
	return fmt.Sprintf("webhook responded %d %s", e.Status, http.StatusText(e.Status))
}

// RetryAfter returns the wait the server asked for, or 0.
func (e *WebhookError) RetryAfter() time.Duration { return e.After }

// NewWebhook builds a sink that posts each batch as one JSON document,
// {"schema_version": 1, "records": [RECORD, ...]}, to the URL of the url setting, with the Content-Type
// application/json and an Idempotency-Key header: the SHA-256 of the body,
// the same for every retry of a batch. A 2xx response means the batch is
// stored. Redirects are not followed: a 3xx response is an error.
//
// Its other settings are timeout (default 30s) and headers, a mapping of
// header names to values. A value is either a string or a mapping
// {env: NAME, prefix: "Bearer "} that reads the value from the environment
// variable NAME when the sink opens, so that tokens stay out of the
// configuration file. Header values and the URL's query and user
// information are never logged.
//
// Receivers must store records keyed by url: a batch that failed with a
// timeout may have been stored, and is sent again.
func NewWebhook(spec Spec) (Sink, error) {
	settings := webhookSettings{Timeout: DefaultWebhookTimeout}
	if err := decodeSettings(spec, &settings); err != nil {
		return nil, err
	}

	var errs []error
	if err := noPath(spec, "a URL"); err != nil {
		errs = append(errs, err)
	}

	target, err := checkWebhookURL(settings.URL)
	if err != nil {
		errs = append(errs, spec.settingError("url", "%v", err))
	}
	headers, headerErrs := parseHeaders(spec, &settings.Headers)
	errs = append(errs, headerErrs...)
	if settings.Timeout <= 0 {
		errs = append(errs, spec.settingError("timeout", "invalid timeout %s: want more than 0, such as 30s", settings.Timeout))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	return &webhookSink{url: target, headers: headers, timeout: settings.Timeout}, nil
}

// checkWebhookURL parses an absolute http or https URL.
func checkWebhookURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("missing url: give the http or https address to post records to")
	}

	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("invalid url %q: want an absolute http or https URL", redactURL(raw))
	}

	return u, nil
}

// redactURL returns raw without its user information and query, which may
// hold secrets, for messages and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "..."
	}
	u.Fragment = ""

	return u.String()
}

// parseHeaders reads the headers mapping. Each problem is a *SpecError with
// the line of the bad value.
func parseHeaders(spec Spec, node *yaml.Node) ([]webhookHeader, []error) {
	if node.Kind == 0 {
		return nil, nil
	}
	if node.Kind != yaml.MappingNode {
		return nil, []error{spec.nodeError(node, "headers", "must be a mapping of header names to values")}
	}

	var headers []webhookHeader
	var errs []error
	seen := make(map[string]bool)
	for i := 0; i+1 < len(node.Content); i += 2 {
		keyNode, valueNode := node.Content[i], node.Content[i+1]
		name := keyNode.Value
		key := "headers." + name

		canonical := http.CanonicalHeaderKey(name)
		switch {
		case !httpguts.ValidHeaderFieldName(name):
			errs = append(errs, spec.nodeError(keyNode, key, "invalid header name %q", name))
			continue
		case reservedHeaders[canonical]:
			errs = append(errs, spec.nodeError(keyNode, key, "header %s is set by gleaner and cannot be configured", canonical))
			continue
		case seen[canonical]:
			errs = append(errs, spec.nodeError(keyNode, key, "header %s is listed twice", canonical))
			continue
		}
		seen[canonical] = true

		header, err := parseHeaderValue(spec, key, valueNode)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		header.name = canonical
		headers = append(headers, header)
	}

	return headers, errs
}

// parseHeaderValue reads one header value: a string, or a mapping with env
// and an optional prefix.
func parseHeaderValue(spec Spec, key string, node *yaml.Node) (webhookHeader, error) {
	if node.Kind == yaml.ScalarNode {
		if node.ShortTag() != "!!str" {
			return webhookHeader{}, spec.nodeError(node, key, "invalid value %q: want a string (put it in quotes) or {env: NAME, prefix: TEXT}", node.Value)
		}
		if !httpguts.ValidHeaderFieldValue(node.Value) {
			return webhookHeader{}, spec.nodeError(node, key, "invalid header value: it contains control characters")
		}
		return webhookHeader{value: node.Value}, nil
	}
	if node.Kind != yaml.MappingNode {
		return webhookHeader{}, spec.nodeError(node, key, "invalid value %s: want a string or {env: NAME, prefix: TEXT}", describeValue(node))
	}

	var h webhookHeader
	for i := 0; i+1 < len(node.Content); i += 2 {
		k, v := node.Content[i], node.Content[i+1]
		if v.Kind != yaml.ScalarNode {
			return webhookHeader{}, spec.nodeError(v, key+"."+k.Value, "invalid value %s: want a string", describeValue(v))
		}
		switch k.Value {
		case "env":
			if message := checkEnvName(v.Value); message != "" {
				return webhookHeader{}, spec.nodeError(v, key+".env", "%s", message)
			}
			h.env = v.Value
		case "prefix":
			if !httpguts.ValidHeaderFieldValue(v.Value) {
				return webhookHeader{}, spec.nodeError(v, key+".prefix", "invalid prefix: it contains control characters")
			}
			h.prefix = v.Value
		default:
			return webhookHeader{}, spec.nodeError(k, key+"."+k.Value, "unknown key (known: env, prefix)")
		}
	}
	if h.env == "" {
		return webhookHeader{}, spec.nodeError(node, key, "missing env: name the environment variable that contains the value")
	}

	return h, nil
}

// name identifies the sink in errors without secrets.
func (s *webhookSink) name() string { return "webhook " + redactURL(s.url.String()) }

func (s *webhookSink) destinationID() string {
	return "webhook " + shortHash(s.url.String())
}

// Open reads the header values from the environment and prepares the HTTP
// client. It sends no request.
func (s *webhookSink) Open(ctx context.Context) error {
	if s.open {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: open: %w", s.name(), err)
	}

	header := make(http.Header)
	for _, h := range s.headers {
		value := h.value
		if h.env != "" {
			env, ok := os.LookupEnv(h.env)
			if !ok || env == "" {
				return fmt.Errorf("%s: open: environment variable %s is not set: it must hold the value of header %s", s.name(), h.env, h.name)
			}
			if !httpguts.ValidHeaderFieldValue(env) {
				return fmt.Errorf("%s: open: environment variable %s contains control characters, which are invalid in header %s", s.name(), h.env, h.name)
			}
			value = h.prefix + env
		}
		header.Set(h.name, value)
	}
	header.Set("Content-Type", "application/json")
	if header.Get("User-Agent") == "" {
		header.Set("User-Agent", "gleaner")
	}

	s.transport = http.DefaultTransport.(*http.Transport).Clone()
	s.client = &http.Client{
		Transport: s.transport,
		Timeout:   s.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	s.header = header
	s.open = true

	return nil
}

// Write posts batch as one request. Only a 2xx response stores it.
func (s *webhookSink) Write(ctx context.Context, batch []*extract.Record) error {
	if !s.open {
		return fmt.Errorf("%s: write: %w", s.name(), ErrNotOpen)
	}
	if err := checkBatch(batch); err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}
	if len(batch) == 0 {
		return nil
	}

	body, err := encodeWebhookBody(batch)
	if err != nil {
		return fmt.Errorf("%s: write: %w", s.name(), err)
	}

	if err := s.post(ctx, body); err != nil {
		return fmt.Errorf("%s: write %d records: %w", s.name(), len(batch), err)
	}

	return nil
}

// encodeWebhookBody encodes batch as a webhookDocument.
func encodeWebhookBody(batch []*extract.Record) ([]byte, error) {
	doc := webhookDocument{SchemaVersion: RecordSchemaVersion, Records: make([]versionedRecord, len(batch))}
	for i, r := range batch {
		doc.Records[i] = versionedRecord{SchemaVersion: RecordSchemaVersion, Record: r}
	}

	var buf bytes.Buffer
	if err := encodeJSON(&buf, doc); err != nil {
		return nil, err
	}

	return buf.Bytes(), nil
}

// post sends body and checks the status of the response.
func (s *webhookSink) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url.String(), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = s.header.Clone()
	sum := sha256.Sum256(body)
	req.Header.Set("Idempotency-Key", hex.EncodeToString(sum[:16]))

	resp, err := s.client.Do(req)
	if err != nil {
		return redactURLError(err)
	}
	defer resp.Body.Close()

	// Read a little of the response so that the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &WebhookError{Status: resp.StatusCode, After: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}

	return nil
}

// redactURLError strips the URL from a *url.Error, which would print the
// query and user information.
func redactURLError(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return fmt.Errorf("%s: %w", strings.ToLower(urlErr.Op), urlErr.Err)
	}

	return err
}

// retryAfter reads a Retry-After value, in seconds or as an HTTP date, as a
// wait from now. It returns 0 when the value is missing or invalid.
func retryAfter(value string, now time.Time) time.Duration {
	if value == "" {
		return 0
	}
	if seconds, err := strconv.Atoi(strings.TrimSpace(value)); err == nil && seconds > 0 {
		return time.Duration(seconds) * time.Second
	}
	if when, err := http.ParseTime(value); err == nil && when.After(now) {
		return when.Sub(now)
	}

	return 0
}

// Close releases the client's idle connections.
func (s *webhookSink) Close() error {
	if !s.open {
		return nil
	}
	s.open = false
	s.transport.CloseIdleConnections()
	s.client, s.transport, s.header = nil, nil, nil

	return nil
}
