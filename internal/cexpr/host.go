package cexpr

import (
	"fmt"
	"strings"
)

// Operand is a checked, compiled expression of a static type: a constant,
// or a closure over the caller's frame F chosen by the type: Int for KInt
// (the bits, normalised to the type as in Value.I), Float for KFloat,
// Text for KText. A KHost operand carries the host's own data in Host
// (static: a struct's slot and offset; it may hold closures); a KNever
// operand fails with Err. Hosts make operands with the constructors below
// and receive them in Member, Index, Call and Load.
type Operand[F any] struct {
	Type  Type
	Const bool  // the value is Value, known now
	Value Value // if Const
	Int   func(*F) int64
	Float func(*F) float64
	Text  func(*F) []byte
	Host  any
	Err   error // KNever: the error
	// effects, for a KNever operand, runs what precedes the failure
	// (the operands left of it), so that their errors come first.
	effects func(*F)
	// load, for an Int operand, reads the same value inline (IntLoad).
	load Load
}

// Constant is the operand of a constant value.
func Constant[F any](v Value) Operand[F] {
	o := Operand[F]{Type: v.Type, Const: true, Value: v}
	if v.Type.Kind == KHost {
		o.Host = v.H
	}
	return o
}

// IntLeaf is an integer of type t that fn reads from the frame; fn must
// return the bits normalised to t (sign- or zero-extended).
func IntLeaf[F any](t Type, fn func(*F) int64) Operand[F] {
	return Operand[F]{Type: t, Int: fn}
}

// FloatLeaf is a float or double that fn reads.
func FloatLeaf[F any](t Type, fn func(*F) float64) Operand[F] {
	return Operand[F]{Type: t, Float: fn}
}

// TextLeaf is a text that fn reads (a char array up to its NUL).
func TextLeaf[F any](fn func(*F) []byte) Operand[F] {
	return Operand[F]{Type: Text, Text: fn}
}

// HostOperand is a value of a host kind t, with the host's data.
func HostOperand[F any](t Type, data any) Operand[F] {
	return Operand[F]{Type: t, Host: data}
}

// Failing is an operand that fails with err when evaluated.
func Failing[F any](err error) Operand[F] {
	return Operand[F]{Type: Never, Err: err}
}

// FailingRun is an operand that fails by running run, which reports its
// error itself (after what precedes it); err is the error it ends with.
func FailingRun[F any](err error, run func(*F)) Operand[F] {
	return Operand[F]{Type: Never, Err: err, effects: run}
}

// Host resolves what C leaves to the program's environment: names,
// members and indexes of host kinds, calls, type names, sizeof and
// offsetof, and the value of a host kind used as a scalar. Embed
// BaseHost for the defaults (everything unknown). F is the frame type of
// the compiled closures; a host of constants only uses struct{}.
//
// A method returns an operand (a constant, which Check folds, or a
// closure of a static type) or an error, which should be an *Error at the
// node's position. Under Profile.DeferErrors, Check turns the error into
// an operand that fails when evaluated.
type Host[F any] interface {
	// Ident resolves a name.
	Ident(x *Ident) (Operand[F], error)
	// Member resolves x.Name for x of a host kind.
	Member(x Operand[F], m *Member) (Operand[F], error)
	// Index resolves x[i] for x of a host kind; i is an integer.
	Index(x, i Operand[F], n *Index) (Operand[F], error)
	// Call resolves a call of a named function (Fun is an *Ident). The
	// host checks the arguments it wants through args, in any order,
	// and composes their closures: laziness is its choice (&&, || and
	// ?: are always lazy).
	Call(c *Call, args Args[F]) (Operand[F], error)
	// Type resolves the type of a cast (a C scalar type; KHost types
	// are not cast).
	Type(tn *TypeName, at Node) (Type, error)
	// Sizeof resolves sizeof and _Alignof.
	Sizeof(s *Sizeof, args Args[F]) (Operand[F], error)
	// Offsetof resolves offsetof.
	Offsetof(o *Offsetof, args Args[F]) (Operand[F], error)
	// Load is the scalar value of x of a host kind, where one is needed
	// (arithmetic, truth, a conversion, the result of a Program).
	Load(x Operand[F], at Node) (Operand[F], error)
	// Fail records err, the first error of an evaluation, in the frame
	// (a division by zero in a closure). Closures go on with a zero
	// value; the caller checks the frame afterwards.
	Fail(f *F, err error)
}

// TruthHost is a Host whose kinds may have a truth without a scalar
// value (a list is true when not empty): Truth is the truth of x, an
// integer operand; without it, a host kind has no truth value.
type TruthHost[F any] interface {
	Host[F]
	Truth(x Operand[F], at Node) (Operand[F], error)
}

// Args are the arguments of a call, checked when the host asks.
type Args[F any] struct {
	Nodes []Node
	c     *checker[F]
}

// Len is the number of arguments.
func (a Args[F]) Len() int { return len(a.Nodes) }

// Check checks and compiles argument i.
func (a Args[F]) Check(i int) (Operand[F], error) { return a.c.operand(a.Nodes[i]) }

// CheckNode checks another expression (an index of offsetof, a
// function's body) with the same profile and limits, under host h (which
// may be a scope over the caller's host), for inlining.
func (a Args[F]) CheckNode(x Node, h Host[F]) (Operand[F], error) {
	saved := a.c.host
	a.c.host = h
	defer func() { a.c.host = saved }()
	return a.c.operand(x)
}

// Convert converts x to the C scalar type t as a cast does.
func (a Args[F]) Convert(x Operand[F], t Type, at Node) (Operand[F], error) {
	n, err := a.c.leaf(x, at)
	if err != nil {
		return Operand[F]{}, err
	}
	n, err = a.c.cast(n, t, at)
	if err != nil {
		return Operand[F]{}, err
	}
	return a.c.compile(n), nil
}

// Truth is the C truth of x, an int 0 or 1.
func (a Args[F]) Truth(x Operand[F], at Node) (Operand[F], error) {
	n, err := a.c.leaf(x, at)
	if err != nil {
		return Operand[F]{}, err
	}
	n, err = a.c.truth(n, at)
	if err != nil {
		return Operand[F]{}, err
	}
	return a.c.compile(n), nil
}

// Profile is the profile of the check.
func (a Args[F]) Profile() *Profile { return a.c.prof }

// BaseHost implements Host with nothing known: every name is an error,
// and Type knows C's built-in type words (LP64). Embed it and override.
type BaseHost[F any] struct{}

func (BaseHost[F]) Ident(x *Ident) (Operand[F], error) {
	return Operand[F]{}, errorf(x.Pos, "unknown name %q", x.Name)
}

func (BaseHost[F]) Member(x Operand[F], m *Member) (Operand[F], error) {
	return Operand[F]{}, errorf(m.Pos, "field %q of %s", m.Name, kindName(x.Type))
}

func (BaseHost[F]) Index(x, _ Operand[F], n *Index) (Operand[F], error) {
	return Operand[F]{}, errorf(n.Pos, "index of %s", kindName(x.Type))
}

func (BaseHost[F]) Call(c *Call, _ Args[F]) (Operand[F], error) {
	name := String(c.Fun)
	return Operand[F]{}, errorf(c.Fun.Position(), "unknown function %q", name)
}

func (BaseHost[F]) Type(tn *TypeName, _ Node) (Type, error) { return BuiltinType(tn) }

func (BaseHost[F]) Sizeof(s *Sizeof, _ Args[F]) (Operand[F], error) {
	return Operand[F]{}, errorf(s.Pos, "%s is not supported here", s.Op)
}

func (BaseHost[F]) Offsetof(o *Offsetof, _ Args[F]) (Operand[F], error) {
	return Operand[F]{}, errorf(o.Pos, "offsetof is not supported here")
}

func (BaseHost[F]) Load(x Operand[F], at Node) (Operand[F], error) {
	return Operand[F]{}, errorf(at.Position(), "%s has no value", kindName(x.Type))
}

func (BaseHost[F]) Fail(*F, error) {}

// BuiltinType is the LP64 type of a type name made of C's type words
// (unsigned long, signed char, _Bool, double); pointers are unsigned
// long. Other names are errors.
func BuiltinType(tn *TypeName) (Type, error) {
	if tn.Ptrs > 0 && len(tn.Arrays) == 0 {
		return ULong, nil
	}
	if len(tn.Words) == 0 || len(tn.Arrays) > 0 {
		return Type{}, errorf(tn.Pos, "unknown type %q", tn.String())
	}
	t, ok := builtinTypes[normalWords(tn.Words)]
	if !ok {
		return Type{}, errorf(tn.Pos, "unknown type %q", tn.String())
	}
	return t, nil
}

// normalWords sorts type words into one spelling: "long unsigned int"
// and "unsigned long" are both "unsigned long".
func normalWords(words []string) string {
	var sign, size, base string
	longs := 0
	for _, w := range words {
		switch w {
		case "signed", "__signed__":
			sign = "signed"
		case "unsigned", "__unsigned__":
			sign = "unsigned"
		case "long":
			longs++
		case "short":
			size = "short"
		case "int":
			if base == "" {
				base = "int"
			}
		default:
			base = w
		}
	}
	if longs > 0 {
		size = strings.TrimSpace(strings.Repeat("long ", longs))
	}
	if base == "int" && (size != "" || sign != "") {
		base = ""
	}
	if base == "" && size == "" {
		base = "int"
	}
	return strings.Join(strings.Fields(fmt.Sprint(sign, " ", size, " ", base)), " ")
}

var builtinTypes = map[string]Type{
	"_Bool": Bool, "char": Char, "signed char": SChar, "unsigned char": UChar,
	"short": Short, "signed short": Short, "unsigned short": UShort,
	"int": Int, "signed": Int, "signed int": Int, "unsigned": UInt, "unsigned int": UInt,
	"long": Long, "signed long": Long, "unsigned long": ULong,
	"long long": LongLong, "signed long long": LongLong, "unsigned long long": ULongLong,
	"float": Float, "double": Double, "long double": Double,
	"__int8": Char, "__int16": Short, "__int32": Int, "__int64": Long,
	"signed __int8": Char, "signed __int16": Short, "signed __int32": Int, "signed __int64": Long,
	"unsigned __int8": UChar, "unsigned __int16": UShort, "unsigned __int32": UInt, "unsigned __int64": ULong,
}
