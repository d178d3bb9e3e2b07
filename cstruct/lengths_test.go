package cstruct

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBadLengths checks that a length that is negative, past int64 or
// overflows is a DecodeError with the field path, offset and value, on
// every path that computes lengths (Unpack, Plan.Layout and its fast
// paths), never an empty array.
func TestBadLengths(t *testing.T) {
	u64 := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	tests := []struct {
		def  string
		data []byte
		want string // the DecodeError's message after "(offset 0xN): "
	}{
		{"uint64 n; char a[n];", u64(1 << 63), "length n = 9223372036854775808: limit exceeded (more than int64)"},
		{"uint64 n; char a[n];", u64(math.MaxUint64), "length n = 18446744073709551615: limit exceeded (more than int64)"},
		{"int64 n; char a[n];", u64(math.MaxUint64), "length n = -1: negative length"},
		{"int32 n; uint16 a[n];", u32(0xfffffffe), "length n = -2: negative length"},
		{"uint32 n; char a[n - 5];", u32(3), "length n - 5: <t>:1:31: integer overflow in length"},
		{"int32 n; char a[n - 5];", u32(3), "length n - 5 = -2: negative length"},
		{"uint64 n; char a[n * n];", u64(1 << 32), "length n * n: <t>:1:31: integer overflow in length"},
		{"uint64 n; char a[n + 16];", u64(math.MaxUint64), "length n + 16: <t>:1:31: integer overflow in length"},
		{"uint64 n; char a[n * 1];", u64(1 << 63), "length n * 1 = 9223372036854775808: limit exceeded (more than int64)"},
	}
	for _, tt := range tests {
		t.Run(tt.def, func(t *testing.T) {
			spec, err := Parse("<t>", []byte("struct s { "+tt.def+" };"))
			require.NoError(t, err)
			typ, err := spec.Lookup("s")
			require.NoError(t, err)
			data := append(tt.data, make([]byte, 64)...)
			off := int64(len(tt.data))
			want := fmt.Sprintf("cstruct: decode %s at a (offset %#x): %s", typ.(*Struct).Fields[1].Type, off+100, tt.want)

			_, err = spec.UnpackWith(typ, data, Options{Base: 100})
			var de *DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "a", de.Path)
			assert.Equal(t, off+100, de.Offset)
			assert.EqualError(t, err, want)

			var lay Layout
			err = spec.Plan(typ, nil).Layout(data, 100, &lay)
			assert.EqualError(t, err, want, "Plan.Layout")
		})
	}
}

// fuzzLengths are length expressions over the fields a (uint64), b
// (int64), c (uint32) and d (int32), each with its value computed
// independently, in exact arithmetic after C's conversions of the operands
// (nil: undefined, a division by zero).
var fuzzLengths = []struct {
	expr  string
	exact func(a, b, c, d *big.Int) *big.Int
}{
	{"a", func(a, b, c, d *big.Int) *big.Int { return a }},
	{"b", func(a, b, c, d *big.Int) *big.Int { return b }},
	{"c", func(a, b, c, d *big.Int) *big.Int { return c }},
	{"d", func(a, b, c, d *big.Int) *big.Int { return d }},
	{"a + 16", func(a, b, c, d *big.Int) *big.Int { return add(a, big.NewInt(16)) }},
	{"b - 5", func(a, b, c, d *big.Int) *big.Int { return sub(b, big.NewInt(5)) }},
	{"c - 5", func(a, b, c, d *big.Int) *big.Int { return sub(c, big.NewInt(5)) }},
	{"d * 2", func(a, b, c, d *big.Int) *big.Int { return mul(d, big.NewInt(2)) }},
	{"c * c", func(a, b, c, d *big.Int) *big.Int { return mul(c, c) }},
	{"a * a", func(a, b, c, d *big.Int) *big.Int { return mul(a, a) }},
	{"a * c", func(a, b, c, d *big.Int) *big.Int { return mul(a, c) }},
	{"b * d", func(a, b, c, d *big.Int) *big.Int { return mul(b, d) }},
	{"b + d", func(a, b, c, d *big.Int) *big.Int { return add(b, d) }},
	// C converts d to unsigned int (modulo 2^32) before subtracting.
	{"c - d", func(a, b, c, d *big.Int) *big.Int { return sub(c, new(big.Int).Mod(d, big.NewInt(1<<32))) }},
	{"-d", func(a, b, c, d *big.Int) *big.Int { return new(big.Int).Neg(d) }},
	{"(c + 1) / 2", func(a, b, c, d *big.Int) *big.Int { return quo(add(c, big.NewInt(1)), big.NewInt(2)) }},
	{"a / c", func(a, b, c, d *big.Int) *big.Int { return quo(a, c) }},
	{"b / d", func(a, b, c, d *big.Int) *big.Int { return quo(b, d) }},
	{"c % 7", func(a, b, c, d *big.Int) *big.Int { return rem(c, big.NewInt(7)) }},
	{"d % 5", func(a, b, c, d *big.Int) *big.Int { return rem(d, big.NewInt(5)) }},
	{"c << 3", func(a, b, c, d *big.Int) *big.Int { return mul(c, big.NewInt(8)) }},
	{"a >> 60", func(a, b, c, d *big.Int) *big.Int { return new(big.Int).Rsh(a, 60) }},
	{"(c - 5) * 2 + 10", func(a, b, c, d *big.Int) *big.Int {
		return add(mul(sub(c, big.NewInt(5)), big.NewInt(2)), big.NewInt(10))
	}},
	{"b * 4 - d", func(a, b, c, d *big.Int) *big.Int { return sub(mul(b, big.NewInt(4)), d) }},
}

func add(x, y *big.Int) *big.Int { return new(big.Int).Add(x, y) }
func sub(x, y *big.Int) *big.Int { return new(big.Int).Sub(x, y) }
func mul(x, y *big.Int) *big.Int { return new(big.Int).Mul(x, y) }
func quo(x, y *big.Int) *big.Int {
	if y.Sign() == 0 {
		return nil
	}
	return new(big.Int).Quo(x, y) // truncated, as C divides
}
func rem(x, y *big.Int) *big.Int {
	if y.Sign() == 0 {
		return nil
	}
	return new(big.Int).Rem(x, y)
}

// FuzzLengthExpr decodes length expressions over fields of every width
// and signedness and checks the length against exact arithmetic: a decoded
// length is the exact value; an exact value that is negative or past the
// input is an error; one in range is decoded unless the C arithmetic
// overflows on the way. Unpack and Plan.Layout agree.
func FuzzLengthExpr(f *testing.F) {
	src := ""
	for i, l := range fuzzLengths {
		src += fmt.Sprintf("struct len%d { uint64 a; int64 b; uint32 c; int32 d; uint8 x[%s]; };\n", i, l.expr)
	}
	spec, err := Parse("len.h", []byte(src))
	if err != nil {
		f.Fatal(err)
	}
	seed := func(e int, a uint64, b int64, c uint32, d int32, tail int) {
		buf := binary.LittleEndian.AppendUint64(nil, a)
		buf = binary.LittleEndian.AppendUint64(buf, uint64(b))
		buf = binary.LittleEndian.AppendUint32(buf, c)
		buf = binary.LittleEndian.AppendUint32(buf, uint32(d))
		f.Add(uint8(e), append(buf, make([]byte, tail)...))
	}
	for e := range fuzzLengths {
		seed(e, 3, 3, 3, 3, 16)
		seed(e, 1<<63, -1, 1<<31, -2, 8)
		seed(e, math.MaxUint64, math.MinInt64, math.MaxUint32, math.MinInt32, 0)
		seed(e, 1<<32, 1<<32, 1<<16, 1<<16, 4)
		seed(e, 0, 5, 0, -5, 20)
	}
	f.Fuzz(func(t *testing.T, e uint8, data []byte) {
		if len(data) < 24 {
			return
		}
		l := fuzzLengths[int(e)%len(fuzzLengths)]
		typ, err := spec.Lookup(fmt.Sprintf("struct len%d", int(e)%len(fuzzLengths)))
		require.NoError(t, err)
		le := binary.LittleEndian
		a := new(big.Int).SetUint64(le.Uint64(data))
		b := big.NewInt(int64(le.Uint64(data[8:])))
		c := big.NewInt(int64(le.Uint32(data[16:])))
		d := big.NewInt(int64(int32(le.Uint32(data[20:]))))
		exact := l.exact(a, b, c, d)
		avail := big.NewInt(int64(len(data) - 24))

		v, err := spec.Unpack(typ, data)
		var lay Layout
		lerr := spec.Plan(typ, nil).Layout(data, 0, &lay)
		if (err == nil) != (lerr == nil) {
			t.Fatalf("%s: Unpack says %v, Plan.Layout %v", l.expr, err, lerr)
		}
		if err == nil {
			x, xerr := v.Lookup("x")
			if xerr != nil {
				t.Fatalf("%s: %v (%v)", l.expr, xerr, v)
			}
			if exact == nil || exact.Cmp(big.NewInt(int64(x.Len()))) != 0 {
				t.Fatalf("%s with a=%v b=%v c=%v d=%v: length %d, exact %v", l.expr, a, b, c, d, x.Len(), exact)
			}
			if got := lay.Size() - 24; got != int64(x.Len()) {
				t.Fatalf("%s: Plan.Layout size %d, Unpack length %d", l.expr, got, x.Len())
			}
			return
		}
		var de *DecodeError
		if !errors.As(err, &de) || de.Path != "x" || de.Offset != 24 {
			t.Fatalf("%s: not a DecodeError at x, offset 24: %v", l.expr, err)
		}
		if exact != nil && exact.Sign() >= 0 && exact.Cmp(avail) <= 0 {
			if msg := err.Error(); !containsAny(msg, "overflow", "shift") {
				t.Fatalf("%s with a=%v b=%v c=%v d=%v: exact %v fits %v bytes, but: %v", l.expr, a, b, c, d, exact, avail, err)
			}
		}
	})
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if len(sub) > 0 && len(s) >= len(sub) {
			for i := 0; i+len(sub) <= len(s); i++ {
				if s[i:i+len(sub)] == sub {
					return true
				}
			}
		}
	}
	return false
}
