package date

import (
	"strings"
	"testing"
	"time"
)

// benchTexts are text nodes of the kinds an extractor feeds FindAll: most
// hold no date at all.
var benchTexts = []string{
	"东岭市城市管理局发布通知，今年冬季集中供暖将于11月15日正式开始，较往年提前两天。供热企业需在11月10日前完成管网注水和试运行，居民如发现暖气不热可拨打热线12345反映，占比12.5%。",
	"发布时间：2023年11月02日 08:30　来源：东岭日报",
	"8小時前",
	"The city council voted on Tuesday to expand the bus network, adding three routes and raising the budget by a tenth, officials said.",
	"Updated 4:11 PM EDT, Thu November 2, 2023",
	strings.Repeat("老城区雨污分流改造工程已完成管网铺设约九成，预计本月底前全部恢复路面通行。", 20),
}

func BenchmarkFindAll(b *testing.B) {
	ref := time.Date(2023, 11, 3, 12, 0, 0, 0, shanghai)
	size := 0
	for _, s := range benchTexts {
		size += len(s)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()

	for b.Loop() {
		for _, s := range benchTexts {
			FindAll(s, ref, shanghai)
		}
	}
}

func BenchmarkFindAllNoDate(b *testing.B) {
	ref := time.Date(2023, 11, 3, 12, 0, 0, 0, shanghai)
	text := benchTexts[len(benchTexts)-1]
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()

	for b.Loop() {
		FindAll(text, ref, shanghai)
	}
}

func BenchmarkParseMachine(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ParseMachine("2023-11-02T16:11:06+08:00", shanghai)
	}
}

// languageTexts are bylines in the languages read through monthTables, and
// one with Bengali digits.
var languageTexts = []string{
	"Publicado el jueves, 2 de abril de 2020 a las 10:30",
	"Atualizado em 2 de Abril de 2020 às 10h30",
	"Publié le 2 avr. 2020 à 10h30, mis à jour le 3 avril 2020",
	"Montag, 2. März 2020, 10:30 Uhr",
	"Опубликовано 2 апреля 2020 г. в 10:30",
	"Kamis, 2 April 2020 pukul 10.30 WIB",
	"Thứ Năm, ngày 2 tháng 4 năm 2020 lúc 10:30",
	"প্রকাশিত: ১৮ ফেব্রুয়ারি ২০২০, ১০:৩০",
}

// proseText is English prose with numbers but no date, where every number
// and word is a candidate the scanner must reject.
var proseText = strings.Repeat("The council approved 3 new routes and 12 buses for 2,400 riders a day, "+
	"adding 5 stops near the market and raising the budget by 7 percent over 2 years. ", 10)

func BenchmarkFindAllLanguages(b *testing.B) {
	ref := time.Date(2020, 12, 31, 12, 0, 0, 0, time.UTC)
	size := 0
	for _, s := range languageTexts {
		size += len(s)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()

	for b.Loop() {
		for _, s := range languageTexts {
			FindAll(s, ref, time.UTC)
		}
	}
}

func BenchmarkFindAllProse(b *testing.B) {
	ref := time.Date(2023, 11, 3, 12, 0, 0, 0, time.UTC)
	b.SetBytes(int64(len(proseText)))
	b.ReportAllocs()

	for b.Loop() {
		FindAll(proseText, ref, time.UTC)
	}
}
