package parseable

import (
	"errors"

	"github.com/cstructgo/cstruct/internal/cexpr"
)

// expr checks the expression of a description: cexpr's syntax tree, of
// the constructs the language has (no casts, sizeof, offsetof, "->" or
// unary "+"; only named functions are called), with literals that read.
// The tree is what the desc keeps and the compiler compiles.
func (b *builder) expr(x *cexpr.Expr) (cexpr.Node, error) {
	if err := b.check(x.X); err != nil {
		return nil, err
	}
	return x.X, nil
}

func (b *builder) check(n cexpr.Node) error {
	switch n := n.(type) {
	case *cexpr.Lit:
		if _, err := cexpr.Descriptions.Literal(n); err != nil {
			var e *cexpr.Error
			if errors.As(err, &e) {
				return b.errorf(e.Pos, "%s", e.Msg)
			}
			return err
		}
	case *cexpr.Ident:
	case *cexpr.Paren:
		return b.check(n.X)
	case *cexpr.Unary:
		if n.Op == "+" {
			return b.errorf(n.Pos, "unexpected \"+\"")
		}
		return b.check(n.X)
	case *cexpr.Binary:
		return b.checkAll(n.X, n.Y)
	case *cexpr.Cond:
		return b.checkAll(n.C, n.Then, n.Else)
	case *cexpr.Member:
		if n.Arrow {
			return b.errorf(n.Pos, "unexpected \"->\"")
		}
		return b.check(n.X)
	case *cexpr.Index:
		return b.checkAll(n.X, n.I)
	case *cexpr.Call:
		if _, isIdent := n.Fun.(*cexpr.Ident); !isIdent {
			if err := b.check(n.Fun); err != nil {
				return err
			}
			return b.errorf(n.Pos, "only named functions can be called")
		}
		return b.checkAll(n.Args...)
	case *cexpr.Cast:
		return b.errorf(n.Pos, "a cast: write it as a call, int32(x)")
	case *cexpr.Sizeof:
		return b.errorf(n.Pos, "no %s in descriptions", n.Op)
	default:
		return b.errorf(n.Position(), "no offsetof in descriptions")
	}
	return nil
}

func (b *builder) checkAll(ns ...cexpr.Node) error {
	for _, n := range ns {
		if err := b.check(n); err != nil {
			return err
		}
	}
	return nil
}
