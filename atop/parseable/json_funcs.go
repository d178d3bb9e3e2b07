package parseable

import (
	"fmt"
	"strings"
)

// jsonsafe(s) is s with every '"' and '\' replaced by '#': atop's -J
// writes process names and command lines so (it escapes nothing else).
func fnJSONSafe(_ *env, a []value) (value, error) {
	s, ok := a[0].toStr()
	if !ok {
		return value{}, fmt.Errorf("of %s", a[0].kindName())
	}
	return strVal(strings.Map(jsonSafeRune, s)), nil
}

func jsonSafeRune(r rune) rune {
	if r == '"' || r == '\\' {
		return '#'
	}
	return r
}

// appendJSONSafe appends s as jsonsafe gives it.
func appendJSONSafe(dst, s []byte) []byte {
	for _, b := range s {
		if b == '"' || b == '\\' {
			b = '#'
		}
		dst = append(dst, b)
	}
	return dst
}

// jsonsafe compiles jsonsafe(x) of a text.
func (c *compiler) jsonsafe(x cx) cx {
	tx, s := x.tx, c.newScratch()
	r := txtCx(func(f *frame) []byte {
		b := appendJSONSafe(f.scratch[s][:0], tx(f))
		f.scratch[s] = b
		return b
	})
	r.ap = func(f *frame, dst []byte) []byte { return appendJSONSafe(dst, tx(f)) }
	return r
}
