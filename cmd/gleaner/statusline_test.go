package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestStatusLineWriter(t *testing.T) {
	tests := []struct {
		name  string
		steps func(w *statusLineWriter)
		want  string
	}{
		{
			name: "no status passes writes through",
			steps: func(w *statusLineWriter) {
				fmt.Fprint(w, "first\n")
				fmt.Fprint(w, "second\n")
			},
			want: "first\nsecond\n",
		},
		{
			name: "log line moves the status below it",
			steps: func(w *statusLineWriter) {
				w.setStatus("3 fetched")
				fmt.Fprint(w, "INFO page failed\n")
			},
			want: "3 fetched" + "\r         \r" + "INFO page failed\n" + "3 fetched",
		},
		{
			name: "new status replaces the old",
			steps: func(w *statusLineWriter) {
				w.setStatus("10 fetched")
				w.setStatus("11 fetched")
			},
			want: "10 fetched" + "\r          \r" + "11 fetched",
		},
		{
			name: "clear erases the line",
			steps: func(w *statusLineWriter) {
				w.setStatus("5 fetched")
				w.clearStatus()
				fmt.Fprint(w, "crawl finished\n")
			},
			want: "5 fetched" + "\r         \r" + "crawl finished\n",
		},
		{
			name: "no status in the middle of a line",
			steps: func(w *statusLineWriter) {
				fmt.Fprint(w, "  pages fetched: ")
				w.setStatus("1 fetched")
				fmt.Fprint(w, "7\n")
			},
			want: "  pages fetched: 7\n" + "1 fetched",
		},
		{
			name: "status keeps its first line only",
			steps: func(w *statusLineWriter) {
				w.setStatus("1 fetched\nsecond line")
			},
			want: "1 fetched",
		},
		{
			name: "long status is cut",
			steps: func(w *statusLineWriter) {
				w.setStatus(strings.Repeat("x", 100))
			},
			want: strings.Repeat("x", maxStatusWidth),
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			w := newStatusLineWriter(&out)

			tt.steps(w)

			if got := out.String(); got != tt.want {
				t.Errorf("output = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStatusLineWriterIsTerminal(t *testing.T) {
	file, err := os.Create(filepath.Join(t.TempDir(), "stderr.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	reader, writer, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	defer writer.Close()

	tests := []struct {
		name string
		out  interface{ Write([]byte) (int, error) }
	}{
		{name: "buffer", out: &bytes.Buffer{}},
		{name: "regular file", out: file},
		{name: "pipe", out: writer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if newStatusLineWriter(tt.out).isTerminal() {
				t.Errorf("isTerminal() = true for a %s, want false", tt.name)
			}
		})
	}
}

func TestAsStatusLineWriterKeepsExisting(t *testing.T) {
	w := newStatusLineWriter(&bytes.Buffer{})

	if got := asStatusLineWriter(w); got != w {
		t.Error("asStatusLineWriter wrapped a statusLineWriter again, want the same one")
	}
}
