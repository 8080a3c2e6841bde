package date

import (
	"strings"
	"time"
)

// maxMachineLen bounds the attribute values ParseMachine reads; longer
// values are text, not timestamps.
const maxMachineLen = 120

var (
	// isoForm is ISO 8601 in its extended and basic forms:
	// 2023-11-02T16:11:06.123+08:00, 20231102T161106Z, 2023-11-02 16:11.
	isoForm = compileForm(`(?P<year>\d{4})-?(?P<month>\d{2})-?(?P<day>\d{2})` +
		`(?:[Tt ]\s*(?P<hour>\d{2}):?(?P<minute>\d{2})(?::?(?P<second>\d{2})(?:[.,]\d{1,9})?)?)?` +
		`\s*(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?$`)

	// rfc822Form is RFC 822 with its two-digit year: "Thu, 02 Nov 23 16:11
	// EST". Free text does not get it: "2 Nov 23" there is too often not a
	// date.
	rfc822Form = compileForm(weekdayPat + `(?P<day>\d{1,2})\s+` + monthNamePat + `\s+(?P<year>\d{2})\s+` +
		`(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?` +
		`(?:\s+(?P<zone>[A-Z]{1,5}|[+-]\d{4}))?\s*$`)
)

// ParseMachine reads an attribute value meant for machines: meta content,
// <time datetime>, JSON-LD datePublished.
//
// It accepts ISO 8601 and RFC 3339 with or without zone, fraction or time,
// including the basic form 20231102T161106Z. It also accepts the all-digit
// forms YYYYMMDD, YYYYMMDDhhmm and YYYYMMDDhhmmss, Unix seconds (10 digits)
// and milliseconds (13 digits), RFC 1123, RFC 822, RFC 850, ANSI C, and any
// form Parse reads when it starts the value ("2023/11/02 16:11").
//
// Zone-less values take loc (nil means UTC). Values before 1990 or more
// than a year after the current time are rejected.
func ParseMachine(s string, loc *time.Location) (Value, bool) {
	if loc == nil {
		loc = time.UTC
	}
	trimmed := strings.TrimSpace(s)
	if trimmed == "" || len(trimmed) > maxMachineLen {
		return Value{}, false
	}
	lead := strings.Index(s, trimmed)

	v, ok := parseMachineTrimmed(trimmed, loc)
	if !ok {
		return Value{}, false
	}
	v.Start += lead
	return v, true
}

func parseMachineTrimmed(s string, loc *time.Location) (Value, bool) {
	sc := &scanner{
		n:      normalized{s: s, orig: s},
		loc:    loc,
		zones:  zoneContext{text: s, loc: loc},
		latest: time.Now().AddDate(1, 0, 0),
	}

	if allDigits(s) {
		return sc.readDigits(s)
	}

	for _, f := range []*form{isoForm, rfc822Form} {
		m, ok := f.exec(s)
		if !ok {
			continue
		}
		p, out := fieldsOf(f, m, false)
		if out != accepted {
			return Value{}, false
		}
		p.zone = strings.ToUpper(p.zone)
		v, out := sc.readAbsolute(p)
		if out != accepted {
			return Value{}, false
		}
		v.Raw = s
		return v, true
	}

	values := scan(s, time.Time{}, Reader{Location: loc}, 1)
	if len(values) == 0 || values[0].Start != 0 {
		return Value{}, false
	}
	return values[0], true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// readDigits reads the all-digit forms: 20231102, 202311021611,
// 20231102161106, Unix seconds and Unix milliseconds. A Unix time is an
// instant, so it counts as having its zone given; it is shown in the
// caller's location.
func (sc *scanner) readDigits(s string) (Value, bool) {
	var (
		p    parts
		unix time.Time
	)
	switch len(s) {
	case 8, 12, 14:
		p.year, p.month, p.day = atoi(s[0:4]), atoi(s[4:6]), atoi(s[6:8])
		if len(s) >= 12 {
			p.hasTime = true
			p.hour, p.minute = atoi(s[8:10]), atoi(s[10:12])
		}
		if len(s) == 14 {
			p.hasSecond = true
			p.second = atoi(s[12:14])
		}
		if p.hour > 23 || p.minute > 59 || p.second > 59 {
			return Value{}, false
		}
	case 10:
		unix = time.Unix(int64(atoi(s)), 0)
	case 13:
		unix = time.UnixMilli(int64(atoi(s))).Truncate(time.Second)
	default:
		return Value{}, false
	}

	if !unix.IsZero() {
		t := unix.In(sc.loc)
		if !sc.inRange(t) {
			return Value{}, false
		}
		return Value{Time: t, Precision: Second, Raw: s, ZoneGiven: true}, true
	}

	v, out := sc.readAbsolute(p)
	if out != accepted {
		return Value{}, false
	}
	v.Raw = s
	return v, true
}
