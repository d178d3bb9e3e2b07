package cstruct

import (
	"fmt"
	"io"
	"strings"
)

// Hexdump writes data as dissect.cstruct's hexdump does: lines of
// "OFFSET  16 hex bytes (a space after the eighth)  ASCII", with offsets
// counting from base. Without autoskip every line is printed. With
// autoskip, as dissect's autoskip: the first and last lines are always
// printed, and of a run of all-zero lines between them the first is
// printed and the rest become one "*" line (so 48 zero bytes print all
// three lines: the one line between the edges is kept).
func Hexdump(w io.Writer, data []byte, base int64, autoskip bool) error {
	var b strings.Builder
	skipping := false
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		last := off+16 >= len(data)
		if autoskip && off > 16 && !last && isZero(line) && isZero(data[off-16:off]) {
			if !skipping {
				b.WriteString("*\n")
				skipping = true
			}
			continue
		}
		skipping = false
		fmt.Fprintf(&b, "%08x  ", base+int64(off))
		for i := 0; i < 16; i++ {
			if i < len(line) {
				fmt.Fprintf(&b, "%02x ", line[i])
			} else {
				b.WriteString("   ")
			}
			if i == 7 {
				b.WriteByte(' ')
			}
		}
		b.WriteString("  ")
		for _, c := range line {
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
			} else {
				b.WriteByte('.')
			}
		}
		b.WriteByte('\n')
		if b.Len() > 1<<16 {
			if _, err := io.WriteString(w, b.String()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
