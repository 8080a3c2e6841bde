package date

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// language is a bit set of the languages whose month names a form accepts.
type language uint32

const (
	spanish language = 1 << iota
	portuguese
	french
	german
	italian
	dutch
	danish
	norwegian
	swedish
	polish
	russian
	ukrainian
	turkish
	indonesian
	malay
	hungarian
	lithuanian
	bengali
	hindi
	arabic
	persian
	vietnamese

	anyLanguage language = 1<<iota - 1
)

// monthTables are the month names, with their common abbreviations, that
// the localised forms read. Keys are lower case as written; lookups fold
// case and accents (see foldWord), so "MARÇO", "marco" and "março" are one
// key. English stays in monthNamePat.
//
// Slavic and Baltic languages are listed in the genitive, the case a month
// takes after a day number ("2 kwietnia", "2 апреля", "balandžio 2 d.").
var monthTables = []struct {
	lang  language
	names map[string]int
}{
	{spanish, map[string]int{
		"enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3,
		"abril": 4, "abr": 4, "mayo": 5, "may": 5, "junio": 6, "jun": 6,
		"julio": 7, "jul": 7, "agosto": 8, "ago": 8,
		"septiembre": 9, "setiembre": 9, "sep": 9, "sept": 9, "set": 9,
		"octubre": 10, "oct": 10, "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
	}},
	{portuguese, map[string]int{
		"janeiro": 1, "jan": 1, "fevereiro": 2, "fev": 2, "março": 3, "mar": 3,
		"abril": 4, "abr": 4, "maio": 5, "mai": 5, "junho": 6, "jun": 6,
		"julho": 7, "jul": 7, "agosto": 8, "ago": 8, "setembro": 9, "set": 9,
		"outubro": 10, "out": 10, "novembro": 11, "nov": 11, "dezembro": 12, "dez": 12,
	}},
	{french, map[string]int{
		"janvier": 1, "janv": 1, "février": 2, "févr": 2, "fév": 2, "mars": 3,
		"avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7,
		"août": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10,
		"novembre": 11, "nov": 11, "décembre": 12, "déc": 12,
	}},
	{german, map[string]int{
		"januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feb": 2,
		"märz": 3, "maerz": 3, "mär": 3, "april": 4, "apr": 4, "mai": 5,
		"juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
		"september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
		"november": 11, "nov": 11, "dezember": 12, "dez": 12,
	}},
	{italian, map[string]int{
		"gennaio": 1, "gen": 1, "febbraio": 2, "feb": 2, "marzo": 3, "mar": 3,
		"aprile": 4, "apr": 4, "maggio": 5, "mag": 5, "giugno": 6, "giu": 6,
		"luglio": 7, "lug": 7, "agosto": 8, "ago": 8, "settembre": 9, "set": 9,
		"ottobre": 10, "ott": 10, "novembre": 11, "nov": 11, "dicembre": 12, "dic": 12,
	}},
	{dutch, map[string]int{
		"januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3,
		"april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
		"augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
		"oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
	}},
	{danish, map[string]int{
		"januar": 1, "jan": 1, "februar": 2, "feb": 2, "marts": 3, "mar": 3,
		"april": 4, "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
		"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
		"oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
	}},
	{norwegian, map[string]int{
		"januar": 1, "jan": 1, "februar": 2, "feb": 2, "mars": 3, "mar": 3,
		"april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
		"august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
		"oktober": 10, "okt": 10, "november": 11, "nov": 11, "desember": 12, "des": 12,
	}},
	{swedish, map[string]int{
		"januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3,
		"april": 4, "apr": 4, "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
		"augusti": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
		"oktober": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
	}},
	{polish, map[string]int{
		"stycznia": 1, "sty": 1, "lutego": 2, "lut": 2, "marca": 3, "mar": 3,
		"kwietnia": 4, "kwi": 4, "maja": 5, "maj": 5, "czerwca": 6, "cze": 6,
		"lipca": 7, "lip": 7, "sierpnia": 8, "sie": 8, "września": 9, "wrz": 9,
		"października": 10, "paź": 10, "listopada": 11, "lis": 11, "grudnia": 12, "gru": 12,
	}},
	{russian, map[string]int{
		"января": 1, "янв": 1, "февраля": 2, "фев": 2, "февр": 2, "марта": 3, "мар": 3,
		"апреля": 4, "апр": 4, "мая": 5, "июня": 6, "июн": 6, "июля": 7, "июл": 7,
		"августа": 8, "авг": 8, "сентября": 9, "сен": 9, "сент": 9,
		"октября": 10, "окт": 10, "ноября": 11, "ноя": 11, "нояб": 11, "декабря": 12, "дек": 12,
	}},
	{ukrainian, map[string]int{
		"січня": 1, "січ": 1, "лютого": 2, "лют": 2, "березня": 3, "бер": 3,
		"квітня": 4, "квіт": 4, "травня": 5, "трав": 5, "червня": 6, "черв": 6,
		"липня": 7, "лип": 7, "серпня": 8, "серп": 8, "вересня": 9, "вер": 9,
		"жовтня": 10, "жовт": 10, "листопада": 11, "лист": 11, "грудня": 12, "груд": 12,
	}},
	{turkish, map[string]int{
		"ocak": 1, "oca": 1, "şubat": 2, "şub": 2, "mart": 3, "mar": 3,
		"nisan": 4, "nis": 4, "mayıs": 5, "may": 5, "haziran": 6, "haz": 6,
		"temmuz": 7, "tem": 7, "ağustos": 8, "ağu": 8, "eylül": 9, "eyl": 9,
		"ekim": 10, "eki": 10, "kasım": 11, "kas": 11, "aralık": 12, "ara": 12,
	}},
	{indonesian, map[string]int{
		"januari": 1, "jan": 1, "februari": 2, "feb": 2, "maret": 3, "mar": 3,
		"april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
		"agustus": 8, "agu": 8, "agt": 8, "ags": 8, "september": 9, "sep": 9,
		"oktober": 10, "okt": 10, "november": 11, "nov": 11, "desember": 12, "des": 12,
	}},
	{malay, map[string]int{
		"januari": 1, "jan": 1, "februari": 2, "feb": 2, "mac": 3,
		"april": 4, "apr": 4, "mei": 5, "jun": 6, "julai": 7, "jul": 7,
		"ogos": 8, "ogo": 8, "september": 9, "sep": 9, "oktober": 10, "okt": 10,
		"november": 11, "nov": 11, "disember": 12, "dis": 12,
	}},
	{hungarian, map[string]int{
		"január": 1, "jan": 1, "február": 2, "febr": 2, "feb": 2,
		"március": 3, "márc": 3, "már": 3, "április": 4, "ápr": 4,
		"május": 5, "máj": 5, "június": 6, "jún": 6, "július": 7, "júl": 7,
		"augusztus": 8, "aug": 8, "szeptember": 9, "szept": 9, "szep": 9,
		"október": 10, "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
	}},
	{lithuanian, map[string]int{
		"sausio": 1, "vasario": 2, "kovo": 3, "balandžio": 4, "gegužės": 5,
		"birželio": 6, "liepos": 7, "rugpjūčio": 8, "rugsėjo": 9, "spalio": 10,
		"lapkričio": 11, "gruodžio": 12,
	}},
	{bengali, map[string]int{
		"জানুয়ারি": 1, "জানুয়ারী": 1, "ফেব্রুয়ারি": 2, "ফেব্রুয়ারী": 2,
		"মার্চ": 3, "এপ্রিল": 4, "মে": 5, "জুন": 6, "জুলাই": 7,
		"আগস্ট": 8, "আগষ্ট": 8, "সেপ্টেম্বর": 9, "অক্টোবর": 10, "নভেম্বর": 11, "ডিসেম্বর": 12,
	}},
	{hindi, map[string]int{
		"जनवरी": 1, "फ़रवरी": 2, "फरवरी": 2, "मार्च": 3, "अप्रैल": 4, "मई": 5,
		"जून": 6, "जुलाई": 7, "अगस्त": 8, "सितंबर": 9, "सितम्बर": 9,
		"अक्टूबर": 10, "अक्तूबर": 10, "नवंबर": 11, "नवम्बर": 11, "दिसंबर": 12, "दिसम्बर": 12,
	}},
	// Egyptian and Gulf names, the single-word Levantine ones and the
	// Maghreb ones.
	// NOTE: the two-word Levantine names (كانون الثاني, تشرين الأول, ...)
	// are not read, because a month is one word in the patterns.
	{arabic, map[string]int{
		"يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "مايو": 5,
		"يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7, "أغسطس": 8,
		"سبتمبر": 9, "أكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
		"شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6,
		"تموز": 7, "آب": 8, "أيلول": 9,
		"جانفي": 1, "فيفري": 2, "أفريل": 4, "ماي": 5, "جوان": 6,
		"جويلية": 7, "أوت": 8,
	}},
	// Gregorian months in Persian. Dates in the Solar Hijri calendar have
	// years before 1990 and are rejected.
	{persian, map[string]int{
		"ژانویه": 1, "فوریه": 2, "مارس": 3, "آوریل": 4, "مه": 5,
		"ژوئن": 6, "ژوئیه": 7, "ژوییه": 7, "اوت": 8, "سپتامبر": 9,
		"اکتبر": 10, "نوامبر": 11, "دسامبر": 12,
	}},
}

// dayFirstWords are weekday names of languages that write numeric dates day
// first, and the Vietnamese "ngày" ("day"). One of them right before
// "02/04/2020" makes it 2 April.
var dayFirstWords = map[language][]string{
	spanish:    {"lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"},
	portuguese: {"segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "segunda", "terça", "quarta", "quinta", "sexta", "sábado", "domingo"},
	french:     {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"},
	german:     {"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag"},
	italian:    {"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"},
	dutch:      {"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"},
	danish:     {"mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"},
	swedish:    {"måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"},
	polish:     {"poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"},
	russian:    {"понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"},
	ukrainian:  {"понеділок", "вівторок", "середа", "четвер", "пʼятниця", "п'ятниця", "субота", "неділя"},
	turkish:    {"pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar"},
	indonesian: {"senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu"},
	malay:      {"isnin", "khamis", "jumaat", "ahad"},
	vietnamese: {"ngày", "thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "chủ nhật"},
}

// monthEntry is one folded month name: the month and the languages that
// spell it so.
type monthEntry struct {
	month int
	langs language
}

var (
	// monthIndex maps folded month names to their month.
	monthIndex = map[string]monthEntry{}
	// monthConflicts lists folded names that two languages give different
	// months. It must stay empty; a test checks it.
	monthConflicts []string
	// monthFirstPrefixes is the set of the first three letters, lower case
	// ASCII, of the names a localised month-first date ("abril 2, 2020")
	// may start with, as a bit set indexed by prefixIndex.
	monthFirstPrefixes [(26*26*26 + 63) / 64]uint64
	// dayFirstCues is dayFirstWords folded.
	dayFirstCues = map[string]bool{}
)

func init() {
	var buf [maxFoldedLen]byte
	for _, table := range monthTables {
		for name, month := range table.names {
			key, ok := foldWord(buf[:0], name)
			if !ok {
				monthConflicts = append(monthConflicts, name+" (too long)")
				continue
			}
			e, seen := monthIndex[string(key)]
			if seen && e.month != month {
				monthConflicts = append(monthConflicts, name)
				continue
			}
			monthIndex[string(key)] = monthEntry{month: month, langs: e.langs | table.lang}

			if table.lang&monthFirstLanguages != 0 {
				if k, ok := prefixIndex(string(key)); ok {
					monthFirstPrefixes[k/64] |= 1 << (k % 64)
				}
			}
		}
	}

	for _, words := range dayFirstWords {
		for _, w := range words {
			if key, ok := foldWord(buf[:0], w); ok {
				dayFirstCues[string(key)] = true
			}
		}
	}
}

// maxFoldedLen bounds the folded words looked up; longer words are neither
// month names nor weekdays.
const maxFoldedLen = 48

// foldWord appends word to dst in lower case without accents or other
// combining marks, and with the Arabic letters that vary in spelling made
// one. It reports false when the result would be longer than
// maxFoldedLen.
//
// Marks are dropped in every script, so the Bengali and Devanagari vowel
// signs that are combining marks go too. Keys and looked-up words are
// folded alike, and a test checks that no two months fold to one key.
func foldWord(dst []byte, word string) ([]byte, bool) {
	for _, r := range word {
		n := len(dst)
		if r < utf8.RuneSelf {
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
			dst = append(dst, byte(r))
		} else if folded, ok := foldTable[r]; ok {
			dst = append(dst, folded...)
		} else if !unicode.Is(unicode.Mn, r) {
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
		if len(dst) > maxFoldedLen {
			return dst[:n], false
		}
	}
	return dst, true
}

// foldTable maps each rune of the scripts in monthTables and dayFirstWords
// that foldWord changes to what it becomes: its canonical decomposition
// (NFD) with nonspacing marks dropped, lower case. Keys and text are folded
// through the same table, so precomposed and decomposed spellings ("ç" and
// "c" with U+0327) meet.
var foldTable = buildFoldTable()

func buildFoldTable() map[rune]string {
	table := map[rune]string{}
	blocks := [][2]rune{
		{0x80, 0x24F},    // Latin-1 Supplement, Latin Extended-A and -B
		{0x2B0, 0x36F},   // modifier letters, combining marks
		{0x400, 0x52F},   // Cyrillic
		{0x600, 0x6FF},   // Arabic
		{0x900, 0x9FF},   // Devanagari, Bengali
		{0x1E00, 0x1EFF}, // Latin Extended Additional (Vietnamese)
		{0x2019, 0x2019}, // right single quotation mark
	}
	for _, block := range blocks {
		for r := block[0]; r <= block[1]; r++ {
			var folded []byte
			for _, d := range norm.NFD.String(string(r)) {
				folded = appendFoldedRune(folded, d)
			}
			if string(folded) != string(r) {
				table[r] = string(folded)
			}
		}
	}
	return table
}

// appendFoldedRune appends one rune of a decomposed word as foldWord folds
// it: nothing for a combining mark, else in lower case with the variant
// letters made one.
func appendFoldedRune(dst []byte, r rune) []byte {
	if unicode.Is(unicode.Mn, r) {
		return dst
	}

	r = unicode.ToLower(r)
	switch r {
	case 'ł':
		r = 'l'
	case 'ø':
		r = 'o'
	case 'ı':
		r = 'i'
	case 'đ':
		r = 'd'
	case 'ي', 'ى':
		r = 'ی' // Arabic yeh and alef maksura as Persian yeh.
	case 'ك':
		r = 'ک' // Arabic kaf as Persian keheh.
	case 'ʼ', '’':
		r = '\''
	}
	return utf8.AppendRune(dst, r)
}

// localMonth returns the month a name in one of langs stands for, or 0.
func localMonth(name string, langs language) int {
	var buf [maxFoldedLen]byte
	key, ok := foldWord(buf[:0], name)
	if !ok {
		return 0
	}
	e := monthIndex[string(key)]
	if e.langs&langs == 0 {
		return 0
	}
	return e.month
}

// monthFirstLanguages are the languages whose dates may start with the
// month name: Spanish and Portuguese "abril 2, 2020".
const monthFirstLanguages = spanish | portuguese

// prefixIndex returns the index of the first three letters of word in
// monthFirstPrefixes, ignoring ASCII case. It reports false when they are
// not all ASCII letters.
func prefixIndex(word string) (int, bool) {
	if len(word) < 3 {
		return 0, false
	}
	k := 0
	for _, b := range []byte(word[:3]) {
		if !isLetter(b) {
			return 0, false
		}
		k = k*26 + int(b|0x20-'a')
	}
	return k, true
}

// mayStartMonthFirst reports whether the word at i of s may be a month name
// that starts a localised month-first date. word is the ASCII part of it.
func mayStartMonthFirst(s string, i int, word string) bool {
	k, ok := prefixIndex(word)
	if !ok || monthFirstPrefixes[k/64]&(1<<(k%64)) == 0 {
		return false
	}

	r, _ := utf8.DecodeLastRuneInString(s[:i])
	if unicode.IsLetter(r) {
		return false
	}
	return localMonth(wordAt(s, i), monthFirstLanguages) != 0
}

// monthNameAfter reports whether the text after byte i of s, the end of a
// day number, goes on as localDMYForm reads it up to a month name of
// monthTables: an optional ordinal suffix ("1er", "1º", "2."), an optional
// "de", then the name. It is a cheap check made before that form runs.
func monthNameAfter(s string, i int) bool {
	switch wordAt(s, i) {
	case "er", "re", "e":
		i += len(wordAt(s, i))
	}

	i = skipDaySuffix(s, i)
	word := wordAt(s, i)
	if strings.EqualFold(word, "de") {
		i = skipDaySuffix(s, i+len(word))
		word = wordAt(s, i)
	}
	return word != "" && localMonth(word, anyLanguage) != 0
}

// skipDaySuffix returns where the text after i goes on past spaces, full
// stops and ordinal signs.
func skipDaySuffix(s string, i int) int {
	for i < len(s) {
		switch {
		case s[i] == ' ' || s[i] == '.' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f':
			i++
		case strings.HasPrefix(s[i:], "º"), strings.HasPrefix(s[i:], "ª"), strings.HasPrefix(s[i:], "°"):
			i += 2 // each is two bytes in UTF-8
		default:
			return i
		}
	}
	return i
}

// wordAt returns the run of letters and combining marks that starts at i.
func wordAt(s string, i int) string {
	end := i
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsLetter(r) && !unicode.In(r, unicode.Mn, unicode.Mc) {
			break
		}
		end += size
	}
	return s[i:end]
}

// dayFirstBefore reports whether the text right before i ends with a word
// from dayFirstWords, ignoring the spaces and the comma between them
// ("jueves, 02/04/2020", "Thứ Năm, 2/4/2020", "ngày 02/04/2020").
func dayFirstBefore(s string, i int) bool {
	before := strings.TrimRight(s[:i], " ,")

	var buf [maxFoldedLen]byte
	start := len(before)
	for words := 0; words < 2; words++ {
		wordStart := lastWordStart(before[:start])
		if wordStart == start {
			return false
		}
		start = wordStart

		key, ok := foldWord(buf[:0], before[start:])
		if !ok {
			return false
		}
		if dayFirstCues[string(key)] {
			return true
		}

		// Two-word names: "thứ năm".
		if start == 0 || before[start-1] != ' ' {
			return false
		}
		start--
	}
	return false
}

// lastWordStart returns where the word that ends s starts: letters,
// combining marks, hyphens and apostrophes ("quinta-feira", "пʼятниця").
// It returns len(s) when s does not end with a letter.
func lastWordStart(s string) int {
	start := len(s)
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:start])
		if !unicode.IsLetter(r) && !unicode.In(r, unicode.Mn, unicode.Mc) && r != '-' && r != '\'' && r != 'ʼ' && r != '’' {
			break
		}
		start -= size
	}
	return start
}
