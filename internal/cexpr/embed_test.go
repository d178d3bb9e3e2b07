package cexpr

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A grammar of statements with the token names of the line descriptions'
// lexer (Number, Op, EOL), embedding Expr: the expressions of every
// shipped parseable.txt parse, the for clauses end the expression, and
// each tree reads back from its String.

var stmtLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "EOL", Pattern: `\n`},
	{Name: "blank", Pattern: `[ \t]+`},
	{Name: "Ident", Pattern: `[_a-zA-Z][_a-zA-Z0-9]*`},
	{Name: "Number", Pattern: `0[xX][0-9a-fA-F]*|[0-9](?:[0-9.]|[eE][+-]?)*`},
	{Name: "Char", Pattern: `'(?:\\[^\n]|[^'\\\n])*'`},
	{Name: "String", Pattern: `"(?:\\[^\n]|[^"\\\n])*"`},
	{Name: "Op", Pattern: `<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!<>?:()\[\].,={}]`},
})

type stmt struct {
	Kw      string    `parser:"@Ident"`
	X       *Expr     `parser:"@@"`
	Clauses []*clause `parser:"@@* EOL"`
}

type clause struct {
	Kw string `parser:"@(\"count\" | \"while\")"`
	X  *Expr  `parser:"@@"`
}

var stmtParser = participle.MustBuild[stmt](participle.Lexer(stmtLexer), participle.UseLookahead(0))

func TestEmbeddedInDescriptions(t *testing.T) {
	files, err := filepath.Glob("../../defs/atop/*/parseable.txt")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	braces := regexp.MustCompile(`\{([^}]*)\}`)
	n := 0
	for _, name := range files {
		src, err := os.ReadFile(name)
		require.NoError(t, err)
		text := strings.ReplaceAll(string(src), "\\\n", " ")
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			kw, rest, _ := strings.Cut(line, " ")
			var exprs []string
			switch kw {
			case "let", "const":
				_, x, _ := strings.Cut(rest, "=")
				exprs = append(exprs, "let "+x)
			case "def":
				_, x, _ := strings.Cut(rest, "=")
				exprs = append(exprs, "def "+x)
			case "if":
				exprs = append(exprs, line)
			case "for":
				_, x, _ := strings.Cut(rest, " in ")
				exprs = append(exprs, "for "+x)
			case "print", "header":
				for _, m := range braces.FindAllStringSubmatch(rest, -1) {
					exprs = append(exprs, "print "+m[1])
				}
			}
			for _, e := range exprs {
				s, err := stmtParser.ParseString(name, e+"\n")
				require.NoError(t, err, e)
				again, err := Parse("", String(s.X.X))
				require.NoError(t, err, e)
				assert.Equal(t, String(s.X.X), String(again.X), e)
				for _, c := range s.Clauses {
					assert.NotNil(t, c.X, e)
				}
				n++
			}
		}
	}
	t.Logf("%d expressions of %d files", n, len(files))
	require.Greater(t, n, 1000)

	// errors: where they are, in participle's terms
	_, err = stmtParser.ParseString("t", "print 1 +\n")
	assert.EqualError(t, err, `t:1:10: unexpected token "\n" (expected expression)`)
	_, err = stmtParser.ParseString("t", "print (1\n")
	assert.EqualError(t, err, `t:1:9: unexpected token "\n" (expected ")")`)
	_, err = stmtParser.ParseString("t", "print f(1)(2)\n")
	assert.NoError(t, err) // a call of a call parses; Check refuses it
	_, err = stmtParser.ParseString("t", "print "+strings.Repeat("(", 2000)+"\n")
	assert.ErrorIs(t, err, ErrNesting)
}

// TestCasts: what "(" starts.
func TestCasts(t *testing.T) {
	for src, want := range map[string]string{
		"(unsigned int)-1":     "Cast",
		"(T)x":                 "Cast",
		"(T)(x)":               "Cast",
		"(T *)0":               "Cast",
		"(struct s *)p":        "Cast",
		"(const T)x":           "Cast",
		"(N) - 1":              "Binary",
		"(N) * 2":              "Binary",
		"(float(x) * 2)":       "Paren",
		"(double(a) / b)":      "Paren",
		"(x)[1]":               "Index",
		"(x).y":                "Member",
		"sizeof(x) + 1":        "Binary",
		"sizeof(unsigned) * 2": "Binary",
	} {
		x, err := Parse("", src)
		require.NoError(t, err, src)
		assert.Equal(t, want, strings.TrimPrefix(strings.TrimPrefix(typeName(x.X), "*"), "cexpr."), src)
	}
}

func typeName(n Node) string { return reflectTypeName(n) }

func reflectTypeName(n Node) string {
	return strings.TrimPrefix(fmtType(n), "*cexpr.")
}

func fmtType(n Node) string { return fmt.Sprintf("%T", n) }
