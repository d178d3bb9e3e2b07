package cexpr_test

import (
	"fmt"

	"github.com/cstructgo/cstruct/internal/cexpr"
)

// frame is what the compiled closures read: here two fields of a record.
type frame struct {
	count, size int64
	err         error
}

// fields resolves the names count (an unsigned int) and size (a long).
type fields struct{ cexpr.BaseHost[frame] }

func (fields) Ident(x *cexpr.Ident) (cexpr.Operand[frame], error) {
	switch x.Name {
	case "count":
		return cexpr.IntLeaf(cexpr.UInt, func(f *frame) int64 { return f.count }), nil
	case "size":
		return cexpr.IntLeaf(cexpr.Long, func(f *frame) int64 { return f.size }), nil
	case "WORD":
		return cexpr.Constant[frame](cexpr.IntValue(cexpr.Int, 8)), nil
	}
	return fields{}.BaseHost.Ident(x)
}

func (fields) Fail(f *frame, err error) {
	if f.err == nil {
		f.err = err
	}
}

func Example() {
	x, err := cexpr.Parse("len.h", "count * WORD / (size - 1)")
	if err != nil {
		panic(err)
	}
	p, err := cexpr.Check(x.X, cexpr.C, fields{})
	if err != nil {
		panic(err)
	}
	fn := p.Int() // built once
	f := &frame{count: 6, size: 4}
	fmt.Println(p.Type(), fn(f))
	f.size = 1
	fn(f)
	fmt.Println(f.err)

	// #if: once an operand is unsigned, the arithmetic is uintmax_t.
	y, _ := cexpr.Parse("", "-8 < (128L ? 255l : 5u)")
	v, _ := cexpr.Eval(y.X, cexpr.Preprocessor, cexpr.BaseHost[struct{}]{})
	z, _ := cexpr.Parse("", "-(65535u)")
	w, _ := cexpr.Eval(z.X, cexpr.C, cexpr.BaseHost[struct{}]{})
	fmt.Println(v, w.Type, w)
	// Output:
	// int64 16
	// len.h:1:14: division by zero
	// 0 uint32 4294901761
}
