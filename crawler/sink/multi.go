package sink

import (
	"context"
	"errors"
	"fmt"

	"github.com/gleanerhq/gleaner/extract"
)

var _ Sink = (*Multi)(nil)

// Multi is a Sink that passes each batch to every configured sink in
// configuration order. Like any Sink it is not safe for concurrent use.
type Multi struct {
	members []member
	opened  int // members[:opened] are open
}

// member is one sink of a Multi and the label its errors start with.
type member struct {
	label string
	sink  Sink
}

// NewMulti builds every sink of specs from reg without opening any. It
// reports the problems of all specs at once, joined, so it also serves to
// validate a configuration before the crawl starts.
func NewMulti(reg *Registry, specs []Spec) (*Multi, error) {
	m := &Multi{}

	var errs []error
	for i, spec := range specs {
		s, err := reg.New(spec)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.members = append(m.members, member{label: memberLabel(i, spec), sink: s})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	return m, nil
}

// OpenAll builds and opens every sink of specs. On error every sink it
// opened is closed again and the returned error holds all problems. On
// success the caller owns the Multi and must Close it.
func OpenAll(ctx context.Context, reg *Registry, specs []Spec) (*Multi, error) {
	m, err := NewMulti(reg, specs)
	if err != nil {
		return nil, err
	}

	if err := m.Open(ctx); err != nil {
		return nil, err
	}

	return m, nil
}

// memberLabel names a sink in errors by its key path, or by its position
// and type when the spec has no key path.
func memberLabel(i int, spec Spec) string {
	if spec.KeyPath != "" {
		return spec.KeyPath
	}

	return fmt.Sprintf("sink %d (%s)", i, spec.Type)
}

// Len returns the number of sinks in m.
func (m *Multi) Len() int { return len(m.members) }

// Open opens the sinks in order. When one fails, the sinks opened before it
// are closed again and m holds nothing open.
func (m *Multi) Open(ctx context.Context) error {
	for m.opened < len(m.members) {
		current := m.members[m.opened]
		if err := current.sink.Open(ctx); err != nil {
			openErr := fmt.Errorf("%s: %w", current.label, err)
			return errors.Join(openErr, m.Close())
		}
		m.opened++
	}

	return nil
}

// Write passes batch to every sink, also after one of them fails, and
// returns the failures joined, each prefixed with the sink's label. Each
// sink keeps the all-or-nothing rule on its own, so after an error some
// sinks may hold the batch and others not. Retrying the whole batch then
// writes it again to the sinks that succeeded, which adds duplicate lines
// to a jsonl file.
func (m *Multi) Write(ctx context.Context, batch []*extract.Record) error {
	if m.opened == 0 && len(m.members) > 0 {
		return ErrNotOpen
	}

	var errs []error
	for _, current := range m.members[:m.opened] {
		if err := current.sink.Write(ctx, batch); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", current.label, err))
		}
	}

	return errors.Join(errs...)
}

// Close closes every open sink in reverse order, also after one of them
// fails, and returns the failures joined.
func (m *Multi) Close() error {
	var errs []error
	for m.opened > 0 {
		m.opened--
		current := m.members[m.opened]
		if err := current.sink.Close(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", current.label, err))
		}
	}

	return errors.Join(errs...)
}
