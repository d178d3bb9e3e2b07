package cparse

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cstructgo/cstruct/defs"
)

// shortcutCases are declarations of every shape the shortcut takes, and of
// shapes and mistakes it must leave to the grammar.
var shortcutCases = []string{
	"",
	";;",
	"struct a { uint8 n; char s[n]; };",
	"struct b { int x[4]; int y:3, :0, z:2; unsigned long long u:61; };",
	"enum e : uint16 { A, B = A + 3 }; flag f { X, Y, };",
	"enum g { P = (1 << 2), Q = sizeof(int) } ; enum h : unsigned char { Z };",
	"enum { A B } x; enum i : uint8 x; enum j;",
	"typedef struct { union { int a; char b[4]; }; } t, *pt;",
	"typedef long long count_t; typedef unsigned int u32, *pu32[2][3];",
	"typedef int a typedef int b;",
	"typedef int missing_semicolon",
	"#pragma pack(push, 2)\nstruct p { char c; long l; } __attribute__((aligned(8)));\n#pragma pack(pop)\n#pragma pack()",
	"struct c { char a[sizeof(int) * 2]; uint32 o[offsetof(struct c, a)]; };",
	"int f(int x) { return x; } struct d { wchar w[]; uleb128 n; };",
	"static const volatile struct s { const int * const * volatile p; char *q[2]; } v, *w;",
	"struct n { struct m { int a; } m1, m2[3]; struct { short x, y; } pt[2]; union { int i; float f; }; struct m; };",
	"struct q { int a[(3 + 1)]; int b[N * 2 + (M)]; int c[1][2][]; int d:(2+1); int e : 1 ? 2 : 3; };",
	"struct __attribute__((packed)) pk { int a; }; struct pl { int a __attribute__((aligned(4))); };",
	"struct al { _Alignas(8) int a; alignas(4) char b; } __attribute__((packed));",
	"struct fp { int (*f)(int); int (*g)[3]; void (*h)(void); };",
	"struct in { int a = 3; }; int x = 4, y = { 1, 2 };",
	"_Static_assert(sizeof(int) == 4, \"int\"); static_assert(1);",
	"struct pr { int a;\n#pragma pack(1)\n char b; };",
	"struct e1 { int a[2); };",
	"struct e2 { int a b; };",
	"struct e3 { int ; };",
	"struct e4 { int a; }",
	"struct e5 { int a; struct e4 b; } } int z;",
	"struct e6 { int a[; };",
	"enum e7 { A = };",
	"enum e8 { 1 };",
	"typedef;",
	"struct struct { int int; };",
	"struct x y z;",
	"unsigned const int q;",
	"int *;",
	"struct e9 { int a : ; };",
	"struct e10 { int a : 3 4; };",
	"struct e11 { int a[1 2]; };",
	"int a[3] [4]; char *const *restrict p;",
	"struct t1 { time_t t; const char *name; signed char sc; long double ld; };",
	"flag fl : uint16 { F1 = 1 << 0, F2 = 1 << 1 };",
	"struct o { int a; } __attribute__((aligned(8))) x;",
	"struct { int a; };",
	"union u { int a; char b[sizeof(struct o)]; };",
	"struct ex { char a[N + 1], b[N+M*2-1|4], c['a' ^ 3], d[x.y + 1], e[sizeof + 1], f[1.5 + 1], g[N - -1]; int h : N * 2; };",
	"enum ee { A = 1 << 3 | 1, B = A + N, C = 'x' - 'a', D = A && B || !C };",
	"#define X (N + 1)\nstruct xp { int a[X * 2]; int b[X]; };",
	"struct pa { int a[(N + 1) * 2], b[((1))], c[(int)1], d[(N)], e[( )], f[(unsigned) N], g[(const int)1]; };",
	"struct pb { int a[(1 + )]; };",
	"struct pc { int a[(1]; };",
	"struct pd { int a[1)]; };",
	"struct pe { int a[(1) (2)]; int b[-(1)]; int c[(1) ? 2 : 3]; int d[(x).y]; };",
	"enum pf { A = (1 << 2) | (1 << 3), B = ((A)), C = (A + (B * (2 - 1))) };",
}

// parseWithShortcuts preprocesses src (file name in fsys, or text when
// fsys is nil) and parses it with or without the shortcut.
func parseWithShortcuts(t *testing.T, fsys fs.FS, name string, src []byte, short bool) (*File, error) {
	t.Helper()
	res, err := Preprocess(name, src, Options{FS: fsys, Defines: map[string]string{"N": "3", "M": "2"}})
	if err != nil {
		return nil, err
	}
	defer func() { Shortcuts = true }()
	Shortcuts = short
	return Parse(res.Tokens)
}

// checkShortcut parses src both ways and requires the same tree or the
// same error.
func checkShortcut(t *testing.T, fsys fs.FS, name string, src []byte) {
	t.Helper()
	slow, serr := parseWithShortcuts(t, fsys, name, src, false)
	fast, ferr := parseWithShortcuts(t, fsys, name, src, true)
	if serr != nil || ferr != nil {
		require.Error(t, serr, "%s: the shortcut failed where the grammar did not: %v", name, ferr)
		require.Error(t, ferr, "%s: the grammar failed where the shortcut did not: %v", name, serr)
		assert.Equal(t, serr.Error(), ferr.Error(), name)
		return
	}
	if !assert.Equal(t, slow, fast, name) {
		assert.Equal(t, dumpTree(slow), dumpTree(fast), name)
	}
}

// dumpTree renders a tree with one field a line, telling nil from empty
// slices, for readable differences.
func dumpTree(v any) string {
	var b strings.Builder
	var walk func(v reflect.Value, indent string)
	walk = func(v reflect.Value, indent string) {
		switch v.Kind() {
		case reflect.Pointer, reflect.Interface:
			if v.IsNil() {
				b.WriteString("nil\n")
				return
			}
			walk(v.Elem(), indent)
		case reflect.Struct:
			if v.Type() == reflect.TypeOf(lexer.Position{}) {
				fmt.Fprintf(&b, "%v\n", v.Interface())
				return
			}
			fmt.Fprintf(&b, "%s {\n", v.Type().Name())
			for i := 0; i < v.NumField(); i++ {
				fmt.Fprintf(&b, "%s  %s: ", indent, v.Type().Field(i).Name)
				walk(v.Field(i), indent+"  ")
			}
			fmt.Fprintf(&b, "%s}\n", indent)
		case reflect.Slice:
			switch {
			case v.IsNil():
				b.WriteString("nil slice\n")
			case v.Len() == 0:
				b.WriteString("empty slice\n")
			default:
				b.WriteString("[\n")
				for i := 0; i < v.Len(); i++ {
					fmt.Fprintf(&b, "%s  ", indent)
					walk(v.Index(i), indent+"  ")
				}
				fmt.Fprintf(&b, "%s]\n", indent)
			}
		default:
			fmt.Fprintf(&b, "%#v\n", v.Interface())
		}
	}
	walk(reflect.ValueOf(v), "")
	return b.String()
}

// TestShortcutTree checks that the declaration shortcut builds exactly the
// trees the grammar builds (positions, nil and empty slices included), and
// that the errors are the grammar's, on the shipped definitions, gcc's
// layout tests, a generated file and the cases above.
func TestShortcutTree(t *testing.T) {
	for i, src := range shortcutCases {
		checkShortcut(t, nil, fmt.Sprintf("case%d.h", i), []byte(src))
	}
	for _, name := range []string{"gcc_layouts.h", "gcc_layouts_ilp32.h"} {
		src, err := os.ReadFile(path.Join("../../testdata", name))
		require.NoError(t, err)
		checkShortcut(t, nil, name, src)
	}
	entries, err := fs.ReadDir(defs.Atop, "atop")
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		name := path.Join("atop", e.Name(), "atop.h")
		src, err := fs.ReadFile(defs.Atop, name)
		if err != nil {
			continue
		}
		checkShortcut(t, defs.Atop, name, src)
		n++
	}
	assert.GreaterOrEqual(t, n, 11, "atop versions")
	checkShortcut(t, nil, "big.h", []byte(generatedDefs(40000)))
}

// TestShortcutTakes checks that the shortcut, not the file grammar, parses
// the shipped atop definitions: otherwise loading them is slow again.
// (Their expressions go to cexpr's parser, which is fast.)
func TestShortcutTakes(t *testing.T) {
	for _, v := range []string{"2.3", "2.8", "2.13"} {
		name := "atop/" + v + "/atop.h"
		src, err := fs.ReadFile(defs.Atop, name)
		require.NoError(t, err)
		res, err := Preprocess(name, src, Options{FS: defs.Atop})
		require.NoError(t, err)
		for start := 0; start < len(res.Tokens); {
			end := declEnd(res.Tokens, start)
			_, ok := shortDecl(res.Tokens[start:end]) // which calls ParseExpr
			assert.True(t, ok, "%s: declined at %s", v, res.Tokens[start].Pos)
			start = end
		}
	}
}

// generatedDefs makes definition text of about size bytes, in the shapes
// of the Parse benchmark.
func generatedDefs(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "#define LEN_%d (%d + 1)\n", i, i%16)
		fmt.Fprintf(&b, "enum kind_%d : uint16 { K%d_A, K%d_B = %d, K%d_C };\n", i, i, i, i, i)
		fmt.Fprintf(&b, "/* record %d */\nstruct rec_%d {\n\tuint32 id;\n\tkind_%d kind;\n\tchar name[LEN_%d];\n", i, i, i, i)
		fmt.Fprintf(&b, "\tstruct { int16 x, y; } pt[2];\n\tuint8 a:3, b:5;\n\tuint64 values[4];\n\tuint16 n;\n\tuint8 data[n];\n};\n")
	}
	return b.String()
}

// FuzzShortcut checks the shortcut against the grammar on any text.
func FuzzShortcut(f *testing.F) {
	for _, s := range shortcutCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkShortcut(t, nil, "fuzz.h", []byte(src))
	})
}

// exprCases are expressions the lone-token shortcut takes or leaves to
// cexpr's parser.
var exprCases = []string{
	"1", "x", "'a'", "15 + 1", "N * 2 + M - 1", "a << 2 | b & 3 ^ c", "a == b != c < d > e <= f >= g && h || i % j / k",
	"(1)", "((x))", "(N + 1) * 2", "(a + (b * (c - 1)))", "(int)1", "(unsigned long) x", "(const int)1", "(x).y",
	"-1", "!x", "~(1)", "a ? b : c", "sizeof(int)", "sizeof x", "offsetof(struct a, b)", "x.y + 1", "a[1]", "1.5",
	"1 +", "(1", "1)", "()", "( )", "1 2", "+", "", "sizeof", "_Alignof(int) + 1", "\"s\"", "(1) (2)",
}

// TestShortExpr checks that ParseExpr builds the same trees, or fails with
// the same errors, with and without its shortcut.
func TestShortExpr(t *testing.T) {
	for _, src := range exprCases {
		checkShortExpr(t, src)
	}
}

func checkShortExpr(t *testing.T, src string) {
	t.Helper()
	l, err := Lexer.Lex("e.h", strings.NewReader(src))
	if err != nil {
		return
	}
	toks, err := lexer.ConsumeAll(l)
	if err != nil {
		return
	}
	toks = toks[:len(toks)-1]
	defer func() { Shortcuts = true }()
	Shortcuts = false
	slow, serr := ParseExpr(toks)
	Shortcuts = true
	fast, ferr := ParseExpr(toks)
	assert.Equal(t, fmt.Sprint(serr), fmt.Sprint(ferr), src)
	if serr == nil && ferr == nil && !assert.Equal(t, slow, fast, src) {
		assert.Equal(t, dumpTree(slow), dumpTree(fast), src)
	}
}

// FuzzShortExpr checks the expression shortcut against cexpr's parser on
// any text.
func FuzzShortExpr(f *testing.F) {
	for _, s := range exprCases {
		f.Add(s)
	}
	f.Fuzz(checkShortExpr)
}
