package sink

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/gleanerhq/gleaner/extract"
)

// memorySink stores records by URL, as an idempotent sink does, and fails
// on request.
type memorySink struct {
	openErr   error           // returned by Open while set
	writeErr  error           // returned by Write while set
	failWrite int             // fail this many more writes with errWriteFailed
	reject    map[string]bool // URLs whose records are invalid
	stored    map[string]*extract.Record
	order     []string // URLs in the order they were stored
	batches   []int    // sizes of the stored batches
	attempts  int      // Write calls
	opens     int
	closes    int
	isOpen    bool
	afterOpen func() // runs after each successful Open
}

var errWriteFailed = errors.New("connection refused")

func (m *memorySink) Open(context.Context) error {
	if m.openErr != nil {
		return m.openErr
	}
	m.opens++
	m.isOpen = true
	if m.afterOpen != nil {
		m.afterOpen()
	}
	return nil
}

func (m *memorySink) Write(_ context.Context, batch []*extract.Record) error {
	m.attempts++
	if !m.isOpen {
		return ErrNotOpen
	}
	if err := checkBatch(batch); err != nil {
		return err
	}
	for i, r := range batch {
		if m.reject[r.URL] {
			return invalidRecord(batch, i, "rejected by the test")
		}
	}
	if m.writeErr != nil {
		return m.writeErr
	}
	if m.failWrite > 0 {
		m.failWrite--
		return errWriteFailed
	}

	if m.stored == nil {
		m.stored = make(map[string]*extract.Record)
	}
	for _, r := range batch {
		m.stored[r.URL] = r
		m.order = append(m.order, r.URL)
	}
	m.batches = append(m.batches, len(batch))
	return nil
}

func (m *memorySink) Close() error {
	m.closes++
	m.isOpen = false
	return nil
}

// testClock is a deliveryClock whose sleeps move its time forward at once.
type testClock struct {
	now   time.Time
	slept []time.Duration
}

func (c *testClock) clock() deliveryClock {
	return deliveryClock{
		now: func() time.Time { return c.now },
		sleep: func(_ context.Context, d time.Duration) error {
			c.slept = append(c.slept, d)
			c.now = c.now.Add(d)
			return nil
		},
	}
}

// deliveryRun is one Delivery over memory sinks, with its own clock.
type deliveryRun struct {
	*Delivery
	clock *testClock
}

// newDelivery builds a Delivery whose sinks[i] is sinks[i], with the YAML
// settings lines of settings[i] when given.
func newDelivery(t *testing.T, spoolDir, onError string, sinks []*memorySink, settings ...string) *deliveryRun {
	t.Helper()

	reg := &Registry{}
	text := "sinks:\n"
	for i, s := range sinks {
		name := "memory" + itoa(i)
		reg.Register(name, func(Spec) (Sink, error) { return s, nil })
		text += "  - type: " + name + "\n"
		if i < len(settings) && settings[i] != "" {
			text += "    " + strings.ReplaceAll(settings[i], "\n", "\n    ") + "\n"
		}
	}
	var specs []Spec
	for i := range sinks {
		specs = append(specs, specFromYAML(t, text, i))
	}

	d, err := NewDelivery(reg, specs, DeliveryOptions{SpoolDir: spoolDir, OnError: onError, Logger: zaptest.NewLogger(t)})
	if err != nil {
		t.Fatalf("NewDelivery: %v", err)
	}
	clock := &testClock{now: time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC)}
	for _, target := range d.targets {
		target.clock = clock.clock()
	}

	return &deliveryRun{Delivery: d, clock: clock}
}

// records returns n article records with URLs numbered from first.
func records(first, n int) []*extract.Record {
	out := make([]*extract.Record, n)
	for i := range out {
		out[i] = recordWithURL(first + i)
	}

	return out
}

// urls returns the URLs of records.
func urls(records []*extract.Record) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = r.URL
	}

	return out
}

// mustOpen opens d or fails the test.
func (d *deliveryRun) mustOpen(t *testing.T) {
	t.Helper()

	if err := d.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
}

// mustWrite writes batches to d or fails the test.
func (d *deliveryRun) mustWrite(t *testing.T, batches ...[]*extract.Record) {
	t.Helper()

	for _, batch := range batches {
		if err := d.Write(t.Context(), batch); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
}

// mustClose closes d or fails the test.
func (d *deliveryRun) mustClose(t *testing.T) {
	t.Helper()

	if err := d.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// spoolLines returns the URLs of the records in the only spool file in
// dir, or nil when there is none.
func spoolLines(t *testing.T, dir string) []string {
	t.Helper()

	matches, err := filepath.Glob(filepath.Join(dir, "memory0-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var spools []string
	for _, m := range matches {
		if !strings.HasSuffix(m, ".rejected.jsonl") {
			spools = append(spools, m)
		}
	}
	if len(spools) == 0 {
		return nil
	}
	if len(spools) > 1 {
		t.Fatalf("several spool files: %q", spools)
	}

	var out []string
	for _, line := range readLines(t, spools[0]) {
		out = append(out, decodeLine(t, line).URL)
	}

	return out
}

func TestDeliveryBatchesBySize(t *testing.T) {
	mem := &memorySink{}
	d := newDelivery(t, t.TempDir(), "", []*memorySink{mem}, "batch_size: 3")
	d.mustOpen(t)

	d.mustWrite(t, records(0, 2), records(2, 2), records(4, 3))

	if !slices.Equal(mem.batches, []int{3, 3}) {
		t.Errorf("batches before Close = %v, want [3 3]", mem.batches)
	}
	d.mustClose(t)
	if !slices.Equal(mem.batches, []int{3, 3, 1}) {
		t.Errorf("batches after Close = %v, want [3 3 1]", mem.batches)
	}
	if !slices.Equal(mem.order, urls(records(0, 7))) {
		t.Errorf("records stored out of order: %q", mem.order)
	}
	if st := d.Stats()[0]; st.Written != 7 || st.Retried != 0 || st.Spooled != 0 {
		t.Errorf("stats = %+v, want 7 written", st)
	}
}

func TestDeliveryBatchesByTime(t *testing.T) {
	mem := &memorySink{}
	d := newDelivery(t, t.TempDir(), "", []*memorySink{mem}, "flush_interval: 2s")
	d.mustOpen(t)
	defer d.mustClose(t)

	d.mustWrite(t, records(0, 2))
	d.clock.now = d.clock.now.Add(1999 * time.Millisecond)
	if err := d.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if len(mem.batches) != 0 {
		t.Fatalf("records written after %s, before the flush interval", 1999*time.Millisecond)
	}

	d.clock.now = d.clock.now.Add(time.Millisecond)
	if err := d.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(mem.batches, []int{2}) {
		t.Errorf("batches after the flush interval = %v, want [2]", mem.batches)
	}
}

func TestDeliveryRetriesWithBackoff(t *testing.T) {
	mem := &memorySink{failWrite: 3}
	d := newDelivery(t, t.TempDir(), "", []*memorySink{mem}, "batch_size: 2\nretries: 4\nretry_backoff: 500ms\nreconnect_interval: 3s")
	d.mustOpen(t)

	d.mustWrite(t, records(0, 2))
	d.mustClose(t)

	wantSleeps := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}
	if !slices.Equal(d.clock.slept, wantSleeps) {
		t.Errorf("waits = %v, want %v", d.clock.slept, wantSleeps)
	}
	if st := d.Stats()[0]; st.Written != 2 || st.Retried != 2 || st.Spooled != 0 {
		t.Errorf("stats = %+v, want 2 written, 2 retried, none spooled", st)
	}
}

func TestDeliveryBackoffIsCapped(t *testing.T) {
	settings := deliverySettings{RetryBackoff: 500 * time.Millisecond, ReconnectInterval: 3 * time.Second}

	var got []time.Duration
	for n := range 6 {
		got = append(got, settings.backoff(n))
	}

	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second, 3 * time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("backoffs = %v, want %v", got, want)
	}
}

func TestDeliverySpoolsAndNextRunReplays(t *testing.T) {
	spool := t.TempDir()
	down := &memorySink{writeErr: errWriteFailed}
	first := newDelivery(t, spool, "", []*memorySink{down}, "batch_size: 2\nretries: 1")
	first.mustOpen(t)

	first.mustWrite(t, records(0, 2), records(2, 2), records(4, 1))
	first.mustClose(t)

	if down.attempts != 3 {
		t.Errorf("sink got %d writes, want 2 for the first batch and 1 last try at Close: a down sink is not retried per batch", down.attempts)
	}
	if st := first.Stats()[0]; st.Spooled != 5 || st.Pending != 5 || st.Written != 0 || st.Retried != 2 {
		t.Errorf("first run stats = %+v, want 5 spooled and pending, 2 retried", st)
	}
	if got := spoolLines(t, spool); !slices.Equal(got, urls(records(0, 5))) {
		t.Fatalf("spool holds %q, want records 0 to 4 in order", got)
	}

	up := &memorySink{}
	second := newDelivery(t, spool, "", []*memorySink{up}, "batch_size: 2\nretries: 1")
	second.mustOpen(t)
	if !slices.Equal(up.order, urls(records(0, 5))) {
		t.Errorf("Open replayed %q, want records 0 to 4 in order", up.order)
	}
	second.mustWrite(t, records(5, 2))
	second.mustClose(t)

	if !slices.Equal(up.order, urls(records(0, 7))) {
		t.Errorf("sink holds %q, want the replayed records before the new ones", up.order)
	}
	if st := second.Stats()[0]; st.Replayed != 5 || st.Written != 2 || st.Pending != 0 {
		t.Errorf("second run stats = %+v, want 5 replayed, 2 written, none pending", st)
	}
	if got := spoolLines(t, spool); got != nil {
		t.Errorf("spool still holds %q after the replay", got)
	}
}

func TestDeliveryReplaysWhenSinkComesBack(t *testing.T) {
	spool := t.TempDir()
	mem := &memorySink{writeErr: errWriteFailed}
	d := newDelivery(t, spool, "", []*memorySink{mem}, "batch_size: 2\nretries: 0\nreconnect_interval: 10s")
	d.mustOpen(t)

	d.mustWrite(t, records(0, 2))
	mem.writeErr = nil
	d.clock.now = d.clock.now.Add(5 * time.Second)
	d.mustWrite(t, records(2, 2))
	if len(mem.order) != 0 {
		t.Fatalf("sink got %q before its reconnect interval passed; the spool must keep the order", mem.order)
	}

	d.clock.now = d.clock.now.Add(5 * time.Second)
	if err := d.Flush(t.Context()); err != nil {
		t.Fatal(err)
	}
	d.mustWrite(t, records(4, 2))
	d.mustClose(t)

	if !slices.Equal(mem.order, urls(records(0, 6))) {
		t.Errorf("sink holds %q, want records 0 to 5 in order", mem.order)
	}
	if st := d.Stats()[0]; st.Spooled != 4 || st.Replayed != 4 || st.Written != 2 || st.Pending != 0 {
		t.Errorf("stats = %+v, want 4 spooled, 4 replayed, 2 written", st)
	}
}

func TestDeliveryPartialReplayKeepsTheRest(t *testing.T) {
	spool := t.TempDir()
	down := &memorySink{writeErr: errWriteFailed}
	first := newDelivery(t, spool, "", []*memorySink{down}, "batch_size: 2\nretries: 0")
	first.mustOpen(t)
	first.mustWrite(t, records(0, 6))
	first.mustClose(t)

	flaky := &memorySink{}
	flaky.afterOpen = func() { flaky.failWrite = 0 }
	second := newDelivery(t, spool, "", []*memorySink{flaky}, "batch_size: 2\nretries: 0")
	// The sink takes one batch of the replay, then fails.
	second.targets[0].sink = &failAfter{memorySink: flaky, ok: 1}
	second.mustOpen(t)
	second.mustClose(t)

	if got := spoolLines(t, spool); !slices.Equal(got, urls(records(2, 4))) {
		t.Errorf("spool after a partial replay holds %q, want records 2 to 5", got)
	}
	if st := second.Stats()[0]; st.Replayed != 2 || st.Pending != 4 {
		t.Errorf("stats = %+v, want 2 replayed, 4 pending", st)
	}
}

// failAfter lets ok writes through, then fails every write.
type failAfter struct {
	*memorySink
	ok int
}

func (f *failAfter) Write(ctx context.Context, batch []*extract.Record) error {
	if f.ok == 0 {
		f.attempts++
		return errWriteFailed
	}
	f.ok--
	return f.memorySink.Write(ctx, batch)
}

func TestDeliveryStopMode(t *testing.T) {
	spool := t.TempDir()
	mem := &memorySink{writeErr: errWriteFailed}
	d := newDelivery(t, spool, OnErrorStop, []*memorySink{mem}, "batch_size: 2\nretries: 1")
	d.mustOpen(t)

	err := d.Write(t.Context(), records(0, 2))

	if !errors.Is(err, ErrSinkDown) || errors.Is(err, ErrRecordsLost) {
		t.Errorf("Write = %v, want ErrSinkDown", err)
	}
	if err := d.Write(t.Context(), records(2, 2)); err != nil {
		t.Errorf("Write after the stop = %v, want nil: the records are spooled", err)
	}
	d.mustClose(t)
	if got := spoolLines(t, spool); !slices.Equal(got, urls(records(0, 4))) {
		t.Errorf("spool holds %q, want records 0 to 3", got)
	}
}

func TestDeliveryOpenFailure(t *testing.T) {
	openErr := errors.New("permission denied")
	tests := []struct {
		name    string
		onError string
		wantErr bool
	}{
		{name: "spool mode starts the sink down", onError: OnErrorSpool},
		{name: "stop mode fails Open", onError: OnErrorStop, wantErr: true},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := &memorySink{}
			mem := &memorySink{openErr: openErr}
			d := newDelivery(t, t.TempDir(), tt.onError, []*memorySink{other, mem}, "", "batch_size: 1\nretries: 2\nreconnect_interval: 5s")

			err := d.Open(t.Context())

			if tt.wantErr {
				if !errors.Is(err, openErr) || !strings.HasPrefix(err.Error(), "sinks[1]: ") {
					t.Errorf("Open = %v, want the sink's error with its key path", err)
				}
				if other.closes != 1 {
					t.Errorf("the sink opened before was closed %d times, want 1", other.closes)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open = %v, want nil", err)
			}
			d.mustWrite(t, records(0, 3))
			mem.openErr = nil
			d.clock.now = d.clock.now.Add(5 * time.Second)
			if err := d.Flush(t.Context()); err != nil {
				t.Fatal(err)
			}
			d.mustClose(t)
			if !slices.Equal(mem.order, urls(records(0, 3))) || !slices.Equal(other.order, urls(records(0, 3))) {
				t.Errorf("sinks hold %q and %q, want records 0 to 2 in both", other.order, mem.order)
			}
			if st := d.Stats()[1]; st.Spooled != 3 || st.Replayed != 3 {
				t.Errorf("stats = %+v, want 3 spooled and replayed", st)
			}
		})
	}
}

func TestDeliveryRejectsInvalidRecord(t *testing.T) {
	spool := t.TempDir()
	bad := recordWithURL(1)
	mem := &memorySink{reject: map[string]bool{bad.URL: true}}
	d := newDelivery(t, spool, "", []*memorySink{mem}, "batch_size: 3")
	d.mustOpen(t)

	d.mustWrite(t, records(0, 3))
	d.mustClose(t)

	if want := []string{recordWithURL(0).URL, recordWithURL(2).URL}; !slices.Equal(mem.order, want) {
		t.Errorf("sink holds %q, want %q", mem.order, want)
	}
	rejected, err := filepath.Glob(filepath.Join(spool, "*.rejected.jsonl"))
	if err != nil || len(rejected) != 1 {
		t.Fatalf("rejected files = %q (%v), want one", rejected, err)
	}
	lines := readLines(t, rejected[0])
	if len(lines) != 1 || decodeLine(t, lines[0]).URL != bad.URL {
		t.Errorf("rejected file holds %q, want the bad record", lines)
	}
	if st := d.Stats()[0]; st.Written != 2 || st.Rejected != 1 || st.Spooled != 0 {
		t.Errorf("stats = %+v, want 2 written and 1 rejected", st)
	}
}

func TestDeliverySpoolFailureLosesRecords(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "blocker")
	if err := os.WriteFile(blocker, []byte("a file, not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	mem := &memorySink{writeErr: errWriteFailed}
	d := newDelivery(t, filepath.Join(blocker, "spool"), "", []*memorySink{mem}, "batch_size: 2\nretries: 0")
	d.mustOpen(t)

	err := d.Write(t.Context(), records(0, 2))

	if !errors.Is(err, ErrRecordsLost) {
		t.Errorf("Write = %v, want ErrRecordsLost", err)
	}
	d.Close()
	if st := d.Stats()[0]; st.Lost != 2 || st.Spooled != 0 {
		t.Errorf("stats = %+v, want 2 lost", st)
	}
}

func TestDeliveryOneSinkDownOthersWrite(t *testing.T) {
	spool := t.TempDir()
	up := &memorySink{}
	down := &memorySink{writeErr: errWriteFailed}
	d := newDelivery(t, spool, "", []*memorySink{down, up}, "batch_size: 2\nretries: 0", "batch_size: 2")
	d.mustOpen(t)

	d.mustWrite(t, records(0, 4))
	d.mustClose(t)

	if !slices.Equal(up.order, urls(records(0, 4))) {
		t.Errorf("the sink that is up holds %q, want every record", up.order)
	}
	stats := d.Stats()
	if stats[0].Spooled != 4 || stats[1].Written != 4 {
		t.Errorf("stats = %+v, want 4 spooled for sinks[0] and 4 written for sinks[1]", stats)
	}
	if stats[0].Sink != "sinks[0] (memory0)" {
		t.Errorf("Sink = %q, want sinks[0] (memory0)", stats[0].Sink)
	}
}

func TestDeliveryHonorsLongRetryAfter(t *testing.T) {
	mem := &memorySink{writeErr: &WebhookError{Status: 429, After: time.Minute}}
	d := newDelivery(t, t.TempDir(), "", []*memorySink{mem}, "batch_size: 1\nretries: 3\nreconnect_interval: 10s")
	d.mustOpen(t)

	d.mustWrite(t, records(0, 1))

	if mem.attempts != 1 || len(d.clock.slept) != 0 {
		t.Errorf("%d tries and waits %v, want one try: the server asked for more than a retry may wait", mem.attempts, d.clock.slept)
	}
	if want := d.clock.now.Add(time.Minute); !d.targets[0].probeAt.Equal(want) {
		t.Errorf("next try at %s, want %s as Retry-After asked", d.targets[0].probeAt, want)
	}
	mem.writeErr = nil
	d.clock.now = d.clock.now.Add(time.Minute)
	d.mustClose(t)
	if len(mem.order) != 1 {
		t.Errorf("sink holds %d records after Close, want the spooled one", len(mem.order))
	}
}

func TestDeliveryCutsTornSpoolLine(t *testing.T) {
	spool := t.TempDir()
	down := &memorySink{writeErr: errWriteFailed}
	first := newDelivery(t, spool, "", []*memorySink{down}, "batch_size: 2\nretries: 0")
	first.mustOpen(t)
	first.mustWrite(t, records(0, 2))
	first.mustClose(t)
	matches, _ := filepath.Glob(filepath.Join(spool, "memory0-*.jsonl"))
	appendTorn(t, matches[0], `{"schema_version":1,"url":"https://news.example.com/article/99","bo`)

	up := &memorySink{}
	second := newDelivery(t, spool, "", []*memorySink{up})
	second.mustOpen(t)
	second.mustClose(t)

	if !slices.Equal(up.order, urls(records(0, 2))) {
		t.Errorf("replayed %q, want records 0 and 1 without the torn line", up.order)
	}
}

func TestNewDeliveryErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "records.jsonl")
	tests := []struct {
		name  string
		specs []Spec
		opts  DeliveryOptions
		want  string
	}{
		{
			name:  "same destination twice",
			specs: []Spec{{Type: "jsonl", Path: path, KeyPath: "sinks[0]", Line: 3}, {Type: "jsonl", Path: path, KeyPath: "sinks[1]", Line: 5}},
			opts:  DeliveryOptions{SpoolDir: dir},
			want:  `line 5: sinks[1]: sink "jsonl" writes to the same destination as sinks[0]: list each destination once`,
		},
		{
			name:  "no spool folder",
			specs: []Spec{{Type: "jsonl", Path: path}},
			want:  "new delivery: missing spool folder",
		},
		{
			name:  "unknown on_sink_error",
			specs: []Spec{{Type: "jsonl", Path: path}},
			opts:  DeliveryOptions{SpoolDir: dir, OnError: "retry"},
			want:  `new delivery: invalid on_sink_error "retry": want "spool" or "stop"`,
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDelivery(Default(), tt.specs, tt.opts)

			if err == nil || err.Error() != tt.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tt.want)
			}
		})
	}
}

func TestDeliverySettingErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{
			name: "batch_size zero",
			yaml: "sinks:\n  - type: jsonl\n    batch_size: 0\n",
			want: `line 3: sinks[0].batch_size: invalid batch_size 0: want 1 to 100000 records`,
		},
		{
			name: "flush_interval not a duration",
			yaml: "sinks:\n  - type: sqlite\n    path: out/g.db\n    flush_interval: often\n",
			want: `line 4: sinks[0].flush_interval: invalid value "often": want a duration such as 5s`,
		},
		{
			name: "retries too many",
			yaml: "sinks:\n  - type: jsonl\n    retries: 50\n",
			want: `line 3: sinks[0].retries: invalid retries 50: want 0 to 20`,
		},
		{
			name: "reconnect_interval zero",
			yaml: "sinks:\n  - type: jsonl\n    reconnect_interval: 0s\n",
			want: `line 3: sinks[0].reconnect_interval: invalid reconnect_interval 0s: want more than 0, such as 30s`,
		},
		{
			name: "sink and delivery problems together",
			yaml: "sinks:\n  - type: jsonl\n    path: out/r.jsonl\n    rotate: hourly\n    retry_backoff: -1s\n",
			want: `line 4: sinks[0].rotate: invalid rotate "hourly": want "run" (one file per run), or leave the key out` + "\n" +
				`line 5: sinks[0].retry_backoff: invalid retry_backoff -1s: want 0 or more, such as 500ms`,
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

func TestDeliverySpoolInUse(t *testing.T) {
	spool := t.TempDir()
	first := newDelivery(t, spool, "", []*memorySink{{}})
	first.mustOpen(t)
	defer first.mustClose(t)

	second := newDelivery(t, spool, "", []*memorySink{{}})
	err := second.Open(t.Context())

	if !errors.Is(err, ErrSpoolInUse) {
		t.Errorf("second Open on the same spool = %v, want ErrSpoolInUse", err)
	}
}
