package cstruct

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cstructgo/cstruct/internal/cexpr/cexprtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGCCConstExpressions checks constants and array sizes against gcc:
// seeded random expressions (mixed widths and signedness, casts, shifts,
// division of negatives, ?:, and the known mismatches of issue 14) as
// #define constants and in array sizes, whose values gcc prints.
func TestGCCConstExpressions(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found: constant expressions are not checked against gcc")
	}
	exprs, _ := cexprtest.Exprs(11, 300, cexprtest.Gen{Casts: true, Shift: 31})
	exprs = append(exprs, cexprtest.KnownMismatches...)
	type ours struct {
		i    int
		v    int64
		size int64
	}
	var got []ours
	var h, c strings.Builder
	c.WriteString("#include <stdio.h>\n#include \"e.h\"\nint main(void) {\n")
	errs := 0
	for i, e := range exprs {
		src := fmt.Sprintf("#define E%d (%s)\nstruct s%d { char a[(E%d) & 255]; char b; };\n", i, e, i, i)
		spec, err := Parse("e.h", []byte(src))
		if err != nil {
			// a division by zero: gcc would warn, and the program trap
			assert.Contains(t, err.Error(), "division by zero", e)
			errs++
			continue
		}
		v, ok := spec.Const(fmt.Sprintf("E%d", i))
		require.True(t, ok, e)
		typ, err := spec.Lookup(fmt.Sprintf("struct s%d", i))
		require.NoError(t, err, e)
		got = append(got, ours{i, v, typ.Size()})
		// at block scope, where gcc also takes an array size that is not
		// an integer constant expression ('\x80' << 12 is undefined)
		fmt.Fprintf(&h, "#define E%d (%s)\n", i, e)
		fmt.Fprintf(&c, "\t{ struct s%d { char a[(E%d) & 255]; char b; };\n", i, i)
		fmt.Fprintf(&c, "\tprintf(\"%%d %%llu %%zu\\n\", %d, (unsigned long long)(E%d), sizeof(struct s%d)); }\n", i, i, i)
	}
	c.WriteString("\treturn 0;\n}\n")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "e.h"), []byte(h.String()), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "e.c"), []byte(c.String()), 0o644))
	exe := filepath.Join(dir, "e")
	out, err := exec.Command(gcc, "-w", "-o", exe, filepath.Join(dir, "e.c")).CombinedOutput()
	require.NoError(t, err, "%s", out)
	run, err := exec.Command(exe).Output()
	require.NoError(t, err)
	theirs := map[int]string{}
	sc := bufio.NewScanner(strings.NewReader(string(run)))
	for sc.Scan() {
		var i int
		var rest string
		n, _ := fmt.Sscanf(sc.Text(), "%d", &i)
		require.Equal(t, 1, n)
		_, rest, _ = strings.Cut(sc.Text(), " ")
		theirs[i] = rest
	}
	for _, o := range got {
		assert.Equal(t, theirs[o.i], fmt.Sprintf("%d %d", uint64(o.v), o.size), exprs[o.i])
	}
	t.Logf("%d constants and array sizes agree with gcc, %d divide by zero", len(got), errs)
}
