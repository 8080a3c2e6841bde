package sink

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"
)

// Sink stores records. The package documentation states the contract every
// implementation keeps: single-goroutine use, all-or-nothing batches,
// idempotent writes keyed by URL, no retries of its own, and Close once
// after Open.
type Sink interface {
	// Open creates what the sink writes to (files, directories, tables)
	// or connects to it. After a failed Open the sink holds nothing and
	// Close returns nil. Open on a sink that is already open does nothing.
	Open(ctx context.Context) error

	// Write stores every record of batch, or returns an error and stores
	// none of them, except in the cases the package documentation lists.
	// An empty batch is a no-op. Write before Open or after Close returns
	// ErrNotOpen. A record the sink can never store fails the batch with a
	// *RecordError before anything is written.
	Write(ctx context.Context, batch []*extract.Record) error

	// Close flushes buffered data to stable storage and releases what
	// Open acquired. Calling it before Open or a second time returns nil.
	Close() error
}

// Flusher is implemented by sinks that hold records back to write them in
// larger batches, such as Delivery. The crawler calls Flush regularly so
// that a held record waits no longer than the sink's flush interval.
type Flusher interface {
	// Flush writes the held records whose wait reached the flush
	// interval. It returns the same errors as Write.
	Flush(ctx context.Context) error
}

// StatsReporter is implemented by sinks that count what happened to the
// records of a run, such as Delivery.
type StatsReporter interface {
	// Stats returns one entry per configured sink, in configuration order.
	Stats() []Stats
}

// destinationIdentifier is implemented by the built-in sinks. Its result
// names where the sink writes (a file, a table, a URL) so that a sink keeps
// its spool file when the configuration lists it at another position. It
// never holds a secret in the clear: a DSN or a URL is hashed.
type destinationIdentifier interface {
	destinationID() string
}

// loggerSetter is implemented by sinks that log repairs they make, such as
// a torn last line cut from a file. Delivery passes its logger on.
type loggerSetter interface {
	setLogger(logger *zap.Logger)
}

var (
	// ErrNotOpen is returned by Write on a sink that is not open.
	ErrNotOpen = errors.New("sink is not open")

	// ErrInvalidRecord is wrapped by the *RecordError a sink returns for a
	// record it can never store: a nil record, a record without a URL, or a
	// value the destination rejects, such as a NUL character in text for
	// PostgreSQL. Nothing of that batch is written.
	ErrInvalidRecord = errors.New("invalid record")

	// ErrSinkDown is wrapped by the error Delivery returns, with
	// on_sink_error set to stop, when a sink failed every try of a batch.
	// The records were spooled and no record was lost, but the crawl
	// should stop.
	ErrSinkDown = errors.New("sink is down, records spooled")

	// ErrRecordsLost is wrapped by the error Delivery returns when records
	// could be neither written nor spooled, for example because the spool's
	// disk is full.
	ErrRecordsLost = errors.New("records lost")
)

// RecordError reports the record of a batch that a sink can never store.
// Retrying the same record fails again, so Delivery takes it out of the
// batch, keeps it in the sink's rejected file and writes the rest.
type RecordError struct {
	// Index is the position of the record in the batch.
	Index int

	// URL is the record's URL, empty for a nil record.
	URL string

	// Err states what is wrong and wraps ErrInvalidRecord.
	Err error
}

// Error names the record by its index and URL, then the problem.
func (e *RecordError) Error() string {
	if e.URL == "" {
		return fmt.Sprintf("record %d: %v", e.Index, e.Err)
	}

	return fmt.Sprintf("record %d (%s): %v", e.Index, e.URL, e.Err)
}

// Unwrap returns the problem, which wraps ErrInvalidRecord.
func (e *RecordError) Unwrap() error { return e.Err }

// invalidRecord returns a *RecordError for the record at index of batch.
func invalidRecord(batch []*extract.Record, index int, format string, args ...any) *RecordError {
	url := ""
	if batch[index] != nil {
		url = batch[index].URL
	}

	return &RecordError{Index: index, URL: url, Err: fmt.Errorf("%w: %s", ErrInvalidRecord, fmt.Sprintf(format, args...))}
}

// checkBatch returns a *RecordError for the first record of batch that no
// sink can store.
func checkBatch(batch []*extract.Record) error {
	for i, r := range batch {
		if r == nil {
			return invalidRecord(batch, i, "nil record")
		}
		if r.URL == "" {
			return invalidRecord(batch, i, "empty url")
		}
	}

	return nil
}
