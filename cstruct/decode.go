package cstruct

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Options change how bytes are unpacked.
type Options struct {
	// Order overrides the Spec's byte order; structs with their own
	// scalar_storage_order keep it.
	Order binary.ByteOrder
	// Base is the absolute offset of b[0], used in values and errors.
	Base int64
}

// Unpack decodes one value of type t from the start of b. The Value aliases
// b: it copies nothing and decodes fields only when they are read. For a
// type of static size, Unpack only checks the length; for a dynamic type it
// walks the data once to find where each part starts.
func (s *Spec) Unpack(t Type, b []byte) (Value, error) {
	return s.UnpackWith(t, b, Options{})
}

// UnpackWith is Unpack with options.
func (s *Spec) UnpackWith(t Type, b []byte, o Options) (Value, error) {
	order := o.Order
	if order == nil {
		order = s.order
	}
	if size := t.Size(); size >= 0 && !IsDynamic(t) {
		if int64(len(b)) < size {
			return Value{}, &DecodeError{Type: t, Offset: o.Base + int64(len(b)), Err: fmt.Errorf("need %d bytes, have %d: %w", size, len(b), io.ErrUnexpectedEOF)}
		}
		return Value{typ: t, buf: b[:size], off: o.Base, order: structOrder(t, order)}, nil
	}
	if st, ok := t.(*Struct); ok {
		if p := s.Plan(st, order); p.steps != nil {
			if lay, size, ok := p.unpackFast(b); ok {
				return Value{typ: t, buf: b[:size], off: o.Base, order: structOrder(t, order), lay: lay}, nil
			}
		}
	}
	d := &decoder{buf: b, base: o.Base, limits: s.cfg.Limits}
	size, lay, err := d.decode(t, 0, order, nil, "", 0)
	if err != nil {
		return Value{}, err
	}
	return Value{typ: t, buf: b[:size], off: o.Base, order: structOrder(t, order), lay: lay}, nil
}

// structOrder gives the byte order in force inside t.
func structOrder(t Type, order binary.ByteOrder) binary.ByteOrder {
	if st, ok := As[*Struct](t); ok && st.Order != nil {
		return st.Order
	}
	return order
}

// dynLayout records where the parts of a dynamic value were found.
type dynLayout struct {
	size int64
	n    int          // arrays: element count
	offs []int64      // struct fields or array elements (nil for arrays of static elements)
	subs []*dynLayout // per field/element; nil entries for static parts
}

type decoder struct {
	buf    []byte
	base   int64
	limits Limits
	lf     lenFrame // the frame of length programs (expr.go)
}

// scope lets length expressions read the fields decoded so far.
type scope struct {
	st     *Struct
	start  int64 // offset of the struct in d.buf
	lay    *dynLayout
	done   int // fields decoded so far
	order  binary.ByteOrder
	d      *decoder
	parent *scope
}

func (d *decoder) fail(t Type, path string, off int64, err error) error {
	return &DecodeError{Path: path, Type: t, Offset: d.base + off, Err: err}
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	if strings.HasPrefix(name, "[") {
		return path + name
	}
	return path + "." + name
}

// decode finds the extent of a value of type t at off; lay is nil for values
// of static size.
func (d *decoder) decode(t Type, off int64, order binary.ByteOrder, sc *scope, path string, depth int) (int64, *dynLayout, error) {
	if depth > d.limits.maxDepth() {
		return 0, nil, d.fail(t, path, off, fmt.Errorf("nesting deeper than %d: %w", d.limits.maxDepth(), ErrLimit))
	}
	if size := t.Size(); size >= 0 && !IsDynamic(t) {
		if int64(len(d.buf))-off < size {
			return 0, nil, d.fail(t, path, off, fmt.Errorf("need %d bytes, have %d: %w", size, max(int64(len(d.buf))-off, 0), io.ErrUnexpectedEOF))
		}
		return size, nil, nil
	}
	switch u := Underlying(t).(type) {
	case *LEB128:
		n, err := lebLen(d.buf[off:])
		if err != nil {
			return 0, nil, d.fail(t, path, off, err)
		}
		return n, &dynLayout{size: n}, nil
	case *Struct:
		return d.decodeStruct(u, off, order, sc, path, depth)
	case *Array:
		return d.decodeArray(u, off, order, sc, path, depth)
	}
	return 0, nil, d.fail(t, path, off, fmt.Errorf("cannot decode %s", t))
}

func (d *decoder) decodeStruct(st *Struct, off int64, order binary.ByteOrder, parent *scope, path string, depth int) (int64, *dynLayout, error) {
	if st.Order != nil {
		order = st.Order
	}
	lay := &dynLayout{offs: make([]int64, len(st.Fields)), subs: make([]*dynLayout, len(st.Fields))}
	sc := &scope{st: st, start: off, lay: lay, order: order, d: d, parent: parent}
	var end int64 // relative to off
	for i := range st.Fields {
		f := &st.Fields[i]
		rel := f.Offset
		if rel < 0 {
			rel = alignUp(end, f.Align)
		}
		lay.offs[i] = rel
		if f.IsBitfield() {
			e := rel + int64(f.BitOffset+f.BitSize+7)/8
			if off+e > int64(len(d.buf)) {
				return 0, nil, d.fail(f.Type, joinPath(path, f.Name), min(off+rel, int64(len(d.buf))), fmt.Errorf("bit-field needs %d bytes: %w", e-rel, io.ErrUnexpectedEOF))
			}
			if e > end {
				end = e
			}
			sc.done = i + 1
			continue
		}
		size, sub, err := d.decode(f.Type, off+rel, order, sc, joinPath(path, f.Name), depth+1)
		if err != nil {
			return 0, nil, err
		}
		lay.subs[i] = sub
		if e := rel + size; e > end || st.Union {
			if e > end {
				end = e
			}
		}
		sc.done = i + 1
	}
	if st.Packed != 1 {
		end = alignUp(end, st.ByteAlign)
		if int64(len(d.buf))-off < end {
			// tail padding missing at the very end of the input is tolerated
			end = int64(len(d.buf)) - off
		}
	}
	lay.size = end
	return end, lay, nil
}

func (d *decoder) decodeArray(a *Array, off int64, order binary.ByteOrder, sc *scope, path string, depth int) (int64, *dynLayout, error) {
	es := a.Elem.Size()
	static := es >= 0 && !IsDynamic(a.Elem)
	avail := int64(len(d.buf)) - off
	maxN := d.limits.maxElements()
	lay := &dynLayout{}
	switch a.Kind {
	case Fixed, Dynamic:
		n := a.Len
		if a.Kind == Dynamic {
			v, err := a.Expr.length(sc)
			if err != nil {
				return 0, nil, d.fail(a, path, off, err)
			}
			n = v
		}
		if static && es > 0 && n > avail/es {
			return 0, nil, d.fail(a, path, off, fmt.Errorf("%d elements of %d bytes, have %d bytes: %w", n, es, avail, io.ErrUnexpectedEOF))
		}
		if n > maxN {
			return 0, nil, d.fail(a, path, off, fmt.Errorf("%d elements: %w (max %d)", n, ErrLimit, maxN))
		}
		lay.n = int(n)
		if static {
			lay.size = n * es
			return lay.size, lay, nil
		}
		var cur int64
		for i := int64(0); i < n; i++ {
			size, sub, err := d.decode(a.Elem, off+cur, order, sc, joinPath(path, fmt.Sprintf("[%d]", i)), depth+1)
			if err != nil {
				return 0, nil, err
			}
			lay.offs = append(lay.offs, cur)
			lay.subs = append(lay.subs, sub)
			cur += size
		}
		lay.size = cur
		return cur, lay, nil
	case ToEOF:
		if static {
			if es == 0 {
				return 0, lay, nil
			}
			if avail%es != 0 {
				return 0, nil, d.fail(a, path, off+avail/es*es, fmt.Errorf("%d trailing bytes do not make a whole %d-byte element: %w", avail%es, es, io.ErrUnexpectedEOF))
			}
			if avail/es > maxN {
				return 0, nil, d.fail(a, path, off, fmt.Errorf("%d elements: %w (max %d)", avail/es, ErrLimit, maxN))
			}
			lay.n = int(avail / es)
			lay.size = avail
			return avail, lay, nil
		}
		var cur int64
		for cur < avail {
			if int64(lay.n) >= maxN {
				return 0, nil, d.fail(a, path, off+cur, fmt.Errorf("more than %d elements: %w", maxN, ErrLimit))
			}
			size, sub, err := d.decode(a.Elem, off+cur, order, sc, joinPath(path, fmt.Sprintf("[%d]", lay.n)), depth+1)
			if err != nil {
				return 0, nil, err
			}
			if size == 0 {
				break
			}
			lay.offs = append(lay.offs, cur)
			lay.subs = append(lay.subs, sub)
			lay.n++
			cur += size
		}
		lay.size = cur
		return cur, lay, nil
	}
	// ZeroTerm and Flexible: elements up to an all-zero element, which is
	// consumed but not part of the value. A flexible array member (C's
	// "T a[]" at the end of a struct) may also end with the data: it
	// extends to the end of its allocation.
	var cur int64
	for {
		if int64(lay.n) >= maxN {
			return 0, nil, d.fail(a, path, off+cur, fmt.Errorf("no terminator within %d elements: %w", maxN, ErrLimit))
		}
		size, sub, err := d.decode(a.Elem, off+cur, order, sc, joinPath(path, fmt.Sprintf("[%d]", lay.n)), depth+1)
		if err != nil && a.Kind == Flexible && errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return 0, nil, d.fail(a, path, off+cur, fmt.Errorf("no zero terminator before the end of the data: %w", io.ErrUnexpectedEOF))
		}
		if isZero(d.buf[off+cur : off+cur+size]) {
			cur += size
			break
		}
		if size == 0 {
			return 0, nil, d.fail(a, path, off, fmt.Errorf("zero-terminated array of empty elements"))
		}
		if !static {
			lay.offs = append(lay.offs, cur)
			lay.subs = append(lay.subs, sub)
		}
		lay.n++
		cur += size
	}
	lay.size = cur
	return cur, lay, nil
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// lebLen is the length of the LEB128 number at the start of b.
func lebLen(b []byte) (int64, error) {
	for i, c := range b {
		if c&0x80 == 0 {
			return int64(i + 1), nil
		}
		if i >= 19 {
			return 0, fmt.Errorf("LEB128 longer than 20 bytes: %w", ErrBadValue)
		}
	}
	return 0, fmt.Errorf("LEB128 not terminated: %w", io.ErrUnexpectedEOF)
}

// ref reads an earlier field for a length expression: the innermost struct
// that has the name wins, then the enclosing ones.
func (sc *scope) ref(r *refNode) (int64, error) {
	for s := sc; s != nil; s = s.parent {
		_, path, ok := s.st.FieldByName(r.parts[0].name)
		if !ok || path[0] >= s.done {
			continue
		}
		v := Value{typ: s.st, buf: s.d.buf[s.start : s.start+maxFieldEnd(s)], off: s.d.base + s.start, order: s.order, lay: s.lay}
		fv, err := v.byPath(path)
		if err != nil {
			return 0, err
		}
		for _, p := range r.parts[1:] {
			if p.index != nil {
				i, err := p.index.eval(sc)
				if err != nil {
					return 0, err
				}
				if i < 0 || i >= int64(fv.Len()) {
					return 0, fmt.Errorf("%s: index %d out of range", r.text, i)
				}
				fv = fv.Index(int(i))
				continue
			}
			next, ok := fv.Field(p.name)
			if !ok {
				return 0, fmt.Errorf("%s: no field %q", r.text, p.name)
			}
			fv = next
		}
		n, ok := fv.intValue()
		if !ok {
			return 0, fmt.Errorf("%s is %s, not an integer", r.text, fv.typ)
		}
		return n, nil
	}
	return 0, fmt.Errorf("%s: field not read yet", r.text)
}

// maxFieldEnd is how far the fields decoded so far reach.
func maxFieldEnd(s *scope) int64 {
	var end int64
	for i := 0; i < s.done; i++ {
		f := &s.st.Fields[i]
		var size int64
		switch {
		case f.IsBitfield():
			size = int64(f.BitOffset+f.BitSize+7) / 8
		case s.lay.subs[i] != nil:
			size = s.lay.subs[i].size
		default:
			size = f.Type.Size()
		}
		if e := s.lay.offs[i] + size; e > end {
			end = e
		}
	}
	return min(end, int64(len(s.d.buf))-s.start)
}
