package main

import (
	"io"
	"testing"

	"github.com/alecthomas/kong"
)

// BenchmarkKongNew builds the command-line parser: the whole CLI, and the
// part that atop's spelling (cstruct atop -P LABELS -r FILE) reaches.
func BenchmarkKongNew(b *testing.B) {
	for _, c := range []struct {
		name string
		cli  func() any
	}{
		{"full", func() any { return new(CLI) }},
		{"parseable", func() any { return new(parseableCLI) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := kong.New(c.cli(), kong.Name("cstruct"), kong.Bind(&env{})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAtopP runs "cstruct atop -P CPU -r FILE" on a small log in
// process (with the definitions parsed once, by the first run).
func BenchmarkAtopP(b *testing.B) {
	args := []string{"atop", "-P", "CPU", "-r", atopFixture("2.8.1")}
	for b.Loop() {
		if code := run(args, nil, io.Discard, io.Discard); code != 0 {
			b.Fatal("exit status", code)
		}
	}
}
