package date_test

import (
	"fmt"
	"time"

	"github.com/gleanerhq/gleaner/extract/date"
)

func ExampleParse() {
	china := time.FixedZone("UTC+8", 8*60*60)
	fetched := time.Date(2024, 11, 12, 10, 0, 0, 0, china)

	v, ok := date.Parse("記者陳以寧 8小時前", fetched, china)
	fmt.Println(ok, v.Raw, v.Format(), v.Precision)
	// Output: true 8小時前 2024-11-12T02:00:00+08:00 minute
}

func ExampleFindAll() {
	china := time.FixedZone("UTC+8", 8*60*60)
	fetched := time.Date(2023, 11, 3, 12, 0, 0, 0, china)

	for _, v := range date.FindAll("昨天 18:20 · 3天前 · 2023/10/28", fetched, china) {
		fmt.Println(v.Raw, v.Format())
	}
	// Output:
	// 昨天 18:20 2023-11-02T18:20:00+08:00
	// 3天前 2023-10-31T00:00:00+08:00
	// 2023/10/28 2023-10-28T00:00:00+08:00
}

func ExampleParseMachine() {
	v, ok := date.ParseMachine("2023-11-02T16:11:06+08:00", nil)
	fmt.Println(ok, v.Format(), v.Precision)
	// Output: true 2023-11-02T16:11:06+08:00 second
}
