package crawler

import (
	"context"
	"errors"
	"regexp"
	"sync"
	"testing"

	"go.uber.org/zap/zaptest"

	"github.com/gleanerhq/gleaner/extract"
)

// fakeSink records its calls and fails Open or Write on request.
type fakeSink struct {
	openErr  error
	writeErr error

	mu      sync.Mutex
	closed  int
	written int
}

func (s *fakeSink) Open(context.Context) error { return s.openErr }

func (s *fakeSink) Write(_ context.Context, batch []*extract.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writeErr != nil {
		return s.writeErr
	}
	s.written += len(batch)
	return nil
}

func (s *fakeSink) Close() error {
	s.closed++
	return nil
}

func TestRunStopsOnSinkFailure(t *testing.T) {
	site := newTestSite(t, "")
	cfg := testConfig(t, site.URL+"/list/1.html")
	cfg.MaxDepth = 2
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/news/\d+\.html$`)}
	writeErr := errors.New("disk full")
	s := &fakeSink{writeErr: writeErr}
	c, err := New(cfg, s, Options{Logger: zaptest.NewLogger(t), BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}

	summary, err := c.Run(context.Background())

	if !errors.Is(err, writeErr) {
		t.Errorf("Run error = %v, want the sink's error", err)
	}
	if summary.Errors["sink"] == 0 {
		t.Errorf("errors = %v, want lost records counted as sink", summary.Errors)
	}
	if summary.Articles != 0 {
		t.Errorf("articles = %d, want 0 written", summary.Articles)
	}
	if s.closed != 1 {
		t.Errorf("sink closed %d times, want once", s.closed)
	}
}

func TestRunReportsSinkOpenFailure(t *testing.T) {
	site := newTestSite(t, "")
	openErr := errors.New("permission denied")
	s := &fakeSink{openErr: openErr}
	c, err := New(testConfig(t, site.URL+"/list/1.html"), s, Options{Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.Run(context.Background())

	if !errors.Is(err, openErr) {
		t.Errorf("Run error = %v, want the Open error", err)
	}
	if n := site.count("/list/1.html"); n != 0 {
		t.Errorf("seed fetched %d times, want 0 when the sink cannot open", n)
	}
}

func TestRunOnlyOnce(t *testing.T) {
	site := newTestSite(t, "")
	cfg := testConfig(t, site.URL+"/news/1013.html")
	c, err := New(cfg, &fakeSink{}, Options{Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(context.Background()); err != nil {
		t.Fatalf("first Run: %v", err)
	}

	_, err = c.Run(context.Background())

	if err == nil {
		t.Error("second Run returned no error")
	}
}
