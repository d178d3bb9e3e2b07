package cstruct

import (
	"bytes"
	"encoding/binary"
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

// records16 is 64 KiB of struct rec (16 mixed integers in 64 bytes).
func records16() []byte {
	buf := make([]byte, 64*1024)
	for i := range buf {
		buf[i] = byte(i*7 + i>>8)
	}
	return buf
}

// BenchmarkStruct16 reads every field of 64-byte records of 16 mixed
// integers: by hand with encoding/binary, through Accessors (the fastest
// general API), Scalars (the width known to the caller), and Value.
func BenchmarkStruct16(b *testing.B) {
	buf := records16()
	var sink uint64
	b.Run("handwritten", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		le := binary.LittleEndian
		for b.Loop() {
			var sum uint64
			for off := 0; off+64 <= len(buf); off += 64 {
				r := buf[off : off+64]
				sum += le.Uint64(r[0:]) + uint64(le.Uint32(r[8:])) + uint64(int32(le.Uint32(r[12:]))) +
					uint64(le.Uint16(r[16:])) + uint64(int16(le.Uint16(r[18:]))) + uint64(r[20]) + uint64(int8(r[21])) +
					uint64(le.Uint16(r[22:])) + le.Uint64(r[24:]) + uint64(int64(le.Uint64(r[32:]))) +
					uint64(le.Uint32(r[40:])) + uint64(le.Uint32(r[44:])) + uint64(le.Uint16(r[48:])) +
					uint64(le.Uint16(r[50:])) + uint64(le.Uint32(r[52:])) + le.Uint64(r[56:])
			}
			sink += sum
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(buf)/64), "ns/record")
	})
	s, err := Parse("b.h", []byte(benchDefs))
	if err != nil {
		b.Fatal(err)
	}
	rec, _ := s.Lookup("rec")
	names := strings.Fields("id a b c d e f g h i j k l m n o")
	var acc [16]Accessor
	for i, n := range names {
		if acc[i], err = s.Accessor(rec, n, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("cstruct", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		a0, a1, a2, a3, a4, a5, a6, a7 := acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7]
		a8, a9, a10, a11, a12, a13, a14, a15 := acc[8], acc[9], acc[10], acc[11], acc[12], acc[13], acc[14], acc[15]
		for b.Loop() {
			var sum uint64
			for off := 0; off+64 <= len(buf); off += 64 {
				r := buf[off : off+64]
				sum += a0.Uint(r) + a1.Uint(r) + a2.Uint(r) + a3.Uint(r) + a4.Uint(r) + a5.Uint(r) + a6.Uint(r) + a7.Uint(r) +
					a8.Uint(r) + a9.Uint(r) + a10.Uint(r) + a11.Uint(r) + a12.Uint(r) + a13.Uint(r) + a14.Uint(r) + a15.Uint(r)
			}
			sink += sum
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(buf)/64), "ns/record")
	})
	b.Run("scalar", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		u64 := func(p string) Scalar[uint64] { x, _ := ScalarOf[uint64](s, rec, p, nil); return x }
		u32 := func(p string) Scalar[uint32] { x, _ := ScalarOf[uint32](s, rec, p, nil); return x }
		u16 := func(p string) Scalar[uint16] { x, _ := ScalarOf[uint16](s, rec, p, nil); return x }
		id, a, bb, c, d, e, f, g := u64("id"), u32("a"), ScalarFor[int32](b, s, rec, "b"), u16("c"), ScalarFor[int16](b, s, rec, "d"), ScalarFor[uint8](b, s, rec, "e"), ScalarFor[int8](b, s, rec, "f"), u16("g")
		h, i, j, k, l, m, n, o := u64("h"), ScalarFor[int64](b, s, rec, "i"), u32("j"), u32("k"), u16("l"), u16("m"), u32("n"), u64("o")
		for b.Loop() {
			var sum uint64
			for off := 0; off+64 <= len(buf); off += 64 {
				r := buf[off : off+64]
				sum += id.Get(r) + uint64(a.Get(r)) + uint64(bb.Get(r)) + uint64(c.Get(r)) + uint64(d.Get(r)) + uint64(e.Get(r)) +
					uint64(f.Get(r)) + uint64(g.Get(r)) + h.Get(r) + uint64(i.Get(r)) + uint64(j.Get(r)) + uint64(k.Get(r)) +
					uint64(l.Get(r)) + uint64(m.Get(r)) + uint64(n.Get(r)) + o.Get(r)
			}
			sink += sum
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(buf)/64), "ns/record")
	})
	b.Run("value", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			var sum uint64
			for off := 0; off+64 <= len(buf); off += 64 {
				v, err := s.Unpack(rec, buf[off:off+64])
				if err != nil {
					b.Fatal(err)
				}
				for i := range 16 {
					_, f := v.FieldAt(i)
					sum += f.Uint()
				}
			}
			sink += sum
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(buf)/64), "ns/record")
	})
	_ = sink
}

// ScalarFor is ScalarOf for a benchmark: it fails b on an error.
func ScalarFor[T Number](b *testing.B, s *Spec, t Type, path string) Scalar[T] {
	x, err := ScalarOf[T](s, t, path, nil)
	if err != nil {
		b.Fatal(err)
	}
	return x
}

// dynRecords is 1000 records of struct { uint16 len; char data[len]; }.
func dynRecords() []byte {
	var buf []byte
	for i := 0; i < 1000; i++ {
		n := i % 64
		buf = append(buf, byte(n), 0)
		for j := range n {
			buf = append(buf, byte('a'+j%26))
		}
	}
	return buf
}

// BenchmarkDynamic walks length-prefixed records (uint16 len; char
// data[len]) and takes each one's data: by hand, and with a Plan, a reused
// Layout and an accessor.
func BenchmarkDynamic(b *testing.B) {
	buf := dynRecords()
	var sink int
	b.Run("handwritten", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			for off := 0; off < len(buf); {
				r := buf[off:]
				if len(r) < 2 {
					b.Fatal("short")
				}
				n := int(binary.LittleEndian.Uint16(r))
				if len(r) < 2+n {
					b.Fatal("short")
				}
				data := r[2 : 2+n]
				if i := bytes.IndexByte(data, 0); i >= 0 { // char data[]: text up to a NUL
					data = data[:i]
				}
				sink += len(data)
				off += 2 + n
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
	})
	s, err := Parse("b.h", []byte("struct msg { uint16 len; char data[len]; };"))
	if err != nil {
		b.Fatal(err)
	}
	msg, _ := s.Lookup("struct msg")
	b.Run("cstruct", func(b *testing.B) {
		sink += benchPlanRecords(b, s.Plan(msg, nil), buf)
	})
	b.Run("value", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			for off := 0; off < len(buf); {
				v, err := s.Unpack(msg, buf[off:])
				if err != nil {
					b.Fatal(err)
				}
				f, _ := v.Field("data")
				sink += len(f.Bytes())
				off += int(v.Size())
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
	})
	_ = sink
}

// benchPlanRecords reads the "data" field of every record of buf through
// a plan and a reused Layout, as a hot loop over dynamic records does; it
// returns the bytes read, for the caller's sink.
func benchPlanRecords(b *testing.B, plan *Plan, buf []byte) int {
	data, err := plan.Accessor("data")
	if err != nil {
		b.Fatal(err)
	}
	var lay Layout
	n := 0
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		for off := 0; off < len(buf); {
			r := buf[off:]
			if err := plan.Layout(r, 0, &lay); err != nil {
				b.Fatal(err)
			}
			n += len(data.BytesL(r, &lay))
			off += int(lay.Size())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
	return n
}
