package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// metricsShutdownTimeout is the longest the metrics server waits for
// scrapes in progress when the command ends.
const metricsShutdownTimeout = 5 * time.Second

// metricsServer serves the Prometheus metrics at /metrics for the life of a
// "gleaner crawl" command.
type metricsServer struct {
	server   *http.Server
	listener net.Listener
	served   chan struct{} // closed when Serve returned
}

// startMetricsServer listens on addr, the HOST:PORT of --metrics-addr, and
// serves handler at /metrics in the background. An address it cannot
// listen on, such as a port in use, is an error with exit code 1 that
// names the flag and the address.
func startMetricsServer(addr string, handler http.Handler, logger *zap.Logger) (*metricsServer, error) {
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, withCode(exitFailure, fmt.Errorf("crawl: --metrics-addr %s: %w", addr, err))
	}

	mux := http.NewServeMux()
	mux.Handle("/metrics", handler)
	s := &metricsServer{
		server: &http.Server{
			Handler:           mux,
			ReadHeaderTimeout: 10 * time.Second,
			ErrorLog:          zap.NewStdLog(logger.Named("metrics")),
		},
		listener: listener,
		served:   make(chan struct{}),
	}

	go func() {
		defer close(s.served)
		if err := s.server.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
			logger.Error("metrics server stopped", zap.String("addr", listener.Addr().String()), zap.Error(err))
		}
	}()

	logger.Info("metrics served", zap.String("url", "http://"+listener.Addr().String()+"/metrics"))
	return s, nil
}

// isHostPort reports whether addr has the HOST:PORT form that net.Listen
// expects. It does not check that the host or the port exist.
func isHostPort(addr string) bool {
	_, _, err := net.SplitHostPort(addr)
	return err == nil
}

// addr returns the address the server listens on, with the port the
// system chose for port 0.
func (s *metricsServer) addr() net.Addr {
	return s.listener.Addr()
}

// close stops the server, waiting up to metricsShutdownTimeout for the
// scrapes in progress.
func (s *metricsServer) close() error {
	ctx, cancel := context.WithTimeout(context.Background(), metricsShutdownTimeout)
	defer cancel()

	err := s.server.Shutdown(ctx)
	<-s.served
	if err != nil {
		return fmt.Errorf("stop metrics server: %w", err)
	}
	return nil
}
