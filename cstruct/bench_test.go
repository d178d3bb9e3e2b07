package cstruct

import (
	"fmt"
	"strings"
	"testing"
)

// bigDefinition builds about 1 MB of definition text: many structs with
// nested members, arrays, bit-fields, enums and macros.
func bigDefinition() []byte {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "#define LEN_%d (%d + 1)\n", i, i%16)
		fmt.Fprintf(&b, "enum kind_%d : uint16 { K%d_A, K%d_B = %d, K%d_C };\n", i, i, i, i, i)
		fmt.Fprintf(&b, "/* record %d */\nstruct rec_%d {\n\tuint32 id;\n\tkind_%d kind;\n\tchar name[LEN_%d];\n", i, i, i, i)
		fmt.Fprintf(&b, "\tstruct { int16 x, y; } pt[2];\n\tuint8 a:3, b:5;\n\tuint64 values[4];\n\tuint16 n;\n\tuint8 data[n];\n};\n")
	}
	return []byte(b.String())
}

func BenchmarkParse1MB(b *testing.B) {
	src := bigDefinition()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("big.h", src); err != nil {
			b.Fatal(err)
		}
	}
}

const benchDefs = `struct rec { uint64 id; uint32 a; int32 b; uint16 c; int16 d; uint8 e; int8 f; uint16 g;
uint64 h; int64 i; uint32 j; uint32 k; uint16 l; uint16 m; uint32 n; uint64 o; };
struct msg { uint32 id; uint16 len; char data[len]; };`

// BenchmarkUnpackStatic reads 64-byte records and one field of each, the
// workload dissect.cstruct's notes measure at about 5 µs per record.
func BenchmarkUnpackStatic(b *testing.B) {
	s, _ := Parse("b.h", []byte(benchDefs))
	rec, _ := s.Lookup("rec")
	buf := make([]byte, 64*1024)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		var sum uint64
		for off := 0; off < len(buf); off += 64 {
			v, err := s.Unpack(rec, buf[off:])
			if err != nil {
				b.Fatal(err)
			}
			f, _ := v.Field("id")
			sum += f.Uint()
		}
		_ = sum
	}
}

// BenchmarkUnpackDynamic reads length-prefixed records (char data[len]).
func BenchmarkUnpackDynamic(b *testing.B) {
	s, _ := Parse("b.h", []byte(benchDefs))
	msg, _ := s.Lookup("msg")
	var buf []byte
	for i := 0; i < 1000; i++ {
		n := i % 64
		buf = append(buf, byte(i), 0, 0, 0, byte(n), 0)
		buf = append(buf, make([]byte, n)...)
	}
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		for off := 0; off < len(buf); {
			v, err := s.Unpack(msg, buf[off:])
			if err != nil {
				b.Fatal(err)
			}
			off += int(v.Size())
		}
	}
}
