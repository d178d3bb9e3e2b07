package cexpr

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The grammar, in EBNF (C's, without assignments, ++/-- and the comma
// operator):
//
//	Expr     = Binary [ "?" Expr ":" Expr ] .
//	Binary   = Unary { binop Unary } .          (C's precedence, left-associative)
//	Unary    = ( "-" | "+" | "!" | "~" ) Unary | "(" TypeName ")" Unary
//	         | sizeof ( "(" TypeName ")" | Unary ) | Postfix .
//	Postfix  = Primary { "." Ident | "->" Ident | "[" Expr "]" | "(" [ Expr { "," Expr } ] ")" } .
//	Primary  = Int | Float | Char | String | Ident | "(" Expr ")"
//	         | offsetof "(" TypeName "," Ident { "." Ident | "[" Expr "]" } ")" .
//	TypeName = { qual } ( typeword { typeword | qual } | tag Ident | Ident ) { qual }
//	           { "*" { qual } } { "[" [ Expr ] "]" } .
//
// sizeof is sizeof, _Alignof, __alignof__ or alignof; offsetof is offsetof
// or __builtin_offsetof. "(" starts a cast when a type name follows: one
// with a type word, a qualifier, a tag or a star, or a lone identifier
// whose ")" is followed by the start of an operand other than + - * &
// ("(T)x", "(T)(x)", "(T)!x", but "(N) - 1" subtracts). A host that knows
// N is a type still sees a Binary there; C itself needs a symbol table.
//
// Tokens are told apart by their text, not by their lexer's token types,
// so that Expr can be embedded in grammars with different lexers (cparse's
// Int/Float/Char/String/Punct, the descriptions' Number/Op): a token is a
// number when it starts with a digit (or "." and a digit), a character or
// string literal when it is quoted (with an L, u, U or u8 prefix), a name
// when it starts with a letter, "_" or "$", and punctuation otherwise.

// Limits bound what one expression may cost. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	// Depth bounds nesting: every prefix operator, cast, "(", "[", call,
	// "?", postfix step and binary operator of a chain opens a level, so
	// the parser, the checker and the evaluators never recurse deeper.
	Depth int
	// Nodes bounds the nodes of a syntax tree.
	Nodes int
	// Cost bounds the nodes one Check builds, including those that hosts
	// add by checking more expressions through Args (inlined functions).
	Cost int
}

// DefaultLimits are the limits of Parse, of Expr embedded in a grammar
// and of Check.
var DefaultLimits = Limits{Depth: 1000, Nodes: 100_000, Cost: 1_000_000}

func (l Limits) orDefault() Limits {
	if l.Depth <= 0 {
		l.Depth = DefaultLimits.Depth
	}
	if l.Nodes <= 0 {
		l.Nodes = DefaultLimits.Nodes
	}
	if l.Cost <= 0 {
		l.Cost = DefaultLimits.Cost
	}
	return l
}

// Expr is an expression in a participle grammar: a field `X *cexpr.Expr
// parser:"@@"` parses one (participle.Parseable). It does not match (so
// that alternatives are tried) when the next token cannot start an
// expression; past its first token, mistakes are errors: a
// *participle.UnexpectedTokenError whose Expect says what was wanted
// ("expression", `")"`, `"]"`, `":"`, "name", "type name"), or an *Error
// for a limit (ErrNesting, ErrSize).
type Expr struct {
	Pos lexer.Position
	X   Node
}

// Parse implements participle.Parseable.
func (e *Expr) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.EOF() || !startsOperand(t.Value) {
		return participle.NextMatch
	}
	x, err := parseFrom(lex, DefaultLimits)
	if err != nil {
		return err
	}
	e.Pos, e.X = t.Pos, x
	return nil
}

// Parse parses src, which must hold exactly one expression, with the
// package's own C lexer and DefaultLimits.
func Parse(filename, src string) (*Expr, error) {
	return ParseLimits(filename, src, DefaultLimits)
}

// ParseLimits is Parse with other limits.
func ParseLimits(filename, src string, lim Limits) (*Expr, error) {
	toks, end, err := lex(filename, src)
	if err != nil {
		return nil, err
	}
	return parseTokens(toks, end, lim)
}

// ParseTokens parses a token slice (from any lexer; see the package doc)
// that must hold exactly one expression. The end of input is at the end of
// the last token.
func ParseTokens(toks []lexer.Token, lim Limits) (*Expr, error) {
	end := lexer.Position{Line: 1, Column: 1}
	if n := len(toks); n > 0 {
		end = toks[n-1].Pos
		end.Column += len(toks[n-1].Value)
		end.Offset += len(toks[n-1].Value)
	}
	return parseTokens(toks, end, lim)
}

func parseTokens(toks []lexer.Token, end lexer.Position, lim Limits) (*Expr, error) {
	lex, err := lexer.Upgrade(&sliceLexer{toks: toks, eof: lexer.EOFToken(end)})
	if err != nil {
		return nil, err
	}
	first := lex.Peek()
	x, err := parseFrom(lex, lim)
	if err != nil {
		return nil, err
	}
	if t := lex.Peek(); !t.EOF() {
		return nil, unexpected(t, "end of expression")
	}
	return &Expr{Pos: first.Pos, X: x}, nil
}

type sliceLexer struct {
	toks []lexer.Token
	eof  lexer.Token
}

func (s *sliceLexer) Next() (lexer.Token, error) {
	if len(s.toks) == 0 {
		return s.eof, nil
	}
	t := s.toks[0]
	s.toks = s.toks[1:]
	return t, nil
}

// parser is a recursive-descent parser over a participle token stream. It
// bails out of the recursion with a panic of *bailout, recovered in
// parseFrom.
type parser struct {
	lex   *lexer.PeekingLexer
	lim   Limits
	depth int
	nodes int
}

type bailout struct{ err error }

func parseFrom(lex *lexer.PeekingLexer, lim Limits) (x Node, err error) {
	p := &parser{lex: lex, lim: lim.orDefault()}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(*bailout)
			if !ok {
				panic(r)
			}
			x, err = nil, b.err
		}
	}()
	return p.expr(), nil
}

func (p *parser) fail(err error) { panic(&bailout{err}) }

func unexpected(t *lexer.Token, want string) error {
	return &participle.UnexpectedTokenError{Unexpected: *t, Expect: want}
}

func (p *parser) peek() *lexer.Token { return p.lex.Peek() }

// is reports whether t is the punctuator or keyword s.
func is(t *lexer.Token, s string) bool { return !t.EOF() && t.Value == s }

func (p *parser) expect(s string) *lexer.Token {
	t := p.peek()
	if !is(t, s) {
		p.fail(unexpected(t, fmt.Sprintf("%q", s)))
	}
	return p.lex.Next()
}

// enter opens a nesting level at t; leave closes it.
func (p *parser) enter(t *lexer.Token) {
	p.depth++
	if p.depth > p.lim.Depth {
		p.fail(kindError(t.Pos, ErrNesting, "nesting too deep (more than %d levels)", p.lim.Depth))
	}
}

func (p *parser) leave() { p.depth-- }

// made counts a new node at t.
func (p *parser) made(t *lexer.Token) {
	p.nodes++
	if p.nodes > p.lim.Nodes {
		p.fail(kindError(t.Pos, ErrSize, "expression too large (more than %d nodes)", p.lim.Nodes))
	}
}

func (p *parser) expr() Node {
	c := p.binary(1)
	t := p.peek()
	if !is(t, "?") {
		return c
	}
	p.enter(t)
	p.lex.Next()
	p.made(t)
	then := p.expr()
	p.expect(":")
	els := p.expr()
	p.leave()
	return &Cond{Pos: t.Pos, C: c, Then: then, Else: els}
}

// binPrec is C's precedence of the binary operators, higher binding tighter.
var binPrec = map[string]int{
	"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
	"==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
	"<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10,
}

// binary parses a chain of operators of precedence minPrec or higher
// (precedence climbing). Each operator of the chain opens a level, since
// the tree is as deep as the chain is long.
func (p *parser) binary(minPrec int) Node {
	lhs := p.unary()
	levels := 0
	for {
		t := p.peek()
		prec := 0
		if !t.EOF() {
			prec = binPrec[t.Value]
		}
		if prec < minPrec || prec == 0 {
			break
		}
		p.enter(t)
		levels++
		p.lex.Next()
		p.made(t)
		rhs := p.binary(prec + 1)
		lhs = &Binary{Pos: t.Pos, Op: t.Value, X: lhs, Y: rhs}
	}
	p.depth -= levels
	return lhs
}

var sizeofWords = map[string]bool{"sizeof": true, "_Alignof": true, "__alignof__": true, "alignof": true}

var offsetofWords = map[string]bool{"offsetof": true, "__builtin_offsetof": true}

func (p *parser) unary() Node {
	t := p.peek()
	switch {
	case t.EOF():
		p.fail(unexpected(t, "expression"))
	case t.Value == "-" || t.Value == "+" || t.Value == "!" || t.Value == "~":
		p.enter(t)
		p.lex.Next()
		p.made(t)
		x := p.unary()
		p.leave()
		return &Unary{Pos: t.Pos, Op: t.Value, X: x}
	case sizeofWords[t.Value]:
		p.enter(t)
		p.lex.Next()
		p.made(t)
		s := &Sizeof{Pos: t.Pos, Op: t.Value}
		if open := p.peek(); is(open, "(") && p.typeNameAhead(false) {
			p.lex.Next()
			s.Type = p.typeName()
			p.expect(")")
		} else {
			s.X = p.unary()
		}
		p.leave()
		return s
	case t.Value == "(" && p.typeNameAhead(true):
		p.enter(t)
		p.lex.Next()
		p.made(t)
		tn := p.typeName()
		p.expect(")")
		x := p.unary()
		p.leave()
		return &Cast{Pos: t.Pos, Type: tn, X: x}
	}
	return p.postfix()
}

func (p *parser) postfix() Node {
	x := p.primary()
	levels := 0
	defer func() { p.depth -= levels }()
	for {
		t := p.peek()
		if t.EOF() {
			return x
		}
		switch t.Value {
		case ".", "->":
			p.enter(t)
			levels++
			p.lex.Next()
			p.made(t)
			name := p.peek()
			if name.EOF() || !isName(name.Value) {
				p.fail(unexpected(name, "name"))
			}
			p.lex.Next()
			x = &Member{Pos: t.Pos, X: x, Name: name.Value, Arrow: t.Value == "->"}
		case "[":
			p.enter(t)
			levels++
			p.lex.Next()
			p.made(t)
			i := p.expr()
			p.expect("]")
			x = &Index{Pos: t.Pos, X: x, I: i}
		case "(":
			p.enter(t)
			levels++
			p.lex.Next()
			p.made(t)
			c := &Call{Pos: t.Pos, Fun: x}
			if !is(p.peek(), ")") {
				for {
					c.Args = append(c.Args, p.expr())
					if !is(p.peek(), ",") {
						break
					}
					p.lex.Next()
				}
			}
			p.expect(")")
			x = c
		default:
			return x
		}
	}
}

func (p *parser) primary() Node {
	t := p.peek()
	if t.EOF() {
		p.fail(unexpected(t, "expression"))
	}
	v := t.Value
	switch {
	case isNumber(v):
		p.lex.Next()
		p.made(t)
		k := IntLit
		if isFloatText(v) {
			k = FloatLit
		}
		return &Lit{Pos: t.Pos, Kind: k, Text: v}
	case isQuoted(v, '\''):
		p.lex.Next()
		p.made(t)
		return &Lit{Pos: t.Pos, Kind: CharLit, Text: v}
	case isQuoted(v, '"'):
		p.lex.Next()
		p.made(t)
		return &Lit{Pos: t.Pos, Kind: StringLit, Text: v}
	case offsetofWords[v]:
		return p.offsetof()
	case isName(v) && !sizeofWords[v]:
		p.lex.Next()
		p.made(t)
		return &Ident{Pos: t.Pos, Name: v}
	case v == "(":
		p.enter(t)
		p.lex.Next()
		p.made(t)
		x := p.expr()
		p.expect(")")
		p.leave()
		return &Paren{Pos: t.Pos, X: x}
	}
	p.fail(unexpected(t, "expression"))
	return nil
}

func (p *parser) offsetof() Node {
	t := p.lex.Next()
	p.enter(t)
	p.made(t)
	p.expect("(")
	o := &Offsetof{Pos: t.Pos, Type: p.typeName()}
	p.expect(",")
	name := p.peek()
	if name.EOF() || !isName(name.Value) {
		p.fail(unexpected(name, "name"))
	}
	p.lex.Next()
	o.Path = append(o.Path, PathPart{Pos: name.Pos, Name: name.Value})
	for {
		s := p.peek()
		switch {
		case is(s, "."):
			p.lex.Next()
			name := p.peek()
			if name.EOF() || !isName(name.Value) {
				p.fail(unexpected(name, "name"))
			}
			p.lex.Next()
			p.made(name)
			o.Path = append(o.Path, PathPart{Pos: name.Pos, Name: name.Value})
			continue
		case is(s, "["):
			p.enter(s)
			p.lex.Next()
			p.made(s)
			i := p.expr()
			p.expect("]")
			p.leave()
			o.Path = append(o.Path, PathPart{Pos: s.Pos, Index: i})
			continue
		}
		break
	}
	p.expect(")")
	p.leave()
	return o
}

// C's words of type names.
var (
	typeWords = map[string]bool{
		"unsigned": true, "signed": true, "__signed__": true, "__unsigned__": true, "short": true, "long": true,
		"int": true, "char": true, "float": true, "double": true, "_Bool": true, "void": true, "__int8": true,
		"__int16": true, "__int32": true, "__int64": true, "__int128": true, "_Float16": true, "__fp16": true,
		"_Complex": true,
	}
	qualWords = map[string]bool{
		"const": true, "volatile": true, "restrict": true, "__restrict": true, "__restrict__": true,
		"__const": true, "__volatile__": true,
	}
	tagWords = map[string]bool{"struct": true, "union": true, "enum": true}
)

// typeNameAhead reports, without consuming anything, whether "(" starts a
// type name followed by ")": for a cast (cast set), a lone identifier
// counts only when an operand follows the ")".
func (p *parser) typeNameAhead(cast bool) bool {
	cp := p.lex.MakeCheckpoint()
	defer p.lex.LoadCheckpoint(cp)
	p.lex.Next() // "("
	t := p.peek()
	quals := false
	for !t.EOF() && qualWords[t.Value] {
		p.lex.Next()
		t = p.peek()
		quals = true
	}
	named := false // a lone identifier: maybe a value
	switch {
	case t.EOF():
		return false
	case typeWords[t.Value]:
		for ; !t.EOF() && (typeWords[t.Value] || qualWords[t.Value]); t = p.peek() {
			p.lex.Next()
		}
	case tagWords[t.Value]:
		p.lex.Next()
		if t = p.peek(); t.EOF() || !isName(t.Value) {
			return false
		}
		p.lex.Next()
	case !isName(t.Value) || sizeofWords[t.Value] || offsetofWords[t.Value]:
		return false
	default:
		p.lex.Next()
		named = !quals
	}
	stars := 0
	for t = p.peek(); !t.EOF() && (t.Value == "*" || qualWords[t.Value]); t = p.peek() {
		if t.Value == "*" {
			stars++
		}
		p.lex.Next()
	}
	if !named && (is(t, ")") || is(t, "[")) {
		return true // "(unsigned int)", "(struct s *)", sizeof(int[4])
	}
	if !is(t, ")") {
		return false
	}
	if stars > 0 || !cast {
		return true
	}
	p.lex.Next()
	n := p.peek()
	if n.EOF() {
		return false
	}
	switch n.Value {
	case "+", "-", "*", "&":
		return false
	}
	return startsOperand(n.Value)
}

func (p *parser) typeName() *TypeName {
	t := p.peek()
	tn := &TypeName{Pos: t.Pos}
	quals := func() {
		for t = p.peek(); !t.EOF() && qualWords[t.Value]; t = p.peek() {
			tn.Quals = append(tn.Quals, p.lex.Next().Value)
		}
	}
	quals()
	switch {
	case t.EOF():
		p.fail(unexpected(t, "type name"))
	case typeWords[t.Value]:
		for t = p.peek(); !t.EOF() && (typeWords[t.Value] || qualWords[t.Value]); t = p.peek() {
			if qualWords[t.Value] {
				tn.Quals = append(tn.Quals, t.Value)
			} else {
				tn.Words = append(tn.Words, t.Value)
			}
			p.lex.Next()
		}
	case tagWords[t.Value]:
		tn.Tag = p.lex.Next().Value
		name := p.peek()
		if name.EOF() || !isName(name.Value) {
			p.fail(unexpected(name, "name"))
		}
		tn.Name = p.lex.Next().Value
	case isName(t.Value) && !sizeofWords[t.Value] && !offsetofWords[t.Value]:
		tn.Name = p.lex.Next().Value
	default:
		p.fail(unexpected(t, "type name"))
	}
	quals()
	for t = p.peek(); !t.EOF() && (t.Value == "*" || qualWords[t.Value]); t = p.peek() {
		if t.Value == "*" {
			tn.Ptrs++
		} else {
			tn.Quals = append(tn.Quals, t.Value)
		}
		p.lex.Next()
	}
	for t = p.peek(); is(t, "["); t = p.peek() {
		p.enter(t)
		p.lex.Next()
		if is(p.peek(), "]") {
			tn.Arrays = append(tn.Arrays, nil)
		} else {
			tn.Arrays = append(tn.Arrays, p.expr())
		}
		p.expect("]")
		p.leave()
	}
	return tn
}

// ---- telling tokens apart by their text ----

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isName(s string) bool { return s != "" && isNameStart(s[0]) && !strings.ContainsAny(s, "'\"") }

func isNumber(s string) bool {
	return s != "" && (isDigit(s[0]) || s[0] == '.' && len(s) > 1 && isDigit(s[1]))
}

// isFloatText tells a floating literal from an integer one.
func isFloatText(s string) bool {
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "0x") {
		return strings.ContainsAny(l, ".p")
	}
	return strings.ContainsAny(l, ".e")
}

// isQuoted reports whether s is a complete literal quoted with q, maybe
// with an encoding prefix.
func isQuoted(s string, q byte) bool {
	i := strings.IndexByte(s, q)
	switch s[:max(i, 0)] {
	case "", "L", "u", "U", "u8":
	default:
		return false
	}
	if i < 0 || len(s) < i+2 || s[len(s)-1] != q {
		return false
	}
	// the closing quote must not be escaped
	body := s[i+1 : len(s)-1]
	for j := 0; j < len(body); j++ {
		switch body[j] {
		case '\\':
			if j+1 == len(body) {
				return false
			}
			j++
		case q:
			return false
		}
	}
	return true
}

// startsOperand reports whether a token can start an expression.
func startsOperand(v string) bool {
	switch v {
	case "(", "-", "+", "!", "~":
		return true
	}
	return isNumber(v) || isName(v) || isQuoted(v, '\'') || isQuoted(v, '"')
}

// ---- the package's own lexer ----

// Token types of Lex.
const (
	TokIdent lexer.TokenType = -2 - iota
	TokInt
	TokFloat
	TokChar
	TokString
	TokPunct
)

var puncts = []string{
	"<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "->",
	"+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "?", ":", "(", ")", "[", "]", ".", ",",
}

// Lex splits C expression text into tokens. Whitespace and comments
// separate tokens.
func Lex(filename, src string) ([]lexer.Token, error) {
	toks, _, err := lex(filename, src)
	return toks, err
}

// lex is Lex, which also returns where the text ends.
func lex(filename, src string) ([]lexer.Token, lexer.Position, error) {
	toks := make([]lexer.Token, 0, len(src)/4+1)
	line, col := 1, 1
	pos := func(i int) lexer.Position {
		return lexer.Position{Filename: filename, Offset: i, Line: line, Column: col}
	}
	advance := func(from, to int) {
		for k := from; k < to; k++ {
			if src[k] == '\n' {
				line, col = line+1, 1
			} else if src[k]&0xC0 != 0x80 {
				col++
			}
		}
	}
	for i := 0; i < len(src); {
		c := src[i]
		start := pos(i)
		j := i + 1
		var typ lexer.TokenType
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			advance(i, j)
			i = j
			continue
		case c == '/' && j < len(src) && src[j] == '/':
			j = i + strings.IndexByte(src[i:]+"\n", '\n')
			advance(i, j)
			i = j
			continue
		case c == '/' && j < len(src) && src[j] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, start, errorf(start, "unterminated comment")
			}
			j = i + 2 + end + 2
			advance(i, j)
			i = j
			continue
		case isDigit(c) || c == '.' && j < len(src) && isDigit(src[j]):
			for j < len(src) && (isNameStart(src[j]) || isDigit(src[j]) || src[j] == '.' ||
				(src[j] == '+' || src[j] == '-') && strings.IndexByte("eEpP", src[j-1]) >= 0) {
				j++
			}
			typ = TokInt
			if isFloatText(src[i:j]) {
				typ = TokFloat
			}
		case isNameStart(c):
			for j < len(src) && (isNameStart(src[j]) || isDigit(src[j])) {
				j++
			}
			if j < len(src) && (src[j] == '\'' || src[j] == '"') {
				switch src[i:j] {
				case "L", "u", "U", "u8":
					k, err := lexQuoted(src, j, start)
					if err != nil {
						return nil, start, err
					}
					typ, j = TokChar, k
					if src[j-1] == '"' {
						typ = TokString
					}
				}
			}
			if typ == 0 {
				typ = TokIdent
			}
		case c == '\'' || c == '"':
			k, err := lexQuoted(src, i, start)
			if err != nil {
				return nil, start, err
			}
			typ, j = TokChar, k
			if c == '"' {
				typ = TokString
			}
		default:
			typ = TokPunct
			n := 0
			for _, p := range puncts {
				if strings.HasPrefix(src[i:], p) {
					n = len(p)
					break
				}
			}
			if n == 0 {
				return nil, start, errorf(start, "unexpected character %q", bytes.Runes([]byte(src[i:]))[0])
			}
			j = i + n
		}
		toks = append(toks, lexer.Token{Type: typ, Value: src[i:j], Pos: start})
		advance(i, j)
		i = j
	}
	return toks, pos(len(src)), nil
}

// lexQuoted scans the literal whose quote is at q and returns its end.
func lexQuoted(src string, q int, start lexer.Position) (int, error) {
	quote := src[q]
	for j := q + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case quote:
			if quote == '\'' && j == q+1 {
				return 0, errorf(start, "empty character constant")
			}
			return j + 1, nil
		case '\n':
			return 0, errorf(start, "unterminated literal")
		}
	}
	return 0, errorf(start, "unterminated literal")
}
