package date

import (
	"strings"
	"testing"
	"time"
)

var (
	shanghai = time.FixedZone("UTC+8", 8*60*60)
	tokyo    = time.FixedZone("UTC+9", 9*60*60)
)

// mustTime parses an RFC 3339 time for a test table.
func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("bad time %q in test table: %v", s, err)
	}
	return v
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load %s: %v", name, err)
	}
	return l
}

func TestParse(t *testing.T) {
	const ref = "2023-11-03T12:00:00+08:00"
	tests := []struct {
		name string
		text string
		ref  string // RFC 3339; "" means the zero time
		loc  *time.Location
		// want is the expected Format() output; "" means no value.
		want      string
		raw       string
		precision Precision
	}{
		// Numeric, year first.
		{"iso seconds", "2023-11-02 16:11:06", ref, shanghai, "2023-11-02T16:11:06+08:00", "2023-11-02 16:11:06", Second},
		{"iso minutes", "2023-11-02 16:11", ref, shanghai, "2023-11-02T16:11:00+08:00", "2023-11-02 16:11", Minute},
		{"iso date", "2023-11-02", ref, shanghai, "2023-11-02T00:00:00+08:00", "2023-11-02", Day},
		{"slashes", "2023/11/02", ref, shanghai, "2023-11-02T00:00:00+08:00", "2023/11/02", Day},
		{"dots", "2023.11.02", ref, shanghai, "2023-11-02T00:00:00+08:00", "2023.11.02", Day},
		{"slashes with time", "2023/11/02 16:11", ref, shanghai, "2023-11-02T16:11:00+08:00", "2023/11/02 16:11", Minute},
		{"unpadded", "2005-5-7 21:23:57", ref, shanghai, "2005-05-07T21:23:57+08:00", "2005-5-7 21:23:57", Second},
		{"one digit hour", "2004-09-17 5:54:13", ref, shanghai, "2004-09-17T05:54:13+08:00", "2004-09-17 5:54:13", Second},
		{"rfc3339 offset", "2023-11-02T16:11:06+08:00", ref, time.UTC, "2023-11-02T16:11:06+08:00", "2023-11-02T16:11:06+08:00", Second},
		{"rfc3339 z", "at 2023-11-02T08:11:06Z.", ref, shanghai, "2023-11-02T08:11:06+00:00", "2023-11-02T08:11:06Z", Second},
		{"fraction and offset", "2023-11-02T16:11:06.123+0800", ref, time.UTC, "2023-11-02T16:11:06+08:00", "2023-11-02T16:11:06.123+0800", Second},
		{"korean dotted", "입력 2023. 11. 2. 오후 4:11", ref, tokyo, "2023-11-02T16:11:00+09:00", "2023. 11. 2. 오후 4:11", Minute},
		{"sentence full stop", "Published 2023.11.02.", ref, shanghai, "2023-11-02T00:00:00+08:00", "2023.11.02", Day},
		{"weekday between", "2023-11-02 星期四 16:11", ref, shanghai, "2023-11-02T16:11:00+08:00", "2023-11-02 星期四 16:11", Minute},

		// Chinese and Japanese.
		{"cjk date time", "发布时间：2023年11月2日 16:11", ref, shanghai, "2023-11-02T16:11:00+08:00", "2023年11月2日 16:11", Minute},
		{"cjk hour minute units", "2023年11月2日16时11分", ref, shanghai, "2023-11-02T16:11:00+08:00", "2023年11月2日16时11分", Minute},
		{"cjk padded seconds", "2023年11月02日 16:11:06", ref, shanghai, "2023-11-02T16:11:06+08:00", "2023年11月02日 16:11:06", Second},
		{"cjk date only", "2023年11月2日", ref, shanghai, "2023-11-02T00:00:00+08:00", "2023年11月2日", Day},
		{"cjk spaced", "2023 年 11 月 2 日", ref, shanghai, "2023-11-02T00:00:00+08:00", "2023 年 11 月 2 日", Day},
		{"cjk afternoon", "2023年11月2日 下午4:11", ref, shanghai, "2023-11-02T16:11:00+08:00", "2023年11月2日 下午4:11", Minute},
		{"cjk half past", "2023年11月2日16点半", ref, shanghai, "2023-11-02T16:30:00+08:00", "2023年11月2日16点半", Minute},
		{"japanese weekday", "2023年11月2日(木) 16時11分", ref, tokyo, "2023-11-02T16:11:00+09:00", "2023年11月2日(木) 16時11分", Minute},
		{"japanese seconds", "2023年11月2日 16時11分06秒", ref, tokyo, "2023-11-02T16:11:06+09:00", "2023年11月2日 16時11分06秒", Second},
		{"korean", "2023년 11월 2일 오후 4:11", ref, tokyo, "2023-11-02T16:11:00+09:00", "2023년 11월 2일 오후 4:11", Minute},
		{"full width", "２０２３年１１月２日　１６：１１", ref, shanghai, "2023-11-02T16:11:00+08:00", "２０２３年１１月２日　１６：１１", Minute},
		{"full width iso", "更新：２０２３－１１－０２　１０：０５", ref, shanghai, "2023-11-02T10:05:00+08:00", "２０２３－１１－０２　１０：０５", Minute},
		{"no year cjk", "11月2日 16:11", ref, shanghai, "2023-11-02T16:11:00+08:00", "11月2日 16:11", Minute},
		{"no year cjk day", "10月31日", ref, shanghai, "2023-10-31T00:00:00+08:00", "10月31日", Day},
		{"no year dashes", "11-12 08:30", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T08:30:00+08:00", "11-12 08:30", Minute},
		{"no year tomorrow is last year", "11-12 08:30", "2024-11-10T10:00:00+08:00", shanghai, "2023-11-12T08:30:00+08:00", "11-12 08:30", Minute},
		{"no year within a day", "11-12 08:30", "2024-11-11T10:00:00+08:00", shanghai, "2024-11-12T08:30:00+08:00", "11-12 08:30", Minute},
		{"no year across new year", "12月31日 23:50", "2024-01-01T00:10:00+08:00", shanghai, "2023-12-31T23:50:00+08:00", "12月31日 23:50", Minute},
		{"no year leap day", "2月29日", "2023-03-01T00:00:00+08:00", shanghai, "2020-02-29T00:00:00+08:00", "2月29日", Day},

		// English.
		{"month day year", "November 2, 2023", ref, time.UTC, "2023-11-02T00:00:00+00:00", "November 2, 2023", Day},
		{"abbreviated with pm", "Nov 2, 2023 4:11 PM", ref, time.UTC, "2023-11-02T16:11:00+00:00", "Nov 2, 2023 4:11 PM", Minute},
		{"p.m. dotted", "Nov. 2, 2023, 4:11 p.m.", ref, time.UTC, "2023-11-02T16:11:00+00:00", "Nov. 2, 2023, 4:11 p.m.", Minute},
		{"twelve am", "Nov 2, 2023 12:05 AM", ref, time.UTC, "2023-11-02T00:05:00+00:00", "Nov 2, 2023 12:05 AM", Minute},
		{"day month year", "2 November 2023", ref, time.UTC, "2023-11-02T00:00:00+00:00", "2 November 2023", Day},
		{"ordinal of", "the 2nd of November, 2023", ref, time.UTC, "2023-11-02T00:00:00+00:00", "2nd of November, 2023", Day},
		{"weekday at zone", "Thursday, November 2, 2023 at 16:11 EDT", ref, time.UTC, "2023-11-02T16:11:00-04:00", "Thursday, November 2, 2023 at 16:11 EDT", Minute},
		{"time first", "Updated 4:11 PM EDT, Thu November 2, 2023", ref, time.UTC, "2023-11-02T16:11:00-04:00", "4:11 PM EDT, Thu November 2, 2023", Minute},
		{"rfc 1123", "Thu, 02 Nov 2023 16:11:06 GMT", ref, shanghai, "2023-11-02T16:11:06+00:00", "Thu, 02 Nov 2023 16:11:06 GMT", Second},
		{"numeric offset", "Nov 2, 2023 16:11 +0530", ref, time.UTC, "2023-11-02T16:11:00+05:30", "Nov 2, 2023 16:11 +0530", Minute},
		{"et is new york", "Nov 2, 2023 4:11 PM ET", ref, time.UTC, "2023-11-02T16:11:00-04:00", "Nov 2, 2023 4:11 PM ET", Minute},
		{"unknown zone word kept out", "Nov 2, 2023 16:11 NEWS", ref, shanghai, "2023-11-02T16:11:00+08:00", "Nov 2, 2023 16:11", Minute},

		// Numeric, day or month first.
		{"slash month first", "02/11/2023", ref, time.UTC, "2023-02-11T00:00:00+00:00", "02/11/2023", Day},
		{"slash day over 12", "28/10/2023", ref, time.UTC, "2023-10-28T00:00:00+00:00", "28/10/2023", Day},
		{"slash second over 12", "10/28/2023", ref, time.UTC, "2023-10-28T00:00:00+00:00", "10/28/2023", Day},
		{"german", "2.11.2023", ref, time.UTC, "2023-11-02T00:00:00+00:00", "2.11.2023", Day},
		{"german with time", "02.11.2023 16:11", ref, time.UTC, "2023-11-02T16:11:00+00:00", "02.11.2023 16:11", Minute},
		{"german comma time", "02.11.2023, 16:11 Uhr", ref, time.UTC, "2023-11-02T16:11:00+00:00", "02.11.2023, 16:11", Minute},

		// Zones.
		{"cst in chinese text", "发布于 2023-11-02 16:11 CST", ref, time.UTC, "2023-11-02T16:11:00+08:00", "2023-11-02 16:11 CST", Minute},
		{"cst in english text", "Posted 2023-11-02 16:11 CST", ref, time.UTC, "2023-11-02T16:11:00-06:00", "2023-11-02 16:11 CST", Minute},
		{"cst with china location", "Posted 2023-11-02 16:11 CST", ref, shanghai, "2023-11-02T16:11:00+08:00", "2023-11-02 16:11 CST", Minute},
		{"gmt plus in brackets", "2023-11-02 16:11 (GMT+8)", ref, time.UTC, "2023-11-02T16:11:00+08:00", "2023-11-02 16:11 (GMT+8)", Minute},
		{"ist", "Nov 2, 2023 16:11 IST", ref, time.UTC, "2023-11-02T16:11:00+05:30", "Nov 2, 2023 16:11 IST", Minute},
		{"nil location is utc", "2023-11-02 16:11", ref, nil, "2023-11-02T16:11:00+00:00", "2023-11-02 16:11", Minute},

		// Relative.
		{"hours zh-tw", "8小時前", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T02:00:00+08:00", "8小時前", Minute},
		{"hours zh-cn", "记者 8 小时前", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T02:00:00+08:00", "8 小时前", Minute},
		{"just now", "刚刚", "2024-11-12T10:00:30+08:00", shanghai, "2024-11-12T10:00:00+08:00", "刚刚", Minute},
		{"just now traditional", "剛剛", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T10:00:00+08:00", "剛剛", Minute},
		{"seconds", "30秒前", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T09:59:30+08:00", "30秒前", Second},
		{"minutes", "5分钟前", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T09:55:00+08:00", "5分钟前", Minute},
		{"minutes traditional", "5分鐘前", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T09:55:00+08:00", "5分鐘前", Minute},
		{"minutes japanese", "5分前", "2024-11-12T10:00:00+09:00", tokyo, "2024-11-12T09:55:00+09:00", "5分前", Minute},
		{"hours japanese", "3時間前", "2024-11-12T10:00:00+09:00", tokyo, "2024-11-12T07:00:00+09:00", "3時間前", Minute},
		{"half hour", "半小时前", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T09:30:00+08:00", "半小时前", Minute},
		{"days", "3天前", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-09T00:00:00+08:00", "3天前", Day},
		{"days across month end", "3天前", "2024-03-02T10:00:00+08:00", shanghai, "2024-02-28T00:00:00+08:00", "3天前", Day},
		{"days japanese", "2日前", "2024-11-12T10:00:00+09:00", tokyo, "2024-11-10T00:00:00+09:00", "2日前", Day},
		{"weeks", "2周前", "2024-11-12T10:00:00+08:00", shanghai, "2024-10-29T00:00:00+08:00", "2周前", Day},
		{"weeks traditional", "1週前", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-05T00:00:00+08:00", "1週前", Day},
		{"months", "2个月前", "2024-11-12T10:00:00+08:00", shanghai, "2024-09-12T00:00:00+08:00", "2个月前", Day},
		{"months clamp", "1個月前", "2024-03-31T10:00:00+08:00", shanghai, "2024-02-29T00:00:00+08:00", "1個月前", Day},
		{"yesterday with time", "昨天 18:20", "2023-11-03T12:00:00+08:00", shanghai, "2023-11-02T18:20:00+08:00", "昨天 18:20", Minute},
		{"yesterday japanese", "昨日 18:20", "2023-11-03T12:00:00+09:00", tokyo, "2023-11-02T18:20:00+09:00", "昨日 18:20", Minute},
		{"yesterday across year", "昨天 23:50", "2024-01-01T00:10:00+08:00", shanghai, "2023-12-31T23:50:00+08:00", "昨天 23:50", Minute},
		{"yesterday alone", "昨天", "2024-03-01T08:00:00+08:00", shanghai, "2024-02-29T00:00:00+08:00", "昨天", Day},
		{"day before yesterday", "前天", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-10T00:00:00+08:00", "前天", Day},
		{"today with time", "今天 09:30", "2024-11-12T10:00:00+08:00", shanghai, "2024-11-12T09:30:00+08:00", "今天 09:30", Minute},
		{"today japanese with time", "今日 09:30", "2024-11-12T10:00:00+09:00", tokyo, "2024-11-12T09:30:00+09:00", "今日 09:30", Minute},
		{"english hours", "3 hours ago", "2024-11-12T10:00:00Z", time.UTC, "2024-11-12T07:00:00+00:00", "3 hours ago", Minute},
		{"english an hour", "an hour ago", "2024-11-12T10:00:00Z", time.UTC, "2024-11-12T09:00:00+00:00", "an hour ago", Minute},
		{"english mins", "5 mins ago", "2024-11-12T10:00:00Z", time.UTC, "2024-11-12T09:55:00+00:00", "5 mins ago", Minute},
		{"english short unit", "Posted 2h ago", "2024-11-12T10:00:00Z", time.UTC, "2024-11-12T08:00:00+00:00", "2h ago", Minute},
		{"english days", "2 days ago", "2024-11-12T10:00:00Z", time.UTC, "2024-11-10T00:00:00+00:00", "2 days ago", Day},
		{"english yesterday", "Yesterday", "2024-11-12T10:00:00Z", time.UTC, "2024-11-11T00:00:00+00:00", "Yesterday", Day},
		{"english yesterday at", "yesterday at 4:11 PM", "2024-11-12T10:00:00Z", time.UTC, "2024-11-11T16:11:00+00:00", "yesterday at 4:11 PM", Minute},
		{"english today", "today", "2024-11-12T10:00:00Z", time.UTC, "2024-11-12T00:00:00+00:00", "today", Day},
		{"english just now", "Just now", "2024-11-12T10:00:00Z", time.UTC, "2024-11-12T10:00:00+00:00", "Just now", Minute},
		{"korean hours", "3시간 전", "2024-11-12T10:00:00+09:00", tokyo, "2024-11-12T07:00:00+09:00", "3시간 전", Minute},
		{"relative in location", "8小時前", "2024-11-12T02:00:00Z", shanghai, "2024-11-12T02:00:00+08:00", "8小時前", Minute},
		{"yesterday in new york", "yesterday", "2024-11-12T03:00:00Z", nil, "2024-11-11T00:00:00+00:00", "yesterday", Day},

		// Zero reference time: relative and year-less forms give nothing.
		{"zero ref hours", "8小時前", "", shanghai, "", "", None},
		{"zero ref yesterday", "昨天 18:20", "", shanghai, "", "", None},
		{"zero ref just now", "just now", "", time.UTC, "", "", None},
		{"zero ref no year", "11月2日 16:11", "", shanghai, "", "", None},
		{"zero ref absolute", "2023-11-02 16:11", "", shanghai, "2023-11-02T16:11:00+08:00", "2023-11-02 16:11", Minute},

		// Rejected.
		{"month 13", "2023-13-02", ref, time.UTC, "", "", None},
		{"february 30", "2023-02-30", ref, time.UTC, "", "", None},
		{"not a leap year", "2023年2月29日", ref, time.UTC, "", "", None},
		{"not a leap year spaced", "2023 年 2 月 29 日", ref, time.UTC, "", "", None},
		{"hour 25", "2023-11-02 25:11", ref, time.UTC, "", "", None},
		{"before 1990", "1989-12-31", ref, time.UTC, "", "", None},
		{"after ref", "2023-11-05", ref, time.UTC, "", "", None},
		{"script expiry after ref", `{"validUntil":"2024-01-31"}`, ref, time.UTC, "", "", None},
		{"far future zero ref", "2999-01-01", "", time.UTC, "", "", None},
		{"long digit run", "20231102557201", ref, time.UTC, "", "", None},
		{"compact date in text", "ID 20231102", ref, time.UTC, "", "", None},
		{"phone number", "电话 13812345678", ref, time.UTC, "", "", None},
		{"version", "version 1.2.3", ref, time.UTC, "", "", None},
		{"dotted version with year", "v2023.11.02", ref, time.UTC, "", "", None},
		{"ip like", "10.2.11.2023", ref, time.UTC, "", "", None},
		{"longer dotted run", "2023.11.02.5", ref, time.UTC, "", "", None},
		{"day run on", "2023-11-021", ref, time.UTC, "", "", None},
		{"before the tenth", "11月40日前完成", ref, shanghai, "", "", None},
		{"toutiao", "今日头条", ref, shanghai, "", "", None},
		{"before the weather", "之前天气很好", ref, shanghai, "", "", None},
		{"no digits", "北京市今年冬季供暖将提前开始", ref, shanghai, "", "", None},
		{"plain number", "占比12.5%", ref, shanghai, "", "", None},
		{"empty", "", ref, shanghai, "", "", None},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var refTime time.Time
			if tt.ref != "" {
				refTime = mustTime(t, tt.ref)
			}

			got, ok := Parse(tt.text, refTime, tt.loc)

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

func TestParseFlags(t *testing.T) {
	ref := mustTime(t, "2023-11-03T12:00:00+08:00")
	tests := []struct {
		name        string
		text        string
		relative    bool
		yearFromRef bool
		zoneGiven   bool
	}{
		{"absolute", "2023-11-02 16:11", false, false, false},
		{"absolute with zone", "2023-11-02T16:11:00Z", false, false, true},
		{"relative", "3天前", true, false, false},
		{"yesterday", "昨天 18:20", true, false, false},
		{"no year", "11月2日", false, true, false},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.text, ref, shanghai)
			if !ok {
				t.Fatalf("Parse(%q) found nothing", tt.text)
			}
			if got.Relative != tt.relative {
				t.Errorf("Relative = %v, want %v", got.Relative, tt.relative)
			}
			if got.YearFromRef != tt.yearFromRef {
				t.Errorf("YearFromRef = %v, want %v", got.YearFromRef, tt.yearFromRef)
			}
			if got.ZoneGiven != tt.zoneGiven {
				t.Errorf("ZoneGiven = %v, want %v", got.ZoneGiven, tt.zoneGiven)
			}
		})
	}
}

func TestParseNamedZones(t *testing.T) {
	newYork := mustLoad(t, "America/New_York")
	tests := []struct {
		name string
		text string
		ref  string
		loc  *time.Location
		want string
	}{
		{"summer time", "2023-07-02 16:11", "2023-07-03T00:00:00Z", newYork, "2023-07-02T16:11:00-04:00"},
		{"winter time", "2023-12-02 16:11", "2023-12-03T00:00:00Z", newYork, "2023-12-02T16:11:00-05:00"},
		{"shanghai", "2023-12-02 16:11", "2023-12-03T00:00:00Z", mustLoad(t, "Asia/Shanghai"), "2023-12-02T16:11:00+08:00"},
		{"et in winter", "Dec 2, 2023 4:11 PM ET", "2023-12-03T00:00:00Z", time.UTC, "2023-12-02T16:11:00-05:00"},
		{"yesterday across dst end", "昨天 01:30", "2023-11-06T12:00:00Z", newYork, "2023-11-05T01:30:00-04:00"},
		{"days ago in new york", "2 days ago", "2023-11-03T02:00:00Z", newYork, "2023-10-31T00:00:00-04:00"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse(tt.text, mustTime(t, tt.ref), tt.loc)
			if !ok {
				t.Fatalf("Parse(%q) found nothing", tt.text)
			}
			if got.Format() != tt.want {
				t.Errorf("Parse(%q) = %s, want %s", tt.text, got.Format(), tt.want)
			}
		})
	}
}

func TestFindAll(t *testing.T) {
	ref := mustTime(t, "2023-11-03T12:00:00+08:00")
	tests := []struct {
		name string
		text string
		raws []string
		want []string
	}{
		{
			name: "listing footers",
			text: "山區道路落石頻傳 昨天 18:20 連假車潮預估 3天前 橋梁耐震補強完工 2023/10/28",
			raws: []string{"昨天 18:20", "3天前", "2023/10/28"},
			want: []string{"2023-11-02T18:20:00+08:00", "2023-10-31T00:00:00+08:00", "2023-10-28T00:00:00+08:00"},
		},
		{
			name: "published and updated",
			text: "发布时间：2023年11月02日 08:30 最后更新：２０２３年１１月０２日　１０：０５",
			raws: []string{"2023年11月02日 08:30", "２０２３年１１月０２日　１０：０５"},
			want: []string{"2023-11-02T08:30:00+08:00", "2023-11-02T10:05:00+08:00"},
		},
		{
			name: "future date skipped",
			text: `{"validUntil":"2024-01-31"} 2023年11月2日 09:15`,
			raws: []string{"2023年11月2日 09:15"},
			want: []string{"2023-11-02T09:15:00+08:00"},
		},
		{
			name: "month day before a deadline",
			text: "供热企业需在11月10日前完成管网注水",
			raws: []string{"11月10日"},
			want: []string{"2022-11-10T00:00:00+08:00"},
		},
		{
			name: "no overlap",
			text: "2023-11-02 16:11:06 and 2 days ago",
			raws: []string{"2023-11-02 16:11:06", "2 days ago"},
			want: []string{"2023-11-02T16:11:06+08:00", "2023-11-01T00:00:00+08:00"},
		},
		{
			name: "none",
			text: "今年冬季集中供暖将于下月开始，较往年提前两天。",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FindAll(tt.text, ref, shanghai)
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
				if !strings.Contains(tt.text, v.Raw) || tt.text[v.Start:v.Start+len(v.Raw)] != v.Raw {
					t.Errorf("value %d: Raw %q is not the input at Start %d", i, v.Raw, v.Start)
				}
			}
		})
	}
}

func TestParseMachine(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		loc       *time.Location
		want      string
		precision Precision
	}{
		{"rfc3339 offset", "2023-11-02T16:11:06+08:00", time.UTC, "2023-11-02T16:11:06+08:00", Second},
		{"rfc3339 z", "2023-11-02T08:11:06Z", shanghai, "2023-11-02T08:11:06+00:00", Second},
		{"offset without colon", "2023-11-02T16:11:06+0800", time.UTC, "2023-11-02T16:11:06+08:00", Second},
		{"three-digit offset", "2018-10-29T10:15-500", time.UTC, "2018-10-29T10:15:00-05:00", Minute},
		{"fraction", "2023-11-02T16:11:06.123456+08:00", time.UTC, "2023-11-02T16:11:06+08:00", Second},
		{"fraction z", "2016-12-07T10:00:00.011Z", time.UTC, "2016-12-07T10:00:00+00:00", Second},
		{"no zone", "2023-11-02T16:11:06", shanghai, "2023-11-02T16:11:06+08:00", Second},
		{"minutes", "2023-11-02T16:11", shanghai, "2023-11-02T16:11:00+08:00", Minute},
		{"date only", "2023-11-02", shanghai, "2023-11-02T00:00:00+08:00", Day},
		{"compact date", "20231102", shanghai, "2023-11-02T00:00:00+08:00", Day},
		{"compact 14", "20231102161106", shanghai, "2023-11-02T16:11:06+08:00", Second},
		{"basic format", "20231102T161106Z", shanghai, "2023-11-02T16:11:06+00:00", Second},
		{"space separator", "2023-11-02 16:11:06", shanghai, "2023-11-02T16:11:06+08:00", Second},
		{"space and offset", "2023-11-02 16:11:06 +0800", time.UTC, "2023-11-02T16:11:06+08:00", Second},
		{"slashes", "2023/11/02 16:11", shanghai, "2023-11-02T16:11:00+08:00", Minute},
		{"padded", "  2023-11-02T16:11:06+08:00\n", time.UTC, "2023-11-02T16:11:06+08:00", Second},
		{"rfc 1123", "Thu, 02 Nov 2023 16:11:06 GMT", shanghai, "2023-11-02T16:11:06+00:00", Second},
		{"rfc 1123 numeric zone", "Thu, 02 Nov 2023 16:11:06 -0400", shanghai, "2023-11-02T16:11:06-04:00", Second},
		{"rfc 822", "02 Nov 23 16:11 EST", shanghai, "2023-11-02T16:11:00-05:00", Minute},
		{"rfc 850", "Thursday, 02-Nov-23 16:11:06 GMT", shanghai, "2023-11-02T16:11:06+00:00", Second},
		{"ansi c", "Thu Nov  2 16:11:06 2023", shanghai, "2023-11-02T16:11:06+08:00", Second},
		{"unix date", "Thu Nov  2 16:11:06 EDT 2023", shanghai, "2023-11-02T16:11:06-04:00", Second},
		{"unix seconds", "1698912666", time.UTC, "2023-11-02T08:11:06+00:00", Second},
		{"unix milliseconds", "1698912666123", shanghai, "2023-11-02T16:11:06+08:00", Second},
		{"chinese", "2023年11月2日 16:11", shanghai, "2023-11-02T16:11:00+08:00", Minute},
		{"nil location", "2023-11-02T16:11:06", nil, "2023-11-02T16:11:06+00:00", Second},

		{"empty", "", time.UTC, "", None},
		{"text", "yesterday", time.UTC, "", None},
		{"month 13", "2023-13-02", time.UTC, "", None},
		{"february 30", "2023-02-30T10:00:00Z", time.UTC, "", None},
		{"before 1990", "1989-01-01", time.UTC, "", None},
		{"far future", "2999-01-01", time.UTC, "", None},
		{"implausible unix", "9999999999", time.UTC, "", None},
		{"zero unix", "0000000000", time.UTC, "", None},
		{"nine digits", "123456789", time.UTC, "", None},
		{"date later in text", "Posted by Alice on 2023-11-02", time.UTC, "", None},
		{"bad offset", "2023-11-02T16:11:06+25:00", time.UTC, "", None},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseMachine(tt.in, tt.loc)

			if tt.want == "" {
				if ok {
					t.Fatalf("ParseMachine(%q) = %s, want no value", tt.in, got.Format())
				}
				return
			}
			if !ok {
				t.Fatalf("ParseMachine(%q) found nothing, want %s", tt.in, tt.want)
			}
			if got.Format() != tt.want {
				t.Errorf("ParseMachine(%q) = %s, want %s", tt.in, got.Format(), tt.want)
			}
			if got.Precision != tt.precision {
				t.Errorf("ParseMachine(%q).Precision = %s, want %s", tt.in, got.Precision, tt.precision)
			}
			if tt.in[got.Start:got.Start+len(got.Raw)] != got.Raw {
				t.Errorf("ParseMachine(%q): Raw %q is not the input at Start %d", tt.in, got.Raw, got.Start)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name string
		v    Value
		want string
	}{
		{"zero", Value{}, ""},
		{"utc", Value{Time: time.Date(2023, 11, 2, 16, 11, 0, 0, time.UTC), Precision: Minute}, "2023-11-02T16:11:00+00:00"},
		{"offset", Value{Time: time.Date(2023, 11, 2, 0, 0, 0, 0, shanghai), Precision: Day}, "2023-11-02T00:00:00+08:00"},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.v.Format(); got != tt.want {
				t.Errorf("Format() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPrecisionString(t *testing.T) {
	tests := []struct {
		p    Precision
		want string
	}{
		{None, ""},
		{Day, "day"},
		{Minute, "minute"},
		{Second, "second"},
		{Precision(42), ""},
	}

	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("Precision(%d).String() = %q, want %q", int(tt.p), got, tt.want)
		}
	}
}

func TestFutureDateNotReread(t *testing.T) {
	ref := time.Date(2019, 10, 5, 12, 0, 0, 0, time.FixedZone("", 8*3600))

	got := FindAll("发布时间：2020-10-04 20:30", ref, time.FixedZone("", 8*3600))
	if len(got) != 0 {
		t.Errorf("FindAll = %v, want nothing: the date is after the reference time", got)
	}
}
