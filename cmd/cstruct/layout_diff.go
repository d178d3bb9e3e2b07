package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// memberChange is how one member differs between two layouts.
type memberChange struct {
	What    string     `json:"change"` // added, removed, moved, resized, retyped, renamed (several joined by ", ")
	Path    string     `json:"path"`
	OldPath string     `json:"old_path,omitempty"` // renamed
	Old     *layoutRow `json:"old,omitempty"`
	New     *layoutRow `json:"new,omitempty"`
}

// typeDiff is one type of "layout --diff --json".
type typeDiff struct {
	Type    string         `json:"type"`
	Only    string         `json:"only_in,omitempty"` // the file that alone has it
	OldSize int64          `json:"old_size"`
	NewSize int64          `json:"new_size"`
	Changes []memberChange `json:"changes"`
}

// diffLayouts compares the members of two layouts of a type: matched by
// path; a member removed and one added at the same offset with the same
// size and type is a rename. Padding is left out.
func diffLayouts(a, b []layoutRow) []memberChange {
	index := func(rows []layoutRow) map[string]*layoutRow {
		m := map[string]*layoutRow{}
		for i := range rows {
			if !rows[i].Padding {
				m[rows[i].Path] = &rows[i]
			}
		}
		return m
	}
	am, bm := index(a), index(b)
	var out []memberChange
	var removed, added []*layoutRow
	for i := range a {
		o := &a[i]
		if o.Padding {
			continue
		}
		n, ok := bm[o.Path]
		if !ok {
			removed = append(removed, o)
			continue
		}
		var what []string
		// a member moves when its place in its parent changes: the
		// members of a moved struct move with it
		oo, no := o.Offset, n.Offset
		if i := strings.LastIndexByte(o.Path, '.'); i > 0 {
			if pa, pb := am[o.Path[:i]], bm[o.Path[:i]]; pa != nil && pb != nil && pa.Offset >= 0 && pb.Offset >= 0 {
				oo, no = oo-pa.Offset, no-pb.Offset
			}
		}
		if oo != no || o.Bit != n.Bit {
			what = append(what, "moved")
		}
		if o.Size != n.Size || o.Bits != n.Bits {
			what = append(what, "resized")
		}
		if o.Type != n.Type {
			what = append(what, "retyped")
		}
		if len(what) > 0 {
			out = append(out, memberChange{What: strings.Join(what, ", "), Path: o.Path, Old: o, New: n})
		}
	}
	for i := range b {
		if n := &b[i]; !n.Padding && am[n.Path] == nil {
			added = append(added, n)
		}
	}
	// renames: same place, same size and type
	for _, o := range removed {
		j := slices.IndexFunc(added, func(n *layoutRow) bool {
			return n != nil && n.Offset == o.Offset && n.Bit == o.Bit && n.Size == o.Size && n.Bits == o.Bits && n.Type == o.Type
		})
		if j >= 0 {
			out = append(out, memberChange{What: "renamed", Path: added[j].Path, OldPath: o.Path, Old: o, New: added[j]})
			added[j] = nil
			continue
		}
		out = append(out, memberChange{What: "removed", Path: o.Path, Old: o})
	}
	for _, n := range added {
		if n != nil {
			out = append(out, memberChange{What: "added", Path: n.Path, New: n})
		}
	}
	// in the order of the top-level members of b (then of a), each by
	// its place in that member
	top := func(p string) string {
		if i := strings.IndexByte(p, '.'); i >= 0 {
			return p[:i]
		}
		return p
	}
	order := map[string]int{}
	for _, rows := range [][]layoutRow{b, a} {
		for _, r := range rows {
			if _, ok := order[top(r.Path)]; !ok {
				order[top(r.Path)] = len(order)
			}
		}
	}
	rel := func(c memberChange) int64 {
		r, rows := c.New, bm
		if r == nil {
			r, rows = c.Old, am
		}
		if p := rows[top(r.Path)]; p != nil {
			return r.Offset - p.Offset
		}
		return r.Offset
	}
	slices.SortStableFunc(out, func(x, y memberChange) int {
		return cmp.Or(cmp.Compare(order[top(x.Path)], order[top(y.Path)]), cmp.Compare(rel(x), rel(y)))
	})
	return out
}

// runDiff is "cstruct layout --diff A.h B.h": each type in both (or the
// -t types), what changed in its layout.
func (c *LayoutCmd) runDiff(e *env) error {
	if len(c.Files) != 2 {
		return fmt.Errorf("--diff needs two definition files: cstruct layout --diff A.h B.h [-t TYPE]")
	}
	var specs [2]*cstruct.Spec
	for i, f := range c.Files {
		d := c.DefsFlags
		d.File = append(append([]string(nil), d.File...), f)
		s, err := d.load()
		if err != nil {
			return err
		}
		specs[i] = s
	}
	names := c.Type
	if len(names) == 0 {
		for n := range specs[0].Types() {
			names = append(names, n)
		}
		for n := range specs[1].Types() {
			if _, err := specs[0].Lookup(n); err != nil {
				names = append(names, n)
			}
		}
	}
	explicit := len(c.Type) > 0
	for _, name := range names {
		ta, errA := specs[0].Lookup(name)
		tb, errB := specs[1].Lookup(name)
		switch {
		case errA != nil && errB != nil:
			return fmt.Errorf("type %q is in neither %s nor %s", name, c.Files[0], c.Files[1])
		case errA != nil:
			if c.JSON {
				writeJSONLine(e.stdout, typeDiff{Type: tb.String(), Only: c.Files[1], OldSize: -1, NewSize: tb.Size(), Changes: []memberChange{}})
			} else {
				fmt.Fprintf(e.stdout, "%s: only in %s (size %s)\n", name, c.Files[1], sizeText(tb.Size()))
			}
			continue
		case errB != nil:
			if c.JSON {
				writeJSONLine(e.stdout, typeDiff{Type: ta.String(), Only: c.Files[0], OldSize: ta.Size(), NewSize: -1, Changes: []memberChange{}})
			} else {
				fmt.Fprintf(e.stdout, "%s: only in %s (size %s)\n", name, c.Files[0], sizeText(ta.Size()))
			}
			continue
		}
		ra, err := typeRows(ta)
		if err != nil {
			return err
		}
		rb, err := typeRows(tb)
		if err != nil {
			return err
		}
		changes := diffLayouts(ra, rb)
		if c.JSON {
			if len(changes) > 0 || ta.Size() != tb.Size() || explicit {
				writeJSONLine(e.stdout, typeDiff{Type: ta.String(), OldSize: ta.Size(), NewSize: tb.Size(), Changes: append([]memberChange{}, changes...)})
			}
			continue
		}
		if len(changes) == 0 && ta.Size() == tb.Size() && ta.Align() == tb.Align() {
			if explicit {
				fmt.Fprintf(e.stdout, "%s: same layout (size %s)\n", ta, sizeText(ta.Size()))
			}
			continue
		}
		writeDiff(e.stdout, ta, tb, changes)
	}
	return nil
}

func writeJSONLine(w io.Writer, v any) {
	b, _ := json.Marshal(v)
	w.Write(append(b, '\n'))
}

// maxDiffRows bounds the rows of a type that --diff holds to compare (a
// few lines of nested structs can have billions).
const maxDiffRows = 1 << 18

// typeRows are the rows of t's layout, for a diff.
func typeRows(t cstruct.Type) ([]layoutRow, error) {
	var rows []layoutRow
	for r := range layoutRows(t) {
		if len(rows) == maxDiffRows {
			return nil, fmt.Errorf("%s has more than %d members and holes (nested ones counted): too many to compare", t, maxDiffRows)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

func sizeText(n int64) string {
	if n < 0 {
		return "dynamic"
	}
	return fmt.Sprint(n)
}

func writeDiff(w io.Writer, a, b cstruct.Type, changes []memberChange) {
	fmt.Fprintf(w, "%s: size %s -> %s, align %d -> %d, %d changes (members of a moved struct move with it)\n", a, sizeText(a.Size()), sizeText(b.Size()), a.Align(), b.Align(), len(changes))
	place := func(r *layoutRow) string {
		if r == nil {
			return "-"
		}
		if r.Offset < 0 {
			return "?"
		}
		if r.Bits > 0 {
			return fmt.Sprintf("0x%04x.%d", r.Offset, r.Bit)
		}
		return fmt.Sprintf("0x%04x", r.Offset)
	}
	size := func(r *layoutRow) string {
		if r == nil {
			return "-"
		}
		if r.Bits > 0 {
			return fmt.Sprintf("%d:b", r.Bits)
		}
		return sizeText(r.Size)
	}
	pathW, whatW := 8, 8
	for _, ch := range changes {
		pathW = max(pathW, min(len(ch.Path), 40))
		whatW = max(whatW, len(ch.What))
	}
	fmt.Fprintf(w, "  %-*s  %-*s", whatW, "change", pathW, "member")
	fmt.Fprintf(w, "  %-10s  %-10s  %6s  %6s  %s\n", "old off", "new off", "old sz", "new sz", "type")
	for _, ch := range changes {
		typ := ""
		switch {
		case ch.New == nil:
			typ = ch.Old.Type
		case ch.Old == nil || ch.Old.Type == ch.New.Type:
			typ = ch.New.Type
		default:
			typ = ch.Old.Type + " -> " + ch.New.Type
		}
		if ch.OldPath != "" {
			typ += "  (was " + ch.OldPath + ")"
		}
		line := fmt.Sprintf("  %-*s  %-*s  %-10s  %-10s  %6s  %6s  %s", whatW, ch.What, pathW, ch.Path, place(ch.Old), place(ch.New), size(ch.Old), size(ch.New), typ)
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
	fmt.Fprintln(w)
}
