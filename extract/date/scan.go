package date

import (
	"strings"
	"time"
	"unicode/utf8"
)

// minYear is the earliest year accepted: older dates on news pages are
// almost always references to events, not publication times.
const minYear = 1990

// scanner walks one normalised text and tries the forms at each candidate
// position.
type scanner struct {
	n     normalized
	ref   time.Time
	loc   *time.Location
	zones zoneContext
	// dayFirst reads ambiguous numeric dates day first.
	dayFirst bool
	// latest is the latest time accepted.
	latest time.Time
}

// scan returns up to limit values found in text (all of them when limit is
// negative).
func scan(text string, ref time.Time, r Reader, limit int) []Value {
	if !mayContainDate(text) {
		return nil
	}
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}

	sc := &scanner{
		n:        normalize(text),
		ref:      ref,
		loc:      loc,
		zones:    zoneContext{text: text, loc: loc},
		dayFirst: r.DayFirst,
	}
	if ref.IsZero() {
		sc.latest = time.Now().AddDate(1, 0, 0)
	} else {
		sc.latest = ref.Add(24 * time.Hour)
	}

	var values []Value
	for i := 0; i < len(sc.n.s); {
		next, v, ok := sc.at(i)
		if ok {
			values = append(values, v)
			if limit >= 0 && len(values) >= limit {
				break
			}
		}
		i = next
	}
	return values
}

// mayContainDate is the cheap check made before any pattern runs: a decimal
// digit of any script, or a word that can start a date without digits
// ("ago", "yesterday", "today", "just now", "刚", "剛", "昨", "前天", "今天",
// "半"). It reads the text once and decodes only the runes of blocks that
// have digits.
func mayContainDate(text string) bool {
	for i := 0; i < len(text); i++ {
		b := text[i]
		switch {
		case isDigit(b):
			return true
		case b < utf8.RuneSelf:
			if isLetter(b) && englishKeywordAt(text, i) {
				return true
			}
		case b >= 0xE4 && b <= 0xE6:
			if cjkKeywordAt(text[i:]) {
				return true
			}
		default:
			if blockFlagsAt(text, i)&blockDigits != 0 {
				r, _ := utf8.DecodeRuneInString(text[i:])
				if digitValue(r) >= 0 {
					return true
				}
			}
		}
	}
	return false
}

// englishKeywordAt reports whether text at i starts, in any case, with one
// of the English words that can start a date without digits.
func englishKeywordAt(text string, i int) bool {
	var word string
	switch text[i] | 0x20 {
	case 'a':
		word = "ago"
	case 'y':
		word = "yesterday"
	case 't':
		word = "today"
	case 'j':
		word = "just now"
	default:
		return false
	}
	return len(text)-i >= len(word) && strings.EqualFold(text[i:i+len(word)], word)
}

// cjkKeywordAt reports whether s starts with one of the Chinese words that
// can start a date without digits.
func cjkKeywordAt(s string) bool {
	if len(s) < 3 {
		return false
	}
	switch s[:3] {
	case "刚", "剛", "昨", "半":
		return true
	case "前", "今":
		return strings.HasPrefix(s[3:], "天")
	}
	return false
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return (b|0x20) >= 'a' && (b|0x20) <= 'z' }

// at tries the forms that can start at byte i. It returns where scanning
// goes on, always after i, and the value found there, if any.
func (sc *scanner) at(i int) (int, Value, bool) {
	s := sc.n.s
	b := s[i]

	switch {
	case isDigit(b):
		runEnd := i + 1
		for runEnd < len(s) && isDigit(s[runEnd]) {
			runEnd++
		}
		if sc.digitsMayStart(i) {
			if end, v, ok := sc.try(i, sc.formsAtDigits(i, runEnd)); end > i {
				return end, v, ok
			}
		}
		return runEnd, Value{}, false

	case isLetter(b):
		wordEnd := i + 1
		for wordEnd < len(s) && isLetter(s[wordEnd]) {
			wordEnd++
		}
		if i == 0 || !isDigit(s[i-1]) {
			if end, v, ok := sc.try(i, sc.formsAtWord(i, wordEnd)); end > i {
				return end, v, ok
			}
		}
		return wordEnd, Value{}, false

	case b >= 0xE4 && b <= 0xE6:
		if end, v, ok := sc.try(i, sc.formsAtCJK(i)); end > i {
			return end, v, ok
		}
	}
	return i + 1, Value{}, false
}

// digitsMayStart reports whether a date may start at the digit run at i:
// not inside a word ("A380", "v2"), and not after "1." or "12:" (version
// numbers, addresses, times).
func (sc *scanner) digitsMayStart(i int) bool {
	s := sc.n.s
	if i == 0 {
		return true
	}
	prev := s[i-1]
	if isLetter(prev) || prev == '_' {
		return false
	}
	if (prev == '.' || prev == ':') && i >= 2 && isDigit(s[i-2]) {
		return false
	}
	return true
}

// formsAtDigits picks the forms worth trying for a digit run by its length
// and the text after it.
func (sc *scanner) formsAtDigits(i, runEnd int) []*form {
	s := sc.n.s
	runLen := runEnd - i
	if runEnd == len(s) {
		return nil
	}

	switch s[runEnd] {
	case '-', '/':
		if runLen == 4 {
			return ymdForms
		}
		if runLen <= 2 {
			return numDayForms
		}
		return nil
	case '.':
		if runLen == 4 {
			return dottedYearForms
		}
		if runLen <= 2 && monthNameAfter(s, runEnd) {
			return dottedDayForms
		}
		if runLen <= 2 {
			return numDayForms
		}
		return nil
	case ':':
		if runLen <= 2 {
			return timeFirstForms
		}
		return nil
	}

	next := runEnd
	for next < len(s) && s[next] == ' ' {
		next++
	}
	if next == len(s) {
		return nil
	}
	r, _ := utf8.DecodeRuneInString(s[next:])
	switch {
	case r == '年' && runLen == 4:
		return cjkYMDForms
	case r == '년' && runLen == 4:
		return koYMDForms
	case r == '月' && runLen <= 2 && !sc.afterDatePart(i):
		return cjkMDForms
	case r < utf8.RuneSelf && isLetter(byte(r)):
		switch {
		case runLen <= 2:
			return dayWordForms(s, runEnd, byte(r))
		case runLen == 3:
			return enAgoForms
		case runLen == 4 && r == 'm':
			return localYMDForms
		}
	case r >= utf8.RuneSelf && r < 0x3000 && runLen <= 2 && monthNameAfter(s, runEnd):
		// A month name in another script, or after the ordinal sign of
		// "1º".
		return localDMYForms
	case r >= utf8.RuneSelf && runLen <= 3 && !sc.afterDatePart(i):
		return cjkAgoForms
	}
	return nil
}

// dayWordForms picks the forms for a day number that ends at i and is
// followed by a word starting with letter. The checks for a month name are
// cheaper than the patterns, and most such numbers are counts ("3 new
// routes").
func dayWordForms(s string, i int, letter byte) []*form {
	english := englishMonthAfter(s, i)
	local := monthNameAfter(s, i)
	switch {
	case english && local:
		return wordDayForms
	case english:
		return englishDayForms
	case local:
		return localDayForms
	case letter|0x20 == 't':
		return vietnameseDayForms
	}
	return enAgoForms
}

// englishMonthAfter reports whether the text after the day number that
// ends at i may go on as dmyNameForm reads it. That is an optional ordinal
// suffix, a dash or spaces with an optional "of", and then a word that
// starts with the first three letters of an English month name.
func englishMonthAfter(s string, i int) bool {
	if i+2 <= len(s) && isOrdinalSuffix(s[i]|0x20, s[i+1]|0x20) {
		i += 2
	}

	if i < len(s) && s[i] == '-' {
		return englishMonthAt(s, i+1) // 2nd-Nov-2023
	}

	j := skipSpace(s, i)
	if j == i {
		return false
	}
	if englishMonthAt(s, j) {
		return true
	}
	if j+2 < len(s) && strings.EqualFold(s[j:j+2], "of") {
		k := skipSpace(s, j+2)
		return k > j+2 && englishMonthAt(s, k)
	}
	return false
}

// isOrdinalSuffix reports whether the lower-case letters a and b are "st",
// "nd", "rd" or "th".
func isOrdinalSuffix(a, b byte) bool {
	return a == 's' && b == 't' || a == 'n' && b == 'd' || a == 'r' && b == 'd' || a == 't' && b == 'h'
}

// englishMonthAt reports whether s at i starts with the first three letters
// of an English month name, in any case.
func englishMonthAt(s string, i int) bool {
	if i+3 > len(s) {
		return false
	}
	var key [3]byte
	for k := range key {
		key[k] = s[i+k] | 0x20
	}
	return monthByName(string(key[:])) != 0
}

// skipSpace returns the index of the first byte at or after i that is not
// an ASCII space, as \s in the patterns.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f') {
		i++
	}
	return i
}

// The lists of forms formsAtDigits and formsAtWord return, in the order
// they are tried.
var (
	ymdForms        = []*form{ymdForm}
	dottedYearForms = []*form{ymdForm, localYMDForm}
	numDayForms     = []*form{dmyNumForm, mdTimeForm}
	dottedDayForms  = []*form{dmyNumForm, mdTimeForm, localDMYForm}
	timeFirstForms  = []*form{timeFirstForm}
	cjkYMDForms     = []*form{cjkYMDForm}
	koYMDForms      = []*form{koYMDForm}
	cjkMDForms      = []*form{cjkMDForm}
	cjkAgoForms     = []*form{cjkAgoForm}
	localDMYForms   = []*form{localDMYForm}
	localYMDForms   = []*form{localYMDForm}
	enAgoForms      = []*form{enAgoForm}
	// wordDayForms are tried at a day number before a word that starts
	// both an English and another month name: English first, then other
	// languages, then "3 hours ago".
	wordDayForms       = []*form{dmyNameForm, localDMYForm, enAgoForm}
	englishDayForms    = []*form{dmyNameForm, enAgoForm}
	localDayForms      = []*form{localDMYForm, enAgoForm}
	vietnameseDayForms = []*form{viDMYForm, enAgoForm}

	monthWordForms      = []*form{mdyNameForm, ansiForm}
	weekdayWordForms    = []*form{mdyNameForm, dmyNameForm, ansiForm}
	enWordForms         = []*form{enWordForm}
	localMonthWordForms = []*form{localMDYForm}
	// monthWordFormsLocal is monthWordForms then localMDYForm, for words
	// such as "mar" that start both an English and a Spanish month name.
	monthWordFormsLocal = []*form{mdyNameForm, ansiForm, localMDYForm}
)

// afterDatePart reports whether the rune before i is a date unit. In
// "11月10日前" ("before 10 November") "10日前" is not "10 days ago", and in
// "2023年2月29日", rejected, "2月29日" is not a date either.
func (sc *scanner) afterDatePart(i int) bool {
	before := strings.TrimRight(sc.n.s[:i], " ")
	r, _ := utf8.DecodeLastRuneInString(before)
	switch r {
	case '月', '年', '日', '号', '號', '第':
		return true
	}
	return false
}

// formsAtWord picks the forms worth trying at the ASCII word s[i:wordEnd]:
// an English month or weekday name, an English relative word, or the start
// of a Spanish or Portuguese month name ("abril 2, 2020", "março 2, 2020").
// NOTE: English dates without a year ("Nov 2 at 4:11 PM") and bare times
// ("16:11") are not read.
func (sc *scanner) formsAtWord(i, wordEnd int) []*form {
	s := sc.n.s
	word := s[i:wordEnd]
	var key [3]byte
	n := copy(key[:], word)
	for k := 0; k < n; k++ {
		key[k] |= 0x20
	}

	switch string(key[:n]) {
	case "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec":
		if mayStartMonthFirst(s, i, word) {
			return monthWordFormsLocal
		}
		return monthWordForms
	case "mon", "tue", "wed", "thu", "fri", "sat", "sun":
		return weekdayWordForms
	case "a", "an", "one":
		if len(word) == n {
			return enAgoForms
		}
	case "jus", "yes", "tod":
		return enWordForms
	}

	if mayStartMonthFirst(s, i, word) {
		return localMonthWordForms
	}
	return nil
}

// formsAtCJK picks the forms worth trying at a Chinese keyword.
func (sc *scanner) formsAtCJK(i int) []*form {
	rest := sc.n.s[i:]
	switch {
	case strings.HasPrefix(rest, "刚"), strings.HasPrefix(rest, "剛"),
		strings.HasPrefix(rest, "昨"), strings.HasPrefix(rest, "今"),
		strings.HasPrefix(rest, "半"):
		return []*form{cjkWordForm}
	case strings.HasPrefix(rest, "前天"):
		// "之前天气" is "before, the weather", not "the day before
		// yesterday".
		r, _ := utf8.DecodeLastRuneInString(sc.n.s[:i])
		switch r {
		case '之', '以', '天', '日':
			return nil
		}
		return []*form{cjkWordForm}
	}
	return nil
}

// outcome is the result of trying one form at one position.
type outcome int

const (
	// rejected: the form did not match, or matched an impossible or
	// out-of-range date; the next form is tried.
	rejected outcome = iota
	// accepted: a value was read.
	accepted
	// needsRef: the text is a relative or year-less date but the reference
	// time is zero. The text is skipped without a value.
	needsRef
	// outOfRange: the text is a whole date, but later than the latest
	// accepted time or before minYear. It is skipped without a value, so
	// no shorter form re-reads a part of it ("10-04 20:30" inside a
	// future "2020-10-04 20:30").
	outOfRange
)

// try runs forms at byte i in order and returns the first that reads the
// text there. It returns end == 0 when none did.
func (sc *scanner) try(i int, forms []*form) (int, Value, bool) {
	for _, f := range forms {
		m, ok := f.exec(sc.n.s[i:])
		if !ok {
			continue
		}

		v, end, out := sc.read(f, m, i)
		switch out {
		case accepted:
			return end, v, true
		case needsRef, outOfRange:
			return end, Value{}, false
		}
	}
	return 0, Value{}, false
}

// read turns a match at byte i into a value. end is the position after the
// text read, including a zone that follows the match.
func (sc *scanner) read(f *form, m match, i int) (Value, int, outcome) {
	var (
		v   Value
		out outcome
	)
	end := i + m.end()

	switch f {
	case cjkAgoForm, enAgoForm, cjkWordForm, enWordForm:
		v, out = sc.readRelative(f, m)
	default:
		// The page's default order is ignored when the second number
		// cannot be a month. A cue in the text is not.
		dayFirst := f == dmyNumForm && m.get("numa") != "" &&
			(dayFirstBefore(sc.n.s, i) || (sc.dayFirst && atoi(m.get("numb")) <= 12))
		var p parts
		p, out = fieldsOf(f, m, dayFirst)
		if out != accepted {
			return Value{}, 0, out
		}
		if cut := m.groupEnd("cut"); cut >= 0 {
			end = i + cut
		}

		zoneEnd := sc.zoneAfter(&p, end)
		v, out = sc.readAbsolute(p)
		end = zoneEnd
	}
	if out != accepted {
		return Value{}, end, out
	}
	if !sc.endsCleanly(end) {
		return Value{}, 0, rejected
	}

	end = sc.trimEnd(i, end)
	v.Raw, v.Start = sc.n.originalSpan(i, end)
	return v, end, accepted
}

// zoneAfter reads a zone written right after the time ("16:11 EDT",
// "16:11:06+08:00") into p and returns the end of the text read. A word that
// is not a known zone is left out of the match.
func (sc *scanner) zoneAfter(p *parts, end int) int {
	if !p.hasTime || p.zone != "" {
		return end
	}
	zm, ok := zoneForm.exec(sc.n.s[end:])
	if !ok {
		return end
	}
	zone := zm.get("zone")
	if _, ok := sc.zones.resolveZone(zone, max(p.year, minYear), time.Month(p.month), p.day); !ok {
		return end
	}
	p.zone = zone
	return end + zm.end()
}

// endsCleanly reports whether the text read does not run on into more
// digits ("2023-11-021", "2023.11.02.5", "16:11:06:55").
func (sc *scanner) endsCleanly(end int) bool {
	s := sc.n.s
	if end >= len(s) {
		return true
	}
	last, next := s[end-1], s[end]

	switch {
	case isDigit(last) && isDigit(next):
		return false
	case last == '.' && isDigit(next):
		return false
	case isDigit(last) && (next == '.' || next == ':'):
		return end+1 >= len(s) || !isDigit(s[end+1])
	}
	return true
}

// trimEnd drops a full stop that ended the sentence after a date
// ("2023.11.02.").
func (sc *scanner) trimEnd(start, end int) int {
	s := sc.n.s
	if end-start > 1 && s[end-1] == '.' && isDigit(s[end-2]) {
		return end - 1
	}
	return end
}

// readAbsolute turns date parts into a value, taking the year from the
// reference time when the text gave none.
func (sc *scanner) readAbsolute(p parts) (Value, outcome) {
	loc := sc.loc
	zoneGiven := false
	if p.zone != "" {
		l, ok := sc.zones.resolveZone(p.zone, max(p.year, minYear), time.Month(p.month), p.day)
		switch {
		case ok:
			loc, zoneGiven = l, true
		case p.zone[0] == '+' || p.zone[0] == '-':
			// An offset out of range makes the whole value suspect.
			return Value{}, rejected
		}
		// An unknown abbreviation written between a time and a date is
		// ignored, and the time is read in the caller's location.
	}

	if !p.yearless {
		t, ok := p.time(loc)
		if !ok {
			return Value{}, rejected
		}
		if !sc.inRange(t) {
			return Value{}, outOfRange
		}
		return Value{Time: t, Precision: p.precision(), ZoneGiven: zoneGiven}, accepted
	}

	if sc.ref.IsZero() {
		return Value{}, needsRef
	}
	t, ok := sc.latestYear(p, loc)
	if !ok {
		return Value{}, rejected
	}
	return Value{Time: t, Precision: p.precision(), ZoneGiven: zoneGiven, YearFromRef: true}, accepted
}

// latestYear returns the latest date with p's month and day that is not
// after the latest accepted time. It looks back up to eight years, enough to
// reach a 29 February.
func (sc *scanner) latestYear(p parts, loc *time.Location) (time.Time, bool) {
	year := sc.ref.In(loc).Year()
	for back := 0; back <= 8; back++ {
		p.year = year - back
		t, ok := p.time(loc)
		if ok && sc.inRange(t) {
			return t, true
		}
		if ok && t.Year() < minYear {
			break
		}
	}
	return time.Time{}, false
}

// inRange reports whether t is between the start of minYear and the latest
// accepted time.
func (sc *scanner) inRange(t time.Time) bool {
	return t.Year() >= minYear && !t.After(sc.latest)
}
