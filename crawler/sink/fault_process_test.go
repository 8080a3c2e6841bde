//go:build linux

package sink

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/gleanerhq/gleaner/extract"
)

// faultHelperVariable makes the test binary run runFaultHelper instead of
// the tests. Its value names the child's work.
const faultHelperVariable = "GLEANER_SINK_FAULT_HELPER"

// faultFetched is the fetch time of the records the child processes write.
var faultFetched = time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC)

// runFaultHelper does the work of a child process and returns its exit
// code. Its settings come from the environment.
func runFaultHelper(mode string) int {
	var err error
	switch mode {
	case "disk-full":
		err = helperDiskFull()
	case "write-until-killed":
		err = helperWriteUntilKilled()
	default:
		err = fmt.Errorf("unknown helper %q", mode)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}

	return 0
}

// envInt reads a whole number from the environment.
func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

// faultDelivery builds and opens a Delivery over the sinks of yamlText in
// dir, spooling into dir/spool.
func faultDelivery(dir, yamlText string) (*Delivery, error) {
	specs, err := specsFromYAML(yamlText)
	if err != nil {
		return nil, err
	}
	for i := range specs {
		if specs[i].Path != "" {
			specs[i].Path = filepath.Join(dir, specs[i].Path)
		}
	}

	d, err := NewDelivery(Default(), specs, DeliveryOptions{SpoolDir: filepath.Join(dir, "spool"), Logger: zap.NewNop()})
	if err != nil {
		return nil, err
	}
	if err := d.Open(context.Background()); err != nil {
		return nil, err
	}

	return d, nil
}

// diskFullSinks is the configuration of the disk-full test.
const diskFullSinks = "sinks:\n  - type: jsonl\n    path: out/records.jsonl\n    batch_size: 5\n    retries: 1\n    retry_backoff: 10ms\n"

// helperDiskFull writes records to a jsonl sink under a file-size limit,
// as on a full disk, and prints the sink's stats as JSON.
func helperDiskFull() error {
	dir, limit, total := os.Getenv("FAULT_DIR"), envInt("FAULT_LIMIT"), envInt("FAULT_RECORDS")

	// Past the limit, write fails with EFBIG instead of the process being
	// killed by SIGXFSZ.
	signal.Ignore(syscall.SIGXFSZ)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: uint64(limit), Max: uint64(limit)}); err != nil {
		return fmt.Errorf("set file size limit: %w", err)
	}

	d, err := faultDelivery(dir, diskFullSinks)
	if err != nil {
		return err
	}
	for i := 0; i < total; i += 5 {
		var batch []*extract.Record
		for j := i; j < min(i+5, total); j++ {
			batch = append(batch, faultRecord(j, 1000, faultFetched))
		}
		if err := d.Write(context.Background(), batch); err != nil {
			return err
		}
	}
	closeErr := d.Close()

	if err := json.NewEncoder(os.Stdout).Encode(d.Stats()[0]); err != nil {
		return err
	}

	return closeErr
}

func TestFaultJSONLDiskFull(t *testing.T) {
	const total = 20
	dir := t.TempDir()
	line, err := Marshal(faultRecord(0, 1000, faultFetched))
	if err != nil {
		t.Fatal(err)
	}
	limit := 10*(len(line)+1) + len(line)/2 // ten records fit

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), faultHelperVariable+"=disk-full",
		"FAULT_DIR="+dir, "FAULT_LIMIT="+strconv.Itoa(limit), "FAULT_RECORDS="+strconv.Itoa(total))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, stderrOf(err))
	}
	var child Stats
	if err := json.Unmarshal(out, &child); err != nil {
		t.Fatalf("decode child stats %q: %v", out, err)
	}
	path := filepath.Join(dir, "out", "records.jsonl")
	full, invalid := jsonlLineURLs(t, path)
	t.Logf("disk full at %d bytes: written %d, retried %d, spooled %d, pending %d; file holds %d records, %d broken lines",
		limit, child.Written, child.Retried, child.Spooled, child.Pending, len(full), invalid)
	if child.Spooled == 0 || child.Pending != child.Spooled || child.Lost != 0 {
		t.Errorf("child stats = %+v, want records spooled and none lost", child)
	}
	if invalid != 0 {
		t.Errorf("the full disk left %d broken lines", invalid)
	}

	// The next run, with space again, replays the spool and crawls the
	// same pages again.
	d, err := faultDelivery(dir, diskFullSinks)
	if err != nil {
		t.Fatal(err)
	}
	var again []*extract.Record
	for i := range total {
		again = append(again, faultRecord(i, 1000, faultFetched.Add(time.Hour)))
	}
	if err := d.Write(t.Context(), again); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}

	st := d.Stats()[0]
	t.Logf("next run: replayed %d, written %d, pending %d", st.Replayed, st.Written, st.Pending)
	if st.Replayed != child.Spooled || st.Pending != 0 {
		t.Errorf("next run stats = %+v, want the %d spooled records replayed", st, child.Spooled)
	}
	got, invalid := jsonlLineURLs(t, path)
	if invalid != 0 {
		t.Errorf("file has %d broken lines", invalid)
	}
	countURLs(urls(again), got).check(t, "jsonl after a full disk")
}

// killSinks is the configuration of the SIGKILL test: a jsonl file and a
// SQLite database.
const killSinks = "sinks:\n" +
	"  - type: jsonl\n    path: out/records.jsonl\n    batch_size: 50\n" +
	"  - type: sqlite\n    path: out/gleaner.db\n    batch_size: 50\n"

// killRecords and killBody size the SIGKILL test: 60 batches of 50 records
// of about 8 KB each, so that the child is writing when it is killed.
const (
	killRecords = 3000
	killBody    = 8000
)

// helperWriteUntilKilled writes batches to a jsonl and a sqlite sink and
// prints "wrote N" after each, until it has written everything or is
// killed.
func helperWriteUntilKilled() error {
	d, err := faultDelivery(os.Getenv("FAULT_DIR"), killSinks)
	if err != nil {
		return err
	}

	for i := 0; i < killRecords; i += 50 {
		var batch []*extract.Record
		for j := i; j < i+50; j++ {
			batch = append(batch, faultRecord(j, killBody, faultFetched))
		}
		if err := d.Write(context.Background(), batch); err != nil {
			return err
		}
		fmt.Printf("wrote %d\n", i+50)
	}

	return d.Close()
}

func TestFaultSIGKILLDuringBatch(t *testing.T) {
	tests := []struct {
		name       string
		killAfter  int // batches the child reports before the kill
		sleepAfter time.Duration
	}{
		{name: "after 1 batch", killAfter: 1},
		{name: "after 3 batches", killAfter: 3, sleepAfter: time.Millisecond},
		{name: "after 5 batches", killAfter: 5, sleepAfter: 2 * time.Millisecond},
		{name: "after 7 batches", killAfter: 7, sleepAfter: 3 * time.Millisecond},
		{name: "after 9 batches", killAfter: 9, sleepAfter: 5 * time.Millisecond},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			reported := killChild(t, dir, tt.killAfter, tt.sleepAfter)

			jsonlPath := filepath.Join(dir, "out", "records.jsonl")
			dbPath := filepath.Join(dir, "out", "gleaner.db")
			before, torn := jsonlLineURLs(t, jsonlPath)
			t.Logf("killed after %d reported records: jsonl %d whole records and %d torn lines; sqlite %d rows",
				reported, len(before), torn, countRows(t, dbPath, "articles"))

			// A normal run crawls every page again.
			d, err := faultDelivery(dir, killSinks)
			if err != nil {
				t.Fatal(err)
			}
			var all []*extract.Record
			for i := range killRecords {
				all = append(all, faultRecord(i, killBody, faultFetched.Add(time.Hour)))
			}
			for i := 0; i < len(all); i += 50 {
				if err := d.Write(t.Context(), all[i:i+50]); err != nil {
					t.Fatal(err)
				}
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}

			got, invalid := jsonlLineURLs(t, jsonlPath)
			if invalid != 0 {
				t.Errorf("jsonl file has %d broken lines", invalid)
			}
			countURLs(urls(all), got).check(t, "jsonl after SIGKILL")
			countURLs(urls(all), sqliteURLs(t, dbPath)).check(t, "sqlite after SIGKILL")
		})
	}
}

// killChild starts a child that writes until killed, kills it with
// SIGKILL once it has reported killAfter batches and waited sleep, and
// returns the number of records the child reported.
func killChild(t *testing.T, dir string, killAfter int, sleep time.Duration) int {
	t.Helper()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), faultHelperVariable+"=write-until-killed", "FAULT_DIR="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	reported, batches := 0, 0
	scanner := bufio.NewScanner(stdout)
	for batches < killAfter && scanner.Scan() {
		fmt.Sscanf(scanner.Text(), "wrote %d", &reported)
		batches++
	}
	time.Sleep(sleep)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill child: %v", err)
	}
	err = cmd.Wait()

	status, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !status.Signaled() || status.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL (%v); it finished first or failed:\n%s", err, stderr.String())
	}

	return reported
}

// sqliteURLs returns the url column of every row of the articles table.
func sqliteURLs(t *testing.T, path string) []string {
	t.Helper()

	rows, err := openReader(t, path).Query("SELECT url FROM articles")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()

	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}

	return out
}

// stderrOf returns the standard error an *exec.ExitError captured.
func stderrOf(err error) string {
	if exitErr, ok := err.(*exec.ExitError); ok {
		return string(exitErr.Stderr)
	}

	return ""
}
