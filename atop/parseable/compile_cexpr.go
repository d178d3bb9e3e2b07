package parseable

import (
	"errors"

	"github.com/cstructgo/cstruct/internal/cexpr"
)

// The operators of a description's expressions are internal/cexpr's
// (its Descriptions profile, which gives the results of the interpreter
// that judges the compiler in the tests); this file is the host that
// supplies the description's names to it: places (C fields, resolved to
// accessors), lists and cgroups are host kinds, names, members, indexes
// and calls are resolved by the compiler's own functions
// (compile_expr.go). A ?: whose arms differ in type has no static type:
// it is an error of the description, at its place.

// descProfile is Descriptions with a ?: of one type.
var descProfile = func() *cexpr.Profile {
	p := *cexpr.Descriptions
	p.CondSameType = true
	return &p
}()

// hostKind names a host kind in messages: a place's C type, "a list",
// "a cgroup".
type hostKind struct{ name string }

func (h hostKind) String() string { return h.name }

// inlineLoads gives cexpr the loads of the frame's words and of sys's
// fields, which its fused closures read inline; the benchmarks turn it
// off to compare.
var inlineLoads = true

// descHost resolves the names of one expression.
type descHost struct {
	cexpr.BaseHost[frame]
	c      *compiler
	ctx    string
	leaves map[*cexpr.Ident]cx // operands compiled already
}

// expr compiles an expression of a description.
func (c *compiler) expr(n cexpr.Node) cx {
	c.pos = n.Position()
	if c.nodes++; c.nodes > maxNodes {
		c.unsupported("more than %d expression nodes", maxNodes)
	}
	h := &descHost{c: c, ctx: c.ctx}
	o, err := cexpr.Compile(n, descProfile, cexpr.Host[frame](h))
	if err != nil {
		var e *cexpr.Error
		if errors.As(err, &e) {
			c.pos = e.Pos
			c.unsupported("%s", e.Msg)
		}
		c.unsupported("%v", err)
	}
	x := h.cxOf(o)
	if isCond(n) && !c.fresh(n) {
		x.raw = "" // the arm taken names the value, as a field by its C type
	}
	return x
}

// isCond reports whether n is an ?:.
func isCond(n cexpr.Node) bool {
	for {
		switch m := n.(type) {
		case *cexpr.Paren:
			n = m.X
		case *cexpr.Cond:
			return true
		default:
			return false
		}
	}
}

// fresh reports whether n computes a new scalar (not a name's or a
// field's value), which messages name by its kind: "an integer".
func (c *compiler) fresh(n cexpr.Node) bool {
	switch n := n.(type) {
	case *cexpr.Paren:
		return c.fresh(n.X)
	case *cexpr.Cond:
		return c.fresh(n.Then) && c.fresh(n.Else)
	case *cexpr.Lit, *cexpr.Unary, *cexpr.Binary:
		return true
	case *cexpr.Call:
		name := n.Fun.(*cexpr.Ident).Name
		_, isDef := c.d.defs[name]
		_, isBuiltin := builtinArity[name]
		return isBuiltin && !isDef
	}
	return false
}

// operand is a compiled expression as cexpr's operand: host kinds keep
// the cx as their data, and scalars carry it too, for the fused ops.
func (h *descHost) operand(x cx) cexpr.Operand[frame] { return h.operandLoad(x, nil) }

// operandLoad is operand with a load that reads x's integer inline (nil:
// none).
func (h *descHost) operandLoad(x cx, ld *cexpr.Load) cexpr.Operand[frame] {
	if x.fail != nil {
		return cexpr.FailingRun(errors.New("fails"), x.fail)
	}
	var o cexpr.Operand[frame]
	switch x.k {
	case kC:
		o = cexpr.HostOperand[frame](cexpr.HostType(hostKind{x.pl.acc.Type().String()}), nil)
	case kList:
		o = cexpr.HostOperand[frame](cexpr.HostType(hostKind{"a list"}), nil)
	case kCgroup:
		o = cexpr.HostOperand[frame](cexpr.HostType(hostKind{"a cgroup"}), nil)
	case kInt:
		t := cexpr.Long
		if x.uns {
			t = cexpr.ULong
		}
		switch {
		case x.con != nil:
			o = cexpr.Constant[frame](cexpr.IntValue(t, x.con.i))
		case ld != nil:
			o = cexpr.IntLoad(t, x.intFn(), *ld)
		default:
			o = cexpr.IntLeaf(t, x.intFn())
		}
	case kFloat:
		t := cexpr.Double
		if x.f32 {
			t = cexpr.Float
		}
		if x.con != nil {
			o = cexpr.Constant[frame](cexpr.Value{Type: t, F: x.con.f})
		} else {
			o = cexpr.FloatLeaf(t, x.fl)
		}
	case kStr:
		if x.con != nil {
			o = cexpr.Constant[frame](cexpr.Value{Type: cexpr.Text, S: []byte(x.con.s)})
		} else {
			o = cexpr.TextLeaf(x.tx)
		}
	default:
		h.c.unsupported("an operand of %s", x.loadedName())
	}
	if !o.Const {
		o.Host = x
	}
	return o
}

// cxOf is cexpr's operand as a cx.
func (h *descHost) cxOf(o cexpr.Operand[frame]) cx {
	if x, ok := o.Host.(cx); ok {
		return x
	}
	var x cx
	switch {
	case o.Type.Kind == cexpr.KNever:
		run := o.Fails()
		if run == nil {
			ctx, err := h.ctx, o.Err
			run = func(f *frame) { f.fail(ctx, err) }
		}
		h.c.errOps++
		return cx{k: kNone, cgSlot: -1, fail: run}
	case o.Const:
		v := o.Value
		switch v.Type.Kind {
		case cexpr.KInt:
			x = h.c.constant(scalar{k: kInt, i: v.I, uns: v.Type.Unsigned && v.Type.Bits == 64})
		case cexpr.KFloat:
			x = h.c.constant(scalar{k: kFloat, f: v.F, f32: v.Type.Bits == 32})
		case cexpr.KText:
			x = h.c.constant(strScalar(string(v.S)))
		default:
			h.c.unsupported("a constant of %v", v.Type)
		}
	case o.Type.Kind == cexpr.KInt:
		x = intCx(o.Int, o.Type.Unsigned && o.Type.Bits == 64)
	case o.Type.Kind == cexpr.KFloat:
		x = fltCx(o.Float, o.Type.Bits == 32)
	case o.Type.Kind == cexpr.KText:
		x = txtCx(o.Text)
	default:
		h.c.unsupported("a value of %v", o.Type)
	}
	return x
}

func (h *descHost) cx(o cexpr.Operand[frame]) cx {
	if x, ok := o.Host.(cx); ok {
		return x
	}
	return h.cxOf(o)
}

func (h *descHost) Ident(id *cexpr.Ident) (cexpr.Operand[frame], error) {
	if x, ok := h.leaves[id]; ok {
		return h.operand(x), nil
	}
	h.c.pos = id.Pos
	x := h.c.ident(id.Name)
	if ld, ok := frameWords()[id.Name]; ok && inlineLoads && x.k == kInt && x.con == nil && !h.c.constOnly && !h.c.inScope(id.Name) {
		return h.operandLoad(x, &ld), nil
	}
	return h.operand(x), nil
}

// inScope reports whether name is a name in scope (a let, a parameter),
// which hides the sample's names.
func (c *compiler) inScope(name string) bool {
	for _, s := range c.scope {
		if s.name == name {
			return true
		}
	}
	return false
}

func (h *descHost) Member(x cexpr.Operand[frame], m *cexpr.Member) (cexpr.Operand[frame], error) {
	h.c.pos = m.Pos
	return h.operand(h.c.member(h.cx(x), m.Name)), nil
}

func (h *descHost) Index(x, i cexpr.Operand[frame], n *cexpr.Index) (cexpr.Operand[frame], error) {
	h.c.pos = n.Pos
	return h.operand(h.c.index(h.cx(x), h.cx(i))), nil
}

// Call compiles a call: the builder lets only names be called.
func (h *descHost) Call(cl *cexpr.Call, _ cexpr.Args[frame]) (cexpr.Operand[frame], error) {
	fn := cl.Fun.(*cexpr.Ident)
	return h.operand(h.c.call(fn, cl.Args)), nil
}

// Load reads a scalar field; structs, lists and cgroups stay (the
// operator that needs a scalar says so).
func (h *descHost) Load(x cexpr.Operand[frame], _ cexpr.Node) (cexpr.Operand[frame], error) {
	y := h.c.load(h.cx(x))
	switch y.k {
	case kC, kList, kCgroup:
		return x, nil
	case kInt:
		if ld, ok := sysLoad(y.from); ok && inlineLoads && y.con == nil {
			return h.operandLoad(y, &ld), nil
		}
	}
	return h.operand(y), nil
}

// Truth is a list's (not empty) and a cgroup's (true).
func (h *descHost) Truth(x cexpr.Operand[frame], _ cexpr.Node) (cexpr.Operand[frame], error) {
	y := h.cx(x)
	switch y.k {
	case kList:
		n := y.ls.lenFn()
		if pre := y.ls.pre; pre != nil {
			n0 := n
			n = func(f *frame) int64 { pre(f); return n0(f) }
		}
		return cexpr.IntLeaf(cexpr.Long, func(f *frame) int64 { return b2i(n(f) > 0) }), nil
	case kCgroup:
		e := eff(y)
		if e == nil {
			return cexpr.Constant[frame](cexpr.IntValue(cexpr.Long, 1)), nil
		}
		return cexpr.IntLeaf(cexpr.Long, func(f *frame) int64 { e(f); return 1 }), nil
	}
	return cexpr.Operand[frame]{}, errors.New(y.loadedName() + " has no truth value")
}

// Fail records an error of the operators, without cexpr's position (the
// interpreter's messages have none).
func (h *descHost) Fail(f *frame, err error) {
	var e *cexpr.Error
	if errors.As(err, &e) {
		err = errors.New(e.Msg)
	}
	f.fail(h.ctx, err)
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// truth is the C truth of x (a list: not empty), as a truth value.
func (c *compiler) truth(x cx) cx {
	if x.fail != nil {
		return x
	}
	h := &descHost{c: c, ctx: c.ctx, leaves: map[*cexpr.Ident]cx{}}
	id := &cexpr.Ident{}
	h.leaves[id] = x
	o, err := cexpr.Compile(&cexpr.Unary{Op: "!", X: id}, descProfile, cexpr.Host[frame](h))
	if err != nil {
		c.unsupported("%v", err)
	}
	switch {
	case o.Type.Kind == cexpr.KNever:
		return h.cxOf(o)
	case o.Const:
		return c.constant(boolScalar(o.Value.I == 0))
	}
	not := o.Int
	return boolCx(func(f *frame) bool { return not(f) == 0 })
}
