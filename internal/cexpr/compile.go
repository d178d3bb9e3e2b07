package cexpr

import "bytes"

// The compiled back end: each node becomes a closure of its static type,
// built once; running one does no map lookup, no type switch on values
// and no allocation. Errors (a division by zero) go to Host.Fail, and the
// closure goes on with 0.

// Operand is the compiled program: a constant, the closure of its type,
// the host's data of a host kind, or for a program that always fails,
// KNever with Err.
func (p *Program[F]) Operand() Operand[F] { return p.c.compile(p.root) }

// Int is the program as an integer closure: the bits of its integer type
// (Type says how to read them), a float truncated toward zero, a
// failing program 0 after Host.Fail. It is nil for text and host kinds.
func (p *Program[F]) Int() func(*F) int64 {
	switch p.root.t.Kind {
	case KInt, KNever:
		return p.c.intFn(p.root)
	case KFloat:
		x := p.c.floatFn(p.root)
		return func(f *F) int64 { return int64(x(f)) }
	}
	return nil
}

// Float is the program as a float64 closure (an integer converted, an
// unsigned one as unsigned); nil for text and host kinds.
func (p *Program[F]) Float() func(*F) float64 {
	switch p.root.t.Kind {
	case KFloat, KNever:
		return p.c.floatFn(p.root)
	case KInt:
		x, uns := p.c.intFn(p.root), p.root.t.Unsigned
		if uns {
			return func(f *F) float64 { return float64(uint64(x(f))) }
		}
		return func(f *F) float64 { return float64(x(f)) }
	}
	return nil
}

// Text is the program as a text closure; nil for other types.
func (p *Program[F]) Text() func(*F) []byte {
	switch p.root.t.Kind {
	case KText, KNever:
		return p.c.textFn(p.root)
	}
	return nil
}

// Bool is the program's C truth; nil for host kinds (and text unless the
// profile has TextOps).
func (p *Program[F]) Bool() func(*F) bool {
	n, err := p.c.truth(p.root, &Ident{Pos: p.root.pos})
	if err != nil || n.t.Kind == KHost {
		return nil
	}
	return p.c.boolFn(n)
}

// compile makes the operand of a node.
func (c *checker[F]) compile(n *ir[F]) Operand[F] {
	switch {
	case n.op == opConst:
		return Constant[F](n.v)
	case n.op == opLeaf:
		return n.leaf
	}
	switch n.t.Kind {
	case KInt:
		return IntLeaf(n.t, c.intFn(n))
	case KFloat:
		return FloatLeaf(n.t, c.floatFn(n))
	case KText:
		return TextLeaf(c.textFn(n))
	}
	return Operand[F]{Type: Never, Err: c.failErr(n), effects: c.effects(n)}
}

// Fails runs a KNever operand that Compile returned: what precedes its
// failure, then Host.Fail with its error. It is nil for other operands
// (and for a host's own Failing operand, whose error is Err).
func (o Operand[F]) Fails() func(*F) { return o.effects }

// failErr is the error a failing node ends with.
func (c *checker[F]) failErr(n *ir[F]) error {
	for n.op == opFail && n.y != nil {
		n = n.y
	}
	if n.op == opLeaf {
		return n.leaf.Err
	}
	return n.err
}

// effects runs a node for its errors only.
func (c *checker[F]) effects(n *ir[F]) func(*F) {
	switch {
	case n.op == opFail:
		var first, then func(*F)
		if n.x != nil {
			first = c.effects(n.x)
		}
		if n.y != nil {
			then = c.effects(n.y)
		} else {
			fail, err := c.host.Fail, n.err
			then = func(f *F) { fail(f, err) }
		}
		if first == nil {
			return then
		}
		return func(f *F) { first(f); then(f) }
	case n.t.Kind != KNever:
	case n.op == opLeaf:
		if n.leaf.effects != nil {
			return n.leaf.effects
		}
		fail, err := c.host.Fail, n.leaf.Err
		return func(f *F) { fail(f, err) }
	case n.op == opCond:
		cond, a, b := c.boolFn(n.x), c.effects(n.y), c.effects(n.z)
		return func(f *F) {
			if cond(f) {
				a(f)
			} else {
				b(f)
			}
		}
	}
	switch n.t.Kind {
	case KInt:
		x := c.intFn(n)
		return func(f *F) { x(f) }
	case KFloat:
		x := c.floatFn(n)
		return func(f *F) { x(f) }
	case KText:
		x := c.textFn(n)
		return func(f *F) { x(f) }
	}
	return func(*F) {}
}

// failing is the closure of a node that fails.
func failing[F any, T any](c *checker[F], n *ir[F]) func(*F) T {
	e := c.effects(n)
	return func(f *F) T {
		e(f)
		var zero T
		return zero
	}
}

func (c *checker[F]) intFn(n *ir[F]) func(*F) int64 {
	switch n.op {
	case opConst:
		v := n.v.I
		return func(*F) int64 { return v }
	case opLeaf:
		if n.t.Kind == KNever {
			return failing[F, int64](c, n)
		}
		return n.leaf.Int
	case opFail:
		return failing[F, int64](c, n)
	case opCond:
		cond, a, b := c.boolFn(n.x), c.intFn(n.y), c.intFn(n.z)
		return func(f *F) int64 {
			if cond(f) {
				return a(f)
			}
			return b(f)
		}
	case opConv:
		return c.convInt(n)
	case opTruth, opNot, opEq, opNe, opLt, opLe, opGt, opGe, opLAnd, opLOr:
		b := c.boolFn(n)
		return func(f *F) int64 {
			if b(f) {
				return 1
			}
			return 0
		}
	}
	return c.intArith(n)
}

func (c *checker[F]) convInt(n *ir[F]) func(*F) int64 {
	t, from := n.t, n.x.t
	if from.Kind == KFloat {
		x := c.floatFn(n.x)
		return func(f *F) int64 { return floatToInt(t, x(f)) }
	}
	x := c.intFn(n.x)
	if t.Bits != 1 && (t.Bits == 64 || t.Bits > from.Bits && (from.Unsigned || !t.Unsigned)) {
		return x // the bits are already right
	}
	switch {
	case t.Bits == 1:
		return func(f *F) int64 { return b2i(x(f) != 0) }
	case t.Unsigned:
		m := uint64(1)<<t.Bits - 1
		return func(f *F) int64 { return int64(uint64(x(f)) & m) }
	}
	s := 64 - t.Bits
	return func(f *F) int64 { return x(f) << s >> s }
}

// intArith compiles the integer operations: a fast closure for the
// common 64-bit cases without traps, the general one otherwise.
func (c *checker[F]) intArith(n *ir[F]) func(*F) int64 {
	if fusing && n.y != nil && n.t.Bits == 64 && !c.prof.Trap {
		if c.isAffine(n) {
			return c.affineOf(n).closure() // x + k, x * k, x * y, nested
		}
		ax, ay := c.affineOf(n.x), c.affineOf(n.y)
		if !ax.plain() || !ay.plain() {
			if fn := fuseInt(n.op, n.t.Unsigned, ax, ay, c.host.Fail, c.opError(n, ErrDivZero)); fn != nil {
				return fn
			}
		}
		return c.intOps(n, ax.closure(), ay.closure())
	}
	return c.intOps(n, c.intFn(n.x), nil)
}

// intOps is intArith with x compiled, and y when it is not nil.
func (c *checker[F]) intOps(n *ir[F], x, y func(*F) int64) func(*F) int64 {
	p, t, o := c.prof, n.t, n.op
	if n.y == nil { // - ~
		if t.Bits == 64 && !p.Trap {
			if o == opNeg {
				return func(f *F) int64 { return -x(f) }
			}
			return func(f *F) int64 { return ^x(f) }
		}
		fail, err := c.host.Fail, c.opError(n, ErrOverflow)
		return func(f *F) int64 {
			v, kind := p.intOp(o, t, x(f), 0, t)
			if kind != nil {
				fail(f, err)
			}
			return v
		}
	}
	yt := n.y.t
	if n.y.isConst() && t.Bits == 64 && !p.Trap {
		k := n.y.v.I
		switch o {
		case opAdd:
			return func(f *F) int64 { return x(f) + k }
		case opSub:
			return func(f *F) int64 { return x(f) - k }
		case opMul:
			return func(f *F) int64 { return x(f) * k }
		case opAnd:
			return func(f *F) int64 { return x(f) & k }
		case opOr:
			return func(f *F) int64 { return x(f) | k }
		case opDiv:
			if k != 0 && k != -1 {
				if t.Unsigned {
					return func(f *F) int64 { return int64(uint64(x(f)) / uint64(k)) }
				}
				return func(f *F) int64 { return x(f) / k }
			}
		}
	}
	if y == nil {
		y = c.intFn(n.y)
	}
	if t.Bits == 64 && !p.Trap {
		switch o {
		case opAdd:
			return func(f *F) int64 { return x(f) + y(f) }
		case opSub:
			return func(f *F) int64 { return x(f) - y(f) }
		case opMul:
			return func(f *F) int64 { return x(f) * y(f) }
		case opAnd:
			return func(f *F) int64 { return x(f) & y(f) }
		case opOr:
			return func(f *F) int64 { return x(f) | y(f) }
		case opXor:
			return func(f *F) int64 { return x(f) ^ y(f) }
		case opDiv, opRem:
			return c.divide(n, x, y)
		}
	}
	if t.Bits < 64 && t.Bits > 1 && (o == opAdd || o == opSub || o == opMul) {
		return c.narrow(n, x, y)
	}
	errs := [...]error{c.opError(n, ErrDivZero), c.opError(n, ErrOverflow), c.opError(n, ErrShift)}
	fail := c.host.Fail
	return func(f *F) int64 {
		v, kind := p.intOp(o, t, x(f), y(f), yt)
		if kind != nil {
			switch kind {
			case ErrDivZero:
				fail(f, errs[0])
			case ErrOverflow:
				fail(f, errs[1])
			default:
				fail(f, errs[2])
			}
		}
		return v
	}
}

// narrow is + - * in an integer type narrower than 64 bits: the operands
// fit in 32 bits, so the result is exact in int64 before it is converted
// (and, under Profile.Trap, compared).
func (c *checker[F]) narrow(n *ir[F], x, y func(*F) int64) func(*F) int64 {
	t, trap := n.t, c.prof.Trap
	fail, err := c.host.Fail, c.opError(n, ErrOverflow)
	s, m, uns := 64-t.Bits, int64(1)<<t.Bits-1, t.Unsigned
	conv := func(f *F, r int64) int64 {
		v := r << s >> s
		if uns {
			v = r & m
		}
		if trap && v != r {
			fail(f, err)
		}
		return v
	}
	switch n.op {
	case opAdd:
		return func(f *F) int64 { return conv(f, x(f)+y(f)) }
	case opSub:
		return func(f *F) int64 { return conv(f, x(f)-y(f)) }
	}
	return func(f *F) int64 { return conv(f, x(f)*y(f)) }
}

// divide is a 64-bit division or remainder: Go's, like C's, truncates,
// and MinInt64 / -1 wraps (Go does not trap).
func (c *checker[F]) divide(n *ir[F], x, y func(*F) int64) func(*F) int64 {
	fail, err := c.host.Fail, c.opError(n, ErrDivZero)
	switch {
	case n.t.Unsigned && n.op == opDiv:
		return func(f *F) int64 {
			a, b := x(f), y(f)
			if b == 0 {
				fail(f, err)
				return 0
			}
			return int64(uint64(a) / uint64(b))
		}
	case n.t.Unsigned:
		return func(f *F) int64 {
			a, b := x(f), y(f)
			if b == 0 {
				fail(f, err)
				return 0
			}
			return int64(uint64(a) % uint64(b))
		}
	case n.op == opDiv:
		return func(f *F) int64 {
			a, b := x(f), y(f)
			if b == 0 {
				fail(f, err)
				return 0
			}
			return a / b
		}
	}
	return func(f *F) int64 {
		a, b := x(f), y(f)
		if b == 0 {
			fail(f, err)
			return 0
		}
		return a % b
	}
}

func (c *checker[F]) boolFn(n *ir[F]) func(*F) bool {
	switch n.op {
	case opConst:
		v := n.v.Truth()
		return func(*F) bool { return v }
	case opTruth:
		switch n.x.t.Kind {
		case KInt:
			x := c.intFn(n.x)
			return func(f *F) bool { return x(f) != 0 }
		case KFloat:
			x := c.floatFn(n.x)
			return func(f *F) bool { return x(f) != 0 }
		case KText:
			x := c.textFn(n.x)
			return func(f *F) bool { return len(x(f)) > 0 }
		}
	case opNot:
		x := c.boolFn(n.x)
		return func(f *F) bool { return !x(f) }
	case opLAnd:
		x, y := c.boolFn(n.x), c.boolFn(n.y)
		return func(f *F) bool { return x(f) && y(f) }
	case opLOr:
		x, y := c.boolFn(n.x), c.boolFn(n.y)
		return func(f *F) bool { return x(f) || y(f) }
	case opEq, opNe, opLt, opLe, opGt, opGe:
		return c.compare(n)
	}
	switch n.t.Kind {
	case KFloat:
		x := c.floatFn(n)
		return func(f *F) bool { return x(f) != 0 }
	case KText:
		x := c.textFn(n)
		return func(f *F) bool { return len(x(f)) > 0 }
	}
	x := c.intFn(n)
	return func(f *F) bool { return x(f) != 0 }
}

func (c *checker[F]) compare(n *ir[F]) func(*F) bool {
	o := n.op
	switch n.x.t.Kind {
	case KText:
		x, y := c.textFn(n.x), c.textFn(n.y)
		if o == opEq {
			return func(f *F) bool { return bytes.Equal(x(f), y(f)) }
		}
		return func(f *F) bool { return !bytes.Equal(x(f), y(f)) }
	case KFloat:
		x, y := c.floatFn(n.x), c.floatFn(n.y)
		switch o {
		case opEq:
			return func(f *F) bool { return x(f) == y(f) }
		case opNe:
			return func(f *F) bool { return x(f) != y(f) }
		case opLt:
			return func(f *F) bool { return x(f) < y(f) }
		case opLe:
			return func(f *F) bool { return x(f) <= y(f) }
		case opGt:
			return func(f *F) bool { return x(f) > y(f) }
		}
		return func(f *F) bool { return x(f) >= y(f) }
	}
	x := c.intFn(n.x)
	if n.y.isConst() && !n.x.t.Unsigned {
		k := n.y.v.I
		switch o {
		case opEq:
			return func(f *F) bool { return x(f) == k }
		case opNe:
			return func(f *F) bool { return x(f) != k }
		case opLt:
			return func(f *F) bool { return x(f) < k }
		case opLe:
			return func(f *F) bool { return x(f) <= k }
		case opGt:
			return func(f *F) bool { return x(f) > k }
		}
		return func(f *F) bool { return x(f) >= k }
	}
	y := c.intFn(n.y)
	if n.x.t.Unsigned {
		switch o {
		case opEq:
			return func(f *F) bool { return x(f) == y(f) }
		case opNe:
			return func(f *F) bool { return x(f) != y(f) }
		case opLt:
			return func(f *F) bool { return uint64(x(f)) < uint64(y(f)) }
		case opLe:
			return func(f *F) bool { return uint64(x(f)) <= uint64(y(f)) }
		case opGt:
			return func(f *F) bool { return uint64(x(f)) > uint64(y(f)) }
		}
		return func(f *F) bool { return uint64(x(f)) >= uint64(y(f)) }
	}
	switch o {
	case opEq:
		return func(f *F) bool { return x(f) == y(f) }
	case opNe:
		return func(f *F) bool { return x(f) != y(f) }
	case opLt:
		return func(f *F) bool { return x(f) < y(f) }
	case opLe:
		return func(f *F) bool { return x(f) <= y(f) }
	case opGt:
		return func(f *F) bool { return x(f) > y(f) }
	}
	return func(f *F) bool { return x(f) >= y(f) }
}

func (c *checker[F]) floatFn(n *ir[F]) func(*F) float64 {
	t := n.t
	switch n.op {
	case opConst:
		v := n.v.F
		return func(*F) float64 { return v }
	case opLeaf:
		if n.t.Kind == KNever {
			return failing[F, float64](c, n)
		}
		return n.leaf.Float
	case opFail:
		return failing[F, float64](c, n)
	case opCond:
		cond, a, b := c.boolFn(n.x), c.floatFn(n.y), c.floatFn(n.z)
		return func(f *F) float64 {
			if cond(f) {
				return a(f)
			}
			return b(f)
		}
	case opConv:
		if n.x.t.Kind == KFloat {
			x := c.floatFn(n.x)
			if t.Bits == 32 {
				return func(f *F) float64 { return float64(float32(x(f))) }
			}
			return x
		}
		x, p, uns := c.intFn(n.x), c.prof, n.x.t.Unsigned
		return func(f *F) float64 { return intToFloat(p, uns, t, x(f)) }
	case opNeg:
		x := c.floatFn(n.x)
		return func(f *F) float64 { return -x(f) }
	}
	var x, y func(*F) float64
	if t.Bits == 64 {
		if fn := c.doubleRate(n); fn != nil {
			return fn
		}
		xo, yo := c.doubleOperand(n.x), c.doubleOperand(n.y)
		if fn := fuseDouble(n.op, xo, yo); fn != nil {
			return fn
		}
		x, y = xo.closure(), yo.closure()
	} else {
		x, y = c.floatFn(n.x), c.floatFn(n.y)
	}
	if t.Bits == 32 {
		switch n.op {
		case opAdd:
			return func(f *F) float64 { return float64(float32(x(f)) + float32(y(f))) }
		case opSub:
			return func(f *F) float64 { return float64(float32(x(f)) - float32(y(f))) }
		case opMul:
			return func(f *F) float64 { return float64(float32(x(f)) * float32(y(f))) }
		}
		return func(f *F) float64 { return float64(float32(x(f)) / float32(y(f))) }
	}
	switch n.op {
	case opAdd:
		return func(f *F) float64 { return x(f) + y(f) }
	case opSub:
		return func(f *F) float64 { return x(f) - y(f) }
	case opMul:
		return func(f *F) float64 { return x(f) * y(f) }
	}
	return func(f *F) float64 { return x(f) / y(f) }
}

func (c *checker[F]) textFn(n *ir[F]) func(*F) []byte {
	switch n.op {
	case opConst:
		v := n.v.S
		return func(*F) []byte { return v }
	case opLeaf:
		if n.t.Kind == KNever {
			return failing[F, []byte](c, n)
		}
		return n.leaf.Text
	case opCond:
		cond, a, b := c.boolFn(n.x), c.textFn(n.y), c.textFn(n.z)
		return func(f *F) []byte {
			if cond(f) {
				return a(f)
			}
			return b(f)
		}
	}
	return failing[F, []byte](c, n)
}
