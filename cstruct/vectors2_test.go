package cstruct

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// offsets returns "name@off" for each field of a struct type.
func offsets(t testing.TB, s *Spec, name string) string {
	t.Helper()
	st, err := s.Struct(name)
	require.NoError(t, err)
	var parts []string
	for _, f := range st.Fields {
		p := f.Name + "@" + fmt.Sprint(f.Offset)
		if f.Offset < 0 {
			p = f.Name + "@?"
		}
		if f.BitSize > 0 {
			p += "." + fmt.Sprint(f.BitOffset)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " ") + " size=" + fmt.Sprint(st.ByteSize) + " align=" + fmt.Sprint(st.ByteAlign)
}

func TestV18V19AlignStruct(t *testing.T) {
	s := load(t, Config{Natural: true}, `
struct test { uint32 a; uint64 b; uint16 c; uint32 d; uint8 e; uint16 f; };
struct arr { uint32 a; uint64 b[4]; uint16 c; uint32 d[2]; uint64 e; };
struct packed_default { uint32 a; uint64 b; uint8 c; };`)
	assert.Equal(t, "a@0 b@8 c@16 d@20 e@24 f@26 size=32 align=8", offsets(t, s, "test"))
	assert.Equal(t, "a@0 b@8 c@40 d@44 e@56 size=64 align=8", offsets(t, s, "arr"))
	// each field holds its own offset: reading consumes exactly 32 bytes
	b := make([]byte, 40)
	for _, o := range []int{8, 16, 20, 24, 26} {
		b[o] = byte(o)
	}
	v := unpack(t, s, "test", b)
	assert.EqualValues(t, 32, v.Size())
	assert.EqualValues(t, 26, get(t, v, "f").Int())
	roundTrip(t, s, v)

	packed := load(t, Config{}, `struct t { uint32 a; uint64 b; uint8 c; };`)
	assert.Equal(t, "a@0 b@4 c@12 size=13 align=8", offsets(t, packed, "t"))
}

func TestV20AlignDynamic(t *testing.T) {
	s := load(t, Config{Natural: true}, `struct test { uint8 a; uint16 b[a]; uint32 c; uint64 d; uint8 e; uint32 f[e]; uint64 g; };`)
	assert.Equal(t, "a@0 b@2 c@? d@? e@? f@? g@? size=-1 align=8", offsets(t, s, "test"))
	in := unhex(t, "0600 0200040006000800 0a000c00 0000 10000000 00000000 1800000000000000 02000000 24000000 28000000 00000000 3000000000000000")
	require.Len(t, in, 56)
	v := unpack(t, s, "test", in)
	assert.EqualValues(t, 56, v.Size())
	assert.Equal(t, []any{uint64(2), uint64(4), uint64(6), uint64(8), uint64(10), uint64(12)}, get(t, v, "b").Interface())
	assert.EqualValues(t, 0x10, get(t, v, "c").Int())
	assert.EqualValues(t, 0x18, get(t, v, "d").Int())
	assert.EqualValues(t, 2, get(t, v, "e").Int())
	assert.Equal(t, []any{uint64(0x24), uint64(0x28)}, get(t, v, "f").Interface())
	assert.EqualValues(t, 0x30, get(t, v, "g").Int())
	roundTrip(t, s, v)
	// The padding is relative to the struct, not the input: at an odd
	// offset the same bytes decode the same (dissect gets this wrong).
	v2, err := s.UnpackWith(v.Type(), in, Options{Base: 1})
	require.NoError(t, err)
	assert.EqualValues(t, 0x30, get(t, v2, "g").Int())
}

func TestV21AlignBitfield(t *testing.T) {
	// dissect puts c in a new 8-aligned unit; gcc packs c and d into the
	// first 64-bit unit with a and b (checked with gcc 12 on x86_64): C wins.
	s := load(t, Config{Natural: true}, `struct test { uint16 a:4; uint16 b:4; uint64 c:4; uint64 d:4; uint16 e; uint32 f:4; uint64 g; };`)
	assert.Equal(t, "a@0.0 b@0.4 c@1.0 d@1.4 e@2 f@4.0 g@8 size=16 align=8", offsets(t, s, "test"))
	v := unpack(t, s, "test", unhex(t, "1221 1000 02000000 1800000000000000"))
	assert.EqualValues(t, 2, get(t, v, "a").Int())
	assert.EqualValues(t, 1, get(t, v, "b").Int())
	assert.EqualValues(t, 1, get(t, v, "c").Int())
	assert.EqualValues(t, 2, get(t, v, "d").Int())
	assert.EqualValues(t, 0x10, get(t, v, "e").Int())
	assert.EqualValues(t, 2, get(t, v, "f").Int())
	assert.EqualValues(t, 0x18, get(t, v, "g").Int())
	roundTrip(t, s, v)
}

func TestV22AlignPointer(t *testing.T) {
	s := load(t, Config{Natural: true}, `struct test { uint32 a; uint32 *b; uint16 c; uint16 d; };`)
	assert.Equal(t, "a@0 b@8 c@16 d@18 size=24 align=8", offsets(t, s, "test"))
}

func TestV23AlignUnion(t *testing.T) {
	s := load(t, Config{Natural: true}, `union u1 { uint32 a; uint64 b; }; union u2 { uint64 a; uint32 b[3]; };
struct n { uint32 a; struct { uint64 b; uint32 c; } nested; uint64 d; };`)
	v := unpack(t, s, "u1", unhex(t, "0000000100000002"))
	assert.EqualValues(t, 8, v.Size())
	assert.EqualValues(t, 0x01000000, get(t, v, "a").Int())
	assert.EqualValues(t, uint64(0x0200000001000000), get(t, v, "b").Uint())
	u2, _ := s.Lookup("u2")
	assert.EqualValues(t, 16, u2.Size())
	assert.Equal(t, "a@0 nested@8 d@24 size=32 align=8", offsets(t, s, "n"))
}

func TestV24V25Bitfields(t *testing.T) {
	s := load(t, Config{}, `struct test { uint16 a:4; uint16 b:4; uint16 c:4; uint16 d:4; uint32 e; uint16 f:2; uint16 g:3; uint32 h; };
struct cons { uint16 a:4; uint16 b:4; uint16 c:4; uint16 d:4; uint16 e:16; uint16 _pad1; uint16 f:2; uint16 g:3; uint16 h:11; uint16 _pad2; };`)
	v := unpack(t, s, "test", unhex(t, "1234ff0000001f0001000000"))
	assert.EqualValues(t, 12, v.Size())
	want := map[string]int64{"a": 2, "b": 1, "c": 4, "d": 3, "e": 0xff, "f": 3, "g": 7, "h": 1}
	for k, w := range want {
		assert.EqualValues(t, w, get(t, v, k).Int(), k)
	}
	roundTrip(t, s, v)
	// e:16 fills its own unit; _pad fields are ordinary members.
	c, _ := s.Lookup("cons")
	assert.EqualValues(t, 10, c.Size())
}

func TestV26V27BitfieldsBigEndian(t *testing.T) {
	s := load(t, Config{ByteOrder: binary.BigEndian}, `struct test { uint16 a:4; uint16 b:4; uint16 c:4; uint16 d:4; uint32 e; uint16 f:2; uint16 g:3; uint16 h:4; uint32 i; };`)
	v := unpack(t, s, "test", unhex(t, "1234000000ff1f0000000001"))
	want := map[string]int64{"a": 1, "b": 2, "c": 3, "d": 4, "e": 0xff, "f": 0, "g": 3, "h": 0b1110, "i": 1}
	for k, w := range want {
		assert.EqualValues(t, w, get(t, v, k).Int(), k)
	}
	roundTrip(t, s, v)

	src := `struct w { uint16 a:1; uint16 b:1; uint32 c; uint16 d:2; uint16 e:3; };`
	vals := map[string]any{"a": 1, "b": 1, "c": 0xff, "d": 3, "e": 7}
	for order, want := range map[binary.ByteOrder]string{binary.LittleEndian: "0300ff0000001f00", binary.BigEndian: "c0000000 00ff f800"} {
		s := load(t, Config{ByteOrder: order}, src)
		st, _ := s.Lookup("w")
		out, err := s.Pack(st, vals)
		require.NoError(t, err)
		assert.Equal(t, strings.ReplaceAll(want, " ", ""), hex.EncodeToString(out), order.String())
	}
}

func TestV28BitfieldStraddle(t *testing.T) {
	// dissect refuses; C starts a new unit, and so do we.
	s := load(t, Config{}, `struct test { uint16 a:12; uint16 b:12; };`)
	assert.Equal(t, "a@0.0 b@2.0 size=4 align=2", offsets(t, s, "test"))
	// a bit-field wider than its type is an error with a position
	_, err := (&Config{}).Parse("x.h", []byte("struct t {\n  uint8 a:9;\n};"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "x.h:2:")
}

func TestV29BitfieldEnumFlag(t *testing.T) {
	s := load(t, Config{ByteOrder: binary.BigEndian}, `flag Flag8 : uint8 { A = 1, B = 2 }; flag Flag16 : uint16 { A = 1, B = 2 };
struct test { uint16 a:1; uint16 b:1; Flag16 c:2; Flag8 d:4; };`)
	v := unpack(t, s, "test", unhex(t, "f00030"))
	assert.EqualValues(t, 1, get(t, v, "a").Int())
	assert.EqualValues(t, 1, get(t, v, "b").Int())
	assert.Equal(t, "A|B", get(t, v, "c").Interface())
	assert.Equal(t, "A|B", get(t, v, "d").Interface())
	roundTrip(t, s, v)
}

func TestV30V31BitfieldCharDynamic(t *testing.T) {
	s := load(t, Config{}, `struct test { uint16 a:4; uint16 b:4; char c:8; char d[4]; };
enum A : uint16 { A = 0 };
struct dyn { uint16 size:4; A b:4; char d[size]; };`)
	v := unpack(t, s, "test", append(unhex(t, "1200ff"), "i420"...))
	assert.EqualValues(t, 2, get(t, v, "a").Int())
	assert.EqualValues(t, 1, get(t, v, "b").Int())
	assert.EqualValues(t, -1, get(t, v, "c").Int(), "signed char bit-field sign-extends (dissect: 255)")
	assert.Equal(t, "i420", get(t, v, "d").Text())
	roundTrip(t, s, v)
	v = unpack(t, s, "dyn", append(unhex(t, "f400"), "help"...))
	assert.EqualValues(t, 4, get(t, v, "size").Int())
	assert.EqualValues(t, 0xf, get(t, v, "b").Int())
	assert.Equal(t, "help", get(t, v, "d").Text())
	roundTrip(t, s, v)
}

func TestV33V36Unions(t *testing.T) {
	s := load(t, Config{}, `union u { uint32 a; char b[8]; };
struct nested { char magic[4]; union { struct { uint32 a; uint32 b; } a; struct { char b[8]; } b; } c; };
typedef struct test { union { uint32 a; struct { char b[3]; char c; }; }; uint32 d; } test;
struct dynamic { uint8 size; char data[size]; };
union du { dynamic a; uint64 b; };`)
	v := unpack(t, s, "u", []byte("zomgbeef"))
	assert.EqualValues(t, 0x676D6F7A, get(t, v, "a").Int())
	assert.Equal(t, "zomgbeef", get(t, v, "b").Text())
	v = unpack(t, s, "nested", []byte("1337holybeef"))
	assert.EqualValues(t, 0x796C6F68, get(t, v, "c.a.a").Int())
	assert.EqualValues(t, 0x66656562, get(t, v, "c.a.b").Int())
	assert.Equal(t, "holybeef", get(t, v, "c.b.b").Text())
	v = unpack(t, s, "test", unhex(t, "0101020203030404"))
	assert.EqualValues(t, 0x02020101, get(t, v, "a").Int())
	assert.Equal(t, "\x01\x01\x02", get(t, v, "b").Text())
	assert.Equal(t, "\x02", get(t, v, "c").Text())
	assert.EqualValues(t, 0x04040303, get(t, v, "d").Int())
	v = unpack(t, s, "du", append([]byte{9}, "aaaaaaaaa"...))
	assert.EqualValues(t, 9, get(t, v, "a.size").Int())
	assert.Equal(t, "aaaaaaaaa", get(t, v, "a.data").Text())
	assert.EqualValues(t, uint64(0x6161616161616109), get(t, v, "b").Uint())
	assert.EqualValues(t, 10, v.Size())
}

func TestV38V42EnumsFlags(t *testing.T) {
	s := load(t, Config{}, `
enum Test16 : uint16 { A = 1, B = 2 };
enum Test24 : uint24 { A = 1, B = 2 };
enum Test32 : uint32 { A = 1, B = 2 };
struct test { Test16 a16; Test16 b16; Test24 a24; Test24 b24; Test32 a32; Test32 b32; Test16 l[2]; };
struct null { Test16 null[]; };
struct expr { uint16 size; Test16 expr[size * 2]; };
enum Inline { hello = 7, world, foo, bar };
enum Odd { a = 0, b, c, d = 5, e, f g };
enum test_ref { RA, RB = RA + 3, RC };
enum : uint32 { nElements = 4 };
struct arr { uint32 arr[nElements]; };
flag Fl { fa, fb, fc, fd };
flag FOdd { oa = 2, ob, oc, od = 32, oe, of, og };
enum Color : uint16 { RED = 1, GREEN = 2, BLUE = 3 };
struct pixel { uint8 x; uint8 y; Color color; uint32 hue; };`)
	v := unpack(t, s, "test", unhex(t, "01000200 010000 020000 01000000 02000000 01000200"))
	assert.Equal(t, map[string]any{"a16": "A", "b16": "B", "a24": "A", "b24": "B", "a32": "A", "b32": "B", "l": []any{"A", "B"}}, v.Interface())
	roundTrip(t, s, v)
	assert.Equal(t, []any{"A", "B"}, get(t, unpack(t, s, "null", unhex(t, "010002000000")), "null").Interface())
	assert.Equal(t, []any{"A", "B"}, get(t, unpack(t, s, "expr", unhex(t, "010001000200")), "expr").Interface())
	for name, want := range map[string]int64{"hello": 7, "world": 8, "bar": 10, "a": 0, "c": 2, "d": 5, "e": 6, "f": 7, "g": 8,
		"RA": 0, "RB": 3, "RC": 4, "fa": 1, "fb": 2, "fc": 4, "fd": 8, "oa": 2, "ob": 4, "oc": 8, "od": 32, "oe": 64, "of": 128, "og": 256} {
		got, ok := s.Const(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, got, name)
	}
	arr, _ := s.Lookup("arr")
	assert.EqualValues(t, 16, arr.Size())
	v = unpack(t, s, "pixel", unhex(t, "ff0a0100aabbccdd"))
	name, ok := get(t, v, "color").EnumName()
	assert.True(t, ok)
	assert.Equal(t, "RED", name)
	v = unpack(t, s, "pixel", unhex(t, "0000ff00aabbccdd"))
	_, ok = get(t, v, "color").EnumName()
	assert.False(t, ok)
	assert.EqualValues(t, 255, get(t, v, "color").Interface(), "unknown values are kept as numbers")
	assert.Equal(t, `{"x":0,"y":0,"color":255,"hue":3721182122}`, string(AppendJSON(nil, v)))
}

func TestV43V44Pointers(t *testing.T) {
	abi := ABI{LongSize: 8, PointerSize: 2, TimeSize: 8, Int64Align: 8}
	s := load(t, Config{ABI: abi}, `struct ptrtest { uint32 *ptr1; uint32 *ptr2; };
struct node { uint16 data; node* next; };`)
	v := unpack(t, s, "ptrtest", unhex(t, "04000800 01020304 05060708"))
	assert.EqualValues(t, 4, get(t, v, "ptr1").Uint())
	assert.EqualValues(t, 8, get(t, v, "ptr2").Uint())
	assert.EqualValues(t, 4, v.Size())
	v = unpack(t, s, "node", unhex(t, "01000400"))
	assert.EqualValues(t, 4, get(t, v, "next").Uint())
}

func TestV45LEB128(t *testing.T) {
	s := load(t, Config{}, `struct u { uleb128 n; }; struct i { ileb128 n; };
struct lp { uleb128 len; char data[len]; }; struct list { uleb128 numbers[]; };`)
	for _, tc := range []struct {
		in   string
		u, i int64
	}{{"02", 2, 2}, {"8b25", 4747, 4747}, {"c98fb006", 13371337, 13371337}, {"7e", 126, -2}, {"f55a", 11637, -4747}, {"ded6cf7c", 261352286, -7083170}} {
		u := unpack(t, s, "u", unhex(t, tc.in))
		assert.Equal(t, tc.u, get(t, u, "n").Int(), tc.in)
		roundTrip(t, s, u)
		i := unpack(t, s, "i", unhex(t, tc.in))
		assert.Equal(t, tc.i, get(t, i, "n").Int(), tc.in)
		roundTrip(t, s, i)
	}
	u, _ := s.Lookup("u")
	_, err := s.Pack(u, map[string]any{"n": -2})
	assert.Error(t, err)
	_, err = s.Unpack(u, unhex(t, "8b"))
	assert.Error(t, err)
	v := unpack(t, s, "lp", append(unhex(t, "af18"), strings.Repeat("A", 3119)...))
	assert.Len(t, get(t, v, "data").Text(), 3119)
	v = unpack(t, s, "list", unhex(t, "af188b25c98fb00600"))
	assert.Equal(t, []any{int64(3119), int64(4747), int64(13371337)}, get(t, v, "numbers").Interface())
}

func TestV46Scalars(t *testing.T) {
	s := load(t, Config{}, `struct a { uint24 x; }; struct b { int24 x; }; struct c { int24 x[4]; };
struct f { float16 a; float b; }; struct d { double x; }; struct big { int128 x; uint128 y; };`)
	assert.EqualValues(t, 0x414141, get(t, unpack(t, s, "a", []byte("AAA")), "x").Int())
	assert.EqualValues(t, -1, get(t, unpack(t, s, "b", unhex(t, "ffffff")), "x").Int())
	assert.EqualValues(t, 255, get(t, unpack(t, s, "b", unhex(t, "ff0000")), "x").Int())
	assert.Equal(t, []any{int64(-1), int64(-2), int64(-3), int64(-4)}, get(t, unpack(t, s, "c", unhex(t, "fffffffeffff fdfffffcffff")), "x").Interface())
	v := unpack(t, s, "f", unhex(t, "3639b1552447"))
	assert.Equal(t, 0.6513671875, get(t, v, "a").Float())
	assert.Equal(t, 42069.69140625, get(t, v, "b").Float())
	roundTrip(t, s, v)
	assert.Equal(t, 1.0, get(t, unpack(t, s, "d", unhex(t, "000000000000f03f")), "x").Float())
	bv := unpack(t, s, "big", append(unhex(t, strings.Repeat("ff", 16)), unhex(t, strings.Repeat("ff", 16))...))
	assert.Equal(t, "-1", get(t, bv, "x").BigInt().String())
	assert.Equal(t, "340282366920938463463374607431768211455", get(t, bv, "y").BigInt().String())
	assert.Equal(t, `{"x":-1,"y":340282366920938463463374607431768211455}`, string(AppendJSON(nil, bv)))
	roundTrip(t, s, bv)
	be := load(t, Config{ByteOrder: binary.BigEndian}, `struct a { uint24 x; };`)
	assert.EqualValues(t, 255, get(t, unpack(t, be, "a", unhex(t, "0000ff")), "x").Int())
	// overflow is an error, never a silent wrap
	for name, x := range map[string]any{"a": 1 << 24, "b": 8388608} {
		st, _ := s.Lookup(name)
		_, err := s.Pack(st, map[string]any{"x": x})
		assert.Error(t, err, name)
	}
	f, _ := s.Lookup("f")
	_, err := s.Pack(f, map[string]any{"a": 65520.0})
	assert.Error(t, err)
	nan := load(t, Config{}, `struct n { float a; double b; };`)
	nv := unpack(t, nan, "n", append(unhex(t, "0000c07f"), unhex(t, "000000000000f07f")...))
	assert.True(t, math.IsNaN(get(t, nv, "a").Float()))
	assert.Equal(t, `{"a":"NaN","b":"+Inf"}`, string(AppendJSON(nil, nv)))
}

func TestV47V48CharVoid(t *testing.T) {
	s := load(t, Config{}, `struct z { char s[]; }; struct e { char s[0]; }; struct w { wchar s[4]; };
struct v { void a; void b[4]; uint8 x; };`)
	v := unpack(t, s, "z", []byte("AAAA\x00"))
	assert.Equal(t, "AAAA", get(t, v, "s").Text())
	roundTrip(t, s, v)
	z, _ := s.Lookup("z")
	_, err := s.Unpack(z, []byte("AAAA"))
	assert.Error(t, err)
	assert.EqualValues(t, 0, unpack(t, s, "e", nil).Size())
	assert.Equal(t, "AAAA", get(t, unpack(t, s, "w", []byte("A\x00A\x00A\x00A\x00")), "s").Text())
	vv := unpack(t, s, "v", []byte{7})
	assert.EqualValues(t, 1, vv.Size())
	assert.EqualValues(t, 7, get(t, vv, "x").Int())
}

func TestV53Expressions(t *testing.T) {
	for expr, want := range map[string]int64{
		"7*8": 56, "3 / 2": 1, "5 % 3": 2, "0 - 1": -1, "0xf0 >> 4": 15, "0xf << 4": 0xf0, "1 ^ 3": 2, "1 | 2 | 4": 7,
		"1 & 1 * 4": 0, "(1 & 1) * 4": 4, "4 * 1 + 1": 5, "-42": -42, "42 + (-42)": 0, "A + B": 21, "~1": -2, "-~1": 2,
		"~(A + 5)": -14, "10ull": 10, "010ULL": 8, "0Xf0 >> 4": 15,
		// C semantics where dissect uses Python's floor division:
		"-7 / 2": -3, "-7 % 2": -1, "7 / -2": -3,
		// beyond dissect: comparisons, logic, ternary, char literals, casts
		"1 == 1": 1, "1 < 2 && 2 < 1": 0, "!0 || 0": 1, "A > B ? A : B": 13, "'A'": 65, "(unsigned char)257": 1, "(signed char)255": -1,
		"sizeof(uint32) * 2": 8, "offsetof(test, d)": 14, "sizeof(test)": 15,
	} {
		s, err := Parse("e.h", []byte("#define A 8\n#define B 13\nstruct test { uint32 a; uint64 b; uint16 c; uint8 d; };\n#define X ("+expr+")\n"))
		require.NoError(t, err, expr)
		got, ok := s.Const("X")
		if assert.True(t, ok, expr) {
			assert.Equal(t, want, got, expr)
		}
	}
	for _, bad := range []string{"1 / 0", "UNKNOWN", "sizeof(nope)", "1 +"} {
		_, err := Parse("e.h", []byte("struct t { char a["+bad+"]; };"))
		assert.Error(t, err, bad)
	}
}

func TestV54ErrorPositions(t *testing.T) {
	_, err := Parse("defs.h", []byte("#define A 1\n#define B 2\n69\n"))
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "defs.h:3:1: "), err.Error())
	_, err = Parse("defs.h", []byte("struct a {\n  uint32 x;\n  nosuchtype y;\n};\n"))
	require.Error(t, err)
	assert.Equal(t, `defs.h:3:3: unknown type "nosuchtype"`, err.Error())
	_, err = Parse("defs.h", []byte("struct a { uint8 n; char d[m]; };"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown identifier "m"`, "unresolved identifiers are errors at load time (dissect #163)")
}
