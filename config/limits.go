package config

import "time"

// fetchLimits checks the keys that bound what a server can make the
// crawler do: timeouts, delays, retries, redirects and links per page.
func (v *validator) fetchLimits() {
	c := v.c
	v.positiveDuration("connect_timeout", c.ConnectTimeout)
	v.positiveDuration("header_timeout", c.HeaderTimeout)
	v.positiveDuration("max_delay", c.MaxDelay)
	v.positiveDuration("retry_backoff", c.RetryBackoff)
	v.positiveDuration("max_retry_wait", c.MaxRetryWait)

	if c.DelayJitter < 0 {
		v.addf("delay_jitter", "must not be negative, got %s", c.DelayJitter)
	}

	if c.MaxRetries < 0 {
		v.addf("max_retries", "must be 0 (no retries) or more, got %d", c.MaxRetries)
	}

	if c.MaxRedirects < 0 {
		v.addf("max_redirects", "must be 0 (follow no redirect) or more, got %d", c.MaxRedirects)
	}

	if c.MaxLinksPerPage < 1 {
		v.addf("max_links_per_page", "must be at least 1, got %d", c.MaxLinksPerPage)
	}
}

// positiveDuration reports a duration at key that is 0 or negative.
func (v *validator) positiveDuration(key string, d time.Duration) {
	if d <= 0 {
		v.addf(key, "must be more than 0s, got %s", d)
	}
}
