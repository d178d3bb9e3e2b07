package cstruct

import (
	"errors"
	"io"
	"testing"
)

// FuzzParse feeds arbitrary definition text: no panic, and every failure is
// a positioned error list.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"struct a { uint8 n; char s[n]; };",
		"#define N 4\n#if N > 2\nstruct b { int x[N]; int y:3, :0, z:2; };\n#endif",
		"enum e : uint16 { A, B = A + 3 }; flag f { X, Y };",
		"typedef struct { union { int a; char b[4]; }; } t, *pt;",
		"#pragma pack(push, 2)\nstruct p { char c; long l; } __attribute__((aligned(8)));\n#pragma pack(pop)",
		"struct c { char a[sizeof(int) * 2]; uint32 o[offsetof(struct c, a)]; };",
		"int f(int x) { return x; } struct d { wchar w[]; uleb128 n; };",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse("fuzz.h", []byte(src))
		if err != nil {
			var el ErrorList
			if !errors.As(err, &el) {
				t.Fatalf("error is %T, not ErrorList: %v", err, err)
			}
			return
		}
		for _, typ := range s.Types() {
			_, _ = Sizeof(typ)
			_ = typ.String()
		}
	})
}

const fuzzDefs = `
enum k : uint8 { A = 1, B = 2 };
flag fl : uint16 { F1, F2, F3 };
struct inner { uint8 n; uint16 v[n]; };
struct rec {
	uint16 count;
	k kind;
	fl flags;
	int8 bits:3, more:5;
	char name[];
	struct inner items[count % 4];
	uleb128 big;
	wchar w[2];
	float16 h;
	double d;
	uint8 rest[EOF];
};`

// FuzzUnpack decodes arbitrary bytes with a fixed, rich definition: no
// panic; an error exactly when the data is short or bad; and whatever
// decodes renders as JSON and packs back to the same bytes.
func FuzzUnpack(f *testing.F) {
	spec, err := Parse("fuzz.h", []byte(fuzzDefs))
	if err != nil {
		f.Fatal(err)
	}
	rec, _ := spec.Lookup("rec")
	f.Add([]byte("\x01\x00\x02\x03\x00\x41abc\x00\x02\x01\x00\x02\x00\x05a\x00b\x00\x00\x3c\x00\x00\x00\x00\x00\x00\xf0\x3f\xff"))
	f.Add([]byte{})
	f.Add([]byte("\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := spec.Unpack(rec, b)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error is %T, not *DecodeError: %v", err, err)
			}
			if de.Offset < 0 || de.Offset > int64(len(b)) {
				t.Fatalf("offset %d outside the input (%d bytes)", de.Offset, len(b))
			}
			_ = errors.Is(err, io.ErrUnexpectedEOF)
			return
		}
		_ = AppendJSON(nil, v)
		_ = v.String()
		out, err := spec.Pack(rec, v.Interface())
		if err != nil {
			t.Fatalf("pack: %v", err)
		}
		v2, err := spec.Unpack(rec, out)
		if err != nil {
			t.Fatalf("unpack of packed: %v", err)
		}
		if a, b := string(AppendJSON(nil, v)), string(AppendJSON(nil, v2)); a != b {
			t.Fatalf("round trip changed the value:\n%s\n%s", a, b)
		}
	})
}
