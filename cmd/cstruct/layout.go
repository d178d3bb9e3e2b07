package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"

	"github.com/cstructgo/cstruct/cstruct"
)

// LayoutCmd is "cstruct layout".
type LayoutCmd struct {
	DefsFlags
	Type  []string `short:"t" name:"type" sep:"none" placeholder:"TYPE" help:"Type to show (repeatable); without it, every type defined."`
	JSON  bool     `name:"json" help:"JSON output: one object per type with its fields and holes (with --diff: its changes)."`
	Diff  bool     `name:"diff" help:"Compare two definition files: members added, removed, moved, resized or renamed in each type (or the -t types)."`
	Files []string `arg:"" optional:"" placeholder:"A.h B.h" help:"With --diff: the two definition files."`
}

// layoutRow is one line of a layout table: a field or a hole.
type layoutRow struct {
	Offset  int64  `json:"offset"`
	Size    int64  `json:"size"`
	Bit     int    `json:"bit,omitempty"`
	Bits    int    `json:"bits,omitempty"`
	Type    string `json:"type,omitempty"`
	Path    string `json:"path"`
	Padding bool   `json:"padding,omitempty"`
}

type layoutDoc struct {
	Type  string      `json:"type"`
	Size  int64       `json:"size"`
	Align int64       `json:"align"`
	Rows  []layoutRow `json:"fields"`
}

// Run prints the layout of each requested type.
func (c *LayoutCmd) Run(e *env) error {
	if c.Diff {
		return c.runDiff(e)
	}
	if len(c.Files) > 0 {
		return fmt.Errorf("definition files are given with -f (positional files only with --diff)")
	}
	spec, err := c.load()
	if err != nil {
		return err
	}
	var types []cstruct.Type
	if len(c.Type) == 0 {
		for _, t := range spec.Types() {
			types = append(types, t)
		}
	}
	for _, name := range c.Type {
		t, err := lookupType(spec, name)
		if err != nil {
			return err
		}
		types = append(types, t)
	}
	for _, t := range types {
		write := writeLayout
		if c.JSON {
			write = writeLayoutJSON
		}
		if err := write(e.stdout, t); err != nil {
			return err
		}
	}
	return nil
}

// The rows of a layout are streamed, never held: a struct of nested
// structs has as many rows as its tree has paths, which text of a few
// lines can make astronomical (each level two members of the one below).

// layoutRows are the rows of t's layout: none unless t is a struct.
func layoutRows(t cstruct.Type) iter.Seq[layoutRow] {
	return func(yield func(layoutRow) bool) {
		if st, ok := cstruct.As[*cstruct.Struct](t); ok {
			walkRows(st, "", 0, yield)
		}
	}
}

// writeLayout writes t's layout as a table, and stops at the first
// error of w.
func writeLayout(w io.Writer, t cstruct.Type) error {
	size := fmt.Sprint(t.Size())
	if t.Size() < 0 {
		size = "dynamic"
	}
	if _, err := fmt.Fprintf(w, "%s  size %s  align %d\n", t, size, t.Align()); err != nil {
		return err
	}
	for r := range layoutRows(t) {
		off := "     ?"
		if r.Offset >= 0 {
			off = fmt.Sprintf("0x%04x", r.Offset)
		}
		var err error
		switch {
		case r.Padding:
			_, err = fmt.Fprintf(w, "  %s  %6d  %-24s (padding)\n", off, r.Size, "")
		case r.Bits > 0:
			_, err = fmt.Fprintf(w, "  %s.%d %5s  %-24s %s\n", off, r.Bit, fmt.Sprintf("%d:b", r.Bits), r.Type, r.Path)
		default:
			sz := fmt.Sprint(r.Size)
			if r.Size < 0 {
				sz = "dyn"
			}
			_, err = fmt.Fprintf(w, "  %s  %6s  %-24s %s\n", off, sz, r.Type, r.Path)
		}
		if err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

// writeLayoutJSON writes t's layout as one line of JSON, a layoutDoc,
// row by row, and stops at the first error of w.
func writeLayoutJSON(w io.Writer, t cstruct.Type) error {
	head, _ := json.Marshal(layoutDoc{Type: t.String(), Size: t.Size(), Align: t.Align()})
	head = bytes.TrimSuffix(head, []byte(`null}`)) // "fields":null}
	if _, err := w.Write(head); err != nil {
		return err
	}
	sep := []byte{'['}
	for r := range layoutRows(t) {
		b, _ := json.Marshal(r)
		if _, err := w.Write(append(sep, b...)); err != nil {
			return err
		}
		sep[0] = ','
	}
	end := "]}\n"
	if sep[0] == '[' {
		end = "null}\n" // no rows: as a layoutDoc's
	}
	_, err := io.WriteString(w, end)
	return err
}

// walkRows yields the fields of st (nested structs expanded) and the
// holes between them, until yield returns false (then so does walkRows).
func walkRows(st *cstruct.Struct, prefix string, base int64, yield func(layoutRow) bool) bool {
	var end int64 // end of the previous field, relative to st
	known := true
	for _, f := range st.Fields {
		path := prefix + f.Name
		if f.Offset < 0 {
			known = false
		}
		if known && !st.Union && f.Offset > end {
			if !yield(layoutRow{Offset: base + end, Size: f.Offset - end, Path: prefix + "(padding)", Padding: true}) {
				return false
			}
		}
		off := base + f.Offset
		if !known {
			off = -1
		}
		if f.BitSize > 0 {
			if !yield(layoutRow{Offset: off, Bit: f.BitOffset, Bits: f.BitSize, Type: f.Type.String(), Path: path}) {
				return false
			}
			if e := f.Offset + int64(f.BitOffset+f.BitSize+7)/8; e > end {
				end = e
			}
			continue
		}
		sub, isStruct := cstruct.As[*cstruct.Struct](f.Type)
		if f.Name == "" && isStruct {
			if !walkRows(sub, prefix, off, yield) {
				return false
			}
		} else {
			if !yield(layoutRow{Offset: off, Size: f.Type.Size(), Type: f.Type.String(), Path: path}) {
				return false
			}
			if isStruct && known && !walkRows(sub, path+".", off, yield) {
				return false
			}
		}
		if s := f.Type.Size(); s >= 0 && known {
			if e := f.Offset + s; e > end {
				end = e
			}
		}
	}
	if known && st.Size() > end && !st.Union {
		return yield(layoutRow{Offset: base + end, Size: st.Size() - end, Path: prefix + "(padding)", Padding: true})
	}
	return true
}
