package parseable

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
)

// BenchmarkExpr is one description expression over sample fields, as a
// print line evaluates it: compiled, then the same written in Go over
// the field's accessor (what the compiled closures should come near);
// noloads is compiled without the loads that the fused closures read
// inline (each leaf is the host's closure).
func BenchmarkExpr(b *testing.B) {
	r, err := atop.Open(filepath.Join(testdata, "fixtures", "atop-2.13.0-small.raw"))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	s, err := r.Next()
	if err != nil {
		b.Fatal(err)
	}
	in := inputOf(s)
	d, err := parseDesc("b.txt", "atop 2.13\nheader x\nlabel B\nprint x\nend\n")
	if err != nil {
		b.Fatal(err)
	}
	e, err := newEngine(io.Discard, d, s.Header, Options{Labels: []string{"B"}, Location: time.UTC}, false)
	if err != nil {
		b.Fatal(err)
	}
	f := new(frame)
	f.start(e, &in)
	if f.sysBytes("") == nil {
		b.Fatal(f.err)
	}
	f.interval = 10
	compile := func(src string) cx {
		dd, err := parseDesc("b.txt", "atop 2.13\nheader x\nlabel B\n\tprint %lld{"+src+"}\nend\n")
		if err != nil {
			b.Fatal(err)
		}
		c, err := newCompiler(dd, e.lay)
		if err != nil {
			b.Fatal(err)
		}
		return c.load(c.expr(dd.labels[0].body[0].(*printStmt).tmpl[0].expr))
	}
	acc, err := e.lay.spec.Accessor(e.lay.sstat, "cpu.all.stime", e.lay.order)
	if err != nil {
		b.Fatal(err)
	}
	const ints = "sys.cpu.all.stime * 100 / (hertz * interval)"
	const floats = "sys.cpu.all.stime * 100.0 / (hertz * interval)"
	intOf := func(x cx) func(*frame) int64 { return x.intFn() }
	compileNoLoads := func(src string) cx {
		inlineLoads = false
		defer func() { inlineLoads = true }()
		return compile(src)
	}
	b.Run("ints/compiled", func(b *testing.B) { measure(b, f, intOf(compile(ints))) })
	b.Run("ints/noloads", func(b *testing.B) { measure(b, f, intOf(compileNoLoads(ints))) })
	handInt := func(f *frame) int64 {
		d := f.hertz * f.interval
		if d == 0 {
			f.fail("", errDivZero)
			return 0
		}
		return acc.Int(f.sysRoot) * 100 / d
	}
	// hand: Go inlines the closure into the loop (a bound no closure built
	// at run time reaches); hand-called: through a func value, as every
	// compiled expression is called.
	b.Run("ints/hand", func(b *testing.B) {
		var sink int64
		for b.Loop() {
			sink += handInt(f)
		}
		if sink == 0 {
			b.Fatal(sink)
		}
	})
	b.Run("ints/hand-called", func(b *testing.B) { measure(b, f, opaque(handInt)) })
	b.Run("floats/compiled", func(b *testing.B) { measure(b, f, compile(floats).fl) })
	b.Run("floats/noloads", func(b *testing.B) { measure(b, f, compileNoLoads(floats).fl) })
	handFloat := func(f *frame) float64 {
		return float64(acc.Int(f.sysRoot)) * 100.0 / float64(f.hertz*f.interval)
	}
	b.Run("floats/hand", func(b *testing.B) {
		var sink float64
		for b.Loop() {
			sink += handFloat(f)
		}
		if sink == 0 {
			b.Fatal(sink)
		}
	})
	b.Run("floats/hand-called", func(b *testing.B) { measure(b, f, opaque(handFloat)) })
}

// measure runs fn on f in the benchmark loop: zero allocations, no error
// and a result are what a compiled expression must show.
func measure[T int64 | float64](b *testing.B, f *frame, fn func(*frame) T) {
	var sink T
	b.ReportAllocs()
	for b.Loop() {
		sink += fn(f)
	}
	if f.err != nil || sink == 0 {
		b.Fatal(f.err, sink)
	}
}

// opaque returns fn so that the compiler cannot inline it at its calls.
//
//go:noinline
func opaque[T any](fn func(*frame) T) func(*frame) T { return fn }
