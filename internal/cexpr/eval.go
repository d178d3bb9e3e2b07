package cexpr

import (
	"bytes"
	"math"
	"math/bits"
)

// Eval evaluates the program by walking its typed tree: the reference
// for the compiled closures, and the back end for what runs once. Errors
// of the expression are returned; errors of the host's closures go to
// Host.Fail as with the closures. f may be nil when no leaf reads it.
func (p *Program[F]) Eval(f *F) (Value, error) {
	v, err := p.c.eval(p.root, f)
	if err != nil {
		return Value{}, err
	}
	if p.root.t.Kind == KHost && v.H == nil {
		v.H = p.root.leaf.Host
	}
	return v, nil
}

func (c *checker[F]) eval(n *ir[F], f *F) (Value, error) {
	switch n.op {
	case opConst:
		return n.v, nil
	case opLeaf:
		o := &n.leaf
		v := Value{Type: n.t}
		switch n.t.Kind {
		case KInt:
			v.I = o.Int(f)
		case KFloat:
			v.F = o.Float(f)
		case KText:
			v.S = o.Text(f)
		case KHost:
			v.H = o.Host
		case KNever:
			o.effects(f)
			return Value{}, o.Err
		}
		return v, nil
	case opFail:
		if n.x != nil {
			if _, err := c.eval(n.x, f); err != nil {
				return Value{}, err
			}
		}
		if n.y != nil {
			return c.eval(n.y, f)
		}
		return Value{}, n.err
	case opLAnd, opLOr:
		x, err := c.eval(n.x, f)
		if err != nil {
			return Value{}, err
		}
		if x.Truth() == (n.op == opLOr) {
			return IntValue(n.t, b2i(n.op == opLOr)), nil
		}
		y, err := c.eval(n.y, f)
		if err != nil {
			return Value{}, err
		}
		return IntValue(n.t, b2i(y.Truth())), nil
	case opCond:
		x, err := c.eval(n.x, f)
		if err != nil {
			return Value{}, err
		}
		if x.Truth() {
			return c.eval(n.y, f)
		}
		return c.eval(n.z, f)
	}
	x, err := c.eval(n.x, f)
	if err != nil {
		return Value{}, err
	}
	var y Value
	if n.y != nil {
		if y, err = c.eval(n.y, f); err != nil {
			return Value{}, err
		}
	}
	return c.apply(n, x, y)
}

// apply computes an operation on evaluated operands.
func (c *checker[F]) apply(n *ir[F], x, y Value) (Value, error) {
	p := c.prof
	switch n.op {
	case opConv:
		return convert(p, x, n.t), nil
	case opTruth:
		return IntValue(n.t, b2i(x.Truth())), nil
	case opNot:
		return IntValue(n.t, b2i(!x.Truth())), nil
	}
	if x.Type.Kind == KText {
		eq := bytes.Equal(x.S, y.S)
		return IntValue(n.t, b2i(eq == (n.op == opEq))), nil
	}
	if x.Type.Kind == KFloat {
		if n.op >= opEq {
			return IntValue(n.t, b2i(floatCmp(n.op, x.F, y.F))), nil
		}
		return FloatValue(n.t, floatOp(n.op, n.t, x.F, y.F)), nil
	}
	if n.op >= opEq {
		return IntValue(n.t, b2i(intCmp(n.op, x.Type.Unsigned, x.I, y.I))), nil
	}
	v, kind := p.intOp(n.op, n.t, x.I, y.I, y.Type)
	if kind != nil {
		return Value{}, c.opError(n, kind)
	}
	return Value{Type: n.t, I: v}, nil
}

// opError is the error of a failed operation at n.
func (c *checker[F]) opError(n *ir[F], kind error) *Error {
	switch kind {
	case ErrDivZero:
		return kindError(n.pos, kind, "%s", c.prof.DivZero)
	case ErrOverflow:
		return kindError(n.pos, kind, "integer overflow in %s", c.prof.Name)
	case ErrShift:
		return kindError(n.pos, kind, "shift count out of range")
	}
	return kindError(n.pos, kind, "%v", kind)
}

// convert converts an arithmetic value to the arithmetic type t.
func convert(p *Profile, x Value, t Type) Value {
	switch {
	case t.Kind == KInt && x.Type.Kind == KInt:
		return Value{Type: t, I: norm(t, x.I)}
	case t.Kind == KInt:
		return Value{Type: t, I: floatToInt(t, x.F)}
	case x.Type.Kind == KFloat:
		return FloatValue(t, x.F)
	}
	return FloatValue(t, intToFloat(p, x.Type.Unsigned, t, x.I))
}

// intToFloat converts the integer bits v (unsigned or not) to the
// floating type t.
func intToFloat(p *Profile, unsigned bool, t Type, v int64) float64 {
	if t.Bits == 32 && !p.IntToFloatViaDouble {
		if unsigned {
			return float64(float32(uint64(v)))
		}
		return float64(float32(v))
	}
	if unsigned {
		return float64(uint64(v))
	}
	return float64(v)
}

func floatOp(o op, t Type, x, y float64) float64 {
	if t.Bits == 32 {
		a, b := float32(x), float32(y)
		switch o {
		case opAdd:
			return float64(a + b)
		case opSub:
			return float64(a - b)
		case opMul:
			return float64(a * b)
		case opDiv:
			return float64(a / b)
		case opNeg:
			return float64(-a)
		}
	}
	switch o {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	case opNeg:
		return -x
	}
	return math.NaN()
}

func floatCmp(o op, x, y float64) bool {
	switch o {
	case opEq:
		return x == y
	case opNe:
		return x != y
	case opLt:
		return x < y
	case opLe:
		return x <= y
	case opGt:
		return x > y
	}
	return x >= y
}

func intCmp(o op, unsigned bool, x, y int64) bool {
	switch o {
	case opEq:
		return x == y
	case opNe:
		return x != y
	}
	var less, eq bool
	if unsigned {
		less, eq = uint64(x) < uint64(y), x == y
	} else {
		less, eq = x < y, x == y
	}
	switch o {
	case opLt:
		return less
	case opLe:
		return less || eq
	case opGt:
		return !less && !eq
	}
	return !less
}

// intOp computes x op y for integers of type t (for shifts, y is of
// its own type yt), or the kind of error.
func (p *Profile) intOp(o op, t Type, x, y int64, yt Type) (int64, error) {
	switch o {
	case opNeg:
		if p.Trap && (t.Unsigned && x != 0 || !t.Unsigned && x == minOf(t)) {
			return 0, ErrOverflow
		}
		return norm(t, -x), nil
	case opCompl:
		return norm(t, ^x), nil
	case opAdd, opSub, opMul:
		r := wrapOp(o, x, y)
		if p.Trap && overflows(o, t, x, y, r) {
			return 0, ErrOverflow
		}
		return norm(t, r), nil
	case opDiv, opRem:
		if y == 0 {
			return 0, ErrDivZero
		}
		if t.Unsigned {
			if o == opDiv {
				return norm(t, int64(uint64(x)/uint64(y))), nil
			}
			return norm(t, int64(uint64(x)%uint64(y))), nil
		}
		if x == minOf(t) && y == -1 {
			if o == opRem {
				return 0, nil
			}
			if p.Trap {
				return 0, ErrOverflow
			}
			return norm(t, x), nil
		}
		if o == opDiv {
			return norm(t, x/y), nil
		}
		return norm(t, x%y), nil
	case opAnd:
		return x & y, nil
	case opOr:
		return x | y, nil
	case opXor:
		return norm(t, x^y), nil
	case opShl, opShr:
		return p.shift(o == opShl, t, x, y, yt)
	}
	return 0, ErrOverflow
}

func wrapOp(o op, x, y int64) int64 {
	switch o {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	}
	return x * y
}

func minOf(t Type) int64 {
	if t.Unsigned {
		return 0
	}
	return -1 << (t.Bits - 1)
}

// overflows reports whether x op y (computed with wrapping as r) is not
// the mathematical result in t.
func overflows(o op, t Type, x, y, r int64) bool {
	if t.Bits < 64 {
		// x and y fit in 32 bits or less, so r is exact in int64
		return norm(t, r) != r
	}
	if t.Unsigned {
		ux, uy := uint64(x), uint64(y)
		switch o {
		case opAdd:
			return uint64(r) < ux
		case opSub:
			return ux < uy
		}
		hi, _ := bits.Mul64(ux, uy)
		return hi != 0
	}
	switch o {
	case opAdd:
		return (x^r)&(y^r) < 0
	case opSub:
		return (x^y)&(x^r) < 0
	}
	return x != 0 && (r/x != y || x == -1 && y == math.MinInt64)
}

// shift is x << y or x >> y in type t, the count y of type yt.
func (p *Profile) shift(left bool, t Type, x, y int64, yt Type) (int64, error) {
	w := int64(t.Bits)
	switch p.Shift {
	case ShiftMask:
		s := uint(y & 63)
		if left {
			return norm(t, x<<s), nil
		}
		if t.Unsigned {
			return norm(t, int64(uint64(x)>>s)), nil
		}
		return x >> s, nil
	case ShiftGCC:
		neg := !yt.Unsigned && y < 0
		if neg {
			left, y = !left, -y
		}
		if neg && y < 0 || !yt.Unsigned && y >= w || yt.Unsigned && uint64(y) >= uint64(w) {
			if !left && !t.Unsigned && x < 0 {
				return norm(t, -1), nil
			}
			return 0, nil
		}
	default:
		if !yt.Unsigned && y < 0 || uint64(y) >= uint64(w) {
			return 0, ErrShift
		}
	}
	s := uint(y)
	if left {
		r := norm(t, x<<s)
		if p.Trap && (t.Unsigned && uint64(r)>>s != uint64(x) || !t.Unsigned && r>>s != x) {
			return 0, ErrOverflow
		}
		return r, nil
	}
	if t.Unsigned {
		return int64(uint64(x) >> s), nil
	}
	return x >> s, nil
}
