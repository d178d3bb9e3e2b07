package parseable

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/cstructgo/cstruct/cstruct"
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
		return value{}, fmt.Errorf("index is %s", iv.kindName())
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

// ---- lexer ----

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tInt
	tFloat
	tChar
	tString
	tOp
)

type token struct {
	kind tokKind
	text string
	v    value
}

var operators = []string{"<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
	"+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "?", ":", "(", ")", "[", "]", ".", ","}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '_' || isLetter(c):
			j := i
			for j < len(src) && (src[j] == '_' || isLetter(src[j]) || isDigit(src[j])) {
				j++
			}
			toks = append(toks, token{kind: tIdent, text: src[i:j]})
			i = j
		case isDigit(c):
			j := i
			isFloat := false
			if c == '0' && j+1 < len(src) && (src[j+1] == 'x' || src[j+1] == 'X') {
				j += 2
				for j < len(src) && isHex(src[j]) {
					j++
				}
			} else {
				for j < len(src) && (isDigit(src[j]) || src[j] == '.' ||
					src[j] == 'e' || src[j] == 'E' ||
					((src[j] == '+' || src[j] == '-') && (src[j-1] == 'e' || src[j-1] == 'E'))) {
					if !isDigit(src[j]) {
						isFloat = true
					}
					j++
				}
			}
			text := src[i:j]
			if isFloat {
				f, err := strconv.ParseFloat(text, 64)
				if err != nil {
					return nil, fmt.Errorf("bad number %q", text)
				}
				toks = append(toks, token{kind: tFloat, text: text, v: floatVal(f)})
			} else {
				n, err := strconv.ParseInt(text, 0, 64)
				if err != nil {
					return nil, fmt.Errorf("bad number %q", text)
				}
				toks = append(toks, token{kind: tInt, text: text, v: intVal(n)})
			}
			i = j
		case c == '\'' || c == '"':
			s, n, err := unquote(src[i:])
			if err != nil {
				return nil, err
			}
			if c == '\'' {
				if len(s) != 1 {
					return nil, fmt.Errorf("bad character literal %s", src[i:i+n])
				}
				toks = append(toks, token{kind: tChar, text: src[i : i+n], v: intVal(int64(int8(s[0])))})
			} else {
				toks = append(toks, token{kind: tString, text: src[i : i+n], v: strVal(s)})
			}
			i += n
		default:
			found := false
			for _, op := range operators {
				if strings.HasPrefix(src[i:], op) {
					toks = append(toks, token{kind: tOp, text: op})
					i += len(op)
					found = true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("unexpected %q", c)
			}
		}
	}
	return append(toks, token{kind: tEOF}), nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isHex(c byte) bool    { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// unquote reads a C character or string literal at the start of s.
func unquote(s string) (string, int, error) {
	q := s[0]
	var b []byte
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == q:
			return string(b), i + 1, nil
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				b = append(b, '\n')
			case 't':
				b = append(b, '\t')
			case 'r':
				b = append(b, '\r')
			case '0':
				b = append(b, 0)
			default:
				b = append(b, s[i])
			}
		default:
			b = append(b, c)
		}
	}
	return "", 0, fmt.Errorf("unterminated literal %s", s)
}

// ---- parser: C precedence ----

type parser struct {
	toks []token
	pos  int
}

// parseExpr parses a whole expression.
func parseExpr(src string) (node, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return parseTokens(toks)
}

// parseTokens parses a whole expression from tokens (an EOF token is
// added if missing).
func parseTokens(toks []token) (node, error) {
	if len(toks) == 0 || toks[len(toks)-1].kind != tEOF {
		toks = append(toks[:len(toks):len(toks)], token{kind: tEOF})
	}
	p := &parser{toks: toks}
	n, err := p.cond()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, fmt.Errorf("unexpected %q after the expression", p.peek().text)
	}
	return n, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }
func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tEOF {
		p.pos++
	}
	return t
}

func (p *parser) isOp(ops ...string) (string, bool) {
	t := p.peek()
	if t.kind != tOp {
		return "", false
	}
	for _, o := range ops {
		if t.text == o {
			return o, true
		}
	}
	return "", false
}

func (p *parser) expect(op string) error {
	if _, ok := p.isOp(op); !ok {
		t := p.peek()
		if t.kind == tEOF {
			return fmt.Errorf("missing %q", op)
		}
		return fmt.Errorf("want %q, found %q", op, t.text)
	}
	p.next()
	return nil
}

func (p *parser) cond() (node, error) {
	c, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	if _, ok := p.isOp("?"); !ok {
		return c, nil
	}
	p.next()
	a, err := p.cond()
	if err != nil {
		return nil, err
	}
	if err := p.expect(":"); err != nil {
		return nil, err
	}
	b, err := p.cond()
	if err != nil {
		return nil, err
	}
	return &condNode{c: c, a: a, b: b}, nil
}

// precedence levels, loosest first
var levels = [][]string{
	{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", ">", "<=", ">="},
	{"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
}

func (p *parser) binary(level int) (node, error) {
	if level == len(levels) {
		return p.unary()
	}
	a, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		op, ok := p.isOp(levels[level]...)
		if !ok {
			return a, nil
		}
		p.next()
		b, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		a = &binaryNode{op: op, a: a, b: b}
	}
}

func (p *parser) unary() (node, error) {
	if op, ok := p.isOp("-", "!", "~"); ok {
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		if lit, isLit := x.(*litNode); isLit && op == "-" {
			v := lit.v
			if v.k == kInt {
				v.i = -v.i
			} else {
				v.f = -v.f
			}
			return &litNode{v: v}, nil
		}
		return &unaryNode{op: op, x: x}, nil
	}
	return p.postfix()
}

func (p *parser) postfix() (node, error) {
	x, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		op, ok := p.isOp(".", "[", "(")
		if !ok {
			return x, nil
		}
		p.next()
		switch op {
		case ".":
			t := p.next()
			if t.kind != tIdent {
				return nil, fmt.Errorf("want a field name after '.', found %q", t.text)
			}
			x = &memberNode{x: x, name: t.text}
		case "[":
			i, err := p.cond()
			if err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			x = &indexNode{x: x, i: i}
		case "(":
			id, isIdent := x.(*identNode)
			if !isIdent {
				return nil, fmt.Errorf("only named functions can be called")
			}
			var args []node
			if _, closed := p.isOp(")"); !closed {
				for {
					a, err := p.cond()
					if err != nil {
						return nil, err
					}
					args = append(args, a)
					if _, more := p.isOp(","); !more {
						break
					}
					p.next()
				}
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			x = &callNode{name: id.name, args: args}
		}
	}
}

func (p *parser) primary() (node, error) {
	t := p.next()
	switch t.kind {
	case tIdent:
		return &identNode{name: t.text}, nil
	case tInt, tFloat, tChar, tString:
		return &litNode{v: t.v}, nil
	case tOp:
		if t.text == "(" {
			x, err := p.cond()
			if err != nil {
				return nil, err
			}
			return x, p.expect(")")
		}
	case tEOF:
		return nil, fmt.Errorf("expression ends early")
	}
	return nil, fmt.Errorf("unexpected %q", t.text)
}

// walk calls f for n and every node below it.
func walk(n node, f func(node)) {
	f(n)
	switch x := n.(type) {
	case *memberNode:
		walk(x.x, f)
	case *indexNode:
		walk(x.x, f)
		walk(x.i, f)
	case *callNode:
		for _, a := range x.args {
			walk(a, f)
		}
	case *unaryNode:
		walk(x.x, f)
	case *binaryNode:
		walk(x.a, f)
		walk(x.b, f)
	case *condNode:
		walk(x.c, f)
		walk(x.a, f)
		walk(x.b, f)
	}
}
