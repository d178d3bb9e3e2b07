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
	MaxElems int    `name:"max-elems" default:"64" help:"In the listing, show at most this many elements of an array (0: all)."`
	Hexdump  bool   `name:"hexdump" help:"Before each record's listing, show its bytes as a hexdump (runs of zero lines collapsed to *)."`
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
	rd := spec.NewReader(in, off)
	for i := 0; c.Count == 0 || i < c.Count; i++ {
		v, err := rd.Next(typ)
		if errors.Is(err, io.EOF) {
			if i == 0 {
				return fmt.Errorf("no data at offset %#x", off)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
		if c.JSON {
			e.stdout.Write(cstruct.AppendJSON(nil, v))
			e.stdout.WriteByte('\n')
			continue
		}
		fmt.Fprintf(e.stdout, "%s #%d at offset %#x (%d bytes)\n", typ, i, v.Offset(), v.Size())
		if c.Hexdump {
			if err := cstruct.Hexdump(e.stdout, v.Bytes(), v.Offset(), true); err != nil {
				return err
			}
			e.stdout.WriteByte('\n')
		}
		if err := cstruct.WriteListing(e.stdout, v, "", c.MaxElems); err != nil {
			return err
		}
	}
	return nil
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
