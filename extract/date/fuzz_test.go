package date

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"2023-11-02 16:11:06",
	"发布时间：2023年11月02日 08:30",
	"２０２３年１１月２日　１６：１１",
	"8小時前 昨天 18:20 3天前 2023/10/28",
	"Updated 4:11 PM EDT, Thu November 2, 2023",
	"Thu, 02 Nov 2023 16:11:06 GMT",
	"2023. 11. 2. 오후 4:11",
	"11-12 08:30",
	"2.11.2023 16:11",
	"an hour ago, just now, yesterday at 4:11 PM",
	"2023-11-02T16:11:06.123+08:00",
	"20231102557201 1.2.3",
	"\xff2023-11-02\xfe",
	"半小时前 刚刚 前天",
	"jueves, 2 de abril de 2020 a las 10:30 · abril 2, 2020 · 5 ago. 2020 · 3 hours ago",
	"Montag, 2. März 2020, 10:30 Uhr; 2. Apr. 2020 um 10.30 Uhr",
	"2 avr. 2020 à 10h30, 1er avril 2020 à 10h",
	"2 апреля 2020 г. в 10:30, 2 квітня 2020 р.",
	"2020. április 2. 10:30 2020 m. balandžio 2 d.",
	"Thứ Năm, 02/04/2020, 10:30 (GMT+7) ngày 2 tháng 4 năm 2020",
	"১৮ ফেব্রুয়ারি ২০২০ ٢٠٢٠-٠٢-١٨ ۲۰۲۰/۰۲/۱۸ २०२० 𝟐𝟎𝟐𝟎",
	"Kamis, 2 April 2020 pukul 10.30 WIB, 2 kwietnia 2020 r., godz. 10:30",
}

func FuzzFindAll(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, int64(1699000000))
		f.Add(s, int64(0))
	}

	f.Fuzz(func(t *testing.T, text string, refUnix int64) {
		var ref time.Time
		if refUnix != 0 {
			ref = time.Unix(refUnix%(1<<34), 0)
		}

		values := FindAll(text, ref, shanghai)

		end := 0
		for _, v := range values {
			if v.Precision == None {
				t.Fatalf("value without precision: %+v", v)
			}
			if v.Start < end || v.Start+len(v.Raw) > len(text) || text[v.Start:v.Start+len(v.Raw)] != v.Raw {
				t.Fatalf("Raw %q at %d is not the input there or overlaps the previous value", v.Raw, v.Start)
			}
			end = v.Start + len(v.Raw)
			if !utf8.ValidString(v.Raw) {
				t.Fatalf("Raw %q is not valid UTF-8", v.Raw)
			}
			if !ref.IsZero() && v.Time.After(ref.Add(24*time.Hour)) {
				t.Fatalf("%q gave %s, more than a day after the reference %s", v.Raw, v.Format(), ref)
			}
			if v.Time.Year() < minYear {
				t.Fatalf("%q gave %s, before %d", v.Raw, v.Format(), minYear)
			}
		}

		first, ok := Parse(text, ref, shanghai)
		if ok != (len(values) > 0) || (ok && !sameValue(first, values[0])) {
			t.Fatalf("Parse = %+v, %v; FindAll's first = %+v", first, ok, values)
		}
	})
}

// sameValue reports whether a and b hold the same time with the same
// offset and the same fields. It does not use ==, which compares the
// *time.Location pointers: every read of an offset such as "+0800" makes a
// new fixed zone.
func sameValue(a, b Value) bool {
	if !a.Time.Equal(b.Time) || a.Format() != b.Format() {
		return false
	}
	a.Time, b.Time = time.Time{}, time.Time{}
	return a == b
}

func FuzzParseMachine(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{"1698912666", "1698912666123", "20231102T161106Z", "Thu Nov  2 16:11:06 2023", "02 Nov 23 16:11 EST"} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseMachine(s, shanghai)
		if !ok {
			return
		}

		if v.Precision == None {
			t.Fatalf("value without precision: %+v", v)
		}
		if !strings.Contains(s, v.Raw) || s[v.Start:v.Start+len(v.Raw)] != v.Raw {
			t.Fatalf("Raw %q is not the input at %d", v.Raw, v.Start)
		}
		if !utf8.ValidString(v.Raw) {
			t.Fatalf("Raw %q is not valid UTF-8", v.Raw)
		}
		if v.Time.Year() < minYear || v.Time.After(time.Now().AddDate(1, 0, 1)) {
			t.Fatalf("%q gave %s, out of range", s, v.Format())
		}
	})
}

// FuzzPrechecks checks that the cheap checks made before dmyNameForm and
// localDMYForm pass every text those forms read, so that skipping a form
// when its check fails loses no date.
func FuzzPrechecks(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, s := range []string{"2nd-Nov-2023", "2nd  of  Nov 2023", "1er avril 2020", "1º de abril de 2020", "2. de abril 2020", "1° aprile 2020"} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, text string) {
		s := normalize(text).s
		for i := 0; i < len(s); i++ {
			if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
				continue
			}
			runEnd := i
			for runEnd < len(s) && isDigit(s[runEnd]) {
				runEnd++
			}

			if _, ok := dmyNameForm.exec(s[i:]); ok && !englishMonthAfter(s, runEnd) {
				t.Fatalf("dmyNameForm reads %q at %d, but englishMonthAfter is false", s, i)
			}
			m, ok := localDMYForm.exec(s[i:])
			if ok && localMonth(m.get("lmon"), anyLanguage) != 0 && !monthNameAfter(s, runEnd) {
				t.Fatalf("localDMYForm reads %q at %d, but monthNameAfter is false", s, i)
			}
		}
	})
}
