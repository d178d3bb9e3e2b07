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
	compileNoLoads := func(src string) cx {
		inlineLoads = false
		defer func() { inlineLoads = true }()
		return compile(src)
	}
	b.Run("ints/compiled", func(b *testing.B) {
		x := compile(ints)
		fn := x.intFn()
		var sink int64
		b.ReportAllocs()
		for b.Loop() {
			sink += fn(f)
		}
		if f.err != nil || sink == 0 {
			b.Fatal(f.err, sink)
		}
	})
	b.Run("ints/noloads", func(b *testing.B) {
		x := compileNoLoads(ints)
		fn := x.intFn()
		var sink int64
		b.ReportAllocs()
		for b.Loop() {
			sink += fn(f)
		}
		if f.err != nil || sink == 0 {
			b.Fatal(f.err, sink)
		}
	})
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
	b.Run("ints/hand-called", func(b *testing.B) {
		fn := opaque(handInt)
		var sink int64
		for b.Loop() {
			sink += fn(f)
		}
		if sink == 0 {
			b.Fatal(sink)
		}
	})
	b.Run("floats/compiled", func(b *testing.B) {
		fn := compile(floats).fl
		var sink float64
		b.ReportAllocs()
		for b.Loop() {
			sink += fn(f)
		}
		if f.err != nil || sink == 0 {
			b.Fatal(f.err, sink)
		}
	})
	b.Run("floats/noloads", func(b *testing.B) {
		fn := compileNoLoads(floats).fl
		var sink float64
		b.ReportAllocs()
		for b.Loop() {
			sink += fn(f)
		}
		if f.err != nil || sink == 0 {
			b.Fatal(f.err, sink)
		}
	})
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
	b.Run("floats/hand-called", func(b *testing.B) {
		fn := opaque(handFloat)
		var sink float64
		for b.Loop() {
			sink += fn(f)
		}
		if sink == 0 {
			b.Fatal(sink)
		}
	})
}

// opaque returns fn so that the compiler cannot inline it at its calls.
//
//go:noinline
func opaque[T any](fn func(*frame) T) func(*frame) T { return fn }
