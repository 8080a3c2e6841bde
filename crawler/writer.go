package crawler

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/crawler/sink"
	"github.com/gleanerhq/gleaner/extract"
)

// batchWriter is the single goroutine that writes records to the sink. It
// collects records from its channel and writes them in batches of size, or
// whatever it holds when interval passes or the channel closes. When the
// sink holds records back itself (sink.Flusher, such as sink.Delivery),
// each tick also lets it write those that waited long enough.
//
// A write error that wraps sink.ErrSinkDown means the records were spooled
// but the crawl must stop: the writer calls onFailure once and goes on
// passing records to the sink, which spools them too. After any other
// failed write it stops writing, calls onFailure once and keeps draining
// the channel, counting the records as lost, so that the senders never
// block on a dead writer.
type batchWriter struct {
	sink      sink.Sink
	records   chan *extract.Record
	size      int
	interval  time.Duration
	logger    *zap.Logger
	onFailure func()
	// onWritten, when set, receives each batch the sink accepted.
	onWritten func(batch []*extract.Record)

	// written is read while the writer runs, for progress reports.
	written atomic.Int64

	// Set by run; read after done is closed.
	lost int
	err  error
	dead bool // a write failed without spooling: later records are lost
	done chan struct{}
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
			w.flushSink(ctx)
		}
	}
}

// flush writes batch unless an earlier write failed without spooling.
func (w *batchWriter) flush(ctx context.Context, batch []*extract.Record) {
	if len(batch) == 0 {
		return
	}
	if w.dead {
		w.lost += len(batch)
		return
	}

	start := time.Now()
	err := w.sink.Write(ctx, batch)
	if w.handle(err, len(batch)) {
		return
	}

	w.written.Add(int64(len(batch)))
	if w.onWritten != nil {
		w.onWritten(batch)
	}
	w.logger.Debug("records written", zap.Int("records", len(batch)), zap.Duration("duration", time.Since(start)))
}

// flushSink lets a sink that holds records back write those that waited
// long enough.
func (w *batchWriter) flushSink(ctx context.Context) {
	flusher, ok := w.sink.(sink.Flusher)
	if !ok || w.dead {
		return
	}

	w.handle(flusher.Flush(ctx), 0)
}

// handle deals with the error of a write of n records and reports whether
// the records are lost. A sink that spooled the records but requests a stop
// (sink.ErrSinkDown) stops the crawl without losing them.
func (w *batchWriter) handle(err error, n int) bool {
	switch {
	case err == nil:
		return false

	case errors.Is(err, sink.ErrSinkDown) && !errors.Is(err, sink.ErrRecordsLost):
		if w.err == nil {
			w.err = err
			w.logger.Error("sink down, stopping the crawl; its records are spooled for the next run", zap.Error(err))
			w.onFailure()
		}
		return false

	default:
		w.err = errors.Join(w.err, fmt.Errorf("write %d records: %w", n, err))
		w.dead = true
		w.lost += n
		w.logger.Error("records lost: sink write failed, stopping the crawl",
			zap.Int("records", n), zap.Error(err))
		w.onFailure()
		return true
	}
}
