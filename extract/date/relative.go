package date

import (
	"strings"
	"time"
)

// unit is the unit of a relative time ("3 hours ago").
type unit int

const (
	unitSecond unit = iota
	unitMinute
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitYear
)

var cjkUnits = map[string]unit{
	"秒钟": unitSecond, "秒鐘": unitSecond, "秒": unitSecond, "초": unitSecond,
	"分钟": unitMinute, "分鐘": unitMinute, "分": unitMinute, "분": unitMinute,
	"个小时": unitHour, "個小時": unitHour, "个小時": unitHour, "個小时": unitHour,
	"小时": unitHour, "小時": unitHour, "時間": unitHour,
	"个钟头": unitHour, "個鐘頭": unitHour, "钟头": unitHour, "鐘頭": unitHour, "시간": unitHour,
	"天": unitDay, "日": unitDay, "일": unitDay,
	"个星期": unitWeek, "個星期": unitWeek, "星期": unitWeek, "周": unitWeek, "週間": unitWeek, "週": unitWeek, "주": unitWeek,
	"个月": unitMonth, "個月": unitMonth, "ヶ月": unitMonth, "か月": unitMonth, "カ月": unitMonth,
	"ケ月": unitMonth, "箇月": unitMonth, "개월": unitMonth, "달": unitMonth,
	"年": unitYear, "년": unitYear,
}

// englishUnit reads "hours", "hr", "h", "mins", "mo", ... The pattern
// admits only these spellings.
func englishUnit(s string) unit {
	s = strings.ToLower(s)
	switch {
	case strings.HasPrefix(s, "mo"):
		return unitMonth
	case s[0] == 's':
		return unitSecond
	case s[0] == 'm':
		return unitMinute
	case s[0] == 'h':
		return unitHour
	case s[0] == 'd':
		return unitDay
	case s[0] == 'w':
		return unitWeek
	}
	return unitYear
}

// readRelative turns a relative form into a value counted back from the
// reference time, in the caller's location.
func (sc *scanner) readRelative(f *form, m match) (Value, outcome) {
	if sc.ref.IsZero() {
		return Value{}, needsRef
	}
	ref := sc.ref.In(sc.loc)

	var (
		t         time.Time
		precision Precision
	)
	switch {
	case m.get("now") != "":
		t, precision = ref.Truncate(time.Minute), Minute

	case m.get("halfhour") != "":
		t, precision = ref.Add(-30*time.Minute).Truncate(time.Minute), Minute

	case m.get("word") != "":
		var ok bool
		t, precision, ok = dayWord(ref, m)
		if !ok {
			return Value{}, rejected
		}

	default:
		count := atoi(m.get("count"))
		if count < 0 {
			count = 1 // "an hour ago", "one day ago"
		}
		u := englishUnitOrCJK(f, m.get("unit"))
		t, precision = countBack(ref, count, u)
	}

	if !sc.inRange(t) {
		return Value{}, rejected
	}
	return Value{Time: t, Precision: precision, Relative: true}, accepted
}

func englishUnitOrCJK(f *form, text string) unit {
	if f == enAgoForm {
		return englishUnit(text)
	}
	return cjkUnits[text]
}

// dayWord reads "昨天 18:20", "前天", "today at 9:30". A bare "今日" is
// rejected because it is more often a name ("今日头条") than a date.
func dayWord(ref time.Time, m match) (time.Time, Precision, bool) {
	word := strings.ToLower(m.get("word"))
	back := 0
	switch word {
	case "昨天", "昨日", "yesterday":
		back = 1
	case "前天":
		back = 2
	}

	var p parts
	if !p.readClock(m) {
		return time.Time{}, None, false
	}
	if word == "今日" && !p.hasTime {
		return time.Time{}, None, false
	}

	y, mo, d := ref.Date()
	t := time.Date(y, mo, d-back, p.hour, p.minute, p.second, 0, ref.Location())
	return t, p.precision(), true
}

// countBack returns ref minus count units. Seconds keep Second precision,
// minutes and hours Minute precision, and longer units give midnight of the
// day reached (Day precision). Months and years that land past the end of a
// month end on its last day (31 March minus one month is 29 or 28
// February).
func countBack(ref time.Time, count int, u unit) (time.Time, Precision) {
	switch u {
	case unitSecond:
		return ref.Add(-time.Duration(count) * time.Second).Truncate(time.Second), Second
	case unitMinute:
		return ref.Add(-time.Duration(count) * time.Minute).Truncate(time.Minute), Minute
	case unitHour:
		return ref.Add(-time.Duration(count) * time.Hour).Truncate(time.Minute), Minute
	}

	y, m, d := ref.Date()
	switch u {
	case unitDay:
		d -= count
	case unitWeek:
		d -= 7 * count
	case unitMonth:
		y, m, d = addMonths(y, m, d, -count)
	case unitYear:
		y, m, d = addMonths(y, m, d, -12*count)
	}
	return time.Date(y, m, d, 0, 0, 0, 0, ref.Location()), Day
}

// addMonths moves a date by delta months, keeping the day within the month
// reached.
func addMonths(y int, m time.Month, d, delta int) (int, time.Month, int) {
	total := y*12 + int(m) - 1 + delta
	y, m = total/12, time.Month(total%12+1)
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); d > last {
		d = last
	}
	return y, m, d
}
