package cstruct

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// typedefChain builds n typedefs, each an array of the one before, and a
// struct of the last, and n plain typedefs of int.
func typedefChain(n int) string {
	var b strings.Builder
	b.WriteString("typedef char A0[1];\ntypedef int T0;\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "typedef A%d A%d[1];\ntypedef T%d T%d;\n", i-1, i, i-1, i)
	}
	fmt.Fprintf(&b, "struct s { char c; A%d a; T%d t; };\n", n, n)
	return b.String()
}

// TestDeepTypes checks types nested through long typedef chains: sizes are
// right, the underlying type is found past any depth, and an array too
// large is refused rather than wrapped.
func TestDeepTypes(t *testing.T) {
	s, err := (&Config{Natural: true}).Parse("deep.h", []byte(typedefChain(3000)))
	require.NoError(t, err)
	st, err := s.Struct("s")
	require.NoError(t, err)
	assert.Equal(t, int64(8), st.Size())
	assert.Equal(t, int64(4), st.Fields[2].Offset)
	td, err := s.Lookup("T3000")
	require.NoError(t, err)
	_, ok := As[*Int](td)
	assert.True(t, ok, "T3000 is an int")
	a, err := s.Lookup("A3000")
	require.NoError(t, err)
	_, ok = As[*Array](a)
	assert.True(t, ok, "A3000 is an array")

	// 2^200 bytes, built a dimension at a time.
	_, err = Parse("big.h", []byte("struct s { char a"+strings.Repeat("[2]", 200)+"; };"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "array too large")

	// 2^61 bytes, built a struct at a time (each two of the one before):
	// offsets counted in bits would overflow; 2^40 bytes is the bound, as
	// for arrays.
	var src strings.Builder
	src.WriteString("struct s0 { int a; };\n")
	for i := 1; i <= 59; i++ {
		fmt.Fprintf(&src, "struct s%d { struct s%d x, y; };\n", i, i-1)
	}
	_, err = Parse("big.h", []byte(src.String()))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `big.h:40:28: struct too large: "y" ends at byte 2199023255552 (more than 2^40)`)
	s, err = Parse("big.h", []byte(src.String()[:strings.Index(src.String(), "struct s39 ")]))
	require.NoError(t, err)
	st, err = s.Struct("s38")
	require.NoError(t, err)
	assert.Equal(t, int64(1)<<40, st.Size())
}

// BenchmarkDeepTypes shows that typedef chains cost time linear in their
// length (each level was a walk down all levels before).
func BenchmarkDeepTypes(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		src := []byte(typedefChain(n))
		b.Run(fmt.Sprintf("levels=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse("deep.h", src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestPointerString checks the names of pointer types, which are built
// in a loop.
func TestPointerString(t *testing.T) {
	s, err := Parse("p.h", []byte("typedef int *P; struct s { int *a; void **b; P *c; int ***d; };"))
	require.NoError(t, err)
	st, err := s.Struct("s")
	require.NoError(t, err)
	var names []string
	for _, f := range st.Fields {
		names = append(names, f.Type.String())
	}
	assert.Equal(t, []string{"int32 *", "void * *", "P *", "int32 * * *"}, names)
	assert.Equal(t, "void *", (&Pointer{ByteSize: 8}).String())
}
