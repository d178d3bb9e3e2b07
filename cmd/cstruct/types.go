package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// TypesCmd is "cstruct types".
type TypesCmd struct {
	DefsFlags
	JSON bool `name:"json" help:"JSON output: one object per type or constant."`
}

// typeEntry is one line of "cstruct types".
type typeEntry struct {
	Kind    string `json:"kind"` // struct, union, enum, flag, typedef, const
	Name    string `json:"name"`
	Size    int64  `json:"size"` // -1: dynamic
	Align   int64  `json:"align"`
	Of      string `json:"of,omitempty"`      // a typedef's type; an enum's base
	Members int    `json:"members,omitempty"` // fields of a struct, members of an enum
	Value   *int64 `json:"value,omitempty"`   // a constant
}

// Run lists the types and constants the definitions define.
func (c *TypesCmd) Run(e *env) error {
	spec, err := c.load()
	if err != nil {
		return err
	}
	entries := typeEntries(spec)
	if c.JSON {
		for _, en := range entries {
			b, _ := json.Marshal(en)
			e.stdout.Write(append(b, '\n'))
		}
		return nil
	}
	writeTypes(e.stdout, entries)
	return nil
}

func typeEntries(spec *cstruct.Spec) []typeEntry {
	var out []typeEntry
	for name, t := range spec.Types() {
		en := typeEntry{Name: name, Size: t.Size(), Align: t.Align()}
		switch u := t.(type) {
		case *cstruct.Typedef:
			en.Kind, en.Of = "typedef", u.Type.String()
		case *cstruct.Struct:
			en.Kind, en.Members = "struct", len(u.Fields)
			if u.Union {
				en.Kind = "union"
			}
			en.Name = strings.TrimPrefix(strings.TrimPrefix(name, "struct "), "union ")
		case *cstruct.Enum:
			en.Kind, en.Of, en.Members = "enum", u.Base.String(), len(u.Values)
			if u.Flag {
				en.Kind = "flag"
			}
			en.Name = strings.TrimPrefix(strings.TrimPrefix(name, "enum "), "flag ")
		default:
			en.Kind = "type"
		}
		out = append(out, en)
	}
	for name, v := range spec.Consts() {
		out = append(out, typeEntry{Kind: "const", Name: name, Value: &v})
	}
	return out
}

func writeTypes(w io.Writer, entries []typeEntry) {
	nameW := 8
	for _, en := range entries {
		nameW = max(nameW, min(len(en.Kind)+1+len(en.Name), 40))
	}
	for _, en := range entries {
		label := en.Kind + " " + en.Name
		if en.Kind == "const" {
			fmt.Fprintf(w, "%-*s  = %d\n", nameW, label, *en.Value)
			continue
		}
		size := fmt.Sprint(en.Size)
		if en.Size < 0 {
			size = "dyn"
		}
		line := fmt.Sprintf("%-*s  size %5s  align %2d", nameW, label, size, en.Align)
		switch en.Kind {
		case "typedef":
			line += "  = " + en.Of
		case "struct", "union":
			line += fmt.Sprintf("  %d members", en.Members)
		case "enum", "flag":
			line += fmt.Sprintf("  : %s, %d members", en.Of, en.Members)
		}
		fmt.Fprintln(w, line)
	}
}
