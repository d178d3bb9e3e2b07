package cstruct

// Test vectors from dissect.cstruct's own suite (numbered V01… as in the
// project's reference notes), run against this implementation. Where
// dissect deviates from C, the test asserts C and says so.

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	require.NoError(t, err)
	return b
}

func load(t testing.TB, cfg Config, src string) *Spec {
	t.Helper()
	s, err := cfg.Parse("test.h", []byte(src))
	require.NoError(t, err)
	return s
}

func unpack(t testing.TB, s *Spec, typ string, b []byte) Value {
	t.Helper()
	ty, err := s.Lookup(typ)
	require.NoError(t, err)
	v, err := s.Unpack(ty, b)
	require.NoError(t, err)
	return v
}

func get(t testing.TB, v Value, path string) Value {
	t.Helper()
	f, err := v.Lookup(path)
	require.NoError(t, err)
	return f
}

// roundTrip checks that Interface → Pack reproduces the bytes.
func roundTrip(t testing.TB, s *Spec, v Value) {
	t.Helper()
	out, err := s.Pack(v.Type(), v.Interface())
	require.NoError(t, err)
	assert.Equal(t, hex.EncodeToString(v.Bytes()), hex.EncodeToString(out), "round trip")
}

func TestV01Readme(t *testing.T) {
	s := load(t, Config{}, `
#define SOME_CONSTANT 5
enum Example : uint16 { A, B = 0x5, C };
struct some_struct {
    uint8 field_1;
    char field_2[SOME_CONSTANT];
    char field_3[(field_1 & 1) * 5];
    Example field_4[2];
};`)
	v := unpack(t, s, "some_struct", append([]byte("\x01helloworld"), 0, 0, 6, 0))
	assert.EqualValues(t, 1, get(t, v, "field_1").Int())
	assert.Equal(t, "hello", get(t, v, "field_2").Text())
	assert.Equal(t, "world", get(t, v, "field_3").Text())
	assert.Equal(t, []any{"A", "C"}, get(t, v, "field_4").Interface())
	c, ok := s.Const("C")
	assert.True(t, ok)
	assert.EqualValues(t, 6, c)
	roundTrip(t, s, v)

	st, _ := s.Lookup("some_struct")
	out, err := s.Pack(st, map[string]any{"field_1": 5, "field_2": "lorem", "field_3": "ipsum", "field_4": []any{"B", "A"}})
	require.NoError(t, err)
	assert.Equal(t, append([]byte("\x05loremipsum"), 5, 0, 0, 0), out)
}

func TestV02Endianness(t *testing.T) {
	src := `struct test { DWORD a; QWORD b; };`
	for _, tc := range []struct {
		order binary.ByteOrder
		want  string
	}{
		{binary.BigEndian, "0badc0de00000000acce55ed"},
		{binary.LittleEndian, "dec0ad0bed55ceac00000000"},
	} {
		s := load(t, Config{ByteOrder: tc.order}, src)
		st, _ := s.Lookup("test")
		out, err := s.Pack(st, map[string]any{"a": 0x0BADC0DE, "b": 0xACCE55ED})
		require.NoError(t, err)
		assert.Equal(t, tc.want, hex.EncodeToString(out))
		v := unpack(t, s, "test", out)
		assert.EqualValues(t, 0x0BADC0DE, get(t, v, "a").Uint())
	}
}

func TestV03Simple(t *testing.T) {
	src := `struct test { char magic[4]; wchar wmagic[4]; uint8 a; uint16 b; uint32 c; char string[]; wchar wstring[]; };`
	le := load(t, Config{}, src)
	in := []byte("testt\x00e\x00s\x00t\x00\x01\x02\x03\x04\x05\x06\x07lalala\x00t\x00e\x00s\x00t\x00\x00\x00")
	require.Len(t, in, 36)
	v := unpack(t, le, "test", in)
	assert.Equal(t, "test", get(t, v, "magic").Text())
	assert.Equal(t, "test", get(t, v, "wmagic").Text())
	assert.EqualValues(t, 1, get(t, v, "a").Int())
	assert.EqualValues(t, 0x0302, get(t, v, "b").Int())
	assert.EqualValues(t, 0x07060504, get(t, v, "c").Int())
	assert.Equal(t, "lalala", get(t, v, "string").Text())
	assert.Equal(t, "test", get(t, v, "wstring").Text())
	assert.EqualValues(t, 7, get(t, v, "string").Size())
	assert.EqualValues(t, 10, get(t, v, "wstring").Size())
	assert.EqualValues(t, 36, v.Size())
	roundTrip(t, le, v)

	be := load(t, Config{ByteOrder: binary.BigEndian}, src)
	inBE := []byte("test\x00t\x00e\x00s\x00t\x01\x02\x03\x04\x05\x06\x07lalala\x00\x00t\x00e\x00s\x00t\x00\x00")
	v = unpack(t, be, "test", inBE)
	assert.Equal(t, "test", get(t, v, "wmagic").Text())
	assert.EqualValues(t, 0x0203, get(t, v, "b").Int())
	assert.EqualValues(t, 0x04050607, get(t, v, "c").Int())
	assert.Equal(t, "test", get(t, v, "wstring").Text())
	roundTrip(t, be, v)
}

func TestV04Expressions(t *testing.T) {
	s := load(t, Config{}, `#define const 1
struct test { uint8 flag; uint8 data_1[(flag & 1) * 4]; uint8 data_2[flag & (1 << 2)]; uint8 data_3[const]; };`)
	v := unpack(t, s, "test", unhex(t, "01 00 01 02 03 ff"))
	assert.Equal(t, []any{uint64(0), uint64(1), uint64(2), uint64(3)}, get(t, v, "data_1").Interface())
	assert.Equal(t, 0, get(t, v, "data_2").Len())
	assert.Equal(t, []any{uint64(255)}, get(t, v, "data_3").Interface())
	v = unpack(t, s, "test", unhex(t, "04 04 05 06 07 ff"))
	assert.Equal(t, 0, get(t, v, "data_1").Len())
	assert.Equal(t, []any{uint64(4), uint64(5), uint64(6), uint64(7)}, get(t, v, "data_2").Interface())
	roundTrip(t, s, v)
}

func TestV05Nested(t *testing.T) {
	in := append([]byte("zomg"), unhex(t, "39050000 28230000")...)
	in = append(in, "deadbeef"...)
	named := load(t, Config{}, `struct test { char magic[4]; struct { uint32 a; uint32 b; } a; struct { char c[8]; } b; };`)
	v := unpack(t, named, "test", in)
	assert.EqualValues(t, 20, v.Size())
	assert.EqualValues(t, 1337, get(t, v, "a.a").Int())
	assert.EqualValues(t, 9000, get(t, v, "a.b").Int())
	assert.Equal(t, "deadbeef", get(t, v, "b.c").Text())
	roundTrip(t, named, v)

	anon := load(t, Config{}, `struct test { char magic[4]; struct { uint32 a; uint32 b; }; struct { char c[8]; }; };`)
	v = unpack(t, anon, "test", in)
	assert.EqualValues(t, 1337, get(t, v, "a").Int())
	assert.EqualValues(t, 9000, get(t, v, "b").Int())
	assert.Equal(t, "deadbeef", get(t, v, "c").Text())
	roundTrip(t, anon, v)
}

func TestV06WriteAnonymous(t *testing.T) {
	s := load(t, Config{}, `struct test { uint32 a; union { struct { uint16 b1; uint16 b2; }; uint32 b; }; uint32 c; };`)
	st, _ := s.Lookup("test")
	out, err := s.Pack(st, map[string]any{"a": 1, "c": 3})
	require.NoError(t, err)
	assert.Equal(t, "010000000000000003000000", hex.EncodeToString(out))
}

func TestV07Sizes(t *testing.T) {
	s := load(t, Config{}, `struct static { uint32 test; }; struct dynamic { uint32 test[]; };`)
	st, _ := s.Lookup("static")
	n, err := Sizeof(st)
	require.NoError(t, err)
	assert.EqualValues(t, 4, n)
	dy, _ := s.Lookup("dynamic")
	_, err = Sizeof(dy)
	assert.ErrorIs(t, err, ErrDynamicSize)
}

func TestV08Defaults(t *testing.T) {
	s := load(t, Config{ABI: ABI{LongSize: 8, PointerSize: 1, TimeSize: 8, Int64Align: 8}}, `
enum Enum { a = 0, b = 1 };
flag Flag { c = 0, d = 1 };
struct test {
    uint32 t_int; uint32 t_int_array[2]; uint24 t_bytesint; uint24 t_bytesint_array[2];
    char t_char; char t_char_array[2]; wchar t_wchar; wchar t_wchar_array[2];
    Enum t_enum; Enum t_enum_array[2]; Flag t_flag; Flag t_flag_array[2];
    uint8 *t_pointer; uint8 *t_pointer_array[2];
};
struct test_nested { test t; test t_arr[2]; };`)
	for name, size := range map[string]int{"test": 57, "test_nested": 171} {
		st, _ := s.Lookup(name)
		out, err := s.Pack(st, nil)
		require.NoError(t, err)
		assert.Len(t, out, size, name)
		assert.True(t, isZero(out))
	}
}

func TestV11EOF(t *testing.T) {
	s := load(t, Config{}, `struct test { uint32 a; uint32 b; }; struct list { uint8 x[]; };`)
	st, _ := s.Lookup("test")
	_, err := s.Unpack(st, nil)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	var de *DecodeError
	require.True(t, errors.As(err, &de))
	l, _ := s.Lookup("list")
	_, err = s.Unpack(l, []byte{1, 2})
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}

func TestV12V13StringArrays(t *testing.T) {
	s := load(t, Config{}, `struct args { uint32 argc; char argv[argc][]; };
struct args8 { uint32 argc; char argv[argc][8]; };`)
	v := unpack(t, s, "args", append(unhex(t, "02000000"), "hello\x00world\x00"...))
	assert.Equal(t, []any{"hello", "world"}, get(t, v, "argv").Interface())
	roundTrip(t, s, v)
	v = unpack(t, s, "args8", append(unhex(t, "04000000"), "lorem\x00\x00\x00ipsum\x00\x00\x00dolor\x00\x00\x00sit amet"...))
	assert.Equal(t, []any{"lorem", "ipsum", "dolor", "sit amet"}, get(t, v, "argv").Interface())
	roundTrip(t, s, v)
}

func TestV14V15MultiDim(t *testing.T) {
	s := load(t, Config{}, `struct a3 { uint8 a[2][2][2]; };
struct nested { uint8 outer; uint8 medior; uint8 inner; uint8 a[outer][medior][inner]; };`)
	v := unpack(t, s, "a3", unhex(t, "0102030405060708"))
	assert.EqualValues(t, 1, get(t, v, "a[0][0][0]").Int())
	assert.EqualValues(t, 6, get(t, v, "a[1][0][1]").Int())
	assert.EqualValues(t, 8, get(t, v, "a[1][1][1]").Int())
	roundTrip(t, s, v)
	v = unpack(t, s, "nested", unhex(t, "020103010203040506"))
	assert.Equal(t, []any{uint64(1), uint64(2), uint64(3)}, get(t, v, "a[0][0]").Interface())
	assert.Equal(t, []any{uint64(4), uint64(5), uint64(6)}, get(t, v, "a[1][0]").Interface())
	roundTrip(t, s, v)
}

func TestV16ToEOF(t *testing.T) {
	s := load(t, Config{}, `
enum Test : uint16 { A = 1 };
struct c { char data[EOF]; };
struct w { wchar data[EOF]; };
struct t16 { uint16 data[EOF]; };
struct t24 { uint24 data[EOF]; };
struct e { Test data[EOF]; };
struct named { uint8 EOF; char data[EOF]; uint8 remainder; };`)
	assert.Equal(t, "abc", get(t, unpack(t, s, "c", []byte("abc")), "data").Text())
	assert.Equal(t, "abc", get(t, unpack(t, s, "w", []byte("a\x00b\x00c\x00")), "data").Text())
	assert.Equal(t, []any{uint64(1), uint64(2)}, get(t, unpack(t, s, "t16", unhex(t, "01000200")), "data").Interface())
	assert.Equal(t, []any{uint64(1), uint64(2)}, get(t, unpack(t, s, "t24", unhex(t, "010000020000")), "data").Interface())
	assert.Equal(t, []any{"A"}, get(t, unpack(t, s, "e", unhex(t, "0100")), "data").Interface())
	v := unpack(t, s, "named", unhex(t, "016102"))
	assert.Equal(t, "a", get(t, v, "data").Text())
	assert.EqualValues(t, 2, get(t, v, "remainder").Int())
	roundTrip(t, s, v)
	// a trailing partial element is an error with an offset, not a silent cut
	u16, _ := s.Lookup("t16")
	_, err := s.Unpack(u16, unhex(t, "010002"))
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.EqualValues(t, 2, de.Offset)
}

func TestV17WritePadding(t *testing.T) {
	s := load(t, Config{}, `struct point { uint8 x; uint8 y; };
struct a2 { uint8 a[2]; }; struct a4 { uint8 a[4]; }; struct pts { point p[4]; };
struct c8 { char c[8]; }; struct c4 { char c[4]; }; struct w8 { wchar w[8]; };`)
	pack := func(name string, x any) ([]byte, error) {
		st, err := s.Lookup(name)
		require.NoError(t, err)
		return s.Pack(st, x)
	}
	_, err := pack("a2", map[string]any{"a": []int{1, 2, 3}})
	assert.Error(t, err)
	out, err := pack("a4", map[string]any{"a": []int{1, 2}})
	require.NoError(t, err)
	assert.Equal(t, "01020000", hex.EncodeToString(out))
	out, err = pack("pts", map[string]any{"p": []any{map[string]any{"x": 1, "y": 2}}})
	require.NoError(t, err)
	assert.Equal(t, "0102000000000000", hex.EncodeToString(out))
	out, err = pack("c8", map[string]any{"c": "hi"})
	require.NoError(t, err)
	assert.Equal(t, "hi\x00\x00\x00\x00\x00\x00", string(out))
	_, err = pack("c4", map[string]any{"c": "toolong"})
	assert.Error(t, err)
	out, err = pack("w8", map[string]any{"w": "hi"})
	require.NoError(t, err)
	assert.Equal(t, "h\x00i\x00"+strings.Repeat("\x00", 12), string(out))
}
