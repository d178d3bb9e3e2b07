package parseable

// The lexer of descriptions, by hand. descRules (grammar.go) define the
// tokens as a participle stateful lexer; compiling those regular
// expressions and running them cost more than parsing. descLex yields the
// same tokens (types, values, positions) and the same errors from the same
// text; TestDescLexer and FuzzDescLexer check it against descRules.

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// descLex is the lexer.Definition of descriptions.
var descLex lexer.Definition = descLexDef{}

// Token types, numbered as participle numbers the rules of descRules.
const (
	tokRBrace   lexer.TokenType = -2
	tokAtop     lexer.TokenType = -20
	tokOption   lexer.TokenType = -21
	tokConst    lexer.TokenType = -22
	tokDef      lexer.TokenType = -23
	tokHeader   lexer.TokenType = -24
	tokLabel    lexer.TokenType = -25
	tokLet      lexer.TokenType = -26
	tokPrint    lexer.TokenType = -27
	tokFor      lexer.TokenType = -28
	tokIf       lexer.TokenType = -29
	tokElse     lexer.TokenType = -30
	tokEnd      lexer.TokenType = -31
	tokUnknown  lexer.TokenType = -32
	tokPercent  lexer.TokenType = -34
	tokConvOpen lexer.TokenType = -35
	tokConv     lexer.TokenType = -36
	tokLit      lexer.TokenType = -37
	tokText     lexer.TokenType = -39
	tokIdent    lexer.TokenType = -41
	tokNumber   lexer.TokenType = -42
	tokChar     lexer.TokenType = -43
	tokString   lexer.TokenType = -44
	tokOp       lexer.TokenType = -45
	tokBad      lexer.TokenType = -46
	tokEOL      lexer.TokenType = -47
)

var descSymbols = map[string]lexer.TokenType{
	"EOF": lexer.EOF, "RBrace": tokRBrace, "returnToParent": -10,
	"Atop": tokAtop, "Option": tokOption, "Const": tokConst, "Def": tokDef, "Header": tokHeader,
	"Label": tokLabel, "Let": tokLet, "Print": tokPrint, "For": tokFor, "If": tokIf, "Else": tokElse,
	"End": tokEnd, "Unknown": tokUnknown, "Percent": tokPercent, "ConvOpen": tokConvOpen,
	"Conv": tokConv, "Lit": tokLit, "Text": tokText, "Ident": tokIdent, "Number": tokNumber,
	"Char": tokChar, "String": tokString, "Op": tokOp, "Bad": tokBad, "EOL": tokEOL,
	"blank": -48, "Word": -49,
}

type descLexDef struct{}

func (descLexDef) Symbols() map[string]lexer.TokenType { return descSymbols }

func (d descLexDef) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	var b strings.Builder
	if _, err := io.Copy(&b, r); err != nil {
		return nil, err
	}
	return d.LexString(filename, b.String())
}

func (descLexDef) LexString(filename string, s string) (lexer.Lexer, error) {
	return &descScanner{data: s, stack: []descState{stRoot}, pos: lexer.Position{Filename: filename, Line: 1, Column: 1}}, nil
}

// descState is a state of descRules.
type descState uint8

const (
	stRoot descState = iota
	stText
	stWords
	stTemplate
	stBraced
	stExpr
)

// descScanner lexes one text.
type descScanner struct {
	data  string // what is left
	stack []descState
	pos   lexer.Position
}

// rootKeywords are the keywords of a line's start, in the order of the
// rules, with the token type and the state they push.
var rootKeywords = []struct {
	word string
	typ  lexer.TokenType
	push descState
}{
	{"atop", tokAtop, stText}, {"option", tokOption, stWords}, {"const", tokConst, stExpr},
	{"def", tokDef, stExpr}, {"header", tokHeader, stTemplate}, {"label", tokLabel, stExpr},
	{"let", tokLet, stExpr}, {"print", tokPrint, stTemplate}, {"for", tokFor, stExpr},
	{"if", tokIf, stExpr}, {"else", tokElse, stText}, {"end", tokEnd, stText},
}

func (l *descScanner) push(s descState) { l.stack = append(l.stack, s) }
func (l *descScanner) pop()             { l.stack = l.stack[:len(l.stack)-1] }

// token returns the first n bytes of the data as a token and moves past them.
func (l *descScanner) token(typ lexer.TokenType, n int) lexer.Token {
	span := l.data[:n]
	t := lexer.Token{Type: typ, Value: span, Pos: l.pos}
	l.advance(span)
	return t
}

// advance moves the position past span, as lexer.Position.Advance does.
func (l *descScanner) advance(span string) {
	l.data = l.data[len(span):]
	l.pos.Offset += len(span)
	if i := strings.LastIndexByte(span, '\n'); i >= 0 {
		l.pos.Line += strings.Count(span, "\n")
		l.pos.Column = utf8.RuneCountInString(span[i:])
		return
	}
	l.pos.Column += utf8.RuneCountInString(span)
}

func (l *descScanner) Next() (lexer.Token, error) {
	for len(l.data) > 0 {
		d := l.data
		switch l.stack[len(l.stack)-1] {
		case stRoot:
			if d[0] == '\n' {
				return l.token(tokEOL, 1), nil
			}
			for _, k := range rootKeywords {
				if n := keywordLen(d, k.word); n > 0 {
					l.push(k.push)
					return l.token(k.typ, n), nil
				}
			}
			n := strings.IndexAny(d, " \n")
			if n == 0 {
				sample := []rune(d)
				if len(sample) > 16 {
					sample = append(sample[:16], []rune("...")...)
				}
				return lexer.Token{}, &lexer.Error{Msg: fmt.Sprintf("lexer: invalid input text %q", string(sample)), Pos: l.pos}
			}
			if n < 0 {
				n = len(d)
			}
			l.push(stText)
			return l.token(tokUnknown, n), nil
		case stText:
			if d[0] == '\n' {
				l.pop()
				return l.token(tokEOL, 1), nil
			}
			return l.token(tokText, lineLen(d)), nil
		case stWords:
			switch d[0] {
			case '\n':
				l.pop()
				return l.token(tokEOL, 1), nil
			case ' ', '\t':
				l.advance(d[:blankLen(d)])
				continue
			}
			n := strings.IndexAny(d, " \t\n")
			if n < 0 {
				n = len(d)
			}
			return l.token(tokWord, n), nil
		case stTemplate:
			switch d[0] {
			case '\n':
				l.pop()
				return l.token(tokEOL, 1), nil
			case '%':
				if len(d) > 1 && d[1] == '%' {
					return l.token(tokPercent, 2), nil
				}
				if n := convOpenLen(d); n > 0 {
					l.push(stBraced)
					return l.token(tokConvOpen, n), nil
				}
				return l.token(tokConv, convLen(d)), nil
			}
			n := strings.IndexAny(d, "%\n")
			if n < 0 {
				n = len(d)
			}
			return l.token(tokLit, n), nil
		case stBraced:
			if d[0] == '}' {
				l.pop()
				return l.token(tokRBrace, 1), nil
			}
			if d[0] == '\n' { // only the Return rule matches
				l.pop()
				continue
			}
			if t, ok := l.exprToken(); ok {
				return t, nil
			}
		case stExpr:
			if d[0] == '\n' {
				l.pop()
				return l.token(tokEOL, 1), nil
			}
			if t, ok := l.exprToken(); ok {
				return t, nil
			}
		}
	}
	return lexer.EOFToken(l.pos), nil
}

// tokWord is the type of an option word.
const tokWord lexer.TokenType = -49

// exprToken reads a token of the Tokens rules at a byte that is not a line
// end; it returns false after blanks, which are dropped.
func (l *descScanner) exprToken() (lexer.Token, bool) {
	d := l.data
	c := d[0]
	switch {
	case c == ' ' || c == '\t':
		l.advance(d[:blankLen(d)])
		return lexer.Token{}, false
	case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		n := 1
		for n < len(d) && (d[n] == '_' || isAlnum(d[n])) {
			n++
		}
		return l.token(tokIdent, n), true
	case c >= '0' && c <= '9':
		return l.token(tokNumber, numberLen(d)), true
	case c == '\'' || c == '"':
		if n := quotedLen(d); n > 0 {
			typ := tokString
			if c == '\'' {
				typ = tokChar
			}
			return l.token(typ, n), true
		}
		return l.token(tokBad, lineLen(d)), true
	}
	if n := opLen(d); n > 0 {
		return l.token(tokOp, n), true
	}
	_, n := utf8.DecodeRuneInString(d)
	return l.token(tokBad, n), true
}

// keywordLen matches keyword(w): w, then a space and blanks, or the end of
// the line or text.
func keywordLen(d, w string) int {
	if !strings.HasPrefix(d, w) {
		return 0
	}
	n := len(w)
	switch {
	case n == len(d) || d[n] == '\n':
		return n
	case d[n] == ' ':
		return n + blankLen(d[n:])
	}
	return 0
}

// lineLen is the length of d up to its first line end.
func lineLen(d string) int {
	if n := strings.IndexByte(d, '\n'); n >= 0 {
		return n
	}
	return len(d)
}

// blankLen is the length of the blanks (spaces and tabs) d starts with.
func blankLen(d string) int {
	n := 0
	for n < len(d) && (d[n] == ' ' || d[n] == '\t') {
		n++
	}
	return n
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// numberLen matches Number at a digit: 0x and hex digits, or a digit and
// then digits, dots, and exponent letters with an optional sign.
func numberLen(d string) int {
	if len(d) > 1 && d[0] == '0' && (d[1] == 'x' || d[1] == 'X') {
		n := 2
		for n < len(d) && (d[n] >= '0' && d[n] <= '9' || d[n] >= 'a' && d[n] <= 'f' || d[n] >= 'A' && d[n] <= 'F') {
			n++
		}
		return n
	}
	n := 1
	for n < len(d) {
		switch c := d[n]; {
		case c >= '0' && c <= '9' || c == '.':
			n++
		case c == 'e' || c == 'E':
			n++
			if n < len(d) && (d[n] == '+' || d[n] == '-') {
				n++
			}
		default:
			return n
		}
	}
	return n
}

// quotedLen matches Char or String: the quote d starts with, characters
// or escapes on the same line, and the same quote; 0 if it is not closed.
func quotedLen(d string) int {
	q := d[0]
	for n := 1; n < len(d); {
		switch c := d[n]; {
		case c == q:
			return n + 1
		case c == '\n':
			return 0
		case c == '\\':
			if n+1 >= len(d) || d[n+1] == '\n' {
				return 0
			}
			_, w := utf8.DecodeRuneInString(d[n+1:])
			n += 1 + w
		default:
			n++
		}
	}
	return 0
}

// opLen matches Op.
func opLen(d string) int {
	if len(d) > 1 {
		switch d[:2] {
		case "<<", ">>", "<=", ">=", "==", "!=", "&&", "||":
			return 2
		}
	}
	if strings.IndexByte("-+*/%&|^~!<>?:()[].,=", d[0]) >= 0 {
		return 1
	}
	return 0
}

// convPrefixLen matches convPattern greedily: "%", flags, width,
// precision and a length modifier.
func convPrefixLen(d string) int {
	n := 1
	for n < len(d) && strings.IndexByte("-+ 0#", d[n]) >= 0 {
		n++
	}
	for n < len(d) && d[n] >= '0' && d[n] <= '9' {
		n++
	}
	if n < len(d) && d[n] == '.' {
		n++
		for n < len(d) && d[n] >= '0' && d[n] <= '9' {
			n++
		}
	}
	switch {
	case strings.HasPrefix(d[n:], "hh") || strings.HasPrefix(d[n:], "ll"):
		n += 2
	case n < len(d) && strings.IndexByte("hljztL", d[n]) >= 0:
		n++
	}
	return n
}

// convOpenLen matches ConvOpen, a conversion, its verb (any character)
// and "{", or returns 0. The verb follows the longest conversion prefix;
// failing that, when "{" follows the prefix, the regular expression
// backtracks to make the prefix's last character the verb (no earlier one
// can be followed by "{", as none in a prefix is one).
func convOpenLen(d string) int {
	n := convPrefixLen(d)
	if n < len(d) && d[n] != '\n' {
		_, w := utf8.DecodeRuneInString(d[n:])
		if n+w < len(d) && d[n+w] == '{' {
			return n + w + 1
		}
	}
	if n > 1 && n < len(d) && d[n] == '{' {
		return n + 1
	}
	return 0
}

// convLen matches Conv: a conversion prefix and its verb, if the line goes
// on.
func convLen(d string) int {
	n := convPrefixLen(d)
	if n < len(d) && d[n] != '\n' {
		_, w := utf8.DecodeRuneInString(d[n:])
		return n + w
	}
	return n
}
