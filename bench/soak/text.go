package main

import (
	"slices"
	"strings"
	"time"
)

// rng is a splitmix64 generator. It is written out here, not taken from
// math/rand, so that article n has the same text on every platform and Go
// version.
type rng struct {
	state uint64
}

// Streams of random numbers per article. Each part of an article draws from
// its own stream, so the title of article n can be made without its body.
const (
	streamTitle uint64 = iota + 1
	streamAuthor
	streamBody
	streamRelated
)

// newRNG returns the generator of one stream of one article.
func newRNG(article int, stream uint64) *rng {
	return &rng{state: uint64(article)*0x9E3779B97F4A7C15 ^ stream<<56}
}

func (r *rng) next() uint64 {
	r.state += 0x9E3779B97F4A7C15
	z := r.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// intn returns a number in [0, n). The modulo bias is below 2^-40 for the
// small n used here.
func (r *rng) intn(n int) int {
	return int(r.next() % uint64(n))
}

// between returns a number in [low, high].
func (r *rng) between(low, high int) int {
	return low + r.intn(high-low+1)
}

func (r *rng) pick(words []string) string {
	return words[r.intn(len(words))]
}

// firstPublished is the publication time of article 1. Article n appears
// publishInterval after article n-1, so higher numbers are newer.
var firstPublished = time.Date(2024, time.January, 1, 6, 0, 0, 0, time.UTC)

const publishInterval = 11 * time.Minute

// publishedAt returns the publication time of article n.
func publishedAt(n int) time.Time {
	return firstPublished.Add(time.Duration(n-1) * publishInterval)
}

var (
	headlineSubjects = []string{
		"Council", "Regulator", "Residents' Group", "University", "Harbour Authority",
		"Farmers' Union", "School Board", "Rail Operator", "Hospital Trust", "Museum",
		"Weather Service", "Traders' Association", "Energy Firm", "Charity", "Mayor",
	}
	headlineVerbs = []string{
		"Backs", "Delays", "Rejects", "Unveils", "Questions", "Expands",
		"Reviews", "Funds", "Criticises", "Welcomes", "Pauses", "Defends",
	}
	headlineObjects = []string{
		"Bridge Plan", "Water Report", "School Budget", "Bus Routes",
		"Flood Defences", "Housing Scheme", "Night Market", "Cycle Lanes",
		"Library Hours", "Wind Farm", "Port Expansion", "Clinic Closure",
		"Parking Rules", "Heritage Survey", "Tram Extension", "Recycling Trial",
		"Summer Festival", "Fishing Quotas", "Broadband Rollout", "Park Redesign",
	}
	places = []string{
		"Riverton", "Eastmoor", "Kellsbridge", "Ashford Vale", "Northgate",
		"Millbrook", "Stonehaven", "Larkfield", "Westerby", "Coldwater",
		"Brindle Bay", "Oakhurst",
	}
	firstNames = []string{
		"Amara", "Ben", "Chloe", "Daniel", "Elif", "Farid", "Grace", "Hiro",
		"Ines", "Jonas", "Keira", "Luis", "Maya", "Nikolai", "Olivia", "Priya",
	}
	lastNames = []string{
		"Abbott", "Brennan", "Castillo", "Dubois", "Eriksen", "Fischer",
		"Gallagher", "Haddad", "Ito", "Jensen", "Kowalski", "Lindqvist",
		"Moreau", "Nakamura", "Okafor", "Petrov",
	}
	subjects = []string{
		"the city council", "local officials", "the regional health board",
		"a group of residents", "the transport ministry", "researchers at the university",
		"the harbour authority", "farmers in the valley", "the school district",
		"the national weather service", "small business owners", "the energy regulator",
		"volunteers from the community centre", "the museum's trustees", "engineers on the project",
	}
	verbs = []string{
		"approved", "questioned", "announced", "delayed", "reviewed", "expanded",
		"criticised", "funded", "studied", "welcomed", "rejected", "proposed",
		"postponed", "defended", "published",
	}
	objects = []string{
		"a new budget for road repairs", "plans for a second bridge",
		"the latest water quality report", "a longer timetable for night buses",
		"changes to the parking rules in the old town", "a survey of the river banks",
		"a pilot scheme for food waste collection", "the design of the new library",
		"an inquiry into the delayed tram line", "grants for solar panels on schools",
		"a ban on heavy lorries in the centre", "the proposed closure of two clinics",
		"new flood barriers along the harbour", "a summer programme for young people",
	}
	tails = []string{
		"on Tuesday", "after months of debate", "despite strong objections",
		"ahead of the winter season", "in a statement released late on Friday",
		"according to figures published this week", "at a crowded public meeting",
		"for the third year in a row", "without a formal vote", "earlier than expected",
	}
	clauses = []string{
		"because costs have risen sharply since the spring",
		"while critics called for more time to study the details",
		"as demand continued to grow across the district",
		"although several members said the figures were incomplete",
		"so that work can begin before the end of the year",
		"after a report found that the current system was failing",
		"even though the previous plan had been popular with voters",
	}
	quotes = []string{
		"We expect the first results by the spring",
		"Nobody here was asked before the decision was made",
		"This is the most important change in a generation",
		"The numbers simply do not support the plan as it stands",
		"We will keep listening to everyone who wrote to us",
		"It is too early to say what this means for families",
	}
	roles = []string{
		"a spokesperson for the council", "who has lived in the area for decades",
		"a senior engineer", "the chair of the residents' association",
		"an economist at the local college", "a shop owner on the high street",
	}
)

// headline returns the title of article n.
func headline(n int) string {
	r := newRNG(n, streamTitle)
	title := r.pick(headlineSubjects) + " " + r.pick(headlineVerbs) + " " + r.pick(headlineObjects)
	if r.intn(2) == 0 {
		title += " in " + r.pick(places)
	}
	return title
}

// author returns the byline name of article n.
func author(n int) string {
	r := newRNG(n, streamAuthor)
	return r.pick(firstNames) + " " + r.pick(lastNames)
}

// paragraphs returns the body of article n: 5 to 8 paragraphs of 2 to 4
// sentences each, 150 to 600 words in all. The first paragraph starts with
// a dateline.
func paragraphs(n int) []string {
	r := newRNG(n, streamBody)
	count := r.between(5, 8)
	result := make([]string, count)
	for i := range result {
		sentences := make([]string, r.between(2, 4))
		for j := range sentences {
			sentences[j] = sentence(r)
		}
		result[i] = strings.Join(sentences, " ")
	}

	place := strings.ToUpper(r.pick(places))
	result[0] = place + ", " + publishedAt(n).Format("January 2") + " — " + result[0]
	return result
}

// sentence returns one sentence in one of four forms: statements with a
// time, with a clause or led by the time, and a quotation.
func sentence(r *rng) string {
	switch r.intn(4) {
	case 0:
		return capitalize(r.pick(subjects)) + " " + r.pick(verbs) + " " + r.pick(objects) + " " + r.pick(tails) + "."
	case 1:
		return capitalize(r.pick(subjects)) + " " + r.pick(verbs) + " " + r.pick(objects) + ", " + r.pick(clauses) + "."
	case 2:
		return capitalize(r.pick(tails)) + ", " + r.pick(subjects) + " " + r.pick(verbs) + " " + r.pick(objects) + "."
	default:
		name := r.pick(firstNames) + " " + r.pick(lastNames)
		return "“" + r.pick(quotes) + ",” said " + name + ", " + r.pick(roles) + "."
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// relatedArticles returns up to 5 distinct article numbers other than n,
// in [1, total], for the related-articles list of article n.
func relatedArticles(n, total int) []int {
	const want = 5
	count := min(want, total-1)
	if count <= 0 {
		return nil
	}

	r := newRNG(n, streamRelated)
	related := make([]int, 0, count)
	for len(related) < count {
		m := r.between(1, total)
		if m == n || slices.Contains(related, m) {
			continue
		}
		related = append(related, m)
	}
	return related
}
