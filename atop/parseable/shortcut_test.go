package parseable

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"

	"github.com/alecthomas/participle/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cstructgo/cstruct/defs"
)

// shippedDescs returns the text of every embedded description.
func shippedDescs(t testing.TB) map[string]string {
	out := map[string]string{}
	err := fs.WalkDir(defs.Atop, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || path.Base(p) != DescFile {
			return err
		}
		src, err := fs.ReadFile(defs.Atop, p)
		out[p] = string(src)
		return err
	})
	require.NoError(t, err)
	return out
}

// mutations makes broken variants of a description: every stride-th line
// in turn cut short, or with a character dropped or added.
func mutations(src string, stride int) []string {
	lines := strings.Split(src, "\n")
	var out []string
	for i, l := range lines {
		if i%stride != 0 || strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		for _, m := range []string{l[:len(l)/2], l[:len(l)-1], l + " )", l + " +", strings.Replace(l, "(", "", 1), strings.Replace(l, "}", "", 1), strings.Replace(l, ",", " ", 1), strings.Replace(l, ".", "..", 1), strings.Replace(l, " ", " ? ", 1)} {
			if m == l {
				continue
			}
			mutated := append(append(append([]string{}, lines[:i]...), m), lines[i+1:]...)
			out = append(out, strings.Join(mutated, "\n"))
		}
	}
	return out
}

// parseBothWays parses a description with and without the shortcuts and
// requires the same tree, or the same error.
func parseBothWays(t *testing.T, name, src string) {
	t.Helper()
	text := splice(src).text
	descShortcuts = false
	slow, serr := descParser().ParseString(name, text)
	_, sderr := parseDesc(name, src)
	descShortcuts = true
	fast, ferr := descParser().ParseString(name, text)
	_, fderr := parseDesc(name, src)
	if serr == nil && ferr == nil {
		assert.Equal(t, slow, fast, name)
	}
	if short, ok := shortFile(name, text); ok {
		require.NoError(t, serr, "%s: the shortcuts took what the grammar refuses", name)
		assert.Equal(t, slow, short, name)
	}
	assert.Equal(t, fmt.Sprint(serr), fmt.Sprint(ferr), name)
	assert.Equal(t, fmt.Sprint(sderr), fmt.Sprint(fderr), name)
}

// TestShortcutTrees checks that the shortcuts build exactly the trees the
// grammar builds, and fail with its errors, on the shipped descriptions,
// on every way of breaking one of their lines, and on the error cases.
func TestShortcutTrees(t *testing.T) {
	descs := shippedDescs(t)
	require.GreaterOrEqual(t, len(descs), 11)
	for name, src := range descs {
		parseBothWays(t, name, src)
	}
	src := descs["atop/2.13/"+DescFile]
	require.NotEmpty(t, src)
	muts := mutations(src, 17)
	for i, m := range muts {
		parseBothWays(t, fmt.Sprintf("mutation %d", i), m)
	}
	for i, c := range shortcutCases {
		parseBothWays(t, fmt.Sprintf("case %d", i), c)
	}
}

// TestShortcutsTake checks that the shortcuts parse the shipped
// descriptions without the grammar: otherwise loading them is slow again.
func TestShortcutsTake(t *testing.T) {
	tops, stmts, templates := topGrammar, stmtGrammar, templateGrammar
	defer func() { topGrammar, stmtGrammar, templateGrammar = tops, stmts, templates }()
	fallbacks := 0
	topGrammar = func() *participle.Parser[topSyntax] { fallbacks++; return tops() }
	stmtGrammar = func() *participle.Parser[stmtSyntax] { fallbacks++; return stmts() }
	templateGrammar = func() *participle.Parser[templateSyntax] { fallbacks++; return templates() }
	for name, src := range shippedDescs(t) {
		_, ok := shortFile(name, splice(src).text)
		assert.True(t, ok, "%s: the shortcuts do not take all of it", name)
		_, err := parseDesc(name, src)
		require.NoError(t, err)
		assert.Zero(t, fallbacks, name)
	}
	_, err := parseDesc("t.txt", "atop 9.9\nheader %d{1 +}\n")
	require.Error(t, err)
	assert.Equal(t, 2, fallbacks, "a mistake is left to the grammar")
	_, err = parseDesc("t.txt", "atop 9.9\nheader x\nlabel A\nfrob\nend\n")
	require.Error(t, err)
	assert.Equal(t, 4, fallbacks, "a stray line is left to the grammar")
}

// shortcutCases are descriptions with every form of expression and
// template, and mistakes in them.
var shortcutCases = []string{
	"atop 9.9\nheader %d{a ? b ? c : d : e} %s{-!~x} %d{f(1, g(2), h())} %d{a.b[c + 1].d(e)[f]}\n",
	"atop 9.9\nconst A = (1 + 2) * 3 << 4 >> 5 | 6 & 7 ^ 8 || 9 && 10 == 11 != 12 < 13 > 14 <= 15 >= 16 % 17 / 18 - 19\n",
	"atop 9.9\nheader %%x%d{'c'}%s{\"s\\\"\"}%-5.2lf{1.5e3}%d{0x1F}%\nlabel A\nprint\nprint %d\nend\n",
	"atop 9.9\nheader %d{1 +}\n",
	"atop 9.9\nheader %d{(1}\n",
	"atop 9.9\nheader %d{1\n",
	"atop 9.9\nheader %d{}\n",
	"atop 9.9\nheader %d{a ? b}\n",
	"atop 9.9\nheader %d{a ? : c}\n",
	"atop 9.9\nheader %d{f(1,)}\n",
	"atop 9.9\nheader %d{f(,)}\n",
	"atop 9.9\nheader %d{a.}\n",
	"atop 9.9\nheader %d{a.1}\n",
	"atop 9.9\nheader %d{a[]}\n",
	"atop 9.9\nheader %d{a[1}\n",
	"atop 9.9\nheader %d{-}\n",
	"atop 9.9\nheader %d{\"abc}\n",
	"atop 9.9\nheader %d{a b}\n",
	"atop 9.9\nheader %d{a @ b}\n",
	"atop 9.9\nheader x\nlabel A\n\tfor x in a count\n\tend\nend\n",
	"atop 9.9\nheader x\nlabel A\n\tfor x in\n\tend\nend\n",
	"atop 9.9\nheader x\nlabel A\n\tlet x =\nend\n",
	"atop 9.9\nheader x\nlabel A\n\tif\n\tend\nend\n",
	"atop 9.9\ndef f(a b) = a\n",
	"atop 9.9\ndef f(a) = \n",
	"atop 9.9\nheader x\nlabel A\n\tprint %d{f(1)(2)}\nend\n",
}

// FuzzShortcutTrees checks the shortcuts against the grammar on any
// description.
func FuzzShortcutTrees(f *testing.F) {
	for _, s := range shortcutCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		parseBothWays(t, "fuzz", src)
	})
}
