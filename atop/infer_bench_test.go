package atop

import (
	"bytes"
	"os"
	"testing"
)

// BenchmarkInfer measures inferring the limits of the odd build's log
// (testdata/atop/odd) next to opening a log of the default build:
//   - open-default: a 2.12 fixture, definitions parsed (no cache);
//   - open-odd-cold: the odd log with nothing cached: the base definitions,
//     the one resolution of the model, the search, and each candidate's
//     definitions and first samples;
//   - open-odd-warm: the odd log again in the same process (the model and
//     the layouts are cached, the samples are read again);
//   - model: the model alone (base definitions cached);
//   - search: the search alone, every tier.
func BenchmarkInfer(b *testing.B) {
	odd, err := os.ReadFile("../testdata/atop/odd/atop-2.12.1-maxintf512-maxlvm1024.raw")
	if err != nil {
		b.Fatal(err)
	}
	def, err := os.ReadFile("../testdata/atop/fixtures/atop-2.12.1-small.raw")
	if err != nil {
		b.Fatal(err)
	}
	open := func(b *testing.B, raw []byte) {
		r, err := NewReader(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		if len(r.Header().Inferred) == 0 && bytes.Equal(raw, odd) {
			b.Fatal("nothing inferred")
		}
	}
	flush := func() {
		layouts.Lock()
		layouts.m = nil
		layouts.Unlock()
		models.Lock()
		models.m = nil
		models.Unlock()
	}
	b.Run("open-default", func(b *testing.B) {
		for b.Loop() {
			flush()
			open(b, def)
		}
	})
	b.Run("open-odd-cold", func(b *testing.B) {
		for b.Loop() {
			flush()
			open(b, odd)
		}
	})
	b.Run("open-odd-warm", func(b *testing.B) {
		open(b, odd)
		for b.Loop() {
			open(b, odd)
		}
	})
	v := Version{2, 12}
	b.Run("model", func(b *testing.B) {
		if _, err := loadLayout("", nil, v); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := buildModel("", nil, v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("search", func(b *testing.B) {
		m, err := loadModel("", nil, v)
		if err != nil {
			b.Fatal(err)
		}
		want := sizes{szSStat: 1037392 - m.base[szSStat]}
		for b.Loop() {
			for _, tier := range searchTiers {
				for _, lv := range tier {
					m.search(want, lv)
				}
			}
		}
	})
}
