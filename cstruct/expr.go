package cstruct

import (
	"errors"
	"fmt"
)

// Expr is a compiled integer expression, kept for array lengths that depend
// on earlier fields ("char data[hdr.len * 2]"). It evaluates with C
// semantics: 64-bit integers, division truncating toward zero, and an error
// (never a panic) for division by zero or a bad shift.
type Expr struct {
	text string
	root exprNode
}

func (e *Expr) String() string { return e.text }

// exprNode is one node of a compiled expression.
type exprNode interface {
	eval(env exprEnv) (int64, error)
	constant() bool
}

// exprEnv resolves references to fields at decode time.
type exprEnv interface {
	ref(r *refNode) (int64, error)
}

type constNode struct{ v int64 }

type unaryNode struct {
	op string
	x  exprNode
}

type binaryNode struct {
	op   string
	x, y exprNode
	pos  Pos
}

type condNode struct{ c, t, f exprNode }

// castNode truncates to an integer type of size bytes.
type castNode struct {
	x      exprNode
	size   int64
	signed bool
}

// refNode names a field read earlier: parts are field names, or index
// expressions for "[i]".
type refNode struct {
	text  string
	parts []refPart
	pos   Pos
}

type refPart struct {
	name  string
	index exprNode // non-nil for [index]
}

func (n *constNode) eval(exprEnv) (int64, error) { return n.v, nil }
func (n *constNode) constant() bool              { return true }

func (n *unaryNode) constant() bool { return n.x.constant() }
func (n *unaryNode) eval(env exprEnv) (int64, error) {
	x, err := n.x.eval(env)
	if err != nil {
		return 0, err
	}
	return applyUnary(n.op, x)
}

func applyUnary(op string, x int64) (int64, error) {
	switch op {
	case "-":
		return -x, nil
	case "+":
		return x, nil
	case "~":
		return ^x, nil
	case "!":
		return b2i(x == 0), nil
	}
	return 0, fmt.Errorf("unknown operator %q", op)
}

func (n *condNode) constant() bool { return n.c.constant() && n.t.constant() && n.f.constant() }
func (n *condNode) eval(env exprEnv) (int64, error) {
	c, err := n.c.eval(env)
	if err != nil {
		return 0, err
	}
	if c != 0 {
		return n.t.eval(env)
	}
	return n.f.eval(env)
}

func (n *castNode) constant() bool { return n.x.constant() }
func (n *castNode) eval(env exprEnv) (int64, error) {
	x, err := n.x.eval(env)
	if err != nil {
		return x, err
	}
	return cast(x, n.size, n.signed), nil
}

func cast(x, size int64, signed bool) int64 {
	if size >= 8 {
		return x
	}
	bits := uint(size * 8)
	if signed {
		return x << (64 - bits) >> (64 - bits)
	}
	return int64(uint64(x) & (1<<bits - 1))
}

func (n *refNode) constant() bool { return false }
func (n *refNode) eval(env exprEnv) (int64, error) {
	if env == nil {
		return 0, fmt.Errorf("%s: field reference outside a struct", n.text)
	}
	return env.ref(n)
}

func (n *binaryNode) constant() bool { return n.x.constant() && n.y.constant() }
func (n *binaryNode) eval(env exprEnv) (int64, error) {
	x, err := n.x.eval(env)
	if err != nil {
		return 0, err
	}
	// && and || short-circuit, as in C.
	switch n.op {
	case "&&":
		if x == 0 {
			return 0, nil
		}
		y, err := n.y.eval(env)
		return b2i(y != 0), err
	case "||":
		if x != 0 {
			return 1, nil
		}
		y, err := n.y.eval(env)
		return b2i(y != 0), err
	}
	y, err := n.y.eval(env)
	if err != nil {
		return 0, err
	}
	return applyBinary(n.op, x, y)
}

// applyBinary applies an operator other than && and ||.
func applyBinary(op string, x, y int64) (int64, error) {
	switch op {
	case "+":
		return x + y, nil
	case "-":
		return x - y, nil
	case "*":
		return x * y, nil
	case "/", "%":
		if y == 0 {
			return 0, errDivZero
		}
		if x == -1<<63 && y == -1 {
			if op == "/" {
				return x, nil
			}
			return 0, nil
		}
		if op == "/" {
			return x / y, nil
		}
		return x % y, nil
	case "<<", ">>":
		if y < 0 || y > 63 {
			return 0, fmt.Errorf("shift count %d out of range", y)
		}
		if op == "<<" {
			return x << uint(y), nil
		}
		return x >> uint(y), nil
	case "&":
		return x & y, nil
	case "|":
		return x | y, nil
	case "^":
		return x ^ y, nil
	case "==":
		return b2i(x == y), nil
	case "!=":
		return b2i(x != y), nil
	case "<":
		return b2i(x < y), nil
	case "<=":
		return b2i(x <= y), nil
	case ">":
		return b2i(x > y), nil
	case ">=":
		return b2i(x >= y), nil
	}
	return 0, fmt.Errorf("unknown operator %q", op)
}

var errDivZero = errors.New("division by zero")

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
	case *unaryNode:
		x, ok := compileLength(n.x, ref)
		if !ok {
			return nil, false
		}
		op := n.op
		return func(b []byte, lay *Layout) (int64, bool) {
			v, ok := x(b, lay)
			if !ok {
				return 0, false
			}
			r, err := applyUnary(op, v)
			return r, err == nil
		}, true
	case *castNode:
		x, ok := compileLength(n.x, ref)
		if !ok {
			return nil, false
		}
		size, signed := n.size, n.signed
		return func(b []byte, lay *Layout) (int64, bool) {
			v, ok := x(b, lay)
			if !ok {
				return 0, false
			}
			return cast(v, size, signed), true
		}, true
	case *condNode:
		c, ok1 := compileLength(n.c, ref)
		t, ok2 := compileLength(n.t, ref)
		f, ok3 := compileLength(n.f, ref)
		if !ok1 || !ok2 || !ok3 {
			return nil, false
		}
		return func(b []byte, lay *Layout) (int64, bool) {
			v, ok := c(b, lay)
			if !ok {
				return 0, false
			}
			if v != 0 {
				return t(b, lay)
			}
			return f(b, lay)
		}, true
	case *binaryNode:
		x, ok1 := compileLength(n.x, ref)
		y, ok2 := compileLength(n.y, ref)
		if !ok1 || !ok2 {
			return nil, false
		}
		op := n.op
		return func(b []byte, lay *Layout) (int64, bool) {
			v, ok := x(b, lay)
			if !ok {
				return 0, false
			}
			switch {
			case op == "&&" && v == 0:
				return 0, true
			case op == "||" && v != 0:
				return 1, true
			}
			w, ok := y(b, lay)
			if !ok {
				return 0, false
			}
			if op == "&&" || op == "||" {
				return b2i(w != 0), true
			}
			r, err := applyBinary(op, v, w)
			return r, err == nil
		}, true
	}
	return nil, false
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// binaryPrec is C's precedence of binary operators, higher binds tighter.
var binaryPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6,
	"<": 7, "<=": 7, ">": 7, ">=": 7,
	"<<": 8, ">>": 8,
	"+": 9, "-": 9,
	"*": 10, "/": 10, "%": 10,
}
