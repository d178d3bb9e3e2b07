package cexpr

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The judge of the Descriptions profile: the binary and unary operators
// of atop/parseable's interpreter (value.go's arith, expr.go's unaryNode),
// restated over its values. The profile must give the same kind, bits,
// signedness, precision and error on every pair of operands.

type refKind uint8

const (
	rInt refKind = iota
	rFloat
	rStr
)

type refValue struct {
	k   refKind
	uns bool
	f32 bool
	i   int64
	f   float64
	s   string
}

func (v refValue) toFloat() float64 {
	if v.k == rFloat {
		return v.f
	}
	if v.uns {
		return float64(uint64(v.i))
	}
	return float64(v.i)
}

func (v refValue) kindName() string {
	return [...]string{"an integer", "a float", "text"}[v.k]
}

func refBool(b bool) refValue { return refValue{k: rInt, i: b2i(b)} }

func refArith(op string, a, b refValue) (refValue, error) {
	if a.k == rStr && b.k == rStr {
		switch op {
		case "==":
			return refBool(a.s == b.s), nil
		case "!=":
			return refBool(a.s != b.s), nil
		}
		return refValue{}, fmt.Errorf("operator %s on text", op)
	}
	if a.k == rFloat || b.k == rFloat {
		if a.k == rStr || b.k == rStr {
			return refValue{}, fmt.Errorf("operator %s on %s and %s", op, a.kindName(), b.kindName())
		}
		single := (a.k != rFloat || a.f32) && (b.k != rFloat || b.f32)
		x, y := a.toFloat(), b.toFloat()
		var r float64
		switch op {
		case "+":
			r = x + y
		case "-":
			r = x - y
		case "*":
			r = x * y
		case "/":
			r = x / y
		case "==":
			return refBool(x == y), nil
		case "!=":
			return refBool(x != y), nil
		case "<":
			return refBool(x < y), nil
		case ">":
			return refBool(x > y), nil
		case "<=":
			return refBool(x <= y), nil
		case ">=":
			return refBool(x >= y), nil
		default:
			return refValue{}, fmt.Errorf("operator %s on floats", op)
		}
		if single {
			x32, y32 := float32(x), float32(y)
			var r32 float32
			switch op {
			case "+":
				r32 = x32 + y32
			case "-":
				r32 = x32 - y32
			case "*":
				r32 = x32 * y32
			case "/":
				r32 = x32 / y32
			}
			return refValue{k: rFloat, f: float64(r32), f32: true}, nil
		}
		return refValue{k: rFloat, f: r}, nil
	}
	if a.k != rInt || b.k != rInt {
		return refValue{}, fmt.Errorf("operator %s on %s and %s", op, a.kindName(), b.kindName())
	}
	uns := a.uns || b.uns
	x, y := a.i, b.i
	res := func(n int64) refValue { return refValue{k: rInt, i: n, uns: uns} }
	switch op {
	case "+":
		return res(x + y), nil
	case "-":
		return res(x - y), nil
	case "*":
		return res(x * y), nil
	case "/", "%":
		if y == 0 {
			return refValue{}, fmt.Errorf("division by zero")
		}
		if uns {
			if op == "/" {
				return res(int64(uint64(x) / uint64(y))), nil
			}
			return res(int64(uint64(x) % uint64(y))), nil
		}
		if x == math.MinInt64 && y == -1 {
			return res(x), nil
		}
		if op == "/" {
			return res(x / y), nil
		}
		return res(x % y), nil
	case "&":
		return res(x & y), nil
	case "|":
		return res(x | y), nil
	case "^":
		return res(x ^ y), nil
	case "<<":
		return res(x << uint(y&63)), nil
	case ">>":
		if uns {
			return res(int64(uint64(x) >> uint(y&63))), nil
		}
		return res(x >> uint(y&63)), nil
	case "==":
		return refBool(x == y), nil
	case "!=":
		return refBool(x != y), nil
	}
	var less, eq bool
	if uns {
		less, eq = uint64(x) < uint64(y), x == y
	} else {
		less, eq = x < y, x == y
	}
	switch op {
	case "<":
		return refBool(less), nil
	case ">":
		return refBool(!less && !eq), nil
	case "<=":
		return refBool(less || eq), nil
	}
	return refBool(!less), nil
}

func refUnary(op string, x refValue) (refValue, error) {
	switch op {
	case "!":
		switch x.k {
		case rInt:
			return refBool(x.i == 0), nil
		case rFloat:
			return refBool(x.f == 0), nil
		}
		return refBool(x.s == ""), nil
	case "-":
		switch x.k {
		case rInt:
			x.i = -x.i
			return x, nil
		case rFloat:
			x.f = -x.f
			return x, nil
		}
	case "~":
		if x.k == rInt {
			x.i = ^x.i
			return x, nil
		}
	}
	return refValue{}, fmt.Errorf("operator %s on %s", op, x.kindName())
}

func (v refValue) engine() (Type, Value) {
	switch {
	case v.k == rStr:
		return Text, TextValue(v.s)
	case v.k == rFloat && v.f32:
		return Float, FloatValue(Float, v.f)
	case v.k == rFloat:
		return Double, FloatValue(Double, v.f)
	case v.uns:
		return ULong, IntValue(ULong, v.i)
	}
	return Long, IntValue(Long, v.i)
}

func (v refValue) same(w Value) bool {
	t, want := v.engine()
	return t == w.Type && want.I == w.I && string(want.S) == string(w.S) &&
		(want.F == w.F || want.F != want.F && w.F != w.F)
}

// refHost gives a and b as leaves (not constants, so that the closures
// are what is compared).
type refHost struct {
	BaseHost[vframe]
	a, b refValue
}

func (h refHost) Ident(x *Ident) (Operand[vframe], error) {
	v := h.a
	if x.Name == "b" {
		v = h.b
	}
	t, c := v.engine()
	switch t.Kind {
	case KInt:
		return IntLeaf(t, func(*vframe) int64 { return c.I }), nil
	case KFloat:
		return FloatLeaf(t, func(*vframe) float64 { return c.F }), nil
	}
	return TextLeaf(func(*vframe) []byte { return c.S }), nil
}

func (refHost) Fail(f *vframe, err error) {
	if f.err == nil {
		f.err = err
	}
}

func randRef(r *rand.Rand) refValue {
	ints := []int64{0, 1, -1, 2, 3, -7, 63, 64, 65, 1 << 24, 1<<24 + 1, 1 << 53, 1<<53 + 1, math.MaxInt64, math.MinInt64,
		math.MaxInt32, math.MinInt32, 4294967295, -4294967296}
	floats := []float64{0, 1, -1, 0.1, 2.5, -3.75, 1e20, 16777217, math.Inf(1), math.NaN(), 1.0 / 3}
	switch r.IntN(6) {
	case 0, 1:
		return refValue{k: rInt, i: ints[r.IntN(len(ints))]}
	case 2:
		return refValue{k: rInt, i: ints[r.IntN(len(ints))], uns: true}
	case 3:
		return refValue{k: rFloat, f: float64(float32(floats[r.IntN(len(floats))])), f32: true}
	case 4:
		return refValue{k: rFloat, f: floats[r.IntN(len(floats))]}
	}
	return refValue{k: rStr, s: []string{"", "sda", "x"}[r.IntN(3)]}
}

func TestDescriptionsLikeInterpreter(t *testing.T) {
	r := rand.New(rand.NewPCG(6, 7))
	ops := []string{"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "==", "!=", "<", ">", "<=", ">="}
	n := 0
	for range 20000 {
		a, b := randRef(r), randRef(r)
		h := refHost{a: a, b: b}
		var src string
		var want refValue
		var werr error
		if r.IntN(4) == 0 {
			op := []string{"!", "-", "~"}[r.IntN(3)]
			src = op + "a"
			want, werr = refUnary(op, a)
		} else {
			op := ops[r.IntN(len(ops))]
			src = "a " + op + " b"
			want, werr = refArith(op, a, b)
		}
		x, err := Parse("", src)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Check(x.X, Descriptions, Host[vframe](h))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		f := &vframe{}
		v, err := p.Eval(f)
		fc := &vframe{}
		got := Value{Type: p.Type()}
		switch p.Type().Kind {
		case KInt, KNever:
			got.I = p.Int()(fc)
		case KFloat:
			got.F = p.Float()(fc)
		}
		if werr != nil {
			if err == nil || err.(*Error).Msg != werr.Error() || fc.err == nil || fc.err.(*Error).Msg != werr.Error() {
				t.Fatalf("%s with a=%+v b=%+v: want error %q, Eval %v, compiled %v", src, a, b, werr, err, fc.err)
			}
			continue
		}
		if err != nil || !want.same(v) || !want.same(got) && p.Type().Kind != KText {
			t.Fatalf("%s with a=%+v b=%+v: want %+v, Eval %v %v (%v), compiled %v", src, a, b, want, v, v.Type, err, got)
		}
		n++
	}
	t.Logf("%d operations as the interpreter's", n)
}
