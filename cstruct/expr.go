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
	switch n.op {
	case "-":
		return -x, nil
	case "+":
		return x, nil
	case "~":
		return ^x, nil
	case "!":
		return b2i(x == 0), nil
	}
	return 0, fmt.Errorf("unknown operator %q", n.op)
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
	if err != nil || n.size >= 8 {
		return x, err
	}
	bits := uint(n.size * 8)
	if n.signed {
		return x << (64 - bits) >> (64 - bits), nil
	}
	return int64(uint64(x) & (1<<bits - 1)), nil
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
	switch n.op {
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
			if n.op == "/" {
				return x, nil
			}
			return 0, nil
		}
		if n.op == "/" {
			return x / y, nil
		}
		return x % y, nil
	case "<<", ">>":
		if y < 0 || y > 63 {
			return 0, fmt.Errorf("shift count %d out of range", y)
		}
		if n.op == "<<" {
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
	return 0, fmt.Errorf("unknown operator %q", n.op)
}

var errDivZero = errors.New("division by zero")

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
