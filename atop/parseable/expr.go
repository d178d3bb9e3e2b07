package parseable

import (
	"errors"
	"fmt"
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

// expr builds the node of an expression: cexpr's tree, of the constructs
// the language has, with its literals read.
func (b *builder) expr(x *cexpr.Expr) (node, error) { return b.node(x.X) }

func (b *builder) node(n cexpr.Node) (node, error) {
	switch n := n.(type) {
	case *cexpr.Lit:
		v, err := cexpr.Descriptions.Literal(n)
		if err != nil {
			var e *cexpr.Error
			if errors.As(err, &e) {
				return nil, b.errorf(e.Pos, "%s", e.Msg)
			}
			return nil, err
		}
		switch v.Type.Kind {
		case cexpr.KFloat:
			return &litNode{v: floatVal(v.F)}, nil
		case cexpr.KText:
			return &litNode{v: strVal(string(v.S))}, nil
		}
		return &litNode{v: intVal(v.I)}, nil
	case *cexpr.Ident:
		return &identNode{name: n.Name}, nil
	case *cexpr.Paren:
		return b.node(n.X)
	case *cexpr.Unary:
		if n.Op == "+" {
			return nil, b.errorf(n.Pos, "unexpected \"+\"")
		}
		x, err := b.node(n.X)
		if err != nil {
			return nil, err
		}
		return &unaryNode{op: n.Op, x: x}, nil
	case *cexpr.Binary:
		x, err := b.node(n.X)
		if err != nil {
			return nil, err
		}
		y, err := b.node(n.Y)
		if err != nil {
			return nil, err
		}
		return &binaryNode{op: n.Op, a: x, b: y}, nil
	case *cexpr.Cond:
		c, err := b.node(n.C)
		if err != nil {
			return nil, err
		}
		x, err := b.node(n.Then)
		if err != nil {
			return nil, err
		}
		y, err := b.node(n.Else)
		if err != nil {
			return nil, err
		}
		return &condNode{c: c, a: x, b: y}, nil
	case *cexpr.Member:
		if n.Arrow {
			return nil, b.errorf(n.Pos, "unexpected \"->\"")
		}
		x, err := b.node(n.X)
		if err != nil {
			return nil, err
		}
		return &memberNode{x: x, name: n.Name}, nil
	case *cexpr.Index:
		x, err := b.node(n.X)
		if err != nil {
			return nil, err
		}
		i, err := b.node(n.I)
		if err != nil {
			return nil, err
		}
		return &indexNode{x: x, i: i}, nil
	case *cexpr.Call:
		id, isIdent := n.Fun.(*cexpr.Ident)
		if !isIdent {
			if _, err := b.node(n.Fun); err != nil {
				return nil, err
			}
			return nil, b.errorf(n.Pos, "only named functions can be called")
		}
		c := &callNode{name: id.Name}
		for _, a := range n.Args {
			y, err := b.node(a)
			if err != nil {
				return nil, err
			}
			c.args = append(c.args, y)
		}
		return c, nil
	case *cexpr.Cast:
		return nil, b.errorf(n.Pos, "a cast: write it as a call, int32(x)")
	case *cexpr.Sizeof:
		return nil, b.errorf(n.Pos, "no %s in descriptions", n.Op)
	}
	return nil, b.errorf(n.Position(), "no offsetof in descriptions")
}
