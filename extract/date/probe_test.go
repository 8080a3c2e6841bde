package date

import (
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	ref := time.Date(2020, 4, 10, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{
		"2 de abril de 2020", "2 de abril, 2020", "abril 2, 2020", "2 abr. 2020", "2 de Abril de 2020 às 10:30",
		"jueves, 2 de abril de 2020", "quinta-feira, 2 de abril de 2020 às 10h30", "2 de março de 2020", "2 de marco de 2020",
		"2 avril 2020", "2 avr. 2020 à 10h30", "1er avril 2020", "le 2 avril 2020 à 10h",
		"2. April 2020", "2. Apr. 2020, 10:30 Uhr", "Montag, 2. März 2020", "2. Maerz 2020", "2. April 2020 um 10.30 Uhr", "2. April 2020 10.30 Uhr",
		"2 aprile 2020", "2 apr 2020 ore 10:30", "2 aprile 2020 alle ore 10.30",
		"2 april 2020", "2 mrt. 2020", "2 mrt. 2020 om 10.30 uur",
		"2. april 2020", "2 maj 2020", "2. april 2020 kl. 10.30", "2 maj 2020 kl 10:30",
		"2 kwietnia 2020", "2 kwietnia 2020 r., godz. 10:30",
		"2 апреля 2020", "2 апреля 2020 г. в 10:30", "2 квітня 2020 р.", "2 квітня 2020 року о 10:30",
		"2 Nisan 2020", "2 NİSAN 2020", "2 Kasım 2020",
		"2 April 2020", "2 Agustus 2020", "2 Ogos 2020", "Kamis, 2 April 2020 pukul 10.30 WIB",
		"ngày 2 tháng 4 năm 2020", "02/04/2020", "Thứ Năm, 02/04/2020, 10:30 (GMT+7)", "ngày 02/04/2020",
		"2020. április 2.", "2020. ápr. 2. 10:30", "2020 m. balandžio 2 d.",
		"১৮ ফেব্রুয়ারি ২০২০", "২০২০-০২-১৮", "٢٠٢٠-٠٢-١٨", "۲۰۲۰/۰۲/۱۸", "२०२० -०२-१८", "१८ फ़रवरी २०२०", "١٨ فبراير ٢٠٢٠",
		"3 hours ago", "5 ago 2020", "3 mar ago", "2 de abril", "abril 2020", "10 mai",
	} {
		v, ok := Parse(s, ref, time.UTC)
		t.Logf("%-45q %v %s %q", s, ok, v.Format(), v.Raw)
	}
}
