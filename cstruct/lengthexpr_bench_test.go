package cstruct

import "testing"

// BenchmarkDynamicExpr is BenchmarkDynamic with a length that is an
// expression (len * 2 / 2) rather than a lone field, so that the plan runs
// the compiled length closures; and the general decoder (Unpack) for
// comparison.
func BenchmarkDynamicExpr(b *testing.B) {
	buf := dynRecords()
	s, err := Parse("b.h", []byte("struct msg { uint16 len; char data[len * 2 / 2]; };"))
	if err != nil {
		b.Fatal(err)
	}
	msg, _ := s.Lookup("struct msg")
	var sink int
	b.Run("plan", func(b *testing.B) {
		sink += benchPlanRecords(b, s.Plan(msg, nil), buf)
	})
	b.Run("unpack", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for off := 0; off < len(buf); {
				v, err := s.Unpack(msg, buf[off:])
				if err != nil {
					b.Fatal(err)
				}
				sink += int(v.Size())
				off += int(v.Size())
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/record")
	})
	_ = sink
}
