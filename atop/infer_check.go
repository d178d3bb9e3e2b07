package atop

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// What a layout says must hold in real data, used to tell apart limit
// values that give the same struct sizes: read with the wrong limits, the
// fields after a wrongly sized array are read at the wrong place, and text
// lands in counters and counters in text, or an array's entries spill past
// its count.
//
// Two rules, from the types alone:
//   - every char array holds a C string: printable bytes, a NUL, then NULs
//     up to its end (atop copies names with their padding zeroed); an
//     empty string in a short array (16 bytes or less) may be followed by
//     anything (atop leaves old bytes behind an empty wchan), and reserved
//     arrays (*future*, which atop 2.5 did not zero) are not checked;
//   - a fixed array of structs follows its count, and the entries past the
//     count are zero. atop's counts are the integer members of the same
//     struct whose names start with "n", before the arrays, in the order of
//     the arrays (nrcpu for cpu[]; ndsk, nmdd, nlvm for dsk[], mdd[], lvm[]).
type structChecks struct {
	text    []textSpan
	counted []countedArray
}

type textSpan struct {
	off, n int64
	at     where
}

type countedArray struct {
	countOff, countSize int64
	off, elem, n        int64 // the array: offset, element size, length
	at                  where
}

// where names a checked member for messages, formatted only when one
// fails: path, or array[index].path inside an array of structs.
type where struct {
	array string
	index int64
	path  string
}

func (w where) String() string {
	if w.array == "" {
		return w.path
	}
	return fmt.Sprintf("%s[%d].%s", w.array, w.index, w.path)
}

// checksOf lists the checks of a struct type.
func checksOf(t cstruct.Type) *structChecks {
	c := new(structChecks)
	c.walk(t, 0, "")
	return c
}

func (c *structChecks) walk(t cstruct.Type, off int64, path string) {
	s, ok := cstruct.Underlying(t).(*cstruct.Struct)
	if !ok || s.Union {
		return
	}
	var counts []cstruct.Field
	arrays := 0
	for _, f := range s.Fields {
		if f.Offset < 0 {
			return // dynamic from here on (cstat's cgname[])
		}
		p := f.Name
		if path != "" {
			p = path + "." + f.Name
		}
		switch u := cstruct.Underlying(f.Type).(type) {
		case *cstruct.Int:
			if arrays == 0 && strings.HasPrefix(f.Name, "n") && !f.IsBitfield() && (u.ByteSize == 4 || u.ByteSize == 8) {
				counts = append(counts, f)
			}
		case *cstruct.Struct:
			c.walk(f.Type, off+f.Offset, p)
		case *cstruct.Array:
			if u.Kind != cstruct.Fixed {
				continue
			}
			elem := cstruct.Underlying(u.Elem)
			switch elem.(type) {
			case *cstruct.Char:
				if !strings.Contains(f.Name, "future") { // reserved: not always zeroed
					c.text = append(c.text, textSpan{off + f.Offset, u.Len, where{path: p}})
				}
			case *cstruct.Struct:
				size := elem.Size()
				if arrays < len(counts) {
					n := counts[arrays]
					c.counted = append(c.counted, countedArray{off + n.Offset, n.Type.Size(), off + f.Offset, size, u.Len, where{path: p}})
				}
				arrays++
				sub := checksOf(elem)
				for i := range u.Len {
					base := off + f.Offset + i*size
					for _, x := range sub.text {
						c.text = append(c.text, textSpan{base + x.off, x.n, where{p, i, x.at.String()}})
					}
					for _, x := range sub.counted {
						x.countOff += base
						x.off += base
						x.at = where{p, i, x.at.String()}
						c.counted = append(c.counted, x)
					}
				}
			}
		}
	}
}

// check reports the first rule that b (one struct's bytes) breaks, or "".
func (c *structChecks) check(b []byte, order binary.ByteOrder) string {
	for _, a := range c.counted {
		var n int64
		switch a.countSize {
		case 4:
			n = int64(int32(order.Uint32(b[a.countOff:])))
		default:
			n = int64(order.Uint64(b[a.countOff:]))
		}
		if n < 0 || n > a.n {
			return fmt.Sprintf("%s has %d entries, its count says %d", a.at, a.n, n)
		}
		if rest := b[a.off+n*a.elem : a.off+a.n*a.elem]; !allZero(rest) {
			i := int64(len(rest)-len(bytes.TrimLeft(rest, "\x00"))) / a.elem
			return fmt.Sprintf("%s[%d] is not empty, its count says %d", a.at, n+i, n)
		}
	}
	for _, t := range c.text {
		if !cString(b[t.off : t.off+t.n]) {
			return fmt.Sprintf("%s is not a NUL-terminated string", t.at)
		}
	}
	return ""
}

// shortText is the longest char array whose empty string may be followed
// by old bytes.
const shortText = 16

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// cString reports whether b is printable text, a NUL, then only NULs
// (anything after an empty string of at most shortText bytes).
func cString(b []byte) bool {
	i := bytes.IndexByte(b, 0)
	if i < 0 || (i > 0 || len(b) > shortText) && !allZero(b[i:]) {
		return false
	}
	for _, c := range b[:i] {
		if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}
