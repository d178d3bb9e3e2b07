package cstruct

import (
	"encoding/binary"
	"encoding/hex"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestV09PartialInit(t *testing.T) {
	s := load(t, Config{}, `struct test { uint8 a; uint8 b; };`)
	st, _ := s.Lookup("test")
	for _, tc := range []struct {
		in   map[string]any
		want string
	}{{nil, "0000"}, {map[string]any{"a": 1}, "0100"}, {map[string]any{"b": 1}, "0001"}} {
		out, err := s.Pack(st, tc.in)
		require.NoError(t, err)
		assert.Equal(t, tc.want, hex.EncodeToString(out))
	}
	_, err := s.Pack(st, map[string]any{"c": 1})
	assert.Error(t, err, "unknown field names are errors, not silently dropped")
}

func TestV10PerCallEndian(t *testing.T) {
	s := load(t, Config{}, `struct test { uint32 a; }; struct e { uint32 endian; };`)
	st, _ := s.Lookup("test")
	v, err := s.UnpackWith(st, unhex(t, "01020304"), Options{})
	require.NoError(t, err)
	assert.EqualValues(t, 0x04030201, get(t, v, "a").Int())
	v, err = s.UnpackWith(st, unhex(t, "01020304"), Options{Order: binary.BigEndian})
	require.NoError(t, err)
	assert.EqualValues(t, 0x01020304, get(t, v, "a").Int())
	e, _ := s.Lookup("e")
	v, err = s.UnpackWith(e, unhex(t, "45000000"), Options{Order: binary.BigEndian})
	require.NoError(t, err)
	assert.EqualValues(t, 0x45000000, get(t, v, "endian").Int())
}

func TestScalarStorageOrder(t *testing.T) {
	// a big-endian struct inside a little-endian one: gcc's attribute
	s := load(t, Config{}, `
struct __attribute__((scalar_storage_order("big-endian"))) be { uint16 x; uint32 y; };
struct mixed { uint16 le; struct be inner; uint16 le2; };`)
	v := unpack(t, s, "mixed", unhex(t, "0100 0002 00000003 0400"))
	assert.EqualValues(t, 1, get(t, v, "le").Int())
	assert.EqualValues(t, 2, get(t, v, "inner.x").Int())
	assert.EqualValues(t, 3, get(t, v, "inner.y").Int())
	assert.EqualValues(t, 4, get(t, v, "le2").Int())
	roundTrip(t, s, v)
}

func TestV32StructAfterBitfield(t *testing.T) {
	s := load(t, Config{}, `
struct inner { uint8 x; };
struct test { uint16 a:4; uint16 b:4; uint32 c; struct inner d; uint8 e:1; uint8 f:2; struct inner g; uint32 h; };`)
	st, _ := s.Lookup("test")
	assert.EqualValues(t, 2+4+1+1+1+4, st.Size())
	v := unpack(t, s, "test", unhex(t, "2100 0a000000 0b 05 0c 0d000000"))
	assert.EqualValues(t, 1, get(t, v, "a").Int())
	assert.EqualValues(t, 2, get(t, v, "b").Int())
	assert.EqualValues(t, 11, get(t, v, "d.x").Int())
	assert.EqualValues(t, 1, get(t, v, "e").Int())
	assert.EqualValues(t, 2, get(t, v, "f").Int())
	assert.EqualValues(t, 12, get(t, v, "g.x").Int())
	assert.EqualValues(t, 13, get(t, v, "h").Int())
}

func TestV49Defines(t *testing.T) {
	s := load(t, Config{}, "#define CONST 42\n#define EXPR (1 + 2 * 3)\n#define RAW somevalue\n#define STR \"hello\"\n"+
		"#define MULTILINE (1 + \\\n 2 + \\\n 3)\n#define FUNC(x) ( x == 0 )\n#define OCT 010\n#define SUFFIX 10UL\n"+
		"enum test { VAL1 = 1, VAL2 = 2 };\n#define FLAG_VAL3 VAL1 | VAL2\n#define SHIFT (1 << 1)\n")
	for name, want := range map[string]int64{"CONST": 42, "EXPR": 7, "MULTILINE": 6, "OCT": 8, "SUFFIX": 10, "FLAG_VAL3": 3, "SHIFT": 2} {
		got, ok := s.Const(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, got, name)
	}
	for _, name := range []string{"RAW", "STR", "FUNC"} {
		_, ok := s.Const(name)
		assert.False(t, ok, "%s is not an integer constant", name)
	}
	// macros are expanded where they are used, also function-like ones
	s = load(t, Config{}, "#define SQ(x) ((x) * (x))\n#define N SQ(3)\nstruct t { uint8 a[N]; uint8 b[SQ(2)]; };")
	st, _ := s.Lookup("t")
	assert.EqualValues(t, 13, st.Size())
}

func TestV50PreprocessorInStructBody(t *testing.T) {
	s := load(t, Config{}, `
#define VERSION 2
struct test {
	uint8 always_present;
#ifdef VERSION
	uint8 version;
#endif
#ifndef EXTRA
	uint8 basic;
#else
	uint8 extra;
#endif
#if VERSION >= 2 && !defined(NOBONUS)
	uint8 bonus;
#endif
#undef VERSION
#ifdef VERSION
	uint8 should_not_exist;
#endif
};`)
	st, _ := s.Struct("test")
	var names []string
	for _, f := range st.Fields {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"always_present", "version", "basic", "bonus"}, names)
	s = load(t, Config{Defines: map[string]string{"EXTRA": "", "NOBONUS": "1"}}, "struct t {\n#ifdef EXTRA\nuint8 extra;\n#endif\n#ifndef NOBONUS\nuint8 bonus;\n#endif\n};")
	st, _ = s.Struct("t")
	require.Len(t, st.Fields, 1)
	assert.Equal(t, "extra", st.Fields[0].Name)
}

func TestV51TypedefForms(t *testing.T) {
	s := load(t, Config{ABI: ABI{LongSize: 8, PointerSize: 1, TimeSize: 8, Int64Align: 8}}, `
struct a { uint8 x; };
typedef struct { uint16 y; } b;
typedef struct c { uint32 z; } d, e;
typedef struct _IMAGE_DATA_DIRECTORY { DWORD VirtualAddress; DWORD Size; } IMAGE_DATA_DIRECTORY, *PIMAGE_DATA_DIRECTORY;
typedef char uuid_t[16];
typedef uint32 *ptr;
struct holder { uuid_t uuid; ptr ptr; };`)
	for name, size := range map[string]int64{"a": 1, "b": 2, "struct c": 4, "d": 4, "e": 4, "IMAGE_DATA_DIRECTORY": 8, "PIMAGE_DATA_DIRECTORY": 1, "uuid_t": 16, "holder": 17} {
		typ, err := s.Lookup(name)
		require.NoError(t, err, name)
		assert.Equal(t, size, typ.Size(), name)
	}
	d, _ := s.Lookup("d")
	c, _ := s.Lookup("struct c")
	assert.Same(t, c, Underlying(d))
	v := unpack(t, s, "holder", append(unhex(t, strings.Repeat("01", 16)), 0x11))
	assert.EqualValues(t, 0x11, get(t, v, "ptr").Uint())
}

func TestV52MultiWordTypes(t *testing.T) {
	s := load(t, Config{}, `struct t { unsigned int a; unsigned long long b; long unsigned int c; signed char d; unsigned e; short int f; };`)
	st, _ := s.Struct("t")
	assert.EqualValues(t, 4+8+8+1+4+2, st.Size())
	_, err := Parse("x.h", []byte("struct t { unsigned long long unsigned a; };"))
	assert.ErrorContains(t, err, `unknown type "unsigned long long unsigned"`)
	// long double is x87 extended precision in 16 bytes (gcc, x86-64)
	s = load(t, Config{Natural: true}, "struct t { char c; long double x; };")
	st, _ = s.Struct("t")
	assert.EqualValues(t, 32, st.Size())
}

func TestHostileDefinitions(t *testing.T) {
	deep := strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000)
	_, err := Parse("deep.h", []byte("struct t { char a["+deep+"]; };"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deep.h:1:")
	_, err = Parse("big.h", []byte("struct t { char a[1L << 62]; };"))
	assert.ErrorContains(t, err, "too large")
	_, err = Parse("big.h", []byte("struct t { char a[1 << 62]; };")) // 1 is an int, as in C
	assert.ErrorContains(t, err, "shift count out of range")
	_, err = Parse("neg.h", []byte("struct t { char a[-1]; };"))
	assert.ErrorContains(t, err, "negative")
	var nested strings.Builder
	for i := 0; i < 5000; i++ {
		nested.WriteString("struct { ")
	}
	nested.WriteString("int x;")
	for i := 0; i < 5000; i++ {
		nested.WriteString(" } m;")
	}
	_, err = Parse("nest.h", []byte("struct t { "+nested.String()+" };"))
	assert.Error(t, err)
}

func TestDecodeLimits(t *testing.T) {
	s := load(t, Config{Limits: Limits{MaxElements: 10}}, `struct t { uint32 n; uint8 d[n]; }; struct z { uint8 x[]; };`)
	st, _ := s.Lookup("t")
	_, err := s.Unpack(st, append(unhex(t, "0b000000"), make([]byte, 20)...))
	assert.ErrorIs(t, err, ErrLimit)
	z, _ := s.Lookup("z")
	_, err = s.Unpack(z, []byte(strings.Repeat("a", 20)+"\x00"))
	assert.ErrorIs(t, err, ErrLimit)
	// a hostile length with little data is an EOF error, never an allocation
	s = load(t, Config{}, `struct t { uint32 n; uint64 d[n]; };`)
	st, _ = s.Lookup("t")
	_, err = s.Unpack(st, unhex(t, "ffffffff 0000"))
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "d", de.Path)
	assert.EqualValues(t, 4, de.Offset)
}

func TestRealHeaderConstructs(t *testing.T) {
	s := load(t, Config{Natural: true}, `
#ifndef GUARD_H
#define GUARD_H 1
#include <stdint.h>
#include <sys/types.h>
struct node;                                  /* forward declaration */
typedef struct node node_t;
extern int process(const struct node *n, size_t len);   // prototype: skipped
static inline int twice(int x) { return x * 2; }         // body: skipped
enum color { RED, GREEN = 4, BLUE };
struct node {
	const volatile uint32_t id;
	enum color c;
	struct node *next;                        /* self reference through a pointer */
	struct stats { long hits; int misses; } stats;  /* nested named definition */
	union { float f; int i; } u __attribute__((aligned(16)));
	unsigned long flags;
	_Bool ok;
	node_t *prev;
	char name[];                              /* flexible array member */
};
struct uses { struct stats s; enum color again; };      /* the nested tag is global, as in C */
#endif
`)
	st, err := s.Struct("node")
	require.NoError(t, err)
	// checked with gcc 12 (x86_64)
	assert.Equal(t, "id@0 c@4 next@8 stats@16 u@32 flags@40 ok@48 prev@56 name@64 size=64 align=16", offsets(t, s, "node"))
	assert.True(t, st.Flex)
	u, err := s.Struct("uses")
	require.NoError(t, err)
	assert.EqualValues(t, 24, u.Size())
	v, ok := s.Const("BLUE")
	assert.True(t, ok)
	assert.EqualValues(t, 5, v)
	_, err = s.Lookup("twice")
	assert.ErrorIs(t, err, ErrNotFound, "functions are not types")
	// embedding a struct that is only declared is an error with a position
	_, err = Parse("fwd.h", []byte("struct x;\nstruct y { struct x inner; };"))
	assert.ErrorContains(t, err, "fwd.h:2:")
}

func TestFlagJSON(t *testing.T) {
	s := load(t, Config{}, `flag F : uint8 { A = 1, B = 2 }; struct t { F f; };`)
	for in, want := range map[byte]string{3: `{"f":"A|B"}`, 2: `{"f":"B"}`, 0: `{"f":0}`, 11: `{"f":11}`} {
		v := unpack(t, s, "t", []byte{in})
		assert.Equal(t, want, string(AppendJSON(nil, v)), "%d", in)
		roundTrip(t, s, v)
	}
	name, ok := get(t, unpack(t, s, "t", []byte{11}), "f").EnumName()
	assert.True(t, ok)
	assert.Equal(t, "A|B|8", name, "the text form keeps the names and shows the rest")
}

func TestFlexibleArrayMember(t *testing.T) {
	s := load(t, Config{Natural: true}, `struct rec { int32 len; char name[]; };`)
	st, _ := s.Struct("rec")
	assert.EqualValues(t, 4, st.Size(), "sizeof leaves the flexible member out, as C does")
	for in, want := range map[string]string{"\x05\x00\x00\x00abc\x00zz": "abc", "\x05\x00\x00\x00": "", "\x05\x00\x00\x00abc": "abc"} {
		v := unpack(t, s, "rec", []byte(in))
		assert.Equal(t, want, get(t, v, "name").Text(), "%q", in)
	}
	// in dissect's packed mode "char name[]" is zero-terminated: a missing
	// terminator is an error
	p := load(t, Config{}, `struct rec { int32 len; char name[]; };`)
	rec, _ := p.Lookup("rec")
	_, err := p.Unpack(rec, []byte("\x05\x00\x00\x00abc"))
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
}
