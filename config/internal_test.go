package config

import "testing"

func TestParseByteSize(t *testing.T) {
	tests := []struct {
		input   string
		want    int64
		wantErr bool
	}{
		{"0", 0, false},
		{"1024", 1024, false},
		{"10B", 10, false},
		{"10KB", 10_000, false},
		{"10kb", 10_000, false},
		{"10MB", 10_000_000, false},
		{"1GB", 1_000_000_000, false},
		{"1TB", 1_000_000_000_000, false},
		{"1KiB", 1024, false},
		{"1MiB", 1 << 20, false},
		{"1 GiB", 1 << 30, false},
		{" 2TiB ", 2 << 40, false},
		{"8388607TiB", 8388607 << 40, false},
		{"8388608TiB", 0, true},
		{"99999999999999999999", 0, true},
		{"", 0, true},
		{"MB", 0, true},
		{"1.5MB", 0, true},
		{"-1MB", 0, true},
		{"10 megabytes", 0, true},
		{"10M", 0, true},
		{"1_000", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			got, err := parseByteSize(tt.input)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseByteSize(%q) error = %v, want error %v", tt.input, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseByteSize(%q) = %d, want %d", tt.input, got, tt.want)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	known := knownKeys()
	tests := []struct {
		name   string
		want   string
		wantOK bool
	}{
		{"seed", "seeds", true},
		{"SEEDS", "seeds", true},
		{"article", "articles", true},
		{"timezone", "time_zone", true},
		{"max-body-size", "max_body_size", true},
		{"respect_robot_txt", "respect_robots_txt", true},
		{"delya", "delay", true},
		{"dl", "", false},
		{"robots", "", false},
		{"output", "", false},
		{"a_very_long_key_that_matches_nothing_at_all", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := closest(tt.name, known)
			if ok != tt.wantOK {
				t.Fatalf("closest(%q) found = %v, want %v", tt.name, ok, tt.wantOK)
			}
			if got != tt.want {
				t.Errorf("closest(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"seeds", "seeds", 0},
		{"seed", "seeds", 1},
		{"delya", "delay", 1},
		{"kitten", "sitting", 3},
		{"時區", "時間", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := editDistance(tt.a, tt.b); got != tt.want {
				t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
