package cexpr

import (
	"errors"
	"testing"
)

var errDiv = errors.New("division by zero")

// bframe is a description-style frame: fields at static places.
type bframe struct {
	rec [2]int64
	err error
}

type bhost struct{ BaseHost[bframe] }

func (bhost) Ident(x *Ident) (Operand[bframe], error) {
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
// int64 fields: compiled closures, then the tree walker (Eval) for
// comparison.
func BenchmarkCompiled(b *testing.B) {
	x, err := Parse("", "a * 100 / (b + 1)")
	if err != nil {
		b.Fatal(err)
	}
	p, err := Check(x.X, Descriptions, Host[bframe](bhost{}))
	if err != nil {
		b.Fatal(err)
	}
	f := &bframe{rec: [2]int64{12345, 6}}
	b.Run("closures", func(b *testing.B) {
		fn := p.Int()
		var sink int64
		b.ReportAllocs()
		for b.Loop() {
			f.rec[0]++
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
			f.rec[0]++
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
