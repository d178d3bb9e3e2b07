package cstruct

import (
	"fmt"
	"strings"

	"github.com/cstructgo/cstruct/cstruct/internal/cparse"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// The C constructs of system headers that the resolver gives meaning to:
// typeof, function typedefs, and casts to typedef names that the
// expression grammar cannot tell from a subtraction.

// funcType is what a function typedef ("typedef void f_t(int);") names:
// no data. A declarator of it without a pointer declares a function. (A
// Typedef, not a *Void: pointers to zero-size values may all be equal.)
var funcType = &Typedef{Name: "function", Type: &Void{}}

// isFuncType reports whether t is a function typedef.
func isFuncType(t Type) bool {
	for {
		td, ok := t.(*Typedef)
		if !ok {
			return false
		}
		if td == funcType {
			return true
		}
		t = td.Type
	}
}

// typeofSpec resolves typeof(type name) or typeof(expression).
func (r *resolver) typeofSpec(ty *cparse.Typeof) (Type, error) {
	if tn, err := cparse.ParseTypeName(ty.Tokens); err == nil {
		if t, err := r.typeName(tn); err == nil {
			return t, nil
		} else if tn.Type.Name == "" || len(tn.Ptrs) > 0 {
			return nil, err
		}
	}
	e, err := cparse.ParseExpr(ty.Tokens)
	if err != nil {
		return nil, err
	}
	h := &exprHost{r: r, fields: true}
	p, err := r.check(e, cexpr.C, h)
	if err != nil {
		return nil, err
	}
	ct := p.Type()
	if ct.Kind == cexpr.KFloat {
		name := "double"
		if ct.Bits == 32 {
			name = "float"
		}
		if t, ok := r.s.types[name]; ok {
			return t, nil
		}
	}
	if ct.Kind != cexpr.KInt {
		return nil, r.errorf(ty.Pos, "typeof(%s): not an integer expression", cexpr.String(e.X))
	}
	name := "int"
	if ct.Unsigned {
		name = "uint"
	}
	t, ok := r.s.types[name+itoa(int64(max(ct.Bits, 8)))]
	if !ok {
		return nil, r.errorf(ty.Pos, "typeof(%s): no %d-bit integer type", cexpr.String(e.X), ct.Bits)
	}
	return t, nil
}

// fixCasts rewrites "(T) - x", "(T) + x", "(T) * x" and "(T) & x", which
// the expression grammar reads as a binary operation on a parenthesised
// name, into casts when T names a type and no constant or field: as a C
// compiler reads them, with its symbol table. "(__u64)-32" is a cast.
func (r *resolver) fixCasts(n cexpr.Node) cexpr.Node {
	switch x := n.(type) {
	case *cexpr.Binary:
		x.X, x.Y = r.fixCasts(x.X), r.fixCasts(x.Y)
		switch x.Op {
		case "-", "+", "*", "&":
		default:
			return x
		}
		p, ok := x.X.(*cexpr.Paren)
		if !ok {
			return x
		}
		id, ok := p.X.(*cexpr.Ident)
		if !ok || !r.isTypeName(id.Name) {
			return x
		}
		// The cast binds to the leftmost operand of the right side: in
		// "(T)-a*b" the parser grouped a*b, C casts -a.
		cast := func(leaf cexpr.Node) cexpr.Node {
			return &cexpr.Cast{Pos: p.Pos, Type: &cexpr.TypeName{Pos: id.Pos, Name: id.Name},
				X: &cexpr.Unary{Pos: x.Pos, Op: x.Op, X: leaf}}
		}
		b, ok := x.Y.(*cexpr.Binary)
		if !ok {
			return cast(x.Y)
		}
		for {
			l, ok := b.X.(*cexpr.Binary)
			if !ok {
				b.X = cast(b.X)
				return x.Y
			}
			b = l
		}
	case *cexpr.Paren:
		x.X = r.fixCasts(x.X)
	case *cexpr.Unary:
		x.X = r.fixCasts(x.X)
	case *cexpr.Cast:
		x.X = r.fixCasts(x.X)
	case *cexpr.Cond:
		x.C, x.Then, x.Else = r.fixCasts(x.C), r.fixCasts(x.Then), r.fixCasts(x.Else)
	}
	return n
}

// isTypeName reports whether name is a typedef or built-in type name that
// no constant or field in scope hides.
func (r *resolver) isTypeName(name string) bool {
	if _, ok := r.s.types[name]; !ok {
		return false
	}
	if r.fieldInScope(name) {
		return false
	}
	r.s.mu.Lock()
	_, c := r.s.consts[name]
	_, m := r.s.pending[name]
	r.s.mu.Unlock()
	return !c && !m
}

// typedefAttrs applies the attributes of a typedef that change its type:
// mode(QI|HI|SI|DI|TI|word|pointer|byte, SF|DF), vector_size(N) (an
// array of N bytes of the type, aligned to N) and aligned(N), which on a
// typedef may raise or lower the alignment. It returns the type and the
// typedef's alignment (0: the type's own).
func (r *resolver) typedefAttrs(t Type, td *cparse.Typedef, d *cparse.InitDeclarator) (Type, int64, error) {
	var lists [][]*cparse.Attribute
	for _, q := range append(append([]*cparse.Qualifier{}, td.Spec.Pre...), td.Spec.Post...) {
		if q.Attr != nil {
			lists = append(lists, []*cparse.Attribute{q.Attr})
		}
	}
	for dd := d.Decl; dd != nil; dd = dd.Nested {
		lists = append(lists, dd.Attrs)
	}
	var align int64
	for _, list := range lists {
		for _, a := range list {
			for _, it := range a.Items {
				switch strings.Trim(it.Name, "_") {
				case "mode":
					mt, err := r.modeType(t, it)
					if err != nil {
						return nil, 0, err
					}
					t = mt
				case "vector_size":
					if len(it.Args) != 1 {
						return nil, 0, r.errorf(it.Pos, "vector_size wants a size")
					}
					n, err := r.constArg(it.Args[0])
					if err != nil {
						return nil, 0, err
					}
					es := t.Size()
					if es <= 0 || n <= 0 || n%es != 0 || n&(n-1) != 0 {
						return nil, 0, r.errorf(it.Pos, "vector_size(%d) of %s", n, t)
					}
					vec := newTypedef(fmt.Sprintf("%s __attribute__((vector_size(%d)))", t, n), newArray(t, Fixed, n/es, nil))
					vec.Alignof = n
					t = vec
				case "aligned":
					n := int64(16)
					if len(it.Args) > 0 {
						v, err := r.constArg(it.Args[0])
						if err != nil {
							return nil, 0, err
						}
						n = v
					}
					if n <= 0 || n&(n-1) != 0 {
						return nil, 0, r.errorf(it.Pos, "alignment %d is not a power of two", n)
					}
					align = n
				}
			}
		}
	}
	return t, align, nil
}

// modeType is t in the machine mode of a mode(...) attribute.
func (r *resolver) modeType(t Type, it *cparse.AttrItem) (Type, error) {
	var mode string
	if len(it.Args) == 1 && it.Args[0].Expr != nil {
		if id, ok := it.Args[0].Expr.X.(*cexpr.Ident); ok {
			mode = strings.Trim(id.Name, "_")
		}
	}
	size := map[string]int64{"QI": 1, "HI": 2, "SI": 4, "DI": 8, "TI": 16, "byte": 1,
		"word": r.s.cfg.ABI.PointerSize, "pointer": r.s.cfg.ABI.PointerSize, "SF": 4, "DF": 8}[mode]
	if size == 0 {
		return nil, r.errorf(it.Pos, "unsupported mode %q", mode)
	}
	signed := true
	switch u := Underlying(t).(type) {
	case *Float:
		if mode == "SF" || mode == "DF" {
			return r.s.types[map[int64]string{4: "float", 8: "double"}[size]], nil
		}
	case *Int:
		signed = u.Signed
	case *Enum:
		e := *u
		e.Base = intOfSize(r.s, size, u.Base.Signed)
		return &e, nil
	case *Pointer, *Char:
		signed = false
	}
	if mode == "SF" || mode == "DF" {
		return nil, r.errorf(it.Pos, "mode %s of %s", mode, t)
	}
	return intOfSize(r.s, size, signed), nil
}

// intOfSize is the built-in integer of size bytes.
func intOfSize(s *Spec, size int64, signed bool) *Int {
	name := "uint"
	if signed {
		name = "int"
	}
	return s.types[name+itoa(size*8)].(*Int)
}

// enumBase is the integer type gcc gives an enum without a base type: the
// first of unsigned int, int, unsigned long, long that holds every value
// (unsigned ones when no value is negative); with packed, the smallest.
// big marks values that are unsigned and above the int64 range.
func enumBase(s *Spec, vals []EnumValue, big []bool, packed bool) *Int {
	neg, lo, hi := false, int64(0), int64(0)
	huge := false
	for i, v := range vals {
		switch {
		case big[i]:
			huge = true
		case v.Value < 0:
			neg = true
			lo = min(lo, v.Value)
		default:
			hi = max(hi, v.Value)
		}
	}
	sizes := []int64{4, 8}
	if packed {
		sizes = []int64{1, 2, 4, 8}
	}
	for _, size := range sizes {
		bits := size*8 - 1
		switch {
		case huge:
		case neg && lo >= -1<<bits && hi < 1<<bits:
			return intOfSize(s, size, true)
		case !neg && (size == 8 || hi < 1<<(bits+1)):
			return intOfSize(s, size, false)
		}
	}
	return intOfSize(s, 8, !huge && neg)
}

// validEnumName reports whether an enumerator's name is a C identifier or,
// as dissect allows, one that starts with digits ("32BIT"); a number alone
// is no name.
func validEnumName(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}
