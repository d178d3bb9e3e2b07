package main

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// DumpCmd is "cstruct dump".
type DumpCmd struct {
	DefsFlags
	Type     string `short:"t" name:"type" required:"" placeholder:"TYPE" help:"Type to read: a typedef name or a struct/union tag, with or without the keyword."`
	Offset   string `short:"o" name:"offset" default:"0" placeholder:"OFFSET" help:"Where the first record starts (decimal or 0x hex)."`
	Count    int    `short:"n" name:"count" default:"1" help:"Number of records to read (0: until the end of the input)."`
	JSON     bool   `name:"json" help:"One JSON object per record per line."`
	Table    bool   `name:"table" help:"The field list alone, one line per field with its dotted path (no hexdump)."`
	Hex      bool   `name:"hex" help:"Show integers in hex."`
	Color    string `name:"color" enum:"auto,always,never" default:"auto" help:"Colour each field's bytes: auto (on a terminal, unless NO_COLOR is set), always, never."`
	MaxElems int    `name:"max-elems" default:"64" help:"In the listing, show at most this many elements of an array (0: all)."`
	Hexdump  bool   `name:"hexdump" help:"The --table view, each record's listing after its bytes as dissect's hexdump (autoskip: runs of zero lines collapsed to *)."`
	Input    string `arg:"" default:"-" placeholder:"FILE" help:"Input file, or - for stdin."`
}

// Run unpacks the records and prints them.
func (c *DumpCmd) Run(e *env) error {
	spec, err := c.load()
	if err != nil {
		return err
	}
	typ, err := lookupType(spec, c.Type)
	if err != nil {
		return err
	}
	off, err := parseOffset(c.Offset)
	if err != nil {
		return err
	}
	in, err := e.openInput(c.Input)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := skip(in, off); err != nil {
		return err
	}
	c.Table = c.Table || c.Hexdump // --hexdump is the table's
	// the text view keeps each record's bytes to show a record that
	// fails; the other views read the input directly
	text := !c.JSON && !c.Table
	rec := &recorder{r: in, start: off}
	var src io.Reader = in
	if text {
		src = rec
	}
	rd := spec.NewReader(src, off)
	view := recordView{opts: rowOpts{hex: c.Hex, maxElems: c.MaxElems}, color: useColor(c.Color, e.tty)}
	for i := 0; c.Count == 0 || i < c.Count; i++ {
		at := rd.Offset()
		if text {
			rec.drop(at)
		}
		v, err := rd.Next(typ)
		if errors.Is(err, io.EOF) {
			if i == 0 {
				return fmt.Errorf("no data at offset %#x", off)
			}
			return nil
		}
		if err != nil {
			if text {
				view.partial(e.stdout, spec, typ, i, rec.from(at), at, err)
			}
			return fmt.Errorf("record %d: %w", i, err)
		}
		switch {
		case c.JSON:
			e.stdout.Write(cstruct.AppendJSON(nil, v))
			e.stdout.WriteByte('\n')
		case c.Table:
			fmt.Fprintf(e.stdout, "%s #%d at offset %#x (%d bytes)\n", typ, i, v.Offset(), v.Size())
			if c.Hexdump {
				if err := cstruct.Hexdump(e.stdout, v.Bytes(), v.Offset(), true); err != nil {
					return err
				}
				e.stdout.WriteByte('\n')
			}
			if err := writeTable(e.stdout, recordRows(v, view.opts)); err != nil {
				return err
			}
		default:
			if err := view.write(e.stdout, typ, i, v); err != nil {
				return err
			}
		}
		if v.Size() == 0 && (c.Count == 0 || i+1 < c.Count) {
			return fmt.Errorf("record %d at offset %#x: %s takes no bytes: the next record would be the same (give -n 1)", i, v.Offset(), typ)
		}
	}
	return nil
}

// recordView renders records as the text view: a header line, the
// annotated hexdump, the field tree.
type recordView struct {
	opts  rowOpts
	color bool
}

// write shows record number i (none if i < 0).
func (rv recordView) write(w io.Writer, typ cstruct.Type, i int, v cstruct.Value) error {
	if i >= 0 {
		fmt.Fprintf(w, "%s #%d at offset %#x (%d bytes)\n", typ, i, v.Offset(), v.Size())
	} else {
		fmt.Fprintf(w, "%s at offset %#x (%d bytes)\n", typ, v.Offset(), v.Size())
	}
	rows := recordRows(v, rv.opts)
	if err := writeHexView(w, v.Bytes(), v.Offset(), rows, rv.color); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := writeTree(w, rows, rv.color); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w)
	return err
}

// partial shows what of a record that failed to decode did decode: the
// bytes there are, marked, and the fields that lie wholly in them.
func (rv recordView) partial(w io.Writer, spec *cstruct.Spec, typ cstruct.Type, i int, data []byte, at int64, err error) {
	fmt.Fprintf(w, "%s #%d at offset %#x (incomplete: %d bytes)\n", typ, i, at, len(data))
	rows := partialRows(spec, typ, data, at, rv.opts)
	end := at + int64(len(data))
	var de *cstruct.DecodeError
	if errors.As(err, &de) && de.Offset >= at && de.Offset < end && !errors.Is(err, io.ErrUnexpectedEOF) {
		end = min(end, de.Offset+16) // the bytes up to the bad field, and a line of it
	}
	writeHexView(w, data[:end-at], at, rows, rv.color)
	fmt.Fprintln(w)
	writeTree(w, rows, rv.color)
	fmt.Fprintln(w)
}

func parseOffset(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad offset %q (decimal or 0x hex)", s)
	}
	return n, nil
}

// skip moves r forward by n bytes, seeking when it can.
func skip(r io.Reader, n int64) error {
	if n == 0 {
		return nil
	}
	if s, ok := r.(io.Seeker); ok {
		if _, err := s.Seek(n, io.SeekStart); err == nil {
			return nil
		}
	}
	got, err := io.CopyN(io.Discard, r, n)
	if err != nil && got < n {
		return fmt.Errorf("input ends at offset %#x, before offset %#x", got, n)
	}
	return nil
}
