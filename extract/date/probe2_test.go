package date

import (
	"regexp/syntax"
	"testing"
)

func TestProbe2(t *testing.T) {
	for name, f := range map[string]*form{"ymd": ymdForm, "dmyNum": dmyNumForm, "mdyName": mdyNameForm, "dmyName": dmyNameForm, "localDMY": localDMYForm, "localMDY": localMDYForm, "localYMD": localYMDForm, "vi": viDMYForm, "timeFirst": timeFirstForm, "enAgo": enAgoForm} {
		re, _ := syntax.Parse(f.re.String(), syntax.Perl)
		p, _ := syntax.Compile(re.Simplify())
		t.Log(name, len(p.Inst))
	}
}
