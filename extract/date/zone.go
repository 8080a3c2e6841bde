package date

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

const hour = 60 * 60

// fixedZones maps zone abbreviations to their offsets. CST is handled apart
// because it names both China and US Central time. IST is India, BST is
// British Summer Time.
var fixedZones = map[string]*time.Location{}

// namedZones maps abbreviations that do not say whether daylight saving time
// applies to the zone that decides it.
var namedZones = map[string]*time.Location{}

var (
	chinaZone      = time.FixedZone("CST", 8*hour)
	usCentralZone  = time.FixedZone("CST", -6*hour)
	zoneOffsetsSec = map[string]int{
		"UTC": 0, "UT": 0, "GMT": 0, "Z": 0,
		"EST": -5 * hour, "EDT": -4 * hour,
		"CDT": -5 * hour,
		"MST": -7 * hour, "MDT": -6 * hour,
		"PST": -8 * hour, "PDT": -7 * hour,
		"AKST": -9 * hour, "AKDT": -8 * hour,
		"HST": -10 * hour,
		"WET": 0, "WEST": 1 * hour,
		"BST": 1 * hour,
		"CET": 1 * hour, "CEST": 2 * hour,
		"MEZ": 1 * hour, "MESZ": 2 * hour, // German names of CET and CEST
		"EET": 2 * hour, "EEST": 3 * hour,
		"MSK": 3 * hour,
		"IST": 5*hour + 30*60,
		"WIB": 7 * hour, "WITA": 8 * hour, "WIT": 9 * hour, // Indonesia
		"HKT": 8 * hour, "SGT": 8 * hour, "PHT": 8 * hour, "AWST": 8 * hour,
		"JST": 9 * hour, "KST": 9 * hour,
		"ACST": 9*hour + 30*60,
		"AEST": 10 * hour, "AEDT": 11 * hour,
		"NZST": 12 * hour, "NZDT": 13 * hour,
	}
)

func init() {
	for name, offset := range zoneOffsetsSec {
		if offset == 0 {
			fixedZones[name] = time.UTC
			continue
		}
		fixedZones[name] = time.FixedZone(name, offset)
	}

	// With time/tzdata embedded these loads do not fail; if one did, the
	// abbreviation would simply not be recognised.
	for abbr, name := range map[string]string{
		"ET": "America/New_York",
		"CT": "America/Chicago",
		"MT": "America/Denver",
		"PT": "America/Los_Angeles",
	} {
		if l, err := time.LoadLocation(name); err == nil {
			namedZones[abbr] = l
		}
	}
}

// zoneContext is what resolving "CST" depends on.
type zoneContext struct {
	text string
	loc  *time.Location
	// cjk caches whether text contains Han, kana or Hangul: 0 unknown,
	// 1 yes, 2 no.
	cjk int8
}

// hasCJK reports whether the text contains Han, kana or Hangul characters.
func (z *zoneContext) hasCJK() bool {
	if z.cjk == 0 {
		z.cjk = 2
		for _, r := range z.text {
			if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) {
				z.cjk = 1
				break
			}
		}
	}
	return z.cjk == 1
}

// resolveZone returns the location a zone written in the text names, for a
// wall time on the given date. It reports false for an unknown abbreviation
// or an offset out of range.
func (z *zoneContext) resolveZone(zone string, year int, month time.Month, day int) (*time.Location, bool) {
	zone = strings.TrimSpace(zone)
	if zone == "" {
		return nil, false
	}

	if l, ok := fixedZones[zone]; ok {
		return l, true
	}
	if l, ok := namedZones[zone]; ok {
		return l, true
	}

	if zone == "CST" {
		if z.hasCJK() {
			return chinaZone, true
		}
		_, offset := time.Date(year, month, day, 12, 0, 0, 0, z.loc).Zone()
		if offset == 8*hour {
			return chinaZone, true
		}
		return usCentralZone, true
	}

	return parseOffset(zone)
}

// parseOffset reads "+08:00", "+0800", "-05", "UTC+8", "GMT-05:30".
func parseOffset(zone string) (*time.Location, bool) {
	zone = strings.TrimPrefix(zone, "UTC")
	zone = strings.TrimPrefix(zone, "GMT")
	zone = strings.TrimSpace(zone)
	if len(zone) < 2 || (zone[0] != '+' && zone[0] != '-') {
		return nil, false
	}

	sign := 1
	if zone[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(zone[1:], ":", "")

	var hh, mm string
	switch len(digits) {
	case 1, 2:
		hh = digits
	case 3:
		hh, mm = digits[:1], digits[1:]
	case 4:
		hh, mm = digits[:2], digits[2:]
	default:
		return nil, false
	}

	h, err := strconv.Atoi(hh)
	if err != nil || h > 14 {
		return nil, false
	}
	m := 0
	if mm != "" {
		m, err = strconv.Atoi(mm)
		if err != nil || m > 59 {
			return nil, false
		}
	}

	offset := sign * (h*hour + m*60)
	if offset == 0 {
		return time.UTC, true
	}
	return time.FixedZone("", offset), true
}
