// Package charset turns page bytes in any common encoding into UTF-8 text.
package charset

import "errors"

// ErrBinary is returned when the input is clearly not text.
var ErrBinary = errors.New("input is binary, not text")

// STUB: replaced by the real implementation.
func Decode(page []byte, contentType string) (string, string, error) { return string(page), "utf-8", nil }
