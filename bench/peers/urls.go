package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// urlIndex maps saved pages to the addresses they were fetched from, so that
// every extractor resolves links against the page's real URL.
type urlIndex struct {
	byPath map[string]string // cleaned file path to URL
	byName map[string]string // file name without page extension to URL
}

// Index files read from a page folder and from its parent folder.
const (
	// nameIndexFile is one JSON object keyed by page file name without
	// extension, each value an object with a "url" field.
	nameIndexFile = "ground-truth.json"
	// pathIndexFile has one JSON object a line with "file" (a path relative
	// to the index's folder) and "url".
	pathIndexFile = "truth.jsonl"
)

// loadURLIndex reads the index files found in dir and in its parent. Both
// are optional: a folder without them gives an empty index.
func loadURLIndex(dir string) (urlIndex, error) {
	index := urlIndex{byPath: map[string]string{}, byName: map[string]string{}}
	for _, folder := range []string{dir, filepath.Dir(dir)} {
		if err := index.readNames(filepath.Join(folder, nameIndexFile)); err != nil {
			return urlIndex{}, err
		}
		if err := index.readPaths(folder, filepath.Join(folder, pathIndexFile)); err != nil {
			return urlIndex{}, err
		}
	}
	return index, nil
}

func (x urlIndex) readNames(file string) error {
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read url index: %w", err)
	}

	var entries map[string]struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("parse url index %s: %w", file, err)
	}
	for name, entry := range entries {
		if entry.URL != "" {
			x.byName[name] = entry.URL
		}
	}
	return nil
}

func (x urlIndex) readPaths(folder, file string) error {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read url index: %w", err)
	}
	defer f.Close()

	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for line := 1; scanner.Scan(); line++ {
		var entry struct {
			File string `json:"file"`
			URL  string `json:"url"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &entry); err != nil {
			return fmt.Errorf("parse url index %s line %d: %w", file, line, err)
		}
		if entry.File != "" && entry.URL != "" {
			x.byPath[filepath.Join(folder, entry.File)] = entry.URL
		}
	}
	if err := scanner.Err(); err != nil {
		return fmt.Errorf("read url index %s: %w", file, err)
	}
	return nil
}

// lookup returns the address of the page at path. A page missing from the
// index, or listed with an unparsable URL, gets https://example.com/NAME:
// no extractor fetches anything, and every extractor gets the same value.
func (x urlIndex) lookup(path string) *url.URL {
	raw, ok := x.byPath[filepath.Clean(path)]
	if !ok {
		raw = x.byName[pageName(path)]
	}
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" {
		return u
	}
	return &url.URL{Scheme: "https", Host: "example.com", Path: "/" + filepath.Base(path)}
}
