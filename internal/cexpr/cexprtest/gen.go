// Package cexprtest writes random C expressions for the tests of the C
// expression engine and of its users, from fixed seeds.
package cexprtest

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Gen writes random C expressions: mixed widths and signedness, shifts,
// division and remainder of negative numbers, casts and ?:.
type Gen struct {
	r     *rand.Rand
	Casts bool          // casts to C's integer types (not in #if)
	Vars  []string      // names the expressions may read
	Lits  func() string // integer literals (nil: C literals of every base and suffix)
	Chars []string      // character literals (nil: a few with escapes)
	Shift int           // largest shift count written
	// Wrap, if set, renders each operand a second way (the twin text),
	// e.g. ((x)+0LL) to make C compute in 64 bits.
	Wrap func(string) string
}

var genInts = []uint64{0, 1, 2, 3, 7, 8, 31, 32, 63, 100, 127, 128, 255, 256, 1000, 32767, 32768, 65535, 65536,
	0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff}

// cLit is an integer literal of C, in any base and with any suffix.
func (g *Gen) cLit() string {
	v := genInts[g.r.IntN(len(genInts))]
	if g.r.IntN(3) == 0 {
		v = uint64(g.r.IntN(20))
	}
	var s string
	switch g.r.IntN(4) {
	case 0:
		s = fmt.Sprintf("%#x", v)
	case 1:
		if v != 0 {
			s = fmt.Sprintf("0%o", v)
			break
		}
		fallthrough
	default:
		s = fmt.Sprint(v)
	}
	suffix := []string{"", "", "", "u", "U", "l", "L", "ul", "UL", "ll", "LL", "ull", "lu"}[g.r.IntN(13)]
	if v > 0x7fffffffffffffff && s[0] != '0' && !strings.ContainsAny(suffix, "uU") {
		suffix += "u" // gcc warns on an unsuffixed decimal this large
	}
	return s + suffix
}

func (g *Gen) charLit() string {
	if g.Chars != nil {
		return g.Chars[g.r.IntN(len(g.Chars))]
	}
	return []string{"'a'", "'\\377'", "'\\n'", "'\\x7f'", "'\\0'", "'\\x80'", "' '"}[g.r.IntN(7)]
}

var genCasts = []string{"char", "signed char", "unsigned char", "short", "unsigned short", "int", "unsigned",
	"unsigned int", "long", "unsigned long", "long long", "unsigned long long", "_Bool"}

// genBinops has no shifts: their counts are literals (see expr), so that
// no shift is undefined unless asked for.
var genBinops = []string{"+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!=", "&", "^", "|", "&&", "||"}

// expr2 is a random expression and its twin text, where every operand
// goes through g.Wrap (the same text without wrap).
func (g *Gen) expr2(depth int) (string, string) {
	w := func(s string) string {
		if g.Wrap == nil {
			return s
		}
		return g.Wrap(s)
	}
	pair := func(a string) (string, string) { return a, w(a) }
	if depth <= 0 || g.r.IntN(5) == 0 {
		switch k := g.r.IntN(10); {
		case len(g.Vars) > 0 && k < 4:
			return pair(g.Vars[g.r.IntN(len(g.Vars))])
		case k == 4:
			return pair(g.charLit())
		case g.Lits != nil:
			return pair(g.Lits())
		}
		return pair(g.cLit())
	}
	sub := func() (string, string) { return g.expr2(depth - 1) }
	switch g.r.IntN(12) {
	case 0:
		op := []string{"-", "~", "!", "+"}[g.r.IntN(4)]
		x, y := sub()
		return op + "(" + x + ")", w(op + "(" + y + ")")
	case 1:
		if g.Casts {
			ct := genCasts[g.r.IntN(len(genCasts))]
			x, y := sub()
			return "(" + ct + ")(" + x + ")", w("(" + ct + ")(" + y + ")")
		}
		fallthrough
	case 2:
		c1, c2 := sub()
		a1, a2 := sub()
		b1, b2 := sub()
		return "(" + c1 + " ? " + a1 + " : " + b1 + ")", w("(" + c2 + " ? " + a2 + " : " + b2 + ")")
	case 3:
		op := []string{"<<", ">>"}[g.r.IntN(2)]
		n := fmt.Sprint(g.r.IntN(g.Shift + 1))
		x, y := sub()
		return "(" + x + " " + op + " " + n + ")", w("(" + y + " " + op + " " + n + ")")
	case 4:
		op := []string{"/", "%"}[g.r.IntN(2)]
		d := []string{"-3", "3", "-1", "7", "(-7)"}[g.r.IntN(5)]
		x, y := sub()
		return "(" + x + " " + op + " " + d + ")", w("(" + y + " " + op + " " + w(d) + ")")
	}
	op := genBinops[g.r.IntN(len(genBinops))]
	x1, x2 := sub()
	y1, y2 := sub()
	return "(" + x1 + " " + op + " " + y1 + ")", w("(" + x2 + " " + op + " " + y2 + ")")
}

// Exprs makes n expressions (and their twins) of the generator, from a
// fixed seed.
func Exprs(seed uint64, n int, g Gen) (exprs, twins []string) {
	g.r = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for range n {
		a, b := g.expr2(1 + g.r.IntN(4))
		exprs, twins = append(exprs, a), append(twins, b)
	}
	return exprs, twins
}

// KnownMismatches are the expressions on which the three old evaluators
// disagreed with gcc (issue 14): all have unsigned operands.
var KnownMismatches = []string{
	"-(65535u)",
	"(-(65535u)) ^ (-(256ul))",
	"-8 < (128L ? 255l : 5u)",
	"~7 >= (128 ? 256UL : 2u)",
	"-1 < 0u",
	"(0u - 1) / 2",
	"-1 > 4294967295u ? 1 : 2",
}
