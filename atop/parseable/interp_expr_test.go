package parseable

import (
	"fmt"
	"sync"
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
		return value{}, fmt.Errorf("index is %s", iv.loaded().kindName())
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
	x = x.loaded()
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

// ---- the interpreter's nodes of cexpr's syntax tree ----

// interpNodes caches the nodes of the desc's expressions.
var interpNodes sync.Map // cexpr.Node → node

// interp is the interpreter's node of an expression of a desc (which the
// builder checked).
func interp(n cexpr.Node) node {
	if x, ok := interpNodes.Load(n); ok {
		return x.(node)
	}
	x := toNode(n)
	interpNodes.Store(n, x)
	return x
}

func toNode(n cexpr.Node) node {
	switch n := n.(type) {
	case *cexpr.Lit:
		v, err := cexpr.Descriptions.Literal(n)
		if err != nil {
			panic(err) // the builder refuses it
		}
		switch v.Type.Kind {
		case cexpr.KFloat:
			return &litNode{v: floatVal(v.F)}
		case cexpr.KText:
			return &litNode{v: strVal(string(v.S))}
		}
		return &litNode{v: intVal(v.I)}
	case *cexpr.Ident:
		return &identNode{name: n.Name}
	case *cexpr.Paren:
		return toNode(n.X)
	case *cexpr.Unary:
		return &unaryNode{op: n.Op, x: toNode(n.X)}
	case *cexpr.Binary:
		return &binaryNode{op: n.Op, a: toNode(n.X), b: toNode(n.Y)}
	case *cexpr.Cond:
		return &condNode{c: toNode(n.C), a: toNode(n.Then), b: toNode(n.Else)}
	case *cexpr.Member:
		return &memberNode{x: toNode(n.X), name: n.Name}
	case *cexpr.Index:
		return &indexNode{x: toNode(n.X), i: toNode(n.I)}
	case *cexpr.Call:
		c := &callNode{name: n.Fun.(*cexpr.Ident).Name}
		for _, a := range n.Args {
			c.args = append(c.args, toNode(a))
		}
		return c
	}
	panic(fmt.Sprintf("a %T in a desc", n)) // the builder refuses it
}
