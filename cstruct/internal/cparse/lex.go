package cparse

// The lexer turns C source text into tokens. It is used two ways:
//
//   - lexTokens, by the preprocessor: it also reports line ends (lexNewline
//     tokens), whether whitespace precedes each token, and keeps malformed
//     tokens (with their error message) instead of failing, because text in
//     a skipped #if group may be anything.
//   - Lexer, the participle lexer.Definition: the same tokens minus line
//     ends; a malformed token is an *Error.
//
// Line continuations (backslash-newline, even with blanks between them, as
// GCC allows) are removed before tokenising, as in C translation phase 2;
// positions still refer to the original text. Comments are whitespace, and
// a block comment spanning lines does not end the line (C phase 3).
//
// Token values are the text as written: string and character literals keep
// their quotes, escapes and prefix (L"x", 'a'), numbers keep their suffix.

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2/lexer"
)

// Token types. Whitespace and Comment exist only as symbols (so that a
// grammar may name them, e.g. in participle.Elide); no token has them.
// Newline tokens appear only inside the preprocessor.
const (
	lexEOF                        = lexer.EOF
	lexIdent      lexer.TokenType = -2
	lexInt        lexer.TokenType = -3
	lexFloat      lexer.TokenType = -4
	lexChar       lexer.TokenType = -5
	lexString     lexer.TokenType = -6
	lexPunct      lexer.TokenType = -7
	lexNewline    lexer.TokenType = -8
	lexWhitespace lexer.TokenType = -9
	lexComment    lexer.TokenType = -10
)

// Lexer is the participle lexer.Definition for C text. It yields Ident,
// Int, Float, Char, String and Punct tokens, then EOF; comments, whitespace
// and line ends are dropped and directives are not interpreted (use
// Preprocess for that).
var Lexer lexer.Definition = lexDefinition{}

// Error is a positioned error: Error() renders "file:line:col: msg"
// (without "file:" when Pos.Filename is empty).
type Error struct {
	Pos lexer.Position
	Msg string
}

func (e *Error) Error() string {
	if e.Pos.Filename == "" {
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Pos.Filename, e.Pos.Line, e.Pos.Column, e.Msg)
}

// lexErrorf returns an *Error at pos.
func lexErrorf(pos lexer.Position, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// lexDefinition implements lexer.Definition (and the string and bytes fast
// paths) on top of lexTokens.
type lexDefinition struct{}

func (lexDefinition) Symbols() map[string]lexer.TokenType {
	return map[string]lexer.TokenType{
		"EOF":        lexEOF,
		"Ident":      lexIdent,
		"Int":        lexInt,
		"Float":      lexFloat,
		"Char":       lexChar,
		"String":     lexString,
		"Punct":      lexPunct,
		"Newline":    lexNewline,
		"Whitespace": lexWhitespace,
		"Comment":    lexComment,
	}
}

func (d lexDefinition) Lex(filename string, r io.Reader) (lexer.Lexer, error) {
	src, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return d.LexBytes(filename, src)
}

func (d lexDefinition) LexString(filename string, input string) (lexer.Lexer, error) {
	return d.LexBytes(filename, []byte(input))
}

func (lexDefinition) LexBytes(filename string, input []byte) (lexer.Lexer, error) {
	toks, err := lexTokens(filename, input, 0)
	if err != nil {
		return nil, err
	}
	out := make([]lexer.Token, 0, len(toks))
	end := lexer.Position{Filename: filename, Line: 1, Column: 1}
	for _, t := range toks {
		if t.Type == lexNewline {
			end = t.Pos // the final line end is where EOF is
			continue
		}
		if t.bad != "" {
			return nil, lexErrorf(t.Pos, "%s", t.bad)
		}
		out = append(out, t.Token)
	}
	return &lexStream{toks: out, eof: lexer.EOFToken(end)}, nil
}

// lexStream hands out a lexed token slice, then EOF forever.
type lexStream struct {
	toks []lexer.Token
	eof  lexer.Token
}

func (s *lexStream) Next() (lexer.Token, error) {
	if len(s.toks) == 0 {
		return s.eof, nil
	}
	t := s.toks[0]
	s.toks = s.toks[1:]
	return t, nil
}

// lexTok is a token as the preprocessor sees it.
type lexTok struct {
	lexer.Token
	space bool        // whitespace, a comment or a line start precedes it
	bad   string      // if not empty, the token is malformed and this is why
	hide  *cppHideset // macros it must not be expanded as (see cpp.go)
}

// is reports whether t is the punctuator p.
func (t lexTok) is(p string) bool {
	return t.Type == lexPunct && t.Value == p
}

// lexTokens splits src into tokens. Every line, including the last, ends
// with a lexNewline token; empty lines produce none. The errors are an
// unterminated block comment and more than max tokens (max > 0): other
// problems are recorded in lexTok.bad.
func lexTokens(filename string, src []byte, max int) ([]lexTok, *Error) {
	s := &lexScanner{filename: filename, src: src, line: 1, col: 1, max: max}
	s.text, s.marks = lexSplice(src)
	return s.scan()
}

// lexMark records that, before text offset at, removed bytes of line
// continuations have been taken out of the source in total.
type lexMark struct{ at, removed int }

// lexSplice removes line continuations: a backslash, optional blanks, and
// a line end.
func lexSplice(src []byte) ([]byte, []lexMark) {
	if !bytes.Contains(src, []byte{'\\'}) {
		return src, nil
	}
	text := make([]byte, 0, len(src))
	var marks []lexMark
	for i := 0; i < len(src); i++ {
		if src[i] == '\\' {
			j := i + 1
			for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == '\r') {
				j++
			}
			if j < len(src) && src[j] == '\n' {
				removed := j + 1 - i
				if len(marks) > 0 {
					removed += marks[len(marks)-1].removed
				}
				marks = append(marks, lexMark{at: len(text), removed: removed})
				i = j
				continue
			}
		}
		text = append(text, src[i])
	}
	return text, marks
}

// lexScanner tokenises text (the source without continuations). Positions
// are computed by walking the original source forward, so they must be
// asked for in increasing order.
type lexScanner struct {
	filename string
	src      []byte
	text     []byte
	marks    []lexMark
	toks     []lexTok
	max      int // bound on len(toks), if > 0

	mark      int // marks[:mark] lie before the last position asked for
	removed   int // bytes removed before it
	off       int // original offset of the position cursor
	line, col int // line and column (in runes) of src[off]

	str string // text as a string: token values are slices of it
}

// pos returns the position of text[i] in the original source.
func (s *lexScanner) pos(i int) lexer.Position {
	for s.mark < len(s.marks) && s.marks[s.mark].at <= i {
		s.removed = s.marks[s.mark].removed
		s.mark++
	}
	target := min(i+s.removed, len(s.src))
	for ; s.off < target; s.off++ {
		switch c := s.src[s.off]; {
		case c == '\n':
			s.line++
			s.col = 1
		case c&0xC0 != 0x80: // not a UTF-8 continuation byte
			s.col++
		}
	}
	return lexer.Position{Filename: s.filename, Offset: s.off, Line: s.line, Column: s.col}
}

func (s *lexScanner) emit(typ lexer.TokenType, start, end int, space bool, bad string) {
	if s.toks == nil {
		// Real text has about a token per 3 bytes or more; hostile text
		// may have none, so past 512 Ki tokens (48 MB) the slice grows
		// as tokens come.
		s.toks = make([]lexTok, 0, min(len(s.text)/3+16, 1<<19))
		s.str = string(s.text)
	}
	if len(s.toks) == cap(s.toks) { // double (append grows large slices by 1.25), to one past the bound
		n := 2 * cap(s.toks)
		if s.max > 0 {
			n = max(min(n, s.max+1), len(s.toks)+1)
		}
		s.toks = append(make([]lexTok, 0, n), s.toks...)
	}
	s.toks = append(s.toks, lexTok{
		Token: lexer.Token{Type: typ, Value: s.str[start:end], Pos: s.pos(start)},
		space: space,
		bad:   bad,
	})
}

func (s *lexScanner) scan() ([]lexTok, *Error) {
	text := s.text
	space := true
	for i := 0; i < len(text); {
		if s.max > 0 && len(s.toks) > s.max {
			return nil, lexErrorf(s.toks[s.max].Pos, "too much input (more than %d tokens)", s.max)
		}
		c := text[i]
		switch {
		case c == '\n':
			if len(s.toks) > 0 && s.toks[len(s.toks)-1].Type != lexNewline {
				s.emit(lexNewline, i, i+1, space, "")
			}
			i++
			space = true
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
			space = true
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			for i < len(text) && text[i] != '\n' {
				i++
			}
			space = true
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			end := bytes.Index(text[i+2:], []byte("*/"))
			if end < 0 {
				return nil, lexErrorf(s.pos(i), "unterminated comment")
			}
			i += 2 + end + 2
			space = true
		case lexIsIdentStart(c):
			j := i + 1
			for j < len(text) && lexIsIdentChar(text[j]) {
				j++
			}
			if j < len(text) && (text[j] == '"' || text[j] == '\'') {
				switch string(text[i:j]) {
				case "L", "u", "U", "u8": // prefixed literal
					i = s.quoted(i, j, space)
					space = false
					continue
				}
			}
			s.emit(lexIdent, i, j, space, "")
			i, space = j, false
		case lexIsDigit(c) || c == '.' && i+1 < len(text) && lexIsDigit(text[i+1]):
			// A preprocessing number: digits, letters, '.', and signs
			// right after an exponent letter. It is classified afterwards.
			j := i + 1
			for j < len(text) {
				d := text[j]
				if lexIsIdentChar(d) || d == '.' ||
					(d == '+' || d == '-') && strings.IndexByte("eEpP", text[j-1]) >= 0 {
					j++
					continue
				}
				break
			}
			typ, bad := lexClassifyNumber(string(text[i:j]))
			s.emit(typ, i, j, space, bad)
			i, space = j, false
		case c == '"' || c == '\'':
			i = s.quoted(i, i, space)
			space = false
		default:
			if n := lexPunctLen(text[i:]); n > 0 {
				s.emit(lexPunct, i, i+n, space, "")
				i, space = i+n, false
				continue
			}
			r, n := utf8.DecodeRune(text[i:])
			bad := fmt.Sprintf("unexpected character %q", r)
			if r == utf8.RuneError && n == 1 {
				bad = fmt.Sprintf("unexpected byte 0x%02x", c)
			}
			s.emit(lexPunct, i, i+n, space, bad)
			i, space = i+n, false
		}
	}
	if s.max > 0 && len(s.toks) > s.max {
		return nil, lexErrorf(s.toks[s.max].Pos, "too much input (more than %d tokens)", s.max)
	}
	if len(s.toks) == 0 || s.toks[len(s.toks)-1].Type != lexNewline {
		s.emit(lexNewline, len(text), len(text), true, "")
	}
	return s.toks, nil
}

// quoted scans a string or character literal whose optional prefix starts
// at start and whose opening quote is at q; it returns the end offset. An
// unterminated literal runs to the end of the line.
func (s *lexScanner) quoted(start, q int, space bool) int {
	text := s.text
	quote := text[q]
	typ, what := lexString, "string literal"
	if quote == '\'' {
		typ, what = lexChar, "character constant"
	}
	for j := q + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			if j+1 < len(text) && text[j+1] != '\n' {
				j++
			}
		case quote:
			bad := ""
			if quote == '\'' && j == q+1 {
				bad = "empty character constant"
			}
			s.emit(typ, start, j+1, space, bad)
			return j + 1
		case '\n':
			s.emit(typ, start, j, space, "unterminated "+what)
			return j
		}
	}
	s.emit(typ, start, len(text), space, "unterminated "+what)
	return len(text)
}

func lexIsIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$'
}

func lexIsIdentChar(c byte) bool { return lexIsIdentStart(c) || lexIsDigit(c) }

func lexIsDigit(c byte) bool { return c >= '0' && c <= '9' }

func lexIsHexDigit(c byte) bool {
	return lexIsDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// lexPuncts are the punctuators longer than one character.
var lexPuncts = map[string]bool{
	"...": true, "<<=": true, ">>=": true,
	"->": true, "++": true, "--": true, "<<": true, ">>": true, "<=": true, ">=": true,
	"==": true, "!=": true, "&&": true, "||": true, "##": true,
	"+=": true, "-=": true, "*=": true, "/=": true, "%=": true, "&=": true, "|=": true, "^=": true,
}

// lexPunctLen returns the length of the longest punctuator at the start of
// b, or 0. It decides by bytes what looking up lexPuncts would.
func lexPunctLen(b []byte) int {
	if len(b) >= 2 {
		c, d := b[0], b[1]
		switch {
		case c == '.' && d == '.':
			if len(b) >= 3 && b[2] == '.' {
				return 3
			}
		case (c == '<' || c == '>') && d == c:
			if len(b) >= 3 && b[2] == '=' {
				return 3
			}
			return 2
		case d == '=' && strings.IndexByte("<>=!+-*/%&|^", c) >= 0,
			d == c && strings.IndexByte("+-&|#", c) >= 0,
			c == '-' && d == '>':
			return 2
		}
	}
	if strings.IndexByte("#+-*/%&|^~!<>=?:;,.(){}[]", b[0]) >= 0 {
		return 1
	}
	return 0
}

// lexClassifyNumber tells an integer from a floating literal and checks its
// form; bad is the message for a malformed one (which C calls a valid
// preprocessing number but not a valid token).
func lexClassifyNumber(s string) (typ lexer.TokenType, bad string) {
	lower := strings.ToLower(s)
	hex := strings.HasPrefix(lower, "0x")
	isFloat := strings.ContainsAny(lower, ".") ||
		hex && strings.ContainsAny(lower, "p") ||
		!hex && strings.ContainsAny(lower, "e")
	if isFloat {
		if !lexValidFloat(lower) {
			return lexFloat, fmt.Sprintf("invalid floating constant %q", s)
		}
		return lexFloat, ""
	}
	if _, ok := lexSplitInt(s); !ok {
		return lexInt, fmt.Sprintf("invalid integer constant %q", s)
	}
	return lexInt, ""
}

// lexSplitInt checks an integer literal and returns its digits without
// suffix (and with the 0x/0b prefix kept).
func lexSplitInt(s string) (digits string, ok bool) {
	end := len(s)
	for end > 0 && strings.IndexByte("uUlL", s[end-1]) >= 0 {
		end--
	}
	switch strings.ToLower(s[end:]) {
	case "", "u", "l", "ul", "lu", "ll", "ull", "llu":
	default:
		return "", false
	}
	digits = s[:end]
	lower := strings.ToLower(digits)
	var body string
	var valid func(byte) bool
	switch {
	case strings.HasPrefix(lower, "0x"):
		body, valid = digits[2:], lexIsHexDigit
	case strings.HasPrefix(lower, "0b"):
		body, valid = digits[2:], func(c byte) bool { return c == '0' || c == '1' }
	case strings.HasPrefix(digits, "0"):
		body, valid = digits, func(c byte) bool { return c >= '0' && c <= '7' }
	default:
		body, valid = digits, lexIsDigit
	}
	if body == "" || !lexAll(body, valid) {
		return "", false
	}
	return digits, true
}

// lexValidFloat checks a lower-cased floating literal: decimal "1.5",
// ".5", "1.", "1e3", "1.5e-3f", or hexadecimal "0x1.8p3".
func lexValidFloat(s string) bool {
	hex := strings.HasPrefix(s, "0x")
	digit, exp := lexIsDigit, "e"
	if hex {
		s, digit, exp = s[2:], lexIsHexDigit, "p"
	}
	mant, expo, hasExp := strings.Cut(s, exp)
	if hex && !hasExp {
		return false // a hexadecimal float needs its exponent
	}
	// The f or l suffix ends the exponent, or the mantissa if there is
	// none (only in decimal, where f is not a digit).
	trim := func(x string) string {
		if strings.HasSuffix(x, "f") || strings.HasSuffix(x, "l") {
			return x[:len(x)-1]
		}
		return x
	}
	if hasExp {
		expo = trim(expo)
	} else {
		mant = trim(mant)
	}
	whole, frac, _ := strings.Cut(mant, ".")
	if whole == "" && frac == "" || !lexAll(whole, digit) || !lexAll(frac, digit) {
		return false
	}
	if hasExp {
		expo = strings.TrimPrefix(strings.TrimPrefix(expo, "+"), "-")
		if expo == "" || !lexAll(expo, lexIsDigit) {
			return false
		}
	}
	return true
}

// lexAll reports whether every byte of s satisfies ok.
func lexAll(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}
