package config_test

import (
	"fmt"

	"github.com/gleanerhq/gleaner/config"
)

func ExampleParse() {
	data := []byte(`
seeds:
  - https://news.example.com/
articles:
  - '/article/\d+'
delay: 500ms
`)
	cfg, err := config.Parse(data, "/srv/crawl")
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println(cfg.AllowedDomains, cfg.Delay, cfg.Parallelism)
	fmt.Println(cfg.Sinks[0].Type, cfg.Sinks[0].Path)
	fmt.Println(cfg.IsArticleURL("https://news.example.com/article/42"))
	// Output:
	// [news.example.com] 500ms 4
	// sqlite /srv/crawl/out/gleaner.db
	// true true
}

func ExampleParse_problems() {
	data := []byte(`
seed:
  - https://news.example.com/
parallelism: 0
`)
	_, err := config.Parse(data, "/srv/crawl")
	fmt.Println(err)
	// Output:
	// config: 3 problems:
	//   seeds: missing: list at least one URL or file to start from
	//   line 2: seed: unknown key (did you mean "seeds"?)
	//   line 4: parallelism: must be at least 1, got 0
}

func ExampleConfig_ProfileFor() {
	data := []byte(`
seeds:
  - https://news.example-agg.com/
profiles:
  - name: example-agg
    hosts: [news.example-agg.com, "*.example-agg.com"]
    title: h1.news-detail__title
    body: .news-detail__body
`)
	cfg, err := config.Parse(data, "/srv/crawl")
	if err != nil {
		fmt.Println(err)
		return
	}

	for _, host := range []string{"news.example-agg.com", "TW.example-agg.com:8443", "example.org"} {
		if prof := cfg.ProfileFor(host); prof != nil {
			fmt.Println(host, "->", prof.Name)
			continue
		}
		fmt.Println(host, "-> no profile")
	}
	fmt.Println(cfg.Profiles[0].Selectors[0].Key, cfg.Profiles[0].Selectors[0].Selector)
	// Output:
	// news.example-agg.com -> example-agg
	// TW.example-agg.com:8443 -> example-agg
	// example.org -> no profile
	// title h1.news-detail__title
}
