package sink

import (
	"errors"
	"time"
)

// Defaults of the delivery settings every sink entry may have.
const (
	DefaultBatchSize         = 100
	DefaultFlushInterval     = 2 * time.Second
	DefaultRetries           = 4
	DefaultRetryBackoff      = 500 * time.Millisecond
	DefaultReconnectInterval = 30 * time.Second

	// maxBatchSize and maxRetries bound the settings to sizes that make
	// sense for one request or transaction and one outage.
	maxBatchSize = 100_000
	maxRetries   = 20
)

// deliveryKeys are the keys of deliverySettings, in the order error
// messages list them.
var deliveryKeys = []string{"batch_size", "flush_interval", "retries", "retry_backoff", "reconnect_interval"}

// deliverySettings are the keys of a sink entry that Delivery reads.
type deliverySettings struct {
	// BatchSize is the number of records written at once.
	BatchSize int `yaml:"batch_size"`

	// FlushInterval is the longest a record waits for its batch to fill.
	FlushInterval time.Duration `yaml:"flush_interval"`

	// Retries is the number of tries after the first before a batch goes
	// to the spool.
	Retries int `yaml:"retries"`

	// RetryBackoff is the wait before the first retry. Each further retry
	// waits twice as long as the one before, up to ReconnectInterval.
	RetryBackoff time.Duration `yaml:"retry_backoff"`

	// ReconnectInterval is how often a sink that is down is tried again.
	ReconnectInterval time.Duration `yaml:"reconnect_interval"`
}

// parseDeliverySettings reads the delivery settings of spec with their
// defaults and checks their ranges. The sink's own keys are left to its
// factory.
func parseDeliverySettings(spec Spec) (deliverySettings, error) {
	settings := deliverySettings{
		BatchSize:         DefaultBatchSize,
		FlushInterval:     DefaultFlushInterval,
		Retries:           DefaultRetries,
		RetryBackoff:      DefaultRetryBackoff,
		ReconnectInterval: DefaultReconnectInterval,
	}
	if err := decodeKeys(spec, &settings, false); err != nil {
		return settings, err
	}

	var errs []error
	if settings.BatchSize < 1 || settings.BatchSize > maxBatchSize {
		errs = append(errs, spec.settingError("batch_size", "invalid batch_size %d: want 1 to %d records", settings.BatchSize, maxBatchSize))
	}
	if settings.FlushInterval <= 0 {
		errs = append(errs, spec.settingError("flush_interval", "invalid flush_interval %s: want more than 0, such as 2s", settings.FlushInterval))
	}
	if settings.Retries < 0 || settings.Retries > maxRetries {
		errs = append(errs, spec.settingError("retries", "invalid retries %d: want 0 to %d", settings.Retries, maxRetries))
	}
	if settings.RetryBackoff < 0 {
		errs = append(errs, spec.settingError("retry_backoff", "invalid retry_backoff %s: want 0 or more, such as 500ms", settings.RetryBackoff))
	}
	if settings.ReconnectInterval <= 0 {
		errs = append(errs, spec.settingError("reconnect_interval", "invalid reconnect_interval %s: want more than 0, such as 30s", settings.ReconnectInterval))
	}

	return settings, errors.Join(errs...)
}

// backoff returns the wait before retry number n, counting from 0.
func (s deliverySettings) backoff(n int) time.Duration {
	wait := s.RetryBackoff
	for range n {
		if wait >= s.ReconnectInterval/2 {
			return s.ReconnectInterval
		}
		wait *= 2
	}

	return min(wait, s.ReconnectInterval)
}
