package parseable

import (
	"path"
	"testing"

	"github.com/cstructgo/cstruct/defs"
)

// BenchmarkLoadDesc reads and parses one version's line descriptions, as
// the first print of a log of that version does (descFor without its cache).
func BenchmarkLoadDesc(b *testing.B) {
	for _, v := range []string{"2.8", "2.13"} {
		b.Run(v, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := loadDesc(defs.Atop, path.Join("atop", v, DescFile)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
