package cstruct

import (
	"strconv"
	"strings"

	"github.com/cstructgo/cstruct/cstruct/internal/cparse"
)

// expr compiles an expression. With fields set, identifiers may name fields
// declared earlier in the enclosing structs (dynamic array lengths);
// otherwise every identifier must be a constant.
func (r *resolver) expr(e *cparse.Expr, fields bool) (exprNode, error) {
	c, err := r.binary(e.Cond, fields)
	if err != nil || e.Then == nil {
		return c, err
	}
	t, err := r.expr(e.Then, fields)
	if err != nil {
		return nil, err
	}
	f, err := r.expr(e.Else, fields)
	if err != nil {
		return nil, err
	}
	return fold(&condNode{c: c, t: t, f: f})
}

// binary applies C precedence to a flat operator chain (precedence climbing).
func (r *resolver) binary(b *cparse.Binary, fields bool) (exprNode, error) {
	operands := make([]exprNode, 0, len(b.Tail)+1)
	x, err := r.unary(b.Head, fields)
	if err != nil {
		return nil, err
	}
	operands = append(operands, x)
	for _, t := range b.Tail {
		y, err := r.unary(t.X, fields)
		if err != nil {
			return nil, err
		}
		operands = append(operands, y)
	}
	pos := 0
	// rec takes operands[pos] as its left side; the right operand of
	// b.Tail[i] is operands[i+1].
	var rec func(minPrec int) (exprNode, error)
	rec = func(minPrec int) (exprNode, error) {
		lhs := operands[pos]
		for pos < len(b.Tail) {
			op := b.Tail[pos]
			prec := binaryPrec[string(op.Op)]
			if prec < minPrec {
				break
			}
			pos++
			rhs, err := rec(prec + 1)
			if err != nil {
				return nil, err
			}
			n, err := fold(&binaryNode{op: string(op.Op), x: lhs, y: rhs, pos: posOf(op.Pos)})
			if err != nil {
				return nil, r.errorf(op.Pos, "%v", err)
			}
			lhs = n
		}
		return lhs, nil
	}
	return rec(0)
}

// fold evaluates constant nodes at once.
func fold(n exprNode) (exprNode, error) {
	if !n.constant() {
		return n, nil
	}
	v, err := n.eval(nil)
	if err != nil {
		return nil, err
	}
	return &constNode{v: v}, nil
}

func (r *resolver) unary(u *cparse.Unary, fields bool) (exprNode, error) {
	switch {
	case u.Op != "":
		x, err := r.unary(u.X, fields)
		if err != nil {
			return nil, err
		}
		return fold(&unaryNode{op: u.Op, x: x})
	case u.Cast != nil:
		x, err := r.unary(u.Cast.X, fields)
		if err != nil {
			return nil, err
		}
		if len(u.Cast.Ptrs) > 0 {
			return fold(&castNode{x: x, size: r.s.cfg.ABI.PointerSize})
		}
		t, ok := r.s.types[normalizeWords(words(u.Cast.Words))]
		if !ok {
			return nil, r.errorf(u.Pos, "unknown type %q in cast", strings.Join(words(u.Cast.Words), " "))
		}
		it, ok := Underlying(t).(*Int)
		if !ok {
			return x, nil
		}
		return fold(&castNode{x: x, size: it.ByteSize, signed: it.Signed})
	}
	return r.primary(u.Primary, fields)
}

func (r *resolver) primary(p *cparse.Primary, fields bool) (exprNode, error) {
	switch {
	case p.Int != "":
		v, err := parseIntLiteral(p.Int)
		if err != nil {
			return nil, r.errorf(p.Pos, "bad integer %q", p.Int)
		}
		return &constNode{v: v}, nil
	case p.Char != "":
		v, err := parseCharLiteral(p.Char)
		if err != nil {
			return nil, r.errorf(p.Pos, "bad character constant %s", p.Char)
		}
		return &constNode{v: v}, nil
	case p.Paren != nil:
		return r.expr(p.Paren, fields)
	case p.Sizeof != nil:
		return r.sizeof(p.Sizeof)
	case p.Offsetof != nil:
		return r.offsetof(p.Offsetof)
	}
	return r.ref(p.Ref, fields)
}

func (r *resolver) ref(ref *cparse.Ref, fields bool) (exprNode, error) {
	name := ref.Name
	if fields && r.fieldInScope(name) {
		n := &refNode{text: ref.String(), pos: posOf(ref.Pos)}
		n.parts = append(n.parts, refPart{name: name})
		for _, p := range ref.Parts {
			if p.Index != nil {
				ix, err := r.expr(p.Index, fields)
				if err != nil {
					return nil, err
				}
				n.parts = append(n.parts, refPart{index: ix})
			} else {
				n.parts = append(n.parts, refPart{name: p.Field})
			}
		}
		return n, nil
	}
	if len(ref.Parts) == 0 {
		if v, ok := r.s.Const(name); ok {
			return &constNode{v: v}, nil
		}
	}
	// Enum.MEMBER, as dissect writes it.
	if len(ref.Parts) == 1 && ref.Parts[0].Index == nil {
		if e, ok := r.lookupEnum(name); ok {
			for _, v := range e.Values {
				if v.Name == ref.Parts[0].Field {
					return &constNode{v: v.Value}, nil
				}
			}
		}
	}
	if fields && len(r.scopes) > 0 {
		return nil, r.errorf(ref.Pos, "unknown identifier %q (not a constant or an earlier field)", ref.String())
	}
	return nil, r.errorf(ref.Pos, "unknown identifier %q", ref.String())
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

func (r *resolver) sizeof(s *cparse.Sizeof) (exprNode, error) {
	var t Type
	var err error
	if s.Type != nil {
		// sizeof(x) where x is a field or constant rather than a type
		if s.Type.Type.Name != "" && len(s.Type.Ptrs) == 0 && len(s.Type.Arrays) == 0 {
			if _, isType := r.s.types[string(s.Type.Type.Name)]; !isType {
				for i := len(r.scopes) - 1; i >= 0; i-- {
					if ft, ok := r.scopes[i].names[string(s.Type.Type.Name)]; ok {
						t = ft
						break
					}
				}
				if t == nil {
					if _, ok := r.s.consts[string(s.Type.Type.Name)]; ok {
						t = r.s.types["int"]
					}
				}
			}
		}
		if t == nil {
			t, err = r.typeName(s.Type)
		}
	} else {
		return nil, r.errorf(s.Pos, "%s of an expression is not supported; use %s(type)", s.Op, s.Op)
	}
	if err != nil {
		return nil, err
	}
	if s.Op != "sizeof" {
		return &constNode{v: t.Align()}, nil
	}
	size, err := Sizeof(t)
	if err != nil {
		return nil, r.errorf(s.Pos, "sizeof(%s): type has a dynamic size", t)
	}
	return &constNode{v: size}, nil
}

func (r *resolver) offsetof(o *cparse.Offsetof) (exprNode, error) {
	t, err := r.typeName(o.Type)
	if err != nil {
		return nil, err
	}
	var off int64
	cur := t
	for _, part := range o.Path {
		if part.Index != nil {
			arr, ok := Underlying(cur).(*Array)
			if !ok {
				return nil, r.errorf(part.Pos, "offsetof: %s is not an array", cur)
			}
			i, err := r.constExpr(part.Index)
			if err != nil {
				return nil, err
			}
			es, err := Sizeof(arr.Elem)
			if err != nil {
				return nil, r.errorf(part.Pos, "offsetof: %v", err)
			}
			off += i * es
			cur = arr.Elem
			continue
		}
		st, ok := As[*Struct](cur)
		if !ok {
			return nil, r.errorf(part.Pos, "offsetof: %s is not a struct", cur)
		}
		f, path, ok := st.FieldByName(part.Field)
		if !ok {
			return nil, r.errorf(part.Pos, "offsetof: %s has no member %q", st, part.Field)
		}
		// walk the path through anonymous members
		s2 := st
		for _, i := range path {
			ff := &s2.Fields[i]
			if ff.Offset < 0 {
				return nil, r.errorf(part.Pos, "offsetof: %q follows a dynamic field", part.Field)
			}
			off += ff.Offset
			if next, ok := As[*Struct](ff.Type); ok {
				s2 = next
			}
		}
		if f.IsBitfield() {
			return nil, r.errorf(part.Pos, "offsetof: %q is a bit-field", part.Field)
		}
		cur = f.Type
	}
	return &constNode{v: off}, nil
}

// parseIntLiteral reads a C integer literal: decimal, 0x, 0b, leading-0
// octal, with any u/l suffix.
func parseIntLiteral(s string) (int64, error) {
	s = strings.TrimRight(s, "uUlL")
	base := 10
	switch {
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) > 2 && (s[:2] == "0b" || s[:2] == "0B"):
		s, base = s[2:], 2
	case len(s) > 1 && s[0] == '0':
		s, base = s[1:], 8
	}
	u, err := strconv.ParseUint(s, base, 64)
	return int64(u), err
}

// parseCharLiteral reads 'a', '\n', '\x41', '\101', L'a'.
func parseCharLiteral(s string) (int64, error) {
	s = strings.TrimPrefix(s, "L")
	v, _, tail, err := strconv.UnquoteChar(strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'"), '\'')
	if err != nil {
		return 0, err
	}
	if tail != "" {
		return 0, strconv.ErrSyntax
	}
	return int64(v), nil
}
