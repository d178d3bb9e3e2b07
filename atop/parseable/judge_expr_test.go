package parseable

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shipped descriptions use few of the operators; the semantics of all
// of them are judged on generated expressions over real fields of every
// C type the atop structs have (int, long long, unsigned long, char,
// float, char arrays), each in a label of its own, printed alone by both
// engines on real samples.

// exprGen makes random expressions of the description language.
type exprGen struct {
	r    *rand.Rand
	task bool // t is a task
}

var (
	genInts = []string{"sys.cpu.nrcpu", "sys.cpu.all.utime", "sys.cpu.all.itime", "sys.mem.physmem",
		"sys.mem.freemem", "sys.cpu.cpu[1].stime", "sys.cfs.cont[0].ctid", "sys.cfs.nrcontainer",
		"sys.dsk.dsk[0].nread", "sys.intf.intf[0].speed", "hertz", "pagesize", "supportflags", "epoch",
		"interval", "tm_mday"}
	genFloats = []string{"sys.cpu.lavg1", "sys.cpu.lavg15", "sys.psi.cpusome.avg10", "sys.llc.perllc[0].occupancy"}
	genTexts  = []string{"sys.dsk.dsk[0].name", "sys.dsk.dsk[9].name", "sys.intf.intf[0].name", "host", "date", "label"}
	genTInts  = []string{"t.gen.pid", "t.gen.tgid", "t.gen.excode", "t.gen.isproc", "t.gen.state", "t.cpu.rundelay",
		"t.mem.vmem", "t.gen.btime", "t.cpu.prio"}
	genTTexts = []string{"t.gen.name", "t.gen.cmdline", "t.cpu.wchan"}
	genLits   = []string{"0", "1", "-1", "2", "7", "3", "255", "0x80000000", "9223372036854775807", "'N'",
		"2.675", "0.5", "-0.0", "1e21", "100.0", "64", "63"}
	genStrs  = []string{`""`, `"vda"`, `"a b"`}
	genBin   = []string{"+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "==", "!=", "<", "<=", ">", ">=", "&&", "||"}
	genCasts = []string{"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "char", "double", "float"}
	genConvs = []string{"%d", "%lld", "%u", "%llu", "%hd", "%c", "%x", "%.2f", "%f", "%.0f", "%e", "%g", "%s",
		"%5d", "%-6u", "%05d", "%3.1f", "%ld", "%i"}
)

func (g *exprGen) pick(s []string) string { return s[g.r.IntN(len(s))] }

func (g *exprGen) atom() string {
	switch n := g.r.IntN(10); {
	case n < 3:
		if g.task && g.r.IntN(2) == 0 {
			return g.pick(genTInts)
		}
		return g.pick(genInts)
	case n < 4:
		return g.pick(genFloats)
	case n < 5:
		if g.task && g.r.IntN(2) == 0 {
			return g.pick(genTTexts)
		}
		if g.r.IntN(2) == 0 {
			return g.pick(genStrs)
		}
		return g.pick(genTexts)
	}
	return g.pick(genLits)
}

func (g *exprGen) expr(depth int) string {
	if depth <= 0 || g.r.IntN(5) == 0 {
		return g.atom()
	}
	e := func() string { return g.expr(depth - 1) }
	switch g.r.IntN(12) {
	case 0, 1, 2, 3:
		return "(" + e() + " " + g.pick(genBin) + " " + e() + ")"
	case 4:
		return g.pick([]string{"-", "!", "~"}) + "(" + e() + ")"
	case 5, 6:
		return "(" + e() + " ? " + e() + " : " + e() + ")"
	case 7:
		return g.pick(genCasts) + "(" + e() + ")"
	case 8:
		switch g.r.IntN(9) {
		case 0:
			return "avg(" + e() + ", " + e() + ")"
		case 1:
			return "unset0(" + e() + ")"
		case 2:
			return "yn(" + e() + ")"
		case 3:
			return "exitcode(" + e() + ")"
		case 4:
			return "cpufreq(" + e() + ", " + e() + ", " + e() + ")"
		case 5:
			return "cpufreqperc(" + e() + ", " + e() + ", " + e() + ")"
		case 6:
			return "len(" + g.pick([]string{"sys.dsk.dsk", "sys.mem", "tasks", "cgroups", "sys.dsk.dsk[0].name", e()}) + ")"
		case 7:
			return "dash(" + e() + ")"
		}
		return "spacefmt(" + e() + ")"
	case 9:
		return g.pick([]string{`sum(sys.cpu.cpu, `, `sumif(sys.cpu.cpu, `}) + e() + `, "stime"` +
			g.pick([]string{"", `, "online"`, `, "freqcnt"`, `, "nosuch"`}) + ")"
	case 10:
		return g.pick([]string{"tasks[" + e() + "].gen.pid", "sys.cpu.cpu[" + e() + "].utime",
			"cgroups[" + e() + "].path", "sys.dsk.dsk[" + e() + "].name", "twice(" + e() + ")", "pick(" + e() + ", " + e() + ")"})
	}
	return "(" + e() + " " + g.pick([]string{"==", "!=", "<", ">"}) + " " + e() + ")"
}

// TestJudgeExpressions: random expressions print (or fail) the same with
// both engines, on a real sample of 2.13.
func TestJudgeExpressions(t *testing.T) {
	n := 2000
	if testing.Short() || raceOn {
		n = 200
	}
	compiled, total := judgeGenerated(t, 1, n)
	t.Logf("%d of %d labels compiled", compiled, total)
	assert.Greater(t, compiled, total*3/4, "most generated labels compile")
}

// FuzzJudgeExpressions: the same with expressions from any seed.
func FuzzJudgeExpressions(f *testing.F) {
	for _, seed := range []uint64{1, 2, 3} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, seed uint64) { judgeGenerated(t, seed, 4) })
}

// judgeGenerated compares the engines on n labels generated from seed.
func judgeGenerated(t *testing.T, seed uint64, n int) (compiled, total int) {
	g := &exprGen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	var src strings.Builder
	src.WriteString("atop 2.13\noption Z\ndef twice(x) = x + x\ndef pick(a, b) = a > b ? a : b\nheader %s{label} %s{time}\n")
	bodies := map[string]string{}
	for i := range n {
		name := fmt.Sprintf("L%d", i)
		var body string
		if i%2 == 1 {
			g.task = true
			body = fmt.Sprintf("\tfor t in tasks count 3\n\t\tlet v = %s\n\t\tprint %s{v} %s{%s}\n\tend\n",
				g.expr(3), g.pick(genConvs), g.pick(genConvs), g.expr(4))
		} else {
			g.task = false
			body = fmt.Sprintf("\tprint %s{%s}\n", g.pick(genConvs), g.expr(4))
		}
		bodies[name] = body
		fmt.Fprintf(&src, "label %s\n%send\n", name, body)
	}
	d, err := parseDesc("gen.txt", src.String())
	require.NoError(t, err)
	s := sharedSynthetic(t)
	for _, l := range d.labels {
		body := bodies[l.name]
		for _, z := range []bool{false, true} {
			if z && !strings.Contains(body, "spacefmt") {
				continue
			}
			opts := Options{Labels: []string{l.name}, Location: time.UTC, SpaceUnderscore: z}
			// a label that does not compile is refused where it is;
			// the others print what the interpreter prints
			e, err := newEngine(io.Discard, d, s.hdr, opts, false)
			if !z {
				total++
			}
			if err != nil {
				assert.Regexp(t, `^parseable: gen\.txt:\d+:\d+: label `+l.name+`: `, err.Error(), body)
				continue
			}
			if !z {
				compiled++
			}
			var outs [2][]byte
			var errs [2]error
			outs[1], errs[1] = e.appendSample(nil, s.in)
			j, err := newEngine(io.Discard, d, s.hdr, opts, true)
			require.NoError(t, err)
			outs[0], errs[0] = j.appendSample(nil, s.in)
			if errs[0] != nil || errs[1] != nil {
				if assert.Error(t, errs[0], body) && assert.Error(t, errs[1], body) {
					assert.Equal(t, errs[0].Error(), errs[1].Error(), body)
				}
				continue
			}
			assert.Equal(t, string(outs[0]), string(outs[1]), body)
		}
	}
	return compiled, total
}

var shared struct {
	sync.Once
	s *synthetic
}

// sharedSynthetic is the second sample of the 2.13 fixture, made once.
func sharedSynthetic(t *testing.T) *synthetic {
	shared.Do(func() { shared.s = newSynthetic(t, "atop-2.13.0-small.raw") })
	require.NotNil(t, shared.s)
	return shared.s
}
