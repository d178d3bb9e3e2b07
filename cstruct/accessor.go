package cstruct

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"unsafe"
)

// An Accessor reads one field of a record type straight from the record's
// bytes. [Spec.Accessor] resolves its path once (names, anonymous members,
// array indexes, byte order, bit-field placement); each read is then a load
// and two shifts, with no lookup, no allocation and no interface call. It is
// meant for hot loops: build accessors once per type and keep them, ideally
// in local variables.
//
// Every read method takes b, the bytes of the whole record starting at
// b[0] (bytes past the record are allowed and ignored). A b too short for
// the field panics with an index error, as a slice expression would: the
// caller has unpacked or size-checked the record first. Reading a struct or
// array accessor with Uint, Int or Float also panics, as Value does.
//
// The zero Accessor is invalid (IsValid reports false).
type Accessor struct {
	// The scalar load: the 8 bytes b[w:w+8] read as one little-endian
	// word (zero-padded past the end of a short b, which must still reach
	// end, where the field ends), byte-swapped for big-endian data, then
	// an arithmetic x<<l>>r, masked to zero-extend unsigned values. Four
	// words, so that the compiler keeps an inlined Accessor in registers
	// instead of copying it; the field's offset is end-in.span. A struct
	// or array has w = noLoad, so that reading it as a scalar panics.
	w, end int
	sh     shifts
	in     *fieldInfo // the rest, shared by the elements of an array
}

// shifts take a field out of its 8-byte window.
type shifts struct {
	l, r   uint8 // x<<l>>r; l's bit 7 means big-endian data
	ur, ir uint8 // Uint and Int mask with ^0>>ur, ^0>>ir: r zero-extends, 0 keeps the sign
}

// fieldInfo is what an Accessor knows beyond its load.
type fieldInfo struct {
	typ     Type
	size    int64 // bytes of the field (for a bit-field, the bytes holding its bits); -1: dynamic
	span    int64 // end - offset
	n       int   // fixed arrays: element count
	str     int64 // fixed arrays: element stride
	e0      *Accessor
	be      bool // big-endian: the order in force here (inside, for a struct)
	usigned bool // Uint sign-extends (signed integer types, as Value.Uint)
	isigned bool // Int sign-extends (signed integers, signed enums, char)
	text    bool // char array: Bytes stops at the first NUL
	scalar  bool
	fsize   uint8
	bitOff  uint8
	bits    uint8 // bit-fields: width; 0 otherwise
	base    int   // Layout slot the offset counts from (biased by dynBias); -1: the record
	lenSlot int   // Layout slot that holds the size of a dynamic field; -1
	nd      *node // the slots of a dynamic struct's fields
}

// dynBias is added to the offsets of accessors that count from a Layout
// slot: far past any b, so that reading one without its Layout panics.
const dynBias = math.MaxInt / 4

// noLoad places the window of an accessor that must not be read as a
// scalar: far past any b, so that a read panics with an index error.
const noLoad = math.MaxInt - 16

// Uint reads an integer-like field (integer, enum, bool, char, wchar,
// pointer, bit-field) as Value.Uint does: signed integer types sign-extend,
// everything else zero-extends. A float reads as its raw bits; an int128
// as its low 64 bits.
func (a Accessor) Uint(b []byte) uint64 {
	return uint64(int64(a.load(b)<<(a.sh.l&63))>>(a.sh.r&63)) & (^uint64(0) >> (a.sh.ur & 63))
}

// Int reads an integer-like field as Value.Int does: sign-extended per the
// C type (plain char and enums with a signed base included), zero-extended
// for unsigned types.
func (a Accessor) Int(b []byte) int64 {
	return int64(a.load(b)<<(a.sh.l&63)) >> (a.sh.r & 63) & int64(^uint64(0)>>(a.sh.ir&63))
}

// load reads the 8-byte window of a scalar accessor.
func (a Accessor) load(b []byte) uint64 {
	var x uint64
	if a.w <= len(b)-8 {
		x = binary.LittleEndian.Uint64(b[a.w:])
	} else {
		for i, c := range b[a.w:a.end] { // b must reach the field's end
			x |= uint64(c) << (8 * i) // i < 8
		}
	}
	if a.sh.l >= 128 {
		x = bits.ReverseBytes64(x)
	}
	return x
}

// Float reads a float16, float or double field.
func (a Accessor) Float(b []byte) float64 {
	switch a.in.fsize {
	case 4:
		return float64(math.Float32frombits(uint32(a.Uint(b))))
	case 8:
		return math.Float64frombits(a.Uint(b))
	case 2:
		return float16(uint16(a.Uint(b)))
	case 12, 16:
		order := binary.ByteOrder(binary.LittleEndian)
		if a.in.be {
			order = binary.BigEndian
		}
		return float80(a.Bytes(b), order)
	}
	panic("cstruct: Float of " + a.typeString())
}

// Bytes returns the field's bytes, aliasing b: for a char array the text up
// to its first NUL, for anything else its raw bytes (the bytes that hold a
// bit-field). A field of dynamic size reaches to the end of b.
func (a Accessor) Bytes(b []byte) []byte {
	return a.cut(b, a.off(), a.in.size)
}

// cut is Bytes of the size bytes at off.
func (a Accessor) cut(b []byte, off, size int64) []byte {
	var x []byte
	if size < 0 {
		x = b[off:]
	} else {
		x = b[off : off+size]
	}
	if a.in.text {
		return textOf(x)
	}
	return x
}

// textOf cuts a char array at its first NUL.
func textOf(x []byte) []byte {
	if i := bytes.IndexByte(x, 0); i >= 0 {
		return x[:i]
	}
	return x
}

// at places an accessor that counts from a Layout slot at its offset in
// the record of lay.
func (a Accessor) at(lay *Layout) Accessor {
	if a.in.base >= 0 {
		a.place(lay.offs[a.in.base] + a.off() - dynBias)
	}
	return a
}

// UintL is Uint of a field of a dynamic record, whose Layout is lay.
func (a Accessor) UintL(b []byte, lay *Layout) uint64 { return a.at(lay).Uint(b) }

// IntL is Int of a field of a dynamic record, whose Layout is lay.
func (a Accessor) IntL(b []byte, lay *Layout) int64 { return a.at(lay).Int(b) }

// FloatL is Float of a field of a dynamic record, whose Layout is lay.
func (a Accessor) FloatL(b []byte, lay *Layout) float64 { return a.at(lay).Float(b) }

// BytesL is Bytes of a field of a dynamic record, whose Layout is lay: a
// dynamic field has its exact size.
func (a Accessor) BytesL(b []byte, lay *Layout) []byte {
	in := a.in
	off, size := a.off(), in.size
	if in.base >= 0 {
		off += lay.offs[in.base] - dynBias
	}
	if in.lenSlot >= 0 {
		size = lay.lens[in.lenSlot]
	}
	var x []byte
	if size < 0 {
		x = b[off:]
	} else {
		x = b[off : off+size]
	}
	if in.text {
		return textOf(x)
	}
	return x
}

// OffsetL is the field's offset in the record of lay.
func (a Accessor) OffsetL(lay *Layout) int64 {
	if a.in.base >= 0 {
		return lay.offs[a.in.base] + a.off() - dynBias
	}
	return a.off()
}

// SizeL is the field's size in the record of lay.
func (a Accessor) SizeL(lay *Layout) int64 {
	if a.in.lenSlot >= 0 {
		return lay.lens[a.in.lenSlot]
	}
	return a.in.size
}

// LenL is the element count of an array in the record of lay (for a
// zero-terminated array, without its terminator).
func (a Accessor) LenL(lay *Layout) int {
	if a.in.lenSlot >= 0 {
		return int(lay.count[a.in.lenSlot])
	}
	return a.in.n
}

// ElemL is element i of an array of static elements in the record of lay;
// read it with the L methods and the same Layout.
func (a Accessor) ElemL(i int, lay *Layout) Accessor {
	n := a.LenL(lay)
	if uint(i) >= uint(n) || a.in.e0 == nil {
		panic(fmt.Sprintf("cstruct: index %d out of range [0,%d) of %s", i, n, a.typeString()))
	}
	e := *a.in.e0
	e.place(a.off() + int64(i)*a.in.str)
	return e
}

// Text is Bytes as a string (it allocates).
func (a Accessor) Text(b []byte) string { return string(a.Bytes(b)) }

// IsValid reports whether a was resolved (the zero Accessor was not).
func (a Accessor) IsValid() bool { return a.in != nil }

// Offset is the field's byte offset in the record (for a bit-field, of the
// first byte that holds its bits), or -1 when it depends on the data
// (OffsetL has it).
func (a Accessor) Offset() int64 {
	if a.in.base >= 0 {
		return -1
	}
	return a.off()
}

// off is the offset, biased by dynBias for an offset from a Layout slot.
func (a Accessor) off() int64 { return int64(a.end) - a.in.span }

// Size is the field's size in bytes (for a bit-field, of the bytes that
// hold its bits), or -1 for a field of dynamic size.
func (a Accessor) Size() int64 { return a.in.size }

// Type is the field's declared type.
func (a Accessor) Type() Type { return a.in.typ }

// BitField reports the bit offset and width of a bit-field accessor.
func (a Accessor) BitField() (offset, width int, ok bool) {
	return int(a.in.bitOff), int(a.in.bits), a.in.bits > 0
}

// BigEndian reports whether the field's scalars are big-endian.
func (a Accessor) BigEndian() bool { return a.in.be }

// Len is the element count of a fixed array accessor, 0 for anything else.
func (a Accessor) Len() int { return a.in.n }

// Elem returns element i of a fixed array accessor. It panics when i is
// out of range, as indexing a slice does: a programming error.
func (a Accessor) Elem(i int) Accessor {
	if uint(i) >= uint(a.in.n) {
		panic(fmt.Sprintf("cstruct: index %d out of range [0,%d) of %s", i, a.in.n, a.typeString()))
	}
	e := *a.in.e0
	e.place(a.off() + int64(i)*a.in.str)
	return e
}

// Field resolves a path relative to a struct (or array element) accessor,
// as Spec.Accessor does; offsets add up.
func (a Accessor) Field(path string) (Accessor, error) {
	if !a.IsValid() {
		return Accessor{}, fmt.Errorf("cstruct: path %q: invalid accessor", path)
	}
	return a.field(path)
}

// Signed reports whether Int sign-extends the field (signed integers, plain
// char, enums with a signed base).
func (a Accessor) Signed() bool { return a.in.isigned }

// IsFloat reports whether the field is a float16, float or double.
func (a Accessor) IsFloat() bool { return a.in.fsize != 0 }

// IsText reports whether the field is text (char or wchar, or an array of
// them), as Value.IsText does.
func (a Accessor) IsText() bool {
	switch u := Underlying(a.in.typ).(type) {
	case *Char, *WChar:
		return a.in.bits == 0
	case *Array:
		switch Underlying(u.Elem).(type) {
		case *Char, *WChar:
			return true
		}
	}
	return false
}

// IsInteger reports whether Int and Uint apply (as Value.IsInteger, minus
// LEB128, which has no accessor).
func (a Accessor) IsInteger() bool { return a.in.scalar && a.in.fsize == 0 }

func (a Accessor) typeString() string {
	if a.in == nil {
		return "an invalid accessor"
	}
	return a.in.typ.String()
}

// Accessor resolves a field path of the struct, union or array type t once:
// "cpu.all.utime", "gen.name", "cpu.cpu[3].stime", "dsk.dsk" (an array
// field itself), "" (the whole record). Members of anonymous struct and
// union members are found as Value.Field finds them. A nil order means the
// Spec's byte order; a struct's own scalar_storage_order wins, exactly as
// UnpackWith with Options{Order: order} has it.
//
// The path may not reach a field whose offset depends on the data (one
// after a dynamic array), an LEB128, or a bit-field whose bits span more
// than 8 bytes: read those through Value.
//
// For a type of dynamic size, the accessors of fields whose offset or size
// depends on the data need the record's Layout (see Plan): Offset reports
// -1 for them, and their L methods read them.
func (s *Spec) Accessor(t Type, path string, order binary.ByteOrder) (Accessor, error) {
	return s.Plan(t, order).Accessor(path)
}

// isBigEndian tells a big-endian ByteOrder from a little-endian one.
func isBigEndian(order binary.ByteOrder) bool {
	if order == binary.BigEndian {
		return true
	}
	if order == binary.LittleEndian {
		return false
	}
	return order.Uint16([]byte{0, 1}) == 1
}

// field follows path from the value that a describes.
func (a Accessor) field(path string) (Accessor, error) {
	cur := a
	for p, err := range pathParts(path) {
		if err != nil {
			return Accessor{}, err
		}
		if p.name == "" {
			i := p.index
			arr, ok := As[*Array](cur.in.typ)
			if !ok {
				return Accessor{}, fmt.Errorf("cstruct: path %q: %s is not an array", path, cur.in.typ)
			}
			if arr.Kind != Fixed || cur.in.e0 == nil {
				return Accessor{}, fmt.Errorf("cstruct: path %q: %s has no fixed layout; read it through Value", path, cur.in.typ)
			}
			if i < 0 || i >= cur.in.n {
				return Accessor{}, fmt.Errorf("cstruct: path %q: index %d out of range [0,%d)", path, i, cur.in.n)
			}
			cur = cur.Elem(i)
			continue
		}
		part := p.name
		st, ok := As[*Struct](cur.in.typ)
		if !ok {
			return Accessor{}, fmt.Errorf("cstruct: path %q: %s has no field %q", path, cur.in.typ, part)
		}
		_, idx, ok := st.FieldByName(part)
		if !ok {
			return Accessor{}, fmt.Errorf("cstruct: path %q: %s has no field %q", path, cur.in.typ, part)
		}
		for _, i := range idx {
			st, _ := As[*Struct](cur.in.typ)
			f := &st.Fields[i]
			var nf nodeField
			nf.slot = -1
			if nd := cur.in.nd; nd != nil {
				nf = nd.fields[i]
			}
			off, base := cur.off()+f.Offset, cur.in.base
			if f.Offset < 0 {
				if nf.slot < 0 {
					return Accessor{}, fmt.Errorf("cstruct: path %q: %q follows a dynamic field; read it through Value", path, part)
				}
				off, base = dynBias, nf.slot
			}
			next, err := newAccessor(f.Type, off, f.BitOffset, f.BitSize, cur.in.be, base)
			if err != nil {
				return Accessor{}, fmt.Errorf("cstruct: path %q: %w", path, err)
			}
			if IsDynamic(f.Type) {
				next.in.lenSlot = nf.slot
			}
			next.in.nd = nf.sub
			cur = next
		}
	}
	return cur, nil
}

// newAccessor describes a value of type t at off (a bit-field when width >
// 0) inside a value whose scalars have byte order be (a struct's own order
// wins inside it).
func newAccessor(t Type, off int64, bitOff, width int, be bool, base int) (Accessor, error) {
	if st, ok := As[*Struct](t); ok && st.Order != nil {
		be = isBigEndian(st.Order)
	}
	in := &fieldInfo{typ: t, size: t.Size(), be: be, base: base, lenSlot: -1}
	a := Accessor{w: noLoad, in: in}
	if IsDynamic(t) && in.size >= 0 {
		in.size = -1 // a struct ending in a flexible array member
	}
	switch u := Underlying(t).(type) {
	case *Int:
		in.usigned, in.isigned = u.Signed, u.Signed
	case *Enum:
		in.isigned = u.Base.Signed
	case *Char:
		in.isigned = true
	case *WChar, *Pointer:
	case *Float:
		in.fsize = uint8(u.ByteSize)
	case *LEB128:
		return Accessor{}, fmt.Errorf("%s has no fixed width; read it through Value", t)
	case *Array:
		if _, ok := Underlying(u.Elem).(*Char); ok {
			in.text = true
		}
		if !IsDynamic(u.Elem) {
			// element 0, at offset 0: Elem places a copy
			e0, err := newAccessor(u.Elem, 0, 0, 0, be, base)
			if err != nil {
				return Accessor{}, err
			}
			in.str, in.e0 = u.Elem.Size(), &e0
			if u.Kind == Fixed {
				in.n = int(u.Len)
			}
		}
		a.place(off)
		return a, nil
	default: // struct, union, void
		a.place(off)
		return a, nil
	}
	in.scalar = true
	in.bitOff, in.bits = uint8(bitOff), uint8(width)
	if width > 0 {
		n := (bitOff + width + 7) / 8
		if n > 8 {
			return Accessor{}, fmt.Errorf("bit-field of %d bits at bit %d spans %d bytes; read it through Value", width, bitOff, n)
		}
		in.size = int64(n)
	}
	in.span = int64(in.size)
	if in.size > 8 && !in.be { // int128: its low 64 bits
		in.span = 8
	}
	a.place(off)
	return a, nil
}

// place moves an accessor to offset off and, for a scalar, computes its
// load: the 8-byte window that ends where the field ends (or starts at 0),
// and the shifts that take the field out of it.
func (a *Accessor) place(off int64) {
	in := a.in
	if !in.scalar {
		a.end = int(off) // span 0
		return
	}
	start, n, bitOff, width := off, in.size, int64(in.bitOff), int64(in.bits)
	if width == 0 {
		if n > 8 { // int128: its low 64 bits
			if in.be {
				start += n - 8
			}
			n = 8
		}
		width = 8 * n
	}
	end := start + n
	w := max(end-8, 0)
	var lo int64
	if in.be {
		lo = 64 - 8*(start-w) - bitOff - width
	} else {
		lo = 8*(start-w) + bitOff
	}
	a.w, a.end = int(w), int(end)
	a.sh = shifts{l: uint8(64 - lo - width), r: uint8(64 - width), ur: uint8(64 - width), ir: uint8(64 - width)}
	if in.be {
		a.sh.l |= 128
	}
	if in.usigned {
		a.sh.ur = 0
	}
	if in.isigned {
		a.sh.ir = 0
	}
}

// Number is the set of Go types a Scalar reads.
type Number interface {
	~int8 | ~int16 | ~int32 | ~int64 | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~float32 | ~float64
}

// A Scalar is an accessor for a caller that knows the field's width: a
// field of a C type of exactly T's size, signedness and kind (integer or
// float), not a bit-field, in a record of at least 8 bytes. Get is one
// 8-byte load, an optional byte swap and one shift, inlined.
type Scalar[T Number] struct {
	w  int   // the 8-byte window b[w:w+8]
	sh uint8 // the field's first bit in the (byte-swapped) window
	be bool
}

// ScalarOf resolves path in t as Spec.Accessor does, and checks that the
// field reads as a T. Records of fewer than 8 bytes (the part of a dynamic
// record before its first dynamic field) need an Accessor.
func ScalarOf[T Number](s *Spec, t Type, path string, order binary.ByteOrder) (Scalar[T], error) {
	a, err := s.Accessor(t, path, order)
	if err != nil {
		return Scalar[T]{}, err
	}
	if m := staticPrefix(t); a.in.base >= 0 || a.w+8 > int(m) {
		return Scalar[T]{}, fmt.Errorf("cstruct: path %q: a Scalar needs 8 bytes of record around the field, %s has %d", path, t, m)
	}
	return ScalarFrom[T](a)
}

// ScalarFrom turns an accessor into a Scalar, checking that its field reads
// as a T. The records it reads must have at least 8 bytes from the start
// of its window.
func ScalarFrom[T Number](a Accessor) (Scalar[T], error) {
	var z T
	size := int64(unsafe.Sizeof(z))
	in := a.in
	if in == nil || !in.scalar || in.bits > 0 || in.size != size || a.IsFloat() != isFloat[T]() || (!a.IsFloat() && in.isigned != isSigned[T]()) {
		return Scalar[T]{}, fmt.Errorf("cstruct: field at offset %d is %s, not read as %T", a.Offset(), a.typeString(), z)
	}
	// the field is bits [64-l-8*size, 64-l) of the window
	return Scalar[T]{w: a.w, sh: uint8(64 - int(a.sh.l&63) - 8*int(size)), be: in.be}, nil
}

// staticPrefix is how many bytes every record of type t has: its size, or
// for a dynamic struct the offset of its first field of dynamic offset or
// size.
func staticPrefix(t Type) int64 {
	if !IsDynamic(t) {
		return t.Size()
	}
	st, ok := As[*Struct](t)
	if !ok {
		return 0
	}
	var end int64
	for _, f := range st.Fields {
		if f.Offset < 0 {
			break
		}
		if IsDynamic(f.Type) {
			return max(end, f.Offset+staticPrefix(f.Type))
		}
		size := f.Type.Size()
		if f.IsBitfield() {
			size = int64(f.BitOffset+f.BitSize+7) / 8
		}
		end = max(end, f.Offset+size)
	}
	return end
}

func isFloat[T Number]() bool { return T(1)/2 != 0 }

func isSigned[T Number]() bool {
	var z T
	z--
	return z < 0
}

// Get reads the field from b, the bytes of the whole record (a short b
// panics with an index error).
func (s Scalar[T]) Get(b []byte) T {
	x := binary.LittleEndian.Uint64(b[s.w : s.w+8])
	if s.be {
		x = bits.ReverseBytes64(x)
	}
	x >>= s.sh & 63
	if isFloat[T]() {
		var z T
		if unsafe.Sizeof(z) == 4 {
			return T(math.Float32frombits(uint32(x)))
		}
		return T(math.Float64frombits(x))
	}
	return T(x)
}
