package cparse

import (
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lexAllTokens lexes src with Lexer and returns the tokens before EOF.
func lexAllTokens(t *testing.T, src string) []lexer.Token {
	t.Helper()
	l, err := Lexer.Lex("f.h", strings.NewReader(src))
	require.NoError(t, err)
	toks, err := lexer.ConsumeAll(l)
	require.NoError(t, err)
	require.Equal(t, lexer.EOF, toks[len(toks)-1].Type)
	return toks[:len(toks)-1]
}

// kinds renders tokens as "Kind:value" words.
func kinds(toks []lexer.Token) string {
	names := lexer.SymbolsByRune(Lexer)
	var b []string
	for _, t := range toks {
		b = append(b, names[t.Type]+":"+t.Value)
	}
	return strings.Join(b, " ")
}

func TestLexTokenKinds(t *testing.T) {
	tests := []struct{ src, want string }{
		{"foo _bar $x a1_$", "Ident:foo Ident:_bar Ident:$x Ident:a1_$"},
		{"0 42 0x1F 0XabU 0b101 017 10u 10UL 10ull 10LLU 10lu 10l",
			"Int:0 Int:42 Int:0x1F Int:0XabU Int:0b101 Int:017 Int:10u Int:10UL Int:10ull Int:10LLU Int:10lu Int:10l"},
		{"1.5 1e3 .5 1.5f 1. 2.5e-3L 0x1.8p3 1E+2", "Float:1.5 Float:1e3 Float:.5 Float:1.5f Float:1. Float:2.5e-3L Float:0x1.8p3 Float:1E+2"},
		{`'a' '\n' '\x41' '\0' '\177' L'x' '\''`, `Char:'a' Char:'\n' Char:'\x41' Char:'\0' Char:'\177' Char:L'x' Char:'\''`},
		{`"abc" "a\"b\\" L"w" u8"u" ""`, `String:"abc" String:"a\"b\\" String:L"w" String:u8"u" String:""`},
		{"L Lx u8", "Ident:L Ident:Lx Ident:u8"},
		{"... <<= >>= -> ++ -- << >> <= >= == != && || ## # + - * / % & | ^ ~ ! < > = ? : ; , . ( ) { } [ ]",
			"Punct:... Punct:<<= Punct:>>= Punct:-> Punct:++ Punct:-- Punct:<< Punct:>> Punct:<= Punct:>= Punct:== Punct:!= " +
				"Punct:&& Punct:|| Punct:## Punct:# Punct:+ Punct:- Punct:* Punct:/ Punct:% Punct:& Punct:| Punct:^ Punct:~ Punct:! " +
				"Punct:< Punct:> Punct:= Punct:? Punct:: Punct:; Punct:, Punct:. Punct:( Punct:) Punct:{ Punct:} Punct:[ Punct:]"},
		{"+= -= *= /= %= &= |= ^=", "Punct:+= Punct:-= Punct:*= Punct:/= Punct:%= Punct:&= Punct:|= Punct:^="},
		{"a->b+++c..d", "Ident:a Punct:-> Ident:b Punct:++ Punct:+ Ident:c Punct:. Punct:. Ident:d"},
		{"x[2]=-1;", "Ident:x Punct:[ Int:2 Punct:] Punct:= Punct:- Int:1 Punct:;"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, kinds(lexAllTokens(t, tt.src)), tt.src)
	}
}

func TestLexCommentsAndContinuations(t *testing.T) {
	src := "a // line comment \\\n still comment\nb /* block\n comment */ c\nd\\\ne f\\  \ng"
	assert.Equal(t, "Ident:a Ident:b Ident:c Ident:de Ident:fg", kinds(lexAllTokens(t, src)))
}

func TestLexPositions(t *testing.T) {
	src := "int x;\n\t/* é */ y\\\nz = 'c';\n"
	toks := lexAllTokens(t, src)
	require.Len(t, toks, 7)
	pos := func(i int) string { return toks[i].Pos.String() }
	assert.Equal(t, "f.h:1:1", pos(0))  // int
	assert.Equal(t, "f.h:1:5", pos(1))  // x
	assert.Equal(t, "f.h:2:10", pos(3)) // yz: columns count runes
	assert.Equal(t, "yz", toks[3].Value)
	assert.Equal(t, "f.h:3:3", pos(4)) // = after the continuation
	assert.Equal(t, "f.h:3:5", pos(5))
	assert.Equal(t, 17, toks[3].Pos.Offset)
}

func TestLexErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a /* never closed", "f.h:1:3: unterminated comment"},
		{"a\n  @", `f.h:2:3: unexpected character '@'`},
		{"x \"abc\ny", "f.h:1:3: unterminated string literal"},
		{"'ab", "f.h:1:1: unterminated character constant"},
		{"''", "f.h:1:1: empty character constant"},
		{"09", `f.h:1:1: invalid integer constant "09"`},
		{"1.5.6", `f.h:1:1: invalid floating constant "1.5.6"`},
		{"12abc", `f.h:1:1: invalid integer constant "12abc"`},
		{"\xff", "f.h:1:1: unexpected byte 0xff"},
	}
	for _, tt := range tests {
		_, err := Lexer.Lex("f.h", strings.NewReader(tt.src))
		require.Error(t, err, tt.src)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, tt.want, err.Error(), tt.src)
	}
}

func TestErrorWithoutFilename(t *testing.T) {
	e := &Error{Pos: lexer.Position{Line: 3, Column: 7}, Msg: "boom"}
	assert.Equal(t, "3:7: boom", e.Error())
}

func TestLexerSymbols(t *testing.T) {
	syms := Lexer.Symbols()
	for _, name := range []string{"EOF", "Ident", "Int", "Float", "Char", "String", "Punct", "Newline", "Whitespace", "Comment"} {
		assert.Contains(t, syms, name)
	}
	assert.Equal(t, lexer.EOF, syms["EOF"])
}

// TestLexerWithParticiple checks that Lexer plugs into a participle parser,
// including elision of the symbols it never produces.
func TestLexerWithParticiple(t *testing.T) {
	type decl struct {
		Type string `parser:"@Ident"`
		Name string `parser:"@Ident"`
		Len  *int   `parser:"( '[' @Int ']' )? ';'"`
	}
	type file struct {
		Decls []*decl `parser:"@@*"`
	}
	p, err := participle.Build[file](participle.Lexer(Lexer), participle.Elide("Whitespace", "Comment", "Newline"))
	require.NoError(t, err)
	f, err := p.ParseString("x.h", "int a; /* c */ char\n b[4];")
	require.NoError(t, err)
	require.Len(t, f.Decls, 2)
	assert.Equal(t, "b", f.Decls[1].Name)
	assert.Equal(t, 4, *f.Decls[1].Len)
}

// TestLexPunctLen checks lexPunctLen against the punctuator table on every
// string of up to three characters that punctuators are made of.
func TestLexPunctLen(t *testing.T) {
	const chars = "#+-*/%&|^~!<>=?:;,.(){}[]a"
	want := func(b []byte) int {
		for n := 3; n >= 2; n-- {
			if len(b) >= n && lexPuncts[string(b[:n])] {
				return n
			}
		}
		if strings.IndexByte("#+-*/%&|^~!<>=?:;,.(){}[]", b[0]) >= 0 {
			return 1
		}
		return 0
	}
	for _, a := range []byte(chars) {
		for _, b := range []byte(chars) {
			for _, c := range []byte(chars) {
				for _, in := range [][]byte{{a}, {a, b}, {a, b, c}} {
					require.Equal(t, want(in), lexPunctLen(in), "%q", in)
				}
			}
		}
	}
}
