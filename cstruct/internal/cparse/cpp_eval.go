package cparse

// The evaluator of #if and #elif expressions. It runs on the tokens left
// after "defined" has been replaced and macros expanded, and computes in
// int64 with C's operators and precedence (wrapping on overflow; no
// unsigned arithmetic). Identifiers that remain are 0, except true (1).
// The unevaluated side of &&, || and ?: is parsed but may divide by zero.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// cppEval evaluates the expression toks of the directive dir.
func cppEval(toks []lexTok, dir lexTok) (int64, *Error) {
	e := &cppEvaluator{toks: toks, dir: dir}
	v, err := e.comma(true)
	if err != nil {
		return 0, err
	}
	if e.i < len(toks) {
		t := toks[e.i]
		if t.is(")") {
			return 0, lexErrorf(t.Pos, "missing '(' in expression")
		}
		return 0, lexErrorf(t.Pos, "missing binary operator before token %q", t.Value)
	}
	return v, nil
}

type cppEvaluator struct {
	toks  []lexTok
	i     int
	dir   lexTok // the directive, for errors at the end of the line
	depth int    // recursion depth, bounded by cppMaxNesting
}

// peekOp returns the next token if it is the punctuator op.
func (e *cppEvaluator) peekOp(op string) bool {
	return e.i < len(e.toks) && e.toks[e.i].is(op)
}

// endError reports a missing token at the end of the expression.
func (e *cppEvaluator) endError(what string) *Error {
	if e.i > 0 {
		t := e.toks[e.i-1]
		return lexErrorf(t.Pos, "%s after %q", what, t.Value)
	}
	return lexErrorf(e.dir.Pos, "%s in #%s", what, e.dir.Value)
}

// comma: cond { "," cond }. ev tells whether to evaluate or just parse.
func (e *cppEvaluator) comma(ev bool) (int64, *Error) {
	v, err := e.cond(ev)
	for err == nil && e.peekOp(",") {
		e.i++
		v, err = e.cond(ev)
	}
	return v, err
}

// cond: binary [ "?" comma ":" cond ].
func (e *cppEvaluator) cond(ev bool) (int64, *Error) {
	if e.depth++; e.depth > cppMaxNesting {
		return 0, lexErrorf(e.dir.Pos, "expression too deeply nested")
	}
	defer func() { e.depth-- }()
	c, err := e.binary(1, ev)
	if err != nil || !e.peekOp("?") {
		return c, err
	}
	e.i++
	a, err := e.comma(ev && c != 0)
	if err != nil {
		return 0, err
	}
	if !e.peekOp(":") {
		if e.i < len(e.toks) {
			return 0, lexErrorf(e.toks[e.i].Pos, "expected ':' in expression, found %q", e.toks[e.i].Value)
		}
		return 0, e.endError("expected ':'")
	}
	e.i++
	b, err := e.cond(ev && c == 0)
	if c != 0 {
		return a, err
	}
	return b, err
}

// cppPrec gives the binary operators' precedence, higher binding tighter.
var cppPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// binary parses left-associative binary operators of precedence minPrec
// or higher (precedence climbing).
func (e *cppEvaluator) binary(minPrec int, ev bool) (int64, *Error) {
	lhs, err := e.unary(ev)
	if err != nil {
		return 0, err
	}
	for e.i < len(e.toks) {
		op := e.toks[e.i]
		prec, ok := cppPrec[op.Value]
		if !ok || op.Type != lexPunct || prec < minPrec {
			break
		}
		e.i++
		// The right side of && and || is evaluated only when it matters.
		rev := ev && (op.Value != "&&" || lhs != 0) && (op.Value != "||" || lhs == 0)
		rhs, err := e.binary(prec+1, rev)
		if err != nil {
			return 0, err
		}
		if lhs, err = cppApply(op, lhs, rhs, ev); err != nil {
			return 0, err
		}
	}
	return lhs, nil
}

// cppApply computes lhs op rhs; division by zero is an error only if ev.
func cppApply(op lexTok, lhs, rhs int64, ev bool) (int64, *Error) {
	b := func(c bool) int64 {
		if c {
			return 1
		}
		return 0
	}
	switch op.Value {
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
		left := op.Value == "<<"
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
			return 0, lexErrorf(op.Pos, "division by zero in #if")
		}
		return 0, nil
	}
	if op.Value == "/" {
		return lhs / rhs, nil
	}
	return lhs % rhs, nil
}

// unary: ("+" | "-" | "~" | "!") unary | "(" comma ")" | primary.
func (e *cppEvaluator) unary(ev bool) (int64, *Error) {
	if e.i >= len(e.toks) {
		return 0, e.endError("expected value")
	}
	if e.depth++; e.depth > cppMaxNesting {
		return 0, lexErrorf(e.toks[e.i].Pos, "expression too deeply nested")
	}
	defer func() { e.depth-- }()
	t := e.toks[e.i]
	e.i++
	if t.Type == lexPunct && t.bad == "" {
		switch t.Value {
		case "+", "-", "~", "!":
			v, err := e.unary(ev)
			switch t.Value {
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
		case "(":
			v, err := e.comma(ev)
			if err != nil {
				return 0, err
			}
			if !e.peekOp(")") {
				if e.i < len(e.toks) {
					return 0, lexErrorf(e.toks[e.i].Pos, "missing ')' in expression, found %q", e.toks[e.i].Value)
				}
				return 0, e.endError("missing ')'")
			}
			e.i++
			return v, nil
		}
	}
	return cppPrimary(t)
}

// cppPrimary is the value of a literal or identifier.
func cppPrimary(t lexTok) (int64, *Error) {
	if t.bad != "" {
		return 0, lexErrorf(t.Pos, "%s", t.bad)
	}
	switch t.Type {
	case lexInt:
		v, msg := cppIntValue(t.Value)
		if msg != "" {
			return 0, lexErrorf(t.Pos, "%s", msg)
		}
		return v, nil
	case lexChar:
		v, msg := cppCharValue(t.Value)
		if msg != "" {
			return 0, lexErrorf(t.Pos, "%s", msg)
		}
		return v, nil
	case lexIdent:
		if t.Value == "true" {
			return 1, nil
		}
		return 0, nil // C: identifiers left after expansion are 0 (so is false)
	case lexFloat:
		return 0, lexErrorf(t.Pos, "floating constant in preprocessor expression")
	case lexString:
		return 0, lexErrorf(t.Pos, "string literal in preprocessor expression")
	}
	return 0, lexErrorf(t.Pos, "expected value in expression, found %q", t.Value)
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
