package main

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// curName stands for "$" (the current offset) in expressions: the C
// lexer has no "$".
const curName = "__cstruct_cur__"

type noFrame = struct{}

// replHost resolves the names of a repl expression: $ (the current
// offset), the fields of the last record shown (members and elements of
// its structs and arrays too), the constants of the definitions, and
// sizeof of their types.
type replHost struct {
	cexpr.BaseHost[noFrame]
	s *session
}

// hostValue is a struct or array of the last record, as a host kind.
type hostValue struct{ v cstruct.Value }

func (h hostValue) String() string { return h.v.Type().String() }

func (h replHost) errorf(n cexpr.Node, format string, args ...any) error {
	return &cexpr.Error{Pos: n.Position(), Msg: fmt.Sprintf(format, args...)}
}

func (h replHost) Ident(x *cexpr.Ident) (cexpr.Operand[noFrame], error) {
	if x.Name == curName {
		return cexpr.Constant[noFrame](cexpr.IntValue(cexpr.Long, h.s.cur)), nil
	}
	// the last record, then the last of each other type shown, newest first
	for _, r := range append([]cstruct.Value{h.s.last}, h.s.recent...) {
		if !r.IsValid() {
			continue
		}
		if _, isStruct := cstruct.As[*cstruct.Struct](r.Type()); isStruct {
			if fv, ok := r.Field(x.Name); ok {
				return valueOperand(fv, x)
			}
		}
	}
	if v, ok := h.s.spec.Const(x.Name); ok {
		return cexpr.Constant[noFrame](cexpr.IntValue(cexpr.Long, v)), nil
	}
	if h.s.last.IsValid() {
		return cexpr.Operand[noFrame]{}, h.errorf(x, "unknown name %q: not a field of the records shown (the last: %s) nor a constant", x.Name, h.s.last.Type())
	}
	return cexpr.Operand[noFrame]{}, h.errorf(x, "unknown name %q: no record shown yet, and not a constant", x.Name)
}

// valueOperand is a value of the last record as an operand: a number, or
// a struct or array to take a member or element of.
func valueOperand(v cstruct.Value, at cexpr.Node) (cexpr.Operand[noFrame], error) {
	switch u := cstruct.Underlying(v.Type()).(type) {
	case *cstruct.Struct, *cstruct.Array:
		return cexpr.Constant[noFrame](cexpr.Value{Type: cexpr.HostType(hostValue{v}), H: hostValue{v}}), nil
	case *cstruct.Float:
		return cexpr.Constant[noFrame](cexpr.FloatValue(cexpr.Double, v.Float())), nil
	case *cstruct.Int:
		if u.ByteSize > 8 {
			return cexpr.Operand[noFrame]{}, &cexpr.Error{Pos: at.Position(), Msg: fmt.Sprintf("%s is wider than 64 bits", v.Type())}
		}
	}
	if !v.IsInteger() {
		return cexpr.Operand[noFrame]{}, &cexpr.Error{Pos: at.Position(), Msg: fmt.Sprintf("%s has no number", v.Type())}
	}
	if v.Int() < 0 {
		return cexpr.Constant[noFrame](cexpr.IntValue(cexpr.Long, v.Int())), nil
	}
	return cexpr.Constant[noFrame](cexpr.IntValue(cexpr.ULong, int64(v.Uint()))), nil
}

func (h replHost) Member(x cexpr.Operand[noFrame], m *cexpr.Member) (cexpr.Operand[noFrame], error) {
	hv, ok := x.Host.(hostValue)
	if !ok {
		return h.BaseHost.Member(x, m)
	}
	if _, isStruct := cstruct.As[*cstruct.Struct](hv.v.Type()); isStruct {
		if fv, ok := hv.v.Field(m.Name); ok {
			return valueOperand(fv, m)
		}
	}
	return cexpr.Operand[noFrame]{}, h.errorf(m, "%s has no field %q", hv.v.Type(), m.Name)
}

func (h replHost) Index(x, i cexpr.Operand[noFrame], n *cexpr.Index) (cexpr.Operand[noFrame], error) {
	hv, ok := x.Host.(hostValue)
	if !ok || !i.Const {
		return h.BaseHost.Index(x, i, n)
	}
	if _, isArray := cstruct.As[*cstruct.Array](hv.v.Type()); !isArray {
		return cexpr.Operand[noFrame]{}, h.errorf(n, "%s is not an array", hv.v.Type())
	}
	k := i.Value.Int()
	if k < 0 || k >= int64(hv.v.Len()) {
		return cexpr.Operand[noFrame]{}, h.errorf(n, "index %d out of range [0,%d)", k, hv.v.Len())
	}
	return valueOperand(hv.v.Index(int(k)), n)
}

func (h replHost) Load(x cexpr.Operand[noFrame], at cexpr.Node) (cexpr.Operand[noFrame], error) {
	if hv, ok := x.Host.(hostValue); ok {
		return cexpr.Operand[noFrame]{}, h.errorf(at, "%s is not a number", hv.v.Type())
	}
	return h.BaseHost.Load(x, at)
}

func (h replHost) Type(tn *cexpr.TypeName, at cexpr.Node) (cexpr.Type, error) {
	if tn.Name != "" && tn.Ptrs == 0 && len(tn.Arrays) == 0 {
		if t, err := h.s.spec.Lookup(strings.TrimSpace(tn.Tag + " " + tn.Name)); err == nil {
			if it, ok := cstruct.As[*cstruct.Int](t); ok && it.ByteSize <= 8 {
				return cexpr.IntType(int(it.ByteSize*8), !it.Signed), nil
			}
			return cexpr.Type{}, h.errorf(at, "cast to %s", t)
		}
	}
	return h.BaseHost.Type(tn, at)
}

func (h replHost) Sizeof(s *cexpr.Sizeof, _ cexpr.Args[noFrame]) (cexpr.Operand[noFrame], error) {
	if s.Type == nil {
		return cexpr.Operand[noFrame]{}, h.errorf(s, "%s of an expression: give a type", s.Op)
	}
	tn := s.Type
	var t cstruct.Type
	var err error
	switch {
	case tn.Ptrs > 0 || len(tn.Arrays) > 0:
		return cexpr.Operand[noFrame]{}, h.errorf(s, "%s(%s): give a type name", s.Op, tn)
	case tn.Name != "":
		t, err = h.s.spec.Lookup(strings.TrimSpace(tn.Tag + " " + tn.Name))
		if err != nil && tn.Tag == "" && h.s.last.IsValid() {
			// sizeof(field) of the last record
			if fv, ok := h.s.last.Field(tn.Name); ok {
				t, err = fv.Type(), nil
			}
		}
	default:
		t, err = h.s.spec.Lookup(strings.Join(tn.Words, " "))
	}
	if err != nil {
		return cexpr.Operand[noFrame]{}, h.errorf(s, "%s(%s): unknown type", s.Op, tn)
	}
	n := t.Align()
	if s.Op == "sizeof" {
		if n, err = cstruct.Sizeof(t); err != nil {
			return cexpr.Operand[noFrame]{}, h.errorf(s, "sizeof(%s): the size depends on the data", t)
		}
	}
	return cexpr.Constant[noFrame](cexpr.IntValue(cexpr.ULong, n)), nil
}

// eval evaluates a C expression of the session: a number (an integer, or
// a float truncated).
func (s *session) eval(text string) (cexpr.Value, error) {
	text = strings.ReplaceAll(text, "$", curName)
	x, err := cexpr.Parse("", text)
	if err != nil {
		return cexpr.Value{}, cleanExprErr(err)
	}
	v, err := cexpr.Eval(x.X, cexpr.Lengths, replHost{s: s})
	if err != nil {
		return cexpr.Value{}, cleanExprErr(err)
	}
	if hv, ok := v.H.(hostValue); ok {
		return cexpr.Value{}, fmt.Errorf("%s is %s, not a number", strings.TrimSpace(text), hv.v.Type())
	}
	if v.Type.Kind != cexpr.KInt && v.Type.Kind != cexpr.KFloat {
		return cexpr.Value{}, fmt.Errorf("%s is not a number", strings.TrimSpace(text))
	}
	return v, nil
}

// evalInt evaluates an offset or a count: an integer, not negative.
func (s *session) evalInt(what, text string) (int64, error) {
	v, err := s.eval(text)
	if err != nil {
		return 0, err
	}
	if v.Type.Kind != cexpr.KInt {
		return 0, fmt.Errorf("%s %s is not an integer", what, strings.TrimSpace(text))
	}
	if v.Int() < 0 && !(v.Type.Unsigned && v.Type.Bits == 64) || v.Type.Unsigned && v.Type.Bits == 64 && v.Uint() > 1<<62 {
		return 0, fmt.Errorf("%s %s is %s: out of range", what, strings.TrimSpace(text), v)
	}
	return v.Int(), nil
}

var exprPos = regexp.MustCompile(`^:?1:(\d+): `)

// cleanExprErr words an expression error for the prompt: the column in
// the expression, $ as typed.
func cleanExprErr(err error) error {
	msg := exprPos.ReplaceAllString(err.Error(), "at column $1: ")
	return errors.New(strings.ReplaceAll(msg, curName, "$"))
}
