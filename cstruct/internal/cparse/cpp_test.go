package cparse

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// join renders tokens as their values separated by blanks.
func join(toks []lexer.Token) string {
	vals := make([]string, len(toks))
	for i, t := range toks {
		vals[i] = t.Value
	}
	return strings.Join(vals, " ")
}

// spaced re-lexes C text, so that expected output can be written naturally.
func spaced(t *testing.T, src string) string {
	t.Helper()
	return join(lexAllTokens(t, src))
}

// pp preprocesses src as "main.h" and returns the joined tokens.
func pp(t *testing.T, src string) string {
	t.Helper()
	res, err := Preprocess("main.h", []byte(src), Options{})
	require.NoError(t, err)
	return join(res.Tokens)
}

// ppErr preprocesses src, which must fail, and returns the error text.
func ppErr(t *testing.T, src string, opt Options) string {
	t.Helper()
	res, err := Preprocess("main.h", []byte(src), opt)
	require.Error(t, err, "output: %v", res)
	var e *Error
	require.ErrorAs(t, err, &e)
	return err.Error()
}

func TestObjectLikeMacros(t *testing.T) {
	assert.Equal(t, "int a [ 10 ] ;", pp(t, "#define N 10\nint a[N];"))
	assert.Equal(t, "x ;", pp(t, "#define EMPTY\nx EMPTY;"))
	assert.Equal(t, "1 + 2 * 3", pp(t, "#define A 1 + B\n#define B 2 * C\n#define C 3\nA"))
	// Redefinition and #undef.
	assert.Equal(t, "2 X", pp(t, "#define X 1\n#define X 2\nX\n#undef X\nX"))
	// Directives only count at the start of a line.
	assert.Equal(t, "a # define b", pp(t, "a # define b"))
	// The null directive and ignored directives.
	assert.Equal(t, "x", pp(t, "#\n# /* c */\n#warning hi there\n#line 12 \"f\"\n# 1 \"g.h\" 2\n#ident \"v\"\n#pragma GCC system_header\nx"))
}

func TestContinuationsAndComments(t *testing.T) {
	src := "#define LONG 1 + \\\n  2 + \\\n  3\n" +
		"#define C 4 /* a comment\n spanning lines */ + 5\n" +
		"/* before */ # /* inside */ define D 6 // trailing\n" +
		"LONG; C; D;"
	assert.Equal(t, "1 + 2 + 3 ; 4 + 5 ; 6 ;", pp(t, src))
}

func TestFunctionLikeMacros(t *testing.T) {
	tests := []struct{ src, want string }{
		{"#define F(a, b) a + b\nF(1, 2)", "1 + 2"},
		{"#define F(a, b) a + b\nF((1, 2), (3))", "( 1 , 2 ) + ( 3 )"},
		{"#define F(a) [a]\nF(g(x, y))", "[ g ( x , y ) ]"},
		{"#define F(a, b) a + b\nF(\n  1,\n  2\n) z", "1 + 2 z"},
		{"#define F(a) a\nF (1) F\n(2)", "1 2"},
		// Not followed by "(": just a name.
		{"#define F(a) a\nint F; F", "int F ; F"},
		{"#define F() x\nF() F( )", "x x"},
		{"#define F(a) <a>\nF()", "< >"},
		// "(" after a blank: object-like.
		{"#define O (a) a\nO", "( a ) a"},
		// Arguments are expanded first; the result is rescanned.
		{"#define ID(x) x\n#define N 5\nID(N) ID(ID(N))", "5 5"},
		{"#define f(x) x + 1\n#define g f\ng(2)", "2 + 1"},
		{"#define LP (\n#define F(x) <x>\nF LP 1)", "F ( 1 )"},
		// The name is a function-like macro and the "(" comes later from the text.
		{"#define F(x) <x>\n#define G F\nG(1)", "< 1 >"},
		// Predefined noise words vanish.
		{"__BEGIN_DECLS int f(char *__restrict p) __THROW __nonnull((1)); __END_DECLS", "int f ( char * p ) ;"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pp(t, tt.src), tt.src)
	}
}

func TestStringizeAndPaste(t *testing.T) {
	tests := []struct{ src, want string }{
		{"#define S(x) #x\nS(a  +   b) S( a\n b ) S() S(\"q\\n\" 'c')", `"a + b" "a b" "" "\"q\\n\" 'c'"`},
		{"#define S(x) #x\n#define XS(x) S(x)\n#define V 1 + 2\nS(V) XS(V)", `"V" "1 + 2"`},
		{"#define CAT(a, b) a ## b\nCAT(foo, bar) CAT(1, 2) CAT(x, ) CAT(, y) CAT(,) CAT(<, <=)", "foobar 12 x y <<="},
		{"#define CAT(a, b) a ## b\n#define foobar ok\nCAT(foo, bar)", "ok"},
		// Operands of ## are not expanded first.
		{"#define CAT(a, b) a ## b\n#define X Y\nCAT(X, 1) CAT(X, )", "X1 Y"},
		{"#define XCAT(a, b) CAT(a, b)\n#define CAT(a, b) a ## b\n#define X Y\nXCAT(X, 1)", "Y1"},
		{"#define OBJ a ## b\nOBJ", "ab"},
		{"#define HEX(n) 0x ## n\nHEX(1F)", "0x1F"},
		{"#define F(a, b, c) a ## b ## c\nF(1, , 3) F(, , z) F(, , )", "13 z"},
		{"#define WIDE(a) L ## #a\nWIDE(p)", `L"p"`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pp(t, tt.src), tt.src)
	}
}

func TestVariadicMacros(t *testing.T) {
	tests := []struct{ src, want string }{
		{"#define F(...) f(__VA_ARGS__)\nF() F(1) F(1, (2, 3), 4)", "f ( ) f ( 1 ) f ( 1 , ( 2 , 3 ) , 4 )"},
		{"#define F(fmt, ...) p(fmt, __VA_ARGS__)\nF(a, b, c)", "p ( a , b , c )"},
		{"#define F(fmt, ...) p(fmt , ## __VA_ARGS__)\nF(a) F(a, b)", "p ( a ) p ( a , b )"},
		{"#define F(args...) g(args)\nF(1, 2)", "g ( 1 , 2 )"},
		{"#define S(...) #__VA_ARGS__\nS(a, b,c)", `"a, b,c"`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pp(t, tt.src), tt.src)
	}
}

// TestRecursion checks the "painted blue" rule.
func TestRecursion(t *testing.T) {
	tests := []struct{ src, want string }{
		{"#define A A\nA", "A"},
		{"#define A B\n#define B A\nA B", "A B"},
		{"#define A x A y\nA", "x A y"},
		{"#define f(x) f(x + 1)\nf(f(0))", "f ( f ( 0 + 1 ) + 1 )"},
		{"#define foo foo a\nfoo", "foo a"},
		// A name left unexpanded stays so when rescanned later.
		{"#define F(x) x\n#define A F(A)\nA F(A)", "A A"},
		{"#define AA BB\n#define BB AA\n#define ID(x) x\nID(AA)", "AA"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, pp(t, tt.src), tt.src)
	}
}

// TestStandardExamples runs the examples of C11 6.10.3.5.
func TestStandardExamples(t *testing.T) {
	ex3 := `#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };
`
	want3 := `f(2 * (y+1)) + f(2 * (f(2 * (z[0])))) % f(2 * (0)) + t(1);
f(2 * (2+(3,4)-0,1)) | f(2 * (~ 5)) & f(2 * (0,1))^m(0,1);
int i[] = { 1, 23, 4, 5, };
char c[2][6] = { "hello", "" };`
	assert.Equal(t, spaced(t, want3), pp(t, ex3))

	ex4 := `#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", \
 x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\0d", "abc", '\4') // this goes away
 == 0) str(: @\n), s);
xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)
`
	want4 := `printf("x" "1" "= %d, x" "2" "= %s", x1, x2);
fputs("strncmp(\"abc\\0d\", \"abc\", '\\4') == 0" ": @\n", s);
"vers2.h"
"hello";
"hello" ", world"`
	assert.Equal(t, spaced(t, want4), pp(t, ex4))

	ex5 := `#define t(x,y,z) x ## y ## z
int j[] = { t(1,2,3), t(,4,5), t(6,,7), t(8,9,),
 t(10,,), t(,11,), t(,,12), t(,,) };`
	assert.Equal(t, spaced(t, "int j[] = { 123, 45, 67, 89, 10, 11, 12, };"), pp(t, ex5))

	ex7 := `#define debug(...) fprintf(stderr, __VA_ARGS__)
#define showlist(...) puts(#__VA_ARGS__)
#define report(test, ...) ((test)?puts(#test):\
 printf(__VA_ARGS__))
debug("Flag");
debug("X = %d\n", x);
showlist(The first, second, and third items.);
report(x>y, "x is %d but y is %d", x, y);`
	want7 := `fprintf(stderr, "Flag");
fprintf(stderr, "X = %d\n", x);
puts("The first, second, and third items.");
((x>y)?puts("x>y"): printf("x is %d but y is %d", x, y));`
	assert.Equal(t, spaced(t, want7), pp(t, ex7))
}

func TestPositions(t *testing.T) {
	src := "#define N 4\n#define F(x) (x)\nint a[N];\n  F(b)"
	res, err := Preprocess("dir/m.h", []byte(src), Options{})
	require.NoError(t, err)
	require.Equal(t, "int a [ 4 ] ; ( b )", join(res.Tokens))
	pos := func(i int) string { return res.Tokens[i].Pos.String() }
	assert.Equal(t, "dir/m.h:3:1", pos(0))
	assert.Equal(t, "dir/m.h:3:7", pos(3)) // 4 from N: where N is used
	assert.Equal(t, "dir/m.h:4:3", pos(6)) // ( from F's body: where F is used
	assert.Equal(t, "dir/m.h:4:5", pos(7)) // b: where the argument is written
	assert.Equal(t, "dir/m.h:4:3", pos(8))
	for _, tok := range res.Tokens {
		assert.Contains(t, []lexer.TokenType{lexIdent, lexInt, lexPunct}, tok.Type)
	}
}

func TestConditionals(t *testing.T) {
	src := `#define ONE 1
#ifdef ONE
a
#ifndef ONE
b
#elif ONE == 2
c
#elif ONE == 1
d
#if 1
e
#endif
#elif 1/0
f
#else
g
#endif
#else
h
#endif
#if 0
  garbage: don't @ "unterminated
  #bogus directive
  #if nested
  #elif 1/0
  #else
  #error not here
  #endif
#elif defined ONE && defined(ONE) && !defined TWO
i
#else
j
#endif
#ifdef TWO
#elifndef TWO
k
#endif
`
	assert.Equal(t, "a d e i k", pp(t, src))
	assert.Equal(t, "x", pp(t, "#if 0\n#elif 0\n#else\nx\n#endif"))
	assert.Equal(t, "y", pp(t, "#if 2 > 1\n#if 0\n#else\ny\n#endif\n#else\n#if 1\nz\n#endif\n#endif"))
	// Identifiers left after expansion are 0; true is 1.
	assert.Equal(t, "p q", pp(t, "#if UNDEFINED\nno\n#endif\n#if !UNDEFINED\np\n#endif\n#if true && !false\nq\n#endif"))
	// The operand of defined is not expanded, even when defined comes
	// from a macro.
	assert.Equal(t, "r s", pp(t, "#define X Y\n#if defined X && defined(X) && !defined Y\nr\n#endif\n"+
		"#define HAS(m) defined(m)\n#define HASX defined X\n#define FN(a) a\n"+
		// As in GCC, HAS(X) expands its argument first: defined(Y).
		"#if HAS(FN) && HASX && !HAS(Y) && !HAS(X)\ns\n#endif"))
	// Macros in #if, including function-like ones.
	assert.Equal(t, "ok", pp(t, "#define V(a, b) ((a) << 8 | (b))\n#define CUR V(1, 2)\n#if CUR >= V(1, 0) && CUR == 258\nok\n#endif"))
}

func TestIfExpressions(t *testing.T) {
	tests := []struct {
		expr string
		want int64
	}{
		{"1 + 2 * 3", 7},
		{"(1 + 2) * 3", 9},
		{"10 - 4 - 3", 3},
		{"-7 / 2", -3},
		{"-7 % 2", -1},
		{"7 / -2", -3},
		{"100 / 10 / 5", 2},
		{"1 << 4 + 1", 32},
		{"-16 >> 2", -4},
		{"1 << 64", 0},
		{"-1 >> 70", -1},
		{"256 << -4", 16},
		{"1 >> -3", 8},
		{"1 < 2 == 1", 1},
		{"3 & 5 | 8 ^ 1", 9},
		{"1 | 2 ^ 3 & 4", 3},
		{"2 == 2 && 3 != 3 || 1", 1},
		{"1 ? 2 : 3", 2},
		{"0 ? 2 : 0 ? 3 : 4", 4},
		{"1 ? 0 ? 5 : 6 : 7", 6},
		{"!0 + !5 + ~0", 0},
		{"-(-3) + +2", 5},
		{"0 && 1 / 0", 0},
		{"1 || 1 % 0", 1},
		{"1 ? 5 : 1 / 0", 5},
		{"0 ? 1 / 0 : 6", 6},
		{"0x10 + 010 + 0b11 + 10u + 1ULL", 38},
		{"0xFFFFFFFFFFFFFFFF", -1},
		{"'A' + '\\n' + '\\x01' + '\\0' + '\\101'", 65 + 10 + 1 + 65},
		{"'\\377' < 0 && L'\\377' > 0 && 'ab' == 0x6162", 1},
		{"9223372036854775807 + 1 < 0", 1},
		// once an operand is unsigned, #if computes in uintmax_t (gcc)
		{"-8 < (128L ? 255l : 5u)", 0},
		{"~7 >= (128 ? 256UL : 2u)", 1},
		{"-1 < 0u", 0},
		{"(0u - 1) / 2 == 0x7fffffffffffffff", 1},
		{"-1 >> 63 == -1 && -1u >> 63 == 1", 1},
		{"0xFFFFFFFFFFFFFFFF / 2 > 0", 1},
	}
	for _, tt := range tests {
		toks, lerr := lexTokens("", []byte(tt.expr), 0)
		require.Nil(t, lerr)
		toks = toks[:len(toks)-1] // the line end
		v, err := cppEval(toks, lexTok{Token: lexer.Token{Value: "if"}})
		require.Nil(t, err, tt.expr)
		assert.Equal(t, tt.want, v, tt.expr)
		// The same through Preprocess.
		want := fmt.Sprint(tt.want)
		got := pp(t, fmt.Sprintf("#if (%s) == %s\nyes\n#else\nno\n#endif", tt.expr, want))
		if tt.want < 0 {
			got = pp(t, fmt.Sprintf("#if (%s) == -%d\nyes\n#else\nno\n#endif", tt.expr, -tt.want))
		}
		assert.Equal(t, "yes", got, tt.expr)
	}
}

func TestErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"#if 1\n#error stop  here \"x\"\n#endif", `main.h:2:2: #error stop here "x"`},
		{"#error", "main.h:1:2: #error"},
		{"#endif", "main.h:1:2: #endif without #if"},
		{"#else", "main.h:1:2: #else without #if"},
		{"#if 1\n#else\n#else\n#endif", "main.h:3:2: #else after #else"},
		{"#if 1\n#else\n#elif 1\n#endif", "main.h:3:2: #elif after #else"},
		{"x\n  #  ifdef FOO\n#if 1\n#endif\n", "main.h:2:6: unterminated #ifdef"},
		{"#foo bar", "main.h:1:2: unknown directive #foo"},
		{"#if 1 / 0\n#endif", "main.h:1:7: division by zero in #if"},
		{"#if 1 +\n#endif", `main.h:1:7: expected value after "+"`},
		{"#if\n#endif", "main.h:1:2: #if with no expression"},
		{"#if 1 2\n#endif", `main.h:1:7: missing binary operator before token "2"`},
		{"#if (1\n#endif", `main.h:1:6: missing ')' after "1"`},
		{"#if 1 ? 2\n#endif", `main.h:1:9: expected ':' after "2"`},
		{"#if 1.5\n#endif", "main.h:1:5: floating constant in preprocessor expression"},
		{"#if defined\n#endif", `main.h:1:5: operator "defined" requires an identifier`},
		{"#if 99999999999999999999\n#endif", `main.h:1:5: integer constant "99999999999999999999" is too large`},
		{"#if (1 2)\n#endif", `main.h:1:8: missing binary operator before token "2"`},
		{"#if (1 ? 2)\n#endif", `main.h:1:10: expected ':' after "2"`},
		{"#if 1 : 2\n#endif", "main.h:1:7: ':' without preceding '?'"},
		{"#if 1)\n#endif", "main.h:1:6: missing '(' in expression"},
		{"#if 1 + ()\n#endif", `main.h:1:10: expected value in expression, found ")"`},
		{"#define E\n#if E\n#endif", "main.h:2:2: expected value in #if"},
		{"#if (1, 2)\n#endif", "main.h:1:7: comma operator in #if is not supported"},
		{"#if a.b\n#endif", `main.h:1:6: token "." is not valid in preprocessor expressions`},
		{"#if sizeof(int)\n#endif", `main.h:1:5: "sizeof" in preprocessor expression`},
		{"#if (int)1\n#endif", "main.h:1:5: cast in preprocessor expression"},
		{"#if " + strings.Repeat("!", 1001) + "1\n#endif", "main.h:1:261: nesting too deep (more than 256 levels)"},
		{"#define N !!!!!!!!!!\n#define M N N N N N N N N N N\n#if M M M 1\n#endif", "main.h:3:9: nesting too deep (more than 256 levels)"},
		{"#if " + strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300) + "\n#endif", "main.h:1:261: nesting too deep (more than 256 levels)"},
		{"#ifdef\n#endif", "main.h:1:2: no macro name given in #ifdef directive"},
		{"#define 3 x", "main.h:1:9: macro names must be identifiers"},
		{"#define F(a, a) a", `main.h:1:14: duplicate macro parameter "a"`},
		{"#define F(a b", `main.h:1:13: expected ',' or ')' in macro parameter list, found "b"`},
		{"#define F(x) #y", "main.h:1:14: '#' is not followed by a macro parameter"},
		{"#define F ## x", "main.h:1:11: '##' cannot appear at either end of a macro expansion"},
		{"#define F(a, b) a\nint F(1);", `main.h:2:5: macro "F" requires 2 arguments, but only 1 given`},
		{"#define F(a) a\n\nF(1, 2)", `main.h:3:1: macro "F" passed 2 arguments, but takes just 1`},
		{"#define F(a) a\nF(1", `main.h:2:1: unterminated argument list invoking macro "F"`},
		{"#define F(a) a\nF(1\n#define X\n)", `main.h:2:1: unterminated argument list invoking macro "F"`},
		{"#define P(a, b) a ## b\nP(+, /)", `main.h:2:1: pasting "+" and "/" does not give a valid preprocessing token`},
		{"int x = 1 @ 2;", `main.h:1:11: unexpected character '@'`},
		{"#define Q 'x\nQ", "main.h:2:1: unterminated character constant"},
		{"#include", `main.h:1:2: #include expects "FILENAME" or <FILENAME>`},
		{"#pragma pack", "main.h:1:9: expected '(' after #pragma pack"},
		{"/* open", "main.h:1:1: unterminated comment"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ppErr(t, tt.src, Options{}), tt.src)
	}
}

func TestErrorOnlyWhenActive(t *testing.T) {
	assert.Equal(t, "", pp(t, "#if 0\n#error no\n#endif"))
	assert.Equal(t, "", pp(t, "#ifdef NOPE\n#error no\n#else\n#endif"))
	assert.Equal(t, "", pp(t, "#if 1\n#elif 1\n#error no\n#endif"))
	assert.Equal(t, "main.h:4:2: #error yes", ppErr(t, "#if 0\n#error no\n#else\n#error yes\n#endif", Options{}))
}

func TestIncludes(t *testing.T) {
	fsys := fstest.MapFS{
		"main.h":         {Data: []byte("#include \"sub/a.h\"\nmain A B C;\n#include <sys.h>\n#include <lib/missing.h>\n")},
		"sub/a.h":        {Data: []byte("#define A 1\n#include \"../b.h\"\n#include \"./c.h\"\nin_a\n")},
		"b.h":            {Data: []byte("#define B 2\nin_b\n")},
		"sub/c.h":        {Data: []byte("#define C 3\nin_c\n")},
		"macro.h":        {Data: []byte("#define HDR \"b.h\"\n#include HDR\n")},
		"missing.h":      {Data: []byte("x\n#include \"nowhere.h\"\n")},
		"missingsys.h":   {Data: []byte("#include <nowhere.h>\nok\n")},
		"once.h":         {Data: []byte("#pragma once\nonce_body\n")},
		"useonce.h":      {Data: []byte("#include \"once.h\"\n#include \"once.h\"\n#include \"sub/../once.h\"\n")},
		"guard.h":        {Data: []byte("#ifndef GUARD\n#define GUARD\nguarded\n#endif\n")},
		"useguard.h":     {Data: []byte("#include \"guard.h\"\n#include \"guard.h\"\n")},
		"loop.h":         {Data: []byte("#include \"loop.h\"\n")},
		"shadow.h":       {Data: []byte("#include \"local.h\"\n")},
		"local.h":        {Data: []byte("local\n")},
		"unterminated.h": {Data: []byte("#include \"open.h\"\n#endif\n")},
		"open.h":         {Data: []byte("#if 1\n")},
	}
	inc1 := fstest.MapFS{
		"sys.h":     {Data: []byte("#include \"sys2.h\"\nsys\n")},
		"sys2.h":    {Data: []byte("sys2\n")},
		"local.h":   {Data: []byte("wrong\n")},
		"nowhere.x": {Data: []byte("\n")},
	}
	inc2 := fstest.MapFS{
		"sys2.h": {Data: []byte("wrong\n")},
	}
	opt := Options{FS: fsys, IncludeDirs: []fs.FS{inc1, inc2}}
	run := func(name string) (*Result, error) {
		return Preprocess(name, fsys[name].Data, opt)
	}

	res, err := run("main.h")
	require.NoError(t, err)
	assert.Equal(t, "in_b in_c in_a main 1 2 3 ; sys2 sys", join(res.Tokens))
	// Tokens of included files carry their own file names.
	assert.Equal(t, "b.h:2:1", res.Tokens[0].Pos.String())
	assert.Equal(t, "sub/c.h:2:1", res.Tokens[1].Pos.String())
	assert.Equal(t, "sys2.h", res.Tokens[len(res.Tokens)-2].Pos.Filename)
	assert.Equal(t, "sub/a.h", res.Macros["A"].Pos.Filename)

	res, err = run("macro.h")
	require.NoError(t, err)
	assert.Equal(t, "in_b", join(res.Tokens))

	_, err = run("missing.h")
	assert.EqualError(t, err, `missing.h:2:10: nowhere.h: no such file or directory (searched: ., include directory 1, include directory 2)`)

	res, err = run("missingsys.h")
	require.NoError(t, err)
	assert.Equal(t, "ok", join(res.Tokens))

	res, err = run("useonce.h")
	require.NoError(t, err)
	assert.Equal(t, "once_body", join(res.Tokens))

	res, err = run("useguard.h")
	require.NoError(t, err)
	assert.Equal(t, "guarded", join(res.Tokens))

	res, err = run("shadow.h") // the including file's directory comes first
	require.NoError(t, err)
	assert.Equal(t, "local", join(res.Tokens))

	_, err = run("loop.h")
	assert.EqualError(t, err, "loop.h:1:2: #include nested too deeply (more than 64 levels)")
	opt.MaxDepth = 3
	_, err = run("loop.h")
	assert.EqualError(t, err, "loop.h:1:2: #include nested too deeply (more than 3 levels)")
	opt.MaxDepth = 0

	// Conditionals must balance within each file.
	_, err = run("unterminated.h")
	assert.EqualError(t, err, "open.h:1:2: unterminated #if")

	// Without an FS, quoted includes are searched in IncludeDirs only.
	res, err = Preprocess("x.h", []byte("#include \"sys2.h\"\n"), Options{IncludeDirs: opt.IncludeDirs})
	require.NoError(t, err)
	assert.Equal(t, "sys2", join(res.Tokens))
	_, err = Preprocess("x.h", []byte("#include \"b.h\"\n"), Options{})
	assert.EqualError(t, err, `x.h:1:10: b.h: no such file or directory (no include directory to search)`)

	// #include_next continues with the next include directory.
	inc1["next.h"] = &fstest.MapFile{Data: []byte("first\n#include_next <next.h>\n")}
	inc2["next.h"] = &fstest.MapFile{Data: []byte("second\n")}
	res, err = Preprocess("x.h", []byte("#include <next.h>\n"), opt)
	require.NoError(t, err)
	assert.Equal(t, "first second", join(res.Tokens))
}

// TestIncludeNames checks that positions and messages name files and
// directories as the user gave them, and that a quoted include is looked
// for only next to the including file and in the include directories.
func TestIncludeNames(t *testing.T) {
	fsys := fstest.MapFS{
		"abs/dir/main.h":  {Data: []byte("#include \"sub/a.h\"\n")},
		"abs/dir/sub/a.h": {Data: []byte("#include \"b.h\"\n")},
		"abs/dir/sub/b.h": {Data: []byte("#include \"i.h\"\n")},
		"abs/dir/top.h":   {Data: []byte("#include \"abs/dir/sub/b.h\"\n")},
	}
	inc := fstest.MapFS{"i.h": {Data: []byte("#include \"x.h\"\n")}}
	opt := Options{FS: fsys, Name: "/abs/dir/main.h", IncludeDirs: []fs.FS{inc, fstest.MapFS{}}, IncludeNames: []string{"/inc"}}
	_, err := Preprocess("abs/dir/main.h", fsys["abs/dir/main.h"].Data, opt)
	assert.EqualError(t, err, "/inc/i.h:1:10: x.h: no such file or directory (searched: /inc, include directory 2)")

	// Not from the root of the file system that holds the file.
	opt.Name = "dir/top.h"
	_, err = Preprocess("abs/dir/top.h", fsys["abs/dir/top.h"].Data, opt)
	assert.EqualError(t, err, "dir/top.h:1:10: abs/dir/sub/b.h: no such file or directory (searched: dir, /inc, include directory 2)")

	// An absolute path is refused as such, not reported missing.
	fsys["abs/dir/root.h"] = &fstest.MapFile{Data: []byte("#include \"/abs/dir/sub/b.h\"\n")}
	opt.Name = "root.h"
	_, err = Preprocess("abs/dir/root.h", fsys["abs/dir/root.h"].Data, opt)
	assert.EqualError(t, err, "root.h:1:10: /abs/dir/sub/b.h: an absolute include path is not searched (give its directory with -I and include the file by name)")
}

// TestIncludeBlowUp checks that a file including itself twice per level,
// down 30 levels, fails in bounded time instead of running 2^30 inclusions.
func TestIncludeBlowUp(t *testing.T) {
	var b strings.Builder
	b.WriteString("#if 0\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&b, "#elif !defined D%d\n#define D%d\n#include \"x.h\"\n#include \"x.h\"\n#undef D%d\n", i, i, i)
	}
	b.WriteString("#endif\n")
	fsys := fstest.MapFS{"x.h": {Data: []byte(b.String())}}
	_, err := Preprocess("x.h", fsys["x.h"].Data, Options{FS: fsys})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "too much input (an #include loop?)")
}

func TestExpansionLimit(t *testing.T) {
	src := "#define A0 x x x x x x x x x x\n"
	for i := 1; i <= 7; i++ {
		p := fmt.Sprintf("A%d", i-1)
		src += fmt.Sprintf("#define A%d %s %s %s %s %s %s %s %s %s %s\n", i, p, p, p, p, p, p, p, p, p, p)
	}
	src += "\n  A7\n"
	assert.Equal(t, "main.h:10:3: macro expansion too large", ppErr(t, src, Options{}))

	// Doubling through arguments.
	src = "#define D(x) x x\n#define D4(x) D(D(D(D(x))))\n#define D16(x) D4(D4(D4(D4(x))))\nD16(D16(a))"
	assert.Contains(t, ppErr(t, src, Options{}), "macro expansion too large")

	// Calls nested in arguments copy the inner arguments at each level:
	// deep nesting fails before.
	src = "#define F(x) x\n" + strings.Repeat("F(", 2000) + "1" + strings.Repeat(")", 2000)
	assert.Equal(t, "main.h:2:516: nesting too deep (more than 256 levels)", ppErr(t, src, Options{}))
	src = "#define F(x) x\nF(" + strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000) + ")"
	assert.Equal(t, "main.h:2:259: nesting too deep (more than 256 levels)", ppErr(t, src, Options{}))
}

func TestPragmaPack(t *testing.T) {
	src := "#define ALIGN 4\n#pragma pack(push, 8)\nstruct s;\n  #pragma   pack(ALIGN)\n#pragma pack()\n#pragma pack(pop)\n#pragma once\n#pragma weird stuff ( \n"
	res, err := Preprocess("p.h", []byte(src), Options{})
	require.NoError(t, err)
	assert.Equal(t, "__pragma_pack ( push , 8 ) ; struct s ; __pragma_pack ( 4 ) ; __pragma_pack ( ) ; __pragma_pack ( pop ) ;", join(res.Tokens))
	for i := 0; i < 7; i++ {
		assert.Equal(t, "p.h:2:9", res.Tokens[i].Pos.String())
	}
	assert.Equal(t, lexIdent, res.Tokens[0].Type)
	assert.Equal(t, lexInt, res.Tokens[4].Type)
	assert.Equal(t, "p.h:4:13", res.Tokens[10].Pos.String())
	// Skipped when inactive.
	assert.Equal(t, "", pp(t, "#if 0\n#pragma pack(1)\n#endif"))
}

func TestDefinesOption(t *testing.T) {
	opt := Options{Defines: map[string]string{
		"DEBUG":     "",
		"SIZE":      "(4 * 2)",
		"SQ(x)":     "((x) * (x))",
		"__GNUC__":  "4",
		"BAD_ORDER": "__ORDER_BIG_ENDIAN__",
	}}
	res, err := Preprocess("d.h", []byte("#ifdef DEBUG\ndbg\n#endif\nSIZE SQ(3) __GNUC__ __STDC__\n#if BAD_ORDER == 4321\nbig\n#endif"), opt)
	require.NoError(t, err)
	assert.Equal(t, "dbg ( 4 * 2 ) ( ( 3 ) * ( 3 ) ) 4 1 big", join(res.Tokens))
	assert.True(t, res.Macros["SQ"].Func)
	assert.Equal(t, []string{"x"}, res.Macros["SQ"].Params)
	assert.Equal(t, "<command-line>", res.Macros["SQ"].Pos.Filename)
	assert.Equal(t, "<built-in>", res.Macros["__STDC__"].Pos.Filename)

	_, err = Preprocess("d.h", nil, Options{Defines: map[string]string{"1X": "2"}})
	assert.EqualError(t, err, "<command-line>:1:1: macro names must be identifiers")
	_, err = Preprocess("d.h", nil, Options{Defines: map[string]string{"F(": "2"}})
	assert.EqualError(t, err, `<command-line>:1:4: expected parameter name, found "2"`)
}

func TestMacrosResult(t *testing.T) {
	src := "#define A 1\n#define F(a, b) a+b\n#define G() g\n#define V(x, ...) __VA_ARGS__\n#define N(args...) args\n#define B 2\n#define A 3\n#undef B\n#undef NEVER\n"
	res, err := Preprocess("m.h", []byte(src), Options{})
	require.NoError(t, err)
	assert.Empty(t, res.Tokens)
	n := len(res.Order)
	require.GreaterOrEqual(t, n, 5)
	assert.Equal(t, []string{"F", "G", "V", "N", "A"}, res.Order[n-5:])
	assert.Len(t, res.Macros, n)
	assert.NotContains(t, res.Macros, "B")

	a := res.Macros["A"]
	assert.Equal(t, "A", a.Name)
	assert.False(t, a.Func)
	assert.Nil(t, a.Params)
	assert.Equal(t, "3", join(a.Body))
	assert.Equal(t, "m.h:7:9", a.Pos.String())
	assert.Equal(t, "m.h:7:11", a.Body[0].Pos.String())

	f := res.Macros["F"]
	assert.True(t, f.Func)
	assert.Equal(t, []string{"a", "b"}, f.Params)
	assert.Equal(t, "a + b", join(f.Body))
	assert.Equal(t, lexPunct, f.Body[1].Type)

	g := res.Macros["G"]
	assert.True(t, g.Func)
	assert.Equal(t, []string{}, g.Params)
	assert.Equal(t, []string{"x", "..."}, res.Macros["V"].Params)
	assert.Equal(t, []string{"args..."}, res.Macros["N"].Params)

	for _, name := range res.Order {
		require.Contains(t, res.Macros, name)
	}
}

func FuzzPreprocess(f *testing.F) {
	seeds := []string{
		"#define A(x, ...) x ## __VA_ARGS__ #x\nA(1, 2) A() A(,)\n",
		"#if defined(X) || 1 ? 2 : 3\n#elif 1/0\n#else\n#endif\n",
		"#include \"a.h\"\n#include <b.h>\n#pragma pack(push, 4)\nstruct { int a; } x;\n",
		"#define A B\n#define B A\nA B\n#define F(x) F(x) x\nF(F(1))\n",
		"/* c */ 'a' \"s\\n\" 1.5e3f 0x1Fu // x\n#error e\n",
		"#if 0\n#else\n#endif\n#ifdef Q\n#undef Q\n#endif\n",
		"#define S(x) #x\n#define C(a,b) a##b\nS(C(1,2)) C(S(a),b)\n",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if _, err := Lexer.(lexer.StringDefinition).LexString("f.h", src); err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("lexer error %v is %T, not *Error", err, err)
			}
		}
		fsys := fstest.MapFS{
			"main.h": {Data: []byte(src)},
			"a.h":    {Data: []byte("#pragma once\n#include \"main.h\"\n#define A_H 1\n")},
		}
		inc := fstest.MapFS{"b.h": {Data: []byte(src)}}
		res, err := Preprocess("main.h", []byte(src), Options{FS: fsys, IncludeDirs: []fs.FS{inc}, MaxDepth: 8})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, not *Error", err, err)
			}
			return
		}
		for _, tok := range res.Tokens {
			switch tok.Type {
			case lexIdent, lexInt, lexFloat, lexChar, lexString, lexPunct:
			default:
				t.Fatalf("token %#v has type %d", tok, tok.Type)
			}
		}
		for _, name := range res.Order {
			if res.Macros[name] == nil {
				t.Fatalf("macro %s in Order but not in Macros", name)
			}
		}
	})
}
