package cexpr

import (
	"fmt"
	"math"
)

// Kind is the kind of a Type.
type Kind uint8

const (
	// KNever is the type of an expression that fails when it is
	// evaluated: a deferred error (Profile.DeferErrors, a constant
	// division by zero). It converts to every type.
	KNever Kind = iota
	KInt        // a C integer type: Bits 1 (_Bool), 8, 16, 32 or 64, Unsigned
	KFloat      // float (Bits 32) or double (Bits 64)
	KText       // a character string: a literal, or a char array up to its NUL
	KHost       // an opaque kind of the caller (a struct, a list): Type.Host says which
)

// Type is the static type of an expression. Types are comparable: two
// host kinds are the same type when their Host values are equal.
type Type struct {
	Kind     Kind
	Bits     uint8
	Unsigned bool
	// Host is the caller's description of a KHost kind (a struct type, a
	// list). If it has a String method, messages use it.
	Host any
}

// The C types of an LP64 target (x86-64 Linux), and text.
var (
	Bool      = Type{Kind: KInt, Bits: 1, Unsigned: true}
	Char      = Type{Kind: KInt, Bits: 8} // char is signed on x86
	SChar     = Type{Kind: KInt, Bits: 8}
	UChar     = Type{Kind: KInt, Bits: 8, Unsigned: true}
	Short     = Type{Kind: KInt, Bits: 16}
	UShort    = Type{Kind: KInt, Bits: 16, Unsigned: true}
	Int       = Type{Kind: KInt, Bits: 32}
	UInt      = Type{Kind: KInt, Bits: 32, Unsigned: true}
	Long      = Type{Kind: KInt, Bits: 64}
	ULong     = Type{Kind: KInt, Bits: 64, Unsigned: true}
	LongLong  = Long
	ULongLong = ULong
	IntMax    = Long  // intmax_t
	UIntMax   = ULong // uintmax_t
	Float     = Type{Kind: KFloat, Bits: 32}
	Double    = Type{Kind: KFloat, Bits: 64}
	Text      = Type{Kind: KText}
	Never     = Type{Kind: KNever}
)

// IntType is the integer type of a width (1, 8, 16, 32, 64) and signedness.
func IntType(bits int, unsigned bool) Type {
	return Type{Kind: KInt, Bits: uint8(bits), Unsigned: unsigned}
}

// HostType is a host kind described by h.
func HostType(h any) Type { return Type{Kind: KHost, Host: h} }

// IsArith reports whether t is an integer or floating type.
func (t Type) IsArith() bool { return t.Kind == KInt || t.Kind == KFloat }

func (t Type) String() string {
	switch t.Kind {
	case KNever:
		return "never"
	case KInt:
		if t.Bits == 1 {
			return "_Bool"
		}
		if t.Unsigned {
			return fmt.Sprintf("uint%d", t.Bits)
		}
		return fmt.Sprintf("int%d", t.Bits)
	case KFloat:
		if t.Bits == 32 {
			return "float"
		}
		return "double"
	case KText:
		return "text"
	}
	if s, ok := t.Host.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("host kind %v", t.Host)
}

// kindName names a type in messages as the description language does:
// "an integer", "a float", "text", or the host kind's name.
func kindName(t Type) string {
	switch t.Kind {
	case KInt:
		return "an integer"
	case KFloat:
		return "a float"
	case KText:
		return "text"
	case KNever:
		return "nothing"
	}
	return t.String()
}

// Value is a constant, or what Eval computes.
type Value struct {
	Type Type
	// I holds an integer's bits, normalised to its type: sign-extended
	// for a signed type, zero-extended for an unsigned one (so a uint64
	// above MaxInt64 is negative here; Uint reads it).
	I int64
	// F is a float's value (exactly a float32 for Float).
	F float64
	// S is a text's bytes; callers must not modify them.
	S []byte
	// H is a host kind's data (Operand.Host).
	H any
}

// IntValue is the integer constant v of type t (v is converted to t).
func IntValue(t Type, v int64) Value { return Value{Type: t, I: norm(t, v)} }

// FloatValue is the floating constant v of type t (Float rounds it).
func FloatValue(t Type, v float64) Value {
	if t.Bits == 32 {
		v = float64(float32(v))
	}
	return Value{Type: t, F: v}
}

// TextValue is a text constant.
func TextValue(s string) Value { return Value{Type: Text, S: []byte(s)} }

// Int is an integer value as int64 (the bits of a uint64), a float
// truncated toward zero.
func (v Value) Int() int64 {
	if v.Type.Kind == KFloat {
		return int64(v.F)
	}
	return v.I
}

// Uint is an integer value as uint64.
func (v Value) Uint() uint64 { return uint64(v.I) }

// Float is a value as float64 (an unsigned integer read as unsigned).
func (v Value) Float() float64 {
	switch {
	case v.Type.Kind == KFloat:
		return v.F
	case v.Type.Unsigned:
		return float64(uint64(v.I))
	}
	return float64(v.I)
}

// Text is a text value as a string.
func (v Value) Text() string { return string(v.S) }

// Truth is C's truth of a scalar: not zero; a text is true when not empty.
func (v Value) Truth() bool {
	switch v.Type.Kind {
	case KFloat:
		return v.F != 0
	case KText:
		return len(v.S) > 0
	}
	return v.I != 0
}

func (v Value) String() string {
	switch v.Type.Kind {
	case KInt:
		if v.Type.Unsigned {
			return fmt.Sprint(uint64(v.I))
		}
		return fmt.Sprint(v.I)
	case KFloat:
		return fmt.Sprint(v.F)
	case KText:
		return fmt.Sprintf("%q", v.S)
	}
	return fmt.Sprintf("%v(%v)", v.Type, v.H)
}

// norm converts the bits v to the integer type t: C's conversion to an
// integer type, modulo 2^Bits (and to 0 or 1 for _Bool).
func norm(t Type, v int64) int64 {
	switch {
	case t.Bits >= 64:
		return v
	case t.Bits == 1:
		return b2i(v != 0)
	case t.Unsigned:
		return int64(uint64(v) & (1<<t.Bits - 1))
	}
	s := 64 - t.Bits
	return v << s >> s
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// floatToInt converts a float to the integer type t, truncating toward
// zero (values out of range are undefined in C; Go's conversion decides).
func floatToInt(t Type, f float64) int64 {
	if t.Bits == 1 {
		return b2i(f != 0)
	}
	if t.Unsigned && t.Bits == 64 {
		if f >= math.MaxInt64 {
			return int64(uint64(f))
		}
	}
	return norm(t, int64(f))
}
