package main

import (
	"slices"
	"strings"
	"sync/atomic"

	"github.com/alecthomas/kong"
)

// -D and -U take effect in their command-line order, as gcc's do: after
// "-U X -D X=1" X is 1, after "-D X=1 -U X" it is gone (the predefined X
// too). kong gives the two flags apart, so each argument keeps its place.

// macroArg is one -D or -U argument and its place among them.
type macroArg struct {
	seq  int64
	text string
}

// macroSeq numbers the -D and -U arguments as kong decodes them, which
// it does in command-line order.
var macroSeq atomic.Int64

// macroArgs are the arguments of a repeatable -D or -U.
type macroArgs []macroArg

// Decode takes one argument (kong.MapperValue).
func (m *macroArgs) Decode(ctx *kong.DecodeContext) error {
	var s string
	if err := ctx.Scan.PopValueInto("value", &s); err != nil {
		return err
	}
	*m = append(*m, macroArg{seq: macroSeq.Add(1), text: s})
	return nil
}

// macroEffect is what defines and undefs leave, applied in order: the
// last one naming a macro decides it. A -D without "=" defines 1.
func macroEffect(defines, undefs macroArgs) (map[string]string, []string) {
	type op struct {
		macroArg
		undef bool
	}
	var ops []op
	for _, a := range defines {
		ops = append(ops, op{a, false})
	}
	for _, a := range undefs {
		ops = append(ops, op{a, true})
	}
	slices.SortStableFunc(ops, func(a, b op) int { return int(a.seq - b.seq) })
	defs := map[string]string{}
	gone := map[string]bool{}
	for _, o := range ops {
		if o.undef {
			delete(defs, o.text)
			gone[o.text] = true
			continue
		}
		name, value, ok := strings.Cut(o.text, "=")
		if !ok {
			value = "1"
		}
		defs[name] = value
		delete(gone, name)
	}
	var undefs2 []string
	for name := range gone {
		undefs2 = append(undefs2, name)
	}
	slices.Sort(undefs2)
	return defs, undefs2
}
