package cexpr

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func evalIn(t *testing.T, prof *Profile, vars []genVar, src string) (Value, *Program[vframe], error) {
	t.Helper()
	x, err := Parse("t.h", src)
	require.NoError(t, err, src)
	h := fuzzHost{varHost{vars: vars}}
	p, err := Check(x.X, prof, Host[vframe](h))
	if err != nil {
		return Value{}, nil, err
	}
	f := h.frame()
	v, err := p.Eval(f)
	if err == nil {
		err = f.err
	}
	// the closures say the same
	fc := h.frame()
	got := runCompiled(p, fc)
	if err == nil {
		assert.Equal(t, describe(v), describe(got), src)
	} else if assert.Error(t, fc.err, src) {
		assert.Equal(t, err.Error(), fc.err.Error(), src)
	}
	return v, p, err
}

// TestLengthsTrap: in array lengths, a result its type cannot hold is an
// error (C would wrap an unsigned one), and so is a shift out of range.
func TestLengthsTrap(t *testing.T) {
	vars := []genVar{
		{name: "n", t: UInt, v: 0x40000000},
		{name: "small", t: UInt, v: 3},
		{name: "big", t: Long, v: 1 << 32},
		{name: "neg", t: Int, v: -2},
	}
	for _, src := range []string{"n * 4", "small - 5", "-small", "big * big", "n << 2", "neg * 0x7fffffff * 2",
		"(-2147483647 - 1) / -1"} {
		_, _, err := evalIn(t, Lengths, vars, src)
		assert.ErrorIs(t, err, ErrOverflow, src)
		// C wraps instead
		_, _, err = evalIn(t, C, vars, src)
		assert.NoError(t, err, src)
	}
	for _, src := range []string{"1 << 32", "n >> -1", "1u << 40"} {
		_, _, err := evalIn(t, Lengths, vars, src)
		assert.ErrorIs(t, err, ErrShift, src)
	}
	_, _, err := evalIn(t, Lengths, vars, "n / (small - 3)")
	assert.ErrorIs(t, err, ErrDivZero)
	assert.EqualError(t, err, "t.h:1:3: division by zero")
	for src, want := range map[string]int64{"n * 3": 3 << 30, "small - 3": 0, "big * 2": 1 << 33, "n << 1": 1 << 31,
		"neg * 4": -8, "(char)300": 44, "small ? n / small : 0": 0x40000000 / 3} {
		v, _, err := evalIn(t, Lengths, vars, src)
		require.NoError(t, err, src)
		assert.Equal(t, want, v.I, src)
	}
}

// TestDescriptions: text compares and has a truth, float times int is
// float, and errors wait until they are evaluated.
func TestDescriptions(t *testing.T) {
	vars := []genVar{{name: "vf", t: Float, f: 1.1}, {name: "vi", t: Long, v: 3}, {name: "vu", t: ULong, v: -1}}
	v, _, err := evalIn(t, Descriptions, vars, `s == "sda" && !!s && s != "x"`)
	require.NoError(t, err)
	assert.Equal(t, IntValue(Long, 1), v)

	v, _, err = evalIn(t, Descriptions, vars, "vf * vi")
	require.NoError(t, err)
	assert.Equal(t, Float, v.Type)
	assert.Equal(t, float64(float32(1.1)*3), v.F)

	v, _, err = evalIn(t, Descriptions, vars, "vu > 1 && vu / 2 == 9223372036854775807 && (vu >> 63) == 1")
	require.NoError(t, err)
	assert.Equal(t, int64(1), v.I, "uint64 compares, divides and shifts unsigned")

	v, _, err = evalIn(t, Descriptions, vars, "vi << 65") // count & 63
	require.NoError(t, err)
	assert.Equal(t, int64(6), v.I)

	// not taken: no error
	v, _, err = evalIn(t, Descriptions, vars, "vi > 5 ? nosuch + 1 : s + 1 == 0 ? 1 : 2")
	assert.EqualError(t, err, `t.h:1:25: operator + on text and an integer`)
	v, _, err = evalIn(t, Descriptions, vars, "vi < 5 ? vi : nosuch(1) / 0")
	require.NoError(t, err)
	assert.Equal(t, int64(3), v.I)
	_, _, err = evalIn(t, Descriptions, vars, "vi + nosuch")
	assert.EqualError(t, err, `t.h:1:6: unknown name "nosuch"`)
	_, _, err = evalIn(t, Descriptions, vars, "vi / (vi - 3)")
	assert.EqualError(t, err, `t.h:1:4: division by zero`)

	// the same in C is an error at once
	_, _, err = evalIn(t, C, vars, "vi < 5 ? vi : nosuch")
	assert.EqualError(t, err, `t.h:1:15: unknown name "nosuch"`)
}

// TestPreprocessorShifts: #if shifts as GCC's preprocessor does.
func TestPreprocessorShifts(t *testing.T) {
	for src, want := range map[string]int64{"1 << 64": 0, "-1 >> 70": -1, "256 << -4": 16, "1 >> -3": 8,
		"-1u >> 70": 0, "1 << 0xffffffffffffffffu": 0, "-16 >> 2": -4} {
		v, _, err := evalIn(t, Preprocessor, nil, src)
		require.NoError(t, err, src)
		assert.Equal(t, want, v.I, src)
	}
	_, _, err := evalIn(t, Preprocessor, nil, "0 && 1 / 0 || 1 ? 2 : 1 % 0")
	assert.NoError(t, err)
	_, _, err = evalIn(t, Preprocessor, nil, "1 && 1 / 0")
	assert.True(t, errors.Is(err, ErrDivZero))
	assert.EqualError(t, err, "t.h:1:8: division by zero in #if")
}
