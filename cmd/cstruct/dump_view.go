package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"
)

// palette colours fields on a terminal: a background per field, in turn,
// with a foreground that reads on it.
var palette = []string{
	"\x1b[97;41m", // white on red
	"\x1b[30;42m", // black on green
	"\x1b[30;43m", // black on yellow
	"\x1b[97;44m", // white on blue
	"\x1b[97;45m", // white on magenta
	"\x1b[30;46m", // black on cyan
}

const (
	padColor   = "\x1b[90m" // padding and holes: grey
	resetColor = "\x1b[0m"
)

// colorOf is the escape sequence of a row's colour ("" for none).
func colorOf(r *row) string {
	switch {
	case r.kind == rowPad || r.kind == rowMore:
		return padColor
	case r.color >= 0:
		return palette[r.color%len(palette)]
	}
	return ""
}

// maxHexView bounds the bytes of one hexdump (and the memory marking them).
const maxHexView = 16 << 20

// painter writes text in colours, switching escape sequences only where
// the colour changes.
type painter struct {
	b   *bytes.Buffer
	on  bool   // colours wanted
	cur string // colour in force
}

func (p *painter) write(color, s string) {
	if p.on && color != p.cur {
		if p.cur != "" {
			p.b.WriteString(resetColor)
		}
		p.b.WriteString(color)
		p.cur = color
	}
	p.b.WriteString(s)
}

// end resets the colour (before a newline).
func (p *painter) end() { p.write("", "") }

// writeHexView writes data (at absolute offset base) in hexdump -C's
// layout: lines of 16 bytes from base, a "*" for lines repeating the one
// before, the end offset last. Each field's bytes are marked: in its
// colour when color is set, and beside each line, the fields that start
// in it ("+COLUMN path") after a "…path" for the field the line starts
// inside, so that the view reads without colour too. rows may be nil (a
// plain hexdump -C).
func writeHexView(w io.Writer, data []byte, base int64, rows []row, color bool) error {
	if len(data) > maxHexView {
		if err := writeHexView(w, data[:maxHexView], base, rows, color); err != nil {
			return err
		}
		_, err := fmt.Fprintf(w, "(the hexdump stops after %d MiB; %d bytes more)\n", maxHexView>>20, len(data)-maxHexView)
		return err
	}
	owner := make([]int32, len(data))
	for i := range owner {
		owner[i] = -1
	}
	starts := map[int][]int{} // line → rows starting in it
	for i := range rows {
		r := &rows[i]
		if r.kind == rowGroup {
			continue
		}
		lo, hi := r.off-base, r.off-base+r.size
		if lo < 0 || lo >= int64(len(data)) {
			continue
		}
		hi = min(hi, int64(len(data)))
		for j := lo; j < hi; j++ {
			if owner[j] < 0 {
				owner[j] = int32(i)
			}
		}
		starts[int(lo/16)] = append(starts[int(lo/16)], i)
	}
	colorAt := func(j int) string {
		if j < 0 || j >= len(data) || owner[j] < 0 {
			return ""
		}
		return colorOf(&rows[owner[j]])
	}
	var b bytes.Buffer
	p := &painter{b: &b, on: color}
	skipping := false
	for line := 0; line*16 < len(data); line++ {
		lo := line * 16
		hi := min(lo+16, len(data))
		chunk := data[lo:hi]
		if lo > 0 && hi-lo == 16 && len(starts[line]) == 0 && bytes.Equal(chunk, data[lo-16:lo]) {
			if !skipping {
				b.WriteString("*\n")
				skipping = true
			}
			continue
		}
		skipping = false
		fmt.Fprintf(&b, "%08x  ", base+int64(lo))
		for i := 0; i < 16; i++ {
			j := lo + i
			if j >= hi {
				b.WriteString("   ")
			} else {
				c := colorAt(j)
				p.write(c, hexByte(data[j]))
				sep := " "
				if i == 7 {
					sep = "  "
				}
				// the space between two bytes of one field takes its colour
				if i < 15 && j+1 < hi && owner[j+1] == owner[j] && c != "" {
					p.write(c, sep)
				} else {
					p.write("", sep)
				}
				continue
			}
			if i == 7 {
				b.WriteByte(' ')
			}
		}
		p.end()
		b.WriteString(" |")
		for i, c := range chunk {
			ch := byte('.')
			if c >= 0x20 && c < 0x7f {
				ch = c
			}
			p.write(colorAt(lo+i), string(ch))
		}
		p.end()
		b.WriteString("|")
		if rows != nil {
			writeLabels(p, rows, owner, starts[line], lo, base)
		}
		b.WriteByte('\n')
		if b.Len() > 1<<16 {
			if _, err := w.Write(b.Bytes()); err != nil {
				return err
			}
			b.Reset()
		}
	}
	fmt.Fprintf(&b, "%08x\n", base+int64(len(data)))
	_, err := w.Write(b.Bytes())
	return err
}

// writeLabels writes the names of the fields of one line of the hexdump.
func writeLabels(p *painter, rows []row, owner []int32, starting []int, lo int, base int64) {
	if o := owner[lo]; o >= 0 && rows[o].off-base < int64(lo) {
		p.b.WriteString("  ")
		p.write(colorOf(&rows[o]), "…"+rows[o].path)
		p.end()
	}
	for _, i := range starting {
		r := &rows[i]
		p.b.WriteString("  ")
		fmt.Fprintf(p.b, "+%x ", int(r.off-base)-lo)
		label := r.path
		if label == "" {
			label = r.name
		}
		p.write(colorOf(r), label)
		p.end()
	}
}

func hexByte(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// writeTree writes the field list of a record as a tree: offset, size,
// the member's name indented by its depth, type, value.
func writeTree(w io.Writer, rows []row, color bool) error {
	nameW, typeW := 4, 4
	for i := range rows {
		r := &rows[i]
		nameW = max(nameW, min(2*r.depth+len([]rune(r.name)), 48))
		if r.kind != rowPad && r.kind != rowMore {
			typeW = max(typeW, min(len(r.typ), 32))
		}
	}
	var b bytes.Buffer
	p := &painter{b: &b, on: color}
	for i := range rows {
		r := &rows[i]
		off := fmt.Sprintf("0x%04x", r.off)
		size := fmt.Sprint(r.size)
		if r.bits > 0 {
			off = fmt.Sprintf("0x%04x.%d", r.off, r.bitOff)
			size = fmt.Sprintf("%d:b", r.bits)
		}
		fmt.Fprintf(&b, "%-10s %6s  ", off, size)
		name, typ := r.name, r.typ
		switch r.kind {
		case rowPad:
			typ = ""
		case rowMore:
			typ = ""
		}
		indent := strings.Repeat("  ", r.depth)
		b.WriteString(indent)
		p.write(colorOf(r), name)
		p.end()
		line := fmt.Sprintf("%s  %-*s", strings.Repeat(" ", max(nameW-len(indent)-len([]rune(name)), 0)), typeW, typ)
		if r.value != "" {
			line += "  " + r.value
		}
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// writeTable writes the leaves of a record as the listing does (the
// --table view): offset, size, type, dotted path = value.
func writeTable(w io.Writer, rows []row) error {
	var b bytes.Buffer
	for i := range rows {
		r := &rows[i]
		if r.kind == rowMore {
			fmt.Fprintf(&b, "%-10s %5d  %-24s %s = %s\n", fmt.Sprintf("0x%04x", r.aoff), r.asize, r.typ, r.apath, r.value)
			continue
		}
		if r.kind != rowLeaf {
			continue
		}
		if r.bits > 0 {
			fmt.Fprintf(&b, "%-10s %5s  %-24s %s = %s\n", fmt.Sprintf("0x%04x.%d", r.off, r.bitOff), fmt.Sprintf("%d:b", r.bits), r.typ, r.path, r.value)
			continue
		}
		fmt.Fprintf(&b, "%-10s %5d  %-24s %s = %s\n", fmt.Sprintf("0x%04x", r.off), r.size, r.typ, r.path, r.value)
	}
	_, err := w.Write(b.Bytes())
	return err
}
