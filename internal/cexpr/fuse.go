package cexpr

// Fused closures of double arithmetic: an operand that is a constant, or
// an integer converted to double (C's usual conversions make one of every
// "count * 100.0 / ticks"), is read in the operation's own closure, not
// through a closure of its own. fuseDouble picks the form.

// fusing turns the fused closures on; the benchmarks turn it off to
// compare.
var fusing = true

// doubleOperand is an operand of a double operation, as it is fused: a
// constant, a signed integer closure to convert, or a double closure.
type doubleOperand[F any] struct {
	isK, isI bool
	k        float64
	i        leaf[F] // if isI: a leaf, or an affine closure
	fl       func(*F) float64
}

// doubleOperand reads n for fusing; a 64-bit double type is the caller's.
func (c *checker[F]) doubleOperand(n *ir[F]) doubleOperand[F] {
	switch {
	case n.isConst():
		return doubleOperand[F]{isK: true, k: n.v.F}
	case n.op == opConv && n.x.t.Kind == KInt && !n.x.t.Unsigned:
		return doubleOperand[F]{isI: true, i: c.leafOf(n.x)} // float64(v), exact as intToFloat to double; intFn fuses it
	}
	return doubleOperand[F]{fl: c.floatFn(n)}
}

// closure is the operand as a closure of its own.
func (x doubleOperand[F]) closure() func(*F) float64 {
	switch {
	case x.isK:
		k := x.k
		return func(*F) float64 { return k }
	case x.isI:
		i := x.i
		if i.ld.kind == loadNone {
			fn := i.fn
			return func(f *F) float64 { return float64(fn(f)) }
		}
		return func(f *F) float64 { return float64(i.get(f)) }
	}
	return x.fl
}

// doubleRate is the closure of a rate in double, "count * 100.0 / (hertz
// * interval)": x an integer converted and scaled by a constant, y a
// product of integers converted; nil for other shapes.
func (c *checker[F]) doubleRate(n *ir[F]) func(*F) float64 {
	x, y := n.x, n.y
	if !fusing || n.op != opDiv || x.op != opMul || !x.y.isConst() || x.x.op != opConv || y.op != opConv {
		return nil
	}
	from, to := x.x.x.t, y.x.t
	if from.Kind != KInt || from.Unsigned || to.Kind != KInt || to.Unsigned || to.Bits != 64 || !c.isAffine(y.x) {
		return nil
	}
	ya := c.affineOf(y.x)
	if !ya.hasG || ya.m != 1 || ya.a != 0 {
		return nil
	}
	xf, k, yf, yg := c.leafOf(x.x.x), x.y.v.F, ya.fn, ya.g
	return func(f *F) float64 {
		a, ok := xf.read(f)
		if !ok {
			a = xf.fn(f)
		}
		b, ok := yf.read(f)
		if !ok {
			b = yf.fn(f)
		}
		g, ok := yg.read(f)
		if !ok {
			g = yg.fn(f)
		}
		return float64(a) * k / float64(b*g)
	}
}

// fuseDouble is the closure of x o y in double, o one of + - * /.
func fuseDouble[F any](o op, x, y doubleOperand[F]) func(*F) float64 {
	switch {
	case !fusing:
		return nil
	case x.fl != nil && y.isK:
		return dblFK(o, x.fl, y.k)
	case x.isK && y.fl != nil:
		return dblKF(o, x.k, y.fl)
	case x.isI && y.fl != nil:
		return dblIF(o, x.i, y.fl)
	case x.fl != nil && y.isI:
		return dblFI(o, x.fl, y.i)
	case x.isI && y.isK:
		return dblIK(o, x.i, y.k)
	case x.isK && y.isI:
		return dblKI(o, x.k, y.i)
	case x.isI && y.isI:
		return dblII(o, x.i, y.i)
	}
	return nil // both closures (the plain form), or both constants (folded)
}

func dblFK[F any](o op, x func(*F) float64, k float64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return x(f) + k }
	case opSub:
		return func(f *F) float64 { return x(f) - k }
	case opMul:
		return func(f *F) float64 { return x(f) * k }
	}
	return func(f *F) float64 { return x(f) / k }
}

func dblKF[F any](o op, k float64, y func(*F) float64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return k + y(f) }
	case opSub:
		return func(f *F) float64 { return k - y(f) }
	case opMul:
		return func(f *F) float64 { return k * y(f) }
	}
	return func(f *F) float64 { return k / y(f) }
}

func dblIF[F any](o op, x leaf[F], y func(*F) float64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return float64(x.get(f)) + y(f) }
	case opSub:
		return func(f *F) float64 { return float64(x.get(f)) - y(f) }
	case opMul:
		return func(f *F) float64 { return float64(x.get(f)) * y(f) }
	}
	return func(f *F) float64 { return float64(x.get(f)) / y(f) }
}

func dblFI[F any](o op, x func(*F) float64, y leaf[F]) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return x(f) + float64(y.get(f)) }
	case opSub:
		return func(f *F) float64 { return x(f) - float64(y.get(f)) }
	case opMul:
		return func(f *F) float64 { return x(f) * float64(y.get(f)) }
	}
	return func(f *F) float64 { return x(f) / float64(y.get(f)) }
}

func dblIK[F any](o op, x leaf[F], k float64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return float64(x.get(f)) + k }
	case opSub:
		return func(f *F) float64 { return float64(x.get(f)) - k }
	case opMul:
		return func(f *F) float64 { return float64(x.get(f)) * k }
	}
	return func(f *F) float64 { return float64(x.get(f)) / k }
}

func dblKI[F any](o op, k float64, y leaf[F]) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return k + float64(y.get(f)) }
	case opSub:
		return func(f *F) float64 { return k - float64(y.get(f)) }
	case opMul:
		return func(f *F) float64 { return k * float64(y.get(f)) }
	}
	return func(f *F) float64 { return k / float64(y.get(f)) }
}

func dblII[F any](o op, x, y leaf[F]) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return float64(x.get(f)) + float64(y.get(f)) }
	case opSub:
		return func(f *F) float64 { return float64(x.get(f)) - float64(y.get(f)) }
	case opMul:
		return func(f *F) float64 { return float64(x.get(f)) * float64(y.get(f)) }
	}
	return func(f *F) float64 { return float64(x.get(f)) / float64(y.get(f)) }
}

// Fused closures of 64-bit integer arithmetic (without Profile.Trap):
// an operand that is a closure plus, minus or times constants (x * 100,
// n - 1, -x), or the product of two closures, is read as fn(f)*g(f)*m + a
// in its user's closure. In 64 bits the ring arithmetic gives the bits of
// the separate operations, overflow included.

// affine is an integer operand fn(f) * g(f) * m + a (without hasG, g is
// 1). fn and g are leaves: loads are read in the closure.
type affine[F any] struct {
	fn, g leaf[F]
	hasG  bool
	m, a  int64
}

func (x affine[F]) plain() bool { return !x.hasG && x.m == 1 && x.a == 0 }

// isAffine reports whether n is an operation that affineOf folds into
// its operand.
func (c *checker[F]) isAffine(n *ir[F]) bool {
	if !fusing || n.t.Kind != KInt || n.t.Bits != 64 || c.prof.Trap {
		return false
	}
	switch n.op {
	case opAdd, opSub:
		return n.y.isConst()
	case opMul, opNeg:
		return true
	case opConv:
		return n.x.t.Kind == KInt && n.x.t.Bits == 64
	}
	return false
}

// affineOf reads n, of a 64-bit integer type, as an affine operand.
func (c *checker[F]) affineOf(n *ir[F]) affine[F] {
	if !c.isAffine(n) {
		return affine[F]{fn: c.leafOf(n), m: 1}
	}
	switch n.op {
	case opAdd, opSub:
		x, k := c.affineOf(n.x), n.y.v.I
		if n.op == opSub {
			k = -k
		}
		x.a += k
		return x
	case opMul:
		x := c.affineOf(n.x)
		if n.y.isConst() {
			k := n.y.v.I
			x.m, x.a = x.m*k, x.a*k
			return x
		}
		if x.plain() {
			x.g, x.hasG = c.leafOf(n.y), true
			return x
		}
		return affine[F]{fn: leaf[F]{fn: x.closure()}, g: c.leafOf(n.y), hasG: true, m: 1}
	case opNeg:
		x := c.affineOf(n.x)
		x.m, x.a = -x.m, -x.a
		return x
	}
	return c.affineOf(n.x) // a conversion that keeps the bits
}

// closure is the affine operand as a closure of its own.
func (x affine[F]) closure() func(*F) int64 {
	fn, g, m, a := x.fn, x.g, x.m, x.a
	switch {
	case x.plain():
		return fn.closure()
	case x.hasG && m == 1 && a == 0:
		return func(f *F) int64 { return fn.get(f) * g.get(f) }
	case x.hasG:
		return func(f *F) int64 { return fn.get(f)*g.get(f)*m + a }
	case m == 1:
		return func(f *F) int64 { return fn.get(f) + a }
	case a == 0:
		return func(f *F) int64 { return fn.get(f) * m }
	}
	return func(f *F) int64 { return fn.get(f)*m + a }
}

// fuseInt is the closure of x o y for affine operands, o an operation of
// 64-bit integers without traps (fail and err for a division by zero);
// nil for other operations. A product operand is read through its
// closure: the fused closure keeps its operands in locals.
func fuseInt[F any](o op, uns bool, x, y affine[F], fail func(*F, error), err error) func(*F) int64 {
	if o == opDiv && !uns && !x.hasG && y.hasG { // a rate: count * 100 / (hertz * interval)
		xf, xm, xa, yf, yg, ym, ya := x.fn, x.m, x.a, y.fn, y.g, y.m, y.a
		return func(f *F) int64 { // the leaves' reads inline
			a, ok := xf.read(f)
			if !ok {
				a = xf.fn(f)
			}
			b, ok := yf.read(f)
			if !ok {
				b = yf.fn(f)
			}
			g, ok := yg.read(f)
			if !ok {
				g = yg.fn(f)
			}
			a, b = a*xm+xa, b*g*ym+ya
			if b == 0 {
				fail(f, err)
				return 0
			}
			return a / b
		}
	}
	if x.hasG {
		x = affine[F]{fn: leaf[F]{fn: x.closure()}, m: 1}
	}
	if y.hasG {
		y = affine[F]{fn: leaf[F]{fn: y.closure()}, m: 1}
	}
	xf, xm, xa, yf, ym, ya := x.fn, x.m, x.a, y.fn, y.m, y.a
	switch o {
	case opAdd:
		return func(f *F) int64 { return xf.get(f)*xm + xa + (yf.get(f)*ym + ya) }
	case opSub:
		return func(f *F) int64 { return xf.get(f)*xm + xa - (yf.get(f)*ym + ya) }
	case opMul:
		return func(f *F) int64 { return (xf.get(f)*xm + xa) * (yf.get(f)*ym + ya) }
	case opAnd:
		return func(f *F) int64 { return (xf.get(f)*xm + xa) & (yf.get(f)*ym + ya) }
	case opOr:
		return func(f *F) int64 { return (xf.get(f)*xm + xa) | (yf.get(f)*ym + ya) }
	case opXor:
		return func(f *F) int64 { return (xf.get(f)*xm + xa) ^ (yf.get(f)*ym + ya) }
	case opDiv, opRem:
		div := o == opDiv
		if uns {
			return func(f *F) int64 {
				a, b := uint64(xf.get(f)*xm+xa), uint64(yf.get(f)*ym+ya)
				switch {
				case b == 0:
					fail(f, err)
					return 0
				case div:
					return int64(a / b)
				}
				return int64(a % b)
			}
		}
		if div {
			return func(f *F) int64 {
				a, b := xf.get(f)*xm+xa, yf.get(f)*ym+ya
				if b == 0 {
					fail(f, err)
					return 0
				}
				return a / b
			}
		}
		return func(f *F) int64 {
			a, b := xf.get(f)*xm+xa, yf.get(f)*ym+ya
			if b == 0 {
				fail(f, err)
				return 0
			}
			return a % b
		}
	}
	return nil
}
