package cstruct

import (
	"encoding/binary"
	"math"
)

// x87 extended precision, the long double of x86 gcc: a 64-bit significand
// with an explicit integer bit, a 15-bit exponent and a sign, in the first
// 10 bytes of its 12 (i386) or 16 (x86-64); the rest is padding. Values
// convert to and from float64, rounding the significand to 53 bits.

// isFloat80 reports whether f is a long double.
func isFloat80(f *Float) bool { return f.ByteSize == 12 || f.ByteSize == 16 }

// float80 decodes the 10 significant bytes at the start of b (at its end
// when order is big-endian).
func float80(b []byte, order binary.ByteOrder) float64 {
	var mant uint64
	var se uint16
	if order == binary.BigEndian {
		n := len(b)
		se, mant = binary.BigEndian.Uint16(b[n-10:]), binary.BigEndian.Uint64(b[n-8:])
	} else {
		mant, se = binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint16(b[8:])
	}
	exp := int(se & 0x7fff)
	var f float64
	switch exp {
	case 0x7fff:
		if mant<<1 == 0 {
			f = math.Inf(1)
		} else {
			f = math.NaN()
		}
	case 0:
		f = math.Ldexp(float64(mant), -16382-63)
	default:
		f = math.Ldexp(float64(mant), exp-16383-63)
	}
	if se&0x8000 != 0 {
		f = -f
	}
	return f
}

// putFloat80 encodes f into b (zeroing the padding).
func putFloat80(b []byte, f float64, order binary.ByteOrder) {
	clear(b)
	var se uint16
	var mant uint64
	if math.Signbit(f) {
		se = 0x8000
		f = -f
	}
	switch {
	case math.IsNaN(f):
		se, mant = se|0x7fff, 0xC000000000000000
	case math.IsInf(f, 0):
		se, mant = se|0x7fff, 1<<63
	case f != 0:
		frac, e := math.Frexp(f) // f = frac·2^e, 0.5 ≤ frac < 1
		mant = uint64(math.Ldexp(frac, 64))
		se |= uint16(e - 1 + 16383)
	}
	if order == binary.BigEndian {
		n := len(b)
		binary.BigEndian.PutUint16(b[n-10:], se)
		binary.BigEndian.PutUint64(b[n-8:], mant)
		return
	}
	binary.LittleEndian.PutUint64(b, mant)
	binary.LittleEndian.PutUint16(b[8:], se)
}
