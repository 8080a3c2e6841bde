package state

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*SQLite, string) {
	t.Helper()

	path := filepath.Join(t.TempDir(), "sub", "state.db")
	s, err := OpenSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestSQLitePages(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	day1 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)

	if _, ok, err := s.Page(ctx, "https://news.example/a/1"); ok || err != nil {
		t.Fatalf("empty store: ok=%v err=%v", ok, err)
	}

	first := Page{URL: "https://news.example/a/1", Kind: KindArticle, ContentHash: "sha256:aa",
		ETag: `"v1"`, LastModified: "Sun, 01 Mar 2026 07:00:00 GMT", LastSeen: day1, LastFetched: day1}
	if err := s.PutPages(ctx, first); err != nil {
		t.Fatal(err)
	}

	// A 304 the next day: seen again, validators and hash unchanged.
	touch := Page{URL: first.URL, Kind: KindArticle, LastSeen: day2}
	if err := s.PutPages(ctx, touch); err != nil {
		t.Fatal(err)
	}

	got, ok, err := s.Page(ctx, first.URL)
	if err != nil || !ok {
		t.Fatalf("Page: ok=%v err=%v", ok, err)
	}
	tests := []struct {
		field     string
		got, want any
	}{
		{"kind", got.Kind, KindArticle},
		{"content hash", got.ContentHash, "sha256:aa"},
		{"etag", got.ETag, `"v1"`},
		{"last modified", got.LastModified, "Sun, 01 Mar 2026 07:00:00 GMT"},
		{"first seen", got.FirstSeen, day1},
		{"last seen", got.LastSeen, day2},
		{"last fetched", got.LastFetched, day1},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.field, tt.got, tt.want)
		}
	}

	// A full fetch with a new body and no ETag replaces hash and validators.
	changed := Page{URL: first.URL, Kind: KindArticle, ContentHash: "sha256:bb", LastSeen: day2, LastFetched: day2}
	if err := s.PutPages(ctx, changed); err != nil {
		t.Fatal(err)
	}
	got, _, _ = s.Page(ctx, first.URL)
	if got.ContentHash != "sha256:bb" || got.ETag != "" || got.FirstSeen != day1 {
		t.Errorf("after change: %+v", got)
	}

	byHash, ok, err := s.ArticleByHash(ctx, "sha256:bb")
	if err != nil || !ok || byHash.URL != first.URL {
		t.Errorf("ArticleByHash = %+v, %v, %v", byHash, ok, err)
	}
	if _, ok, _ := s.ArticleByHash(ctx, "sha256:aa"); ok {
		t.Error("ArticleByHash found the old hash")
	}
	if _, ok, _ := s.ArticleByHash(ctx, ""); ok {
		t.Error("ArticleByHash found an empty hash")
	}
}

func TestSQLitePutPagesRejectsIncompletePage(t *testing.T) {
	s, _ := openTemp(t)

	err := s.PutPages(context.Background(), Page{URL: "https://news.example/x"})
	if err == nil || !strings.Contains(err.Error(), "no URL or kind") {
		t.Fatalf("err = %v", err)
	}
}

func TestSQLiteRobotsExpire(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

	r := Robots{Origin: "https://news.example", Status: 200, Body: []byte("User-agent: *\nDisallow: /private\n"), Expires: now.Add(time.Hour)}
	if err := s.PutRobots(ctx, r); err != nil {
		t.Fatal(err)
	}

	got, ok, err := s.Robots(ctx, r.Origin, now)
	if err != nil || !ok || string(got.Body) != string(r.Body) || got.Status != 200 {
		t.Fatalf("Robots = %+v, %v, %v", got, ok, err)
	}
	if _, ok, _ := s.Robots(ctx, r.Origin, now.Add(time.Hour)); ok {
		t.Error("expired robots.txt returned")
	}
	if _, ok, _ := s.Robots(ctx, "https://other.example", now); ok {
		t.Error("unknown origin returned")
	}
}

func TestSQLiteCookiesOutliveReopen(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	u, _ := url.Parse("https://news.example/a/1")

	s.SetCookies(u, "consent=yes; Path=/")
	if got := s.Cookies(u); got != "consent=yes; Path=/" {
		t.Fatalf("Cookies = %q", got)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	again, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := again.Cookies(u); got != "consent=yes; Path=/" {
		t.Errorf("Cookies after reopen = %q", got)
	}
	other, _ := url.Parse("https://other.example/")
	if got := again.Cookies(other); got != "" {
		t.Errorf("Cookies of another host = %q", got)
	}
}

func TestSQLiteVisited(t *testing.T) {
	s, _ := openTemp(t)

	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	if err := s.Visited(1<<63 + 5); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.IsVisited(1<<63 + 5); !ok || err != nil {
		t.Errorf("IsVisited = %v, %v", ok, err)
	}
	if ok, err := s.IsVisited(7); ok || err != nil {
		t.Errorf("IsVisited(unknown) = %v, %v", ok, err)
	}
}

func TestSQLiteClosed(t *testing.T) {
	s, _ := openTemp(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	if _, _, err := s.Page(context.Background(), "https://news.example/"); !errors.Is(err, ErrClosed) {
		t.Errorf("Page after Close: %v", err)
	}
	if err := s.PutPages(context.Background(), Page{URL: "u", Kind: KindOther}); !errors.Is(err, ErrClosed) {
		t.Errorf("PutPages after Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestSQLiteRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, err := s.db.Exec(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`); err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, err := OpenSQLite(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "schema version 99") {
		t.Fatalf("err = %v", err)
	}
}

// TestSQLiteLookupsUseIndexes checks the query plans, because a lookup
// that scans the table makes a long crawl slow down page by page.
func TestSQLiteLookupsUseIndexes(t *testing.T) {
	s, _ := openTemp(t)

	tests := []struct {
		name, query string
	}{
		{"page by url", "EXPLAIN QUERY PLAN " + pageByURL},
		{"article by hash", "EXPLAIN QUERY PLAN " + articleByHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := s.db.Query(tt.query, "x")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()

			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			joined := strings.Join(plan, "; ")
			if !strings.Contains(joined, "USING") || strings.Contains(joined, "SCAN pages") {
				t.Errorf("plan %q scans the table", joined)
			}
		})
	}
}

func TestSQLiteHostDelays(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	day1 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)

	err := s.PutHostDelays(ctx, []HostDelay{
		{Host: "slow.example", Delay: 2500 * time.Millisecond, Updated: day1},
		{Host: "fast.example", Delay: 0, Updated: day1},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutHostDelays(ctx, []HostDelay{{Host: "slow.example", Delay: 4 * time.Second, Updated: day2}}); err != nil {
		t.Fatal(err)
	}

	got, err := s.HostDelays(ctx, day2)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Host != "slow.example" || got[0].Delay != 4*time.Second || !got[0].Updated.Equal(day2) {
		t.Errorf("HostDelays(day2) = %+v, want slow.example at 4s", got)
	}
	all, err := s.HostDelays(ctx, day1)
	if err != nil || len(all) != 2 {
		t.Errorf("HostDelays(day1) = %+v, %v, want both hosts", all, err)
	}
	if err := s.PutHostDelays(ctx, nil); err != nil {
		t.Errorf("PutHostDelays(nil) = %v", err)
	}
}
