package parseable

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/internal/cexpr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The interpreter (interp_*_test.go) is the judge of the compiled
// programs: both print every log, and they must agree byte for byte,
// errors included.

func init() {
	newJudge = func(g *engine, f *frame, in *sampleInput) interface {
		printLabel(out []byte, ld *labelDesc) ([]byte, error)
	} {
		return newRun(g.d, &g.hdr, in, &f.parts, g.z, g.loc)
	}
}

const benchLog = "../../testdata/atop/bench/atop-2.8.1-large.raw"

// printWith prints a log sample by sample with the compiled programs or
// with the interpreter.
func printWith(t testing.TB, log string, opts Options, interp bool) (string, error) {
	r, err := atop.Open(log)
	require.NoError(t, err)
	defer r.Close()
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	var out bytes.Buffer
	var e *engine
	var cur *atop.Header
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out.String(), nil
		}
		if err != nil {
			return out.String(), err
		}
		if e == nil || s.Header != cur {
			d, err := findDesc(opts.DefsDir, s.Header.Version.String())
			if err != nil {
				return out.String(), err
			}
			if e, err = newEngine(&out, d, s.Header, opts, interp); err != nil {
				return out.String(), err
			}
			cur = s.Header
		}
		in := inputOf(s)
		if err := e.sample(&in); err != nil {
			return out.String(), err
		}
	}
}

// judge compares both engines on one log and options.
func judge(t *testing.T, log string, opts Options) {
	t.Helper()
	want, werr := printWith(t, log, opts, true)
	got, gerr := printWith(t, log, opts, false)
	what := fmt.Sprintf("%s -P %s -Z=%v", filepath.Base(log), strings.Join(opts.Labels, ","), opts.SpaceUnderscore)
	if werr != nil || gerr != nil {
		require.Error(t, gerr, what)
		require.Error(t, werr, what)
		assert.Equal(t, werr.Error(), gerr.Error(), what)
	}
	if d := firstDiff(want, got); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
}

// TestJudge: on every log, every label alone and ALL, with and without
// -Z, the compiled programs print what the interpreter prints.
func TestJudge(t *testing.T) {
	for _, log := range logFiles(t) {
		t.Run(filepath.Base(log), func(t *testing.T) {
			labels := []string{"ALL"}
			if !raceOn {
				labels = append(labels, versionLabels(t, log)...)
			}
			zs := []bool{false}
			if r, err := atop.Open(log); err == nil {
				if v := r.Header().Version; v.Major > 2 || v.Minor >= 7 {
					zs = append(zs, true)
				}
				r.Close()
			}
			for _, z := range zs {
				for _, l := range labels {
					judge(t, log, Options{Labels: []string{l}, SpaceUnderscore: z})
				}
			}
		})
	}
}

// TestJudgeLargeLog: the same on the large log, ALL with and without -Z.
func TestJudgeLargeLog(t *testing.T) {
	if testing.Short() {
		t.Skip("the interpreter takes seconds on the large log")
	}
	for _, z := range []bool{false, true} {
		judge(t, benchLog, Options{Labels: []string{"ALL"}, SpaceUnderscore: z})
	}
}

// TestShippedCompile: every shipped description compiles for its
// version's layout with no error found in it.
func TestShippedCompile(t *testing.T) {
	for _, fx := range fixtureNames {
		r, err := atop.Open(filepath.Join(testdata, "fixtures", fx))
		require.NoError(t, err)
		h := r.Header()
		r.Close()
		d, err := findDesc("", h.Version.String())
		require.NoError(t, err)
		lay, err := layoutOf(h)
		require.NoError(t, err)
		p, err := programFor(d, lay, nil)
		require.NoError(t, err)
		for _, l := range d.labels {
			cl := p.labels[l]
			assert.Zero(t, cl.errOps, "%s %s has errors", fx, l.name)
		}
		p2, err := programFor(d, lay, nil)
		require.NoError(t, err)
		assert.Same(t, p, p2, "programs are cached")
	}
}

// TestProgramSubset: a selection of labels compiles those labels only,
// cached apart from the whole description's program.
func TestProgramSubset(t *testing.T) {
	r, err := atop.Open(filepath.Join(testdata, "fixtures", "atop-2.8.1-small.raw"))
	require.NoError(t, err)
	h := r.Header()
	r.Close()
	d, err := findDesc("", h.Version.String())
	require.NoError(t, err)
	lay, err := layoutOf(h)
	require.NoError(t, err)
	sel := []*labelDesc{d.byName["CPU"], d.byName["PRG"]}
	p, err := programFor(d, lay, sel)
	require.NoError(t, err)
	assert.Len(t, p.labels, 2)
	assert.NotNil(t, p.labels[d.byName["CPU"]])
	assert.NotNil(t, p.labels[d.byName["PRG"]])
	all, err := programFor(d, lay, nil)
	require.NoError(t, err)
	assert.Len(t, all.labels, len(d.labels))
	again, err := programFor(d, lay, sel)
	require.NoError(t, err)
	assert.Same(t, p, again, "programs of a selection are cached")
}

// TestCompileErrors: what the compiler cannot type statically is an error
// of the description at its file:line:col, when the label is selected.
func TestCompileErrors(t *testing.T) {
	log := filepath.Join(testdata, "fixtures", "atop-2.13.0-small.raw")
	r, err := atop.Open(log)
	require.NoError(t, err)
	h := r.Header()
	r.Close()
	lay, err := layoutOf(h)
	require.NoError(t, err)
	for _, c := range []struct{ body, msg string }{
		{"print %d{down(40)}", "t.txt:2:23: label CPU: defs nested deeper than 32"},
		{"print %d{1} \\\n  %s{sys.cpu.nrcpu > 1 ? sys.cpu.all.utime : \"-\"}", "t.txt:6:24: label CPU: operator ?: on int64 and text"},
		{"let c = sys.cpu.nrcpu > 1 ? sys.cpu : sys.mem", "t.txt:5:27: label CPU: operator ?: on struct cpustat and struct memstat"},
		{"for c in sys.cpu.nrcpu ? cgroups : tasks\nend", "t.txt:5:24: label CPU: operator ?: on a list and a list"},
	} {
		src := "atop 2.13\ndef down(n) = n > 0 ? down(n - 1) + 1 : 0\nheader %s{label}\nlabel CPU\n" + c.body +
			"\nend\nlabel MEM\n\tprint %lld{sys.mem.physmem}\nend\n"
		d, err := parseDesc("t.txt", src)
		require.NoError(t, err, c.body)
		_, err = programFor(d, lay, nil)
		if assert.Error(t, err, c.body) {
			assert.Contains(t, err.Error(), c.msg, c.body)
		}
		_, err = programFor(d, lay, []*labelDesc{d.byName["MEM"]})
		assert.NoError(t, err, "the labels not selected are not compiled")
	}
}

// conversions lists every conversion of the shipped descriptions: of
// their print lines, headers and each() formats.
func conversions(t *testing.T) map[string]*conv {
	convs := map[string]*conv{}
	var walkNode func(n cexpr.Node)
	walkNode = func(n cexpr.Node) {
		switch n := n.(type) {
		case *cexpr.Call:
			if n.Fun.(*cexpr.Ident).Name == "each" && len(n.Args) == 2 {
				if l, ok := n.Args[0].(*cexpr.Lit); ok && l.Kind == cexpr.StringLit {
					s := cexpr.UnquoteDesc(l.Text)
					if i := strings.IndexByte(s, '%'); i >= 0 {
						cv, _, err := parseConv(s[i:])
						require.NoError(t, err)
						convs[cv.text] = &cv
					}
				}
			}
			for _, a := range n.Args {
				walkNode(a)
			}
		case *cexpr.Paren:
			walkNode(n.X)
		case *cexpr.Member:
			walkNode(n.X)
		case *cexpr.Index:
			walkNode(n.X)
			walkNode(n.I)
		case *cexpr.Unary:
			walkNode(n.X)
		case *cexpr.Binary:
			walkNode(n.X)
			walkNode(n.Y)
		case *cexpr.Cond:
			walkNode(n.C)
			walkNode(n.Then)
			walkNode(n.Else)
		}
	}
	walkTmpl := func(tm template) {
		for _, p := range tm {
			if p.conv != nil {
				convs[p.conv.text] = p.conv
				walkNode(p.expr)
			}
		}
	}
	var walk func(body []stmt)
	walk = func(body []stmt) {
		for _, s := range body {
			switch s := s.(type) {
			case *letStmt:
				walkNode(s.expr)
			case *printStmt:
				walkTmpl(s.tmpl)
			case *ifStmt:
				walkNode(s.cond)
				walk(s.then)
				walk(s.else_)
			case *forStmt:
				walkNode(s.over)
				walk(s.body)
			}
		}
	}
	for _, v := range atop.Versions() {
		d, err := descFor(v.String())
		require.NoError(t, err)
		walkTmpl(d.header)
		for _, df := range d.defs {
			walkNode(df.body)
		}
		for _, l := range d.labels {
			walk(l.body)
		}
	}
	return convs
}

// convValues are the values every conversion is judged on.
func convValues() []scalar {
	var vs []scalar
	for _, n := range []int64{0, -1, math.MinInt64, math.MaxInt64, 1 << 31, 1<<31 - 1, 1 << 32, 255, 256, -129, 65535, 'y'} {
		vs = append(vs, intScalar(n), scalar{k: kInt, i: n, uns: true})
	}
	vs = append(vs, scalar{k: kInt, i: -1, uns: true})
	for _, f := range []float64{0, math.Copysign(0, -1), -1, 2.675, 0.125, 1e21, -1e21, 1 << 31, 99.995, 1e-7,
		math.NaN(), math.Copysign(math.NaN(), -1), math.Inf(1), math.Inf(-1), math.MaxFloat64} {
		vs = append(vs, floatScalar(f), float32Scalar(float32(f)))
	}
	for _, s := range []string{"", "vda", "a b", strings.Repeat("x", 40)} {
		vs = append(vs, strScalar(s))
	}
	return vs
}

// runtimeCx is a value as a compiled expression computes it at run time
// (not a constant, so that nothing folds).
func runtimeCx(v scalar) cx {
	switch v.k {
	case kInt:
		return intCx(func(*frame) int64 { return v.i }, v.uns)
	case kFloat:
		return fltCx(func(*frame) float64 { return v.f }, v.f32)
	}
	b := []byte(v.s)
	return txtCx(func(*frame) []byte { return b })
}

// TestSpecialisedConv: every conversion of the shipped files, compiled,
// prints what conv.format prints (or fails as it does), on the values
// where C's formatting is delicate.
func TestSpecialisedConv(t *testing.T) {
	convs := conversions(t)
	require.Greater(t, len(convs), 10)
	// and some the files may grow
	for _, s := range []string{"%5d", "%-5d", "%05d", "%-05u", "%3u", "%.1f", "%f", "%.0f", "%c", "%hhd", "%hu", "%.3s", "%lu", "%i", "%6.2f", "%-8s", "%x", "%+d", "% d"} {
		cv, _, err := parseConv(s)
		require.NoError(t, err)
		convs[s] = &cv
	}
	fast := 0
	for text, cv := range convs {
		for _, v := range convValues() {
			want, werr := cv.format(nil, v)
			c := &compiler{ctx: "P: "}
			o, lit, isLit := c.convOp(cv, runtimeCx(v))
			require.False(t, isLit, text)
			o.pre = lit
			if o.k != opValue && o.k != opRun {
				fast++
			}
			f := &frame{}
			got := f.fill(nil, []op{o}, nil)
			if werr != nil {
				if assert.Error(t, f.err, "%s of %+v", text, v) {
					assert.Equal(t, "P: "+werr.Error(), f.err.Error())
				}
				continue
			}
			require.NoError(t, f.err, "%s of %+v", text, v)
			assert.Equal(t, string(want), string(got), "%s of %+v", text, v)
		}
	}
	assert.Positive(t, fast)
}

// FuzzJudge feeds random struct sstat and tstat bytes to both engines:
// a real sample of a fixture with random bytes over its parts.
func FuzzJudge(f *testing.F) {
	f.Add(uint8(10), uint64(1), []byte("vda\x00"), []byte{}, false, uint8(0))
	f.Add(uint8(5), uint64(7), []byte{0xff, 0xff, 0xff, 0xff}, []byte{1, 2, 3}, true, uint8(1))
	f.Add(uint8(8), uint64(99), []byte{}, []byte("a b c\x00"), true, uint8(2))
	samples := map[int]*synthetic{}
	f.Fuzz(func(t *testing.T, fx uint8, seed uint64, sysPatch, taskPatch []byte, z bool, mode uint8) {
		i := int(fx) % len(fixtureNames)
		s := samples[i]
		if s == nil {
			s = newSynthetic(t, fixtureNames[i])
			samples[i] = s
		}
		rng := rand.New(rand.NewPCG(seed, seed>>32))
		sys := bytes.Clone(s.sys.Bytes())
		switch mode % 3 {
		case 0: // a few random runs of bytes
			for range 64 {
				off := rng.IntN(len(sys))
				for k := off; k < min(off+rng.IntN(16)+1, len(sys)); k++ {
					sys[k] = byte(rng.Uint32())
				}
			}
		case 1: // random bytes everywhere
			for k := range sys {
				sys[k] = byte(rng.Uint32())
			}
		}
		if len(sysPatch) > 0 {
			off := int(seed % uint64(len(sys)))
			copy(sys[off:], sysPatch)
		}
		var tasks []byte
		for k, tk := range s.tasks {
			if k == 8 {
				break
			}
			tasks = append(tasks, tk.Bytes()...)
		}
		for k := range tasks {
			if len(taskPatch) > 0 {
				tasks[k] ^= taskPatch[k%len(taskPatch)]
			}
			if mode%3 == 1 {
				tasks[k] = byte(rng.Uint32())
			}
		}
		src := &bytesParts{sys: sys, tstat: tasks, cg: s.sample}
		v := s.ver
		opts := Options{Labels: []string{"ALL"}, Location: time.UTC, SpaceUnderscore: z && (v.Major > 2 || v.Minor >= 7)}
		d, err := findDesc("", v.String())
		require.NoError(t, err)
		in := *s.in
		in.src = src
		in.flags = uint16(rng.Uint32()) | uint16(seed)
		var outs [2][]byte
		var errs [2]error
		for k, interp := range []bool{true, false} {
			e, err := newEngine(io.Discard, d, s.hdr, opts, interp)
			require.NoError(t, err)
			outs[k], errs[k] = e.appendSample(nil, &in)
		}
		if errs[0] != nil || errs[1] != nil {
			require.Error(t, errs[0])
			require.Error(t, errs[1])
			require.Equal(t, errs[0].Error(), errs[1].Error())
		}
		if d := firstDiff(string(outs[0]), string(outs[1])); d != "" {
			t.Fatal(d)
		}
	})
}

// bytesParts is a sample of given bytes, with a real sample's cgroups.
type bytesParts struct {
	sys, tstat []byte
	cg         *atop.Sample
}

func (p *bytesParts) system() ([]byte, error)         { return p.sys, nil }
func (p *bytesParts) tasks() ([]byte, error)          { return p.tstat, nil }
func (p *bytesParts) cgroups() ([]atop.Cgroup, error) { return p.cg.Cgroups() }

// TestFieldLoads: the fused ops read every scalar and text field of
// every version's structs, in both byte orders, as its Accessor does.
func TestFieldLoads(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	n := 0
	for _, fx := range fixtureNames {
		_, lay := fixtureLayout(t, fx)
		for _, root := range []cstruct.Type{lay.sstat, lay.tstat, lay.cstat} {
			if root == nil {
				continue
			}
			size := max(root.Size(), 0) + 64
			b := make([]byte, size)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
				for _, path := range leafPaths(root, "") {
					a, err := lay.spec.Accessor(root, path, order)
					require.NoError(t, err, path)
					o := op{lk: loadKindOf(a), off: int32(a.Offset()), need: int32(needOf(a)), x: &opArgs{acc: a}}
					switch o.lk {
					case lkAcc:
						continue
					case lkText:
						assert.Equal(t, a.Bytes(b), o.text(b), path)
					default:
						assert.Equal(t, a.Int(b), o.load(b), "%s %s", path, order)
					}
					n++
				}
			}
		}
	}
	assert.Greater(t, n, 10000)
}

// leafPaths are the paths of the scalar and text fields of t: of the
// first and last element of arrays.
func leafPaths(t cstruct.Type, prefix string) []string {
	var out []string
	switch u := cstruct.Underlying(t).(type) {
	case *cstruct.Struct:
		for _, f := range u.Fields {
			if f.Name == "" {
				out = append(out, leafPaths(f.Type, prefix)...)
				continue
			}
			p := f.Name
			if prefix != "" {
				p = prefix + "." + f.Name
			}
			out = append(out, leafPaths(f.Type, p)...)
		}
	case *cstruct.Array:
		if _, ok := cstruct.Underlying(u.Elem).(*cstruct.Char); ok || u.Kind != cstruct.Fixed || u.Len == 0 {
			return []string{prefix}
		}
		out = append(out, leafPaths(u.Elem, prefix+"[0]")...)
		if u.Len > 1 {
			out = append(out, leafPaths(u.Elem, fmt.Sprintf("%s[%d]", prefix, u.Len-1))...)
		}
	default:
		return []string{prefix}
	}
	return out
}

// TestRecordOps: the ops that read the line's record format what
// conv.format makes of the field's value, for every load and conversion.
func TestRecordOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	kinds := []struct {
		lk   loadKind
		size int
	}{{lkI8, 1}, {lkU8, 1}, {lkI16, 2}, {lkU16, 2}, {lkI32, 4}, {lkU32, 4}, {lkI64, 8},
		{lkI16BE, 2}, {lkU16BE, 2}, {lkI32BE, 4}, {lkU32BE, 4}, {lkI64BE, 8}}
	rec := make([]byte, 64)
	for _, text := range []string{"%d", "%lld", "%llu", "%ld", "%u", "%c", "%hd", "%5d", "%i"} {
		cv, _, err := parseConv(text)
		require.NoError(t, err)
		fm, pad, ok := intFmt(&cv)
		require.True(t, ok, text)
		for _, k := range kinds {
			for range 200 {
				for i := range rec {
					rec[i] = byte(rng.Uint32())
				}
				if rng.IntN(3) == 0 { // small values, the fast path
					clear(rec)
					rec[8+k.size-1] = byte(rng.IntN(12))
					rec[8] = byte(rng.IntN(12))
				}
				o := op{k: opField, lk: k.lk, fm: fm, src: srcTask, slot: 0, off: 8, need: int32(8 + k.size), x: &opArgs{pad: pad}}
				st := (&compiler{}).printStmt([]op{o})
				require.EqualValues(t, 0, st.rec)
				want, err := cv.format(nil, intScalar(st.ops[0].load(rec)))
				require.NoError(t, err)
				got := (&frame{}).fill(nil, st.ops, rec)
				require.Equal(t, string(want), string(got), "%s of lk %d, % x", text, k.lk, rec[8:8+k.size])
			}
		}
	}
	// text and spacefmt of a char array
	for _, z := range []bool{false, true} {
		for _, s := range []string{"", "vda", "a b ", "full-sixteen-ch"} {
			clear(rec)
			copy(rec[4:20], s)
			for _, fm := range []fmtKind{fText, fSpace} {
				o := op{k: opField, lk: lkText, fm: fm, src: srcTask, off: 4, need: 20}
				st := (&compiler{}).printStmt([]op{o})
				got := (&frame{z: z}).fill(nil, st.ops, rec)
				want := s
				if fm == fSpace {
					want = string(appendSpacefmt(nil, []byte(s), z))
				}
				assert.Equal(t, want, string(got))
			}
		}
	}
}

// TestFusedErrors: labels that walk the tasks run fused, but fail with
// the error of the first label that fails, as one after the other.
func TestFusedErrors(t *testing.T) {
	s := sharedSynthetic(t)
	src := `atop 2.13
header %s{label}
label PRA
	for i, t in tasks
		print %d{t.gen.pid / (i - 1)}
	end
end
label PRB
	for t in tasks
		print %d{t.gen.pid / 0}
	end
end
label PRC
	for t in tasks
		print %d{t.gen.pid}
	end
end
`
	d, err := parseDesc("t.txt", src)
	require.NoError(t, err)
	for _, labels := range []string{"ALL", "PRB,PRC", "PRA,PRC"} {
		opts := Options{Labels: []string{labels}, Location: time.UTC}
		var errs [2]error
		for k, interp := range []bool{true, false} {
			e, err := newEngine(io.Discard, d, s.hdr, opts, interp)
			require.NoError(t, err)
			if !interp {
				require.Len(t, e.steps, 1, "the labels run fused")
			}
			_, errs[k] = e.appendSample(nil, s.in)
		}
		require.Error(t, errs[0])
		require.Error(t, errs[1])
		assert.Equal(t, errs[0].Error(), errs[1].Error(), labels)
	}
	e, err := newEngine(io.Discard, d, s.hdr, Options{Labels: []string{"PRC"}, Location: time.UTC}, false)
	require.NoError(t, err)
	out, err := e.appendSample(nil, s.in)
	require.NoError(t, err)
	assert.Contains(t, string(out), "PRC ")
}

// TestAppendSampleConcurrent: goroutines printing distinct samples with
// one Printer (its program and frames shared) print what one goroutine
// prints, on logs of several versions, with and without -Z.
func TestAppendSampleConcurrent(t *testing.T) {
	for _, name := range []string{"atop-2.13.0-small.raw", "atop-2.8.1-small.raw", "atop-2.3.0-small.raw"} {
		for _, z := range []bool{false, true} {
			log := filepath.Join(testdata, "fixtures", name)
			r, err := atop.Open(log)
			require.NoError(t, err)
			h := r.Header()
			if v := h.Version; z && v.Minor < 7 {
				r.Close()
				continue
			}
			p, err := NewPrinter(io.Discard, h, Options{Labels: []string{"ALL"}, SpaceUnderscore: z, Location: time.UTC})
			require.NoError(t, err)
			var samples []*atop.Sample
			var want [][]byte
			for {
				s, err := r.Next()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
				out, err := p.AppendSample(nil, s)
				require.NoError(t, err)
				want = append(want, out)
				samples = append(samples, s.Clone())
			}
			r.Close()
			got := make([][]byte, len(samples))
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 3 { // each goroutine with samples of its own
						for i := w; i < len(samples); i += 4 {
							out, err := p.AppendSample(nil, samples[i])
							if err != nil {
								t.Error(err)
								return
							}
							got[i] = out
						}
					}
				}()
			}
			wg.Wait()
			for i := range want {
				assert.Equal(t, string(want[i]), string(got[i]), "%s sample %d", name, i)
			}
		}
	}
}
