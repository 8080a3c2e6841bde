package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// page is one saved HTML page, held in memory so that reading and
// decompressing files never count in the timings.
type page struct {
	path string
	html []byte   // the page bytes as saved, after gunzip for .html.gz
	url  *url.URL // the address the page was saved from, or a placeholder
}

// errNoPages means the folders searched contain no page files.
var errNoPages = errors.New("no pages found")

// defaultPageDirs are the default page folders, relative to the working
// directory or one of its parents.
var defaultPageDirs = []string{
	filepath.Join("shared", "corpus", "scrapinghub-dev", "html"),
	filepath.Join("shared", "corpus", "pages"),
}

// findDefaultDirs looks for the default page folders under the working
// directory and each of its parents, and returns the first set found. When
// none exists it returns errNoPages with every folder it tried.
func findDefaultDirs() ([]string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("find default page folders: %w", err)
	}

	var tried []string
	for {
		var found []string
		for _, rel := range defaultPageDirs {
			candidate := filepath.Join(dir, rel)
			tried = append(tried, candidate)
			if info, err := os.Stat(candidate); err == nil && info.IsDir() {
				found = append(found, candidate)
			}
		}
		if len(found) > 0 {
			return found, nil
		}

		parent := filepath.Dir(dir)
		if parent == dir {
			return nil, fmt.Errorf("%w: searched %s; pass -dir FOLDER", errNoPages, strings.Join(tried, ", "))
		}
		dir = parent
	}
}

// loadPages reads every *.html, *.htm and *.html.gz file under dirs, in a
// stable order, and gunzips the compressed ones.
func loadPages(dirs []string) ([]page, error) {
	var pages []page
	for _, dir := range dirs {
		dir, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("resolve page folder: %w", err)
		}

		urls, err := loadURLIndex(dir)
		if err != nil {
			return nil, err
		}

		var paths []string
		err = filepath.WalkDir(dir, func(path string, entry fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !entry.IsDir() && pageName(path) != "" {
				paths = append(paths, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list pages in %s: %w", dir, err)
		}
		sort.Strings(paths)

		for _, path := range paths {
			p, err := readPage(path, urls)
			if err != nil {
				return nil, err
			}
			pages = append(pages, p)
		}
	}

	if len(pages) == 0 {
		return nil, fmt.Errorf("%w: searched %s for *.html, *.htm and *.html.gz", errNoPages, strings.Join(dirs, ", "))
	}
	return pages, nil
}

// pageName returns the file name of path without its page extension, or ""
// when path is not a page file.
func pageName(path string) string {
	base := filepath.Base(path)
	for _, ext := range []string{".html.gz", ".html", ".htm"} {
		if strings.HasSuffix(base, ext) {
			return strings.TrimSuffix(base, ext)
		}
	}
	return ""
}

func readPage(path string, urls urlIndex) (page, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return page{}, fmt.Errorf("read page: %w", err)
	}

	if strings.HasSuffix(path, ".gz") {
		data, err = gunzip(data)
		if err != nil {
			return page{}, fmt.Errorf("gunzip %s: %w", path, err)
		}
	}

	return page{path: path, html: data, url: urls.lookup(path)}, nil
}

func gunzip(data []byte) ([]byte, error) {
	reader, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer reader.Close()

	return io.ReadAll(reader)
}
