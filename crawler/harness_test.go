package crawler

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/gocolly/colly/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
	"go.uber.org/zap/zaptest/observer"

	"github.com/gleanerhq/gleaner/config"
	"github.com/gleanerhq/gleaner/extract"
)

// fakeClock is a clock whose Sleep returns at once after moving the time
// forward, so that tests of long waits take no real time. Waits still
// order events: a request that waits 7 s is stamped at least 7 s after the
// moment it started waiting.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2023, 11, 3, 4, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}

	c.mu.Lock()
	c.now = c.now.Add(max(d, 0))
	c.mu.Unlock()
	return ctx.Err()
}

// loopbackNet is the network of a test: a resolver that resolves only the
// invented names it was given, and a dialer that connects to 127.0.0.1
// whatever address it is asked for. It records every address the guard let
// through, so a test can tell what a broken guard would have reached, while
// no packet can leave loopback.
type loopbackNet struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr // per name, the results of successive lookups
	lookups map[string]int
	dialed  []string
}

func newLoopbackNet() *loopbackNet {
	return &loopbackNet{answers: make(map[string][][]netip.Addr), lookups: make(map[string]int)}
}

// add makes name resolve to addrs, then to each later result in turn on
// the following lookups. The last result repeats.
func (n *loopbackNet) add(name string, addrs []string, later ...[]string) {
	n.mu.Lock()
	defer n.mu.Unlock()

	for _, answer := range append([][]string{addrs}, later...) {
		var parsed []netip.Addr
		for _, a := range answer {
			parsed = append(parsed, netip.MustParseAddr(a))
		}
		n.answers[name] = append(n.answers[name], parsed)
	}
}

func (n *loopbackNet) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	n.mu.Lock()
	defer n.mu.Unlock()

	answers, ok := n.answers[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(n.lookups[host], len(answers)-1)
	n.lookups[host]++
	return answers[i], nil
}

// dial connects to port on 127.0.0.1, whatever the address.
func (n *loopbackNet) dial(ctx context.Context, network, address string) (net.Conn, error) {
	n.mu.Lock()
	n.dialed = append(n.dialed, address)
	n.mu.Unlock()

	_, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	return d.DialContext(ctx, network, net.JoinHostPort("127.0.0.1", port))
}

// dialedAddresses returns the addresses the guard let through, in order.
func (n *loopbackNet) dialedAddresses() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.dialed...)
}

// memorySink keeps the records written to it.
type memorySink struct {
	mu      sync.Mutex
	records []*extract.Record
}

func (s *memorySink) Open(context.Context) error { return nil }
func (s *memorySink) Close() error               { return nil }

func (s *memorySink) Write(_ context.Context, batch []*extract.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, batch...)
	return nil
}

// crawlResult is what a test crawl did.
type crawlResult struct {
	summary Summary
	records map[string]*extract.Record // by URL
	logs    *observer.ObservedLogs
}

// failures returns the "page failed" log entries for url, each as its kind
// and error text.
func (r crawlResult) failures(url string) []string {
	var out []string
	for _, entry := range r.logs.FilterMessage("page failed").All() {
		fields := entry.ContextMap()
		if fields["url"] == url {
			out = append(out, fmt.Sprintf("%v: %v", fields["kind"], fields["error"]))
		}
	}
	return out
}

// crawlWith runs a crawl of cfg into memory with env, and fails the test
// when Run returns an error.
func crawlWith(t *testing.T, cfg *config.Config, env *environment) crawlResult {
	t.Helper()

	core, logs := observer.New(zapcore.DebugLevel)
	logger := zap.New(zapcore.NewTee(zaptest.NewLogger(t).Core(), core))
	s := &memorySink{}
	c, err := New(cfg, s, Options{Logger: logger, BatchSize: 1, FlushInterval: 20 * time.Millisecond, env: env})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	summary, err := c.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}

	records := make(map[string]*extract.Record)
	for _, r := range s.records {
		records[r.URL] = r
	}
	return crawlResult{summary: summary, records: records, logs: logs}
}

// rawServer is a TCP server on 127.0.0.1 for faults that net/http cannot
// produce. Each connection's first request is read and handed to serve,
// which writes whatever it likes. Cleanup closes the listener and every
// connection and waits for the handlers.
type rawServer struct {
	URL      string
	listener net.Listener
	done     chan struct{}
	wg       sync.WaitGroup

	mu    sync.Mutex
	conns []net.Conn
	paths map[string]int
}

func newRawServer(t *testing.T, serve func(conn net.Conn, req *http.Request, done <-chan struct{})) *rawServer {
	t.Helper()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{URL: "http://" + listener.Addr().String(), listener: listener, done: make(chan struct{}), paths: make(map[string]int)}

	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			s.track(conn)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer conn.Close()
				s.handle(conn, serve)
			}()
		}
	}()

	t.Cleanup(s.close)
	return s
}

func (s *rawServer) track(conn net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns = append(s.conns, conn)
}

func (s *rawServer) handle(conn net.Conn, serve func(net.Conn, *http.Request, <-chan struct{})) {
	req, err := http.ReadRequest(bufio.NewReader(conn))
	if err != nil {
		return
	}

	s.mu.Lock()
	s.paths[req.URL.Path]++
	s.mu.Unlock()

	serve(conn, req, s.done)
}

func (s *rawServer) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paths[path]
}

func (s *rawServer) close() {
	close(s.done)
	s.listener.Close()

	s.mu.Lock()
	for _, conn := range s.conns {
		conn.Close()
	}
	s.mu.Unlock()

	s.wg.Wait()
}

// resetConn closes conn so that the peer gets a reset (RST) rather than
// an orderly end.
func resetConn(conn net.Conn) {
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0)
	}
	conn.Close()
}

// testResponse is a colly response for unit tests of response checks.
func testResponse(t *testing.T, status int, header http.Header, body []byte) *colly.Response {
	t.Helper()

	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/a.html", nil)
	if err != nil {
		t.Fatal(err)
	}
	return &colly.Response{
		StatusCode: status,
		Headers:    &header,
		Body:       body,
		Ctx:        colly.NewContext(),
		Request:    &colly.Request{URL: req.URL, Headers: &req.Header, Ctx: colly.NewContext()},
	}
}

// errorsAs reports whether err wraps a *FetchError, and returns it.
func errorsAs(err error) (*FetchError, bool) {
	var failure *FetchError
	ok := errors.As(err, &failure)
	return failure, ok
}
