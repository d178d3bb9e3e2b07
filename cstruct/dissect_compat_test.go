package cstruct

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnionPackRoundTrip: as in dissect, Pack writes the member that
// covers the union, so every union packs back to the bytes it was
// unpacked from (dissect's test_types_union cases, and harder ones).
func TestUnionPackRoundTrip(t *testing.T) {
	src := `
union u1 { uint32 a; char b[8]; };
union u2 { uint8 x; struct { uint16 p; uint16 q; } s; uint32 w; };
union u3 { uint16 small; struct { uint32 lo; uint32 hi; }; uint8 raw[6]; };
union u4 { uint8 bits:3; uint32 all; };
struct outer { uint8 tag; union u1 u; union { uint64 q; uint16 h[2]; } inner; };
`
	for _, cfg := range []Config{{}, {Natural: true}} {
		s, err := cfg.Parse("u.h", []byte(src))
		require.NoError(t, err)
		rng := rand.New(rand.NewPCG(1, 2))
		for _, name := range []string{"union u1", "union u2", "union u3", "union u4", "struct outer"} {
			if cfg.Natural && name == "struct outer" {
				continue // its padding holds no data to give back
			}
			typ, err := s.Lookup(name)
			require.NoError(t, err)
			for range 20 {
				b := make([]byte, typ.Size())
				for i := range b {
					b[i] = byte(rng.Uint32())
				}
				v, err := s.Unpack(typ, b)
				require.NoError(t, err)
				got, err := s.Pack(typ, v.Interface())
				require.NoError(t, err, name)
				assert.Equal(t, b, got, "%s natural=%v", name, cfg.Natural)
			}
		}
	}
	// one member given: that one is written
	s, err := Parse("u.h", []byte(src))
	require.NoError(t, err)
	u1, _ := s.Lookup("union u1")
	b, err := s.Pack(u1, map[string]any{"a": 0x04030201})
	require.NoError(t, err)
	assert.Equal(t, []byte{1, 2, 3, 4, 0, 0, 0, 0}, b)
}

// TestVoidArrayEmpty: void x[4] reads as an empty list (dissect's
// test_types_void) and takes no bytes.
func TestVoidArrayEmpty(t *testing.T) {
	s, err := Parse("v.h", []byte("struct v { uint8 a; void x[4]; uint8 b; };"))
	require.NoError(t, err)
	st, _ := s.Struct("v")
	assert.EqualValues(t, 2, st.Size())
	v, err := s.Unpack(st, []byte{1, 2})
	require.NoError(t, err)
	x, err := v.Lookup("x")
	require.NoError(t, err)
	assert.Equal(t, 0, x.Len())
	assert.Equal(t, map[string]any{"a": uint64(1), "x": []any{}, "b": uint64(2)}, normalize(v.Interface()))
	b, err := s.Pack(st, v.Interface())
	require.NoError(t, err)
	assert.Equal(t, []byte{1, 2}, b)
}

// normalize turns Interface's integers into uint64 for comparison.
func normalize(x any) any {
	switch v := x.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := []any{}
		for _, e := range v {
			out = append(out, normalize(e))
		}
		return out
	case int64:
		return uint64(v)
	}
	return x
}

// TestEnumDigitNames: dissect accepts enum members named 32BIT; a number
// alone is still no name, and 3y is still a bad number elsewhere.
func TestEnumDigitNames(t *testing.T) {
	s, err := Parse("e.h", []byte("enum Mode : uint8 { 32BIT = 1, 64BIT, 16BIT_x = 7 };\nstruct h { Mode m; };"))
	require.NoError(t, err)
	for name, want := range map[string]int64{"32BIT": 1, "64BIT": 2, "16BIT_x": 7} {
		v, ok := s.Const(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, v)
	}
	st, _ := s.Struct("h")
	v, err := s.Unpack(st, []byte{2})
	require.NoError(t, err)
	m, _ := v.Lookup("m")
	assert.Contains(t, m.String(), "64BIT")

	_, err = Parse("e.h", []byte("enum E { 1 };"))
	assert.ErrorContains(t, err, `e.h:1:10: invalid enumerator name "1"`)
	_, err = Parse("e.h", []byte("struct s { char a[3y]; };"))
	assert.ErrorContains(t, err, `e.h:1:19: invalid integer constant "3y"`)
	_, err = Parse("e.h", []byte("struct s { char 3y; };"))
	assert.ErrorContains(t, err, `e.h:1:17: invalid integer constant "3y"`)
}

// TestCDeviations are the places where this package follows C, not
// dissect (listed in the package documentation).
func TestCDeviations(t *testing.T) {
	_, err := Parse("u.h", []byte("#undef NEVER_DEFINED\nstruct s { int a; };"))
	assert.NoError(t, err, "#undef of an undefined name is fine (dissect: an error)")

	s, err := Parse("p.h", []byte("#define X 1 + + 2\nstruct s { char a[X]; };"))
	require.NoError(t, err)
	x, _ := s.Const("X")
	assert.EqualValues(t, 3, x, "1 + + 2 is 3 (dissect: an error)")

	_, err = Parse("a.h", []byte("struct s { int argc; char argv[][argc]; };"))
	assert.Error(t, err, "char argv[][argc] is refused as C refuses it")

	_, err = Parse("i.h", []byte(`#include "missing.h"`+"\nstruct s { int a; };"))
	assert.ErrorContains(t, err, "missing.h", "a missing #include is an error (dissect: ignored)")
}

// TestStructBodySyntaxError: an error inside a struct body is reported at
// the offending token with what was expected there, not at the start of
// the file.
func TestStructBodySyntaxError(t *testing.T) {
	for src, want := range map[string]string{
		"struct a { int x; int y z; int w; };":                    `b.h:1:25: unexpected token "z" (expected ";")`,
		"struct a {\n int x;\n struct { int q; int r r; } n;\n};": `b.h:3:24: unexpected token "r" (expected ";")`,
		"\n\nunion u { char c; } ; struct b { int x int w; };":    `b.h:3:40: unexpected token "int" (expected ";")`,
		// the last member runs into the "}"; a later error comes after it
		"struct s { int i };":           `b.h:1:18: unexpected token "}" (expected ";")`,
		"struct { i };\nint *p;\nint q": `b.h:1:12: unexpected token "}" (expected ";")`,
	} {
		_, err := Parse("b.h", []byte(src))
		require.Error(t, err, src)
		assert.Equal(t, want, err.Error(), src)
	}
}
