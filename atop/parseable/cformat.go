package parseable

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A conv is one C printf conversion, as atop's parseable.c writes them:
// %[flags][width][.prec][length]verb with the verbs d i u x X c s f and %.
// The length modifier matters: like printf it decides to what C type the
// argument is converted before printing (%d of a long long prints its low
// 32 bits, %llu of -1 prints 18446744073709551615, %hd a short).
type conv struct {
	text   string // as written, for messages
	minus  bool   // '-': left-justify
	plus   bool   // '+'
	space  bool   // ' '
	zero   bool   // '0'
	alt    bool   // '#'
	width  int    // -1: none
	prec   int    // -1: none
	length string // "", "hh", "h", "l", "ll", "j", "z", "t", "L"
	verb   byte
}

// parseConv parses the conversion at the start of s (which starts with
// '%') and returns it with the number of bytes it took.
func parseConv(s string) (conv, int, error) {
	c := conv{width: -1, prec: -1}
	i := 1
flags:
	for i < len(s) {
		switch s[i] {
		case '-':
			c.minus = true
		case '+':
			c.plus = true
		case ' ':
			c.space = true
		case '0':
			c.zero = true
		case '#':
			c.alt = true
		default:
			break flags
		}
		i++
	}
	if i < len(s) && isDigit(s[i]) {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		c.width, _ = strconv.Atoi(s[i:j])
		i = j
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		c.prec, _ = strconv.Atoi(s[i:j]) // "%.f" is precision 0
		i = j
	}
	for _, l := range []string{"hh", "ll", "h", "l", "j", "z", "t", "L"} {
		if strings.HasPrefix(s[i:], l) {
			c.length = l
			i += len(l)
			break
		}
	}
	if i >= len(s) {
		return c, 0, fmt.Errorf("incomplete conversion %q", s)
	}
	c.verb = s[i]
	i++
	c.text = s[:i]
	switch c.verb {
	case 'd', 'i', 'u', 'x', 'X', 'o', 'c', 's', 'f', 'F', 'e', 'E', 'g', 'G':
	case '%':
		if i != 2 {
			return c, 0, fmt.Errorf("bad conversion %q", c.text)
		}
	default:
		return c, 0, fmt.Errorf("unsupported conversion %q", c.text)
	}
	return c, i, nil
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// bits is the width in bits of the C type the length modifier selects for
// an integer conversion (LP64).
func (c *conv) bits() int {
	switch c.length {
	case "hh":
		return 8
	case "h":
		return 16
	case "l", "ll", "j", "z", "t":
		return 64
	}
	return 32
}

// format appends the conversion of v to dst.
func (c *conv) format(dst []byte, v scalar) ([]byte, error) {
	var body string
	numeric := true
	switch c.verb {
	case '%':
		return append(dst, '%'), nil
	case 'd', 'i':
		n, ok := v.toInt()
		if !ok {
			return dst, fmt.Errorf("%s of %s", c.text, v.kindName())
		}
		n = signExtend(n, c.bits())
		body = c.intBody(strconv.FormatUint(absU(n), 10), n < 0)
	case 'u', 'x', 'X', 'o':
		n, ok := v.toInt()
		if !ok {
			return dst, fmt.Errorf("%s of %s", c.text, v.kindName())
		}
		u := truncU(uint64(n), c.bits())
		base := 10
		switch c.verb {
		case 'x', 'X':
			base = 16
		case 'o':
			base = 8
		}
		digits := strconv.FormatUint(u, base)
		if c.verb == 'X' {
			digits = strings.ToUpper(digits)
		}
		if c.alt && u != 0 {
			switch c.verb {
			case 'x':
				digits = "0x" + digits
			case 'X':
				digits = "0X" + digits
			case 'o':
				digits = "0" + digits
			}
		}
		body = c.intBody(digits, false)
	case 'c':
		n, ok := v.toInt()
		if !ok {
			return dst, fmt.Errorf("%s of %s", c.text, v.kindName())
		}
		body = string([]byte{byte(n)})
		numeric = false
	case 's':
		s, ok := v.toStr()
		if !ok {
			return dst, fmt.Errorf("%s of %s", c.text, v.kindName())
		}
		if c.prec >= 0 && len(s) > c.prec {
			s = s[:c.prec]
		}
		body = s
		numeric = false
	case 'f', 'F', 'e', 'E', 'g', 'G':
		f, ok := v.toFloat()
		if !ok {
			return dst, fmt.Errorf("%s of %s", c.text, v.kindName())
		}
		body = c.floatBody(f)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			numeric = false // C pads inf and nan with spaces, even with '0'
		}
	}
	pad := c.width - len(body)
	if pad <= 0 {
		return append(dst, body...), nil
	}
	switch {
	case c.minus:
		dst = append(dst, body...)
		return append(dst, strings.Repeat(" ", pad)...), nil
	case c.zero && numeric && !(c.prec >= 0 && strings.ContainsRune("diuxXo", rune(c.verb))):
		// zeros go after the sign or 0x prefix
		k := 0
		if k < len(body) && (body[0] == '-' || body[0] == '+' || body[0] == ' ') {
			k = 1
		}
		if (c.verb == 'x' || c.verb == 'X') && strings.HasPrefix(body[k:], "0") && len(body) > k+1 && (body[k+1] == 'x' || body[k+1] == 'X') {
			k += 2
		}
		dst = append(dst, body[:k]...)
		dst = append(dst, strings.Repeat("0", pad)...)
		return append(dst, body[k:]...), nil
	}
	dst = append(dst, strings.Repeat(" ", pad)...)
	return append(dst, body...), nil
}

// intBody applies the precision and the sign flags to the digits.
func (c *conv) intBody(digits string, neg bool) string {
	if c.prec >= 0 {
		if c.prec == 0 && digits == "0" {
			digits = ""
		}
		if len(digits) < c.prec {
			digits = strings.Repeat("0", c.prec-len(digits)) + digits
		}
	}
	switch {
	case neg:
		return "-" + digits
	case c.plus && (c.verb == 'd' || c.verb == 'i'):
		return "+" + digits
	case c.space && (c.verb == 'd' || c.verb == 'i'):
		return " " + digits
	}
	return digits
}

// floatBody formats like glibc: exact decimal rounding of the binary
// value (strconv does the same), "inf"/"nan" with their sign.
func (c *conv) floatBody(f float64) string {
	prec := c.prec
	if prec < 0 {
		prec = 6
	}
	var s string
	switch {
	case math.IsNaN(f):
		s = "nan"
		if math.Signbit(f) {
			s = "-nan"
		}
	case math.IsInf(f, 0):
		s = "inf"
		if f < 0 {
			s = "-inf"
		}
	default:
		switch c.verb {
		case 'f', 'F':
			s = strconv.FormatFloat(f, 'f', prec, 64)
		case 'e', 'E':
			s = cExp(strconv.FormatFloat(f, 'e', prec, 64))
		case 'g', 'G':
			s = cG(f, prec, c.alt)
		}
	}
	if c.verb == 'F' || c.verb == 'E' || c.verb == 'G' {
		s = strings.ToUpper(s)
	}
	if !strings.HasPrefix(s, "-") {
		if c.plus {
			s = "+" + s
		} else if c.space {
			s = " " + s
		}
	}
	return s
}

// cExp makes Go's exponent at least two digits, as C's ("1e+05", not "1e+5").
func cExp(s string) string {
	i := strings.LastIndexAny(s, "eE")
	if i < 0 || i+2 >= len(s) {
		return s
	}
	if len(s)-(i+2) < 2 {
		return s[:i+2] + "0" + s[i+2:]
	}
	return s
}

// cG is C's %g: %e or %f by the exponent, trailing zeros removed unless '#'.
func cG(f float64, prec int, alt bool) string {
	if prec == 0 {
		prec = 1
	}
	e := strconv.FormatFloat(f, 'e', prec-1, 64)
	exp, _ := strconv.Atoi(e[strings.LastIndexByte(e, 'e')+1:])
	var s string
	if exp < -4 || exp >= prec {
		s = e
		if !alt {
			m, x, _ := strings.Cut(s, "e")
			if strings.Contains(m, ".") {
				m = strings.TrimRight(strings.TrimRight(m, "0"), ".")
			}
			s = m + "e" + x
		}
		return cExp(s)
	}
	s = strconv.FormatFloat(f, 'f', prec-1-exp, 64)
	if !alt && strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func signExtend(n int64, bits int) int64 {
	if bits >= 64 {
		return n
	}
	shift := 64 - bits
	return n << shift >> shift
}

func truncU(u uint64, bits int) uint64 {
	if bits >= 64 {
		return u
	}
	return u & (1<<bits - 1)
}

func absU(n int64) uint64 {
	if n < 0 {
		return uint64(-n) // also right for math.MinInt64
	}
	return uint64(n)
}
