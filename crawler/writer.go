package crawler

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/crawler/sink"
	"github.com/gleanerhq/gleaner/extract"
)

// batchWriter is the single goroutine that writes records to the sink. It
// collects records from its channel and writes them in batches of size, or
// whatever it holds when interval passes or the channel closes.
//
// After the first failed write it stops writing, calls onFailure once and
// keeps draining the channel, counting the records as lost, so that the
// senders never block on a dead writer.
type batchWriter struct {
	sink      sink.Sink
	records   chan *extract.Record
	size      int
	interval  time.Duration
	logger    *zap.Logger
	onFailure func()

	// Set by run; read after done is closed.
	written int
	lost    int
	err     error
	done    chan struct{}
}

func newBatchWriter(s sink.Sink, size int, interval time.Duration, logger *zap.Logger, onFailure func()) *batchWriter {
	return &batchWriter{
		sink:      s,
		records:   make(chan *extract.Record, 2*size),
		size:      size,
		interval:  interval,
		logger:    logger,
		onFailure: onFailure,
		done:      make(chan struct{}),
	}
}

// run writes records until the channel is closed, then writes what is
// left and closes done. ctx carries values only: its cancellation does not
// stop a write, so that a stopping crawl still stores what it extracted.
func (w *batchWriter) run(ctx context.Context) {
	defer close(w.done)

	ctx = context.WithoutCancel(ctx)
	ticker := time.NewTicker(w.interval)
	defer ticker.Stop()

	batch := make([]*extract.Record, 0, w.size)
	for {
		select {
		case record, ok := <-w.records:
			if !ok {
				w.flush(ctx, batch)
				return
			}

			batch = append(batch, record)
			if len(batch) >= w.size {
				w.flush(ctx, batch)
				batch = batch[:0]
			}

		case <-ticker.C:
			w.flush(ctx, batch)
			batch = batch[:0]
		}
	}
}

// flush writes batch unless an earlier write failed.
func (w *batchWriter) flush(ctx context.Context, batch []*extract.Record) {
	if len(batch) == 0 {
		return
	}
	if w.err != nil {
		w.lost += len(batch)
		return
	}

	start := time.Now()
	if err := w.sink.Write(ctx, batch); err != nil {
		w.err = fmt.Errorf("write %d records: %w", len(batch), err)
		w.lost += len(batch)
		w.logger.Error("records lost: sink write failed, stopping the crawl",
			zap.Int("records", len(batch)), zap.Error(err))
		w.onFailure()
		return
	}

	w.written += len(batch)
	w.logger.Debug("records written", zap.Int("records", len(batch)), zap.Duration("duration", time.Since(start)))
}
