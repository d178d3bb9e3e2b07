package cstruct

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/cstructgo/cstruct/cstruct/internal/cparse"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// resolver turns the AST into Types, in source order, as a C compiler does.
type resolver struct {
	s         *Spec
	errs      ErrorList
	pack      int64 // current #pragma pack: -1 none (default), 0 natural, N cap
	packStack []int64
	scopes    []*structScope // structs being defined, innermost last
}

// structScope is a struct whose body is being resolved: array lengths may
// refer to the fields declared so far.
type structScope struct {
	names map[string]Type
}

func newResolver(s *Spec) *resolver { return &resolver{s: s, pack: -1} }

func posOf(p lexer.Position) Pos { return Pos{File: p.Filename, Line: p.Line, Col: p.Column} }

func (r *resolver) errorf(p lexer.Position, format string, args ...any) *Error {
	return &Error{Pos: posOf(p), Msg: fmt.Sprintf(format, args...)}
}

// fail records err (positioned or not) at p.
func (r *resolver) fail(p lexer.Position, err error) {
	if e, ok := err.(*Error); ok {
		r.errs = append(r.errs, e)
		return
	}
	r.errs = append(r.errs, &Error{Pos: posOf(p), Msg: err.Error()})
}

func (r *resolver) file(f *cparse.File) {
	for _, d := range f.Decls {
		if err := r.decl(d); err != nil {
			r.fail(d.Pos, err)
			if len(r.errs) >= 20 {
				return
			}
		}
	}
}

func (r *resolver) decl(d *cparse.Decl) error {
	switch {
	case d.Pragma != nil:
		return r.pragma(d.Pragma)
	case d.Typedef != nil:
		return r.typedef(d.Typedef)
	case d.Declaration != nil:
		// Variables, prototypes and function definitions describe no data:
		// only the types they define count.
		decl := d.Declaration
		if decl.Body != nil && !isFuncDecl(decl) {
			return r.errorf(d.Pos, "unexpected \"{\" (a body without a function declarator; is a member malformed?)")
		}
		_, err := r.declSpec(decl.Spec)
		return err
	}
	return nil
}

// isFuncDecl reports whether a declaration declares a function.
func isFuncDecl(d *cparse.Declaration) bool {
	if len(d.Decls) != 1 {
		return false
	}
	for dd := d.Decls[0].Decl; dd != nil; dd = dd.Nested {
		for _, s := range dd.Suffixes {
			if s.Params != nil {
				return true
			}
		}
	}
	return false
}

func (r *resolver) pragma(p *cparse.Pragma) error {
	args := p.Args
	switch {
	case len(args) == 0:
		r.pack = -1
	case args[0] == "push":
		r.packStack = append(r.packStack, r.pack)
		if len(args) > 1 {
			return r.setPack(p, args[len(args)-1])
		}
	case args[0] == "pop":
		if n := len(r.packStack); n > 0 {
			r.pack = r.packStack[n-1]
			r.packStack = r.packStack[:n-1]
		}
	default:
		return r.setPack(p, args[0])
	}
	return nil
}

func (r *resolver) setPack(p *cparse.Pragma, arg string) error {
	n, err := strconv.ParseInt(arg, 0, 64)
	if err != nil || n < 0 || n > 16 || n&(n-1) != 0 {
		return r.errorf(p.Pos, "bad #pragma pack value %q (want 1, 2, 4, 8 or 16)", arg)
	}
	r.pack = n
	return nil
}

// mode is the layout for a struct defined now.
func (r *resolver) mode() layoutMode {
	switch {
	case r.pack > 0:
		return layoutMode{c: true, cap: r.pack}
	case r.pack == 0 || r.s.cfg.Natural:
		return layoutMode{c: true}
	}
	return layoutMode{}
}

func (r *resolver) typedef(td *cparse.Typedef) error {
	base, err := r.declSpec(td.Spec)
	if err != nil {
		return err
	}
	for _, d := range td.Decls {
		t, name, err := r.declarator(d.Decl, base, false)
		if err != nil {
			return err
		}
		if t == nil {
			t = funcType // a function type: no data, but a name for pointers
		}
		t, align, err := r.typedefAttrs(t, td, d)
		if err != nil {
			return err
		}
		def := newTypedef(name, t)
		def.Alignof = align
		if prev, ok := r.s.types[name]; ok {
			if prev == t || Underlying(prev) == Underlying(t) && prev.Align() == def.Align() {
				continue
			}
			if !builtinNames()[name] {
				return r.errorf(d.Pos, "%q redefined as a different type", name)
			}
		}
		r.s.types[name] = def
		r.s.names = append(r.s.names, name)
	}
	return nil
}

// declSpec resolves the type part of a declaration, defining any struct or
// enum written there.
func (r *resolver) declSpec(ds *cparse.DeclSpec) (Type, error) {
	t, err := r.typeSpec(ds.Type)
	if err != nil {
		return nil, err
	}
	return t, nil
}

func (r *resolver) typeSpec(ts *cparse.TypeSpec) (Type, error) {
	switch {
	case ts.Struct != nil:
		return r.structSpec(ts.Struct)
	case ts.Enum != nil:
		return r.enumSpec(ts.Enum)
	case ts.Typeof != nil:
		return r.typeofSpec(ts.Typeof)
	case len(ts.Words) > 0:
		name := normalizeWords(words(ts.Words))
		if t, ok := r.s.types[name]; ok {
			return t, nil
		}
		return nil, r.errorf(ts.Pos, "unknown type %q", strings.Join(words(ts.Words), " "))
	}
	if t, ok := r.s.types[string(ts.Name)]; ok {
		return t, nil
	}
	for _, kw := range []string{"struct ", "union ", "enum ", "flag "} {
		if t, ok := r.s.tags[kw+string(ts.Name)]; ok {
			return t, nil
		}
	}
	return nil, r.errorf(ts.Pos, "unknown type %q", string(ts.Name))
}

func (r *resolver) attrs(list []*cparse.Attribute, m *layoutMode, order *binary.ByteOrder) error {
	for _, a := range list {
		for _, it := range a.Items {
			switch strings.Trim(it.Name, "_") {
			case "packed":
				m.packed = true
			case "aligned":
				n := int64(16)
				if len(it.Args) > 0 {
					v, err := r.constArg(it.Args[0])
					if err != nil {
						return err
					}
					n = v
				}
				if n <= 0 || n&(n-1) != 0 {
					return r.errorf(it.Pos, "alignment %d is not a power of two", n)
				}
				if n > m.align {
					m.align = n
				}
			case "scalar_storage_order":
				if len(it.Args) != 1 || it.Args[0].Str == nil {
					return r.errorf(it.Pos, `scalar_storage_order wants "big-endian" or "little-endian"`)
				}
				switch s, _ := strconv.Unquote(*it.Args[0].Str); s {
				case "big-endian":
					*order = binary.BigEndian
				case "little-endian":
					*order = binary.LittleEndian
				default:
					return r.errorf(it.Pos, "unknown scalar_storage_order %s", *it.Args[0].Str)
				}
			}
		}
	}
	return nil
}

func (r *resolver) constArg(a *cparse.AttrArg) (int64, error) {
	if a.Expr == nil {
		return 0, fmt.Errorf("attribute argument must be an integer")
	}
	return r.constExpr(a.Expr)
}

func (r *resolver) structSpec(ss *cparse.StructSpec) (Type, error) {
	kw := ss.Kind
	var st *Struct
	if ss.Name != "" {
		key := kw + " " + ss.Name
		if prev, ok := r.s.tags[key]; ok {
			st = prev.(*Struct)
			if ss.Body != nil && st.Defined {
				if len(r.scopes) > 0 || ss.Body == nil {
					return st, nil
				}
				return nil, r.errorf(ss.Pos, "redefinition of %s %s", kw, ss.Name)
			}
		} else {
			st = &Struct{Tag: ss.Name, Union: kw == "union", ByteSize: -1}
			r.s.tags[key] = st
			r.s.names = append(r.s.names, key)
		}
	} else {
		if ss.Body == nil {
			return nil, r.errorf(ss.Pos, "%s without a name or a body", kw)
		}
		st = &Struct{Union: kw == "union", ByteSize: -1}
	}
	if ss.Body == nil {
		return st, nil
	}
	mode := r.mode()
	var order binary.ByteOrder
	if err := r.attrs(ss.Attrs, &mode, &order); err != nil {
		return nil, err
	}
	if err := r.attrs(ss.TrailAttrs, &mode, &order); err != nil {
		return nil, err
	}
	scope := &structScope{names: make(map[string]Type, len(ss.Body.Members))}
	r.scopes = append(r.scopes, scope)
	defer func() { r.scopes = r.scopes[:len(r.scopes)-1] }()

	var ms []member
	for _, m := range ss.Body.Members {
		switch {
		case m.Pragma != nil:
			if err := r.pragma(m.Pragma); err != nil {
				return nil, err
			}
		case m.Simple != nil || m.Field != nil:
			mf := m.Field
			if m.Simple != nil {
				mf = m.Simple.Fields
			}
			got, err := r.memberFields(mf, scope)
			if err != nil {
				return nil, err
			}
			ms = append(ms, got...)
		}
	}
	// A trailing "T a[]" in a C layout is a flexible array member.
	if mode.c && len(ms) > 0 && !st.Union {
		last := &ms[len(ms)-1]
		if arr, ok := last.typ.(*Array); ok && arr.Kind == ZeroTerm {
			last.typ = newArray(arr.Elem, Flexible, -1, nil)
		}
	}
	st.Order = order
	st.Packed = mode.cap
	if mode.packed || !mode.c {
		st.Packed = 1
	}
	if err := layout(st, ms, mode); err != nil {
		if e, ok := err.(*Error); ok {
			return nil, e
		}
		return nil, r.errorf(ss.Pos, "%s: %v", st, err)
	}
	st.Defined = true
	return st, nil
}

func (r *resolver) memberFields(mf *cparse.MemberFields, scope *structScope) ([]member, error) {
	base, err := r.declSpec(mf.Spec)
	if err != nil {
		return nil, err
	}
	var qual layoutMode
	var ignoredOrder binary.ByteOrder
	var alignas int64
	for _, q := range append(append([]*cparse.Qualifier{}, mf.Spec.Pre...), mf.Spec.Post...) {
		if q.Attr != nil {
			if err := r.attrs([]*cparse.Attribute{q.Attr}, &qual, &ignoredOrder); err != nil {
				return nil, err
			}
		}
		if q.Align != nil {
			v, err := r.constExpr(q.Align)
			if err != nil {
				return nil, err
			}
			alignas = max(alignas, v)
		}
	}
	if len(mf.Decls) == 0 {
		// An anonymous struct/union member is folded into its parent;
		// "struct x;" or "enum e {...};" alone declare a type, not a member.
		if mf.Spec.Type.Struct != nil && mf.Spec.Type.Struct.Name == "" {
			return []member{{typ: base, bits: -1, pos: posOf(mf.Pos), packed: qual.packed, aligned: max(qual.align, alignas)}}, nil
		}
		return nil, nil
	}
	var out []member
	for _, md := range mf.Decls {
		m := member{bits: -1, pos: posOf(md.Pos), typ: base, packed: qual.packed, aligned: max(qual.align, alignas)}
		if md.Decl != nil {
			t, name, err := r.declarator(md.Decl, base, true)
			if err != nil {
				return nil, err
			}
			if t == nil {
				return nil, r.errorf(md.Pos, "member %q is a function", name)
			}
			m.typ, m.name = t, name
		}
		if md.Bits != nil {
			v, err := r.constExpr(md.Bits)
			if err != nil {
				return nil, err
			}
			if v < 0 {
				return nil, r.errorf(md.Pos, "negative bit-field width %d", v)
			}
			m.bits = v
		}
		var mm layoutMode
		var o binary.ByteOrder
		if err := r.attrs(md.Attrs, &mm, &o); err != nil {
			return nil, err
		}
		if md.Decl != nil {
			if err := r.attrs(md.Decl.Attrs, &mm, &o); err != nil {
				return nil, err
			}
		}
		m.packed = m.packed || mm.packed
		m.aligned = max(m.aligned, mm.align)
		if IsDynamic(m.typ) && !r.allowedDynamic(m.typ) {
			return nil, r.errorf(md.Pos, "member %q has incomplete type %s", m.name, m.typ)
		}
		if m.name != "" {
			scope.names[m.name] = m.typ
		}
		out = append(out, m)
	}
	return out, nil
}

// allowedDynamic reports whether a dynamic type may be a member (incomplete
// structs may not).
func (r *resolver) allowedDynamic(t Type) bool {
	if st, ok := As[*Struct](t); ok {
		return st.Defined
	}
	return true
}

// declarator applies pointers, arrays and function suffixes to base, and
// returns the declared type and name; a nil type means a function.
func (r *resolver) declarator(d *cparse.Declarator, base Type, inStruct bool) (Type, string, error) {
	t := base
	if isFuncType(t) && len(d.Ptrs) == 0 {
		if d.Nested == nil && len(d.Suffixes) == 0 {
			return nil, d.Name, nil // f_t f; declares a function
		}
		t = nil
	}
	if isFuncType(t) {
		t = &Void{} // a pointer to a function: an address
	}
	for range d.Ptrs {
		t = &Pointer{Elem: t, ByteSize: r.s.cfg.ABI.PointerSize}
	}
	isFunc := false
	for i := len(d.Suffixes) - 1; i >= 0; i-- {
		sfx := d.Suffixes[i]
		if sfx.Params != nil {
			isFunc = true
			t = nil
			continue
		}
		if t == nil {
			return nil, "", r.errorf(sfx.Pos, "array of functions")
		}
		arr, err := r.arraySuffix(sfx.Array, t)
		if err != nil {
			return nil, "", err
		}
		t = arr
	}
	if d.Nested != nil {
		if t == nil {
			t = &Void{} // pointer to function: an address
		}
		return r.declarator(d.Nested, t, inStruct)
	}
	if isFunc && t == nil {
		return nil, d.Name, nil
	}
	if st, ok := As[*Struct](t); ok && !st.Defined && inStruct {
		return nil, "", r.errorf(d.Pos, "member %q has incomplete type %s", d.Name, st)
	}
	return t, d.Name, nil
}

func (r *resolver) arraySuffix(a *cparse.ArraySuffix, elem Type) (Type, error) {
	if st, ok := As[*Struct](elem); ok && !st.Defined {
		return nil, r.errorf(a.Pos, "array of incomplete type %s", st)
	}
	if a.Size == nil {
		if inner, ok := elem.(*Array); ok && inner.Kind == Dynamic {
			// C refuses a variable-length element; dissect wants a depth
			return nil, r.errorf(a.Pos, "array of %s needs a length: the elements' length depends on the data (write [N][%s])", elem, inner.Expr)
		}
		return newArray(elem, ZeroTerm, -1, nil), nil
	}
	if isEOF(a.Size) && !r.fieldInScope("EOF") {
		return newArray(elem, ToEOF, -1, nil), nil
	}
	dyn, c, err := r.length(a.Size)
	if err != nil {
		return nil, err
	}
	if dyn != nil {
		return newArray(elem, Dynamic, -1, dyn), nil
	}
	v := c.I
	if c.Type.Unsigned && v < 0 {
		return nil, r.errorf(a.Pos, "array too large (%d elements)", uint64(v))
	}
	if v < 0 {
		return nil, r.errorf(a.Pos, "negative array size %d", v)
	}
	if es := elem.Size(); es > 0 && v > maxTypeSize/es {
		return nil, r.errorf(a.Pos, "array too large (%d elements of %d bytes)", v, es)
	}
	return newArray(elem, Fixed, v, nil), nil
}

func isEOF(e *cparse.Expr) bool {
	id, ok := e.X.(*cexpr.Ident)
	return ok && id.Name == "EOF"
}

func (r *resolver) fieldInScope(name string) bool {
	for i := len(r.scopes) - 1; i >= 0; i-- {
		if _, ok := r.scopes[i].names[name]; ok {
			return true
		}
	}
	return false
}

func (r *resolver) enumSpec(es *cparse.EnumSpec) (Type, error) {
	flag := es.Kind == "flag"
	key := es.Kind + " " + es.Name
	if es.Body == nil {
		if es.Name == "" {
			return nil, r.errorf(es.Pos, "%s without a name or a body", es.Kind)
		}
		if t, ok := r.s.tags[key]; ok {
			return t, nil
		}
		return nil, r.errorf(es.Pos, "unknown %s %q", es.Kind, es.Name)
	}
	e := &Enum{Name: es.Name, Flag: flag}
	var next int64
	if flag {
		next = 1
	}
	var big []bool // unsigned values above the int64 range
	bigNext := false
	for _, it := range es.Body.Items {
		if !validEnumName(it.Name) {
			return nil, r.errorf(it.Pos, "invalid enumerator name %q", it.Name)
		}
		v, isBig := next, bigNext
		if it.Value != nil {
			x, err := r.constValue(it.Value)
			if err != nil {
				return nil, err
			}
			v, isBig = x.I, x.Type.Unsigned && x.I < 0
		}
		bigNext = isBig && v != -1 || !isBig && v == math.MaxInt64
		e.Values = append(e.Values, EnumValue{Name: it.Name, Value: v})
		big = append(big, isBig)
		r.s.setConst(it.Name, v)
		if flag {
			next = 1
			for next <= v && next > 0 {
				next <<= 1
			}
		} else {
			next = v + 1
		}
	}
	if es.Base != nil {
		bt, err := r.typeName(es.Base)
		if err != nil {
			return nil, err
		}
		base, ok := Underlying(bt).(*Int)
		if !ok || base.Bool {
			return nil, r.errorf(es.Base.Pos, "%s base type %s is not an integer type", es.Kind, bt)
		}
		e.Base = base
	} else {
		var mode layoutMode
		var order binary.ByteOrder
		if err := r.attrs(append(slices.Clip(es.Attrs), es.Trail...), &mode, &order); err != nil {
			return nil, err
		}
		e.Base = enumBase(r.s, e.Values, big, mode.packed)
		for _, a := range append(slices.Clip(es.Attrs), es.Trail...) {
			for _, it := range a.Items {
				if strings.Trim(it.Name, "_") == "mode" {
					t, err := r.modeType(e, it)
					if err != nil {
						return nil, err
					}
					if me, ok := t.(*Enum); ok {
						e.Base = me.Base
					}
				}
			}
		}
	}
	if es.Name != "" {
		if _, ok := r.s.tags[key]; !ok {
			r.s.names = append(r.s.names, key)
		}
		r.s.tags[key] = e
		// dissect names enums as types ("Color c;")
		if _, ok := r.s.types[es.Name]; !ok {
			r.s.types[es.Name] = e
		}
	}
	return e, nil
}

func (r *resolver) typeName(tn *cparse.TypeName) (Type, error) {
	t, err := r.typeSpec(tn.Type)
	if err != nil {
		return nil, err
	}
	for range tn.Ptrs {
		t = &Pointer{Elem: t, ByteSize: r.s.cfg.ABI.PointerSize}
	}
	for i := len(tn.Arrays) - 1; i >= 0; i-- {
		if t, err = r.arraySuffix(tn.Arrays[i], t); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// words converts keyword tokens to strings.
func words(ws []cparse.TypeWord) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = string(w)
	}
	return out
}
