package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/defs"
)

// noteInferred says on stderr, once per build, that a log was read with
// limits inferred from its recorded sizes.
func (f *fileSource) noteInferred(h *atop.Header) {
	if len(h.Inferred) == 0 {
		return
	}
	names := make([]string, len(h.Inferred))
	for i, d := range h.Inferred {
		names[i] = d.String()
	}
	msg := fmt.Sprintf("atop: %s log from a build with %s (inferred from the recorded sizes)", h.Version, strings.Join(names, " "))
	if f.notes == nil {
		f.notes = map[string]bool{}
	}
	if !f.notes[msg] {
		f.notes[msg] = true
		fmt.Fprintln(f.e.stderr, msg)
	}
}

// AtopDefsCmd is "cstruct atop defs".
type AtopDefsCmd struct {
	Export string `name:"export" placeholder:"DIR" help:"Write the embedded definitions to DIR (DIR/VERSION/atop.h, …) to edit them; then pass --defs DIR to the other verbs."`
	Force  bool   `name:"force" help:"With --export, overwrite files that exist."`
	Defs   string `name:"defs" placeholder:"DIR" help:"Also list the versions that DIR defines."`
}

// Run lists the versions, or exports the files.
func (c *AtopDefsCmd) Run(e *env) error {
	if c.Export != "" {
		return c.export(e)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tAVERSION\tSSTAT\tTSTAT\tCSTAT\tPARSEABLE\tSOURCE\tLAYOUT")
	var rows []defsRow
	for _, v := range atop.Versions() {
		rows = append(rows, loadDefsRow(defs.Atop, "atop/"+v.String(), v, "embedded"))
	}
	if c.Defs != "" {
		dir := os.DirFS(c.Defs)
		for _, v := range versionsIn(dir) {
			sub := v.String()
			if _, err := fs.Stat(dir, sub+"/atop.h"); err != nil {
				sub = "atop/" + sub
			}
			rows = append(rows, loadDefsRow(dir, sub, v, filepath.Join(c.Defs, sub)))
		}
	}
	for i, r := range rows {
		fmt.Fprintf(tw, "%s\t%#04x\t%s\t%s\t%s\t%s\t%s\t%s\n", r.v, r.v.AVersion(),
			size(r.sstat), size(r.tstat), size(r.cstat), yesNo(r.parseable), r.source, r.shares(rows[:i]))
	}
	return tw.Flush()
}

type defsRow struct {
	v                   atop.Version
	source              string
	sstat, tstat, cstat int64
	parseable           bool
	sig                 string // the layout of every struct, names and offsets
	err                 error
}

func loadDefsRow(fsys fs.FS, dir string, v atop.Version, source string) defsRow {
	r := defsRow{v: v, source: source, sstat: -1, tstat: -1, cstat: -1}
	_, err := fs.Stat(fsys, dir+"/parseable.txt")
	r.parseable = err == nil
	spec, err := (&cstruct.Config{}).ParseFS(fsys, dir+"/atop.h")
	if err != nil {
		r.err = err
		return r
	}
	var sig strings.Builder
	for _, n := range []struct {
		name string
		size *int64
	}{{"struct rawheader", nil}, {"struct rawrecord", nil}, {"struct sstat", &r.sstat}, {"struct tstat", &r.tstat}, {"struct cstat", &r.cstat}} {
		t, err := spec.Lookup(n.name)
		if err != nil {
			continue
		}
		if n.size != nil {
			*n.size, _ = cstruct.Sizeof(t)
		}
		writeSig(&sig, t)
	}
	r.sig = sig.String()
	return r
}

// shares says which earlier row has the same layout, or the same sizes.
func (r defsRow) shares(earlier []defsRow) string {
	if r.err != nil {
		return "error: " + r.err.Error()
	}
	for _, o := range earlier {
		if o.err == nil && o.sig == r.sig {
			return "same as " + o.v.String()
		}
	}
	for _, o := range earlier {
		if o.err == nil && o.sstat == r.sstat && o.tstat == r.tstat && o.cstat == r.cstat {
			return "same sizes as " + o.v.String() + ", other fields"
		}
	}
	return "own"
}

// writeSig writes the layout of t: every field's name, offset and type.
func writeSig(b *strings.Builder, t cstruct.Type) {
	switch u := cstruct.Underlying(t).(type) {
	case *cstruct.Struct:
		b.WriteByte('{')
		for _, f := range u.Fields {
			fmt.Fprintf(b, "%s@%d:%d;", f.Name, f.Offset, f.BitSize)
			writeSig(b, f.Type)
		}
		b.WriteByte('}')
	case *cstruct.Array:
		fmt.Fprintf(b, "[%d]", u.Len)
		writeSig(b, u.Elem)
	default:
		fmt.Fprintf(b, "%s/%d", t, t.Size())
	}
}

func size(n int64) string {
	if n < 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// versionsIn lists the version directories of fsys that have an atop.h
// (VERSION/atop.h or atop/VERSION/atop.h).
func versionsIn(fsys fs.FS) []atop.Version {
	var vs []atop.Version
	seen := map[atop.Version]bool{}
	for _, dir := range []string{".", "atop"} {
		entries, _ := fs.ReadDir(fsys, dir)
		for _, ent := range entries {
			maj, min, ok := strings.Cut(ent.Name(), ".")
			a, err1 := strconv.Atoi(maj)
			b, err2 := strconv.Atoi(min)
			if !ok || err1 != nil || err2 != nil || !ent.IsDir() {
				continue
			}
			v := atop.Version{Major: a, Minor: b}
			if _, err := fs.Stat(fsys, path.Join(dir, ent.Name(), "atop.h")); err == nil && !seen[v] {
				seen[v] = true
				vs = append(vs, v)
			}
		}
	}
	return vs
}

// export writes the embedded tree under c.Export.
func (c *AtopDefsCmd) export(e *env) error {
	n := 0
	err := fs.WalkDir(defs.Atop, "atop", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(name, "atop"), "/")
		dst := filepath.Join(c.Export, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if _, err := os.Stat(dst); err == nil && !c.Force {
			return fmt.Errorf("%s exists (use --force to overwrite)", dst)
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		data, err := fs.ReadFile(defs.Atop, name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(e.stdout, "wrote %d files to %s; edit them and pass --defs %s to the atop verbs\n", n, c.Export, c.Export)
	return err
}
