package cexpr

import (
	"encoding/binary"
	"errors"
	"testing"
)

var errDiv = errors.New("division by zero")

// bframe is a description-style frame: fields at static places.
type bframe struct {
	rec   [2]int64
	bytes []byte // rec[0] little-endian, for the loads
	b     int64  // rec[1], for the loads
	err   error
}

// bhost reads the fields through closures, or with loads if loads is
// set (the same values: a of bytes, b of the word b).
// next changes a, as every benchmark's loop does (rec[0] and bytes).
func (f *bframe) next() {
	f.rec[0]++
	binary.LittleEndian.PutUint64(f.bytes, uint64(f.rec[0]))
}

type bhost struct {
	BaseHost[bframe]
	loads bool
}

func (h bhost) Ident(x *Ident) (Operand[bframe], error) {
	if h.loads {
		switch x.Name {
		case "a":
			ld, err := BytesLoad[bframe]("bytes", 0, 8)
			return IntLoad(Long, func(f *bframe) int64 { return f.rec[0] }, ld), err
		case "b":
			ld, err := WordLoad[bframe]("b")
			return IntLoad(Long, func(f *bframe) int64 { return f.rec[1] }, ld), err
		}
	}
	switch x.Name {
	case "a":
		return IntLeaf(Long, func(f *bframe) int64 { return f.rec[0] }), nil
	case "b":
		return IntLeaf(Long, func(f *bframe) int64 { return f.rec[1] }), nil
	}
	return BaseHost[bframe]{}.Ident(x)
}

func (bhost) Fail(f *bframe, err error) {
	if f.err == nil {
		f.err = err
	}
}

// BenchmarkCompiled is a description's "a * 100 / (b + 1)" over two
// int64 fields: compiled closures, fused and not, then the tree walker
// (Eval) for comparison.
func BenchmarkCompiled(b *testing.B) {
	x, err := Parse("", "a * 100 / (b + 1)")
	if err != nil {
		b.Fatal(err)
	}
	p, err := Check(x.X, Descriptions, Host[bframe](bhost{}))
	if err != nil {
		b.Fatal(err)
	}
	f := &bframe{rec: [2]int64{12345, 6}, bytes: make([]byte, 8), b: 6}
	for _, fuse := range []bool{true, false} {
		name := "closures"
		if !fuse {
			name = "unfused"
		}
		b.Run(name, func(b *testing.B) {
			fusing = fuse
			fn := p.Int()
			fusing = true
			var sink int64
			b.ReportAllocs()
			for b.Loop() {
				f.next()
				sink += fn(f)
			}
			if sink == 0 || f.err != nil {
				b.Fatal(sink, f.err)
			}
		})
	}
	b.Run("loads", func(b *testing.B) { // fused, the fields read inline
		x, err := Parse("", "a * 100 / (b + 1)")
		if err != nil {
			b.Fatal(err)
		}
		p, err := Check(x.X, Descriptions, Host[bframe](bhost{loads: true}))
		if err != nil {
			b.Fatal(err)
		}
		fn := p.Int()
		f := &bframe{rec: [2]int64{12345, 6}, bytes: make([]byte, 8), b: 6}
		var sink int64
		b.ReportAllocs()
		for b.Loop() {
			f.next()
			sink += fn(f)
		}
		if sink == 0 || f.err != nil {
			b.Fatal(sink, f.err)
		}
	})
	b.Run("hand", func(b *testing.B) { // what the closures compute, written in Go
		hand := func(f *bframe) int64 {
			d := f.rec[1] + 1
			if d == 0 {
				f.err = errDiv
				return 0
			}
			return f.rec[0] * 100 / d
		}
		var sink int64
		for b.Loop() {
			f.next()
			sink += hand(f)
		}
		if sink == 0 {
			b.Fatal(sink)
		}
	})
	b.Run("eval", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Eval(f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCompiledFloat is "a * 100.0 / (b * 3)": a float division of
// integer fields, fused and not, and by hand.
func BenchmarkCompiledFloat(b *testing.B) {
	x, err := Parse("", "a * 100.0 / (b * 3)")
	if err != nil {
		b.Fatal(err)
	}
	p, err := Check(x.X, Descriptions, Host[bframe](bhost{}))
	if err != nil {
		b.Fatal(err)
	}
	f := &bframe{rec: [2]int64{12345, 6}, bytes: make([]byte, 8), b: 6}
	for _, fuse := range []bool{true, false} {
		name := "closures"
		if !fuse {
			name = "unfused"
		}
		b.Run(name, func(b *testing.B) {
			fusing = fuse
			fn := p.Float()
			fusing = true
			var sink float64
			b.ReportAllocs()
			for b.Loop() {
				f.next()
				sink += fn(f)
			}
			if sink == 0 || f.err != nil {
				b.Fatal(sink, f.err)
			}
		})
	}
	b.Run("loads", func(b *testing.B) { // fused, the fields read inline
		x, err := Parse("", "a * 100.0 / (b * 3)")
		if err != nil {
			b.Fatal(err)
		}
		p, err := Check(x.X, Descriptions, Host[bframe](bhost{loads: true}))
		if err != nil {
			b.Fatal(err)
		}
		fn := p.Float()
		f := &bframe{rec: [2]int64{12345, 6}, bytes: make([]byte, 8), b: 6}
		var sink float64
		b.ReportAllocs()
		for b.Loop() {
			f.next()
			sink += fn(f)
		}
		if sink == 0 || f.err != nil {
			b.Fatal(sink, f.err)
		}
	})
	b.Run("hand", func(b *testing.B) {
		hand := func(f *bframe) float64 { return float64(f.rec[0]) * 100.0 / float64(f.rec[1]*3) }
		var sink float64
		for b.Loop() {
			f.next()
			sink += hand(f)
		}
		if sink == 0 {
			b.Fatal(sink)
		}
	})
}
