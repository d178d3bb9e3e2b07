package parseable

// The text functions of -J descriptions. atop's -J writes text as it is,
// after replacing '"' and '\' by '#' in process names and command lines
// (jsonsafe); where that would not be valid JSON, they repair it:
//
//	jsonsafe(s, n)   the first n bytes of s (all for n < 0), as C's %.ns,
//	                 with '"' and '\' as '#' (atop's own replacement)
//	jsonstr(s, n)    the same bytes with '"' and '\' escaped (\" \\):
//	                 atop's bytes unless they hold a quote or backslash
//
// and both write a control byte (below 0x20) as \u00XX, which atop
// writes raw (not valid JSON).

const hexDigits = "0123456789abcdef"

// appendJSONText appends the first n bytes of s (all for n < 0) as
// jsonsafe (hash) or jsonstr writes them.
func appendJSONText(dst, s []byte, n int64, hash bool) []byte {
	if n >= 0 && int64(len(s)) > n {
		s = s[:n]
	}
	for _, b := range s {
		switch {
		case b == '"' || b == '\\':
			if hash {
				dst = append(dst, '#')
			} else {
				dst = append(dst, '\\', b)
			}
		case b < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&15])
		default:
			dst = append(dst, b)
		}
	}
	return dst
}

// jsonText compiles jsonsafe (hash) or jsonstr of a text and a length.
func (c *compiler) jsonText(x, nx cx, hash bool) cx {
	tx, n, s := x.tx, intOf(nx), c.newScratch()
	r := txtCx(func(f *frame) []byte {
		if s >= len(f.scratch) { // folded on constants, with no frame
			return appendJSONText(nil, tx(f), n(f), hash)
		}
		b := appendJSONText(f.scratch[s][:0], tx(f), n(f), hash)
		f.scratch[s] = b
		return b
	})
	r.ap = func(f *frame, dst []byte) []byte { return appendJSONText(dst, tx(f), n(f), hash) }
	return r
}
