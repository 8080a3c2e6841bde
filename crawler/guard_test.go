package crawler

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap/zaptest"
)

func TestBlockedReason(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"127.0.0.1", "loopback"},
		{"127.255.0.1", "loopback"},
		{"10.0.0.1", "private"},
		{"10.255.255.255", "private"},
		{"172.16.0.1", "private"},
		{"172.31.255.255", "private"},
		{"172.32.0.1", ""},
		{"172.15.255.255", ""},
		{"192.168.1.1", "private"},
		{"169.254.1.1", "link-local"},
		{"169.254.169.254", "cloud metadata"},
		{"100.100.100.200", "cloud metadata"},
		{"100.64.0.1", "shared (carrier-grade NAT)"},
		{"0.0.0.0", "unspecified"},
		{"0.1.2.3", "this-network"},
		{"192.0.0.8", "IETF protocol"},
		{"198.18.0.1", "benchmarking"},
		{"224.0.0.1", "link-local"},
		{"233.252.0.1", "multicast"},
		{"239.255.255.250", "multicast"},
		{"240.0.0.1", "reserved"},
		{"255.255.255.255", "reserved"},
		{"8.8.8.8", ""},
		{"203.0.113.10", ""},
		{"::1", "loopback"},
		{"::", "unspecified"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:10.0.0.1", "private"},
		{"::ffff:169.254.169.254", "cloud metadata"},
		{"::ffff:8.8.8.8", ""},
		{"fe80::1", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"fc00::1", "private"},
		{"fd12:3456::1", "private"},
		{"fd00:ec2::254", "cloud metadata"},
		{"fec0::1", "site-local"},
		{"ff02::1", "link-local"},
		{"ff05::2", "multicast"},
		{"64:ff9b::a00:1", "private"},
		{"64:ff9b::808:808", ""},
		{"64:ff9b:1::1", "private"},
		{"2002:a9fe:a9fe::", "cloud metadata"},
		{"2002:7f00:1::", "loopback"},
		{"::a00:1", "private"},
		{"2001:4860:4860::8888", ""},
	}

	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got := blockedReason(netip.MustParseAddr(tt.addr))

			if got != tt.want {
				t.Errorf("blockedReason(%s) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}

func TestGuardDial(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				return
			}
			conn.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(listener.Addr().String())

	tests := []struct {
		name         string
		host         string
		answers      [][]string
		trusted      []string
		allowPrivate bool
		wantDialed   []string
		wantErr      error
	}{
		{name: "public name", host: "news.example", answers: [][]string{{"203.0.113.10"}}, wantDialed: []string{"203.0.113.10"}},
		{name: "name of a private address", host: "intranet.example", answers: [][]string{{"10.0.0.7"}}, wantErr: ErrPrivateAddress},
		{name: "name of the metadata service", host: "metadata.example", answers: [][]string{{"169.254.169.254"}}, wantErr: ErrPrivateAddress},
		{name: "name of loopback over IPv6", host: "six.example", answers: [][]string{{"::1"}}, wantErr: ErrPrivateAddress},
		{name: "name of a mapped private address", host: "mapped.example", answers: [][]string{{"::ffff:192.168.0.1"}}, wantErr: ErrPrivateAddress},
		{name: "public and private answers", host: "mixed.example", answers: [][]string{{"203.0.113.10", "10.0.0.7"}}, wantErr: ErrPrivateAddress},
		{name: "private literal", host: "10.1.2.3", wantErr: ErrPrivateAddress},
		{name: "loopback literal", host: "127.0.0.1", wantErr: ErrPrivateAddress},
		{name: "IPv6 link-local literal", host: "fe80::1", wantErr: ErrPrivateAddress},
		{name: "trusted name of a private address", host: "intranet.example", answers: [][]string{{"10.0.0.7"}}, trusted: []string{"Intranet.Example."}, wantDialed: []string{"10.0.0.7"}},
		{name: "trusted loopback literal", host: "127.0.0.1", trusted: []string{"127.0.0.1"}, wantDialed: []string{"127.0.0.1"}},
		{name: "private allowed by the switch", host: "intranet.example", answers: [][]string{{"10.0.0.7"}}, allowPrivate: true, wantDialed: []string{"10.0.0.7"}},
		{name: "unknown name", host: "missing.example", wantErr: &net.DNSError{}},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			network := newLoopbackNet()
			if len(tt.answers) > 0 {
				network.add(tt.host, tt.answers[0], tt.answers[1:]...)
			}
			g := &guard{allowPrivate: tt.allowPrivate, trusted: newHostSet(tt.trusted...), resolver: network, dial: network.dial}

			conn, err := g.DialContext(context.Background(), "tcp", net.JoinHostPort(tt.host, port))
			if conn != nil {
				conn.Close()
			}

			var dnsErr *net.DNSError
			switch {
			case errors.As(tt.wantErr, &dnsErr):
				if !errors.As(err, &dnsErr) {
					t.Errorf("error = %v, want a DNS error", err)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("error = %v, want %v", err, tt.wantErr)
				}
			case err != nil:
				t.Errorf("error = %v, want a connection", err)
			}

			var dialed []string
			for _, address := range network.dialedAddresses() {
				host, _, _ := net.SplitHostPort(address)
				dialed = append(dialed, host)
			}
			if !slices.Equal(dialed, tt.wantDialed) {
				t.Errorf("dialed %q, want %q", dialed, tt.wantDialed)
			}
		})
	}
}

func TestGuardErrorNamesTheSwitch(t *testing.T) {
	network := newLoopbackNet()
	network.add("intranet.example", []string{"10.0.0.7"})
	g := &guard{trusted: newHostSet(), resolver: network, dial: network.dial}

	_, err := g.DialContext(context.Background(), "tcp", "intranet.example:80")

	for _, want := range []string{"intranet.example", "10.0.0.7", "private", "allow_private_networks"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not name %q", err, want)
		}
	}
}

// privateNetworkSite serves every host name the crawl uses on one loopback
// server: a listing that links to hosts the test resolver maps to private,
// metadata and public addresses, and a redirect to a private host.
func privateNetworkSite(t *testing.T) (*countingServer, string) {
	t.Helper()

	var port string
	link := func(host, path string) string { return fmt.Sprintf("http://%s:%s%s", host, port, path) }
	server := newCountingServer(t, map[string]http.HandlerFunc{
		"/list.html": func(w http.ResponseWriter, r *http.Request) {
			listing(
				link("intranet.corp.example", "/a/1.html"),
				link("metadata.corp.example", "/a/2.html"),
				link("mixed.corp.example", "/a/3.html"),
				link("rebind.corp.example", "/a/4.html"),
				link("public.corp.example", "/a/5.html"),
				"/go/6",
			)(w, r)
		},
		// Closing the connection makes the next request to the host dial,
		// and so look its name up, again.
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Connection", "close")
			http.NotFound(w, r)
		},
		"/go/6": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, link("intranet.corp.example", "/a/6.html"), http.StatusFound)
		},
		"/a/1.html":    servePage(t, 1013),
		"/a/2.html":    servePage(t, 1014),
		"/a/3.html":    servePage(t, 1015),
		"/a/4.html":    servePage(t, 1016),
		"/a/5.html":    servePage(t, 1017),
		"/a/6.html":    servePage(t, 1018),
		"/news/1.html": servePage(t, 1019),
	})
	_, port, _ = net.SplitHostPort(strings.TrimPrefix(server.URL, "http://"))
	return server, port
}

// privateNetwork is a test network for privateNetworkSite: invented names
// for private, metadata, mixed, rebinding and public hosts, and a seed host
// named in the configuration that maps to a private address.
func privateNetwork() *loopbackNet {
	network := newLoopbackNet()
	network.add("newsroom.corp.example", []string{"10.0.0.9"})
	network.add("intranet.corp.example", []string{"10.0.0.7"})
	network.add("metadata.corp.example", []string{"169.254.169.254"})
	network.add("mixed.corp.example", []string{"203.0.113.10", "192.168.1.5"})
	network.add("rebind.corp.example", []string{"203.0.113.11"}, []string{"127.0.0.1"})
	network.add("public.corp.example", []string{"203.0.113.12"})
	return network
}

func TestCrawlRefusesPrivateNetworks(t *testing.T) {
	server, port := privateNetworkSite(t)
	network := privateNetwork()
	cfg := testConfig(t, "http://newsroom.corp.example:"+port+"/list.html")
	cfg.AllowedDomains = []string{"newsroom.corp.example", ".corp.example"}
	cfg.RespectRobotsTxt = true // its request to rebind.corp.example gets the public answer
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/a/\d+\.html$`)}
	cfg.Follow = []*regexp.Regexp{regexp.MustCompile(`/(list\.html|go/\d+)$`)}

	result := crawlWith(t, cfg, &environment{resolver: network, dial: network.dial})

	for _, address := range network.dialedAddresses() {
		host, _, _ := net.SplitHostPort(address)
		if blockedReason(netip.MustParseAddr(host)) != "" && host != "10.0.0.9" {
			t.Errorf("the guard let a connection to %s through", address)
		}
	}
	if got := result.summary.Errors["private_network"]; got != 5 {
		t.Errorf("private_network errors = %d, want 5 (private, metadata, mixed, rebound, redirect); errors %v", got, result.summary.Errors)
	}
	for _, host := range []string{"intranet", "metadata", "mixed", "rebind"} {
		u := fmt.Sprintf("http://%s.corp.example:%s/a/", host, port)
		for recorded := range result.records {
			if strings.HasPrefix(recorded, u) {
				t.Errorf("record %s written from a private host", recorded)
			}
		}
	}
	if _, ok := result.records["http://public.corp.example:"+port+"/a/5.html"]; !ok {
		t.Errorf("no record from the public host; errors %v", result.summary.Errors)
	}
	if n := server.count("/list.html"); n != 1 {
		t.Errorf("seed fetched %d times, want 1: a host named in the configuration is trusted", n)
	}
	for _, path := range []string{"/a/1.html", "/a/2.html", "/a/3.html", "/a/4.html", "/a/6.html"} {
		if n := server.count(path); n != 0 {
			t.Errorf("%s reached the server %d times through a private address", path, n)
		}
	}
}

func TestCrawlAllowsPrivateNetworksWhenConfigured(t *testing.T) {
	server, port := privateNetworkSite(t)
	network := privateNetwork()
	cfg := testConfig(t, "http://newsroom.corp.example:"+port+"/list.html")
	cfg.AllowedDomains = []string{"newsroom.corp.example", ".corp.example"}
	cfg.AllowPrivateNetworks = true
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/a/\d+\.html$`)}
	cfg.Follow = []*regexp.Regexp{regexp.MustCompile(`/(list\.html|go/\d+)$`)}

	result := crawlWith(t, cfg, &environment{resolver: network, dial: network.dial})

	if len(result.summary.Errors) != 0 {
		t.Errorf("errors = %v, want none with allow_private_networks", result.summary.Errors)
	}
	for _, path := range []string{"/a/1.html", "/a/2.html", "/a/3.html", "/a/4.html", "/a/5.html", "/a/6.html"} {
		if n := server.count(path); n != 1 {
			t.Errorf("%s fetched %d times, want 1", path, n)
		}
	}
	dialed := strings.Join(network.dialedAddresses(), " ")
	if !strings.Contains(dialed, "10.0.0.7:") || !strings.Contains(dialed, "169.254.169.254:") {
		t.Errorf("dialed %s, want the private and metadata addresses (forwarded to loopback)", dialed)
	}
}

func TestFetchRefusesRedirectToPrivateHost(t *testing.T) {
	server, port := privateNetworkSite(t)
	network := privateNetwork()
	cfg := fetchConfig()
	f, err := NewFetcher(cfg, Options{Logger: zaptest.NewLogger(t), env: &environment{resolver: network, dial: network.dial}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	_, err = f.Fetch(context.Background(), server.URL+"/go/6")

	if !errors.Is(err, ErrPrivateAddress) {
		t.Errorf("error = %v, want ErrPrivateAddress", err)
	}
	if failure, ok := errorsAs(err); !ok || failure.Kind != "private_network" {
		t.Errorf("error = %#v, want a FetchError of kind private_network", err)
	}
	if n := server.count("/a/6.html"); n != 0 {
		t.Errorf("redirect target reached %d times", n)
	}

	// A host the caller names is trusted, whatever it resolves to.
	record, err := f.Fetch(context.Background(), "http://intranet.corp.example:"+port+"/a/1.html")
	if err != nil || record.Title == "" {
		t.Errorf("Fetch of a named private host: record %v, error %v; want the page", record, err)
	}
}
