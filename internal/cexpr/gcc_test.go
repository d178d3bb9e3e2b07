package cexpr

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The engine against gcc on this machine: seeded random expressions,
// each compiled by gcc, which prints its type and value (or, for #if,
// says whether the engine's value is the preprocessor's). The engine must
// agree on every one; where it reports an error, gcc must warn or fail on
// that line.

func needGCC(t *testing.T) string {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found: the engine is not checked against gcc")
	}
	return gcc
}

// vframe is the frame of the runtime tests: variables by index.
type vframe struct {
	ints []int64
	flts []float64
	rec  []byte // ints, little-endian, for the loads of the fuzz host
	err  error
}

// varHost resolves the variables of a test, as leaves over vframe.
type varHost struct {
	BaseHost[vframe]
	vars []genVar
}

func (h varHost) Ident(x *Ident) (Operand[vframe], error) {
	for i, v := range h.vars {
		if v.name == x.Name {
			if v.t.Kind == KFloat {
				return FloatLeaf(v.t, func(f *vframe) float64 { return f.flts[i] }), nil
			}
			return IntLeaf(v.t, func(f *vframe) int64 { return f.ints[i] }), nil
		}
	}
	return h.BaseHost.Ident(x)
}

func (varHost) Fail(f *vframe, err error) {
	if f.err == nil {
		f.err = err
	}
}

func (h varHost) frame() *vframe {
	f := &vframe{ints: make([]int64, len(h.vars)), flts: make([]float64, len(h.vars))}
	for i, v := range h.vars {
		f.ints[i], f.flts[i] = v.v, v.f
		f.rec = binary.LittleEndian.AppendUint64(f.rec, uint64(v.v))
	}
	return f
}

// describe renders a value as the C programs print it: kind, size,
// signedness and bits.
func describe(v Value) string {
	switch v.Type.Kind {
	case KFloat:
		return fmt.Sprintf("f %d %x", v.Type.Bits/8, math.Float64bits(v.F))
	case KInt:
		size := max(v.Type.Bits/8, 1)
		return fmt.Sprintf("i %d %d %d", size, b2i(!v.Type.Unsigned), uint64(v.I))
	}
	return "?"
}

// The C side of describe.
const cPrelude = `#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <setjmp.h>
static sigjmp_buf jb;
static void onfpe(int s) { (void)s; siglongjmp(jb, 1); }
#define K(e) _Generic((e), float: 'f', double: 'f', default: 'i')
#define T(n, e) do { if (sigsetjmp(jb, 1)) { printf("%d trap\n", n); break; } \
	if (K(e) == 'f') { double d_ = _Generic((e), float: (e), double: (e), default: 0); unsigned long long b_; \
		memcpy(&b_, &d_, 8); printf("%d f %d %llx\n", n, (int)sizeof(e), b_); } \
	else printf("%d i %d %d %llu\n", n, (int)sizeof(e), (__typeof__(e))-1 < 0, (unsigned long long)(e)); } while (0)
`

// runC compiles and runs a C program; it returns stdout and gcc's
// diagnostics by line.
func runC(t *testing.T, gcc, src string, flags ...string) (string, map[int]string) {
	dir := t.TempDir()
	c := filepath.Join(dir, "x.c")
	require.NoError(t, os.WriteFile(c, []byte(src), 0o644))
	exe := filepath.Join(dir, "x")
	args := append([]string{"-std=gnu11", "-O0", "-o", exe, c}, flags...)
	out, err := exec.Command(gcc, args...).CombinedOutput()
	diags := diagnostics(string(out))
	require.NoError(t, err, "gcc: %s", out)
	run, err := exec.Command(exe).Output()
	require.NoError(t, err)
	return string(run), diags
}

var diagLine = regexp.MustCompile(`^[^:]*x\.[ch]:(\d+):\d+: (?:warning|error): (.*)$`)

func diagnostics(out string) map[int]string {
	d := map[int]string{}
	for _, l := range strings.Split(out, "\n") {
		if m := diagLine.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			d[n] += m[2] + "; "
		}
	}
	return d
}

// outputs reads "N rest" lines.
func outputs(s string) map[int]string {
	m := map[int]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		n, rest, _ := strings.Cut(sc.Text(), " ")
		i, _ := strconv.Atoi(n)
		m[i] = rest
	}
	return m
}

type engineResult struct {
	src  string
	v    Value
	err  error
	line int
}

func evalAll(t *testing.T, exprs []string, prof *Profile, h Host[vframe], f func() *vframe) []engineResult {
	var rs []engineResult
	for _, src := range exprs {
		x, err := Parse("", src)
		require.NoError(t, err, src)
		r := engineResult{src: src}
		p, err := Check(x.X, prof, h)
		if err != nil {
			r.err = err
			rs = append(rs, r)
			continue
		}
		fr := f()
		r.v, r.err = p.Eval(fr)
		if r.err == nil && fr.err != nil {
			r.err = fr.err
		}
		// the compiled closures agree with Eval
		fc := f()
		got := runCompiled(p, fc)
		if r.err != nil {
			assert.Error(t, fc.err, "compiled %s: want %v", src, r.err)
		} else if assert.NoError(t, fc.err, src) {
			assert.Equal(t, describe(r.v), describe(got), "compiled %s", src)
		}
		rs = append(rs, r)
	}
	return rs
}

func runCompiled(p *Program[vframe], f *vframe) Value {
	switch t := p.Type(); t.Kind {
	case KInt:
		return Value{Type: t, I: p.Int()(f)}
	case KFloat:
		return Value{Type: t, F: p.Float()(f)}
	case KNever:
		p.Int()(f)
	}
	return Value{}
}

// TestGCCConstants checks C's constant expressions (array bounds,
// enumerators) with casts and mixed widths against gcc's folding.
func TestGCCConstants(t *testing.T) {
	gcc := needGCC(t)
	exprs, _ := genExprs(1, 400, gen{Casts: true, Shift: 70})
	exprs = append(exprs, knownMismatches...)
	rs := evalAll(t, exprs, C, varHost{}, func() *vframe { return &vframe{} })
	var ok, bad strings.Builder
	ok.WriteString(cPrelude + "int main(void) {\n\tsignal(SIGFPE, onfpe);\n")
	bad.WriteString("void f(void) {\n")
	okLines, badLines := strings.Count(ok.String(), "\n")+1, 2
	for i := range rs {
		r := &rs[i]
		if r.err != nil {
			r.line = badLines
			fmt.Fprintf(&bad, "\t(void)(%s);\n", r.src)
			badLines++
			continue
		}
		r.line = okLines
		fmt.Fprintf(&ok, "\tT(%d, %s);\n", okLines, r.src)
		okLines++
	}
	ok.WriteString("\treturn 0;\n}\n")
	bad.WriteString("}\n")
	out, _ := runC(t, gcc, ok.String(), "-w")
	got := outputs(out)
	_, diags := compileOnly(t, gcc, bad.String())
	n := 0
	for _, r := range rs {
		if r.err != nil {
			assert.Regexp(t, `division by zero|shift count`, diags[r.line], "%s: we say %v", r.src, r.err)
			continue
		}
		n++
		assert.Equal(t, describe(r.v), got[r.line], r.src)
	}
	t.Logf("%d constant expressions agree with gcc, %d errors where gcc warns", n, len(rs)-n)
}

func compileOnly(t *testing.T, gcc, src string) (string, map[int]string) {
	dir := t.TempDir()
	c := filepath.Join(dir, "x.c")
	require.NoError(t, os.WriteFile(c, []byte(src), 0o644))
	out, _ := exec.Command(gcc, "-std=gnu11", "-fsyntax-only", "-Wall", c).CombinedOutput()
	return string(out), diagnostics(string(out))
}

// TestGCCIf checks #if: each expression is evaluated by gcc's
// preprocessor, which says whether the engine's value (and its
// signedness) is its own.
func TestGCCIf(t *testing.T) {
	gcc := needGCC(t)
	exprs, _ := genExprs(2, 400, gen{Shift: 70})
	exprs = append(exprs, knownMismatches...)
	rs := evalAll(t, exprs, Preprocessor, varHost{}, func() *vframe { return &vframe{} })
	var ok, bad strings.Builder
	lines, badLines := 1, 1
	for i := range rs {
		r := &rs[i]
		if r.err != nil {
			r.line = badLines
			fmt.Fprintf(&bad, "#if %s\n#endif\n", r.src)
			badLines += 2
			continue
		}
		r.line = lines
		fmt.Fprintf(&ok, "#if (%s) == %du\nV%d ok\n#else\nV%d bad\n#endif\n", r.src, uint64(r.v.I), lines, lines)
		fmt.Fprintf(&ok, "#if 0 * (%s) - 1 < 0\nS%d signed\n#else\nS%d unsigned\n#endif\n", r.src, lines, lines)
		lines += 10
	}
	out := preprocess(t, gcc, ok.String(), true)
	for _, r := range rs {
		if r.err != nil {
			continue
		}
		assert.Contains(t, out, fmt.Sprintf("V%d ok\n", r.line), "%s = %v", r.src, r.v)
		sign := "signed"
		if r.v.Type.Unsigned {
			sign = "unsigned"
		}
		assert.Contains(t, out, fmt.Sprintf("S%d %s\n", r.line, sign), "%s: %v", r.src, r.v.Type)
	}
	errs := preprocess(t, gcc, bad.String(), false)
	diags := diagnostics(errs)
	n := 0
	for _, r := range rs {
		if r.err == nil {
			n++
			continue
		}
		msg := r.err.(*Error).Msg
		assert.Contains(t, diags[r.line], msg, "%s", r.src)
	}
	t.Logf("%d #if expressions agree with gcc, %d errors as gcc's", n, len(rs)-n)
}

// preprocess runs gcc -E; with ok it must succeed, else its diagnostics
// are returned.
func preprocess(t *testing.T, gcc, src string, ok bool) string {
	dir := t.TempDir()
	c := filepath.Join(dir, "x.h")
	require.NoError(t, os.WriteFile(c, []byte(src), 0o644))
	out, err := exec.Command(gcc, "-E", "-P", "-w", "-x", "c", c).CombinedOutput()
	if ok {
		require.NoError(t, err, "%s", out)
	}
	return string(out)
}

// runtimeVars are variables of every width for the runtime tests.
var runtimeVars = []genVar{
	{name: "vc", ctype: "signed char", t: SChar, v: -5},
	{name: "vuc", ctype: "unsigned char", t: UChar, v: 200},
	{name: "vs", ctype: "short", t: Short, v: -300},
	{name: "vus", ctype: "unsigned short", t: UShort, v: 65535},
	{name: "vi", ctype: "int", t: Int, v: -7},
	{name: "vu", ctype: "unsigned", t: UInt, v: 4000000000},
	{name: "vl", ctype: "long", t: Long, v: -9000000000},
	{name: "vul", ctype: "unsigned long", t: ULong, v: -446744073709551616},
	{name: "vf", ctype: "float", t: Float, f: 1.5},
	{name: "vd", ctype: "double", t: Double, f: -2.25},
}

func varDecls(vars []genVar) string {
	var b strings.Builder
	for _, v := range vars {
		val := fmt.Sprint(v.v)
		switch {
		case v.t.Kind == KFloat:
			val = strconv.FormatFloat(v.f, 'g', -1, 64)
		case v.t.Unsigned:
			val = fmt.Sprintf("%du", uint64(v.v))
		}
		fmt.Fprintf(&b, "volatile %s %s = %s;\n", v.ctype, v.name, val)
	}
	return b.String()
}

// TestGCCRuntime checks the compiled closures over variables of every
// width, and floats, against gcc's code for the same expressions (run
// with -fwrapv, so that signed overflow wraps as the profile's does).
func TestGCCRuntime(t *testing.T) {
	gcc := needGCC(t)
	h := varHost{vars: runtimeVars}
	exprs, _ := genExprs(3, 400, gen{Casts: true, Vars: varNames(runtimeVars), Shift: 31})
	exprs = append(exprs, "vf * vi", "vf * vl", "vf / 3", "vd * vf", "vu - 1 < vi", "vus * vus", "vuc << 24", "vc % 3",
		// a constant on the left of a fused 64-bit operation
		"3 - vl", "7 * vl", "5 + vl * vl", "100 - vul", "2 * (vl - 1) + vl", "-3 * vl / (2 * vl)", "(9 - vl) % (4 * vl)")
	rs := evalAll(t, exprs, C, h, h.frame)
	checkRuntime(t, gcc, rs, varDecls(runtimeVars))
}

// TestGCCRuntimeDescriptions checks the Descriptions profile: its
// integers are int64 (or uint64), which C computes when every operand is
// widened to 64 bits ((x)+0LL keeps unsigned long long unsigned).
func TestGCCRuntimeDescriptions(t *testing.T) {
	gcc := needGCC(t)
	vars := []genVar{
		{name: "a", ctype: "long long", t: Long, v: -7},
		{name: "b", ctype: "long long", t: Long, v: 4000000000},
		{name: "u", ctype: "unsigned long long", t: ULong, v: -2},
		{name: "w", ctype: "unsigned long long", t: ULong, v: 1000},
		{name: "f", ctype: "float", t: Float, f: 1.25},
		{name: "d", ctype: "double", t: Double, f: 0.1},
	}
	h := varHost{vars: vars}
	lits := []string{"0", "1", "2", "3", "7", "100", "255", "65536", "4294967295", "9223372036854775807", "1.5", "0.25"}
	g := gen{Vars: varNames(vars), Shift: 63, Chars: []string{"'a'", "' '", "'\\n'"},
		Wrap: func(s string) string { return "((" + s + ")+0LL)" }}
	r := 0
	g.Lits = func() string { r++; return lits[(r*7)%len(lits)] }
	exprs, twins := genExprs(4, 400, g)
	rs := evalAll(t, exprs, Descriptions, h, h.frame)
	strict := *Descriptions
	strict.DeferErrors = false
	for i := range rs {
		rs[i].src = twins[i]
		// what C rejects (% of a float in an arm not taken) waits here
		x, _ := Parse("", exprs[i])
		if _, err := Check(x.X, &strict, Host[vframe](h)); err != nil && rs[i].err == nil {
			rs[i].err = err
		}
	}
	checkRuntime(t, gcc, rs, varDecls(vars))
}

func checkRuntime(t *testing.T, gcc string, rs []engineResult, decls string) {
	var b strings.Builder
	b.WriteString(cPrelude + decls + "int main(void) {\n\tsignal(SIGFPE, onfpe);\n")
	line := strings.Count(b.String(), "\n") + 1
	for i := range rs {
		r := &rs[i]
		if r.err != nil {
			continue
		}
		r.line = line
		fmt.Fprintf(&b, "\tT(%d, %s);\n", line, r.src)
		line++
	}
	b.WriteString("\treturn 0;\n}\n")
	out, _ := runC(t, gcc, b.String(), "-w", "-fwrapv")
	got := outputs(out)
	n, traps, errs := 0, 0, 0
	for _, r := range rs {
		switch {
		case r.err != nil:
			errs++
		case got[r.line] == "trap": // INT_MIN / -1 traps on x86; the engine wraps
			traps++
		default:
			n++
			assert.Equal(t, describe(r.v), got[r.line], r.src)
		}
	}
	t.Logf("%d expressions agree with gcc's code (%d trap in C, %d are errors here)", n, traps, errs)
}
