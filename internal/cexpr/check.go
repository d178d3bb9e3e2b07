package cexpr

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
)

// op is an operation of the typed tree that Check builds.
type op uint8

const (
	opConst op = iota // v
	opLeaf            // a host operand: leaf
	opFail            // fails with err (after x, if any, for its errors)
	opConv            // x converted to t
	opTruth           // x != 0 (a text: not empty), an int
	opNot             // !x, x a truth
	opNeg             // -x
	opCompl           // ~x
	opAdd             // x + y, both of type t; likewise to opXor
	opSub
	opMul
	opDiv
	opRem
	opAnd
	opOr
	opXor
	opShl // x << y: x of type t, y of its own promoted type
	opShr
	opEq // x == y, both of one type (or both text); an int
	opNe
	opLt
	opLe
	opGt
	opGe
	opLAnd // x && y, both truths; y evaluated only when needed
	opLOr
	opCond // x ? y : z, x a truth, y and z of type t
)

var binOps = map[string]op{
	"+": opAdd, "-": opSub, "*": opMul, "/": opDiv, "%": opRem,
	"&": opAnd, "|": opOr, "^": opXor, "<<": opShl, ">>": opShr,
	"==": opEq, "!=": opNe, "<": opLt, "<=": opLe, ">": opGt, ">=": opGe,
	"&&": opLAnd, "||": opLOr,
}

// ir is a node of the typed tree: C's conversions are explicit opConv
// nodes, and constant subtrees are folded.
type ir[F any] struct {
	op      op
	t       Type
	pos     lexer.Position
	x, y, z *ir[F]
	v       Value      // opConst
	leaf    Operand[F] // opLeaf
	err     error      // opFail
}

func (n *ir[F]) isConst() bool { return n.op == opConst }

// checker builds the typed tree of one Check.
type checker[F any] struct {
	prof  *Profile
	host  Host[F]
	lim   Limits
	cost  int
	depth int
}

// Program is a checked expression: its static type, a reference
// evaluator (Eval) and its compiled closures (Operand, Int, Float, Text,
// Bool). It is immutable and safe for concurrent use if the host's
// closures are.
type Program[F any] struct {
	root *ir[F]
	c    *checker[F]
}

// Check checks x under the profile and host: it resolves names through
// the host, gives every node its C type, inserts the integer promotions
// and the usual arithmetic conversions, and folds constants. An error in
// a constant that is not always evaluated (1/0 in an arm of ?:) is an
// error only where it is evaluated.
func Check[F any](x Node, prof *Profile, h Host[F]) (*Program[F], error) {
	c := &checker[F]{prof: prof, host: h, lim: prof.Limits.orDefault()}
	n, err := c.check(x)
	if err != nil {
		return nil, err
	}
	if n.t.Kind == KHost {
		// a program's value is a scalar, or the host's data as it is
		if n.op != opLeaf && n.op != opConst {
			return nil, errorf(n.pos, "%s is not a value", kindName(n.t))
		}
	}
	return &Program[F]{root: n, c: c}, nil
}

// Compile checks x and compiles it into typed closures over F.
func Compile[F any](x Node, prof *Profile, h Host[F]) (Operand[F], error) {
	p, err := Check(x, prof, h)
	if err != nil {
		return Operand[F]{}, err
	}
	return p.Operand(), nil
}

// Eval checks and evaluates an expression of constants: #if, an
// enumerator, an array bound.
func Eval(x Node, prof *Profile, h Host[struct{}]) (Value, error) {
	p, err := Check(x, prof, h)
	if err != nil {
		return Value{}, err
	}
	return p.Eval(nil)
}

// Scalar is the program as a scalar: a host kind's value by Host.Load
// (at its root), other programs as they are.
func (p *Program[F]) Scalar() (*Program[F], error) {
	if p.root.t.Kind != KHost {
		return p, nil
	}
	n, err := p.c.scalar(p.root, &Ident{Pos: p.root.pos})
	if err != nil {
		return nil, err
	}
	return &Program[F]{root: n, c: p.c}, nil
}

// Type is the program's static type.
func (p *Program[F]) Type() Type { return p.root.t }

// Const is the program's value if it is a constant.
func (p *Program[F]) Const() (Value, bool) {
	if p.root.op == opConst {
		return p.root.v, true
	}
	return Value{}, false
}

// defer_ turns err into a failing node under DeferErrors (limit errors
// are never deferred).
func (c *checker[F]) bad(err error) (*ir[F], error) {
	if c.prof.DeferErrors && !errors.Is(err, ErrNesting) && !errors.Is(err, ErrSize) && !errors.Is(err, ErrCost) {
		return &ir[F]{op: opFail, t: Never, err: err}, nil
	}
	return nil, err
}

func (c *checker[F]) badf(pos lexer.Position, format string, args ...any) (*ir[F], error) {
	return c.bad(errorf(pos, format, args...))
}

// badAfter is badf for an operator whose operands are evaluated before
// it fails: a deferred error comes after theirs ("a[9] < s" reports the
// index first).
func (c *checker[F]) badAfter(operands []*ir[F], pos lexer.Position, format string, args ...any) (*ir[F], error) {
	n, err := c.badf(pos, format, args...)
	if err != nil {
		return nil, err
	}
	n.pos = pos
	for i := len(operands) - 1; i >= 0; i-- {
		if n, err = c.seq(operands[i], n); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// node makes a node, counting its cost.
func (c *checker[F]) node(n *ir[F]) (*ir[F], error) {
	c.cost++
	if c.cost > c.lim.Cost {
		return nil, kindError(n.pos, ErrCost, "expression too costly (more than %d nodes)", c.lim.Cost)
	}
	return n, nil
}

// operand checks and compiles x.
func (c *checker[F]) operand(x Node) (Operand[F], error) {
	n, err := c.check(x)
	if err != nil {
		return Operand[F]{}, err
	}
	return c.compile(n), nil
}

func (c *checker[F]) check(x Node) (*ir[F], error) {
	c.depth++
	defer func() { c.depth-- }()
	if c.depth > 2*c.lim.Depth {
		return nil, kindError(x.Position(), ErrNesting, "nesting too deep (more than %d levels)", c.lim.Depth)
	}
	switch x := x.(type) {
	case *Lit:
		v, msg := c.prof.literal(x)
		if msg != "" {
			return c.badf(x.Pos, "%s", msg)
		}
		return c.node(&ir[F]{op: opConst, t: v.Type, pos: x.Pos, v: v})
	case *Ident:
		o, err := c.host.Ident(x)
		if err != nil {
			return c.bad(err)
		}
		return c.leaf(o, x)
	case *Paren:
		return c.check(x.X)
	case *Unary:
		return c.unary(x)
	case *Binary:
		return c.binary(x)
	case *Cond:
		return c.cond(x)
	case *Cast:
		t, err := c.host.Type(x.Type, x)
		if err != nil {
			return c.bad(err)
		}
		v, err := c.check(x.X)
		if err != nil {
			return nil, err
		}
		return c.cast(v, t, x)
	case *Member:
		v, err := c.check(x.X)
		if err != nil || v.t.Kind == KNever {
			return v, err
		}
		if v.t.Kind != KHost {
			return c.badAfter([]*ir[F]{v}, x.Pos, "field %q of %s", x.Name, kindName(v.t))
		}
		o, err := c.host.Member(c.compile(v), x)
		if err != nil {
			return c.bad(err)
		}
		return c.leaf(o, x)
	case *Index:
		v, err := c.check(x.X)
		if err != nil || v.t.Kind == KNever {
			return v, err
		}
		i, err := c.check(x.I)
		if err != nil {
			return nil, err
		}
		if i, err = c.scalar(i, x.I); err != nil || i.t.Kind == KNever {
			return i, err
		}
		if !i.t.IsArith() {
			return c.badAfter([]*ir[F]{v, i}, x.Pos, "index is %s", kindName(i.t))
		}
		if v.t.Kind != KHost {
			return c.badAfter([]*ir[F]{v, i}, x.Pos, "index of %s", kindName(v.t))
		}
		if i, err = c.conv(i, Long); err != nil {
			return nil, err
		}
		o, err := c.host.Index(c.compile(v), c.compile(i), x)
		if err != nil {
			return c.bad(err)
		}
		return c.leaf(o, x)
	case *Call:
		if _, ok := x.Fun.(*Ident); !ok {
			return c.badf(x.Pos, "only named functions can be called")
		}
		o, err := c.host.Call(x, Args[F]{Nodes: x.Args, c: c})
		if err != nil {
			return c.bad(err)
		}
		return c.leaf(o, x)
	case *Sizeof:
		o, err := c.host.Sizeof(x, Args[F]{c: c})
		if err != nil {
			return c.bad(err)
		}
		return c.leaf(o, x)
	case *Offsetof:
		o, err := c.host.Offsetof(x, Args[F]{c: c})
		if err != nil {
			return c.bad(err)
		}
		return c.leaf(o, x)
	}
	return nil, fmt.Errorf("cexpr: unknown node %T", x)
}

// leaf is the node of a host's operand.
func (c *checker[F]) leaf(o Operand[F], at Node) (*ir[F], error) {
	pos := at.Position()
	switch {
	case o.Type.Kind == KNever:
		if o.effects != nil {
			return c.node(&ir[F]{op: opLeaf, t: Never, pos: pos, leaf: o})
		}
		return c.node(&ir[F]{op: opFail, t: Never, pos: pos, err: o.Err})
	case o.Const:
		v := o.Value
		v.Type = o.Type
		return c.node(&ir[F]{op: opConst, t: o.Type, pos: pos, v: v})
	}
	ok := false
	switch o.Type.Kind {
	case KInt:
		ok = o.Int != nil && o.Type.Bits >= 1 && o.Type.Bits <= 64
	case KFloat:
		ok = o.Float != nil && (o.Type.Bits == 32 || o.Type.Bits == 64)
	case KText:
		ok = o.Text != nil
	case KHost:
		ok = true
	}
	if !ok {
		return nil, errorf(pos, "cexpr: the host gave an operand of %v without its closure", o.Type)
	}
	return c.node(&ir[F]{op: opLeaf, t: o.Type, pos: pos, leaf: o})
}

// scalar loads a host kind's value.
func (c *checker[F]) scalar(n *ir[F], at Node) (*ir[F], error) {
	if n.t.Kind != KHost {
		return n, nil
	}
	o, err := c.host.Load(c.compile(n), at)
	if err != nil {
		return c.bad(err)
	}
	if o.Type.Kind == KHost {
		// no scalar: the operator that needs one words the error
		// ("operator + on struct s and an integer")
		return n, nil
	}
	return c.leaf(o, at)
}

// fold evaluates a node whose operands are constants.
func (c *checker[F]) fold(n *ir[F]) (*ir[F], error) {
	for _, k := range [...]*ir[F]{n.x, n.y, n.z} {
		if k != nil && !k.isConst() {
			return c.node(n)
		}
	}
	v, err := c.eval(n, nil)
	if err != nil {
		// it keeps its type: "0 ? 1u << 40 : 1" is unsigned
		return c.node(&ir[F]{op: opFail, t: n.t, pos: n.pos, err: err})
	}
	return c.node(&ir[F]{op: opConst, t: n.t, pos: n.pos, v: v})
}

// seq is a failing node that runs first before failing with then's
// error: "a + b" where b fails.
func (c *checker[F]) seq(first, then *ir[F]) (*ir[F], error) {
	if first.isConst() || first.op == opFail {
		if first.op == opFail {
			return first, nil
		}
		return then, nil
	}
	return c.node(&ir[F]{op: opFail, t: Never, pos: then.pos, x: first, y: then, err: then.err})
}

// conv converts n to the arithmetic type t (an implicit conversion).
func (c *checker[F]) conv(n *ir[F], t Type) (*ir[F], error) {
	if n.t == t || n.t.Kind == KNever {
		return n, nil
	}
	return c.fold(&ir[F]{op: opConv, t: t, pos: n.pos, x: n})
}

// cast converts n to t as a cast does.
func (c *checker[F]) cast(n *ir[F], t Type, at Node) (*ir[F], error) {
	n, err := c.scalar(n, at)
	if err != nil || n.t.Kind == KNever {
		return n, err
	}
	if !t.IsArith() {
		return c.badf(at.Position(), "cast to %v", t)
	}
	if !n.t.IsArith() {
		return c.badf(at.Position(), "cast of %s", kindName(n.t))
	}
	return c.conv(n, t)
}

// truth is C's truth of n as an int 0 or 1.
func (c *checker[F]) truth(n *ir[F], at Node) (*ir[F], error) {
	n, err := c.scalar(n, at)
	if err != nil || n.t.Kind == KNever {
		return n, err
	}
	switch {
	case n.t.Kind == KHost:
		th, ok := c.host.(TruthHost[F])
		if !ok {
			return c.badAfter([]*ir[F]{n}, at.Position(), "%s has no truth value", kindName(n.t))
		}
		o, err := th.Truth(c.compile(n), at)
		if err != nil {
			return c.bad(err)
		}
		if o.Type.Kind != KInt && o.Type.Kind != KNever {
			return nil, errorf(at.Position(), "cexpr: the host gave a truth of %v", o.Type)
		}
		if n, err = c.leaf(o, at); err != nil || n.t.Kind == KNever {
			return n, err
		}
		return c.fold(&ir[F]{op: opTruth, t: c.prof.intType(), pos: n.pos, x: n})
	case n.t.Kind == KText && !c.prof.TextOps:
		return c.badAfter([]*ir[F]{n}, at.Position(), "%s has no truth value", kindName(n.t))
	case n.op == opTruth || isBoolean(n.op):
		return n, nil
	}
	return c.fold(&ir[F]{op: opTruth, t: c.prof.intType(), pos: n.pos, x: n})
}

// isBoolean reports whether op's value is always 0 or 1.
func isBoolean(o op) bool {
	return o == opNot || o >= opEq && o <= opLOr
}

func (c *checker[F]) unary(u *Unary) (*ir[F], error) {
	x, err := c.check(u.X)
	if err != nil {
		return nil, err
	}
	if u.Op == "!" {
		t, err := c.truth(x, u)
		if err != nil || t.t.Kind == KNever {
			return t, err
		}
		return c.fold(&ir[F]{op: opNot, t: c.prof.intType(), pos: u.Pos, x: t})
	}
	if x, err = c.scalar(x, u); err != nil || x.t.Kind == KNever {
		return x, err
	}
	if !x.t.IsArith() || u.Op == "~" && x.t.Kind != KInt {
		return c.badAfter([]*ir[F]{x}, u.Pos, "operator %s on %s", u.Op, kindName(x.t))
	}
	if x, err = c.conv(x, c.prof.promote(x.t)); err != nil {
		return nil, err
	}
	switch u.Op {
	case "+":
		return x, nil
	case "-":
		return c.fold(&ir[F]{op: opNeg, t: x.t, pos: u.Pos, x: x})
	}
	return c.fold(&ir[F]{op: opCompl, t: x.t, pos: u.Pos, x: x})
}

func (c *checker[F]) binary(b *Binary) (*ir[F], error) {
	o := binOps[b.Op]
	x, err := c.check(b.X)
	if err != nil {
		return nil, err
	}
	if o == opLAnd || o == opLOr {
		return c.logical(o, b, x)
	}
	y, err := c.check(b.Y)
	if err != nil {
		return nil, err
	}
	if x, err = c.scalar(x, b.X); err != nil {
		return nil, err
	}
	if y, err = c.scalar(y, b.Y); err != nil {
		return nil, err
	}
	switch {
	case x.t.Kind == KNever:
		return x, nil
	case y.t.Kind == KNever:
		return c.seq(x, y)
	}
	if x.t.Kind == KText || y.t.Kind == KText {
		if x.t.Kind == KText && y.t.Kind == KText {
			if c.prof.TextOps && (o == opEq || o == opNe) {
				return c.fold(&ir[F]{op: o, t: c.prof.intType(), pos: b.Pos, x: x, y: y})
			}
			return c.badAfter([]*ir[F]{x, y}, b.Pos, "operator %s on text", b.Op)
		}
		return c.badAfter([]*ir[F]{x, y}, b.Pos, "operator %s on %s and %s", b.Op, kindName(x.t), kindName(y.t))
	}
	if !x.t.IsArith() || !y.t.IsArith() {
		return c.badAfter([]*ir[F]{x, y}, b.Pos, "operator %s on %s and %s", b.Op, kindName(x.t), kindName(y.t))
	}
	switch o {
	case opShl, opShr, opRem, opAnd, opOr, opXor:
		if x.t.Kind == KFloat || y.t.Kind == KFloat {
			return c.badAfter([]*ir[F]{x, y}, b.Pos, "operator %s on floats", b.Op)
		}
	}
	if (o == opShl || o == opShr) && !c.prof.ShiftUsual {
		if x, err = c.conv(x, c.prof.promote(x.t)); err != nil {
			return nil, err
		}
		if y, err = c.conv(y, c.prof.promote(y.t)); err != nil {
			return nil, err
		}
		return c.fold(&ir[F]{op: o, t: x.t, pos: b.Pos, x: x, y: y})
	}
	t := c.prof.usual(x.t, y.t)
	if o >= opEq && t.Kind == KFloat && c.prof.CompareInDouble {
		t = Double
	}
	if x, err = c.conv(x, t); err != nil {
		return nil, err
	}
	if y, err = c.conv(y, t); err != nil {
		return nil, err
	}
	rt := t
	if o >= opEq {
		rt = c.prof.intType()
	}
	return c.fold(&ir[F]{op: o, t: rt, pos: b.Pos, x: x, y: y})
}

// logical is x && y or x || y, with x checked: y is evaluated only when
// x does not decide, and a constant x drops y (and its errors).
func (c *checker[F]) logical(o op, b *Binary, x *ir[F]) (*ir[F], error) {
	x, err := c.truth(x, b.X)
	if err != nil || x.t.Kind == KNever {
		return x, err
	}
	y, err := c.check(b.Y)
	if err != nil {
		return nil, err
	}
	if x.isConst() {
		if x.v.Truth() == (o == opLOr) {
			return c.node(&ir[F]{op: opConst, t: c.prof.intType(), pos: b.Pos, v: IntValue(c.prof.intType(), b2i(o == opLOr))})
		}
		y, err := c.truth(y, b.Y)
		if err != nil || y.t.Kind == KNever {
			return y, err
		}
		return c.conv(y, c.prof.intType())
	}
	if y, err = c.truth(y, b.Y); err != nil {
		return nil, err
	}
	return c.node(&ir[F]{op: o, t: c.prof.intType(), pos: b.Pos, x: x, y: y})
}

func (c *checker[F]) cond(x *Cond) (*ir[F], error) {
	cn, err := c.check(x.C)
	if err != nil {
		return nil, err
	}
	if cn, err = c.truth(cn, x.C); err != nil || cn.t.Kind == KNever {
		return cn, err
	}
	a, err := c.check(x.Then)
	if err != nil {
		return nil, err
	}
	b, err := c.check(x.Else)
	if err != nil {
		return nil, err
	}
	if c.prof.CondSameType {
		if cn.isConst() {
			// the arm taken, as it is
			if cn.v.Truth() {
				return a, nil
			}
			return b, nil
		}
	}
	if a, err = c.scalar(a, x.Then); err != nil {
		return nil, err
	}
	if b, err = c.scalar(b, x.Else); err != nil {
		return nil, err
	}
	if c.prof.CondSameType && (a.t.Kind == KHost || b.t.Kind == KHost ||
		a.t.Kind != KNever && b.t.Kind != KNever && c.prof.promote(a.t) != c.prof.promote(b.t)) {
		return nil, kindError(x.Pos, ErrCondTypes, "operator ?: on %v and %v", c.prof.promote(a.t), c.prof.promote(b.t))
	}
	var t Type
	switch {
	case a.t.Kind == KNever:
		t = b.t
	case b.t.Kind == KNever || a.t == b.t:
		t = a.t
	case a.t.IsArith() && b.t.IsArith():
		t = c.prof.usual(a.t, b.t)
	default:
		return c.badf(x.Pos, "operator ?: on %s and %s", kindName(a.t), kindName(b.t))
	}
	if t.IsArith() {
		if a, err = c.conv(a, t); err != nil {
			return nil, err
		}
		if b, err = c.conv(b, t); err != nil {
			return nil, err
		}
	}
	if cn.isConst() {
		if cn.v.Truth() {
			return a, nil
		}
		return b, nil
	}
	return c.node(&ir[F]{op: opCond, t: t, pos: x.Pos, x: cn, y: a, z: b})
}
