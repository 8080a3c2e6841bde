package sink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"
)

var (
	_ Sink          = (*Delivery)(nil)
	_ Flusher       = (*Delivery)(nil)
	_ StatsReporter = (*Delivery)(nil)
)

// Values of DeliveryOptions.OnError, the on_sink_error key of the
// configuration.
const (
	// OnErrorSpool keeps crawling when a sink stays down: its records go
	// to its spool and are replayed when it comes back or in the next run.
	OnErrorSpool = "spool"

	// OnErrorStop stops the crawl when a sink stays down. The batch that
	// failed, and every record still on its way, are spooled all the same.
	OnErrorStop = "stop"
)

// DeliveryOptions configure a Delivery.
type DeliveryOptions struct {
	// SpoolDir is the folder of the spool files, created when a sink first
	// needs one. Required.
	SpoolDir string

	// OnError is OnErrorSpool or OnErrorStop; empty means OnErrorSpool.
	OnError string

	// Logger receives the delivery's logs; nil means no logging.
	Logger *zap.Logger
}

// Stats counts what happened to the records of one sink during a run.
type Stats struct {
	// Sink names the sink by its key path and type, such as
	// "sinks[1] (postgres)".
	Sink string

	// Written counts the records of this run the sink stored.
	Written int

	// Retried counts the records of batches that needed more than one try.
	Retried int

	// Spooled counts the records put in the spool because the sink was down.
	Spooled int

	// Replayed counts the records taken from the spool and stored, from
	// this run or from earlier ones.
	Replayed int

	// Rejected counts the records the sink can never store (see
	// RecordError). They are kept in the sink's rejected file.
	Rejected int

	// Pending counts the records left in the spool when the run ended.
	Pending int

	// Lost counts the records that could be neither stored nor spooled.
	Lost int
}

// Delivery is the Sink the crawler writes to. It passes records to every
// configured sink and keeps the delivery contract of the package
// documentation for each one on its own. That means batches by size and
// time, retries with backoff, a spool while the sink is down, and the
// replay of the spool when the sink comes back or in the next run. One sink
// being down never holds back the others.
//
// Like any Sink it is not safe for concurrent use.
type Delivery struct {
	targets []*target
	open    bool
}

// deliveryClock is the time source of a Delivery. Tests replace it to run
// backoffs without waiting.
type deliveryClock struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

var realClock = deliveryClock{now: time.Now, sleep: sleepContext}

// sleepContext waits for d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()

	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NewDelivery builds every sink of specs from reg, with the delivery
// settings of each entry, without opening any. It reports the problems of
// all specs at once, joined. Two entries that write to the same destination
// are an error, because they would share a spool.
func NewDelivery(reg *Registry, specs []Spec, opts DeliveryOptions) (*Delivery, error) {
	if opts.SpoolDir == "" {
		return nil, errors.New("new delivery: missing spool folder")
	}
	if opts.OnError == "" {
		opts.OnError = OnErrorSpool
	}
	if opts.OnError != OnErrorSpool && opts.OnError != OnErrorStop {
		return nil, fmt.Errorf("new delivery: invalid on_sink_error %q: want %q or %q", opts.OnError, OnErrorSpool, OnErrorStop)
	}
	logger := opts.Logger
	if logger == nil {
		logger = zap.NewNop()
	}

	d := &Delivery{}
	var errs []error
	destinations := make(map[string]string) // spool file name → label of the first sink
	for i, spec := range specs {
		s, err := reg.New(spec)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		settings, err := parseDeliverySettings(spec)
		if err != nil {
			errs = append(errs, err)
			continue
		}

		t := newTarget(spec, i, s, settings, opts, logger)
		if first, ok := destinations[t.spoolName]; ok {
			errs = append(errs, &SpecError{
				Line:    spec.Line,
				Key:     spec.KeyPath,
				Message: fmt.Sprintf("sink %q writes to the same destination as %s: list each destination once", spec.Type, first),
				Err:     ErrInvalidSetting,
			})
			continue
		}
		destinations[t.spoolName] = t.label
		d.targets = append(d.targets, t)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	return d, nil
}

// Len returns the number of sinks in d.
func (d *Delivery) Len() int { return len(d.targets) }

// Open opens every sink and replays what their spools hold from earlier
// runs, in order, before any new record. With OnErrorSpool a sink that
// cannot be opened after its retries counts as down: its records are
// spooled and Open tries it again every reconnect_interval. With
// OnErrorStop it fails Open, and the sinks opened before it are closed.
func (d *Delivery) Open(ctx context.Context) error {
	if d.open {
		return nil
	}

	for i, t := range d.targets {
		if err := t.open(ctx); err != nil {
			var errs []error
			errs = append(errs, err)
			for _, opened := range d.targets[:i] {
				if closeErr := opened.close(); closeErr != nil {
					errs = append(errs, closeErr)
				}
			}
			return errors.Join(errs...)
		}
	}
	d.open = true

	return nil
}

// Write adds batch to every sink's pending records and writes the sinks'
// full batches. It returns an error wrapping ErrRecordsLost when records
// could be neither written nor spooled, and, with OnErrorStop, an error
// wrapping ErrSinkDown when a sink failed every try of a batch. Otherwise it
// returns nil, also when records went to a spool.
func (d *Delivery) Write(ctx context.Context, batch []*extract.Record) error {
	if !d.open {
		return ErrNotOpen
	}

	var errs []error
	for _, t := range d.targets {
		if err := t.add(ctx, batch); err != nil {
			errs = append(errs, err)
		}
	}

	return errors.Join(errs...)
}

// Flush writes the pending records that waited flush_interval or longer
// and tries again the sinks that are down once their reconnect_interval has
// passed. It returns the errors Write returns.
func (d *Delivery) Flush(ctx context.Context) error {
	if !d.open {
		return ErrNotOpen
	}

	var errs []error
	for _, t := range d.targets {
		if err := t.flushDue(ctx); err != nil {
			errs = append(errs, err)
		}
	}

	return errors.Join(errs...)
}

// Close writes every pending record, gives each sink that is down one more
// chance to take its spool, closes the sinks in reverse order and logs what
// each sink did. It returns the failures joined.
func (d *Delivery) Close() error {
	if !d.open {
		return nil
	}
	d.open = false

	var errs []error
	for i := len(d.targets) - 1; i >= 0; i-- {
		if err := d.targets[i].close(); err != nil {
			errs = append(errs, err)
		}
	}

	return errors.Join(errs...)
}

// Stats returns what happened to the records of each sink so far.
func (d *Delivery) Stats() []Stats {
	stats := make([]Stats, len(d.targets))
	for i, t := range d.targets {
		stats[i] = t.stats
		if t.spool != nil {
			stats[i].Pending = t.spool.pending
		}
	}

	return stats
}

// shortHash returns the first 12 hex digits of the SHA-256 of s.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:12]
}

// spoolNames returns the spool and rejected file names of sink s.
func spoolNames(spec Spec, index int, s Sink) (spool, rejected string) {
	destination := memberLabel(index, spec)
	if id, ok := s.(destinationIdentifier); ok {
		destination = id.destinationID()
	}

	return spoolFileName(spec.Type, destination), rejectedFileName(spec.Type, destination)
}

// newTarget wraps sink s of spec for delivery.
func newTarget(spec Spec, index int, s Sink, settings deliverySettings, opts DeliveryOptions, logger *zap.Logger) *target {
	label := memberLabel(index, spec)
	spoolName, rejectedName := spoolNames(spec, index, s)
	logger = logger.With(zap.String("sink", label), zap.String("type", spec.Type))
	if setter, ok := s.(loggerSetter); ok {
		setter.setLogger(logger)
	}

	return &target{
		label:        label,
		sink:         s,
		settings:     settings,
		stop:         opts.OnError == OnErrorStop,
		spoolName:    spoolName,
		spoolPath:    filepath.Join(opts.SpoolDir, spoolName),
		rejectedPath: filepath.Join(opts.SpoolDir, rejectedName),
		logger:       logger,
		clock:        realClock,
		stats:        Stats{Sink: fmt.Sprintf("%s (%s)", label, spec.Type)},
	}
}
