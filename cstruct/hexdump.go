package cstruct

import (
	"fmt"
	"io"
	"strings"
)

// Hexdump writes data as dissect.cstruct's hexdump does: lines of
// "OFFSET  16 hex bytes (a space after the eighth)  ASCII", with offsets
// counting from base. With autoskip, a run of all-zero lines inside the dump
// is shown as its first line and a "*" line (the first and last lines are
// always shown), as xxd -a does.
func Hexdump(w io.Writer, data []byte, base int64, autoskip bool) error {
	var b strings.Builder
	skipping := false
	for off := 0; off < len(data); off += 16 {
		line := data[off:min(off+16, len(data))]
		last := off+16 >= len(data)
		if autoskip && off > 0 && !last && isZero(line) && len(line) == 16 && isZero(data[off-16:off]) {
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
