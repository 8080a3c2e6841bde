package sink

import (
	"context"
	"errors"
	"fmt"

	"github.com/gleanerhq/gleaner/extract"
)

// Sink stores records. The package documentation states the contract every
// implementation keeps: single-goroutine use, all-or-nothing batches, no
// retries, and Close once after Open.
type Sink interface {
	// Open creates what the sink writes to (files, directories, tables).
	// After a failed Open the sink holds nothing and Close returns nil.
	// Open on a sink that is already open does nothing.
	Open(ctx context.Context) error

	// Write stores every record of batch, or returns an error and stores
	// none of them, except in the jsonl cases the package documentation
	// lists. An empty batch is a no-op. Write before Open or after
	// Close returns ErrNotOpen.
	Write(ctx context.Context, batch []*extract.Record) error

	// Close flushes buffered data to stable storage and releases what
	// Open acquired. Calling it before Open or a second time returns nil.
	Close() error
}

var (
	// ErrNotOpen is returned by Write on a sink that is not open.
	ErrNotOpen = errors.New("sink is not open")

	// ErrInvalidRecord is returned by Write for a batch holding a nil
	// record or a record without a URL. Nothing of that batch is written.
	ErrInvalidRecord = errors.New("invalid record")
)

// checkBatch returns an ErrInvalidRecord error for the first record of batch
// that no sink can store.
func checkBatch(batch []*extract.Record) error {
	for i, r := range batch {
		if r == nil {
			return fmt.Errorf("record %d: %w: nil record", i, ErrInvalidRecord)
		}
		if r.URL == "" {
			return fmt.Errorf("record %d: %w: empty url", i, ErrInvalidRecord)
		}
	}

	return nil
}
