package sink

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"
)

// retryAfterError is implemented by errors that carry the wait a server
// requested, such as the webhook sink's error for a 429 response with
// Retry-After.
type retryAfterError interface {
	RetryAfter() time.Duration
}

// target is one sink of a Delivery with its pending records, its spool and
// its counts.
type target struct {
	label        string // the key path, such as "sinks[1]"
	sink         Sink
	settings     deliverySettings
	stop         bool // on_sink_error is stop
	spoolName    string
	spoolPath    string
	rejectedPath string
	logger       *zap.Logger
	clock        deliveryClock

	spool   *spool
	opened  bool      // the sink's Open succeeded and Close is not called yet
	down    bool      // the sink failed; new records go to the spool
	probeAt time.Time // when a down sink is tried again

	pending      []*extract.Record
	pendingSince time.Time // arrival of the oldest pending record

	stats Stats
}

// open opens the spool and the sink and replays the spool. With
// on_sink_error spool a sink that cannot be opened starts down; with stop it
// is an error.
func (t *target) open(ctx context.Context) error {
	sp, cut, err := openSpool(t.spoolPath)
	if err != nil {
		return fmt.Errorf("%s: %w", t.label, err)
	}
	t.spool = sp
	if cut > 0 {
		t.logger.Warn("torn end of spool cut off", zap.String("path", t.spoolPath), zap.Int64("bytes", cut))
	}

	if _, err := t.withRetries(ctx, "open", t.openSink); err != nil {
		if t.stop {
			return errors.Join(fmt.Errorf("%s: %w", t.label, err), t.spool.close())
		}
		t.goDown(err)
		return nil
	}

	if t.spool.pending > 0 {
		t.logger.Info("replaying spool", zap.String("path", t.spoolPath), zap.Int("records", t.spool.pending))
		if err := t.replay(ctx); err != nil {
			if t.stop {
				return errors.Join(fmt.Errorf("%s: replay spool: %w", t.label, err), t.sink.Close(), t.spool.close())
			}
			t.goDown(err)
		}
	}

	return nil
}

// openSink opens the sink unless it is open.
func (t *target) openSink(ctx context.Context) error {
	if t.opened {
		return nil
	}
	if err := t.sink.Open(ctx); err != nil {
		return err
	}
	t.opened = true

	return nil
}

// add queues records and writes every full batch.
func (t *target) add(ctx context.Context, records []*extract.Record) error {
	if len(records) == 0 {
		return nil
	}
	if len(t.pending) == 0 {
		t.pendingSince = t.clock.now()
	}
	t.pending = append(t.pending, records...)

	var errs []error
	for len(t.pending) >= t.settings.BatchSize {
		batch := slices.Clone(t.pending[:t.settings.BatchSize])
		t.pending = slices.Delete(t.pending, 0, t.settings.BatchSize)
		if err := t.deliver(ctx, batch); err != nil {
			errs = append(errs, err)
		}

		// Fewer than batch_size records were pending before this call, so
		// the ones left after a full batch all arrived now.
		t.pendingSince = t.clock.now()
	}
	if len(t.pending) > 0 && t.clock.now().Sub(t.pendingSince) >= t.settings.FlushInterval {
		errs = append(errs, t.flushPending(ctx))
	}

	return errors.Join(errs...)
}

// flushDue writes the pending records once the oldest waited the flush
// interval, and tries a down sink again once its reconnect interval passed.
func (t *target) flushDue(ctx context.Context) error {
	now := t.clock.now()
	if len(t.pending) > 0 && now.Sub(t.pendingSince) >= t.settings.FlushInterval {
		return t.flushPending(ctx)
	}
	if t.down && !now.Before(t.probeAt) {
		t.recover(ctx)
	}

	return nil
}

// flushPending writes every pending record.
func (t *target) flushPending(ctx context.Context) error {
	if len(t.pending) == 0 {
		return nil
	}
	batch := t.pending
	t.pending = nil

	return t.deliver(ctx, batch)
}

// deliver writes batch to the sink with retries, or to the spool when the
// sink is down or stays down. While the spool holds records, new ones join
// them there, so that the replay keeps their order.
func (t *target) deliver(ctx context.Context, batch []*extract.Record) error {
	if t.down && !t.clock.now().Before(t.probeAt) {
		t.recover(ctx)
	}
	if t.down {
		return t.toSpool(batch, nil)
	}

	size := len(batch)
	tries, err := t.withRetries(ctx, "write", func(ctx context.Context) error {
		written, rest, writeErr := t.writeValid(ctx, batch)
		t.stats.Written += written
		batch = rest
		return writeErr
	})
	if tries > 1 {
		t.stats.Retried += size
	}
	if err == nil {
		return nil
	}

	t.goDown(err)
	return t.toSpool(batch, err)
}

// withRetries runs try until it succeeds or the retries run out, waiting
// the backoff between tries. It returns the number of tries and the last
// error.
func (t *target) withRetries(ctx context.Context, step string, try func(context.Context) error) (int, error) {
	for attempt := 0; ; attempt++ {
		err := try(ctx)
		if err == nil {
			return attempt + 1, nil
		}
		if attempt >= t.settings.Retries {
			return attempt + 1, err
		}

		wait := t.settings.backoff(attempt)
		var asked retryAfterError
		if errors.As(err, &asked) && asked.RetryAfter() > wait {
			wait = asked.RetryAfter()
		}
		if wait > t.settings.ReconnectInterval {
			return attempt + 1, err // the server requested a longer pause than a retry may take
		}

		t.logger.Warn("sink "+step+" failed, retrying",
			zap.Int("attempt", attempt+1), zap.Duration("wait", wait), zap.Error(err))
		if sleepErr := t.clock.sleep(ctx, wait); sleepErr != nil {
			return attempt + 1, errors.Join(err, sleepErr)
		}
	}
}

// writeValid opens the sink when needed and writes batch. A record the sink
// rejects as invalid is moved to the rejected file and the rest is written
// again at once. It returns the number of records written and the records
// still to write, none after success.
func (t *target) writeValid(ctx context.Context, batch []*extract.Record) (int, []*extract.Record, error) {
	if err := t.openSink(ctx); err != nil {
		return 0, batch, err
	}

	for len(batch) > 0 {
		err := t.sink.Write(ctx, batch)
		if err == nil {
			return len(batch), nil, nil
		}

		rest, rejected := t.rejectInvalid(batch, err)
		if !rejected {
			return 0, batch, err
		}
		batch = rest
	}

	return 0, nil, nil
}

// rejectInvalid takes the record a *RecordError names out of batch and
// keeps it in the rejected file. It reports false when err names no record
// of batch.
func (t *target) rejectInvalid(batch []*extract.Record, err error) ([]*extract.Record, bool) {
	var recordErr *RecordError
	if !errors.As(err, &recordErr) || !errors.Is(err, ErrInvalidRecord) {
		return batch, false
	}
	i := recordErr.Index
	if i < 0 || i >= len(batch) {
		return batch, false
	}

	t.reject(batch[i], err)

	return slices.Delete(slices.Clone(batch), i, i+1), true
}

// reject appends record to the rejected file and logs it.
func (t *target) reject(record *extract.Record, cause error) {
	url := ""
	if record != nil {
		url = record.URL
	}

	if record == nil {
		t.stats.Lost++
		t.logger.Error("nil record dropped", zap.Error(cause))
		return
	}

	if err := appendRecords(t.rejectedPath, []*extract.Record{record}); err != nil {
		t.stats.Lost++
		t.logger.Error("record lost: rejected by the sink and not saved",
			zap.String("url", url), zap.Error(errors.Join(cause, err)))
		return
	}

	t.stats.Rejected++
	t.logger.Error("record rejected by the sink, kept in the rejected file",
		zap.String("url", url), zap.String("path", t.rejectedPath), zap.Error(cause))
}

// goDown marks the sink down after err, so that new records go to the
// spool until the reconnect interval has passed.
func (t *target) goDown(err error) {
	wait := t.settings.ReconnectInterval
	var asked retryAfterError
	if errors.As(err, &asked) && asked.RetryAfter() > wait {
		wait = asked.RetryAfter()
	}
	t.probeAt = t.clock.now().Add(wait)

	if !t.down {
		t.logger.Warn("sink down, spooling its records",
			zap.String("path", t.spoolPath), zap.Duration("reconnect_interval", wait), zap.Error(err))
	}
	t.down = true
}

// toSpool appends batch to the spool. cause is the write error that made
// the sink go down with this batch, or nil when it was down already.
func (t *target) toSpool(batch []*extract.Record, cause error) error {
	if len(batch) == 0 {
		return nil
	}

	if err := t.spool.add(batch); err != nil {
		t.stats.Lost += len(batch)
		t.logger.Error("records lost: sink down and spool failed",
			zap.Int("records", len(batch)), zap.Error(errors.Join(cause, err)))
		return fmt.Errorf("%s: %w: %d records: %w", t.label, ErrRecordsLost, len(batch), errors.Join(cause, err))
	}
	t.stats.Spooled += len(batch)
	t.logger.Debug("records spooled", zap.Int("records", len(batch)), zap.Int("pending", t.spool.pending))

	if t.stop && cause != nil {
		return fmt.Errorf("%s: %w: %w", t.label, ErrSinkDown, cause)
	}

	return nil
}

// recover tries a down sink again: it opens it when needed and replays the
// spool. On success the sink is up again.
func (t *target) recover(ctx context.Context) {
	t.probeAt = t.clock.now().Add(t.settings.ReconnectInterval)

	if err := t.openSink(ctx); err != nil {
		t.logger.Debug("sink still down", zap.Error(err))
		return
	}

	pending := t.spool.pending
	if err := t.replay(ctx); err != nil {
		t.goDown(err)
		t.logger.Debug("sink still down", zap.Error(err))
		return
	}

	t.down = false
	t.logger.Info("sink back up, spool replayed", zap.Int("records", pending))
}

// replay writes the spool to the sink, in order and in batches, one try
// each. What was written leaves the spool.
func (t *target) replay(ctx context.Context) error {
	_, err := t.spool.replay(t.settings.BatchSize, func(batch []*extract.Record) error {
		written, _, err := t.writeValid(ctx, batch)
		t.stats.Replayed += written
		return err
	})
	if t.spool.skipped > 0 {
		t.logger.Warn("invalid spool lines skipped", zap.String("path", t.spoolPath), zap.Int("lines", t.spool.skipped))
		t.spool.skipped = 0
	}

	return err
}

// close writes the pending records, gives a down sink one more chance to
// take its spool, closes the sink and logs the counts.
func (t *target) close() error {
	ctx := context.Background()
	var errs []error

	if err := t.flushPending(ctx); err != nil {
		errs = append(errs, err)
	}
	if t.down && t.spool.pending > 0 {
		t.recover(ctx)
	}

	if t.opened {
		t.opened = false
		if err := t.sink.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.label, err))
		}
	}
	if err := t.spool.close(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", t.label, err))
	}

	t.logStats()

	return errors.Join(errs...)
}

// logStats logs what the sink did in this run.
func (t *target) logStats() {
	fields := []zap.Field{
		zap.Int("written", t.stats.Written),
		zap.Int("retried", t.stats.Retried),
		zap.Int("spooled", t.stats.Spooled),
		zap.Int("replayed", t.stats.Replayed),
		zap.Int("rejected", t.stats.Rejected),
		zap.Int("pending", t.spool.pending),
		zap.Int("lost", t.stats.Lost),
	}

	if t.spool.pending > 0 {
		t.logger.Warn("sink delivery finished with records in the spool; the next run replays them",
			append(fields, zap.String("path", t.spoolPath))...)
		return
	}
	t.logger.Info("sink delivery finished", fields...)
}

// appendRecords appends records to the JSON Lines file at path, creating it.
func appendRecords(path string, records []*extract.Record) error {
	sp := &spool{path: path}
	if err := sp.add(records); err != nil {
		return err
	}

	return sp.closeFile()
}
