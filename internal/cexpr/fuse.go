package cexpr

// Fused closures of double arithmetic: an operand that is a constant, or
// an integer converted to double (C's usual conversions make one of every
// "count * 100.0 / ticks"), is read in the operation's own closure, not
// through a closure of its own. fuseDouble picks the form.

// fusing turns the fused closures on; the benchmarks turn it off to
// compare.
var fusing = true

// doubleOperand is an operand of a double operation, as it is fused: a
// constant, a signed integer closure to convert (il, its leaf, may be a
// load), or a double closure.
type doubleOperand[F any] struct {
	isK bool
	k   float64
	i   func(*F) int64 // an affine closure
	il  leaf[F]
	fl  func(*F) float64
}

// doubleOperand reads n for fusing; a 64-bit double type is the caller's.
func (c *checker[F]) doubleOperand(n *ir[F]) doubleOperand[F] {
	switch {
	case n.isConst():
		return doubleOperand[F]{isK: true, k: n.v.F}
	case n.op == opConv && n.x.t.Kind == KInt && !n.x.t.Unsigned:
		l := c.leafOf(n.x) // float64(v), exact as intToFloat to double; intFn fuses it
		return doubleOperand[F]{i: l.closure(), il: l}
	}
	return doubleOperand[F]{fl: c.floatFn(n)}
}

// closure is the operand as a closure of its own.
func (x doubleOperand[F]) closure() func(*F) float64 {
	switch {
	case x.isK:
		k := x.k
		return func(*F) float64 { return k }
	case x.il.ld.kind != loadNone:
		r := &x.il
		return func(f *F) float64 {
			v, ok := r.read(f)
			if !ok {
				v = r.fn(f)
			}
			return float64(v)
		}
	case x.i != nil:
		i := x.i
		return func(f *F) float64 { return float64(i(f)) }
	}
	return x.fl
}

// doubleRate is the closure of a rate in double, "count * 100.0 / (hertz
// * interval)": x an integer converted and scaled by a constant, y a
// product of integers converted (with loads: any affine integer, or a
// load); nil for other shapes.
func (c *checker[F]) doubleRate(n *ir[F]) func(*F) float64 {
	x, y := n.x, n.y
	if !fusing || n.op != opDiv || x.op != opMul || !x.y.isConst() || x.x.op != opConv || y.op != opConv {
		return nil
	}
	from, to := x.x.x.t, y.x.t
	if from.Kind != KInt || from.Unsigned || to.Kind != KInt || to.Unsigned || to.Bits != 64 || !c.isAffine(y.x) && !isLoad(y.x) {
		return nil
	}
	ya := c.affineOf(y.x)
	r := &dblRate[F]{c.leafOf(x.x.x), ya, x.y.v.F}
	if !r.x.loads() && !ya.fn.loads() && !ya.g.loads() {
		if !ya.hasG || ya.m != 1 || ya.a != 0 {
			return nil
		}
		xf, k, yf, yg := r.x.fn, r.k, ya.fn.fn, ya.g.fn
		return func(f *F) float64 { return float64(xf(f)) * k / float64(yf(f)*yg(f)) }
	}
	return func(f *F) float64 { // the loads inline; r's fields read when needed
		a, ok := r.x.read(f)
		if !ok {
			a = r.x.fn(f)
		}
		b, ok := r.y.fn.read(f)
		if !ok {
			b = r.y.fn.fn(f)
		}
		if r.y.hasG {
			g, ok := r.y.g.read(f)
			if !ok {
				g = r.y.g.fn(f)
			}
			b *= g
		}
		return float64(a) * r.k / float64(b*r.y.m+r.y.a)
	}
}

// dblRate is the closure data of a rate in double: x * k / y, y affine.
type dblRate[F any] struct {
	x leaf[F]
	y affine[F]
	k float64
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
	case x.i != nil && y.fl != nil:
		return dblIF(o, x.i, y.fl)
	case x.fl != nil && y.i != nil:
		return dblFI(o, x.fl, y.i)
	case x.il.loads() && y.isK:
		return dblLK(o, &x.il, y.k)
	case x.i != nil && y.isK:
		return dblIK(o, x.i, y.k)
	case x.isK && y.i != nil:
		return dblKI(o, x.k, y.i)
	case x.i != nil && y.i != nil:
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

func dblIF[F any](o op, x func(*F) int64, y func(*F) float64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return float64(x(f)) + y(f) }
	case opSub:
		return func(f *F) float64 { return float64(x(f)) - y(f) }
	case opMul:
		return func(f *F) float64 { return float64(x(f)) * y(f) }
	}
	return func(f *F) float64 { return float64(x(f)) / y(f) }
}

func dblFI[F any](o op, x func(*F) float64, y func(*F) int64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return x(f) + float64(y(f)) }
	case opSub:
		return func(f *F) float64 { return x(f) - float64(y(f)) }
	case opMul:
		return func(f *F) float64 { return x(f) * float64(y(f)) }
	}
	return func(f *F) float64 { return x(f) / float64(y(f)) }
}

func dblIK[F any](o op, x func(*F) int64, k float64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return float64(x(f)) + k }
	case opSub:
		return func(f *F) float64 { return float64(x(f)) - k }
	case opMul:
		return func(f *F) float64 { return float64(x(f)) * k }
	}
	return func(f *F) float64 { return float64(x(f)) / k }
}

// dblLK is dblIK of a load, read inline.
func dblLK[F any](o op, l *leaf[F], k float64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 {
			v, ok := l.read(f)
			if !ok {
				v = l.fn(f)
			}
			return float64(v) + k
		}
	case opSub:
		return func(f *F) float64 {
			v, ok := l.read(f)
			if !ok {
				v = l.fn(f)
			}
			return float64(v) - k
		}
	case opMul:
		return func(f *F) float64 {
			v, ok := l.read(f)
			if !ok {
				v = l.fn(f)
			}
			return float64(v) * k
		}
	}
	return func(f *F) float64 {
		v, ok := l.read(f)
		if !ok {
			v = l.fn(f)
		}
		return float64(v) / k
	}
}

func dblKI[F any](o op, k float64, y func(*F) int64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return k + float64(y(f)) }
	case opSub:
		return func(f *F) float64 { return k - float64(y(f)) }
	case opMul:
		return func(f *F) float64 { return k * float64(y(f)) }
	}
	return func(f *F) float64 { return k / float64(y(f)) }
}

func dblII[F any](o op, x, y func(*F) int64) func(*F) float64 {
	switch o {
	case opAdd:
		return func(f *F) float64 { return float64(x(f)) + float64(y(f)) }
	case opSub:
		return func(f *F) float64 { return float64(x(f)) - float64(y(f)) }
	case opMul:
		return func(f *F) float64 { return float64(x(f)) * float64(y(f)) }
	}
	return func(f *F) float64 { return float64(x(f)) / float64(y(f)) }
}

// Fused closures of 64-bit integer arithmetic (without Profile.Trap):
// an operand that is a closure plus, minus or times constants (x * 100,
// n - 1, -x), or the product of two closures, is read as fn(f)*g(f)*m + a
// in its user's closure. In 64 bits the ring arithmetic gives the bits of
// the separate operations, overflow included.

// affine is an integer operand fn(f) * g(f) * m + a (without hasG, g is
// 1). fn and g are leaves, which may be loads.
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
		return n.y.isConst() || n.x.isConst()
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
		if !n.y.isConst() { // k + y, k - y
			y, k := c.affineOf(n.y), n.x.v.I
			if n.op == opSub {
				y.m, y.a = -y.m, -y.a
			}
			y.a += k
			return y
		}
		x, k := c.affineOf(n.x), n.y.v.I
		if n.op == opSub {
			k = -k
		}
		x.a += k
		return x
	case opMul:
		if n.x.isConst() && !n.y.isConst() { // k * y is y * k
			x, k := c.affineOf(n.y), n.x.v.I
			x.m, x.a = x.m*k, x.a*k
			return x
		}
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
	if x.plain() {
		return x.fn.closure()
	}
	if x.fn.loads() || x.g.loads() {
		r := &x
		return func(f *F) int64 { // the loads inline
			v, ok := r.fn.read(f)
			if !ok {
				v = r.fn.fn(f)
			}
			if r.hasG {
				g, ok := r.g.read(f)
				if !ok {
					g = r.g.fn(f)
				}
				v *= g
			}
			return v*r.m + r.a
		}
	}
	fn, g, m, a := x.fn.fn, x.g.fn, x.m, x.a
	switch {
	case g != nil && m == 1 && a == 0:
		return func(f *F) int64 { return fn(f) * g(f) }
	case g != nil:
		return func(f *F) int64 { return fn(f)*g(f)*m + a }
	case m == 1:
		return func(f *F) int64 { return fn(f) + a }
	case a == 0:
		return func(f *F) int64 { return fn(f) * m }
	}
	return func(f *F) int64 { return fn(f)*m + a }
}

// fuseInt is the closure of x o y for affine operands, o an operation of
// 64-bit integers without traps (fail and err for a division by zero);
// nil for other operations. A product operand is read through its
// closure: the fused closure keeps its operands in locals.
func fuseInt[F any](o op, uns bool, x, y affine[F], fail func(*F, error), err error) func(*F) int64 {
	if o == opDiv && !uns && !x.hasG && y.hasG { // a rate: count * 100 / (hertz * interval)
		return intRateFn(&intRate[F]{x.fn, y.fn, y.g, x.m, x.a, y.m, y.a, fail, err})
	}
	if x.hasG {
		x = affine[F]{fn: leaf[F]{fn: x.closure()}, m: 1}
	}
	if y.hasG {
		y = affine[F]{fn: leaf[F]{fn: y.closure()}, m: 1}
	}
	if x.fn.loads() || y.fn.loads() {
		return intPairFn(o, uns, &intPair[F]{x.fn, y.fn, x.m, x.a, y.m, y.a, fail, err})
	}
	xf, xm, xa, yf, ym, ya := x.fn.fn, x.m, x.a, y.fn.fn, y.m, y.a
	switch o {
	case opAdd:
		return func(f *F) int64 { return xf(f)*xm + xa + (yf(f)*ym + ya) }
	case opSub:
		return func(f *F) int64 { return xf(f)*xm + xa - (yf(f)*ym + ya) }
	case opMul:
		return func(f *F) int64 { return (xf(f)*xm + xa) * (yf(f)*ym + ya) }
	case opAnd:
		return func(f *F) int64 { return (xf(f)*xm + xa) & (yf(f)*ym + ya) }
	case opOr:
		return func(f *F) int64 { return (xf(f)*xm + xa) | (yf(f)*ym + ya) }
	case opXor:
		return func(f *F) int64 { return (xf(f)*xm + xa) ^ (yf(f)*ym + ya) }
	case opDiv, opRem:
		div := o == opDiv
		if uns {
			return func(f *F) int64 {
				a, b := uint64(xf(f)*xm+xa), uint64(yf(f)*ym+ya)
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
				a, b := xf(f)*xm+xa, yf(f)*ym+ya
				if b == 0 {
					fail(f, err)
					return 0
				}
				return a / b
			}
		}
		return func(f *F) int64 {
			a, b := xf(f)*xm+xa, yf(f)*ym+ya
			if b == 0 {
				fail(f, err)
				return 0
			}
			return a % b
		}
	}
	return nil
}

// intRate is the closure data of a rate: (x*xm + xa) / (y*g*ym + ya).
type intRate[F any] struct {
	x, y, g        leaf[F]
	xm, xa, ym, ya int64
	fail           func(*F, error)
	err            error
}

// intRateFn is the closure of a rate.
func intRateFn[F any](r *intRate[F]) func(*F) int64 {
	if !r.x.loads() && !r.y.loads() && !r.g.loads() {
		xf, xm, xa, yf, yg, ym, ya, fail, err := r.x.fn, r.xm, r.xa, r.y.fn, r.g.fn, r.ym, r.ya, r.fail, r.err
		return func(f *F) int64 {
			a, b := xf(f)*xm+xa, yf(f)*yg(f)*ym+ya
			if b == 0 {
				fail(f, err)
				return 0
			}
			return a / b
		}
	}
	return func(f *F) int64 { // the loads inline; r's fields read when needed
		a, ok := r.x.read(f)
		if !ok {
			a = r.x.fn(f)
		}
		b, ok := r.y.read(f)
		if !ok {
			b = r.y.fn(f)
		}
		g, ok := r.g.read(f)
		if !ok {
			g = r.g.fn(f)
		}
		a, b = a*r.xm+r.xa, b*g*r.ym+r.ya
		if b == 0 {
			r.fail(f, r.err)
			return 0
		}
		return a / b
	}
}

// intPair is the closure data of x o y, affine operands of which one at
// least is a load.
type intPair[F any] struct {
	x, y           leaf[F]
	xm, xa, ym, ya int64
	fail           func(*F, error)
	err            error
}

// intPairFn is fuseInt's closure of x o y with the loads read inline.
func intPairFn[F any](o op, uns bool, r *intPair[F]) func(*F) int64 {
	switch {
	case o == opAdd:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			return a + b
		}
	case o == opSub:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			return a - b
		}
	case o == opMul:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			return a * b
		}
	case o == opAnd:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			return a & b
		}
	case o == opOr:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			return a | b
		}
	case o == opXor:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			return a ^ b
		}
	case o == opDiv && uns:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			if b == 0 {
				r.fail(f, r.err)
				return 0
			}
			return int64(uint64(a) / uint64(b))
		}
	case o == opRem && uns:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			if b == 0 {
				r.fail(f, r.err)
				return 0
			}
			return int64(uint64(a) % uint64(b))
		}
	case o == opDiv:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			if b == 0 {
				r.fail(f, r.err)
				return 0
			}
			return a / b
		}
	case o == opRem:
		return func(f *F) int64 {
			a, ok := r.x.read(f)
			if !ok {
				a = r.x.fn(f)
			}
			b, ok := r.y.read(f)
			if !ok {
				b = r.y.fn(f)
			}
			a, b = a*r.xm+r.xa, b*r.ym+r.ya
			if b == 0 {
				r.fail(f, r.err)
				return 0
			}
			return a % b
		}
	}
	return nil
}
