package cparse

// The evaluator of #if and #elif expressions. It runs on the tokens left
// after "defined" has been replaced and macros expanded. The expression
// grammar of grammar.go (ParseExpr) parses them; this file checks what that
// grammar cannot (tokens that are not valid in #if, bracket balance,
// nesting), words syntax errors as C preprocessors do, and computes the
// value in int64 with C's operators and precedence (wrapping on overflow; no
// unsigned arithmetic). Identifiers that remain are 0, except true (1). The
// unevaluated side of &&, || and ?: may divide by zero. sizeof, offsetof,
// casts and the comma operator are errors.

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// cppEval evaluates the expression toks of the directive dir.
func cppEval(toks []lexTok, dir lexTok) (int64, *Error) {
	if err := cppCheckIf(toks, dir); err != nil {
		return 0, err
	}
	e := &cppIf{toks: toks, ptoks: make([]lexer.Token, len(toks))}
	for i, t := range toks {
		// The parser sees each token's index as its position: expanded
		// tokens share the position of their macro call, and errors and
		// the AST must lead back to one token.
		e.ptoks[i] = lexer.Token{Type: t.Type, Value: t.Value, Pos: lexer.Position{Offset: i, Line: 1, Column: i + 1}}
	}
	x, err := e.parse(0, len(toks))
	if err != nil {
		return 0, err
	}
	return e.expr(x, true)
}

// cppIfPunct are the punctuators an #if expression may hold besides the
// binary operators (binOps).
var cppIfPunct = map[string]bool{"~": true, "!": true, "?": true, ":": true, "(": true, ")": true}

// cppOperandEnd reports whether t can end an operand, so that what follows
// it must be a binary operator, "?", ":" or ")".
func cppOperandEnd(t lexTok) bool {
	return t.Type == lexInt || t.Type == lexChar || t.Type == lexIdent || t.is(")")
}

// cppCheckIf rejects, before parsing, tokens that are not valid in #if,
// unbalanced parentheses and nesting deeper than cppMaxNesting (which
// bounds the recursion of the parser and the evaluator).
func cppCheckIf(toks []lexTok, dir lexTok) *Error {
	if len(toks) == 0 {
		return lexErrorf(dir.Pos, "expected value in #%s", dir.Value)
	}
	// depth is how deep the parser will be at a token: one more for each
	// "(", prefix operator and "?" that encloses it. base is the depth of
	// an operand at the current level; bases holds the outer levels'.
	depth, base := 0, 0
	var bases []int
	for i, t := range toks {
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
			bases = append(bases, base)
			depth++
			base = depth
		case t.is(")"):
			if len(bases) == 0 {
				return lexErrorf(t.Pos, "missing '(' in expression")
			}
			base, bases = bases[len(bases)-1], bases[:len(bases)-1]
			depth = base
		case t.is("?"):
			base++
			depth = base
		case t.Type == lexPunct && (i == 0 || !cppOperandEnd(toks[i-1])):
			depth++ // a prefix operator
		default:
			depth = base
		}
		if depth > cppMaxNesting {
			return lexErrorf(t.Pos, "expression too deeply nested")
		}
	}
	if len(bases) > 0 {
		last := toks[len(toks)-1]
		return lexErrorf(last.Pos, "missing ')' after %q", last.Value)
	}
	return nil
}

// cppIf is one #if expression: its tokens, and the same tokens as the
// parser sees them.
type cppIf struct {
	toks  []lexTok
	ptoks []lexer.Token
}

// tok is the token at a position in the AST.
func (e *cppIf) tok(pos lexer.Position) lexTok {
	return e.toks[pos.Offset]
}

// parse parses toks[lo:hi], which is not empty and has balanced brackets.
func (e *cppIf) parse(lo, hi int) (*Expr, *Error) {
	x, err := ParseExpr(e.ptoks[lo:hi])
	if err == nil {
		return x, nil
	}
	var perr *Error
	if !errors.As(err, &perr) {
		return nil, lexErrorf(e.toks[lo].Pos, "%v", err)
	}
	k := perr.Pos.Offset
	if k < lo || k >= hi { // at the end
		last, open := e.toks[hi-1], 0
		for _, t := range e.toks[lo:hi] {
			if t.is("?") {
				open++
			} else if t.is(":") {
				open--
			}
		}
		if open > 0 {
			return nil, lexErrorf(last.Pos, "expected ':' after %q", last.Value)
		}
		return nil, lexErrorf(last.Pos, "expected value after %q", last.Value)
	}
	if !strings.HasPrefix(perr.Msg, "unexpected token") {
		return nil, lexErrorf(e.toks[k].Pos, "%s", perr.Msg) // e.g. brackets nested too deeply
	}
	t := e.toks[k]
	if k > lo && e.toks[k-1].is("(") {
		// An error anywhere in a parenthesised group is reported at its
		// first token (the cast alternative got furthest); parse the group
		// alone to find it.
		end, depth := k, 1
		for ; end < hi; end++ {
			if e.toks[end].is("(") {
				depth++
			} else if e.toks[end].is(")") {
				if depth--; depth == 0 {
					break
				}
			}
		}
		if end > k {
			if _, err := e.parse(k, end); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case k > lo && cppOperandEnd(e.toks[k-1]) && t.is(":"):
		return nil, lexErrorf(t.Pos, "':' without preceding '?'")
	case k > lo && cppOperandEnd(e.toks[k-1]):
		return nil, lexErrorf(t.Pos, "missing binary operator before token %q", t.Value)
	}
	return nil, lexErrorf(t.Pos, "expected value in expression, found %q", t.Value)
}

// expr evaluates x; ev tells whether x is evaluated or only checked (the
// unevaluated side of &&, || and ?: may divide by zero).
func (e *cppIf) expr(x *Expr, ev bool) (int64, *Error) {
	c, err := e.binary(x.Cond, ev)
	if err != nil || x.Then == nil {
		return c, err
	}
	a, err := e.expr(x.Then, ev && c != 0)
	if err != nil {
		return 0, err
	}
	b, err := e.expr(x.Else, ev && c == 0)
	if c != 0 {
		return a, err
	}
	return b, err
}

// cppPrec gives the binary operators' precedence, higher binding tighter.
var cppPrec = map[BinOp]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// binary evaluates the flat operator chain b with C precedence.
func (e *cppIf) binary(b *Binary, ev bool) (int64, *Error) {
	lhs, err := e.unary(b.Head, ev)
	if err != nil {
		return 0, err
	}
	i := 0
	return e.climb(lhs, b.Tail, &i, 1, ev)
}

// climb applies the operators tail[*i:] of precedence minPrec or higher to
// lhs, left-associatively (precedence climbing), and advances *i past them.
func (e *cppIf) climb(lhs int64, tail []*BinaryOp, i *int, minPrec int, ev bool) (int64, *Error) {
	for *i < len(tail) {
		op := tail[*i]
		prec := cppPrec[op.Op]
		if prec < minPrec {
			break
		}
		*i++
		// The right side of && and || is evaluated only when it matters.
		rev := ev && (op.Op != "&&" || lhs != 0) && (op.Op != "||" || lhs == 0)
		rhs, err := e.unary(op.X, rev)
		if err == nil && *i < len(tail) && cppPrec[tail[*i].Op] > prec {
			rhs, err = e.climb(rhs, tail, i, prec+1, rev)
		}
		if err != nil {
			return 0, err
		}
		if lhs, err = cppApply(string(op.Op), e.tok(op.Pos).Pos, lhs, rhs, ev); err != nil {
			return 0, err
		}
	}
	return lhs, nil
}

// unary evaluates a prefix operation or a primary expression.
func (e *cppIf) unary(u *Unary, ev bool) (int64, *Error) {
	switch {
	case u.Cast != nil:
		return 0, lexErrorf(e.tok(u.Cast.Pos).Pos, "cast in preprocessor expression")
	case u.Primary != nil:
		return e.primary(u.Primary, ev)
	}
	v, err := e.unary(u.X, ev)
	switch u.Op {
	case "-":
		v = -v
	case "~":
		v = ^v
	case "!":
		if v == 0 {
			v = 1
		} else {
			v = 0
		}
	}
	return v, err
}

// primary evaluates a literal, an identifier or a parenthesised expression.
func (e *cppIf) primary(p *Primary, ev bool) (int64, *Error) {
	t := e.tok(p.Pos)
	switch {
	case p.Sizeof != nil || p.Offsetof != nil:
		return 0, lexErrorf(t.Pos, "%q in preprocessor expression", t.Value)
	case p.Paren != nil:
		return e.expr(p.Paren, ev)
	case p.Ref != nil:
		if len(p.Ref.Parts) > 0 { // "A B": the grammar's member path without a dot
			n := e.tok(p.Ref.Parts[0].Pos)
			return 0, lexErrorf(n.Pos, "missing binary operator before token %q", n.Value)
		}
		if p.Ref.Name == "true" {
			return 1, nil
		}
		return 0, nil // C: identifiers left after expansion are 0 (so is false)
	case p.Char != "":
		v, msg := cppCharValue(p.Char)
		if msg != "" {
			return 0, lexErrorf(t.Pos, "%s", msg)
		}
		return v, nil
	}
	v, msg := cppIntValue(p.Int)
	if msg != "" {
		return 0, lexErrorf(t.Pos, "%s", msg)
	}
	return v, nil
}

// cppApply computes lhs op rhs, op being at pos; division by zero is an
// error only if ev.
func cppApply(op string, pos lexer.Position, lhs, rhs int64, ev bool) (int64, *Error) {
	b := func(c bool) int64 {
		if c {
			return 1
		}
		return 0
	}
	switch op {
	case "||":
		return b(lhs != 0 || rhs != 0), nil
	case "&&":
		return b(lhs != 0 && rhs != 0), nil
	case "|":
		return lhs | rhs, nil
	case "^":
		return lhs ^ rhs, nil
	case "&":
		return lhs & rhs, nil
	case "==":
		return b(lhs == rhs), nil
	case "!=":
		return b(lhs != rhs), nil
	case "<":
		return b(lhs < rhs), nil
	case "<=":
		return b(lhs <= rhs), nil
	case ">":
		return b(lhs > rhs), nil
	case ">=":
		return b(lhs >= rhs), nil
	case "<<", ">>":
		// Shifts by a negative or too large count are undefined in C; do
		// what GCC's #if does: shift the other way, or shift everything out.
		left := op == "<<"
		if rhs < 0 {
			left, rhs = !left, -rhs
		}
		switch {
		case rhs < 0 || rhs >= 64: // rhs was MinInt64
			if !left && lhs < 0 {
				return -1, nil
			}
			return 0, nil
		case left:
			return lhs << rhs, nil
		}
		return lhs >> rhs, nil
	case "+":
		return lhs + rhs, nil
	case "-":
		return lhs - rhs, nil
	case "*":
		return lhs * rhs, nil
	}
	// "/" and "%": Go, like C, truncates toward zero (and MinInt64 / -1
	// wraps instead of trapping).
	if rhs == 0 {
		if ev {
			return 0, lexErrorf(pos, "division by zero in #if")
		}
		return 0, nil
	}
	if op == "/" {
		return lhs / rhs, nil
	}
	return lhs % rhs, nil
}

// cppIntValue is the value of an integer literal (wrapped into int64);
// msg tells why it has none.
func cppIntValue(s string) (v int64, msg string) {
	digits, ok := lexSplitInt(s)
	if !ok {
		return 0, fmt.Sprintf("invalid integer constant %q", s)
	}
	base := 10
	switch lower := strings.ToLower(digits); {
	case strings.HasPrefix(lower, "0x"):
		digits, base = digits[2:], 16
	case strings.HasPrefix(lower, "0b"):
		digits, base = digits[2:], 2
	case len(digits) > 1 && digits[0] == '0':
		base = 8
	}
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		return 0, fmt.Sprintf("integer constant %q is too large", s)
	}
	return int64(u), ""
}

// cppCharValue is the value of a character constant, as GCC computes it
// for x86-64: a plain one-character constant is a signed char, several
// characters are combined base 256, a prefixed (wide) constant has the
// value of its last character.
func cppCharValue(lit string) (v int64, msg string) {
	q := strings.IndexByte(lit, '\'')
	if q < 0 || len(lit) < q+3 || lit[len(lit)-1] != '\'' {
		return 0, fmt.Sprintf("invalid character constant %s", lit)
	}
	wide := q > 0
	body := lit[q+1 : len(lit)-1]
	n := 0
	for body != "" {
		var c int64
		if body[0] == '\\' && len(body) > 1 {
			c, body = cppUnescape(body[1:])
		} else if wide {
			r, size := utf8.DecodeRuneInString(body)
			c, body = int64(r), body[size:]
		} else {
			c, body = int64(body[0]), body[1:]
		}
		if wide {
			v = c
		} else {
			v = v<<8 | c&0xff
		}
		n++
	}
	if n == 1 && !wide {
		v = int64(int8(v))
	}
	return v, ""
}

// cppUnescape decodes the escape sequence at the start of s (after the
// backslash) and returns its value and the rest of s. An unknown escape
// stands for its character, as in GCC.
func cppUnescape(s string) (int64, string) {
	switch c := s[0]; c {
	case 'n':
		return '\n', s[1:]
	case 't':
		return '\t', s[1:]
	case 'r':
		return '\r', s[1:]
	case 'a':
		return '\a', s[1:]
	case 'b':
		return '\b', s[1:]
	case 'f':
		return '\f', s[1:]
	case 'v':
		return '\v', s[1:]
	case 'e', 'E':
		return 27, s[1:]
	case 'x', 'u', 'U':
		n := len(s) // how many hex digits may follow
		switch c {
		case 'u':
			n = 5
		case 'U':
			n = 9
		}
		var v int64
		i := 1
		for ; i < len(s) && i < n && lexIsHexDigit(s[i]); i++ {
			d, _ := strconv.ParseInt(s[i:i+1], 16, 64)
			v = v<<4 | d
		}
		if i == 1 {
			return int64(c), s[1:]
		}
		return v, s[i:]
	case '0', '1', '2', '3', '4', '5', '6', '7':
		var v int64
		i := 0
		for ; i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '7'; i++ {
			v = v<<3 | int64(s[i]-'0')
		}
		return v, s[i:]
	}
	return int64(s[0]), s[1:]
}
