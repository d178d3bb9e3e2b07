package cstruct

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cstructgo/cstruct/cstruct/internal/cparse"
	"github.com/cstructgo/cstruct/defs"
)

// describe renders every struct of a Spec with its fields' names, types,
// offsets and bit positions.
func describe(s *Spec) string {
	var b strings.Builder
	for name, t := range s.Types() {
		fmt.Fprintf(&b, "%s %s size=%d\n", name, t, t.Size())
		if st, ok := As[*Struct](t); ok {
			for _, f := range st.Fields {
				fmt.Fprintf(&b, "  %s %s @%d.%d:%d\n", f.Name, f.Type, f.Offset, f.BitOffset, f.BitSize)
			}
		}
	}
	return b.String()
}

// TestSimpleMemberShortcut checks that the parser's shortcut for plain
// member lines builds exactly what the full grammar builds.
func TestSimpleMemberShortcut(t *testing.T) {
	gccH, err := os.ReadFile("testdata/gcc_layouts.h")
	require.NoError(t, err)
	bench := string(bigDefinition())
	bench = bench[:strings.LastIndex(bench[:20000], "};\n")+3]
	texts := map[string]string{
		"gcc_layouts.h": string(gccH),
		"vectors":       fuzzDefs + `struct m { unsigned long long a:3, b:61; char *p[4][2]; uint8 x[], y; int z[N]; long double_; };`,
		"bench":         bench,
	}
	for name, src := range texts {
		src = "#define N 3\n" + src
		cparse.SimpleMembers = true
		fast, err := (&Config{Natural: true}).Parse(name, []byte(src))
		require.NoError(t, err, name)
		cparse.SimpleMembers = false
		slow, err := (&Config{Natural: true}).Parse(name, []byte(src))
		cparse.SimpleMembers = true
		require.NoError(t, err, name)
		assert.Equal(t, describe(slow), describe(fast), name)
	}
	for _, v := range []string{"2.3", "2.10", "2.13"} {
		cparse.SimpleMembers = true
		fast, err := (&Config{}).ParseFS(defs.Atop, "atop/"+v+"/atop.h")
		require.NoError(t, err)
		cparse.SimpleMembers = false
		slow, err := (&Config{}).ParseFS(defs.Atop, "atop/"+v+"/atop.h")
		cparse.SimpleMembers = true
		require.NoError(t, err)
		assert.Equal(t, describe(slow), describe(fast), v)
	}
}
