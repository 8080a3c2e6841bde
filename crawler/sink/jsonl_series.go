package sink

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// jsonlSeries names the files of one jsonl sink: the configured path and
// the rotated files beside it, which share its stem and extension.
type jsonlSeries struct {
	path string // the configured path, "" for standard output
	dir  string
	stem string // the file name without ext
	ext  string // such as ".jsonl" or ".jsonl.gz"
}

// newJSONLSeries splits path into its folder, stem and extension. A ".gz"
// ending counts as part of the extension: "records.jsonl.gz" has the stem
// "records" and the extension ".jsonl.gz".
func newJSONLSeries(path string) jsonlSeries {
	if path == "" {
		return jsonlSeries{}
	}

	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	inner, gz := strings.CutSuffix(base, ".gz")
	ext := filepath.Ext(inner)
	if gz {
		ext += ".gz"
	}

	return jsonlSeries{path: path, dir: filepath.Clean(dir), stem: strings.TrimSuffix(inner, filepath.Ext(inner)), ext: ext}
}

// freeName returns the first path "stem-stamp[-N]ext" that does not exist
// yet, counting N up from *part (1 means no suffix), and stores the number
// used in *part.
func (s jsonlSeries) freeName(stamp string, part *int) string {
	for {
		name := s.stem + "-" + stamp
		if *part > 1 {
			name += fmt.Sprintf("-%d", *part)
		}
		path := filepath.Join(s.dir, name+s.ext)
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			return path
		}
		*part++
	}
}

// files lists the existing files of the series: the rotated ones in name
// order, which is time order, then the configured path.
func (s jsonlSeries) files() ([]string, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}

	var files []string
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(name, s.stem+"-") && strings.HasSuffix(name, s.ext) {
			files = append(files, filepath.Join(s.dir, name))
		}
	}
	if info, err := os.Stat(s.path); err == nil && info.Mode().IsRegular() {
		files = append(files, s.path)
	}

	return files, nil
}

// index records in stored the digest of the last line of each URL over
// every file of the series. Lines that are no JSON record, such as a torn
// last line, are skipped.
func (s jsonlSeries) index(stored map[string]uint64, gzipped bool) error {
	files, err := s.files()
	if err != nil {
		return err
	}

	for _, path := range files {
		if err := indexFile(path, gzipped, stored); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}

	return nil
}

// indexFile adds the lines of one file to stored.
func indexFile(path string, gzipped bool, stored map[string]uint64) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()

	add := func(line []byte) {
		if url := lineURL(line); url != "" {
			stored[url] = lineDigest(line)
		}
	}

	if gzipped {
		_, err := readGzipMembers(file, func(content []byte) error {
			return eachLine(bytes.NewReader(content), add)
		})
		return err
	}

	return eachLine(file, add)
}

// eachLine calls fn with every line of r, without its newline. Lines may
// be of any length.
func eachLine(r io.Reader, fn func(line []byte)) error {
	reader := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := reader.ReadBytes('\n')
		if len(line) > 0 {
			fn(bytes.TrimSuffix(line, []byte("\n")))
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// lineURL returns the url field of a JSON line, or "" when the line is no
// JSON object with a url.
func lineURL(line []byte) string {
	var head struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return ""
	}

	return head.URL
}

// fetchedAtKey starts the fetched_at field in the lines Marshal writes.
var fetchedAtKey = []byte(`"fetched_at":"`)

// lineDigest hashes a JSON line written by Marshal without the value of its
// fetched_at field, so that two fetches of an unchanged page hash the same.
// A trailing newline is ignored. Lines written by other programs, with
// other key orders or spacing, hash differently even when they hold the
// same record.
func lineDigest(line []byte) uint64 {
	line = bytes.TrimSuffix(line, []byte("\n"))
	h := fnv.New64a()

	start := bytes.Index(line, fetchedAtKey)
	if start < 0 {
		h.Write(line)
		return h.Sum64()
	}
	valueStart := start + len(fetchedAtKey)
	end := bytes.IndexByte(line[valueStart:], '"')
	if end < 0 {
		h.Write(line)
		return h.Sum64()
	}

	h.Write(line[:valueStart])
	h.Write(line[valueStart+end:])

	return h.Sum64()
}
