package crawler

import (
	"github.com/gocolly/colly/v2"
	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/config"
)

// fetchParts are the HTTP machinery that a crawl and a Fetcher build alike
// from a configuration: the per-host limiter, the retry policy and the
// transport with its guard and robots.txt cache.
type fetchParts struct {
	env       environment
	limiter   *hostLimiter
	retries   *retryPolicy
	transport *transport
	trusted   *hostSet
}

// newFetchParts builds the fetch machinery of cfg. The guard trusts the
// hosts in trusted; files may be nil when no file URLs are to be read.
func newFetchParts(cfg *config.Config, opts Options, trusted *hostSet, files *fileTransport) *fetchParts {
	env := opts.env.withDefaults(cfg.ConnectTimeout)

	limiter := newHostLimiter(hostLimits{
		rule: colly.LimitRule{
			DomainGlob:  "*",
			Parallelism: cfg.Parallelism,
			Delay:       cfg.Delay,
			RandomDelay: cfg.DelayJitter,
		},
		maxDelay:  cfg.MaxDelay,
		errorStep: cfg.RetryBackoff,
	}, env.clock, env.random)

	retries := &retryPolicy{
		maxRetries: cfg.MaxRetries,
		backoff:    cfg.RetryBackoff,
		maxWait:    cfg.MaxRetryWait,
		limiter:    limiter,
		clock:      env.clock,
		random:     env.random,
		logger:     opts.Logger,
	}
	if opts.MaxAttempts > 0 {
		retries.maxRetries = opts.MaxAttempts - 1
	}
	if opts.MaxRetryWait > 0 {
		retries.maxWait = opts.MaxRetryWait
	}

	g := &guard{
		allowPrivate:   cfg.AllowPrivateNetworks,
		trusted:        trusted,
		resolver:       env.resolver,
		dial:           env.dial,
		connectTimeout: cfg.ConnectTimeout,
	}
	t := newTransport(transportSettings{
		limiter:        limiter,
		guard:          g,
		busy:           retries.hostBusy,
		files:          files,
		clock:          env.clock,
		timeout:        cfg.Timeout,
		connectTimeout: cfg.ConnectTimeout,
		headerTimeout:  cfg.HeaderTimeout,
	})
	if cfg.RespectRobotsTxt {
		t.obeyRobots(cfg.UserAgent, *retries, opts.Logger.Named("robots"))
	}

	return &fetchParts{env: env, limiter: limiter, retries: retries, transport: t, trusted: trusted}
}

// logFields describes the limits in force, for the log of a crawl's start.
func (p *fetchParts) logFields(cfg *config.Config) []zap.Field {
	return []zap.Field{
		zap.Bool("robots_txt", cfg.RespectRobotsTxt),
		zap.String("user_agent", cfg.UserAgent),
		zap.Duration("delay", cfg.Delay),
		zap.Duration("delay_jitter", cfg.DelayJitter),
		zap.Duration("max_delay", p.limiter.limits.maxDelay),
		zap.Int("max_retries", p.retries.maxRetries),
		zap.Duration("max_retry_wait", p.retries.maxWait),
		zap.Bool("allow_private_networks", cfg.AllowPrivateNetworks),
	}
}
