package parseable

import (
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
)

// BenchmarkPrintLargeLog prints "-P ALL" for a 240-sample log of atop 2.8.1
// (testdata/atop/bench): the job of converting a day's log for scripts.
func BenchmarkPrintLargeLog(b *testing.B) {
	l, err := os.ReadFile("../../testdata/atop/bench/atop-2.8.1-large.raw")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(l)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := atop.NewReader(bytes.NewReader(l))
		if err != nil {
			b.Fatal(err)
		}
		if err := Print(io.Discard, r, Options{Labels: []string{"ALL"}, Location: time.UTC}); err != nil {
			b.Fatal(err)
		}
	}
}
