package atop

import "encoding/binary"

// adlerMod is the Adler-32 modulus, the largest prime below 2¹⁶.
const adlerMod = 65521

// Masks that spread the bytes of a 64-bit word into 16-bit and 32-bit
// lanes.
const (
	lanes16 = 0x00ff00ff00ff00ff
	lanes32 = 0x0000ffff0000ffff
)

// adler32sum returns the Adler-32 checksum of p (RFC 1950), the same value as
// hash/adler32.Checksum, at several times its speed: it reads 8 bytes per
// step into independent lanes of two 64-bit words instead of adding byte
// after byte.
//
// Of a run of n bytes b[0..n) the checksum needs s1 = 1 + Σ b[t] and
// s2 = n + Σ (n-t)·b[t] (mod 65521). Within a group of 16 words the
// bytes of each word go into 16-bit lanes: e holds the bytes at even
// positions, o those at odd ones, and pe, po sum e and o as they were
// before each word, which gives the weights. After a group the lanes
// widen into 32-bit lanes (the group's bytes at each of the 8 positions
// of a word, and their prefix sums), and every 4096 words the sums are
// reduced modulo 65521.
func adler32sum(p []byte) uint32 {
	s1, s2 := uint64(1), uint64(0)
	for len(p) >= 8 {
		n := min(len(p)&^7, 4096*8)
		s1, s2 = adlerBlock(s1, s2, p[:n])
		p = p[n:]
	}
	for _, b := range p {
		s1 += uint64(b)
		s2 += s1
	}
	return uint32(s2%adlerMod)<<16 | uint32(s1%adlerMod)
}

// adlerBlock adds the bytes of b (a multiple of 8, at most 4096 words) to
// the sums s1 and s2 (below adlerMod) and returns them reduced.
//
// No lane can overflow. In a group of g ≤ 16 words each 16-bit lane gets
// one byte a word, at most 255·16, and its prefix sum at most
// 255·16·15/2 = 30600 < 2¹⁶. Over 4096 words a 32-bit lane holds at most
// 255·4096 and its prefix sum 255·4096·4095/2 < 2³².
func adlerBlock(s1, s2 uint64, b []byte) (uint64, uint64) {
	n := uint64(len(b))
	// 32-bit lanes: a0 = positions (0, 4), a1 = (2, 6), a2 = (1, 5),
	// a3 = (3, 7); q0…q3 their prefix sums over the words.
	var a0, a1, a2, a3, q0, q1, q2, q3 uint64
	for len(b) >= 8 {
		g := min(len(b)/8, 16)
		var e, o, pe, po uint64
		if g == 16 {
			e, o, pe, po = adlerGroup((*[128]byte)(b))
		} else {
			e, o, pe, po = adlerWords(b[:g*8])
		}
		b = b[g*8:]
		// The words before this group count g times more for each word
		// of it; then the group's own prefix sums.
		q0 += a0*uint64(g) + pe&lanes32
		q1 += a1*uint64(g) + pe>>16&lanes32
		q2 += a2*uint64(g) + po&lanes32
		q3 += a3*uint64(g) + po>>16&lanes32
		a0 += e & lanes32
		a1 += e >> 16 & lanes32
		a2 += o & lanes32
		a3 += o >> 16 & lanes32
	}
	lo := func(x uint64) uint64 { return x & 0xffffffff }
	hi := func(x uint64) uint64 { return x >> 32 }
	sum := lo(a0) + hi(a0) + lo(a1) + hi(a1) + lo(a2) + hi(a2) + lo(a3) + hi(a3)
	pre := lo(q0) + hi(q0) + lo(q1) + hi(q1) + lo(q2) + hi(q2) + lo(q3) + hi(q3)
	// Σ position·(bytes at that position), positions 0…7 in a word
	pos := 4*hi(a0) + 2*lo(a1) + 6*hi(a1) + 1*lo(a2) + 5*hi(a2) + 3*lo(a3) + 7*hi(a3)
	// Σ (n-t)·b[t] = 8·Σ_words (words left, this one included)·(word's bytes) - pos
	s2 += n*s1 + 8*(pre+sum) - pos
	s1 += sum
	return s1 % adlerMod, s2 % adlerMod
}

// adlerGroup sums the 16 words of b into 16-bit lanes: e the bytes at
// even positions, o at odd ones, pe and po their sums before each word.
func adlerGroup(b *[128]byte) (e, o, pe, po uint64) {
	x0 := binary.LittleEndian.Uint64(b[0:])
	pe += e
	po += o
	e += x0 & lanes16
	o += x0 >> 8 & lanes16
	x1 := binary.LittleEndian.Uint64(b[8:])
	pe += e
	po += o
	e += x1 & lanes16
	o += x1 >> 8 & lanes16
	x2 := binary.LittleEndian.Uint64(b[16:])
	pe += e
	po += o
	e += x2 & lanes16
	o += x2 >> 8 & lanes16
	x3 := binary.LittleEndian.Uint64(b[24:])
	pe += e
	po += o
	e += x3 & lanes16
	o += x3 >> 8 & lanes16
	x4 := binary.LittleEndian.Uint64(b[32:])
	pe += e
	po += o
	e += x4 & lanes16
	o += x4 >> 8 & lanes16
	x5 := binary.LittleEndian.Uint64(b[40:])
	pe += e
	po += o
	e += x5 & lanes16
	o += x5 >> 8 & lanes16
	x6 := binary.LittleEndian.Uint64(b[48:])
	pe += e
	po += o
	e += x6 & lanes16
	o += x6 >> 8 & lanes16
	x7 := binary.LittleEndian.Uint64(b[56:])
	pe += e
	po += o
	e += x7 & lanes16
	o += x7 >> 8 & lanes16
	x8 := binary.LittleEndian.Uint64(b[64:])
	pe += e
	po += o
	e += x8 & lanes16
	o += x8 >> 8 & lanes16
	x9 := binary.LittleEndian.Uint64(b[72:])
	pe += e
	po += o
	e += x9 & lanes16
	o += x9 >> 8 & lanes16
	x10 := binary.LittleEndian.Uint64(b[80:])
	pe += e
	po += o
	e += x10 & lanes16
	o += x10 >> 8 & lanes16
	x11 := binary.LittleEndian.Uint64(b[88:])
	pe += e
	po += o
	e += x11 & lanes16
	o += x11 >> 8 & lanes16
	x12 := binary.LittleEndian.Uint64(b[96:])
	pe += e
	po += o
	e += x12 & lanes16
	o += x12 >> 8 & lanes16
	x13 := binary.LittleEndian.Uint64(b[104:])
	pe += e
	po += o
	e += x13 & lanes16
	o += x13 >> 8 & lanes16
	x14 := binary.LittleEndian.Uint64(b[112:])
	pe += e
	po += o
	e += x14 & lanes16
	o += x14 >> 8 & lanes16
	x15 := binary.LittleEndian.Uint64(b[120:])
	pe += e
	po += o
	e += x15 & lanes16
	o += x15 >> 8 & lanes16
	return e, o, pe, po
}

// adlerWords is adlerGroup for fewer words.
func adlerWords(b []byte) (e, o, pe, po uint64) {
	for i := 0; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		pe += e
		po += o
		e += x & lanes16
		o += x >> 8 & lanes16
	}
	return e, o, pe, po
}
