// Package sink stores extracted records. It owns the Sink interface, the
// registry that builds sinks by type name from their configuration, the
// built-in "jsonl" and "sqlite" sinks, and Multi, which feeds one batch to
// every configured sink. Loading the YAML file is left to the config package
// and deciding what to crawl is left to the crawler.
//
// # Lifecycle
//
// A Factory only parses and checks the sink's settings, so building every
// configured sink is a cheap way to validate a configuration: nothing is
// created on disk before Open. Open creates files, directories and tables.
// Write stores one batch. Close flushes and releases what Open acquired.
// The caller of Open owns the sink and must call Close once, also after a
// failed Write. A sink never closes a writer it did not open, so the jsonl
// sink leaves standard output open.
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
// Write stores the whole batch or returns an error. After an error, nothing of
// the batch is stored, with two exceptions in the jsonl sink. It cannot take
// back bytes it has sent to standard output. And when truncating the file
// after a failed write fails too, part of a line stays in the file and the
// error reports both failures. The jsonl sink assembles the batch in memory, writes it with
// one call and truncates the file back to its previous size when that call
// fails or writes short. The sqlite sink writes a batch in
// one transaction and rolls it back on error. A record that is nil or has no
// URL fails the whole batch before anything is written (ErrInvalidRecord).
//
// # Retries and idempotence
//
// Sinks do not retry. A caller may retry a failed Write with the same batch.
// The sqlite sink keys rows by URL and upserts, so writing a record twice
// leaves one row holding the later write. The jsonl sink is an append-only
// log: a record written twice, in one run or in two, appears on two lines, and
// readers that want one record per URL keep the last line for it.
//
// # Settings
//
// Each sink decodes its own keys from Spec.Node into a typed struct. An
// unknown key, a value of the wrong type or a value out of range is a
// *SpecError naming the YAML line and key path, for example
//
//	line 9: sinks[0].pth: unknown key for sink "jsonl" (known: type, path)
package sink
