package parseable

import (
	"fmt"
	"io/fs"
	"path"
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cstructgo/cstruct/defs"
)

// lexCases are texts with every kind of token, in every state, and the
// corners of the rules.
var lexCases = []string{
	"",
	"\n\n",
	"atop 2.13\natop\natop  \t x\natopx\natop\tx\natop",
	"option Z Y\toption\noption",
	"const X = 0x1F + 08 * 1.5e+3 - 1e- 2E5 0X 0x\ndef f(a, b) = a ? b : 'c' \"d\\\"\" '\\''\n",
	"label A\nlet x = a.b[1](2, 3) << 2 >> 1 <= >= == != && || & | ^ ~ ! < > ? : ( ) [ ] . , =\nend\n",
	"print %d{x} %%d %lld{a.b} %-08.3lf{y} %hhu{z} %5{{ %l{q} %5.{r} %{s} %é{t} %.{u}\n",
	"print %d %s trailing % %5 %-\nprint %\nprint %ll",
	"header %s{label} %02d{tm_mon + 1}/%ld{epoch}\n",
	"print %d{unclosed\nprint %d{a } b}\nprint %d{ 'x }\n",
	"print %d{\"abc}\nprint %d{'a\\'}\nprint %d{\"\\\n",
	"for i, c in sys.cpu.cpu count n while c.x\nif a\nelse  x\nend  y\n",
	"print\tx\nlet\nwhat ever\n\tindented\n é ü\n{ } @ # $ ` \\ \x80\xff",
	"if 1\nelse\n\tend\n",
	" starts with a space",
	"frob",
	"const X = \"unterminated\nconst Y = 'u\n",
	"let x = 1.2.3 0x1g 1e+ ee _a1 a_b",
	"print a%%b%%%d{1}%\n",
	"end",
	"else",
}

// lexAll runs a lexer definition over text: the tokens up to EOF, or the
// error.
func lexAll(def lexer.Definition, text string) ([]lexer.Token, error) {
	l, err := def.(lexer.StringDefinition).LexString("t.txt", text)
	if err != nil {
		return nil, err
	}
	var out []lexer.Token
	for {
		t, err := l.Next()
		if err != nil {
			return out, err
		}
		out = append(out, t)
		if t.EOF() {
			return out, nil
		}
	}
}

// checkLexer requires descLex to lex text as descRules do.
func checkLexer(t *testing.T, ref lexer.Definition, name, text string) {
	t.Helper()
	want, werr := lexAll(ref, text)
	got, gerr := lexAll(descLex, text)
	assert.Equal(t, want, got, "%s: %q", name, text)
	assert.Equal(t, fmt.Sprint(werr), fmt.Sprint(gerr), "%s: %q", name, text)
}

// TestDescLexer checks that the hand-written lexer yields the tokens,
// positions and errors of descRules, on every shipped description (as
// written and as the grammar reads it) and the cases above.
func TestDescLexer(t *testing.T) {
	ref := lexer.MustStateful(descRules)
	require.Equal(t, ref.Symbols(), descLex.Symbols())
	for i, text := range lexCases {
		checkLexer(t, ref, fmt.Sprint("case ", i), text)
		checkLexer(t, ref, fmt.Sprint("spliced case ", i), splice(text).text)
	}
	n := 0
	err := fs.WalkDir(defs.Atop, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || path.Base(p) != DescFile {
			return err
		}
		src, err := fs.ReadFile(defs.Atop, p)
		require.NoError(t, err)
		checkLexer(t, ref, p, string(src))
		checkLexer(t, ref, p+" spliced", splice(string(src)).text)
		n++
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, n, 11)
}

// FuzzDescLexer checks the hand-written lexer against descRules on any
// text.
func FuzzDescLexer(f *testing.F) {
	for _, s := range lexCases {
		f.Add(s)
	}
	ref := lexer.MustStateful(descRules)
	f.Fuzz(func(t *testing.T, text string) {
		checkLexer(t, ref, "fuzz", text)
	})
}
