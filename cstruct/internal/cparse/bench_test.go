package cparse

import (
	"io/fs"
	"testing"

	"github.com/cstructgo/cstruct/defs"
)

// BenchmarkPreprocessAtop preprocesses one atop version's definitions, the
// first step of loading them.
func BenchmarkPreprocessAtop(b *testing.B) {
	src, err := fs.ReadFile(defs.Atop, "atop/2.13/atop.h")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Preprocess("atop/2.13/atop.h", src, Options{FS: defs.Atop}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseAtop parses the preprocessed definitions of one atop
// version.
func BenchmarkParseAtop(b *testing.B) {
	src, err := fs.ReadFile(defs.Atop, "atop/2.13/atop.h")
	if err != nil {
		b.Fatal(err)
	}
	res, err := Preprocess("atop/2.13/atop.h", src, Options{FS: defs.Atop})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(res.Tokens); err != nil {
			b.Fatal(err)
		}
	}
}
