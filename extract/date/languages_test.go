package date

import (
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// languageRef is late in 2020, so that every 2020 date in these tables is
// before it.
const languageRef = "2020-12-31T12:00:00Z"

// parseCase is one row of the tables below. want is the expected Format()
// output, "" for no value.
type parseCase struct {
	name      string
	text      string
	want      string
	raw       string
	precision Precision
}

// checkParse runs tests through Parse at languageRef in UTC.
func checkParse(t *testing.T, tests []parseCase) {
	t.Helper()
	ref := mustTime(t, languageRef)

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.text, ref, time.UTC)

			if tt.want == "" {
				if ok {
					t.Fatalf("Parse(%q) = %s (%q), want no value", tt.text, got.Format(), got.Raw)
				}
				return
			}
			if !ok {
				t.Fatalf("Parse(%q) found nothing, want %s", tt.text, tt.want)
			}
			if got.Format() != tt.want {
				t.Errorf("Parse(%q) = %s, want %s", tt.text, got.Format(), tt.want)
			}
			if got.Raw != tt.raw {
				t.Errorf("Parse(%q).Raw = %q, want %q", tt.text, got.Raw, tt.raw)
			}
			if got.Precision != tt.precision {
				t.Errorf("Parse(%q).Precision = %s, want %s", tt.text, got.Precision, tt.precision)
			}
			if tt.text[got.Start:got.Start+len(got.Raw)] != got.Raw {
				t.Errorf("Parse(%q).Start = %d does not locate Raw %q", tt.text, got.Start, got.Raw)
			}
		})
	}
}

func TestParseMonthNames(t *testing.T) {
	tests := []parseCase{
		// Spanish and Portuguese.
		{"spanish de", "Publicado el 2 de abril de 2020", "2020-04-02T00:00:00+00:00", "2 de abril de 2020", Day},
		{"spanish comma", "2 de abril, 2020", "2020-04-02T00:00:00+00:00", "2 de abril, 2020", Day},
		{"spanish del", "2 de abril del 2020", "2020-04-02T00:00:00+00:00", "2 de abril del 2020", Day},
		{"spanish without de", "2 abril 2020", "2020-04-02T00:00:00+00:00", "2 abril 2020", Day},
		{"spanish upper case", "2 DE ABRIL DE 2020", "2020-04-02T00:00:00+00:00", "2 DE ABRIL DE 2020", Day},
		{"spanish abbreviation", "2 abr. 2020", "2020-04-02T00:00:00+00:00", "2 abr. 2020", Day},
		{"spanish ago is august", "5 ago. 2020", "2020-08-05T00:00:00+00:00", "5 ago. 2020", Day},
		{"spanish setiembre", "5 de setiembre de 2020", "2020-09-05T00:00:00+00:00", "5 de setiembre de 2020", Day},
		{"spanish ordinal", "1º de abril de 2020", "2020-04-01T00:00:00+00:00", "1º de abril de 2020", Day},
		{"spanish month first", "abril 2, 2020", "2020-04-02T00:00:00+00:00", "abril 2, 2020", Day},
		{"spanish month first time", "Abril 2, 2020 - 10:30", "2020-04-02T10:30:00+00:00", "Abril 2, 2020 - 10:30", Minute},
		{"spanish a las", "jueves, 2 de abril de 2020 a las 10:30", "2020-04-02T10:30:00+00:00", "2 de abril de 2020 a las 10:30", Minute},
		{"portuguese às", "2 de Abril de 2020 às 10:30", "2020-04-02T10:30:00+00:00", "2 de Abril de 2020 às 10:30", Minute},
		{"portuguese h clock", "quinta-feira, 2 de abril de 2020 às 10h30", "2020-04-02T10:30:00+00:00", "2 de abril de 2020 às 10h30", Minute},
		{"portuguese março", "2 de março de 2020", "2020-03-02T00:00:00+00:00", "2 de março de 2020", Day},
		{"portuguese marco unaccented", "2 de marco de 2020", "2020-03-02T00:00:00+00:00", "2 de marco de 2020", Day},
		{"portuguese decomposed ç", "2 de marc\u0327o de 2020", "2020-03-02T00:00:00+00:00", "2 de marc\u0327o de 2020", Day},
		{"portuguese month first", "março 2, 2020", "2020-03-02T00:00:00+00:00", "março 2, 2020", Day},
		{"portuguese out", "2 de out. de 2020", "2020-10-02T00:00:00+00:00", "2 de out. de 2020", Day},

		// French.
		{"french", "2 avril 2020", "2020-04-02T00:00:00+00:00", "2 avril 2020", Day},
		{"french abbreviation h clock", "2 avr. 2020 à 10h30", "2020-04-02T10:30:00+00:00", "2 avr. 2020 à 10h30", Minute},
		{"french premier", "1er avril 2020", "2020-04-01T00:00:00+00:00", "1er avril 2020", Day},
		{"french hour only", "le 2 avril 2020 à 10h", "2020-04-02T10:00:00+00:00", "2 avril 2020 à 10h", Minute},
		{"french spaced h clock", "2 avril 2020 à 10 h 30", "2020-04-02T10:30:00+00:00", "2 avril 2020 à 10 h 30", Minute},
		{"french fevrier unaccented", "2 fevrier 2020", "2020-02-02T00:00:00+00:00", "2 fevrier 2020", Day},
		{"french août", "2 août 2020", "2020-08-02T00:00:00+00:00", "2 août 2020", Day},
		{"french no-break spaces", "2\u00a0avril\u00a02020 à\u202f10h30", "2020-04-02T10:30:00+00:00", "2\u00a0avril\u00a02020 à\u202f10h30", Minute},

		// German.
		{"german", "2. April 2020", "2020-04-02T00:00:00+00:00", "2. April 2020", Day},
		{"german abbreviation uhr", "2. Apr. 2020, 10:30 Uhr", "2020-04-02T10:30:00+00:00", "2. Apr. 2020, 10:30", Minute},
		{"german weekday", "Montag, 2. März 2020", "2020-03-02T00:00:00+00:00", "2. März 2020", Day},
		{"german maerz", "2. Maerz 2020", "2020-03-02T00:00:00+00:00", "2. Maerz 2020", Day},
		{"german jänner", "2. Jänner 2020", "2020-01-02T00:00:00+00:00", "2. Jänner 2020", Day},
		{"german um dotted uhr", "2. April 2020 um 10.30 Uhr", "2020-04-02T10:30:00+00:00", "2. April 2020 um 10.30", Minute},
		{"german dotted uhr", "2. April 2020 10.30 Uhr", "2020-04-02T10:30:00+00:00", "2. April 2020 10.30", Minute},
		{"german mesz", "2. April 2020, 10:30 MESZ", "2020-04-02T10:30:00+02:00", "2. April 2020, 10:30 MESZ", Minute},

		// Italian.
		{"italian", "2 aprile 2020", "2020-04-02T00:00:00+00:00", "2 aprile 2020", Day},
		{"italian ore", "2 apr 2020 ore 10:30", "2020-04-02T10:30:00+00:00", "2 apr 2020 ore 10:30", Minute},
		{"italian alle ore dotted", "2 aprile 2020 alle ore 10.30", "2020-04-02T10:30:00+00:00", "2 aprile 2020 alle ore 10.30", Minute},
		{"italian degree ordinal", "1° aprile 2020", "2020-04-01T00:00:00+00:00", "1° aprile 2020", Day},
		{"italian weekday", "giovedì 2 aprile 2020", "2020-04-02T00:00:00+00:00", "2 aprile 2020", Day},

		// Dutch.
		{"dutch", "2 april 2020", "2020-04-02T00:00:00+00:00", "2 april 2020", Day},
		{"dutch mrt", "2 mrt. 2020", "2020-03-02T00:00:00+00:00", "2 mrt. 2020", Day},
		{"dutch om uur", "2 mrt. 2020 om 10.30 uur", "2020-03-02T10:30:00+00:00", "2 mrt. 2020 om 10.30", Minute},
		{"dutch mei", "2 mei 2020", "2020-05-02T00:00:00+00:00", "2 mei 2020", Day},

		// Danish, Norwegian, Swedish.
		{"danish", "2. april 2020", "2020-04-02T00:00:00+00:00", "2. april 2020", Day},
		{"danish marts", "2. marts 2020", "2020-03-02T00:00:00+00:00", "2. marts 2020", Day},
		{"danish kl dotted", "2. april 2020 kl. 10.30", "2020-04-02T10:30:00+00:00", "2. april 2020 kl. 10.30", Minute},
		{"norwegian desember", "2. desember 2020 kl. 10.30", "2020-12-02T10:30:00+00:00", "2. desember 2020 kl. 10.30", Minute},
		{"swedish maj", "2 maj 2020", "2020-05-02T00:00:00+00:00", "2 maj 2020", Day},
		{"swedish kl without dot", "den 2 maj 2020 kl 10:30", "2020-05-02T10:30:00+00:00", "2 maj 2020 kl 10:30", Minute},

		// Polish, Russian, Ukrainian: genitive month names.
		{"polish", "2 kwietnia 2020", "2020-04-02T00:00:00+00:00", "2 kwietnia 2020", Day},
		{"polish r godz", "2 kwietnia 2020 r., godz. 10:30", "2020-04-02T10:30:00+00:00", "2 kwietnia 2020 r., godz. 10:30", Minute},
		{"polish października", "2 października 2020", "2020-10-02T00:00:00+00:00", "2 października 2020", Day},
		{"polish unaccented", "2 pazdziernika 2020", "2020-10-02T00:00:00+00:00", "2 pazdziernika 2020", Day},
		{"russian", "2 апреля 2020", "2020-04-02T00:00:00+00:00", "2 апреля 2020", Day},
		{"russian g v", "2 апреля 2020 г. в 10:30", "2020-04-02T10:30:00+00:00", "2 апреля 2020 г. в 10:30", Minute},
		{"russian upper case goda", "2 АПРЕЛЯ 2020 года", "2020-04-02T00:00:00+00:00", "2 АПРЕЛЯ 2020 года", Day},
		{"ukrainian r", "2 квітня 2020 р.", "2020-04-02T00:00:00+00:00", "2 квітня 2020 р.", Day},
		{"ukrainian roku o", "2 квітня 2020 року о 10:30", "2020-04-02T10:30:00+00:00", "2 квітня 2020 року о 10:30", Minute},

		// Turkish.
		{"turkish", "2 Nisan 2020", "2020-04-02T00:00:00+00:00", "2 Nisan 2020", Day},
		{"turkish dotted capital i", "2 NİSAN 2020", "2020-04-02T00:00:00+00:00", "2 NİSAN 2020", Day},
		{"turkish dotless i", "2 Kasım 2020", "2020-11-02T00:00:00+00:00", "2 Kasım 2020", Day},
		{"turkish upper case", "2 KASIM 2020", "2020-11-02T00:00:00+00:00", "2 KASIM 2020", Day},
		{"turkish agustos unaccented", "2 Agustos 2020, 10:30", "2020-08-02T10:30:00+00:00", "2 Agustos 2020, 10:30", Minute},

		// Indonesian and Malay.
		{"indonesian april", "2 April 2020", "2020-04-02T00:00:00+00:00", "2 April 2020", Day},
		{"indonesian agustus", "2 Agustus 2020", "2020-08-02T00:00:00+00:00", "2 Agustus 2020", Day},
		{"indonesian pukul wib", "Kamis, 2 April 2020 pukul 10.30 WIB", "2020-04-02T10:30:00+07:00", "2 April 2020 pukul 10.30 WIB", Minute},
		{"indonesian wita", "2 Agustus 2020 10:30 WITA", "2020-08-02T10:30:00+08:00", "2 Agustus 2020 10:30 WITA", Minute},
		{"malay ogos", "2 Ogos 2020", "2020-08-02T00:00:00+00:00", "2 Ogos 2020", Day},

		// Vietnamese.
		{"vietnamese", "ngày 2 tháng 4 năm 2020", "2020-04-02T00:00:00+00:00", "2 tháng 4 năm 2020", Day},
		{"vietnamese upper case", "2 THÁNG 4 NĂM 2020", "2020-04-02T00:00:00+00:00", "2 THÁNG 4 NĂM 2020", Day},
		{"vietnamese lúc", "2 tháng 4 năm 2020 lúc 10:30", "2020-04-02T10:30:00+00:00", "2 tháng 4 năm 2020 lúc 10:30", Minute},

		// Hungarian and Lithuanian: year first.
		{"hungarian", "2020. április 2.", "2020-04-02T00:00:00+00:00", "2020. április 2", Day},
		{"hungarian abbreviation time", "2020. ápr. 2. 10:30", "2020-04-02T10:30:00+00:00", "2020. ápr. 2. 10:30", Minute},
		{"lithuanian", "2020 m. balandžio 2 d.", "2020-04-02T00:00:00+00:00", "2020 m. balandžio 2 d.", Day},
		{"lithuanian unaccented", "2020 m. rugpjucio 2 d. 10:30", "2020-08-02T10:30:00+00:00", "2020 m. rugpjucio 2 d. 10:30", Minute},

		// Bengali, Hindi, Arabic, Persian, with their digits.
		{"bengali", "১৮ ফেব্রুয়ারি ২০২০", "2020-02-18T00:00:00+00:00", "১৮ ফেব্রুয়ারি ২০২০", Day},
		{"bengali composed yya", "১৮ ফেব্রু\u09dfারি ২০২০", "2020-02-18T00:00:00+00:00", "১৮ ফেব্রু\u09dfারি ২০২০", Day},
		{"bengali decomposed yya", "১৮ ফেব্রু\u09af\u09bcারি ২০২০", "2020-02-18T00:00:00+00:00", "১৮ ফেব্রু\u09af\u09bcারি ২০২০", Day},
		{"hindi", "१८ फ़रवरी २०२०", "2020-02-18T00:00:00+00:00", "१८ फ़रवरी २०२०", Day},
		{"hindi nukta decomposed", "18 \u092b\u093cरवरी 2020", "2020-02-18T00:00:00+00:00", "18 \u092b\u093cरवरी 2020", Day},
		{"arabic", "١٨ فبراير ٢٠٢٠", "2020-02-18T00:00:00+00:00", "١٨ فبراير ٢٠٢٠", Day},
		{"arabic comma", "١٨ فبراير، ٢٠٢٠", "2020-02-18T00:00:00+00:00", "١٨ فبراير، ٢٠٢٠", Day},
		{"arabic alef without hamza", "2 ابريل 2020", "2020-04-02T00:00:00+00:00", "2 ابريل 2020", Day},
		{"arabic levantine", "2 نيسان 2020", "2020-04-02T00:00:00+00:00", "2 نيسان 2020", Day},
		{"persian gregorian", "۱۸ فوریه ۲۰۲۰", "2020-02-18T00:00:00+00:00", "۱۸ فوریه ۲۰۲۰", Day},
		{"persian solar hijri rejected", "۱۳ فروردین ۱۳۹۹", "", "", None},
	}
	checkParse(t, tests)
}

func TestParseUnicodeDigits(t *testing.T) {
	tests := []parseCase{
		{"bengali iso", "২০২০-০২-১৮", "2020-02-18T00:00:00+00:00", "২০২০-০২-১৮", Day},
		{"bengali iso with time", "প্রকাশ: ২০২০-০২-১৮ ১০:৩০", "2020-02-18T10:30:00+00:00", "২০২০-০২-১৮ ১০:৩০", Minute},
		{"arabic-indic iso", "٢٠٢٠-٠٢-١٨", "2020-02-18T00:00:00+00:00", "٢٠٢٠-٠٢-١٨", Day},
		{"persian slashes", "۲۰۲۰/۰۲/۱۸", "2020-02-18T00:00:00+00:00", "۲۰۲۰/۰۲/۱۸", Day},
		{"devanagari iso", "२०२०-०२-१८", "2020-02-18T00:00:00+00:00", "२०२०-०२-१८", Day},
		{"mixed scripts", "2020-٠٢-18", "2020-02-18T00:00:00+00:00", "2020-٠٢-18", Day},
		{"chinese with arabic-indic", "发布 ٢٠٢٠年٢月١٨日", "2020-02-18T00:00:00+00:00", "٢٠٢٠年٢月١٨日", Day},
		{"thai buddhist era rejected", "๑๘/๐๒/๒๕๖๓", "", "", None},
		{"persian solar hijri digits rejected", "۱۳۹۹/۰۱/۱۳", "", "", None},
		{"digits of a phone number", "০১৭১১২২৩৩৪৪", "", "", None},
	}
	checkParse(t, tests)
}

func TestParseTimeForms(t *testing.T) {
	tests := []parseCase{
		{"iso h clock", "2020-04-02 10h30", "2020-04-02T10:30:00+00:00", "2020-04-02 10h30", Minute},
		{"h clock with min", "02/04/2020 - 10h30min", "2020-02-04T10:30:00+00:00", "02/04/2020 - 10h30", Minute},
		{"dots um uhr", "02.04.2020 um 10.30 Uhr", "2020-04-02T10:30:00+00:00", "02.04.2020 um 10.30", Minute},
		{"dots colon uhr", "02.04.2020, 10:30 Uhr", "2020-04-02T10:30:00+00:00", "02.04.2020, 10:30", Minute},
		{"dots kl", "02.04.2020 kl. 10.30", "2020-04-02T10:30:00+00:00", "02.04.2020 kl. 10.30", Minute},
		{"ore", "02.04.2020 ore 10:30", "2020-04-02T10:30:00+00:00", "02.04.2020 ore 10:30", Minute},
		{"uhr upper case", "2. April 2020 10.30 UHR", "2020-04-02T10:30:00+00:00", "2. April 2020 10.30", Minute},
		{"dotted time alone not read", "2. April 2020 10.30", "2020-04-02T00:00:00+00:00", "2. April 2020", Day},
		{"price after date", "2. April 2020 12.50 EUR", "2020-04-02T00:00:00+00:00", "2. April 2020", Day},
		{"sentence after date", "2. April 2020. 10.000 Besucher", "2020-04-02T00:00:00+00:00", "2. April 2020", Day},
		{"h starts a word", "2 avril 2020 5 hommes", "2020-04-02T00:00:00+00:00", "2 avril 2020", Day},
		{"bare hour needs a time word", "2 avril 2020 - 10h", "2020-04-02T00:00:00+00:00", "2 avril 2020", Day},
		{"hours ago after date", "2 Nov 2020, 2h ago", "2020-11-02T00:00:00+00:00", "2 Nov 2020", Day},
		{"ordinal dash english", "2nd-Nov-2020", "2020-11-02T00:00:00+00:00", "2nd-Nov-2020", Day},
		{"ordinal of english", "the 2nd  of  Nov 2020", "2020-11-02T00:00:00+00:00", "2nd  of  Nov 2020", Day},
		{"hour out of range rejects the value", "2 avril 2020 à 25h30", "", "", None},
		{"english as is not a time word", "Nov 2, 2020 as 10.30", "2020-11-02T00:00:00+00:00", "Nov 2, 2020", Day},
	}
	checkParse(t, tests)
}

// TestParseDayFirstCue checks the order of ambiguous numeric dates.
func TestParseDayFirstCue(t *testing.T) {
	tests := []parseCase{
		{"alone month first", "02/04/2020", "2020-02-04T00:00:00+00:00", "02/04/2020", Day},
		{"english weekday month first", "Thursday, 02/04/2020", "2020-02-04T00:00:00+00:00", "02/04/2020", Day},
		{"vietnamese ngày", "ngày 02/04/2020", "2020-04-02T00:00:00+00:00", "02/04/2020", Day},
		{"vietnamese weekday", "Thứ Năm, 02/04/2020, 10:30 (GMT+7)", "2020-04-02T10:30:00+07:00", "02/04/2020, 10:30 (GMT+7)", Minute},
		{"vietnamese sunday", "Chủ nhật, 5/4/2020", "2020-04-05T00:00:00+00:00", "5/4/2020", Day},
		{"spanish weekday", "jueves, 02/04/2020", "2020-04-02T00:00:00+00:00", "02/04/2020", Day},
		{"portuguese weekday", "quinta-feira, 02/04/2020 às 10h30", "2020-04-02T10:30:00+00:00", "02/04/2020 às 10h30", Minute},
		{"french weekday dashes", "jeudi 02-04-2020", "2020-04-02T00:00:00+00:00", "02-04-2020", Day},
		{"russian weekday", "четверг, 02/04/2020", "2020-04-02T00:00:00+00:00", "02/04/2020", Day},
		{"weekday inside a word", "Superjueves 02/04/2020", "2020-02-04T00:00:00+00:00", "02/04/2020", Day},
		{"day over twelve", "28/04/2020", "2020-04-28T00:00:00+00:00", "28/04/2020", Day},
		{"cue with impossible month", "jueves, 04/13/2020", "", "", None},
	}
	checkParse(t, tests)
}

// TestReaderDayFirst checks that a page's day-first order decides an
// ambiguous numeric date and changes nothing else.
func TestReaderDayFirst(t *testing.T) {
	ref := time.Date(2022, 5, 5, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		in       string
		dayFirst bool
		want     string
	}{
		{"ambiguous, month first", "03/05/2022 21:44", false, "2022-03-05T21:44:00+00:00"},
		{"ambiguous, day first", "03/05/2022 21:44", true, "2022-05-03T21:44:00+00:00"},
		{"dashes, day first", "03-05-2022", true, "2022-05-03T00:00:00+00:00"},
		{"first over twelve either way", "28/04/2022", false, "2022-04-28T00:00:00+00:00"},
		{"second over twelve", "04/13/2022", true, "2022-04-13T00:00:00+00:00"},
		{"year first unchanged", "2022/03/05", true, "2022-03-05T00:00:00+00:00"},
		{"no year unchanged", "03/05 21:44", true, "2022-03-05T21:44:00+00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := Reader{DayFirst: tt.dayFirst}.Parse(tt.in, ref)
			got := ""
			if ok {
				got = v.Format()
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestParseMonthNameCollisions checks that the new month names do not read
// dates where there are none and leave English relative times alone.
func TestParseMonthNameCollisions(t *testing.T) {
	tests := []parseCase{
		{"hours ago", "3 hours ago", "2020-12-31T09:00:00+00:00", "3 hours ago", Minute},
		{"min ago", "5 min ago", "2020-12-31T11:55:00+00:00", "5 min ago", Minute},
		{"mo ago", "2 mo ago", "2020-10-31T00:00:00+00:00", "2 mo ago", Day},
		{"m ago", "2 m ago", "2020-12-31T11:58:00+00:00", "2 m ago", Minute},
		{"days ago before year", "2 days ago 2020", "2020-12-29T00:00:00+00:00", "2 days ago", Day},
		{"english may", "2 May 2020", "2020-05-02T00:00:00+00:00", "2 May 2020", Day},
		{"english mar", "Mar 2, 2020", "2020-03-02T00:00:00+00:00", "Mar 2, 2020", Day},

		{"spanish ago without year", "5 ago", "", "", None},
		{"mai without year", "10 mai", "", "", None},
		{"month without year", "2 de abril", "", "", None},
		{"month and year without day", "abril 2020", "", "", None},
		{"mai and year without day", "Mai 2020", "", "", None},
		{"two-digit year", "2 avril 20", "", "", None},
		{"chicago", "Chicago 2020", "", "", None},
		{"not a month", "10 people 2020", "", "", None},
		{"not a month before year", "2 hours 2020", "", "", None},
		{"month first needs comma", "abril 2 2020", "", "", None},
		{"month first only spanish portuguese", "Oktober 2, 2020", "", "", None},
		{"year first needs hungarian name", "2020. April 2.", "", "", None},
		{"lithuanian metres", "1500 m. aukščio 2 d.", "", "", None},
		{"after the reference", "2 de diciembre de 2030", "", "", None},
		{"before 1990", "2 de abril de 1989", "", "", None},
		{"31 april", "31 de abril de 2020", "", "", None},
		{"day 32", "32 avril 2020", "", "", None},
		{"russian relative not read", "2 часа назад", "", "", None},
		{"letter before day", "A2 avril 2020", "", "", None},
		{"last three-letter prefix", "zzz 2, 2020", "", "", None},
	}
	checkParse(t, tests)
}

func TestFindAllLanguages(t *testing.T) {
	ref := mustTime(t, languageRef)
	tests := []struct {
		name string
		text string
		raws []string
		want []string
	}{
		{
			name: "relative then spanish",
			text: "hace 3 horas · 3 hours ago · 2 ago. 2020",
			raws: []string{"3 hours ago", "2 ago. 2020"},
			want: []string{"2020-12-31T09:00:00+00:00", "2020-08-02T00:00:00+00:00"},
		},
		{
			name: "date then hours ago",
			text: "2 Nov 2020, 2h ago",
			raws: []string{"2 Nov 2020", "2h ago"},
			want: []string{"2020-11-02T00:00:00+00:00", "2020-12-31T10:00:00+00:00"},
		},
		{
			name: "published and updated in german",
			text: "Veröffentlicht am 2. April 2020, 10:30 Uhr, zuletzt aktualisiert am 3. Apr. 2020 um 9.15 Uhr",
			raws: []string{"2. April 2020, 10:30", "3. Apr. 2020 um 9.15"},
			want: []string{"2020-04-02T10:30:00+00:00", "2020-04-03T09:15:00+00:00"},
		},
		{
			name: "bengali in a sentence",
			text: "আপডেট: ১৮ ফেব্রুয়ারি ২০২০, ১০:৩০ এবং ২০২০-০২-১৯",
			raws: []string{"১৮ ফেব্রুয়ারি ২০২০, ১০:৩০", "২০২০-০২-১৯"},
			want: []string{"2020-02-18T10:30:00+00:00", "2020-02-19T00:00:00+00:00"},
		},
		{
			name: "several languages",
			text: "2 avril 2020 · 2 апреля 2020 · 2020. április 2. · 2 tháng 4 năm 2020",
			raws: []string{"2 avril 2020", "2 апреля 2020", "2020. április 2", "2 tháng 4 năm 2020"},
			want: []string{"2020-04-02T00:00:00+00:00", "2020-04-02T00:00:00+00:00", "2020-04-02T00:00:00+00:00", "2020-04-02T00:00:00+00:00"},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindAll(tt.text, ref, time.UTC)
			if len(got) != len(tt.want) {
				t.Fatalf("FindAll found %d values %v, want %d", len(got), got, len(tt.want))
			}
			for i, v := range got {
				if v.Raw != tt.raws[i] {
					t.Errorf("value %d: Raw = %q, want %q", i, v.Raw, tt.raws[i])
				}
				if v.Format() != tt.want[i] {
					t.Errorf("value %d = %s, want %s", i, v.Format(), tt.want[i])
				}
				if tt.text[v.Start:v.Start+len(v.Raw)] != v.Raw {
					t.Errorf("value %d: Raw %q is not the input at Start %d", i, v.Raw, v.Start)
				}
			}
		})
	}
}

func TestParseMonthNameZeroRef(t *testing.T) {
	got, ok := Parse("2 de abril de 2020", time.Time{}, time.UTC)
	if !ok {
		t.Fatal("Parse with a zero reference found nothing")
	}
	if got.Format() != "2020-04-02T00:00:00+00:00" {
		t.Errorf("Parse = %s, want 2020-04-02T00:00:00+00:00", got.Format())
	}
	if got.YearFromRef || got.Relative {
		t.Errorf("YearFromRef = %v, Relative = %v, want both false", got.YearFromRef, got.Relative)
	}
}

// TestMonthTables checks the month tables as data: no two languages give a
// folded name different months, every language names all twelve months,
// and every name is found again through localMonth.
func TestMonthTables(t *testing.T) {
	if len(monthConflicts) != 0 {
		t.Errorf("month names folding to another month's key: %v", monthConflicts)
	}

	for _, table := range monthTables {
		seen := map[int]bool{}
		for name, month := range table.names {
			seen[month] = true
			if got := localMonth(name, table.lang); got != month {
				t.Errorf("localMonth(%q) = %d, want %d", name, got, month)
			}
			if got := localMonth(string([]rune(name)), table.lang); got != month {
				t.Errorf("localMonth(%q) = %d, want %d", name, got, month)
			}
		}
		for month := 1; month <= 12; month++ {
			if !seen[month] {
				t.Errorf("language %b has no name for month %d", table.lang, month)
			}
		}
	}
}

func TestLocalMonth(t *testing.T) {
	tests := []struct {
		name  string
		langs language
		want  int
	}{
		{"MARÇO", anyLanguage, 3},
		{"marco", anyLanguage, 3},
		{"März", anyLanguage, 3},
		{"MAERZ", anyLanguage, 3},
		{"KASIM", anyLanguage, 11},
		{"kasım", anyLanguage, 11},
		{"Kwietnia", anyLanguage, 4},
		{"АПРЕЛЯ", anyLanguage, 4},
		{"أبريل", anyLanguage, 4},
		{"ابريل", anyLanguage, 4},
		{"abril", monthFirstLanguages, 4},
		{"april", hungarian, 0},
		{"április", hungarian, 4},
		{"ago", anyLanguage, 8},
		{"hours", anyLanguage, 0},
		{"", anyLanguage, 0},
		{"a very long word that is no month name at all, longer than the buffer", anyLanguage, 0},
	}

	for _, tt := range tests {
		if got := localMonth(tt.name, tt.langs); got != tt.want {
			t.Errorf("localMonth(%q, %b) = %d, want %d", tt.name, tt.langs, got, tt.want)
		}
	}
}

// TestDigitRanges checks what digitValue relies on: every range of Unicode
// decimal digits starts at a zero and holds whole runs of ten, and
// digitValue finds exactly the runes of category Nd.
func TestDigitRanges(t *testing.T) {
	for _, r := range digitRanges {
		if r.Stride != 1 {
			t.Errorf("digit range %U-%U has stride %d, want 1", r.Lo, r.Hi, r.Stride)
		}
		if (r.Hi-r.Lo+1)%10 != 0 {
			t.Errorf("digit range %U-%U does not hold whole runs of ten", r.Lo, r.Hi)
		}
	}

	for r := rune(0); r <= unicode.MaxRune; r++ {
		isDigit := unicode.Is(unicode.Nd, r)
		if got := digitValue(r); (got >= 0) != isDigit {
			t.Fatalf("digitValue(%U) = %d, but unicode.Nd membership is %v", r, got, isDigit)
		}
	}
}

func TestDigitValue(t *testing.T) {
	tests := []struct {
		r    rune
		want int
	}{
		{'0', 0}, {'9', 9},
		{'٠', 0}, {'٢', 2}, {'٩', 9}, // Arabic-Indic
		{'۲', 2}, {'۹', 9}, // Persian
		{'০', 0}, {'১', 1}, {'৮', 8}, // Bengali
		{'२', 2}, {'०', 0}, // Devanagari
		{'๕', 5}, // Thai
		{'５', 5}, // full-width
		{'𝟐', 2}, // mathematical bold
		{'𝟫', 9}, // mathematical sans-serif
		{'a', -1}, {'٫', -1}, {'二', -1}, {'²', -1}, {'Ⅻ', -1},
	}

	for _, tt := range tests {
		if got := digitValue(tt.r); got != tt.want {
			t.Errorf("digitValue(%q) = %d, want %d", tt.r, got, tt.want)
		}
	}
}

// TestBlockFlags checks that the block table marks every rune asciiFor
// maps, so that needsNormalizing and mayContainDate do not skip one.
func TestBlockFlags(t *testing.T) {
	var buf [utf8.UTFMax]byte
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		c := asciiFor(r)
		if c == 0 {
			continue
		}
		text := string(buf[:utf8.EncodeRune(buf[:], r)])

		flags := blockFlagsAt(text, 0)
		if flags == 0 {
			t.Errorf("blockFlagsAt(%U) = 0, but asciiFor maps it to %q", r, c)
		}
		if isDigit(c) && flags&blockDigits == 0 {
			t.Errorf("blockFlagsAt(%U) lacks blockDigits", r)
		}
		if !needsNormalizing("x" + text) {
			t.Errorf("needsNormalizing misses %U", r)
		}
	}
}

func TestMayContainDate(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"", false},
		{"no digits here", false},
		{"北京市今年冬季供暖将提前开始", false},
		{"三天前", false},
		{"\xff\xfe\xe0", false},
		{"ফেব্রুয়ারি", false},
		{"3", true},
		{"year 2020", true},
		{"٣", true},
		{"১৮", true},
		{"２", true},
		{"𝟐", true},
		{"an hour ago", true},
		{"YESTERDAY", true},
		{"Today", true},
		{"just now", true},
		{"刚刚", true},
		{"剛剛", true},
		{"昨天", true},
		{"前天", true},
		{"今天", true},
		{"半小时前", true},
		// The check may pass text that holds no date; the forms decide.
		{"Chicago", true},
	}

	for _, tt := range tests {
		if got := mayContainDate(tt.text); got != tt.want {
			t.Errorf("mayContainDate(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestDayFirstBefore(t *testing.T) {
	tests := []struct {
		before string
		want   bool
	}{
		{"", false},
		{"jueves, ", true},
		{"JUEVES ", true},
		{"quinta-feira, ", true},
		{"Thứ Năm, ", true},
		{"thu nam ", true},
		{"chủ nhật ", true},
		{"ngày ", true},
		{"Thursday, ", false},
		{"năm ", false},
		{"Superjueves ", false},
		{"2020 ", false},
		{"п'ятниця, ", true},
		{"пʼятниця, ", true},
	}

	for _, tt := range tests {
		text := tt.before + "02/04/2020"
		if got := dayFirstBefore(text, len(tt.before)); got != tt.want {
			t.Errorf("dayFirstBefore(%q) = %v, want %v", text, got, tt.want)
		}
	}
}
