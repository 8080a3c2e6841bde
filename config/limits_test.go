package config_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/gleanerhq/gleaner/config"
)

func TestFetchLimitDefaults(t *testing.T) {
	cfg, err := config.Parse([]byte(seedLine), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"connect timeout", cfg.ConnectTimeout, 10 * time.Second},
		{"header timeout", cfg.HeaderTimeout, 20 * time.Second},
		{"delay jitter", cfg.DelayJitter, time.Duration(0)},
		{"max delay", cfg.MaxDelay, time.Minute},
		{"max retries", cfg.MaxRetries, 3},
		{"retry backoff", cfg.RetryBackoff, time.Second},
		{"max retry wait", cfg.MaxRetryWait, 10 * time.Minute},
		{"max redirects", cfg.MaxRedirects, 10},
		{"max links per page", cfg.MaxLinksPerPage, 5000},
		{"private networks", cfg.AllowPrivateNetworks, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestParseFetchLimits(t *testing.T) {
	data := seedLine + `connect_timeout: 3s
header_timeout: 5s
delay_jitter: 250ms
max_delay: 2m
max_retries: 0
retry_backoff: 500ms
max_retry_wait: 600s
max_redirects: 0
max_links_per_page: 200
allow_private_networks: true
`
	cfg, err := config.Parse([]byte(data), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"connect timeout", cfg.ConnectTimeout, 3 * time.Second},
		{"header timeout", cfg.HeaderTimeout, 5 * time.Second},
		{"delay jitter", cfg.DelayJitter, 250 * time.Millisecond},
		{"max delay", cfg.MaxDelay, 2 * time.Minute},
		{"max retries", cfg.MaxRetries, 0},
		{"retry backoff", cfg.RetryBackoff, 500 * time.Millisecond},
		{"max retry wait", cfg.MaxRetryWait, 10 * time.Minute},
		{"max redirects", cfg.MaxRedirects, 0},
		{"max links per page", cfg.MaxLinksPerPage, 200},
		{"private networks", cfg.AllowPrivateNetworks, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestParseFetchLimitProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []config.Problem
	}{
		{"connect timeout zero", "connect_timeout: 0s\n", []config.Problem{{2, "connect_timeout", "must be more than 0s, got 0s"}}},
		{"header timeout negative", "header_timeout: -1s\n", []config.Problem{{2, "header_timeout", "must be more than 0s, got -1s"}}},
		{"header timeout without unit", "header_timeout: 5\n", []config.Problem{{2, "header_timeout", `invalid duration "5": use a number with a unit (ns, us, ms, s, m, h), such as 500ms, 2s or 1m30s`}}},
		{"delay jitter negative", "delay_jitter: -5ms\n", []config.Problem{{2, "delay_jitter", "must not be negative, got -5ms"}}},
		{"max delay zero", "max_delay: 0s\n", []config.Problem{{2, "max_delay", "must be more than 0s, got 0s"}}},
		{"max retries negative", "max_retries: -1\n", []config.Problem{{2, "max_retries", "must be 0 (no retries) or more, got -1"}}},
		{"max retries as word", "max_retries: three\n", []config.Problem{{2, "max_retries", `must be a whole number, got string "three"`}}},
		{"retry backoff zero", "retry_backoff: 0s\n", []config.Problem{{2, "retry_backoff", "must be more than 0s, got 0s"}}},
		{"max retry wait negative", "max_retry_wait: -10m\n", []config.Problem{{2, "max_retry_wait", "must be more than 0s, got -10m0s"}}},
		{"max redirects negative", "max_redirects: -2\n", []config.Problem{{2, "max_redirects", "must be 0 (follow no redirect) or more, got -2"}}},
		{"max links zero", "max_links_per_page: 0\n", []config.Problem{{2, "max_links_per_page", "must be at least 1, got 0"}}},
		{"private networks yes", "allow_private_networks: yes\n", []config.Problem{{2, "allow_private_networks", `must be true or false, got string "yes"`}}},
		{"two problems at once", "max_retries: -1\nmax_links_per_page: 0\n", []config.Problem{
			{2, "max_retries", "must be 0 (no retries) or more, got -1"},
			{3, "max_links_per_page", "must be at least 1, got 0"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(seedLine+tt.yaml), t.TempDir())
			if cfg != nil {
				t.Errorf("Parse returned a Config with the error")
			}

			got := problemsOf(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(tt.want))
			}
		})
	}
}

func TestValidateFetchLimitsBuiltInCode(t *testing.T) {
	cfg := config.Default()
	cfg.Seeds = []string{"https://news.example.com/"}
	cfg.AllowedDomains = []string{"news.example.com"}
	cfg.RetryBackoff = 0
	cfg.MaxRedirects = -1

	err := cfg.Validate()

	got := problemsOf(t, err)
	want := []config.Problem{
		{0, "retry_backoff", "must be more than 0s, got 0s"},
		{0, "max_redirects", "must be 0 (follow no redirect) or more, got -1"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:%s\nwant:%s", formatProblems(got), formatProblems(want))
	}
}
