package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cappedWriter takes n bytes, then fails every Write.
type cappedWriter struct {
	n   int
	buf bytes.Buffer
}

var errFull = errors.New("reader gone")

func (w *cappedWriter) Write(p []byte) (int, error) {
	if w.buf.Len()+len(p) > w.n {
		return 0, errFull
	}
	return w.buf.Write(p)
}

// TestLayoutStreams: a struct of nested structs whose layout has 2^39
// rows (each level two members of the one below, 38 lines of text) is
// written row by row, never held, in the table and in JSON: a reader
// that goes away stops it, with the rows written so far correct.
func TestLayoutStreams(t *testing.T) {
	var src strings.Builder
	src.WriteString("struct s0 { int a; };\n")
	for i := 1; i <= 38; i++ {
		fmt.Fprintf(&src, "struct s%d { struct s%d x, y; };\n", i, i-1)
	}
	defs := filepath.Join(t.TempDir(), "deep.h")
	require.NoError(t, os.WriteFile(defs, []byte(src.String()), 0o644))
	for _, json := range []bool{false, true} {
		args := []string{"layout", "-f", defs, "-t", "s38"}
		if json {
			args = append(args, "--json")
		}
		w := &cappedWriter{n: 1 << 20}
		var stderr bytes.Buffer
		code := run(args, strings.NewReader(""), w, &stderr)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr.String(), "reader gone")
		out := w.buf.String()
		require.Greater(t, len(out), 1<<19, "the output was written as it was made")
		if json {
			assert.True(t, strings.HasPrefix(out, `{"type":"struct s38","size":1099511627776,"align":4,"fields":[{"offset":0,"size":549755813888,"type":"struct s37","path":"x"},`), out[:200])
			continue
		}
		lines := strings.Split(out, "\n")
		assert.Equal(t, "struct s38  size 1099511627776  align 4", lines[0])
		// depth-first: x, x.x, …, the 38th level's int, then its sibling y
		assert.Equal(t, "  0x0000       4  int32                    "+strings.Repeat("x.", 38)+"a", lines[39])
		assert.Equal(t, "  0x0004       4  struct s0                "+strings.Repeat("x.", 37)+"y", lines[40])
	}
}

// TestLayoutDiffBound: --diff holds the rows it compares, so a type with
// more than maxDiffRows of them is an error that says so, not a heap
// that grows with the tree.
func TestLayoutDiffBound(t *testing.T) {
	var src strings.Builder
	src.WriteString("struct s0 { int a; };\n")
	for i := 1; i <= 20; i++ {
		fmt.Fprintf(&src, "struct s%d { struct s%d x, y; };\n", i, i-1)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.h"), filepath.Join(dir, "b.h")
	require.NoError(t, os.WriteFile(a, []byte(src.String()), 0o644))
	require.NoError(t, os.WriteFile(b, []byte(src.String()+"struct t { struct s20 s; int z; };\n"), 0o644))
	_, stderr, code := runCLI(t, "", "layout", "--diff", a, b, "-t", "struct s20")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "struct s20 has more than 262144 members and holes (nested ones counted): too many to compare")
	out, stderr, code := runCLI(t, "", "layout", "--diff", a, b, "-t", "struct s10")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "struct s10: same layout (size 4096)")
}
