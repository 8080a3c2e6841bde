package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// errNoMemoryFigures means a status file has no VmRSS or VmHWM line, as
// for a process that has exited but was not yet reaped.
var errNoMemoryFigures = errors.New("no VmRSS or VmHWM line")

// memory is the resident set size of a process, in bytes.
type memory struct {
	rss  int64 // VmRSS: resident now
	peak int64 // VmHWM: the highest resident size since the process started
}

// readMemory reads the memory figures of process pid from
// /proc/PID/status. It works on Linux only.
func readMemory(pid int) (memory, error) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	data, err := os.ReadFile(path)
	if err != nil {
		return memory{}, fmt.Errorf("read memory figures: %w", err)
	}

	m, err := parseStatus(data)
	if err != nil {
		return memory{}, fmt.Errorf("parse %s: %w", path, err)
	}
	return m, nil
}

// parseStatus reads VmRSS and VmHWM from the text of a /proc/PID/status
// file, where both are in kB (units of 1024 bytes).
func parseStatus(data []byte) (memory, error) {
	var m memory
	var haveRSS, havePeak bool

	scanner := bufio.NewScanner(bytes.NewReader(data))
	for scanner.Scan() {
		key, value, ok := strings.Cut(scanner.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}

		number, unit, _ := strings.Cut(strings.TrimSpace(value), " ")
		kilobytes, err := strconv.ParseInt(number, 10, 64)
		if err != nil || unit != "kB" {
			return memory{}, fmt.Errorf("invalid %s value %q: want a number of kB", key, strings.TrimSpace(value))
		}
		if key == "VmRSS" {
			m.rss, haveRSS = kilobytes*1024, true
		} else {
			m.peak, havePeak = kilobytes*1024, true
		}
	}
	if err := scanner.Err(); err != nil {
		return memory{}, err
	}

	if !haveRSS || !havePeak {
		return memory{}, errNoMemoryFigures
	}
	return m, nil
}
