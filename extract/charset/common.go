package charset

// Frequent characters, used to tell a right decoding from a wrong one. A
// wrong decoding of CJK bytes gives characters spread over a character set
// of thousands, so it rarely hits a list of a few hundred frequent ones,
// while running text in the right decoding hits it most of the time. The
// lists are kept short on purpose: the longer they are, the more often a
// wrong decoding hits them by chance.

// frequentHanzi are about 500 of the most frequent characters of
// simplified Chinese text, as used in news.
const frequentHanzi = "的一是不了在人有我他这个们中来上大为和国地到以说时要就出也得里后自之年过" +
	"发作用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些" +
	"主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全" +
	"三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己" +
	"制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员" +
	"解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受" +
	"目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马" +
	"科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程" +
	"北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根" +
	"干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影" +
	"具罗字爱击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息" +
	"究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轻易早曾除农找" +
	"装广显吧阿李标谈吃图念六引历首医局记者网站播报讯省县镇村"

// frequentTraditional are the traditional forms of the frequent characters
// above that differ from their simplified form, and a few characters
// frequent in Taiwan and Hong Kong news.
const frequentTraditional = "這個們來為國說時會對過發後裡裏麼學現當沒動進還種開樣實軍無長機關點業將兩間問" +
	"應戰頭體見產話東聲員處論義條氣題爾別變總電數報結務場計資區隊統馬書則聽卻達強" +
	"難權設記類據邊張該規萬覺術領確傳師觀讓識帶導爭運飛風組濟車親極辦議證轉準單遠" +
	"羅愛擊備連調質團價黨華級離況亞請際約復線斷滿視須寫稱嗎歷醫專費號盡較語僅隨選" +
	"紅響雖勢參眾節維劃敵陳態護興驗責營夠嚴續講終緊黃絕項圍織鬥雙紀舉殺蘇訴細願錢" +
	"網熱職樂剛狀獨彈創錯腦預誰陽繼驚傷藥適衛險陸習勞財環歡獲負雲龍樹層衝漢簡檢協" +
	"勝階審堅媽劉讀壓銀買養懷執亂幫歲優鐵藝陣腳惡塊頓島顧貨換聞壞討麗監臨圖標談顯" +
	"廣裝農輕臺門與從經給認聯灣訊縣鄉鎮顯氣雨颱嗎"

// frequentKanji are frequent characters of Japanese text written in forms
// that differ from both Chinese ones.
const frequentKanji = "円駅気県関発売読続経変図転伝実権歳済営総戦鉄楽薬広応対様込払検労働価両団単並辺" +
	"沢浜軽闘険験継徳黒拡絵恵栄雑隣覧載録届掲詳歩戻処党区"

// frequentHangul are about 200 of the most frequent Hangul syllables of
// Korean text.
const frequentHangul = "이다의는에고하을가지기한로서사대리수자나도어정있국일인시를전과부해보상주스아제" +
	"만게라구들원것요내적회경동모우여장성비소연공관치무위계생면신문저등화방후중안통" +
	"조행실물결세발업영미간각개거건교군규금년노능니단달당되된될두드때또람래러려력렇" +
	"레록론료르름마말며명몇목못민바받배번법변본분불산새선설속손습식심씨않야양언었없" +
	"역였오와왜외용운울월유으은음응입작잘재점좀종준즈직진질집차처천체초최추케크터테" +
	"토트특파평포표프피학할함합항했현형호확히뉴"

var (
	hanFrequent    = newRuneSet(0x4E00, 0x9FFF, frequentHanzi+frequentTraditional+frequentKanji)
	hangulFrequent = newRuneSet(0xAC00, 0xD7A3, frequentHangul)
)

// runeSet is a bit set of the runes of one Unicode block.
type runeSet struct {
	first, last rune
	bits        []uint64
}

// newRuneSet returns the set of the runes of s between first and last.
func newRuneSet(first, last rune, s string) runeSet {
	set := runeSet{first: first, last: last, bits: make([]uint64, (last-first)/64+1)}
	for _, r := range s {
		if r >= first && r <= last {
			set.bits[(r-first)/64] |= 1 << ((r - first) % 64)
		}
	}
	return set
}

func (s runeSet) contains(r rune) bool {
	if r < s.first || r > s.last {
		return false
	}
	return s.bits[(r-s.first)/64]&(1<<((r-s.first)%64)) != 0
}
