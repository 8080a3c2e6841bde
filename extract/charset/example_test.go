package charset_test

import (
	"fmt"

	"github.com/gleanerhq/gleaner/extract/charset"
)

func ExampleDecode() {
	// A page re-saved as UTF-8 that kept its old GB2312 meta tag.
	page := []byte(`<meta http-equiv="Content-Type" content="text/html; charset=gb2312"><p>新闻</p>`)

	text, name, err := charset.Decode(page, "")
	fmt.Println(name, err)
	fmt.Println(text[len(text)-13:])
	// Output:
	// utf-8 <nil>
	// <p>新闻</p>
}
