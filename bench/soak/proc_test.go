package main

import (
	"errors"
	"os"
	"testing"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		status  string
		want    memory
		wantErr error
	}{
		{
			name:   "running process",
			status: "Name:\tgleaner\nState:\tS (sleeping)\nVmPeak:\t 2000000 kB\nVmHWM:\t  180000 kB\nVmRSS:\t  150000 kB\nThreads:\t9\n",
			want:   memory{rss: 150000 * 1024, peak: 180000 * 1024},
		},
		{
			name:    "zombie without memory lines",
			status:  "Name:\tgleaner\nState:\tZ (zombie)\nThreads:\t1\n",
			wantErr: errNoMemoryFigures,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatus([]byte(tt.status))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("memory %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseStatusRejectsUnknownUnit(t *testing.T) {
	_, err := parseStatus([]byte("VmHWM:\t 10 MB\nVmRSS:\t 9 MB\n"))

	if err == nil {
		t.Fatal("no error for a value in MB")
	}
}

func TestReadMemoryOfOwnProcess(t *testing.T) {
	m, err := readMemory(os.Getpid())
	if err != nil {
		t.Skipf("no /proc status for this process (soak needs Linux): %v", err)
	}

	if m.rss <= 0 {
		t.Errorf("rss %d, want more than 0", m.rss)
	}
	if m.peak < m.rss {
		t.Errorf("peak %d below rss %d", m.peak, m.rss)
	}
}
