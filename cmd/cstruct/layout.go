package main

import (
	"encoding/json"
	"fmt"
	"io"

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
		doc := layoutDoc{Type: t.String(), Size: t.Size(), Align: t.Align()}
		if st, ok := cstruct.As[*cstruct.Struct](t); ok {
			doc.Rows = structRows(st, "", 0)
		}
		if c.JSON {
			b, _ := json.Marshal(doc)
			e.stdout.Write(append(b, '\n'))
			continue
		}
		writeLayout(e.stdout, doc)
	}
	return nil
}

func writeLayout(w io.Writer, d layoutDoc) {
	size := fmt.Sprint(d.Size)
	if d.Size < 0 {
		size = "dynamic"
	}
	fmt.Fprintf(w, "%s  size %s  align %d\n", d.Type, size, d.Align)
	for _, r := range d.Rows {
		off := "     ?"
		if r.Offset >= 0 {
			off = fmt.Sprintf("0x%04x", r.Offset)
		}
		switch {
		case r.Padding:
			fmt.Fprintf(w, "  %s  %6d  %-24s (padding)\n", off, r.Size, "")
		case r.Bits > 0:
			fmt.Fprintf(w, "  %s.%d %5s  %-24s %s\n", off, r.Bit, fmt.Sprintf("%d:b", r.Bits), r.Type, r.Path)
		default:
			sz := fmt.Sprint(r.Size)
			if r.Size < 0 {
				sz = "dyn"
			}
			fmt.Fprintf(w, "  %s  %6s  %-24s %s\n", off, sz, r.Type, r.Path)
		}
	}
	fmt.Fprintln(w)
}

// structRows lists the fields of st (nested structs expanded) and the holes
// between them.
func structRows(st *cstruct.Struct, prefix string, base int64) []layoutRow {
	var rows []layoutRow
	var end int64 // end of the previous field, relative to st
	known := true
	for _, f := range st.Fields {
		path := prefix + f.Name
		if f.Offset < 0 {
			known = false
		}
		if known && !st.Union && f.Offset > end {
			rows = append(rows, layoutRow{Offset: base + end, Size: f.Offset - end, Path: prefix + "(padding)", Padding: true})
		}
		off := base + f.Offset
		if !known {
			off = -1
		}
		if f.BitSize > 0 {
			rows = append(rows, layoutRow{Offset: off, Bit: f.BitOffset, Bits: f.BitSize, Type: f.Type.String(), Path: path})
			if e := f.Offset + int64(f.BitOffset+f.BitSize+7)/8; e > end {
				end = e
			}
			continue
		}
		sub, isStruct := cstruct.As[*cstruct.Struct](f.Type)
		if f.Name == "" && isStruct {
			rows = append(rows, structRows(sub, prefix, off)...)
		} else {
			rows = append(rows, layoutRow{Offset: off, Size: f.Type.Size(), Type: f.Type.String(), Path: path})
			if isStruct && known {
				rows = append(rows, structRows(sub, path+".", off)...)
			}
		}
		if s := f.Type.Size(); s >= 0 && known {
			if e := f.Offset + s; e > end {
				end = e
			}
		}
	}
	if known && st.Size() > end && !st.Union {
		rows = append(rows, layoutRow{Offset: base + end, Size: st.Size() - end, Path: prefix + "(padding)", Padding: true})
	}
	return rows
}
