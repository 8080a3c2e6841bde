package date

import (
	"fmt"
	"regexp"
	"strings"
)

// Pieces of the patterns. They run on normalised text (see normalize), where
// full-width digits and punctuation are already ASCII. Group names are field
// names; compileForm makes repeated names unique.
const (
	// dayPartPat is a Chinese, Japanese or Korean word for the part of the
	// day, which decides between morning and afternoon hours.
	dayPartPat = `(?:(?P<daypart>上午|下午|中午|晚上|早上|凌晨|傍晚|午前|午後|오전|오후)\s*)?`

	// clockPat is hh:mm with optional seconds, fraction and AM/PM.
	clockPat = `(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,]\d{1,9})?)?` +
		`(?:\s?(?P<ampm>[AaPp]\.?[Mm](?:\.|\b)))?`

	// cjkClockPat is "16时11分", "16時11分06秒", "16点", "16点半".
	cjkClockPat = `(?P<hour>\d{1,2})\s*[时時点點]\s*(?:(?P<minute>\d{1,2})\s*分(?:\s*(?P<second>\d{1,2})\s*秒)?|(?P<half>半))?`

	timePat = dayPartPat + `(?:` + clockPat + `|` + cjkClockPat + `)`

	// hClockPat is the French and Portuguese "10h30", "10 h 30".
	hClockPat = `(?P<hour>\d{1,2})\s?[hH]\s?(?P<minute>\d{2})`

	// hourPat is the hour alone, "10h". The forms take it only after a
	// timeWordPat ("à 10h"), because "2h" alone is also "2 hours" ("2h
	// ago").
	hourPat = `(?P<hour>\d{1,2})\s?[hH]\b`

	// dotClockPat is "10.30". Alone it is too often a number, so the forms
	// take it only after a timeWordPat or before "Uhr", "uur" or "h".
	dotClockPat = `(?P<hour>\d{1,2})\.(?P<minute>\d{2})`

	// timeWordPat is a word between a date and its time: "at", "um", "à",
	// "às", "a las", "alle ore", "ore", "om", "kl.", "klokken", "o godz.",
	// "в", "о", "pukul", "jam", "lúc", "saat". The unaccented Portuguese
	// "as" is left out because it is an English word.
	timeWordPat = `(?:(?i:at|um|à|às|a\s+las?|alle(?:\s+ore)?|ore|om|o(?:\s+godz\.)?|klokken|klockan|pukul|jam|lúc|saat|в|о)\s+` +
		`|(?i:kl|godz)\.?\s*)`

	// dateTimePat joins a date to the time after it: "T", or a space, a
	// comma or a dash, then a time, optionally after a timeWordPat. The
	// empty group cut marks where the text read ends, before "Uhr".
	dateTimePat = `(?:(?:T|\s*[,-]?\s*` + timeWordPat + `?)(?:` + timePat + `|` + hClockPat + `)` +
		`|\s*[,-]?\s*(?:` + timeWordPat + `(?:` + dotClockPat + `|` + hourPat + `)` +
		`|` + dotClockPat + `(?P<cut>)\s?(?i:uhr|uur|h)\b))`

	// cjkWeekdayPat is "(木)", "（四）", "(목)", "星期四", "周四".
	cjkWeekdayPat = `(?:\s*[(（]\s*(?:[日月火水木金土一二三四五六天월화수목금토일]|(?:星期|周|週)[一二三四五六日天])(?:曜日?|요일)?\s*[)）]` +
		`|\s*(?:星期|礼拜|禮拜|周|週)[一二三四五六日天])?`

	// weekdayPat is an optional English weekday before a date.
	weekdayPat = `(?:(?i:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?i:day)?\.?,?\s+)?`

	monthNamePat = `(?P<mon>(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?))\b\.?`

	ordinalPat = `(?:st|nd|rd|th)?`

	// localMonthPat is a word that may be a month name in another language;
	// fieldsOf looks it up in monthTables. A full stop after it ends an
	// abbreviation ("avr.", "Apr.", "mrt.").
	localMonthPat = `(?P<lmon>\pL[\pL\pM]*)\.?`

	// inlineZonePat is a zone written between a time and a date.
	inlineZonePat = `(?:\s?(?P<zone>(?:UTC|GMT)(?:\s?[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{2,5}|[+-]\d{2}:?\d{2}))?`

	optTime    = `(?:` + dateTimePat + `)?`
	optCJKTime = `(?:\s*,?\s*` + timePat + `)?`
)

// form is one compiled pattern, anchored at the start of its input, with the
// indexes of its capture groups by field name.
type form struct {
	re     *regexp.Regexp
	groups map[string][]int
}

var groupNameRE = regexp.MustCompile(`\(\?P<([a-z]+)>`)

// compileForm anchors pattern and renames its groups to name_1, name_2, ...
// so that a field may be captured in several alternatives.
func compileForm(pattern string) *form {
	n := 0
	unique := groupNameRE.ReplaceAllStringFunc(pattern, func(g string) string {
		n++
		return fmt.Sprintf("(?P<%s_%d>", g[len("(?P<"):len(g)-1], n)
	})
	re := regexp.MustCompile(`^(?:` + unique + `)`)

	f := &form{re: re, groups: map[string][]int{}}
	for i, name := range re.SubexpNames() {
		if name == "" {
			continue
		}
		base := name[:strings.IndexByte(name, '_')]
		f.groups[base] = append(f.groups[base], i)
	}
	return f
}

// match is a successful match of a form against s.
type match struct {
	form *form
	s    string
	loc  []int
}

// exec matches f at the start of s.
func (f *form) exec(s string) (match, bool) {
	loc := f.re.FindStringSubmatchIndex(s)
	if loc == nil {
		return match{}, false
	}
	return match{form: f, s: s, loc: loc}, true
}

// end returns the length of the matched text.
func (m match) end() int { return m.loc[1] }

// get returns the first non-empty capture of field, or "".
func (m match) get(field string) string {
	for _, i := range m.form.groups[field] {
		if m.loc[2*i] >= 0 {
			return m.s[m.loc[2*i]:m.loc[2*i+1]]
		}
	}
	return ""
}

// groupEnd returns the end of the first capture of field, or -1.
func (m match) groupEnd(field string) int {
	for _, i := range m.form.groups[field] {
		if m.loc[2*i] >= 0 {
			return m.loc[2*i+1]
		}
	}
	return -1
}

// The forms. Each starts where the scanner found a candidate: a digit run,
// an English word or a Chinese keyword.
var (
	// 2023-11-02, 2023/11/02, 2023.11.02, 2023. 11. 2. (Korean), with a time.
	ymdForm = compileForm(`(?P<year>\d{4})(?:-(?P<month>\d{1,2})-(?P<day>\d{1,2})` +
		`|/(?P<month>\d{1,2})/(?P<day>\d{1,2})` +
		`|\.\s?(?P<month>\d{1,2})\.\s?(?P<day>\d{1,2})\.?)` + cjkWeekdayPat + optTime)

	// 2.11.2023 (day first), 02/11/2023 and 02-11-2023 (order decided later).
	dmyNumForm = compileForm(`(?:(?P<day>\d{1,2})\.\s?(?P<month>\d{1,2})\.\s?` +
		`|(?P<numa>\d{1,2})/(?P<numb>\d{1,2})/` +
		`|(?P<numa>\d{1,2})-(?P<numb>\d{1,2})-)(?P<year>\d{4})` + optTime)

	// 11-12 08:30, 11/12 08:30: no year, so a time is required.
	mdTimeForm = compileForm(`(?P<month>\d{1,2})[-/](?P<day>\d{1,2})\s+` + timePat)

	// 2023年11月2日 16:11, 2023年11月2日(木)16時11分.
	cjkYMDForm = compileForm(`(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号號]` +
		cjkWeekdayPat + optCJKTime)

	// 2023년 11월 2일 오후 4:11.
	koYMDForm = compileForm(`(?P<year>\d{4})\s*년\s*(?P<month>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일` +
		cjkWeekdayPat + optCJKTime)

	// 11月2日 16:11: no year.
	cjkMDForm = compileForm(`(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*[日号號]` + cjkWeekdayPat + optCJKTime)

	// Thursday, November 2, 2023 at 4:11 PM.
	mdyNameForm = compileForm(weekdayPat + monthNamePat + `\s+(?P<day>\d{1,2})` + ordinalPat +
		`(?:\s*,\s*|\s+)(?P<year>\d{4})` + optTime)

	// Thu, 02 Nov 2023 16:11:06 GMT; 2 November 2023; 2nd of November, 2023;
	// 02-Nov-2023; 02-Nov-23 (RFC 850).
	dmyNameForm = compileForm(weekdayPat + `(?P<day>\d{1,2})` + ordinalPat +
		`(?:\s+(?:of\s+)?` + monthNamePat + `(?:\s*,\s*|\s+)(?P<year>\d{4})` +
		`|-` + monthNamePat + `-(?P<year>\d{4}|\d{2}))` + optTime)

	// Thu Nov  2 16:11:06 2023 (ANSI C), with a zone before the year (Unix
	// date, Ruby date).
	ansiForm = compileForm(weekdayPat + monthNamePat + `\s+(?P<day>\d{1,2})\s+` +
		`(?P<hour>\d{1,2}):(?P<minute>\d{2}):(?P<second>\d{2})` +
		`(?:\s+(?P<zone>[A-Z]{2,5}|[+-]\d{4}))?\s+(?P<year>\d{4})`)

	// 4:11 PM EDT, Thu November 2, 2023; 16:11 2 November 2023;
	// 16:11 2023-11-02.
	timeFirstForm = compileForm(clockPat + inlineZonePat + `\s*,?\s*(?:(?i:on)\s+)?(?:` +
		weekdayPat + monthNamePat + `\s+(?P<day>\d{1,2})` + ordinalPat + `(?:\s*,\s*|\s+)(?P<year>\d{4})` +
		`|` + weekdayPat + `(?P<day>\d{1,2})` + ordinalPat + `\s+(?:of\s+)?` + monthNamePat + `(?:\s*,\s*|\s+)(?P<year>\d{4})` +
		`|(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2}))`)

	// 2 de abril de 2020, 2 avril 2020 à 10h30, 1er avril 2020, 2. April
	// 2020, 2 апреля 2020 г., 18 ফেব্রুয়ারি 2020: a day, a month name of
	// any language in monthTables, and a year.
	localDMYForm = compileForm(`(?P<day>\d{1,2})(?:\.\s*|[ºª°]?\s+|(?:er|re|e)\s+)` +
		`(?:(?i:de)\s+)?` + localMonthPat + `(?:\s*,\s*|\s+(?:(?i:de|del)\s+)?)(?P<year>\d{4})` +
		`(?:\s?(?:г\.|р\.|r\.|года|року|roku))?` + optTime)

	// abril 2, 2020: Spanish and Portuguese, month first. The comma is
	// required.
	localMDYForm = compileForm(localMonthPat + `\s+(?P<day>\d{1,2})[ºª°]?\s*,\s*(?P<year>\d{4})` + optTime)

	// 2020. április 2. (Hungarian), 2020 m. balandžio 2 d. (Lithuanian).
	localYMDForm = compileForm(`(?P<year>\d{4})(?:\.\s*|\s*m\.\s*)` + localMonthPat +
		`\s+(?P<day>\d{1,2})(?:\.|\s*d\.)?` + optTime)

	// 2 tháng 4 năm 2020 (Vietnamese: "day 2, month 4, year 2020").
	viDMYForm = compileForm(`(?P<day>\d{1,2})\s+(?i:th[áa]ng)\s+(?P<month>\d{1,2})` +
		`(?:\s*,?\s*(?i:n[ăa]m)\s+|\s*,\s*)(?P<year>\d{4})` + optTime)

	// 8小時前, 5 分钟前, 3天以前, 2か月前, 3시간 전.
	// NOTE: Chinese also writes "5日前" for "by the 5th" ("请于5日前提交"). It is
	// read as "5 days ago", the Japanese sense, unless a month comes before it.
	cjkAgoForm = compileForm(`(?P<count>\d{1,3})\s*(?:` +
		`(?P<unit>秒钟|秒鐘|秒|分钟|分鐘|分|个小时|個小時|个小時|個小时|小时|小時|時間|个钟头|個鐘頭|钟头|鐘頭` +
		`|天|日|个星期|個星期|星期|周|週間|週|个月|個月|ヶ月|か月|カ月|ケ月|箇月|年)\s*(?:之|以)?前` +
		`|(?P<unit>초|분|시간|일|주|개월|달|년)\s*전)`)

	// 刚刚, 半小时前, 昨天 18:20, 前天, 今天 09:30.
	cjkWordForm = compileForm(`(?P<now>刚刚|剛剛|刚才|剛才)` +
		`|(?P<halfhour>半)\s*(?:个|個)?\s*(?:小时|小時|钟头|鐘頭)\s*(?:之|以)?前` +
		`|(?P<word>昨天|昨日|前天|今天|今日)` + optCJKTime)

	// 3 hours ago, an hour ago, 5 mins ago, 2d ago.
	enAgoForm = compileForm(`(?i:(?:(?P<count>\d{1,3})\s*|(?P<article>an?|one)\s+)` +
		`(?P<unit>seconds?|secs?|s|minutes?|mins?|months?|mos?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|years?|yrs?|y)` +
		`\s+ago)\b`)

	// just now, yesterday, today at 9:30.
	enWordForm = compileForm(`(?i:(?P<now>just now)|(?P<word>yesterday|today))\b` +
		`(?:\s*,?\s*(?:(?i:at)\s+)?` + clockPat + `)?`)

	// zoneForm is a zone written after a time: Z, +08:00, +0800, UTC+8,
	// (GMT+08:00), EDT.
	zoneForm = compileForm(`\s?\(\s?(?P<zone>` + zoneAlternatives + `)\s?\)|\s?(?P<zone>` + zoneAlternatives + `)`)
)

const zoneAlternatives = `(?:UTC|GMT)(?:\s?[+-]\d{1,2}(?::?\d{2})?)?\b|Z\b|[+-]\d{2}(?::?\d{2})?\b|[+-]\d{3}\b|[A-Z]{2,5}\b`
