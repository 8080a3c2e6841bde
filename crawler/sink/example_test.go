package sink_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/gleanerhq/gleaner/crawler/sink"
	"github.com/gleanerhq/gleaner/extract"
)

func ExampleMarshal() {
	record := &extract.Record{
		URL:       "https://news.example.com/article/7",
		FetchedAt: time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC),
		PageType:  extract.PageArticle,
		Title:     "Q&A: <b>tags</b> stay as typed",
		Body:      "First paragraph.\nSecond paragraph.",
	}

	line, err := sink.Marshal(record)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(line))
	// Output:
	// {"schema_version":1,"url":"https://news.example.com/article/7","fetched_at":"2024-03-05T08:00:00Z","page_type":"article","title":"Q&A: <b>tags</b> stay as typed","body":"First paragraph.\nSecond paragraph."}
}

func ExampleOpenAll() {
	ctx := context.Background()
	specs := []sink.Spec{{Type: "jsonl", Path: "-", KeyPath: "sinks[0]"}}

	sinks, err := sink.OpenAll(ctx, sink.Default(), specs)
	if err != nil {
		fmt.Println(err)
		return
	}

	batch := []*extract.Record{{
		URL:       "https://news.example.com/article/8",
		FetchedAt: time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC),
		PageType:  extract.PageArticle,
		Title:     "颱風警報解除",
		Body:      "氣象署上午解除海上颱風警報。",
	}}
	if err := sinks.Write(ctx, batch); err != nil {
		fmt.Println(err)
	}
	if err := sinks.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// {"schema_version":1,"url":"https://news.example.com/article/8","fetched_at":"2024-03-05T09:00:00Z","page_type":"article","title":"颱風警報解除","body":"氣象署上午解除海上颱風警報。"}
}

func ExampleRegistry_New() {
	spec := sink.Spec{Type: "kafka", Line: 7, KeyPath: "sinks[1]"}

	_, err := sink.Default().New(spec)
	fmt.Println(err)
	// Output:
	// line 7: sinks[1].type: unknown sink type "kafka" (known: jsonl, parquet, postgres, sqlite, webhook)
}

func ExampleNewDelivery() {
	spool, err := os.MkdirTemp("", "gleaner-spool")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(spool)

	specs := []sink.Spec{{Type: "jsonl", Path: "-", KeyPath: "sinks[0]"}}
	delivery, err := sink.NewDelivery(sink.Default(), specs, sink.DeliveryOptions{SpoolDir: spool})
	if err != nil {
		fmt.Println(err)
		return
	}

	ctx := context.Background()
	if err := delivery.Open(ctx); err != nil {
		fmt.Println(err)
		return
	}
	batch := []*extract.Record{{
		URL:       "https://news.example.com/article/9",
		FetchedAt: time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC),
		PageType:  extract.PageArticle,
		Title:     "颱風遠離",
		Body:      "氣象署解除陸上颱風警報。",
	}}
	if err := delivery.Write(ctx, batch); err != nil {
		fmt.Println(err)
	}
	if err := delivery.Close(); err != nil { // writes the batch, which is smaller than batch_size
		fmt.Println(err)
	}

	for _, st := range delivery.Stats() {
		fmt.Printf("%s: written %d, spooled %d\n", st.Sink, st.Written, st.Spooled)
	}
	// Output:
	// {"schema_version":1,"url":"https://news.example.com/article/9","fetched_at":"2024-03-05T10:00:00Z","page_type":"article","title":"颱風遠離","body":"氣象署解除陸上颱風警報。"}
	// sinks[0] (jsonl): written 1, spooled 0
}
