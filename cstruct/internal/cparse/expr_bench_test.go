package cparse

import (
	"testing"

	"github.com/alecthomas/participle/v2/lexer"
)

// BenchmarkParseExpr parses typical array sizes and macro values.
func BenchmarkParseExpr(b *testing.B) {
	for _, src := range []string{"MAXCPU", "(MAXCPU + 1) * 2", "sizeof(struct x) / 4 - 1"} {
		b.Run(src, func(b *testing.B) {
			lt, err := lexTokens("", []byte(src), 0)
			if err != nil {
				b.Fatal(err)
			}
			var ts []lexer.Token
			for _, t := range lt[:len(lt)-1] {
				ts = append(ts, t.Token)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseExpr(ts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
