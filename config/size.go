package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// byteUnits maps the lower-case units of a byte size to their factors: SI
// units (KB = 1000 bytes) and IEC units (KiB = 1024 bytes).
var byteUnits = map[string]int64{
	"":    1,
	"b":   1,
	"kb":  1000,
	"mb":  1000 * 1000,
	"gb":  1000 * 1000 * 1000,
	"tb":  1000 * 1000 * 1000 * 1000,
	"kib": 1 << 10,
	"mib": 1 << 20,
	"gib": 1 << 30,
	"tib": 1 << 40,
}

var errSizeSyntax = errors.New("use a whole number of bytes, optionally followed by a unit: B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), such as 10MB or 1MiB")

// parseByteSize reads a size such as "1024", "10MB", "10 MB" or "1MiB".
// Units ignore case. The number must be a whole number, so "1.5MB" is
// rejected rather than rounded.
func parseByteSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits == 0 {
		return 0, errSizeSyntax
	}

	factor, ok := byteUnits[strings.ToLower(strings.TrimSpace(s[digits:]))]
	if !ok {
		return 0, errSizeSyntax
	}

	n, err := strconv.ParseInt(s[:digits], 10, 64)
	if err != nil || n > math.MaxInt64/factor {
		return 0, errors.New("too large")
	}
	return n * factor, nil
}
