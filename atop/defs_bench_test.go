package atop

import "testing"

// BenchmarkLoadLayout parses one version's definitions and finds its
// structs and fields, as the first Open of a log of that version does
// (loadLayout without its cache).
func BenchmarkLoadLayout(b *testing.B) {
	for _, v := range []Version{{2, 8}, {2, 13}} {
		b.Run(v.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseLayout("", nil, v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
