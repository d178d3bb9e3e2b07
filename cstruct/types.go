package cstruct

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// A Type is a resolved C type. It is one of *Int, *Char, *WChar, *Float,
// *Pointer, *Array, *Struct, *Enum, *Typedef, *Void or *LEB128; callers
// use type switches. The set is sealed.
//
// Size is the type's size in bytes, or -1 when it depends on the data
// (dynamic arrays, zero-terminated arrays, LEB128, structs containing them).
// A struct whose only dynamic part is a trailing flexible array member (C
// layouts only) reports its C sizeof.
type Type interface {
	Size() int64
	Align() int64
	String() string
	isType()
}

var (
	_ Type = (*Int)(nil)
	_ Type = (*Char)(nil)
	_ Type = (*WChar)(nil)
	_ Type = (*Float)(nil)
	_ Type = (*Pointer)(nil)
	_ Type = (*Array)(nil)
	_ Type = (*Struct)(nil)
	_ Type = (*Enum)(nil)
	_ Type = (*Typedef)(nil)
	_ Type = (*Void)(nil)
	_ Type = (*LEB128)(nil)
)

// Int is an integer of 1 to 16 bytes (int24, int48 and int128 included),
// or a C boolean.
type Int struct {
	Name     string
	ByteSize int64
	Signed   bool
	Bool     bool  // _Bool / bool: decoded as true or false
	Alignof  int64 // natural alignment
}

// Char is C's plain char: one byte of text. Arrays of char read as strings.
type Char struct{}

// WChar is a UTF-16 code unit; arrays of wchar read as strings.
type WChar struct{}

// Float is an IEEE 754 binary16, binary32 or binary64 number.
type Float struct {
	Name     string
	ByteSize int64
	Alignof  int64 // natural alignment; 0 means ByteSize (i386 aligns double to 4)
}

// Pointer is an address of Elem, decoded as an unsigned integer.
type Pointer struct {
	Elem     Type // may be nil while a forward declaration is pending
	ByteSize int64
}

// ArrayKind says how an array's length is known.
type ArrayKind uint8

const (
	Fixed    ArrayKind = iota // T a[N]
	Dynamic                   // T a[expr over earlier fields]
	ZeroTerm                  // T a[]: elements up to a zero element (consumed, not part of the value)
	ToEOF                     // T a[EOF]: elements up to the end of the input
	Flexible                  // T a[] as the last member in a C layout: C's flexible array member, read up to a zero element or the end of the data
)

// Array is a sequence of Elem.
type Array struct {
	Elem Type
	Kind ArrayKind
	Len  int64 // element count for Fixed; -1 otherwise
	Expr *Expr // the length expression for Dynamic

	// Computed once by newArray, so that nested arrays cost no walk down
	// their elements; an Array made otherwise computes them when asked.
	cached  bool
	size    int64
	dynamic bool
}

// newArray returns an array with its size computed.
func newArray(elem Type, kind ArrayKind, n int64, expr *Expr) *Array {
	a := &Array{Elem: elem, Kind: kind, Len: n, Expr: expr}
	a.size, a.dynamic = a.computeSize(), kind != Fixed || IsDynamic(elem)
	a.cached = true
	return a
}

// Struct is a struct or a union.
type Struct struct {
	Tag       string // "" for anonymous
	Union     bool
	Fields    []Field
	ByteSize  int64 // -1 if dynamic
	ByteAlign int64
	Packed    int64            // the pack value it was laid out with: 0 natural, 1 packed, N capped
	Order     binary.ByteOrder // non-nil: this struct's scalars use this byte order
	Defined   bool             // false for a forward declaration never completed
	Flex      bool             // the last field is a C flexible array member
	dynamic   bool
	index     map[string]fieldRef // name → field, anonymous members' fields included
	plans     planCache           // compiled by Spec.Plan, per byte order
	vt        structTable         // Value's field table and compiled paths
}

// fieldRef locates a named field, possibly inside anonymous members.
type fieldRef struct {
	path []int
}

// Field is a member of a struct or union.
type Field struct {
	Name      string // "" for an anonymous struct/union member or unnamed bit-field
	Type      Type
	Offset    int64 // byte offset in the struct; -1 when it follows a dynamic field
	BitOffset int   // for bit-fields: the first bit inside the storage unit at Offset (LSB = 0 in little-endian order)
	BitSize   int   // 0 for an ordinary field
	Align     int64 // the field's alignment in this layout
	Pos       Pos
}

// IsBitfield reports whether f is a bit-field.
func (f *Field) IsBitfield() bool { return f.BitSize > 0 }

// EnumValue is one member of an enum or flag.
type EnumValue struct {
	Name  string
	Value int64
}

// Enum is an enum, or with Flag set dissect's flag (bit set).
type Enum struct {
	Name   string
	Base   *Int
	Values []EnumValue
	Flag   bool
}

// Typedef is a named alias.
type Typedef struct {
	Name string
	Type Type
	// Alignof, if not 0, is the alignment the typedef gives its type
	// (__attribute__((aligned(N))) or a vector type), larger or smaller.
	Alignof int64

	under   Type // Underlying(Type), set by newTypedef: chains cost no walk
	alignAt Type // the type whose Align this one has: Type, or the first typedef behind it that sets Alignof
}

// newTypedef returns a typedef that knows its underlying type.
func newTypedef(name string, t Type) *Typedef {
	td := &Typedef{Name: name, Type: t, under: Underlying(t), alignAt: t}
	if inner, ok := t.(*Typedef); ok && inner.Alignof == 0 && inner.alignAt != nil {
		td.alignAt = inner.alignAt
	}
	return td
}

// Void has no size and reads nothing.
type Void struct{}

// LEB128 is a variable-length integer (uleb128, ileb128).
type LEB128 struct {
	Signed bool
}

func (t *Int) Size() int64     { return t.ByteSize }
func (t *Char) Size() int64    { return 1 }
func (t *WChar) Size() int64   { return 2 }
func (t *Float) Size() int64   { return t.ByteSize }
func (t *Pointer) Size() int64 { return t.ByteSize }
func (t *Enum) Size() int64    { return t.Base.ByteSize }
func (t *Typedef) Size() int64 {
	if t.under != nil {
		return t.under.Size()
	}
	return t.Type.Size()
}
func (t *Void) Size() int64   { return 0 }
func (t *LEB128) Size() int64 { return -1 }
func (t *Struct) Size() int64 { return t.ByteSize }
func (t *Array) Size() int64 {
	if t.cached {
		return t.size
	}
	return t.computeSize()
}

func (t *Array) computeSize() int64 {
	es := t.Elem.Size()
	if t.Kind != Fixed || es < 0 {
		return -1
	}
	return t.Len * es
}

func (t *Int) Align() int64   { return t.Alignof }
func (t *Char) Align() int64  { return 1 }
func (t *WChar) Align() int64 { return 2 }
func (t *Float) Align() int64 {
	if t.Alignof > 0 {
		return t.Alignof
	}
	return t.ByteSize
}
func (t *Pointer) Align() int64 { return t.ByteSize }
func (t *Enum) Align() int64    { return t.Base.Alignof }
func (t *Typedef) Align() int64 {
	if t.Alignof > 0 {
		return t.Alignof
	}
	if t.alignAt != nil {
		return t.alignAt.Align()
	}
	return t.Type.Align()
}
func (t *Void) Align() int64   { return 1 }
func (t *LEB128) Align() int64 { return 1 }
func (t *Struct) Align() int64 { return t.ByteAlign }
func (t *Array) Align() int64  { return t.Elem.Align() }

func (t *Int) String() string   { return t.Name }
func (t *Char) String() string  { return "char" }
func (t *WChar) String() string { return "wchar" }
func (t *Float) String() string { return t.Name }
func (t *Pointer) String() string {
	// a loop, not recursion: "int * * *" costs its length
	stars, elem := 0, Type(t)
	for p, ok := elem.(*Pointer); ok; p, ok = elem.(*Pointer) {
		stars++
		if elem = p.Elem; elem == nil {
			elem = &Void{}
		}
	}
	return elem.String() + strings.Repeat(" *", stars)
}
func (t *Enum) String() string {
	kw := "enum"
	if t.Flag {
		kw = "flag"
	}
	if t.Name == "" {
		return kw + " <anonymous>"
	}
	return kw + " " + t.Name
}
func (t *Typedef) String() string { return t.Name }
func (t *Void) String() string    { return "void" }
func (t *LEB128) String() string {
	if t.Signed {
		return "ileb128"
	}
	return "uleb128"
}
func (t *Struct) String() string {
	kw := "struct"
	if t.Union {
		kw = "union"
	}
	if t.Tag == "" {
		return kw + " <anonymous>"
	}
	return kw + " " + t.Tag
}
func (t *Array) String() string {
	var b strings.Builder
	var inner Type = t
	for {
		a, ok := inner.(*Array)
		if !ok {
			break
		}
		switch a.Kind {
		case Fixed:
			fmt.Fprintf(&b, "[%d]", a.Len)
		case Dynamic:
			fmt.Fprintf(&b, "[%s]", a.Expr)
		case ToEOF:
			b.WriteString("[EOF]")
		default:
			b.WriteString("[]")
		}
		inner = a.Elem
	}
	return inner.String() + " " + b.String()
}

func (*Int) isType()     {}
func (*Char) isType()    {}
func (*WChar) isType()   {}
func (*Float) isType()   {}
func (*Pointer) isType() {}
func (*Array) isType()   {}
func (*Struct) isType()  {}
func (*Enum) isType()    {}
func (*Typedef) isType() {}
func (*Void) isType()    {}
func (*LEB128) isType()  {}

// Underlying strips typedefs.
func Underlying(t Type) Type {
	for i := 0; i < maxResolveDepth; i++ {
		td, ok := t.(*Typedef)
		if !ok {
			return t
		}
		if td.under != nil {
			return td.under
		}
		t = td.Type
	}
	return t
}

// As returns the first T found behind typedefs.
func As[T Type](t Type) (T, bool) {
	u, ok := Underlying(t).(T)
	return u, ok
}

const maxResolveDepth = 64

// IsDynamic reports whether the size of t depends on the data.
func IsDynamic(t Type) bool {
	switch u := Underlying(t).(type) {
	case *Struct:
		return u.dynamic
	case *Array:
		if u.cached {
			return u.dynamic
		}
		return u.Kind != Fixed || IsDynamic(u.Elem)
	case *LEB128:
		return true
	}
	return false
}

// Sizeof returns the static size of t, or an error for a type whose size
// depends on the data. A struct ending in a flexible array member has its C
// sizeof.
func Sizeof(t Type) (int64, error) {
	if s := t.Size(); s >= 0 {
		return s, nil
	}
	return 0, fmt.Errorf("cstruct: %s: %w", t, ErrDynamicSize)
}

// FieldByName finds a field by name, looking through anonymous members as C
// does. The returned path lists the field indexes from s down to the field.
func (s *Struct) FieldByName(name string) (*Field, []int, bool) {
	ref, ok := s.index[name]
	if !ok {
		return nil, nil, false
	}
	cur := s
	var f *Field
	for _, i := range ref.path {
		f = &cur.Fields[i]
		if next, ok := As[*Struct](f.Type); ok {
			cur = next
		}
	}
	return f, ref.path, true
}

// buildIndex fills s.index from its fields, folding anonymous members.
func (s *Struct) buildIndex() error {
	s.index = make(map[string]fieldRef)
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Name == "" {
			if sub, ok := As[*Struct](f.Type); ok && f.BitSize == 0 {
				for name, ref := range sub.index {
					if _, dup := s.index[name]; dup {
						return fmt.Errorf("duplicate member %q", name)
					}
					s.index[name] = fieldRef{path: append([]int{i}, ref.path...)}
				}
			}
			continue
		}
		if f.Name == "_" { // dissect: "_" may repeat, and is never looked up
			continue
		}
		if _, dup := s.index[f.Name]; dup {
			return fmt.Errorf("duplicate member %q", f.Name)
		}
		s.index[f.Name] = fieldRef{path: []int{i}}
	}
	return nil
}
