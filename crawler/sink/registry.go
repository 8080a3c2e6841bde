package sink

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
)

// Factory builds an unopened sink from its configuration. It parses and
// checks the settings and touches nothing on disk. Problems in the settings
// are returned as *SpecError values, joined when there are several.
type Factory func(spec Spec) (Sink, error)

// Registry maps sink type names to factories. Tests build their own registry
// to add fakes or to replace a built-in sink. The zero value is an empty
// registry ready for use, and a Registry is safe for concurrent use.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]Factory
}

// Default returns a new registry holding the built-in sinks: "jsonl", which
// writes standard output when its path is empty or "-", "parquet",
// "postgres", "sqlite" and "webhook". Each call returns a separate
// registry, so changing one affects no other.
func Default() *Registry {
	r := &Registry{}
	r.Register("jsonl", func(spec Spec) (Sink, error) { return NewJSONL(spec, os.Stdout) })
	r.Register("parquet", NewParquet)
	r.Register("postgres", NewPostgres)
	r.Register("sqlite", NewSQLite)
	r.Register("webhook", NewWebhook)

	return r
}

// Register makes f the factory for the sink type name, replacing any earlier
// factory of that name. A nil f removes the name.
func (r *Registry) Register(name string, f Factory) {
	r.mu.Lock()
	defer r.mu.Unlock()

	if f == nil {
		delete(r.factories, name)
		return
	}
	if r.factories == nil {
		r.factories = make(map[string]Factory)
	}
	r.factories[name] = f
}

// Names returns the registered type names in sorted order.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()

	names := make([]string, 0, len(r.factories))
	for name := range r.factories {
		names = append(names, name)
	}
	slices.Sort(names)

	return names
}

// New builds the sink that spec.Type names, unopened. A type that is not
// registered is a *SpecError wrapping ErrUnknownType that lists the known
// names. The errors of the factory come first, unchanged, then the
// problems of the delivery settings every entry may have (batch_size,
// flush_interval, retries, retry_backoff, reconnect_interval), joined.
func (r *Registry) New(spec Spec) (Sink, error) {
	r.mu.RLock()
	f, ok := r.factories[spec.Type]
	r.mu.RUnlock()

	if !ok {
		return nil, r.unknownType(spec)
	}

	s, err := f(spec)
	if _, deliveryErr := parseDeliverySettings(spec); deliveryErr != nil {
		return nil, errors.Join(err, deliveryErr)
	}
	if err != nil {
		return nil, err
	}

	return s, nil
}

func (r *Registry) unknownType(spec Spec) *SpecError {
	message := fmt.Sprintf("unknown sink type %q", spec.Type)
	if spec.Type == "" {
		message = "missing sink type"
	}

	return &SpecError{
		Line:    spec.keyLine("type"),
		Key:     spec.keyPath("type"),
		Message: fmt.Sprintf("%s (known: %s)", message, strings.Join(r.Names(), ", ")),
		Err:     ErrUnknownType,
	}
}
