package cparse

// The evaluation of #if and #elif expressions, on the tokens left after
// "defined" has been replaced and macros expanded. The C expression engine
// (internal/cexpr, profile Preprocessor) parses and evaluates them: every
// integer is intmax_t, or uintmax_t once an operand is unsigned, shifts
// do what GCC's do, and the side of &&, || and ?: that is not evaluated
// may divide by zero. This file is the preprocessor's edge: it rejects
// tokens that are not valid in #if, checks bracket balance, resolves the
// identifiers that remain (0, except true: 1), refuses casts, sizeof and
// calls, and words errors as GCC does.

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// cppEval evaluates the expression toks of the directive dir.
func cppEval(toks []lexTok, dir lexTok) (int64, *Error) {
	if err := cppCheckIf(toks, dir); err != nil {
		return 0, err
	}
	e := &cppIf{toks: toks, ptoks: make([]lexer.Token, len(toks))}
	for i, t := range toks {
		// The engine sees each token's index as its position: expanded
		// tokens share the position of their macro call, and errors
		// must lead back to one token.
		e.ptoks[i] = lexer.Token{Type: t.Type, Value: t.Value, Pos: lexer.Position{Offset: i, Line: 1, Column: i + 1}}
	}
	x, err := cexpr.ParseTokens(e.ptoks, cexpr.Limits{Depth: cppMaxNesting})
	if err != nil {
		return 0, e.syntax(err)
	}
	v, err := cexpr.Eval(x.X, cexpr.Preprocessor, cppHost{e})
	if err != nil {
		return 0, e.convert(err)
	}
	return v.I, nil
}

// cppIfPunct are the punctuators an #if expression may hold besides the
// binary operators (binOps).
var cppIfPunct = map[string]bool{"~": true, "!": true, "?": true, ":": true, "(": true, ")": true}

// cppOperandEnd reports whether t can end an operand, so that what follows
// it must be a binary operator, "?", ":" or ")".
func cppOperandEnd(t lexTok) bool {
	return t.Type == lexInt || t.Type == lexChar || t.Type == lexIdent || t.is(")")
}

// cppCheckIf rejects, before parsing, tokens that are not valid in #if
// and unbalanced parentheses.
func cppCheckIf(toks []lexTok, dir lexTok) *Error {
	if len(toks) == 0 {
		return lexErrorf(dir.Pos, "expected value in #%s", dir.Value)
	}
	depth := 0
	for _, t := range toks {
		switch {
		case t.bad != "":
			return lexErrorf(t.Pos, "%s", t.bad)
		case t.Type == lexFloat:
			return lexErrorf(t.Pos, "floating constant in preprocessor expression")
		case t.Type == lexString:
			return lexErrorf(t.Pos, "string literal in preprocessor expression")
		case t.is(","):
			return lexErrorf(t.Pos, "comma operator in #%s is not supported", dir.Value)
		case t.Type == lexPunct && !binOps[t.Value] && !cppIfPunct[t.Value]:
			return lexErrorf(t.Pos, "token %q is not valid in preprocessor expressions", t.Value)
		case t.is("("):
			depth++
		case t.is(")"):
			if depth == 0 {
				return lexErrorf(t.Pos, "missing '(' in expression")
			}
			depth--
		}
	}
	if depth > 0 {
		last := toks[len(toks)-1]
		return lexErrorf(last.Pos, "missing ')' after %q", last.Value)
	}
	return nil
}

// cppIf is one #if expression: its tokens, and the same tokens as the
// engine sees them.
type cppIf struct {
	toks  []lexTok
	ptoks []lexer.Token
}

// at is the token at a position the engine reports.
func (e *cppIf) at(pos lexer.Position) (lexTok, int) {
	k := min(max(pos.Offset, 0), len(e.toks)-1)
	return e.toks[k], k
}

// convert gives an engine's error the position of its token; a nesting
// too deep has the preprocessor's words.
func (e *cppIf) convert(err error) *Error {
	var ce *cexpr.Error
	if !errors.As(err, &ce) {
		return lexErrorf(e.toks[0].Pos, "%v", err)
	}
	t, _ := e.at(ce.Pos)
	if errors.Is(err, cexpr.ErrNesting) {
		return lexErrorf(t.Pos, "expression too deeply nested")
	}
	return lexErrorf(t.Pos, "%s", ce.Msg)
}

// syntax words a syntax error as GCC does.
func (e *cppIf) syntax(err error) *Error {
	var u *participle.UnexpectedTokenError
	if !errors.As(err, &u) {
		return e.convert(err)
	}
	last := e.toks[len(e.toks)-1]
	k := u.Unexpected.Pos.Offset
	if u.Unexpected.EOF() || k >= len(e.toks) { // at the end
		if u.Expect == `":"` {
			return lexErrorf(last.Pos, "expected ':' after %q", last.Value)
		}
		return lexErrorf(last.Pos, "expected value after %q", last.Value)
	}
	t := e.toks[k]
	var prev lexTok
	if k > 0 {
		prev = e.toks[k-1]
	}
	switch {
	case u.Expect == `":"`:
		return lexErrorf(prev.Pos, "expected ':' after %q", prev.Value)
	case k > 0 && t.is(")") && u.Expect == "expression" && !prev.is("("):
		return lexErrorf(prev.Pos, "expected value after %q", prev.Value)
	case k > 0 && cppOperandEnd(prev) && t.is(":"):
		return lexErrorf(t.Pos, "':' without preceding '?'")
	case k > 0 && cppOperandEnd(prev):
		return lexErrorf(t.Pos, "missing binary operator before token %q", t.Value)
	}
	return lexErrorf(t.Pos, "expected value in expression, found %q", t.Value)
}

// cppHost resolves what is left of an #if expression: identifiers are 0
// (true is 1); casts, sizeof and calls are errors.
type cppHost struct {
	e *cppIf
}

var _ cexpr.Host[struct{}] = cppHost{}

func (cppHost) Ident(x *cexpr.Ident) (cexpr.Operand[struct{}], error) {
	v := int64(0)
	if x.Name == "true" {
		v = 1
	}
	return cexpr.Constant[struct{}](cexpr.IntValue(cexpr.IntMax, v)), nil
}

// after is the error for the token at pos, which follows an operand.
func (h cppHost) after(pos lexer.Position) error {
	t, _ := h.e.at(pos)
	return &cexpr.Error{Pos: pos, Msg: fmt.Sprintf("missing binary operator before token %q", t.Value)}
}

func (h cppHost) Member(_ cexpr.Operand[struct{}], m *cexpr.Member) (cexpr.Operand[struct{}], error) {
	return cexpr.Operand[struct{}]{}, h.after(m.Pos)
}

func (h cppHost) Index(_, _ cexpr.Operand[struct{}], n *cexpr.Index) (cexpr.Operand[struct{}], error) {
	return cexpr.Operand[struct{}]{}, h.after(n.Pos)
}

// Call: "F(1)" with F not a function-like macro.
func (h cppHost) Call(c *cexpr.Call, _ cexpr.Args[struct{}]) (cexpr.Operand[struct{}], error) {
	return cexpr.Operand[struct{}]{}, h.after(c.Pos)
}

// Type: "(int)x" is a cast; "(X)1", with X an identifier left, is an
// operand followed by another.
func (h cppHost) Type(tn *cexpr.TypeName, at cexpr.Node) (cexpr.Type, error) {
	c, ok := at.(*cexpr.Cast)
	if ok && len(tn.Words) == 0 && tn.Tag == "" && tn.Ptrs == 0 && len(tn.Quals) == 0 {
		return cexpr.Type{}, h.after(firstPos(c.X))
	}
	return cexpr.Type{}, &cexpr.Error{Pos: at.Position(), Msg: "cast in preprocessor expression"}
}

// firstPos is the position of an expression's first token.
func firstPos(x cexpr.Node) lexer.Position {
	switch x := x.(type) {
	case *cexpr.Binary:
		return firstPos(x.X)
	case *cexpr.Cond:
		return firstPos(x.C)
	case *cexpr.Member:
		return firstPos(x.X)
	case *cexpr.Index:
		return firstPos(x.X)
	case *cexpr.Call:
		return firstPos(x.Fun)
	}
	return x.Position()
}

func (h cppHost) Sizeof(s *cexpr.Sizeof, _ cexpr.Args[struct{}]) (cexpr.Operand[struct{}], error) {
	return cexpr.Operand[struct{}]{}, &cexpr.Error{Pos: s.Pos, Msg: fmt.Sprintf("%q in preprocessor expression", s.Op)}
}

func (h cppHost) Offsetof(o *cexpr.Offsetof, _ cexpr.Args[struct{}]) (cexpr.Operand[struct{}], error) {
	t, _ := h.e.at(o.Pos)
	return cexpr.Operand[struct{}]{}, &cexpr.Error{Pos: o.Pos, Msg: fmt.Sprintf("%q in preprocessor expression", t.Value)}
}

func (cppHost) Load(x cexpr.Operand[struct{}], at cexpr.Node) (cexpr.Operand[struct{}], error) {
	return cexpr.Operand[struct{}]{}, &cexpr.Error{Pos: at.Position(), Msg: "no value"}
}

func (cppHost) Fail(*struct{}, error) {}
