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
		v    scalar
		want string
	}{
		{"%d", intScalar(-2147483648), "-2147483648"},
		{"%d", intScalar(1 << 32), "0"},                 // an int gets the low 32 bits
		{"%d", intScalar(0x1_8000_0000), "-2147483648"}, // with their sign
		{"%lld", intScalar(-1), "-1"},
		{"%llu", intScalar(-1), "18446744073709551615"},
		{"%u", intScalar(-1), "4294967295"},
		{"%ld", intScalar(1795641188), "1795641188"},
		{"%hd", intScalar(0x12345), "9029"},
		{"%hd", intScalar(0xffff), "-1"},
		{"%x", intScalar(-268435412), "f000002c"},
		{"%x", intScalar(0x3a), "3a"},
		{"%c", intScalar('y'), "y"},
		{"%c", intScalar(0), "\x00"},
		{"%s", strScalar("vda"), "vda"},
		{"%s", strScalar(""), ""},
		{"%03d", intScalar(3), "003"},
		{"%03d", intScalar(1234), "1234"},
		{"%5d", intScalar(-3), "   -3"},
		{"%-4d", intScalar(7), "7   "},
		{"%.2f", floatScalar(2.975), "2.98"}, // 2.975 is 2.97500000000000008882 in binary
		{"%.2f", floatScalar(0.125), "0.12"}, // an exact tie goes to even
		{"%.2f", floatScalar(0.375), "0.38"},
		{"%.1f", float32Scalar(0.35), "0.3"}, // float 0.35 is 0.3499999940
		{"%.1f", floatScalar(0.05), "0.1"},   // double 0.05 is 0.05000000000000000277
		{"%.0f", floatScalar(0.5), "0"},
		{"%.0f", floatScalar(1.5), "2"},
		{"%.0f", floatScalar(2.5), "2"},
		{"%.0f", floatScalar(23.4), "23"},
		{"%3.1f", floatScalar(5), "5.0"},
		{"%3.1f", floatScalar(100), "100.0"},
		{"%6.1f", floatScalar(-1.25), "  -1.2"},
		{"%f", floatScalar(1.0 / 3), "0.333333"},
		{"%.2f", floatScalar(math.Inf(1)), "inf"},
		{"%.2f", floatScalar(math.Inf(-1)), "-inf"},
		{"%.2f", floatScalar(math.NaN()), "nan"},
		{"%.2f", floatScalar(math.Copysign(math.NaN(), -1)), "-nan"},
		{"%5.1f", floatScalar(math.NaN()), "  nan"},
		{"%e", floatScalar(12345.678), "1.234568e+04"},
		{"%g", floatScalar(0.0001), "0.0001"},
		{"%g", floatScalar(1e-5), "1e-05"},
		{"%g", floatScalar(123456789), "1.23457e+08"},
		{"%d", float32Scalar(2.9), "2"},
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
	_, err = cv.format(nil, strScalar("x"))
	assert.Error(t, err)
	cv, _, err = parseConv("%s")
	require.NoError(t, err)
	_, err = cv.format(nil, intScalar(1))
	assert.Error(t, err)
}

func floatScalar(f float64) scalar   { return scalar{k: kFloat, f: f} }
func float32Scalar(f float32) scalar { return scalar{k: kFloat, f: float64(f), f32: true} }
