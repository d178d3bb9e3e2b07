package cexpr

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNestingLimits(t *testing.T) {
	const n = 20_000
	for _, src := range []string{
		strings.Repeat("!", 400_000) + "1",
		strings.Repeat("(int)", 400_000) + "1",
		strings.Repeat("-", n) + "1",
		strings.Repeat("(", n) + "1" + strings.Repeat(")", n),
		"a" + strings.Repeat(".b", n),
		"a" + strings.Repeat("[0]", n),
		strings.Repeat("f(", n) + "1" + strings.Repeat(")", n),
		strings.Repeat("1 ? 2 : ", n) + "3",
		strings.Repeat("1 + ", n) + "1",
		strings.Repeat("sizeof ", n) + "x",
	} {
		_, err := Parse("deep.h", src)
		require.Error(t, err, src[:20])
		assert.True(t, errors.Is(err, ErrNesting), "%.20s: %v", src, err)
		assert.Regexp(t, `^deep\.h:1:\d+: nesting too deep`, err.Error())
	}
	// the limit itself is fine
	x, err := Parse("", strings.Repeat("!", DefaultLimits.Depth)+"1")
	require.NoError(t, err)
	v, err := Eval(x.X, C, BaseHost[struct{}]{})
	require.NoError(t, err)
	assert.EqualValues(t, 1, v.I)
}
