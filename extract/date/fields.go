package date

import (
	"strconv"
	"strings"
	"time"
)

// parts are the fields of an absolute date read from a match, before they
// are checked and turned into a time.
type parts struct {
	year, month, day     int
	hour, minute, second int
	hasTime, hasSecond   bool
	// yearless is true for forms without a year ("11月2日").
	yearless bool
	// zone is the zone text as written, or "".
	zone string
}

// fieldsOf reads the fields of an absolute date form. dayFirst makes an
// ambiguous numeric date ("02/04/2020") day first.
func fieldsOf(f *form, m match, dayFirst bool) (parts, outcome) {
	var p parts
	p.yearless = f == cjkMDForm || f == mdTimeForm

	if !p.yearless {
		year := m.get("year")
		p.year = atoi(year)
		if len(year) == 2 {
			p.year = fullYear(p.year)
		}
	}

	p.day = atoi(m.get("day"))
	switch {
	case m.get("month") != "":
		p.month = atoi(m.get("month"))
	case m.get("mon") != "":
		p.month = monthByName(m.get("mon"))
	case m.get("lmon") != "":
		p.month = localMonth(m.get("lmon"), monthLanguages(f))
		if p.month == 0 {
			return parts{}, rejected
		}
	default:
		// 02/11/2023: day first when the first part cannot be a month or
		// the caller found a cue for it; otherwise month first (en-US).
		// NOTE: the only cues are a day-first weekday or "ngày" right
		// before the date, so "le 02/04/2020 à 10h30" is still 4 February.
		first, second := atoi(m.get("numa")), atoi(m.get("numb"))
		if first > 12 || dayFirst {
			p.day, p.month = first, second
		} else {
			p.month, p.day = first, second
		}
	}

	if !p.readClock(m) {
		return parts{}, rejected
	}
	p.zone = m.get("zone")
	return p, accepted
}

// monthLanguages returns the languages whose month names f reads.
func monthLanguages(f *form) language {
	switch f {
	case localMDYForm:
		return monthFirstLanguages
	case localYMDForm:
		return hungarian | lithuanian
	}
	return anyLanguage
}

// readClock reads the time of day, if the match has one, and reports false
// when it is out of range.
func (p *parts) readClock(m match) bool {
	hourText := m.get("hour")
	if hourText == "" {
		return true
	}
	p.hasTime = true
	p.hour = atoi(hourText)

	if minute := m.get("minute"); minute != "" {
		p.minute = atoi(minute)
	} else if m.get("half") != "" {
		p.minute = 30
	}
	if second := m.get("second"); second != "" {
		p.second = atoi(second)
		p.hasSecond = true
	}

	if ampm := m.get("ampm"); ampm != "" {
		p.hour = adjustHour(p.hour, ampm[0]|0x20 == 'p')
	}
	switch m.get("daypart") {
	case "下午", "晚上", "傍晚", "午後", "오후":
		p.hour = adjustHour(p.hour, true)
	case "中午":
		// 中午12点 is noon and 中午1点 is 13:00.
		if p.hour < 11 {
			p.hour += 12
		}
	case "上午", "早上", "凌晨", "午前", "오전":
		p.hour = adjustHour(p.hour, false)
	}

	return p.hour <= 23 && p.minute <= 59 && p.second <= 59
}

// adjustHour turns a 12-hour clock hour into a 24-hour one. Hours already
// past 12 are kept as written.
func adjustHour(hour int, afternoon bool) int {
	switch {
	case afternoon && hour < 12:
		return hour + 12
	case !afternoon && hour == 12:
		return 0
	}
	return hour
}

// time returns the fields as a time in loc, and false for an impossible
// date such as 30 February.
func (p parts) time(loc *time.Location) (time.Time, bool) {
	if p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31 {
		return time.Time{}, false
	}
	t := time.Date(p.year, time.Month(p.month), p.day, p.hour, p.minute, p.second, 0, loc)
	if t.Year() != p.year || int(t.Month()) != p.month || t.Day() != p.day {
		return time.Time{}, false
	}
	return t, true
}

func (p parts) precision() Precision {
	switch {
	case p.hasSecond:
		return Second
	case p.hasTime:
		return Minute
	}
	return Day
}

// atoi reads a run of ASCII digits; it returns -1 for "" so that a missing
// field fails the range checks.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// fullYear reads a two-digit year as the latest year ending in those digits
// that is not more than a year in the future.
func fullYear(yy int) int {
	limit := time.Now().Year() + 1
	year := limit - limit%100 + yy
	if year > limit {
		year -= 100
	}
	return year
}

// monthByName returns the month an English name or abbreviation names, or
// 0.
func monthByName(name string) int {
	if len(name) < 3 {
		return 0
	}
	switch strings.ToLower(name[:3]) {
	case "jan":
		return 1
	case "feb":
		return 2
	case "mar":
		return 3
	case "apr":
		return 4
	case "may":
		return 5
	case "jun":
		return 6
	case "jul":
		return 7
	case "aug":
		return 8
	case "sep":
		return 9
	case "oct":
		return 10
	case "nov":
		return 11
	case "dec":
		return 12
	}
	return 0
}
