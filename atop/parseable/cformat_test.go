package parseable

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The conversions follow C's printf (glibc): the length modifier converts
// the argument first, floats round the exact binary value half to even.
func TestConv(t *testing.T) {
	for _, c := range []struct {
		conv string
		v    value
		want string
	}{
		{"%d", intVal(-2147483648), "-2147483648"},
		{"%d", intVal(1 << 32), "0"},                 // an int gets the low 32 bits
		{"%d", intVal(0x1_8000_0000), "-2147483648"}, // with their sign
		{"%lld", intVal(-1), "-1"},
		{"%llu", intVal(-1), "18446744073709551615"},
		{"%u", intVal(-1), "4294967295"},
		{"%ld", intVal(1795641188), "1795641188"},
		{"%hd", intVal(0x12345), "9029"},
		{"%hd", intVal(0xffff), "-1"},
		{"%x", intVal(-268435412), "f000002c"},
		{"%x", intVal(0x3a), "3a"},
		{"%c", intVal('y'), "y"},
		{"%c", intVal(0), "\x00"},
		{"%s", strVal("vda"), "vda"},
		{"%s", strVal(""), ""},
		{"%03d", intVal(3), "003"},
		{"%03d", intVal(1234), "1234"},
		{"%5d", intVal(-3), "   -3"},
		{"%-4d", intVal(7), "7   "},
		{"%.2f", floatVal(2.975), "2.98"}, // 2.975 is 2.97500000000000008882 in binary
		{"%.2f", floatVal(0.125), "0.12"}, // an exact tie goes to even
		{"%.2f", floatVal(0.375), "0.38"},
		{"%.1f", float32Val(0.35), "0.3"}, // float 0.35 is 0.3499999940
		{"%.1f", floatVal(0.05), "0.1"},   // double 0.05 is 0.05000000000000000277
		{"%.0f", floatVal(0.5), "0"},
		{"%.0f", floatVal(1.5), "2"},
		{"%.0f", floatVal(2.5), "2"},
		{"%.0f", floatVal(23.4), "23"},
		{"%3.1f", floatVal(5), "5.0"},
		{"%3.1f", floatVal(100), "100.0"},
		{"%6.1f", floatVal(-1.25), "  -1.2"},
		{"%f", floatVal(1.0 / 3), "0.333333"},
		{"%.2f", floatVal(math.Inf(1)), "inf"},
		{"%.2f", floatVal(math.Inf(-1)), "-inf"},
		{"%.2f", floatVal(math.NaN()), "nan"},
		{"%.2f", floatVal(math.Copysign(math.NaN(), -1)), "-nan"},
		{"%5.1f", floatVal(math.NaN()), "  nan"},
		{"%e", floatVal(12345.678), "1.234568e+04"},
		{"%g", floatVal(0.0001), "0.0001"},
		{"%g", floatVal(1e-5), "1e-05"},
		{"%g", floatVal(123456789), "1.23457e+08"},
		{"%d", float32Val(2.9), "2"},
	} {
		cv, n, err := parseConv(c.conv + "rest")
		require.NoError(t, err, c.conv)
		assert.Equal(t, len(c.conv), n, c.conv)
		got, err := cv.format(nil, c.v)
		require.NoError(t, err, c.conv)
		assert.Equal(t, c.want, string(got), "%s of %+v", c.conv, c.v)
	}
}

func TestConvErrors(t *testing.T) {
	for _, bad := range []string{"%", "%l", "%q", "%5%", "%lk"} {
		_, _, err := parseConv(bad)
		assert.Error(t, err, bad)
	}
	cv, _, err := parseConv("%d")
	require.NoError(t, err)
	_, err = cv.format(nil, strVal("x"))
	assert.Error(t, err)
	cv, _, err = parseConv("%s")
	require.NoError(t, err)
	_, err = cv.format(nil, intVal(1))
	assert.Error(t, err)
}
