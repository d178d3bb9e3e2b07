package parseable

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
)

// BenchmarkPrintLargeLogJSON prints the large log (testdata/atop/bench)
// as -P ALL and as -J ALL side by side, as BenchmarkPrintLargeLog does:
// -J should cost about what -P costs. cpu-ns/sample is the process's CPU
// time (the wall time says little on a shared machine).
func BenchmarkPrintLargeLogJSON(b *testing.B) {
	l, err := os.ReadFile(benchLog)
	if err != nil {
		b.Skip(err)
	}
	for _, c := range []struct {
		name string
		json bool
	}{{"P", false}, {"J", true}} {
		b.Run(c.name, func(b *testing.B) {
			opts := Options{Labels: []string{"ALL"}, JSON: c.json, Location: time.UTC}
			var n int64
			print := func(w io.Writer) {
				r, err := atop.NewReader(bytes.NewReader(l))
				if err != nil {
					b.Fatal(err)
				}
				if err := Print(w, r, opts); err != nil {
					b.Fatal(err)
				}
			}
			cw := &byteCounter{}
			print(cw)
			n = cw.n
			b.SetBytes(int64(len(l)))
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				print(io.Discard)
			}
			b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N)/240, "cpu-ns/sample")
			b.ReportMetric(float64(n)/1e6, "MB-out")
		})
	}
}

// byteCounter counts what is written.
type byteCounter struct{ n int64 }

func (w *byteCounter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }
