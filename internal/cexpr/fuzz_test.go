package cexpr

import (
	"errors"
	"testing"

	"github.com/alecthomas/participle/v2"
)

// fuzzVars adds a text to the runtime variables.
var fuzzVars = append(append([]genVar{}, runtimeVars...), genVar{name: "s", t: Text})

type fuzzHost struct{ varHost }

func (h fuzzHost) Ident(x *Ident) (Operand[vframe], error) {
	if x.Name == "s" {
		return TextLeaf(func(*vframe) []byte { return []byte("sda") }), nil
	}
	for i, v := range h.vars { // 64-bit integers are loads of rec too
		if v.name == x.Name && v.t.Kind == KInt && v.t.Bits == 64 {
			ld, err := BytesLoad[vframe]("rec", int64(8*i), int64(8*i+8))
			if err != nil {
				return Operand[vframe]{}, err
			}
			return IntLoad(v.t, func(f *vframe) int64 { return f.ints[i] }, ld), nil
		}
	}
	return h.varHost.Ident(x)
}

// unparen is a copy of a tree without its Paren nodes.
func unparen(n Node) Node {
	switch n := n.(type) {
	case *Paren:
		return unparen(n.X)
	case *Unary:
		return &Unary{Pos: n.Pos, Op: n.Op, X: unparen(n.X)}
	case *Binary:
		return &Binary{Pos: n.Pos, Op: n.Op, X: unparen(n.X), Y: unparen(n.Y)}
	case *Cond:
		return &Cond{Pos: n.Pos, C: unparen(n.C), Then: unparen(n.Then), Else: unparen(n.Else)}
	case *Cast:
		return &Cast{Pos: n.Pos, Type: n.Type, X: unparen(n.X)}
	case *Member:
		return &Member{Pos: n.Pos, X: unparen(n.X), Name: n.Name, Arrow: n.Arrow}
	case *Index:
		return &Index{Pos: n.Pos, X: unparen(n.X), I: unparen(n.I)}
	case *Call:
		c := &Call{Pos: n.Pos, Fun: unparen(n.Fun)}
		for _, a := range n.Args {
			c.Args = append(c.Args, unparen(a))
		}
		return c
	case *Sizeof:
		if n.X != nil {
			return &Sizeof{Pos: n.Pos, Op: n.Op, X: unparen(n.X)}
		}
	}
	return n
}

// height is the depth of a syntax tree.
func height(n Node) int {
	h := 0
	sub := func(x Node) {
		if x != nil {
			h = max(h, height(x))
		}
	}
	switch n := n.(type) {
	case *Paren:
		sub(n.X)
	case *Unary:
		sub(n.X)
	case *Binary:
		sub(n.X)
		sub(n.Y)
	case *Cond:
		sub(n.C)
		sub(n.Then)
		sub(n.Else)
	case *Cast:
		sub(n.X)
	case *Member:
		sub(n.X)
	case *Index:
		sub(n.X)
		sub(n.I)
	case *Call:
		sub(n.Fun)
		for _, a := range n.Args {
			sub(a)
		}
	case *Sizeof:
		sub(n.X)
	}
	return h + 1
}

// FuzzCexpr: random expressions never panic, never exceed the limits,
// and Eval agrees with the compiled closures under every profile.
func FuzzCexpr(f *testing.F) {
	exprs, _ := genExprs(5, 50, gen{Casts: true, Vars: varNames(runtimeVars), Shift: 70})
	for _, e := range append(exprs, knownMismatches...) {
		f.Add(e)
	}
	for _, e := range []string{"s == \"sda\" ? vf * 2 : vd", "!s", "(vu << 31) >> vi", "vl / 0", "vi ? 1 : 1 / 0",
		"-(vul) % 7u", "sizeof(int)", "f(1)(2)", "a.b[1]", "(char)-1 == '\\377'", "1 ? s : 2", "((((1))))",
		"vl * 100 / (vi * vl)", "vl * 100.0 / (vi * vl)", "vl * 100 / (vl * vul)", "vul * 3.0 / (vl * vl)", "vl * 100.0 / (vl * vl)", "vl * 100.0 / (vl * 3)", "vl * 2.5 / vul", "vi * 100.0 / (vl + 1)", "vl * 100.0 / (vl - vl)", "-(vl - 3) * 2 + vi * vl", "(vl * 7 + 1) % (vi * 0)"} {
		f.Add(e)
	}
	lim := Limits{Depth: 50, Nodes: 2000, Cost: 5000}
	h := fuzzHost{varHost{vars: fuzzVars}}
	f.Fuzz(func(t *testing.T, src string) {
		x, err := ParseLimits("f", src, lim)
		if err != nil {
			var e participle.Error
			if !errors.As(err, &e) || e.Position().Line == 0 {
				t.Fatalf("%q: error %v (%T) without a position", src, err, err)
			}
			return
		}
		if hgt := height(x.X); hgt > lim.Depth+1 {
			t.Fatalf("%q: tree of height %d past the depth limit %d", src, hgt, lim.Depth)
		}
		// String reads back to the same tree, with or without its Paren nodes
		for _, tree := range []Node{x.X, unparen(x.X)} {
			text := String(tree)
			y, err := ParseLimits("f", text, Limits{Depth: 4 * lim.Depth, Nodes: 4 * lim.Nodes})
			if err != nil {
				t.Fatalf("%q: String gives %q, which does not parse: %v", src, text, err)
			}
			if again := String(unparen(y.X)); again != String(unparen(tree)) {
				t.Fatalf("%q: String gives %q, which reads back as %q", src, text, again)
			}
		}
		for _, prof := range []*Profile{C, Preprocessor, Lengths, Descriptions} {
			pr := *prof
			pr.Limits = lim
			p, err := Check(x.X, &pr, Host[vframe](h))
			if err != nil {
				continue
			}
			fe := h.frame()
			v, err := p.Eval(fe)
			if err == nil {
				err = fe.err
			}
			fc := h.frame()
			var got Value
			switch tp := p.Type(); tp.Kind {
			case KInt:
				got = Value{Type: tp, I: p.Int()(fc)}
			case KFloat:
				got = Value{Type: tp, F: p.Float()(fc)}
			case KText:
				got = Value{Type: tp, S: p.Text()(fc)}
			case KNever:
				p.Int()(fc)
			}
			if b := p.Bool(); b != nil {
				b(h.frame())
			}
			if (err == nil) != (fc.err == nil) {
				t.Fatalf("%s %q: Eval error %v, compiled %v", pr.Name, src, err, fc.err)
			}
			if err != nil {
				if err.Error() != fc.err.Error() {
					t.Fatalf("%s %q: Eval error %v, compiled %v", pr.Name, src, err, fc.err)
				}
				continue
			}
			if v.Type != got.Type || v.I != got.I || string(v.S) != string(got.S) ||
				v.F != got.F && !(v.F != v.F && got.F != got.F) {
				t.Fatalf("%s %q: Eval %v (%v), compiled %v (%v)", pr.Name, src, v, v.Type, got, got.Type)
			}
		}
	})
}
