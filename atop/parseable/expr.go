package parseable

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// Expressions in the line descriptions are C expressions over field paths:
// sys.cpu.all.utime, t.gen.name, d.io_ms > 0, a ? b : c, casts written as
// calls (int32(x), double(x)) and the named functions of funcs.go.

type node interface {
	eval(e *env) (value, error)
}

type (
	litNode    struct{ v value }
	identNode  struct{ name string }
	memberNode struct {
		x     node
		name  string
		cache atomic.Pointer[fieldCache] // the field's index path in the last struct type seen
	}
	indexNode struct{ x, i node }
	callNode  struct {
		name string
		args []node
	}
	unaryNode struct {
		op string
		x  node
	}
	binaryNode struct {
		op   string
		a, b node
	}
	condNode struct{ c, a, b node }
)

func (n *litNode) eval(*env) (value, error) { return n.v, nil }

func (n *identNode) eval(e *env) (value, error) { return e.lookup(n.name) }

// fieldCache remembers where a member is in one struct type: the same
// types come back for every sample and task.
type fieldCache struct {
	typ  cstruct.Type
	path []int
}

func (n *memberNode) eval(e *env) (value, error) {
	x, err := n.x.eval(e)
	if err != nil {
		return value{}, err
	}
	if x.k == kC {
		t := x.cv.Type()
		if c := n.cache.Load(); c != nil && c.typ == t {
			v := x.cv
			for _, i := range c.path {
				_, v = v.FieldAt(i)
			}
			return value{k: kC, cv: v}, nil
		}
		if st, ok := cstruct.As[*cstruct.Struct](t); ok {
			if _, path, ok := st.FieldByName(n.name); ok {
				n.cache.Store(&fieldCache{typ: t, path: path})
			}
		}
	}
	return member(x, n.name)
}

// member selects a struct field or a cgroup property.
func member(x value, name string) (value, error) {
	switch x.k {
	case kC:
		f, ok := x.cv.Field(name)
		if !ok {
			return value{}, fmt.Errorf("%s has no field %q", x.cv.Type(), name)
		}
		return value{k: kC, cv: f}, nil
	case kCgroup:
		switch name {
		case "path":
			return strVal(x.cg.path), nil
		case "pids":
			l := make([]value, len(x.cg.pids))
			for i, p := range x.cg.pids {
				l[i] = intVal(int64(p))
			}
			return value{k: kList, list: l}, nil
		case "cstat":
			return value{k: kC, cv: x.cg.cstat}, nil
		}
		return member(value{k: kC, cv: x.cg.cstat}, name)
	}
	return value{}, fmt.Errorf("field %q of %s", name, x.kindName())
}

func (n *indexNode) eval(e *env) (value, error) {
	x, err := n.x.eval(e)
	if err != nil {
		return value{}, err
	}
	iv, err := n.i.eval(e)
	if err != nil {
		return value{}, err
	}
	i, ok := iv.toInt()
	if !ok {
		// the loaded kind, as cexpr words it ("index is text")
		return value{}, fmt.Errorf("index is %s", iv.scalar().kindName())
	}
	switch x.k {
	case kC:
		if _, isArr := cstruct.As[*cstruct.Array](x.cv.Type()); !isArr {
			return value{}, fmt.Errorf("index of %s", x.cv.Type())
		}
		if i < 0 || i >= int64(x.cv.Len()) {
			return value{}, fmt.Errorf("index %d out of range [0,%d)", i, x.cv.Len())
		}
		return value{k: kC, cv: x.cv.Index(int(i))}, nil
	case kList:
		if i < 0 || i >= int64(len(x.list)) {
			return value{}, fmt.Errorf("index %d out of range [0,%d)", i, len(x.list))
		}
		return x.list[i], nil
	}
	return value{}, fmt.Errorf("index of %s", x.kindName())
}

func (n *callNode) eval(e *env) (value, error) {
	args := make([]value, len(n.args))
	for i, a := range n.args {
		v, err := a.eval(e)
		if err != nil {
			return value{}, err
		}
		args[i] = v
	}
	return e.call(n.name, args)
}

func (n *unaryNode) eval(e *env) (value, error) {
	x, err := n.x.eval(e)
	if err != nil {
		return value{}, err
	}
	x = x.scalar()
	switch n.op {
	case "!":
		t, err := x.truth()
		return boolVal(!t), err
	case "-":
		switch x.k {
		case kInt:
			x.i = -x.i
			return x, nil
		case kFloat:
			x.f = -x.f
			return x, nil
		}
	case "~":
		if x.k == kInt {
			x.i = ^x.i
			return x, nil
		}
	}
	return value{}, fmt.Errorf("operator %s on %s", n.op, x.kindName())
}

func (n *binaryNode) eval(e *env) (value, error) {
	a, err := n.a.eval(e)
	if err != nil {
		return value{}, err
	}
	switch n.op {
	case "&&", "||":
		t, err := a.truth()
		if err != nil {
			return value{}, err
		}
		if t == (n.op == "||") {
			return boolVal(t), nil
		}
		b, err := n.b.eval(e)
		if err != nil {
			return value{}, err
		}
		t, err = b.truth()
		return boolVal(t), err
	}
	b, err := n.b.eval(e)
	if err != nil {
		return value{}, err
	}
	return arith(n.op, a, b)
}

func (n *condNode) eval(e *env) (value, error) {
	c, err := n.c.eval(e)
	if err != nil {
		return value{}, err
	}
	t, err := c.truth()
	if err != nil {
		return value{}, err
	}
	if t {
		return n.a.eval(e)
	}
	return n.b.eval(e)
}

// ---- building nodes from the syntax tree ----

// expr builds the node of an expression.
func (b *builder) expr(a *exprAST) (node, error) {
	c, err := b.binary(a.Cond)
	if err != nil || a.Then == nil {
		return c, err
	}
	x, err := b.expr(a.Then)
	if err != nil {
		return nil, err
	}
	y, err := b.expr(a.Else)
	if err != nil {
		return nil, err
	}
	return &condNode{c: c, a: x, b: y}, nil
}

// precedence of the binary operators, loosest first
var precedence = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6,
	"<": 7, ">": 7, "<=": 7, ">=": 7, "<<": 8, ">>": 8,
	"+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// binary applies C's precedence to a flat operator chain (precedence
// climbing), left-associatively.
func (b *builder) binary(a *binaryAST) (node, error) {
	operands := make([]node, 0, len(a.Tail)+1)
	x, err := b.unary(a.Head)
	if err != nil {
		return nil, err
	}
	operands = append(operands, x)
	for _, t := range a.Tail {
		y, err := b.unary(t.X)
		if err != nil {
			return nil, err
		}
		operands = append(operands, y)
	}
	pos := 0 // the right operand of a.Tail[i] is operands[i+1]
	var climb func(minPrec int) node
	climb = func(minPrec int) node {
		lhs := operands[pos]
		for pos < len(a.Tail) {
			op := a.Tail[pos].Op
			prec := precedence[op]
			if prec < minPrec {
				break
			}
			pos++
			lhs = &binaryNode{op: op, a: lhs, b: climb(prec + 1)}
		}
		return lhs
	}
	return climb(0), nil
}

func (b *builder) unary(a *unaryAST) (node, error) {
	if a.Op != "" {
		x, err := b.unary(a.X)
		if err != nil {
			return nil, err
		}
		if lit, isLit := x.(*litNode); isLit && a.Op == "-" {
			v := lit.v
			if v.k == kInt {
				v.i = -v.i
			} else {
				v.f = -v.f
			}
			return &litNode{v: v}, nil
		}
		return &unaryNode{op: a.Op, x: x}, nil
	}
	x, err := b.primary(a.Primary)
	if err != nil {
		return nil, err
	}
	for _, s := range a.Suffixes {
		switch {
		case s.Member != "":
			x = &memberNode{x: x, name: s.Member}
		case s.Index != nil:
			i, err := b.expr(s.Index)
			if err != nil {
				return nil, err
			}
			x = &indexNode{x: x, i: i}
		default:
			id, isIdent := x.(*identNode)
			if !isIdent {
				return nil, b.errorf(s.Pos, "only named functions can be called")
			}
			var args []node
			for _, arg := range s.Args {
				y, err := b.expr(arg)
				if err != nil {
					return nil, err
				}
				args = append(args, y)
			}
			x = &callNode{name: id.name, args: args}
		}
	}
	return x, nil
}

func (b *builder) primary(a *primaryAST) (node, error) {
	switch {
	case a.Number != "":
		text := a.Number
		hex := len(text) > 1 && (text[1] == 'x' || text[1] == 'X')
		if !hex && strings.ContainsAny(text, ".eE+-") {
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return nil, b.errorf(a.Pos, "bad number %q", text)
			}
			return &litNode{v: floatVal(f)}, nil
		}
		n, err := strconv.ParseInt(text, 0, 64)
		if err != nil {
			return nil, b.errorf(a.Pos, "bad number %q", text)
		}
		return &litNode{v: intVal(n)}, nil
	case a.Char != "":
		s := cexpr.UnquoteDesc(a.Char)
		if len(s) != 1 {
			return nil, b.errorf(a.Pos, "bad character literal %s", a.Char)
		}
		return &litNode{v: intVal(int64(int8(s[0])))}, nil
	case a.String != "":
		return &litNode{v: strVal(cexpr.UnquoteDesc(a.String))}, nil
	case a.Ident != "":
		return &identNode{name: a.Ident}, nil
	}
	return b.expr(a.Paren)
}
