package cexpr

// A Profile is the policy of one use of the engine: what C's int is, how
// literals are typed, what shifts, overflow and division by zero do, and
// which of the description language's extensions hold. The four profiles
// below are the project's uses; a caller may copy one and change fields.
type Profile struct {
	Name string
	// IntBits is the width of C's int: the type of comparisons, !, && and
	// ||, and what the integer promotions widen to. 32 for C; 64 where
	// every integer is intmax_t (the preprocessor) or int64 (descriptions).
	IntBits uint8
	// Literals says how literals are typed and read.
	Literals LiteralRule
	// Shift says what a shift count outside [0, width) does.
	Shift ShiftRule
	// Trap makes integer overflow an error (ErrOverflow): a result, other
	// than of a cast, that its type cannot hold, even an unsigned one
	// (which C would wrap).
	Trap bool
	// DivZero is the message of a division or remainder by zero
	// (ErrDivZero); it is an error only where it is evaluated.
	DivZero string
	// TextOps allows text == text, text != text, and the truth of a text
	// (not empty, as C's name[0]).
	TextOps bool
	// IntToFloatViaDouble converts an integer to float by way of double
	// (the descriptions' interpreter did; it differs from C's direct
	// rounding only above 2^53).
	IntToFloatViaDouble bool
	// CompareInDouble compares operands of which one is a float in
	// double, as the descriptions' interpreter did (C converts an integer
	// to float first: a float and 16777217 compare equal in C).
	CompareInDouble bool
	// ShiftUsual gives a shift the type of both operands' usual
	// arithmetic conversions, as the interpreter did (C: the left
	// operand's promoted type), so an unsigned count makes the shift
	// unsigned.
	ShiftUsual bool
	// CondSameType refuses, with ErrCondTypes at Check (never deferred),
	// a ?: whose condition is not constant and whose arms have different
	// types after the integer promotions, or are of a host kind: the
	// interpreter of descriptions kept the type of the arm it took, which
	// no static type can give. A constant condition gives the arm taken,
	// unconverted. A caller falls back to an interpreter on the error.
	CondSameType bool
	// DeferErrors turns errors of Check that the host or the types raise
	// (an unknown name, an operator on text) into expressions that fail
	// when they are evaluated, as an interpreter reports them only when a
	// branch is taken. Syntax and limit errors are never deferred.
	DeferErrors bool
	// Limits bound Check (Depth and Cost).
	Limits Limits
}

// LiteralRule is how literals are typed.
type LiteralRule uint8

const (
	// LitC types literals as C does on LP64: 1 is int, 1u unsigned
	// int, 0xFFFFFFFF unsigned int, 1l long, 1.5 double, 1.5f float,
	// 'a' int (its value a char's), "s" text.
	LitC LiteralRule = iota
	// LitPreprocessor types integers as #if does: intmax_t, or uintmax_t
	// with a u suffix or when too large for intmax_t; character
	// constants are intmax_t. Floats and strings are errors.
	LitPreprocessor
	// LitDescription reads the description language's literals: a
	// number is int64 (an error above MaxInt64) or double, a character
	// literal one byte ('\n', '\t', '\r', '\0' or a backslash and the
	// character), as a signed char.
	LitDescription
)

// ShiftRule is what a shift count outside [0, width) does.
type ShiftRule uint8

const (
	// ShiftError makes it an error (ErrShift), where evaluated.
	ShiftError ShiftRule = iota
	// ShiftGCC does what GCC's #if does: a negative count shifts the
	// other way, and a count of the width or more shifts everything out
	// (-1 for a negative signed value shifted right).
	ShiftGCC
	// ShiftMask uses the count's low 6 bits (count & 63), as the
	// descriptions' interpreter did (Go's shift on x86 semantics).
	ShiftMask
)

var (
	// C is the C of constant expressions (enumerators, array bounds,
	// static_assert): LP64 types, wrapping overflow (as GCC folds it),
	// shifts out of range an error.
	C = &Profile{Name: "C", IntBits: 32, Literals: LitC, Shift: ShiftError, DivZero: "division by zero"}
	// Preprocessor is #if: every integer is intmax_t or uintmax_t (once
	// an operand is unsigned the operation is in uintmax_t), identifiers
	// are the host's (0 after macro expansion), no error in arms that are
	// not evaluated, GCC's words.
	Preprocessor = &Profile{Name: "#if", IntBits: 64, Literals: LitPreprocessor, Shift: ShiftGCC,
		DivZero: "division by zero in #if"}
	// Lengths is array lengths over earlier fields: C's types, and any
	// overflow, or a shift out of range, is an error (the caller adds
	// the field path and offset, and rejects a negative length).
	Lengths = &Profile{Name: "length", IntBits: 32, Literals: LitC, Shift: ShiftError, Trap: true,
		DivZero: "division by zero"}
	// Descriptions is the line descriptions of package parseable, with
	// the results of the interpreter it replaces (value.go's arith):
	// every integer is int64 except unsigned 64-bit ones (narrower
	// integers promote to int64, so uint32 arithmetic is signed); once an
	// operand is uint64 the operation is unsigned, shifts included; shifts
	// use count & 63; float times int is float (the int converted by way
	// of double), a double makes double, and comparisons with a float are
	// made in double; text compares with == and != and is true when not
	// empty; errors wait until evaluated, with the interpreter's words.
	//
	// One difference remains, as static types need it: ?: converts both
	// arms to their common type, where the interpreter kept the type of
	// the arm it took (x ? 0 : u64 is uint64 either way here). A caller
	// that must give the interpreter's results sets CondSameType on a
	// copy and falls back to the interpreter on ErrCondTypes.
	Descriptions = &Profile{Name: "description", IntBits: 64, Literals: LitDescription, Shift: ShiftMask,
		DivZero: "division by zero", TextOps: true, IntToFloatViaDouble: true, CompareInDouble: true,
		ShiftUsual: true, DeferErrors: true}
)

// intType is the profile's int.
func (p *Profile) intType() Type { return Type{Kind: KInt, Bits: p.IntBits} }

// promote applies the integer promotions.
func (p *Profile) promote(t Type) Type {
	if t.Kind == KInt && t.Bits < p.IntBits {
		return p.intType()
	}
	return t
}

// usual applies the usual arithmetic conversions to two arithmetic types.
func (p *Profile) usual(a, b Type) Type {
	if a.Kind == KFloat || b.Kind == KFloat {
		if a.Kind == KFloat && a.Bits == 64 || b.Kind == KFloat && b.Bits == 64 {
			return Double
		}
		return Float
	}
	a, b = p.promote(a), p.promote(b)
	switch {
	case a == b:
		return a
	case a.Unsigned == b.Unsigned:
		if a.Bits >= b.Bits {
			return a
		}
		return b
	}
	u, s := a, b
	if s.Unsigned {
		u, s = b, a
	}
	if u.Bits >= s.Bits {
		return u
	}
	return s
}
