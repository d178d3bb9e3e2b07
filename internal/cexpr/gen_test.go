package cexpr

import "github.com/cstructgo/cstruct/internal/cexpr/cexprtest"

// genVar is a variable of the runtime tests: its C declaration and value.
type genVar struct {
	name  string
	ctype string
	t     Type
	v     int64 // the bits, normalised to t
	f     float64
}

func varNames(vars []genVar) []string {
	names := make([]string, len(vars))
	for i, v := range vars {
		names[i] = v.name
	}
	return names
}

var (
	genExprs        = cexprtest.Exprs
	knownMismatches = cexprtest.KnownMismatches
)

type gen = cexprtest.Gen
