package main

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// signalRecorder counts the calls of cancel and abort made by
// watchSignals, and the text it wrote.
type signalRecorder struct {
	mu      sync.Mutex
	cancels int
	aborts  int
	out     bytes.Buffer
}

func (r *signalRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.Write(p)
}

func (r *signalRecorder) counts() (cancels, aborts int, out string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cancels, r.aborts, r.out.String()
}

func TestWatchSignals(t *testing.T) {
	tests := []struct {
		name        string
		signals     []os.Signal
		wantCancels int
		wantAborts  int
		wantOutput  string
	}{
		{name: "none", signals: nil, wantCancels: 0, wantAborts: 0},
		{name: "one interrupt", signals: []os.Signal{os.Interrupt}, wantCancels: 1, wantAborts: 0, wantOutput: "send the signal again to quit at once"},
		{name: "two signals", signals: []os.Signal{syscall.SIGTERM, os.Interrupt}, wantCancels: 1, wantAborts: 1, wantOutput: "quitting at once without flushing the sinks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &signalRecorder{}
			signals := make(chan os.Signal, 2)
			done := make(chan struct{})
			aborted := make(chan struct{})
			finished := make(chan struct{})
			cancel := func() { rec.mu.Lock(); rec.cancels++; rec.mu.Unlock() }
			abort := func() { rec.mu.Lock(); rec.aborts++; rec.mu.Unlock(); close(aborted) }

			go func() {
				watchSignals(signals, done, rec, cancel, abort)
				close(finished)
			}()
			for _, sig := range tt.signals {
				signals <- sig
			}
			if tt.wantAborts > 0 {
				select {
				case <-aborted:
				case <-time.After(10 * time.Second):
					t.Fatal("abort not called after the second signal")
				}
			}
			waitForSignalsDrained(signals)
			close(done)
			<-finished

			cancels, aborts, out := rec.counts()
			if cancels != tt.wantCancels {
				t.Errorf("cancel called %d times, want %d", cancels, tt.wantCancels)
			}
			if aborts != tt.wantAborts {
				t.Errorf("abort called %d times, want %d", aborts, tt.wantAborts)
			}
			if !strings.Contains(out, tt.wantOutput) {
				t.Errorf("output = %q, want it to contain %q", out, tt.wantOutput)
			}
		})
	}
}

// waitForSignalsDrained returns once watchSignals has taken every signal
// from the channel, so that closing done cannot overtake one.
func waitForSignalsDrained(signals chan os.Signal) {
	for len(signals) > 0 {
		time.Sleep(time.Millisecond)
	}
}
