package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestJudge(t *testing.T) {
	const mb = 1_000_000
	reached := func(articles int, rss int64) checkpoint {
		return checkpoint{Articles: articles, Reached: true, RSS: rss, PeakRSS: rss}
	}

	tests := []struct {
		name        string
		checkpoints []checkpoint
		peak        int64
		wantPass    bool
		wantGrowth  int64
	}{
		{
			name:        "flat and small",
			checkpoints: []checkpoint{reached(10000, 80*mb), reached(100000, 85*mb)},
			peak:        90 * mb,
			wantPass:    true,
			wantGrowth:  5 * mb,
		},
		{
			name:        "growth at the tolerance",
			checkpoints: []checkpoint{reached(10000, 100*mb), reached(100000, 110*mb)},
			peak:        110 * mb,
			wantPass:    true,
			wantGrowth:  10 * mb,
		},
		{
			name:        "growth above the tolerance",
			checkpoints: []checkpoint{reached(10000, 100*mb), reached(100000, 111*mb)},
			peak:        111 * mb,
			wantPass:    false,
			wantGrowth:  11 * mb,
		},
		{
			name:        "shrinking but peak too high",
			checkpoints: []checkpoint{reached(10000, 1700*mb), reached(100000, 280*mb)},
			peak:        1716 * mb,
			wantPass:    false,
			wantGrowth:  -1420 * mb,
		},
		{
			name:        "peak at the limit",
			checkpoints: []checkpoint{reached(10000, 150*mb), reached(100000, 150*mb)},
			peak:        200 * mb,
			wantPass:    false,
		},
		{
			name:        "checkpoint not reached",
			checkpoints: []checkpoint{reached(10000, 80*mb), {Articles: 100000}},
			peak:        90 * mb,
			wantPass:    false,
		},
		{
			name:        "one checkpoint",
			checkpoints: []checkpoint{reached(5000, 80*mb)},
			peak:        90 * mb,
			wantPass:    true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judge(tt.checkpoints, tt.peak)

			if got.Pass != tt.wantPass {
				t.Errorf("Pass %v, want %v (reasons: %s)", got.Pass, tt.wantPass, strings.Join(got.Reasons, "; "))
			}
			if got.GrowthBytes != tt.wantGrowth {
				t.Errorf("GrowthBytes %d, want %d", got.GrowthBytes, tt.wantGrowth)
			}
		})
	}
}

func TestPrintReport(t *testing.T) {
	rows := int64(100000)
	r := &result{
		Articles:    100000,
		Parallelism: 4,
		WallSeconds: 80,
		Served:      servedCounts{Articles: 100000, Listings: 2000, Sitemaps: 3, Robots: 1, Other: 1},
		PeakRSS:     150e6,
		FinalRSS:    90e6,
		Checkpoints: []checkpoint{
			{Articles: 10000, Reached: true, PagesServed: 10007, RSS: 80e6, PeakRSS: 120e6, Elapsed: 11.4},
			{Articles: 100000},
		},
		SQLiteRows: &rows,
		Log:        logStats{Lines: 2, Levels: map[string]int{"warn": 1}, Problems: map[string]int{"warn: links dropped": 1}},
	}
	r.Verdict = judge(r.Checkpoints, r.PeakRSS)

	var out bytes.Buffer
	printReport(&out, r)

	for _, want := range []string{
		"| checkpoint | pages served | RSS MB | peak RSS MB | elapsed |",
		"| 10000 articles | 10007 | 80.0 | 120.0 | 11.4s |",
		"| 100000 articles | not reached | | | |",
		"| end of crawl | 102005 | 90.0 | 150.0 | 1m20s |",
		"- SQLite: 100000 rows",
		"  - warn: links dropped (1 lines)",
		"Verdict: FAIL",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}
