// Package date reads publication times out of page text and attribute
// values: ISO 8601 and other machine forms, Chinese, Japanese, Korean and
// English written dates, and relative times such as "8小時前" or "3 hours
// ago" counted back from the fetch time. It knows nothing of HTML.
//
// Parse and FindAll also read dates with a month name in Spanish,
// Portuguese, French, German, Italian, Dutch, Danish, Norwegian, Swedish,
// Polish, Russian, Ukrainian, Turkish, Indonesian, Malay, Hungarian,
// Lithuanian, Bengali, Hindi, Arabic and Persian ("2 de abril de 2020",
// "2. April 2020", "2 апреля 2020 г.", "2020. április 2."), Vietnamese
// dates ("2 tháng 4 năm 2020"), and times written "10h30", "10.30 Uhr",
// "kl. 10.30" or "ore 10:30". Such a month name counts only between a day
// number and a four-digit year. Decimal digits of every script ("২০২০",
// "٢٠٢٠", "۲۰۲۰", full-width "２０２３") are read as ASCII digits.
//
// Three entry points share one set of patterns, compiled once at package
// initialisation:
//
//   - ParseMachine reads one attribute value (meta content, <time datetime>,
//     JSON-LD) that is expected to hold a single timestamp.
//   - Parse returns the first time found in a short human text.
//   - FindAll returns every time found in a text, in order of appearance.
//
// Rules common to all of them:
//
//   - A time without a zone in the text takes the caller's location (nil
//     means UTC). An offset or zone abbreviation in the text wins.
//   - "CST" is China Standard Time (UTC+8) when the text contains Han, kana
//     or Hangul characters or the caller's location is at UTC+8 on that date.
//     Otherwise it is US Central Standard Time (UTC-6). "IST" is India, "BST"
//     is British Summer Time.
//   - Relative forms ("昨天", "3天前", "an hour ago") and dates without a year
//     ("11月2日", "11-12 08:30") need a reference time. With a zero reference
//     they give no value.
//   - A numeric date such as "02/04/2020" is read day first when the first
//     number is over 12, when the caller says the page writes dates day
//     first (Reader.DayFirst), or when a weekday of a day-first language or
//     the Vietnamese "ngày" comes right before it ("jueves, 02/04/2020").
//     Otherwise it is month first, as in the United States.
//   - Dates before 1990 are rejected. With a non-zero reference, so is
//     anything more than one day after it. With a zero reference (and always
//     in ParseMachine) the limit is one year after the current time.
//   - A Value's Time carries no detail finer than its Precision: a Day value
//     is midnight in its zone, a Minute value has zero seconds, and
//     fractional seconds are dropped.
//
// All functions are safe for concurrent use.
package date

import (
	"time"

	// Embedded zone data, so that named zones such as America/New_York (used
	// for the "ET" abbreviation) resolve on machines without system tzdata.
	_ "time/tzdata"
)

// Precision is how much of a time the source text stated.
type Precision int

// Precisions, from none to the second.
const (
	None Precision = iota
	Day
	Minute
	Second
)

// String returns "day", "minute", "second", or "" for None and unknown values.
func (p Precision) String() string {
	switch p {
	case Day:
		return "day"
	case Minute:
		return "minute"
	case Second:
		return "second"
	}
	return ""
}

// Value is one time read from text.
type Value struct {
	Time      time.Time
	Precision Precision
	// Raw is the text the value was read from: an exact substring of the
	// input, starting at byte offset Start.
	Raw   string
	Start int
	// Relative is true when the text counted back from the reference time
	// ("昨天 18:20", "3 hours ago").
	Relative bool
	// YearFromRef is true when the text gave no year ("11月2日") and the year
	// was taken from the reference time.
	YearFromRef bool
	// ZoneGiven is true when the text stated an offset or zone name. When it
	// is false the time was read in the caller's location.
	ZoneGiven bool
}

// IsZero reports whether v holds no time.
func (v Value) IsZero() bool { return v.Precision == None }

// Format returns v.Time as RFC 3339 with a numeric offset and whole seconds
// ("2023-11-02T16:11:00+08:00"), or "" when v holds no time. A Day value is
// printed as midnight in its zone.
func (v Value) Format() string {
	if v.IsZero() {
		return ""
	}
	return v.Time.Format("2006-01-02T15:04:05-07:00")
}

// Parse returns the first date or time found in a short human text such as
// a byline, a card's footer or a meta line. Relative forms count back from
// ref, in loc (nil means UTC). It reports false when the text holds no date
// this package can read.
func Parse(text string, ref time.Time, loc *time.Location) (Value, bool) {
	return Reader{Location: loc}.Parse(text, ref)
}

// FindAll returns every date or time candidate in text, in order of
// appearance, each with Raw set to the exact matched substring. Matches do
// not overlap. Relative forms count back from ref, in loc (nil means UTC).
// It returns nil when nothing is found.
func FindAll(text string, ref time.Time, loc *time.Location) []Value {
	return Reader{Location: loc}.FindAll(text, ref)
}

// Reader holds what a caller knows about the page a text comes from.
// Its zero value reads as Parse and FindAll do with a nil location.
type Reader struct {
	// Location is the zone of times written without one (nil means UTC).
	Location *time.Location
	// DayFirst reads an ambiguous numeric date ("03/05/2022") day first,
	// as most languages other than US English write it.
	DayFirst bool
}

// Parse is the package-level Parse with r's settings.
func (r Reader) Parse(text string, ref time.Time) (Value, bool) {
	values := scan(text, ref, r, 1)
	if len(values) == 0 {
		return Value{}, false
	}
	return values[0], true
}

// FindAll is the package-level FindAll with r's settings.
func (r Reader) FindAll(text string, ref time.Time) []Value {
	return scan(text, ref, r, -1)
}
