package cstruct

import (
	"errors"
	"fmt"
	"io"
)

// Reader unpacks successive values from an io.Reader, reading only as much
// as each value needs (a value of dynamic size is read in growing chunks).
// The Value returned by Next aliases the Reader's buffer and is valid until
// the next call; Clone it to keep it.
type Reader struct {
	spec *Spec
	r    io.Reader
	buf  []byte // buffered input; buf[used:] is not unpacked yet
	used int    // bytes of buf taken by the Value last returned
	pos  int64  // absolute offset of buf[used]
	eof  error  // sticky read error (io.EOF at the end)
	opts Options
	max  int    // largest buffer a dynamic value may need
	lay  Layout // NextRecord's, reused like buf
}

// NewReader returns a Reader that unpacks values of s from r. The offsets
// of values and errors count from base.
func (s *Spec) NewReader(r io.Reader, base int64) *Reader {
	return &Reader{spec: s, r: r, pos: base, opts: Options{Base: base}, max: 1 << 30}
}

// Offset is the absolute offset of the next value.
func (r *Reader) Offset() int64 { return r.pos }

// fill reads until at least n bytes are buffered or the input ends.
func (r *Reader) fill(n int) {
	for len(r.buf) < n && r.eof == nil {
		if cap(r.buf) < n {
			nb := make([]byte, len(r.buf), max(n, 2*cap(r.buf), 4096))
			copy(nb, r.buf)
			r.buf = nb
		}
		m, err := r.r.Read(r.buf[len(r.buf):cap(r.buf)])
		r.buf = r.buf[:len(r.buf)+m]
		if err != nil {
			r.eof = err
		}
	}
}

// Next unpacks the next value of type t. At the end of the input it
// returns io.EOF; a value cut short by the end returns a *DecodeError
// wrapping io.ErrUnexpectedEOF.
func (r *Reader) Next(t Type) (Value, error) {
	// drop what the previous value took (its Value is no longer valid)
	r.buf = r.buf[:copy(r.buf, r.buf[r.used:])]
	r.used = 0
	want := 1
	if size := t.Size(); size >= 0 && !IsDynamic(t) {
		want = int(size)
	}
	for {
		r.fill(want)
		if len(r.buf) == 0 && r.eof != nil {
			if r.eof == io.EOF {
				return Value{}, io.EOF
			}
			return Value{}, r.eof
		}
		o := r.opts
		o.Base = r.pos
		v, err := r.spec.UnpackWith(t, r.buf, o)
		if err == nil {
			r.used = len(v.buf)
			r.pos += int64(r.used)
			return v, nil
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || r.eof != nil {
			if r.eof != nil && r.eof != io.EOF {
				return Value{}, fmt.Errorf("cstruct: read at offset %#x: %w", r.pos+int64(len(r.buf)), r.eof)
			}
			return Value{}, err
		}
		if len(r.buf) >= r.max {
			return Value{}, &DecodeError{Type: t, Offset: r.pos, Err: fmt.Errorf("value larger than %d bytes: %w", r.max, ErrLimit)}
		}
		want = max(2*len(r.buf), want+1)
	}
}

// NextRecord reads the next record of p's type, as Next does, and returns
// its bytes and its Layout (for the accessors of p): both belong to the
// Reader, are reused, and are valid until the next call. Nothing is
// allocated per record once the buffer has grown.
func (r *Reader) NextRecord(p *Plan) ([]byte, *Layout, error) {
	r.buf = r.buf[:copy(r.buf, r.buf[r.used:])]
	r.used = 0
	want := 1
	if p.size >= 0 {
		want = int(p.size)
	}
	for {
		r.fill(want)
		if len(r.buf) == 0 && r.eof != nil {
			return nil, nil, r.eof
		}
		err := p.Layout(r.buf, r.pos, &r.lay)
		if err == nil {
			r.used = int(r.lay.size)
			r.pos += int64(r.used)
			return r.buf[:r.used], &r.lay, nil
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || r.eof != nil {
			if r.eof != nil && r.eof != io.EOF {
				return nil, nil, fmt.Errorf("cstruct: read at offset %#x: %w", r.pos+int64(len(r.buf)), r.eof)
			}
			return nil, nil, err
		}
		if len(r.buf) >= r.max {
			return nil, nil, &DecodeError{Type: p.typ, Offset: r.pos, Err: fmt.Errorf("value larger than %d bytes: %w", r.max, ErrLimit)}
		}
		want = max(2*len(r.buf), want+1)
	}
}

// Clone returns a Value that owns a copy of its bytes.
func (v Value) Clone() Value {
	v.buf = append([]byte(nil), v.buf...)
	return v
}
