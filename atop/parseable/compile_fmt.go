package parseable

import (
	"math"
	"strconv"
)

// The printf conversions of a print line are specialised once, when the
// line is compiled: the common ones append straight to the line, and the
// rest (precision on integers, '+', ' ', '#', %x %o %e %g, widths on
// floats and text) keep conv.format, which is also the judge of the
// specialised ones (TestSpecialisedConv).

// intFmt is the specialised form of an integer conversion of c; ok is
// false when conv.format must do it.
func intFmt(c *conv) (fm fmtKind, pad *intPad, ok bool) {
	switch c.verb {
	case 'c':
		if c.width >= 0 {
			return 0, nil, false
		}
		return fC, nil, true
	case 'd', 'i':
		if c.plus || c.space || c.prec >= 0 {
			return 0, nil, false
		}
	case 'u':
		if c.prec >= 0 {
			return 0, nil, false
		}
	default:
		return 0, nil, false
	}
	unsigned := c.verb == 'u'
	bits := c.bits()
	if c.width >= 0 {
		return fPad, &intPad{bits: bits, unsigned: unsigned, width: c.width, minus: c.minus, zero: c.zero}, true
	}
	switch {
	case bits == 8 && unsigned:
		fm = fU8
	case bits == 8:
		fm = fD8
	case bits == 16 && unsigned:
		fm = fU16
	case bits == 16:
		fm = fD16
	case bits == 32 && unsigned:
		fm = fU32
	case bits == 32:
		fm = fD32
	case unsigned:
		fm = fU64
	default:
		fm = fD64
	}
	return fm, nil, true
}

// floatFmt is the precision of a %f that appendFloatF can do.
func floatFmt(c *conv) (prec int, ok bool) {
	if c.verb != 'f' || c.width >= 0 || c.plus || c.space {
		return 0, false
	}
	if c.prec < 0 {
		return 6, true
	}
	return c.prec, true
}

// textFmt is the precision of a %s that needs no padding (-1: none).
func textFmt(c *conv) (prec int, ok bool) {
	if c.verb != 's' || c.width >= 0 {
		return 0, false
	}
	return c.prec, true
}

// An intPad is %Nd, %0Nd or %-Nd (or u), of an integer of bits bits.
type intPad struct {
	bits        int
	unsigned    bool
	width       int
	minus, zero bool
}

func (p *intPad) append(dst []byte, x int64) []byte {
	var buf [24]byte
	var body []byte
	if p.unsigned {
		body = strconv.AppendUint(buf[:0], truncU(uint64(x), p.bits), 10)
	} else {
		body = strconv.AppendInt(buf[:0], signExtend(x, p.bits), 10)
	}
	pad := p.width - len(body)
	if pad <= 0 {
		return append(dst, body...)
	}
	switch {
	case p.minus:
		dst = append(dst, body...)
		return appendRepeat(dst, ' ', pad)
	case p.zero:
		if body[0] == '-' {
			dst = append(dst, '-')
			body = body[1:]
		}
		dst = appendRepeat(dst, '0', pad)
		return append(dst, body...)
	}
	dst = appendRepeat(dst, ' ', pad)
	return append(dst, body...)
}

func appendRepeat(dst []byte, c byte, n int) []byte {
	for range n {
		dst = append(dst, c)
	}
	return dst
}

// appendFloatF is %.Nf: glibc's rounding of the exact binary value (which
// strconv shares), and C's inf and nan.
func appendFloatF(dst []byte, f float64, prec int) []byte {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(dst, "-nan"...)
		}
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return strconv.AppendFloat(dst, f, 'f', prec, 64)
}
