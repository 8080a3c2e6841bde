package crawler

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap/zaptest"
	"gopkg.in/yaml.v3"

	"github.com/gleanerhq/gleaner/crawler/sink"
)

// Environment variables of the PostgreSQL fault test. .ci/run starts a
// throwaway server and sets both.
const (
	postgresDSNVariable = "GLEANER_TEST_PG_DSN"
	postgresCtlVariable = "GLEANER_TEST_PG_CTL" // a command taking "stop" or "start"
)

// storySite serves an index page that links to n generated article pages
// at /story/1.html to /story/n.html. onStory[k], when set, runs before the
// k-th story request is served, so that a test can act in the middle of a
// crawl whatever order the crawler fetches the stories in.
type storySite struct {
	*httptest.Server
	n     int
	delay time.Duration // how long each story takes to serve

	mu      sync.Mutex
	served  int
	onStory map[int]func()
}

func newStorySite(t *testing.T, n int) *storySite {
	t.Helper()

	site := &storySite{n: n, delay: 20 * time.Millisecond, onStory: make(map[int]func())}
	site.Server = httptest.NewServer(http.HandlerFunc(site.serve))
	t.Cleanup(site.Close)

	return site
}

var storyPath = regexp.MustCompile(`^/story/(\d+)\.html$`)

func (s *storySite) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")

	if r.URL.Path == "/" {
		var links strings.Builder
		for i := 1; i <= s.n; i++ {
			fmt.Fprintf(&links, "<li><a href=\"/story/%d.html\">第 %d 則</a></li>\n", i, i)
		}
		fmt.Fprintf(w, "<!DOCTYPE html><html lang=\"zh-Hant\"><head><title>新聞列表</title></head><body><ul>%s</ul></body></html>", links.String())
		return
	}

	m := storyPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		http.NotFound(w, r)
		return
	}
	k, _ := strconv.Atoi(m[1])

	s.mu.Lock()
	s.served++
	hook := s.onStory[s.served]
	s.mu.Unlock()
	if hook != nil {
		hook()
	}
	time.Sleep(s.delay) // a page takes a while, so the crawl lasts

	fmt.Fprintf(w, `<!DOCTYPE html><html lang="zh-Hant"><head><title>第 %[1]d 則新聞 - 範例新聞</title>
<meta property="article:published_time" content="2024-03-05T08:%02[2]d:00+08:00"></head>
<body><article><h1>第 %[1]d 則新聞</h1>
<p>氣象署今天上午發布第 %[1]d 號海上颱風警報，提醒民眾注意強風與豪雨，沿海地區請嚴防長浪。</p>
<p>各地方政府已經成立災害應變中心，並且預先撤離低窪地區與山區的居民，學校將視情況宣布停課。</p>
<p>交通部表示，部分航班與渡輪可能停駛，旅客出發前應先查詢最新資訊，以免行程受到影響。</p>
</article></body></html>`, k, k%60)
}

// storyURLs returns the URLs of the site's article pages.
func (s *storySite) storyURLs() []string {
	urls := make([]string, s.n)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/story/%d.html", s.URL, i+1)
	}
	return urls
}

// at makes the site run hook before it serves the k-th story request.
func (s *storySite) at(k int, hook func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onStory[k] = hook
}

// postgresControl returns the test server's DSN and a function that stops
// or starts it, or skips the test. The server is started again when the
// test ends, whatever happened.
func postgresControl(t *testing.T) (string, func(action string)) {
	t.Helper()

	dsn, ctl := os.Getenv(postgresDSNVariable), os.Getenv(postgresCtlVariable)
	if dsn == "" || ctl == "" {
		t.Skip(postgresDSNVariable + " and " + postgresCtlVariable + " are not set: this test stops and starts a PostgreSQL server (.ci/run starts one with .ci/postgres)")
	}

	var mu sync.Mutex
	running := true
	control := func(action string) {
		mu.Lock()
		defer mu.Unlock()
		if out, err := exec.Command(ctl, action).CombinedOutput(); err != nil {
			t.Errorf("%s %s: %v\n%s", ctl, action, err, out)
			return
		}
		running = action == "start"
		t.Logf("PostgreSQL %s", map[string]string{"stop": "stopped", "start": "started"}[action])
	}
	t.Cleanup(func() {
		if !running {
			control("start")
		}
	})

	return dsn, control
}

// postgresDelivery builds a Delivery with one postgres sink that retries
// fast, spooling into spoolDir.
func postgresDelivery(t *testing.T, dsn, table, spoolDir string) *sink.Delivery {
	t.Helper()

	text := fmt.Sprintf("type: postgres\ndsn: '%s'\ntable: %s\nbatch_size: 5\nflush_interval: 100ms\n"+
		"retries: 2\nretry_backoff: 50ms\nreconnect_interval: 300ms\nconnect_timeout: 2s\n", dsn, table)
	var node yaml.Node
	if err := yaml.Unmarshal([]byte(text), &node); err != nil {
		t.Fatal(err)
	}
	spec := sink.Spec{Type: "postgres", Node: node.Content[0], Line: 1, KeyPath: "sinks[0]"}

	d, err := sink.NewDelivery(sink.Default(), []sink.Spec{spec}, sink.DeliveryOptions{
		SpoolDir: spoolDir,
		Logger:   zaptest.NewLogger(t),
	})
	if err != nil {
		t.Fatalf("NewDelivery: %v", err)
	}
	return d
}

// crawlInto crawls site into s with small batches.
func crawlInto(t *testing.T, site *storySite, s sink.Sink) Summary {
	t.Helper()

	cfg := testConfig(t, site.URL+"/")
	cfg.MaxDepth = 2
	cfg.Articles = []*regexp.Regexp{regexp.MustCompile(`/story/\d+\.html$`)}
	c, err := New(cfg, s, Options{Logger: zaptest.NewLogger(t), BatchSize: 5, FlushInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("New: %v", err)
	}

	summary, err := c.Run(context.Background())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return summary
}

// tableURLs returns the url of every row of table.
func tableURLs(t *testing.T, dsn, table string) []string {
	t.Helper()

	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())

	rows, err := conn.Query(context.Background(), "SELECT url FROM "+table)
	if err != nil {
		t.Fatalf("select urls: %v", err)
	}
	urls, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatalf("read urls: %v", err)
	}
	return urls
}

// dropTable drops table when the test ends.
func dropTable(t *testing.T, dsn, table string) {
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			return
		}
		defer conn.Close(context.Background())
		conn.Exec(context.Background(), "DROP TABLE IF EXISTS "+table)
	})
}

// checkExactlyOnce logs the counts of a fault test and fails it when a URL
// is missing or stored twice.
func checkExactlyOnce(t *testing.T, what string, want, got []string) {
	t.Helper()

	seen := make(map[string]int)
	for _, u := range got {
		seen[u]++
	}
	duplicated, missing := 0, 0
	for _, n := range seen {
		duplicated += n - 1
	}
	for _, u := range want {
		if seen[u] == 0 {
			missing++
		}
	}

	t.Logf("%s: expected %d, found %d, duplicated %d, missing %d", what, len(want), len(seen), duplicated, missing)
	if len(seen) != len(want) || duplicated != 0 || missing != 0 {
		t.Errorf("%s: %d records lost, %d duplicated, %d rows for %d pages", what, missing, duplicated, len(got), len(want))
	}
}

func logSinkStats(t *testing.T, run string, s Summary) sink.Stats {
	t.Helper()

	if len(s.Sinks) != 1 {
		t.Fatalf("%s: summary has %d sink entries, want 1", run, len(s.Sinks))
	}
	st := s.Sinks[0]
	t.Logf("%s: %d articles; %s written %d, retried %d, spooled %d, replayed %d, pending %d",
		run, s.Articles, st.Sink, st.Written, st.Retried, st.Spooled, st.Replayed, st.Pending)
	return st
}

func TestFaultPostgresStoppedUntilNextRun(t *testing.T) {
	dsn, control := postgresControl(t)
	table := fmt.Sprintf("fault_next_run_%d", time.Now().UnixNano())
	dropTable(t, dsn, table)
	spool := t.TempDir()
	site := newStorySite(t, 60)
	site.at(15, func() { control("stop") })

	first := logSinkStats(t, "first run", crawlInto(t, site, postgresDelivery(t, dsn, table, spool)))
	if first.Spooled == 0 || first.Pending != first.Spooled || first.Lost != 0 {
		t.Fatalf("first run: %+v, want records spooled and pending, none lost", first)
	}

	control("start")
	second := logSinkStats(t, "next run", crawlInto(t, site, postgresDelivery(t, dsn, table, spool)))

	if second.Replayed != first.Pending || second.Pending != 0 {
		t.Errorf("next run replayed %d of %d spooled records, %d still pending", second.Replayed, first.Pending, second.Pending)
	}
	checkExactlyOnce(t, "postgres rows after the next run", site.storyURLs(), tableURLs(t, dsn, table))
}

func TestFaultPostgresStoppedAndStartedMidCrawl(t *testing.T) {
	dsn, control := postgresControl(t)
	table := fmt.Sprintf("fault_mid_crawl_%d", time.Now().UnixNano())
	dropTable(t, dsn, table)
	site := newStorySite(t, 120)
	site.delay = 25 * time.Millisecond
	started := make(chan struct{})
	site.at(10, func() {
		control("stop")
		go func() {
			defer close(started)
			time.Sleep(800 * time.Millisecond)
			control("start")
		}()
	})

	st := logSinkStats(t, "run", crawlInto(t, site, postgresDelivery(t, dsn, table, t.TempDir())))
	<-started

	if st.Spooled == 0 || st.Replayed != st.Spooled || st.Pending != 0 || st.Written == 0 {
		t.Errorf("stats %+v, want spooled records all replayed in the same run and later records written", st)
	}
	checkExactlyOnce(t, "postgres rows after the run", site.storyURLs(), tableURLs(t, dsn, table))
}
