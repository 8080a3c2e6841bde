// Package sink stores extracted records. It owns the Sink interface, the
// registry that builds sinks by type name from their configuration, and the
// built-in sinks: "jsonl", "sqlite", "postgres", "parquet" and "webhook".
// Delivery keeps the delivery contract below for every configured sink, and
// Multi is a plain fan-out without that contract. Loading the YAML file is
// left to the config package and deciding what to crawl is left to the
// crawler.
//
// # Delivery contract
//
// The crawler writes to a Delivery, which gives every sink these
// guarantees, each sink on its own, so one sink being down never holds back
// the others:
//
//   - At least once: every record reaches every sink at least once, as
//     long as the spool folder can be written. A record is lost only when
//     a sink fails and its spool cannot be written either (ErrRecordsLost,
//     logged at Error level and counted in Stats.Lost).
//   - Idempotent: every sink keys records by URL, so a record written twice,
//     as a replay does, leaves one copy (see each sink for how).
//   - Batches by size and time: a sink receives batches of batch_size
//     records (default 100), and a record waits at most flush_interval
//     (default 2s) for its batch to fill.
//   - Retries with backoff: a failed batch is tried again up to retries
//     times (default 4), after retry_backoff (default 500ms), doubling each
//     time up to reconnect_interval (default 30s). The wait that a webhook
//     receiver requests with Retry-After is respected.
//   - Spool: when a sink stays down, its records go to a spool, a JSON Lines
//     file (see Marshal) in the spool folder named after the sink's type and
//     a hash of its destination. While the spool holds records, new records
//     join them there, so their order is kept. Every reconnect_interval, and
//     once more at Close, the sink is tried again. When it accepts the
//     spool, the spool is replayed in order, in batches, and removed. The next run
//     replays what is left at Open, before any new record. A Delivery locks
//     the spools it uses, so a second process on the same spool fails Open
//     with ErrSpoolInUse.
//   - A record the sink can never store (a *RecordError, such as text with
//     a NUL character for PostgreSQL) is not retried: it is kept in the
//     sink's rejected file beside its spool and the rest of the batch is
//     written.
//   - On error: with OnErrorSpool (on_sink_error: spool, the default) the
//     crawl goes on. With OnErrorStop a batch that fails every try is
//     spooled and Write returns an error wrapping ErrSinkDown, which stops
//     the crawl; a sink that cannot be opened fails Open.
//
// Stats counts, per sink, the records written, retried, spooled, replayed,
// rejected, left in the spool and lost. The crawl command exits with status
// 2 when a run spooled or rejected records.
//
// # Record schema
//
// Every sink stores the record with "schema_version": RecordSchemaVersion
// (1) added: Marshal puts it first in the JSON form, and the database and
// Parquet sinks have a schema_version column. The version belongs to this
// package, not to extract.Record, because it describes the stored form. The
// file schema/record.schema.json in the repository is the JSON Schema
// (draft 2020-12) of version 1. The version goes up when a field is removed
// or renamed, or when its type or meaning changes; a new optional field
// keeps it.
//
// # Lifecycle
//
// A Factory only parses and checks the sink's settings, so building every
// configured sink is a cheap way to validate a configuration: nothing is
// created on disk and nothing is connected before Open. Open creates files,
// directories and tables, or connects. Write stores one batch. Close
// flushes and releases what Open acquired. The caller of Open owns the sink
// and must call Close once, also after a failed Write. A sink never closes
// a writer it did not open, so the jsonl sink leaves standard output open.
//
// # Concurrency
//
// The crawler calls Write from a single goroutine, so sinks are not safe for
// concurrent use: callers must not call Write, Open or Close concurrently on
// one sink. Readers in other processes may read a SQLite database while
// gleaner writes to it, because the database runs in WAL mode.
//
// # Errors and partial writes
//
// A sink's Write stores the whole batch or returns an error. After an
// error, nothing of the batch is stored, with two exceptions. The jsonl sink
// cannot take back bytes it has sent to standard output, and when
// truncating a file after a failed write fails too, part of a line stays in
// the file and the error reports both failures. A webhook request that timed
// out may have been stored by the receiver. The jsonl sink, the spool and the
// Parquet journal assemble a batch in memory, write it with one call and
// truncate the file back to its previous size when that call fails or
// writes short; at Open they cut off a last line that a crash left torn. The
// sqlite and postgres sinks write a batch in one transaction and roll it
// back on error. A record that is nil or has no URL fails the whole batch
// with a *RecordError before anything is written.
//
// # Retries and idempotence
//
// Sinks do not retry on their own: Delivery retries, and may write the same
// batch again. The sqlite and postgres sinks upsert by URL, so writing a
// record twice leaves one row holding the later write. The jsonl sink
// appends a record only when it differs, fetched_at aside, from the last
// line it holds for that URL in any file of its series; readers keep the
// last line of each URL. The Parquet sink keeps one row per URL within a
// file. The webhook sink sends an Idempotency-Key header, the same for every
// retry of a batch, and receivers store records keyed by URL.
//
// # Settings
//
// Each sink decodes its own keys from Spec.Node into a typed struct, and
// Registry.New checks the delivery keys every entry may have. An unknown
// key, a value of the wrong type or a value out of range is a *SpecError
// naming the YAML line and key path, for example
//
//	line 9: sinks[0].pth: unknown key for sink "jsonl" (known: type, path, rotate, ...)
package sink
