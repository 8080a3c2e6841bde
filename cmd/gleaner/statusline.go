package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
)

// maxStatusWidth is the longest status line drawn, in bytes. Erasing a line
// that wrapped would leave its first part on screen, so a longer line is cut
// to fit a terminal of 80 columns.
//
// NOTE: a terminal narrower than 80 columns still wraps the line; the
// terminal's width is not queried, to keep the code portable.
const maxStatusWidth = 79

// statusLineWriter is the standard error of the program. It can show a
// status line, such as the progress of a crawl, below the log lines. Every
// write goes through one mutex. It erases the status line, writes its
// bytes, and draws the status line again when the bytes ended a line, so a
// log line never shares a line with the status.
//
// Without a status line it passes writes through unchanged. The status line
// is erased with a carriage return and spaces, with no terminal escape
// codes.
type statusLineWriter struct {
	mu        sync.Mutex
	out       io.Writer
	status    string // the status to show; "" for none
	drawn     int    // length of the status now on screen; 0 when none is
	midOfLine bool   // the last write did not end its line
}

// newStatusLineWriter returns a statusLineWriter that writes to out.
func newStatusLineWriter(out io.Writer) *statusLineWriter {
	return &statusLineWriter{out: out}
}

// asStatusLineWriter returns w when it is a statusLineWriter, and w wrapped
// in a new one otherwise.
func asStatusLineWriter(w io.Writer) *statusLineWriter {
	if s, ok := w.(*statusLineWriter); ok {
		return s
	}
	return newStatusLineWriter(w)
}

// Write writes p below or in place of the status line.
func (w *statusLineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	w.erase()

	n, err := w.out.Write(p)
	if n > 0 {
		w.midOfLine = p[n-1] != '\n'
	}
	if err != nil {
		return n, err
	}

	w.draw()
	return n, nil
}

// setStatus shows line as the status line, replacing the one shown. Only
// the first line of line is kept, cut at maxStatusWidth bytes.
func (w *statusLineWriter) setStatus(line string) {
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if len(line) > maxStatusWidth {
		line = line[:maxStatusWidth]
	}

	w.mu.Lock()
	defer w.mu.Unlock()

	w.erase()
	w.status = line
	w.draw()
}

// clearStatus erases the status line and shows none until the next
// setStatus.
func (w *statusLineWriter) clearStatus() {
	w.mu.Lock()
	defer w.mu.Unlock()

	w.erase()
	w.status = ""
}

// isTerminal reports whether the writer writes to a terminal: a character
// device such as a TTY, not a file, a pipe or a buffer.
func (w *statusLineWriter) isTerminal() bool {
	file, ok := w.out.(*os.File)
	if !ok {
		return false
	}

	info, err := file.Stat()
	if err != nil {
		return false
	}
	return info.Mode()&os.ModeCharDevice != 0
}

// erase removes the status line from the screen. A failed write of the
// status line is ignored, because the status is only a convenience and the
// next write of log lines reports the same error.
func (w *statusLineWriter) erase() {
	if w.drawn == 0 {
		return
	}

	blank := make([]byte, 0, w.drawn+2)
	blank = append(blank, '\r')
	blank = append(blank, bytes.Repeat([]byte{' '}, w.drawn)...)
	blank = append(blank, '\r')
	w.out.Write(blank)
	w.drawn = 0
}

// draw writes the status line at the start of the current line. It draws
// nothing in the middle of a line, where it would glue itself to text that
// is not finished yet.
func (w *statusLineWriter) draw() {
	if w.status == "" || w.midOfLine {
		return
	}

	w.out.Write([]byte(w.status))
	w.drawn = len(w.status)
}
