package cstruct

import (
	"errors"
	"math"
	"strings"

	"github.com/cstructgo/cstruct/cstruct/internal/cparse"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// Expressions (array sizes, bit widths, enumerators, alignments, macro
// constants) are checked by the C expression engine, internal/cexpr. The
// resolver is its host: names are constants, enum members (Enum.MEMBER,
// as dissect writes them) or, in a length, fields declared earlier in the
// enclosing structs; type names are the spec's; sizeof and offsetof are
// the layouts'.

// constValue evaluates a constant expression with C's rules (as gcc folds
// it: wrapping).
func (r *resolver) constValue(e *cparse.Expr) (cexpr.Value, error) {
	h := &exprHost{r: r}
	p, err := r.check(e, cexpr.C, h)
	if err != nil {
		return cexpr.Value{}, err
	}
	if p.Type().Kind != cexpr.KInt {
		return cexpr.Value{}, r.errorf(e.Pos, "%s is not an integer constant", cexpr.String(e.X))
	}
	v, err := p.Eval(&lenFrame{})
	if err != nil {
		return cexpr.Value{}, r.exprError(err)
	}
	return v, nil
}

// constExpr is constValue as an int64 (the bits of an unsigned one).
func (r *resolver) constExpr(e *cparse.Expr) (int64, error) {
	v, err := r.constValue(e)
	return v.I, err
}

// length compiles an array's size: a constant (ok false), or a length over
// earlier fields, checked with the Lengths profile (overflow is an error).
func (r *resolver) length(e *cparse.Expr) (n *Expr, v cexpr.Value, err error) {
	h := &exprHost{r: r, fields: true}
	p, err := r.check(e, cexpr.C, h)
	if err != nil {
		return nil, v, err
	}
	if p.Type().Kind != cexpr.KInt {
		return nil, v, r.errorf(e.Pos, "array size %s is not an integer", cexpr.String(e.X))
	}
	if _, ok := p.Const(); ok || len(h.refs) == 0 {
		v, err = p.Eval(&lenFrame{})
		if err != nil {
			return nil, v, r.exprError(err)
		}
		return nil, v, nil
	}
	text := cexpr.String(e.X)
	if ref, ok := h.lone(e.X); ok {
		return &Expr{text: text, root: ref}, v, nil
	}
	h = &exprHost{r: r, fields: true}
	if p, err = r.check(e, cexpr.Lengths, h); err != nil {
		return nil, v, err
	}
	return &Expr{text: text, root: &program{fn: p.Int(), typ: p.Type(), refs: h.refs}}, v, nil
}

// check checks e as a scalar under prof.
func (r *resolver) check(e *cparse.Expr, prof *cexpr.Profile, h *exprHost) (*cexpr.Program[lenFrame], error) {
	e.X = r.fixCasts(e.X)
	p, err := cexpr.Check(e.X, prof, cexpr.Host[lenFrame](h))
	if err == nil {
		p, err = p.Scalar()
	}
	if err != nil {
		return nil, r.exprError(err)
	}
	return p, nil
}

// exprError gives an engine's error the spec's error type.
func (r *resolver) exprError(err error) error {
	var ce *cexpr.Error
	if errors.As(err, &ce) {
		if e, ok := ce.Err.(*Error); ok {
			return e
		}
		return r.errorf(ce.Pos, "%s", ce.Msg)
	}
	return err
}

// exprHost resolves the names of an expression.
type exprHost struct {
	cexpr.BaseHost[lenFrame]
	r      *resolver
	fields bool       // names may be earlier fields (a length)
	refs   []*refNode // the field references made, by slot
}

// chain is a field reference being built (a.b[i].c), of a struct or
// array type; enumRef is an enum type's name before ".MEMBER".
type (
	chain struct {
		ref  *refNode
		t    Type
		bits int // a bit-field's width
	}
	enumRef struct{ e *Enum }
)

// lone reports whether x is a single field reference, which the plans and
// the decoder read directly.
func (h *exprHost) lone(x cexpr.Node) (*refNode, bool) {
	for {
		p, ok := x.(*cexpr.Paren)
		if !ok {
			break
		}
		x = p.X
	}
	switch x.(type) {
	case *cexpr.Ident, *cexpr.Member, *cexpr.Index:
	default:
		return nil, false
	}
	if len(h.refs) != 1 || h.refs[0].typ.Bits > 64 {
		return nil, false
	}
	r := h.refs[0]
	for _, p := range r.parts {
		if p.index != nil {
			return nil, false
		}
	}
	return r, true
}

func (h *exprHost) Ident(x *cexpr.Ident) (cexpr.Operand[lenFrame], error) {
	r := h.r
	name := x.Name
	if h.fields && r.fieldInScope(name) {
		t := r.scopeType(name)
		ref := &refNode{text: name, parts: []refPart{{name: name}}, pos: posOf(x.Pos)}
		return cexpr.HostOperand[lenFrame](cexpr.HostType(t), &chain{ref: ref, t: t}), nil
	}
	if v, ok := r.s.constValue(name); ok {
		return cexpr.Constant[lenFrame](v), nil
	}
	if e, ok := r.lookupEnum(name); ok {
		return cexpr.HostOperand[lenFrame](cexpr.HostType(e), enumRef{e}), nil
	}
	if h.fields && len(r.scopes) > 0 {
		return cexpr.Operand[lenFrame]{}, r.errorf(x.Pos, "unknown identifier %q (not a constant or an earlier field)", name)
	}
	return cexpr.Operand[lenFrame]{}, r.errorf(x.Pos, "unknown identifier %q", name)
}

func (h *exprHost) Member(x cexpr.Operand[lenFrame], m *cexpr.Member) (cexpr.Operand[lenFrame], error) {
	switch c := x.Host.(type) {
	case enumRef:
		for _, v := range c.e.Values {
			if v.Name == m.Name {
				return cexpr.Constant[lenFrame](enumConst(v.Value)), nil
			}
		}
		return cexpr.Operand[lenFrame]{}, h.r.errorf(m.Pos, "%s has no member %q", c.e, m.Name)
	case *chain:
		st, ok := As[*Struct](c.t)
		if !ok || m.Arrow {
			return cexpr.Operand[lenFrame]{}, h.r.errorf(m.Pos, "%s: %s is not a struct", c.ref.text, c.t)
		}
		f, _, ok := st.FieldByName(m.Name)
		if !ok {
			return cexpr.Operand[lenFrame]{}, h.r.errorf(m.Pos, "%s: no field %q", c.ref.text, m.Name)
		}
		ref := c.ref.with(refPart{name: m.Name}, "."+m.Name)
		return cexpr.HostOperand[lenFrame](cexpr.HostType(f.Type), &chain{ref: ref, t: f.Type, bits: f.BitSize}), nil
	}
	return h.BaseHost.Member(x, m)
}

func (h *exprHost) Index(x, i cexpr.Operand[lenFrame], n *cexpr.Index) (cexpr.Operand[lenFrame], error) {
	c, ok := x.Host.(*chain)
	if !ok {
		return h.BaseHost.Index(x, i, n)
	}
	a, ok := Underlying(c.t).(*Array)
	if !ok {
		return cexpr.Operand[lenFrame]{}, h.r.errorf(n.Pos, "%s: %s is not an array", c.ref.text, c.t)
	}
	var ix exprNode
	if i.Const {
		ix = &constNode{v: i.Value.I}
	} else {
		ix = &program{fn: i.Int, typ: i.Type}
	}
	ref := c.ref.with(refPart{index: ix}, "[…]")
	return cexpr.HostOperand[lenFrame](cexpr.HostType(a.Elem), &chain{ref: ref, t: a.Elem}), nil
}

// with is the reference followed by one more part.
func (r *refNode) with(p refPart, text string) *refNode {
	parts := append(append([]refPart(nil), r.parts...), p)
	return &refNode{text: r.text + text, parts: parts, pos: r.pos}
}

// Load makes a field reference a leaf of its C type.
func (h *exprHost) Load(x cexpr.Operand[lenFrame], at cexpr.Node) (cexpr.Operand[lenFrame], error) {
	c, ok := x.Host.(*chain)
	if !ok {
		return h.BaseHost.Load(x, at)
	}
	t, ok := cType(c.t)
	if !ok || t.Kind != cexpr.KInt {
		return cexpr.Operand[lenFrame]{}, h.r.errorf(at.Position(), "%s is %s, not an integer", c.ref.text, c.t)
	}
	if c.bits > 0 && c.bits < 32 {
		t = cexpr.Int // a narrow bit-field promotes to int
	}
	ref := c.ref
	ref.typ, ref.slot = t, len(h.refs)
	h.refs = append(h.refs, ref)
	return cexpr.IntLeaf(t, ref.read()), nil
}

func (h *exprHost) Fail(f *lenFrame, err error) { f.fail(err) }

// Type resolves the type of a cast.
func (h *exprHost) Type(tn *cexpr.TypeName, at cexpr.Node) (cexpr.Type, error) {
	t, err := h.r.exprTypeName(tn)
	if err != nil {
		return cexpr.Type{}, err
	}
	ct, ok := cType(t)
	if !ok {
		return cexpr.Type{}, h.r.errorf(tn.Pos, "cast to %s", t)
	}
	return ct, nil
}

func (h *exprHost) Sizeof(s *cexpr.Sizeof, _ cexpr.Args[lenFrame]) (cexpr.Operand[lenFrame], error) {
	r := h.r
	if s.Type == nil {
		return cexpr.Operand[lenFrame]{}, r.errorf(s.Pos, "%s of an expression is not supported; use %s(type)", s.Op, s.Op)
	}
	var t Type
	tn := s.Type
	if tn.Name != "" && tn.Tag == "" && tn.Ptrs == 0 && len(tn.Arrays) == 0 && len(tn.Words) == 0 {
		// sizeof(x) where x is a field or a constant rather than a type
		if _, isType := r.s.types[tn.Name]; !isType {
			t = r.scopeType(tn.Name)
			if _, ok := r.s.constValue(tn.Name); t == nil && ok {
				t = r.s.types["int"]
			}
		}
	}
	if t == nil {
		var err error
		if t, err = r.exprTypeName(tn); err != nil {
			return cexpr.Operand[lenFrame]{}, err
		}
	}
	if s.Op != "sizeof" {
		return size(t.Align()), nil
	}
	n, err := Sizeof(t)
	if err != nil {
		return cexpr.Operand[lenFrame]{}, r.errorf(s.Pos, "sizeof(%s): type has a dynamic size", t)
	}
	return size(n), nil
}

// size is a size_t constant.
func size(n int64) cexpr.Operand[lenFrame] {
	return cexpr.Constant[lenFrame](cexpr.IntValue(cexpr.ULong, n))
}

func (h *exprHost) Offsetof(o *cexpr.Offsetof, args cexpr.Args[lenFrame]) (cexpr.Operand[lenFrame], error) {
	r := h.r
	t, err := r.exprTypeName(o.Type)
	if err != nil {
		return cexpr.Operand[lenFrame]{}, err
	}
	var off int64
	cur := t
	for _, part := range o.Path {
		if part.Index != nil {
			arr, ok := Underlying(cur).(*Array)
			if !ok {
				return cexpr.Operand[lenFrame]{}, r.errorf(part.Pos, "offsetof: %s is not an array", cur)
			}
			i, err := r.constExpr(&cparse.Expr{Pos: part.Pos, X: part.Index})
			if err != nil {
				return cexpr.Operand[lenFrame]{}, err
			}
			es, err := Sizeof(arr.Elem)
			if err != nil {
				return cexpr.Operand[lenFrame]{}, r.errorf(part.Pos, "offsetof: %v", err)
			}
			off += i * es
			cur = arr.Elem
			continue
		}
		st, ok := As[*Struct](cur)
		if !ok {
			return cexpr.Operand[lenFrame]{}, r.errorf(part.Pos, "offsetof: %s is not a struct", cur)
		}
		f, path, ok := st.FieldByName(part.Name)
		if !ok {
			return cexpr.Operand[lenFrame]{}, r.errorf(part.Pos, "offsetof: %s has no member %q", st, part.Name)
		}
		// walk the path through anonymous members
		s2 := st
		for _, i := range path {
			ff := &s2.Fields[i]
			if ff.Offset < 0 {
				return cexpr.Operand[lenFrame]{}, r.errorf(part.Pos, "offsetof: %q follows a dynamic field", part.Name)
			}
			off += ff.Offset
			if next, ok := As[*Struct](ff.Type); ok {
				s2 = next
			}
		}
		if f.IsBitfield() {
			return cexpr.Operand[lenFrame]{}, r.errorf(part.Pos, "offsetof: %q is a bit-field", part.Name)
		}
		cur = f.Type
	}
	return size(off), nil
}

// scopeType is the type of an earlier field of the enclosing structs, or nil.
func (r *resolver) scopeType(name string) Type {
	for i := len(r.scopes) - 1; i >= 0; i-- {
		if t, ok := r.scopes[i].names[name]; ok {
			return t
		}
	}
	return nil
}

func (r *resolver) lookupEnum(name string) (*Enum, bool) {
	for _, kw := range []string{"enum ", "flag "} {
		if t, ok := r.s.tags[kw+name]; ok {
			return t.(*Enum), true
		}
	}
	if t, ok := r.s.types[name]; ok {
		return As[*Enum](t)
	}
	return nil, false
}

// exprTypeName resolves a type name of an expression (a cast, sizeof,
// offsetof).
func (r *resolver) exprTypeName(tn *cexpr.TypeName) (Type, error) {
	var t Type
	switch {
	case len(tn.Words) > 0:
		var ok bool
		if t, ok = r.s.types[normalizeWords(tn.Words)]; !ok {
			return nil, r.errorf(tn.Pos, "unknown type %q", strings.Join(tn.Words, " "))
		}
	case tn.Tag != "":
		var ok bool
		if t, ok = r.s.tags[tn.Tag+" "+tn.Name]; !ok && tn.Tag == "enum" {
			t, ok = r.s.tags["flag "+tn.Name]
		}
		if !ok {
			return nil, r.errorf(tn.Pos, "unknown type %q", tn.Tag+" "+tn.Name)
		}
	default:
		var err error
		if t, err = r.typeSpec(&cparse.TypeSpec{Pos: tn.Pos, Name: cparse.TypeIdent(tn.Name)}); err != nil {
			return nil, err
		}
	}
	for range tn.Ptrs {
		t = &Pointer{Elem: t, ByteSize: r.s.cfg.ABI.PointerSize}
	}
	for i := len(tn.Arrays) - 1; i >= 0; i-- {
		a := tn.Arrays[i]
		if a == nil {
			t = newArray(t, ZeroTerm, -1, nil)
			continue
		}
		n, err := r.constExpr(&cparse.Expr{Pos: a.Position(), X: a})
		if err != nil {
			return nil, err
		}
		if n < 0 || n > math.MaxInt32 {
			return nil, r.errorf(a.Position(), "array size %d out of range", n)
		}
		t = newArray(t, Fixed, n, nil)
	}
	return t, nil
}

// cType is the C type of a cstruct scalar type, for the engine.
func cType(t Type) (cexpr.Type, bool) {
	switch u := Underlying(t).(type) {
	case *Int:
		if u.ByteSize > 8 {
			return cexpr.Type{}, false
		}
		if u.Bool {
			return cexpr.Bool, true
		}
		return cexpr.IntType(int(u.ByteSize*8), !u.Signed), true
	case *Enum:
		return cType(u.Base)
	case *Char:
		return cexpr.Char, true
	case *WChar:
		return cexpr.UShort, true
	case *LEB128:
		return cexpr.IntType(64, !u.Signed), true // read as an int64
	case *Pointer:
		return cexpr.IntType(int(u.ByteSize*8), true), true
	case *Float:
		switch u.ByteSize {
		case 4:
			return cexpr.Float, true
		case 8:
			return cexpr.Double, true
		}
	}
	return cexpr.Type{}, false
}

// enumConst is an enumerator's value: an int when it fits, as C has it,
// else a long.
func enumConst(v int64) cexpr.Value {
	if v >= math.MinInt32 && v <= math.MaxInt32 {
		return cexpr.IntValue(cexpr.Int, v)
	}
	return cexpr.IntValue(cexpr.Long, v)
}
