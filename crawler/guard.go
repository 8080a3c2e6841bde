package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"
)

// guard is the DialContext of the web transport. It keeps links and
// redirects found on the web from reaching the crawler's own network: a
// host the configuration does not name may not connect to a loopback,
// private, link-local, cloud metadata or otherwise non-public address.
//
// The check runs at connect time, on the addresses the name resolves to
// for this connection, and the connection goes to the address that was
// checked, so a DNS answer that changes between lookups (DNS rebinding)
// cannot slip past it. A name that resolves to several addresses is refused
// when any of them is non-public.
//
// It is safe for concurrent use.
type guard struct {
	allowPrivate bool
	trusted      *hostSet
	resolver     resolver
	dial         dialFunc

	// connectTimeout bounds the lookup and the connection attempts
	// together; 0 means no bound beyond the request's own.
	connectTimeout time.Duration
}

// DialContext resolves the host of address, checks its addresses unless
// the host is trusted, and connects to the first address that accepts the
// connection.
func (g *guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", address, err)
	}

	if g.connectTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, g.connectTimeout)
		defer cancel()
	}

	addrs, err := g.lookup(ctx, host)
	if err != nil {
		return nil, err
	}

	if !g.allowPrivate && !g.trusted.contains(host) {
		for _, ip := range addrs {
			if reason := blockedReason(ip); reason != "" {
				return nil, fmt.Errorf("connect to %s: %s address %s: %w (set allow_private_networks: true to allow it)",
					host, reason, ip, ErrPrivateAddress)
			}
		}
	}

	var errs []error
	for _, ip := range addrs {
		conn, err := g.dial(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// lookup returns the addresses of host: itself when it is an IP address,
// else what the resolver finds.
func (g *guard) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}

	addrs, err := g.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, err
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return addrs, nil
}

// Address ranges that are not public besides those netip classifies.
var nonPublicPrefixes = []struct {
	prefix netip.Prefix
	reason string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (carrier-grade NAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "IETF protocol"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "private"},
}

// metadataAddresses are the instance metadata services of cloud providers,
// which hand out credentials to any program on the machine that requests
// them. The first
// serves AWS, Azure, Google Cloud, Oracle Cloud and others.
var metadataAddresses = map[netip.Addr]bool{
	netip.MustParseAddr("169.254.169.254"): true,
	netip.MustParseAddr("fd00:ec2::254"):   true, // AWS over IPv6
	netip.MustParseAddr("100.100.100.200"): true, // Alibaba Cloud
}

// Prefixes of IPv6 addresses that carry an IPv4 address, which is checked in
// their place.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
	v4Compat    = netip.MustParsePrefix("::/96")
)

// blockedReason returns the kind of non-public address ip is, such as
// "loopback" or "cloud metadata", or "" for a public address. IPv4 addresses
// written as IPv6 (mapped, NAT64, 6to4 and the old compatible form) are
// judged by the IPv4 address they carry.
func blockedReason(ip netip.Addr) string {
	ip = ip.WithZone("").Unmap()

	if metadataAddresses[ip] {
		return "cloud metadata"
	}

	switch {
	case ip.IsLoopback():
		return "loopback"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}

	for _, p := range nonPublicPrefixes {
		if p.prefix.Contains(ip) {
			return p.reason
		}
	}

	if embedded, ok := embeddedIPv4(ip); ok {
		return blockedReason(embedded)
	}
	return ""
}

// embeddedIPv4 returns the IPv4 address inside a NAT64, 6to4 or
// IPv4-compatible IPv6 address.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() {
		return netip.Addr{}, false
	}

	b := ip.As16()
	switch {
	case nat64Prefix.Contains(ip), v4Compat.Contains(ip):
		return netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}), true
	}
	return netip.Addr{}, false
}

// hostSet is a set of host names compared without case, brackets, a
// trailing dot or a port, with internationalized names in their ASCII
// (punycode) form too. It is safe for concurrent use.
type hostSet struct {
	mu    sync.RWMutex
	hosts map[string]bool
}

func newHostSet(hosts ...string) *hostSet {
	s := &hostSet{hosts: make(map[string]bool)}
	for _, h := range hosts {
		s.add(h)
	}
	return s
}

// add puts host in the set.
func (s *hostSet) add(host string) {
	name := normalizeHostName(host)
	if name == "" {
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()

	s.hosts[name] = true
	if ascii, err := idna.Lookup.ToASCII(name); err == nil && ascii != "" {
		s.hosts[strings.ToLower(ascii)] = true
	}
}

// contains reports whether host is in the set.
func (s *hostSet) contains(host string) bool {
	name := normalizeHostName(host)

	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.hosts[name]
}

// normalizeHostName lowercases host and drops a port, IPv6 brackets, an
// IPv6 zone and a trailing dot.
func normalizeHostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}

	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if i := strings.IndexByte(host, '%'); i >= 0 && strings.Contains(host, ":") {
		host = host[:i]
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// configuredHosts returns the hosts a configuration names: the hosts of
// its http and https seeds and its allowed domains as written. A domain
// with a leading dot names its own host only, so its subdomains are not
// trusted by the guard.
func configuredHosts(seedHosts, allowedDomains []string) []string {
	hosts := append([]string(nil), seedHosts...)
	for _, domain := range allowedDomains {
		hosts = append(hosts, strings.TrimPrefix(domain, "."))
	}
	return hosts
}
