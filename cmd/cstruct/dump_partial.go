package main

import (
	"errors"
	"io"

	"github.com/cstructgo/cstruct/cstruct"
)

// recorder is an io.Reader that keeps what it read since the start of the
// current record, so that a record that fails to decode can still be
// shown. It keeps no more than the cstruct.Reader over it buffers.
type recorder struct {
	r     io.Reader
	buf   []byte
	start int64 // absolute offset of buf[0]
}

func (t *recorder) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// drop forgets the bytes before absolute offset upto.
func (t *recorder) drop(upto int64) {
	if k := upto - t.start; k > 0 {
		k = min(k, int64(len(t.buf)))
		t.buf = t.buf[:copy(t.buf, t.buf[k:])]
		t.start += k
	}
}

// from returns the bytes read from absolute offset off on.
func (t *recorder) from(off int64) []byte {
	k := min(max(off-t.start, 0), int64(len(t.buf)))
	return t.buf[k:]
}

// partialRows lists the fields of a record of type t cut short after
// data: the record is decoded with zeros in place of the missing bytes,
// and only the fields that lie wholly in data are kept (an array ended by
// a terminator or by the end only if its end is in data too). A record
// that fails for another reason than its end shows no fields.
func partialRows(spec *cstruct.Spec, t cstruct.Type, data []byte, base int64, o rowOpts) []row {
	size := int64(len(data)) * 2
	if s := t.Size(); s >= 0 && !cstruct.IsDynamic(t) {
		size = s
	}
	size = max(size, 64)
	for size <= int64(len(data))+1<<20 {
		buf := make([]byte, size)
		copy(buf, data)
		v, err := spec.UnpackWith(t, buf, cstruct.Options{Base: base})
		if err == nil {
			return keepWithin(recordRows(v, o), base+int64(len(data)))
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		size *= 2
	}
	return staticRows(spec, t, data, base, o)
}

// staticRows decodes, one by one, the members of a struct at fixed offsets
// that lie wholly in data (bit-fields and members after a dynamic one are
// left out): the record's head when its tail cannot be decoded.
func staticRows(spec *cstruct.Spec, t cstruct.Type, data []byte, base int64, o rowOpts) []row {
	st, ok := cstruct.As[*cstruct.Struct](t)
	if !ok {
		return nil
	}
	c := &rowCollector{o: o}
	for _, f := range st.Fields {
		size := f.Type.Size()
		if f.Offset < 0 || size < 0 || cstruct.IsDynamic(f.Type) || f.BitSize > 0 || f.Name == "" {
			if f.Offset < 0 {
				break
			}
			continue
		}
		if f.Offset+size > int64(len(data)) {
			continue
		}
		fv, err := spec.UnpackWith(f.Type, data[f.Offset:f.Offset+size], cstruct.Options{Base: base + f.Offset})
		if err != nil {
			continue
		}
		c.walk(fv, f.Name, f.Name, 0)
	}
	return c.rows
}

// keepWithin keeps the rows that lie before end.
func keepWithin(rows []row, end int64) []row {
	var out []row
	for _, r := range rows {
		switch r.kind {
		case rowGroup:
			if r.off >= end {
				continue
			}
		case rowMore:
			continue
		default:
			if r.off+r.size > end || r.open && r.off+r.size >= end {
				continue
			}
		}
		out = append(out, r)
	}
	return out
}
