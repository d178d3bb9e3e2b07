package cstruct

import (
	"fmt"
	"math"

	"github.com/cstructgo/cstruct/internal/cexpr"
)

// Expr is a compiled length expression, kept for arrays whose length
// depends on earlier fields ("char data[hdr.len * 2]"). It is checked once
// by the C expression engine (internal/cexpr) with C's types: the fields
// it names have their C types, constants theirs, and the integer
// promotions and usual arithmetic conversions apply (so -(n) of an
// unsigned int n is unsigned). Any overflow, a shift out of range and a
// division by zero are errors, never a panic or a wrapped length.
type Expr struct {
	text string
	root exprNode
}

func (e *Expr) String() string { return e.text }

// exprNode is what a length evaluates: a lone field (*refNode, which the
// plans read directly), a constant, or a compiled program.
type exprNode interface {
	eval(env exprEnv) (int64, error)
}

// exprEnv resolves references to fields at decode time (the general
// decoder's scope).
type exprEnv interface {
	ref(r *refNode) (int64, error)
}

// refNode names a field read earlier: parts are field names, or index
// expressions for "[i]". typ is its C type, and slot its place among the
// references of its program.
type refNode struct {
	text  string
	parts []refPart
	pos   Pos
	typ   cexpr.Type
	slot  int
}

type refPart struct {
	name  string
	index exprNode // non-nil for [index]
}

func (n *refNode) eval(env exprEnv) (int64, error) {
	if env == nil {
		return 0, fmt.Errorf("%s: field reference outside a struct", n.text)
	}
	return env.ref(n)
}

// constNode is a constant index of a reference.
type constNode struct{ v int64 }

func (n *constNode) eval(exprEnv) (int64, error) { return n.v, nil }

// program is a length compiled into closures over a lenFrame.
type program struct {
	fn   func(*lenFrame) int64
	typ  cexpr.Type
	refs []*refNode // by slot
}

// lenFrame is what a length program reads: the general decoder's scope
// (env), or a plan's record and layout with the plan's reads of the
// references (fast).
type lenFrame struct {
	env    exprEnv
	b      []byte
	lay    *Layout
	fast   []lengthFn
	failed bool
	err    error
}

func (p *program) eval(env exprEnv) (int64, error) {
	v, err := p.evalRaw(env)
	if err == nil && p.typ.Unsigned && v < 0 {
		return math.MaxInt64, nil // more than any record holds
	}
	return v, err
}

// evalRaw is eval with an unsigned result past int64 left negative.
func (p *program) evalRaw(env exprEnv) (int64, error) {
	var f *lenFrame
	if sc, ok := env.(*scope); ok && sc.d != nil {
		// the decoder's frame, saved around a program that an index of a
		// reference runs within another
		f = &sc.d.lf
		saved := *f
		defer func() { *f = saved }()
	} else {
		f = new(lenFrame)
	}
	*f = lenFrame{env: env}
	v := p.fn(f)
	if f.err != nil {
		return 0, f.err
	}
	return v, nil
}

// length evaluates e as the length of an array. A negative value, or an
// unsigned one past int64 (read as negative), is an error that shows the
// value, never an empty array.
func (e *Expr) length(env exprEnv) (int64, error) {
	var v int64
	var err error
	unsigned := false
	switch n := e.root.(type) {
	case *program:
		v, err = n.evalRaw(env)
		unsigned = n.typ.Unsigned
	case *refNode:
		v, err = n.eval(env)
		unsigned = n.typ.Unsigned
	default:
		v, err = n.eval(env)
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf("length %s: %w", e, err)
	case v >= 0:
		return v, nil
	case unsigned:
		return 0, fmt.Errorf("length %s = %d: %w (more than int64)", e, uint64(v), ErrLimit)
	}
	return 0, fmt.Errorf("length %s = %d: negative length", e, v)
}

// read is the leaf of a reference in a program.
func (r *refNode) read() func(*lenFrame) int64 {
	k := r.slot
	return func(f *lenFrame) int64 {
		if f.fast != nil {
			v, ok := f.fast[k](f.b, f.lay)
			if !ok {
				f.failed = true
			}
			return v
		}
		v, err := r.eval(f.env)
		if err != nil {
			f.fail(err)
			return 0
		}
		return v
	}
}

func (f *lenFrame) fail(err error) {
	if f.err == nil {
		f.err = err
	}
	f.failed = true
}

// A lengthFn is a length expression compiled for one record type: it reads
// the fields it names straight from the record b (and its Layout). false
// means the general decoder must evaluate it (and report its error).
type lengthFn func(b []byte, lay *Layout) (int64, bool)

// compileLength turns an expression into a lengthFn; ref binds each field
// reference. false: something in it cannot be compiled.
//
// This is the one place that builds length closures.
func compileLength(n exprNode, ref func(*refNode) (lengthFn, bool)) (lengthFn, bool) {
	switch n := n.(type) {
	case *constNode:
		v := n.v
		return func([]byte, *Layout) (int64, bool) { return v, true }, true
	case *refNode:
		return ref(n)
	case *program:
		fast := make([]lengthFn, len(n.refs))
		for k, r := range n.refs {
			fn, ok := ref(r)
			if !ok {
				return nil, false
			}
			fast[k] = fn
		}
		fn, uns := n.fn, n.typ.Unsigned
		return func(b []byte, lay *Layout) (int64, bool) {
			f := &lay.lf
			f.b, f.lay, f.fast = b, lay, fast
			v := fn(f)
			ok := !f.failed && !(uns && v < 0)
			*f = lenFrame{} // keeps nothing of the record
			return v, ok
		}, true
	}
	return nil, false
}
