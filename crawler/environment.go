package crawler

import (
	"context"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"
)

// environment is the set of the crawler's dependencies on the world outside
// the process: the clock, name resolution, connections and random numbers.
// Tests replace parts of it, so that long waits take no real time and no
// connection can leave loopback. A nil field means the real thing.
type environment struct {
	clock    clock
	resolver resolver
	dial     dialFunc       // connects to a literal IP address and port
	random   func() float64 // in [0, 1), for jitter
}

// withDefaults returns e with its nil fields set to the real clock,
// resolver, dialer and random numbers. A nil e is all defaults.
func (e *environment) withDefaults(connectTimeout time.Duration) environment {
	var env environment
	if e != nil {
		env = *e
	}

	if env.clock == nil {
		env.clock = realClock{}
	}
	if env.resolver == nil {
		env.resolver = net.DefaultResolver
	}
	if env.dial == nil {
		dialer := &net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}
		env.dial = dialer.DialContext
	}
	if env.random == nil {
		env.random = rand.Float64
	}
	return env
}

// clock reports the time and waits. Every wait of the crawler that a server
// or the configuration decides (delays, Retry-After, backoff) goes through
// it. Timeouts do not: they bound real time spent on a socket.
type clock interface {
	Now() time.Time

	// Sleep waits for d, or until ctx is done and then returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the system clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}

	timer := time.NewTimer(d)
	defer timer.Stop()

	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// resolver looks up the addresses of a host name. *net.Resolver is one.
type resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// dialFunc opens a connection, as net.Dialer.DialContext does.
type dialFunc func(ctx context.Context, network, address string) (net.Conn, error)
