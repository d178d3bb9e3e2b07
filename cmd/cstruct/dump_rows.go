package main

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// rowKind says what a row of a record's field list is.
type rowKind uint8

const (
	rowLeaf  rowKind = iota // a scalar, a text, an array of scalars
	rowGroup                // a struct, union or array of aggregates: its members follow, one level deeper
	rowPad                  // padding or a hole between fields
	rowMore                 // "… N more elements" of a long array of aggregates
)

// row is one line of a record's field list: a field, a group, a hole.
type row struct {
	kind   rowKind
	depth  int    // nesting, for the tree view
	name   string // the member's name, "[i]" for an element
	path   string // dotted path from the record, for the table and the hexdump labels
	off    int64  // absolute offset
	size   int64
	bitOff int // bit-fields: first bit and width
	bits   int
	typ    string
	value  string
	color  int  // index into the palette; -1 for none
	open   bool // an array that ends at a terminator or the end of the data
	// rowMore: the array's path, offset and size
	apath       string
	aoff, asize int64
}

// rowOpts are how values are rendered.
type rowOpts struct {
	hex      bool // integers in hex
	maxElems int  // elements of an array shown (0: all)
}

// recordRows lists the fields of a record: groups, leaves and holes, in
// order of declaration. Leaves and holes get colours in turn.
func recordRows(v cstruct.Value, o rowOpts) []row {
	c := &rowCollector{o: o}
	c.walk(v, "", "", 0)
	if len(c.rows) == 1 && c.rows[0].name == "" {
		c.rows[0].name = "(value)" // a record that is one scalar or array
	}
	return c.rows
}

type rowCollector struct {
	o      rowOpts
	rows   []row
	colors int
}

func (c *rowCollector) add(r row) {
	if r.kind == rowLeaf {
		r.color = c.colors % len(palette)
		c.colors++
	} else {
		r.color = -1
	}
	c.rows = append(c.rows, r)
}

func (c *rowCollector) leaf(v cstruct.Value, name, path string, depth int, val string) {
	r := row{kind: rowLeaf, depth: depth, name: name, path: path, off: v.Offset(), size: v.Size(), typ: v.Type().String(), value: val}
	if bo, bs, ok := v.BitField(); ok {
		r.bitOff, r.bits = bo, bs
	}
	if a, ok := cstruct.As[*cstruct.Array](v.Type()); ok && a.Kind != cstruct.Fixed && a.Kind != cstruct.Dynamic {
		r.open = true
	}
	c.add(r)
}

// walk adds the rows of v; the root (depth 0, no name) adds no group row.
func (c *rowCollector) walk(v cstruct.Value, name, path string, depth int) {
	switch u := cstruct.Underlying(v.Type()).(type) {
	case *cstruct.Struct:
		if name != "" {
			c.add(row{kind: rowGroup, depth: depth, name: name, path: path, off: v.Offset(), size: v.Size(), typ: v.Type().String()})
			depth++
		}
		end := v.Offset()
		c.members(v, u, path, depth, &end)
		if !u.Union && v.Offset()+v.Size() > end {
			c.pad(end, v.Offset()+v.Size()-end, path, depth)
		}
	case *cstruct.Array:
		if v.IsText() {
			c.leaf(v, name, path, depth, strconv.QuoteToASCII(v.Text()))
			return
		}
		_, elemStruct := cstruct.As[*cstruct.Struct](u.Elem)
		_, elemArray := cstruct.As[*cstruct.Array](u.Elem)
		n := v.Len()
		if !elemStruct && !elemArray {
			var b strings.Builder
			b.WriteString("[")
			for i, e := range v.Elems() {
				if i > 0 {
					b.WriteString(", ")
				}
				if c.o.maxElems > 0 && i >= c.o.maxElems {
					fmt.Fprintf(&b, "… %d more", n-i)
					break
				}
				b.WriteString(scalarValue(e, c.o.hex))
			}
			b.WriteString("]")
			c.leaf(v, name, path, depth, b.String())
			return
		}
		c.add(row{kind: rowGroup, depth: depth, name: name, path: path, off: v.Offset(), size: v.Size(), typ: v.Type().String()})
		for i, e := range v.Elems() {
			if c.o.maxElems > 0 && i >= c.o.maxElems {
				// the elements not shown: their bytes here, the whole
				// array for the table (as the listing has it)
				c.add(row{kind: rowMore, depth: depth + 1, name: "…", path: fmt.Sprintf("%s[%d…]", path, i),
					off: e.Offset(), size: v.Offset() + v.Size() - e.Offset(), typ: v.Type().String(),
					value: fmt.Sprintf("… %d more elements", n-i), apath: path, aoff: v.Offset(), asize: v.Size()})
				break
			}
			idx := fmt.Sprintf("[%d]", i)
			c.walk(e, idx, path+idx, depth+1)
		}
	default:
		c.leaf(v, name, path, depth, scalarValue(v, c.o.hex))
	}
}

// members adds the rows of the fields of struct value v, and the holes
// between them; end is the end of the last field so far.
func (c *rowCollector) members(v cstruct.Value, st *cstruct.Struct, path string, depth int, end *int64) {
	for f, fv := range v.Fields() {
		if !st.Union && fv.Offset() > *end {
			c.pad(*end, fv.Offset()-*end, path, depth)
		}
		sub, isStruct := cstruct.As[*cstruct.Struct](f.Type)
		if f.Name == "" && isStruct && f.BitSize == 0 {
			// an anonymous member: its fields at this level
			e := fv.Offset()
			c.members(fv, sub, path, depth, &e)
			if !sub.Union && fv.Offset()+fv.Size() > e {
				c.pad(e, fv.Offset()+fv.Size()-e, path, depth)
			}
		} else {
			name := f.Name
			if name == "" {
				name = "(unnamed)"
			}
			c.walk(fv, name, joinPath(path, name), depth)
		}
		if e := fv.Offset() + fv.Size(); e > *end {
			*end = e
		}
	}
}

func (c *rowCollector) pad(off, size int64, path string, depth int) {
	c.rows = append(c.rows, row{kind: rowPad, depth: depth, name: "(padding)", path: joinPath(path, "(padding)"), off: off, size: size, color: -1})
}

func joinPath(path, name string) string {
	if path == "" || strings.HasPrefix(name, "[") {
		return path + name
	}
	return path + "." + name
}

// scalarValue renders a scalar as the listing does (numbers, enum names
// with their value, quoted characters), integers in hex when hex is set.
func scalarValue(v cstruct.Value, hex bool) string {
	_, _, isBits := v.BitField()
	switch u := cstruct.Underlying(v.Type()).(type) {
	case *cstruct.Int:
		if u.Bool && !isBits {
			return strconv.FormatBool(v.Bool())
		}
		return intText(v, hex)
	case *cstruct.LEB128:
		return intText(v, hex)
	case *cstruct.Enum:
		n := intText(v, hex)
		if name, ok := v.EnumName(); ok {
			return fmt.Sprintf("%s (%s)", name, n)
		}
		return n
	case *cstruct.Char:
		if isBits {
			return intText(v, hex)
		}
		return strconv.QuoteToASCII(v.Text())
	case *cstruct.WChar:
		return strconv.QuoteToASCII(v.Text())
	case *cstruct.Float:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case *cstruct.Pointer:
		return fmt.Sprintf("%#x", v.Uint())
	case *cstruct.Void:
		return "void"
	}
	return "?"
}

// intText is an integer in decimal, or in hex (a negative one as -0x…).
func intText(v cstruct.Value, hex bool) string {
	b := v.BigInt()
	if !hex {
		return b.String()
	}
	if b.Sign() < 0 {
		return "-0x" + new(big.Int).Neg(b).Text(16)
	}
	return "0x" + b.Text(16)
}
