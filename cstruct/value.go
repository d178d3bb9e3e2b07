package cstruct

import (
	"encoding/binary"
	"fmt"
	"iter"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
)

// A Value is a typed view of bytes: a value of some Type at some offset of
// the input. It aliases the slice given to Unpack; copy that slice if it is
// reused. Accessors decode on demand. Calling an accessor of the wrong kind
// (Int on a struct) panics, as reflect does: that is a programming error,
// never a data error.
type Value struct {
	typ     Type
	buf     []byte // the value's bytes; for a bit-field, the bytes holding its bits
	off     int64  // absolute offset of buf[0]
	order   binary.ByteOrder
	lay     *dynLayout
	bitOff  int // bit-fields: first bit inside buf
	bitSize int // bit-fields: width; 0 otherwise
}

// Type is the value's declared type.
func (v Value) Type() Type { return v.typ }

// Offset is the absolute byte offset of the value in the input.
func (v Value) Offset() int64 { return v.off }

// Size is the number of bytes the value occupies (for a bit-field, the bytes
// that hold its bits).
func (v Value) Size() int64 { return int64(len(v.buf)) }

// Bytes are the value's bytes, aliasing the input.
func (v Value) Bytes() []byte { return v.buf }

// ByteOrder is the byte order its scalars are read with.
func (v Value) ByteOrder() binary.ByteOrder { return v.order }

// BitField reports the bit offset and width of a bit-field value.
func (v Value) BitField() (offset, width int, ok bool) {
	return v.bitOff, v.bitSize, v.bitSize > 0
}

// IsValid reports whether v holds a value (the zero Value does not).
func (v Value) IsValid() bool { return v.typ != nil }

// Field returns the named member of a struct or union value; members of
// anonymous struct/union members are found as in C.
func (v Value) Field(name string) (Value, bool) {
	st, ok := As[*Struct](v.typ)
	if !ok {
		return Value{}, false
	}
	_, path, ok := st.FieldByName(name)
	if !ok {
		return Value{}, false
	}
	fv, err := v.byPath(path)
	return fv, err == nil
}

// byPath follows field indexes through anonymous members.
func (v Value) byPath(path []int) (Value, error) {
	for _, i := range path {
		next, err := v.fieldAt(i)
		if err != nil {
			return Value{}, err
		}
		v = next
	}
	return v, nil
}

// NumField is the number of fields of a struct value, anonymous members
// counted once.
func (v Value) NumField() int {
	st := v.mustStruct()
	return len(st.Fields)
}

// FieldAt returns the i'th field of a struct value and its description.
func (v Value) FieldAt(i int) (Field, Value) {
	st := v.mustStruct()
	fv, err := v.fieldOf(st, i)
	if err != nil {
		panic(err)
	}
	return st.Fields[i], fv
}

func (v Value) mustStruct() *Struct {
	if st, ok := v.typ.(*Struct); ok {
		return st
	}
	st, ok := As[*Struct](v.typ)
	if !ok {
		panic(fmt.Sprintf("cstruct: fields of a non-struct value (%s)", v.typ))
	}
	return st
}

func (v Value) fieldAt(i int) (Value, error) {
	return v.fieldOf(v.mustStruct(), i)
}

// fieldOf is fieldAt of v, whose struct type is st.
func (v Value) fieldOf(st *Struct, i int) (Value, error) {
	f := &st.Fields[i]
	fs := &st.table()[i]
	order := v.order
	if st.Order != nil {
		order = st.Order
	}
	off := f.Offset
	var sub *dynLayout
	if v.lay != nil {
		off = v.lay.offs[i]
		sub = v.lay.subs[i]
	}
	if fs.bits {
		end := off + fs.size
		if end > int64(len(v.buf)) {
			return Value{}, fmt.Errorf("field %s beyond the value", f.Name)
		}
		return Value{typ: f.Type, buf: v.buf[off:end], off: v.off + off, order: order, bitOff: f.BitOffset, bitSize: f.BitSize}, nil
	}
	if fs.order != nil {
		order = fs.order
	}
	size := fs.size
	if sub != nil {
		size = sub.size
	}
	if size < 0 || off < 0 || off+size > int64(len(v.buf)) {
		// a flexible array member is not part of a statically sized view
		size = max(int64(len(v.buf))-off, 0)
		if off > int64(len(v.buf)) {
			off = int64(len(v.buf))
		}
	}
	return Value{typ: f.Type, buf: v.buf[off : off+size], off: v.off + off, order: order, lay: sub}, nil
}

// Fields yields each field of a struct value with its description, in
// declaration order. Anonymous members are yielded as one field with an
// empty name; see Walk for a flat view.
func (v Value) Fields() iter.Seq2[Field, Value] {
	return func(yield func(Field, Value) bool) {
		st := v.mustStruct()
		for i := range st.Fields {
			fv, err := v.fieldAt(i)
			if err != nil {
				return
			}
			if !yield(st.Fields[i], fv) {
				return
			}
		}
	}
}

// Len is the number of elements of an array value, or of characters of a
// char array.
func (v Value) Len() int {
	a, ok := As[*Array](v.typ)
	if !ok {
		panic(fmt.Sprintf("cstruct: Len of a non-array value (%s)", v.typ))
	}
	if v.lay != nil {
		return v.lay.n
	}
	if _, void := Underlying(a.Elem).(*Void); void {
		return 0 // void x[4] reads as an empty list, as in dissect
	}
	if a.Kind == Fixed {
		return int(a.Len)
	}
	if es := a.Elem.Size(); es > 0 {
		return len(v.buf) / int(es)
	}
	return 0
}

// Index returns element i of an array value.
func (v Value) Index(i int) Value {
	a, ok := As[*Array](v.typ)
	if !ok {
		panic(fmt.Sprintf("cstruct: Index of a non-array value (%s)", v.typ))
	}
	n := v.Len()
	if i < 0 || i >= n {
		panic(fmt.Sprintf("cstruct: index %d out of range [0,%d)", i, n))
	}
	if v.lay != nil && v.lay.offs != nil {
		off := v.lay.offs[i]
		sub := v.lay.subs[i]
		size := a.Elem.Size()
		if sub != nil {
			size = sub.size
		}
		return Value{typ: a.Elem, buf: v.buf[off : off+size], off: v.off + off, order: structOrder(a.Elem, v.order), lay: sub}
	}
	es := a.Elem.Size()
	off := int64(i) * es
	return Value{typ: a.Elem, buf: v.buf[off : off+es], off: v.off + off, order: structOrder(a.Elem, v.order)}
}

// Elems yields the elements of an array value.
func (v Value) Elems() iter.Seq2[int, Value] {
	return func(yield func(int, Value) bool) {
		n := v.Len()
		for i := 0; i < n; i++ {
			if !yield(i, v.Index(i)) {
				return
			}
		}
	}
}

// Lookup follows a dotted path with indexes: "cpu.all.utime",
// "intf.intf[2].name". It returns an error naming the first part that does
// not exist.
func (v Value) Lookup(path string) (Value, error) {
	if st, ok := v.typ.(*Struct); ok {
		if steps := st.compiledPath(path); steps != nil {
			if fv, ok := v.follow(steps); ok {
				return fv, nil
			}
		}
	}
	return v.lookup(path)
}

// follow runs a compiled path; false: the path does not apply to this value
// (an index out of range), and lookup says why.
func (v Value) follow(steps []pathStep) (Value, bool) {
	for _, s := range steps {
		if s.fields == nil {
			if s.index >= v.Len() {
				return Value{}, false
			}
			v = v.Index(s.index)
			continue
		}
		var err error
		if v, err = v.byPath(s.fields); err != nil {
			return Value{}, false
		}
	}
	return v, true
}

// lookup is Lookup by parsing the path, the judge of compiledPath.
func (v Value) lookup(path string) (Value, error) {
	cur := v
	for p, err := range pathParts(path) {
		if err != nil {
			return Value{}, err
		}
		if p.name == "" {
			i := p.index
			if _, ok := As[*Array](cur.typ); !ok {
				return Value{}, fmt.Errorf("cstruct: path %q: %s is not an array", path, cur.typ)
			}
			if i < 0 || i >= cur.Len() {
				return Value{}, fmt.Errorf("cstruct: path %q: index %d out of range [0,%d)", path, i, cur.Len())
			}
			cur = cur.Index(i)
			continue
		}
		next, ok := cur.Field(p.name)
		if !ok {
			return Value{}, fmt.Errorf("cstruct: path %q: %s has no field %q", path, cur.typ, p.name)
		}
		cur = next
	}
	return cur, nil
}

// rawUint reads the value's integer bits (up to 8 bytes) without sign.
func (v Value) rawUint() uint64 {
	if v.bitSize > 0 {
		return readBits(v.buf, v.bitOff, v.bitSize, v.order)
	}
	return readUint(v.buf, v.order)
}

// readUint reads an unsigned integer of len(b) ≤ 8 bytes.
func readUint(b []byte, order binary.ByteOrder) uint64 {
	switch len(b) {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(order.Uint16(b))
	case 4:
		return uint64(order.Uint32(b))
	case 8:
		return order.Uint64(b)
	}
	var x uint64
	if order == binary.BigEndian {
		for _, c := range b {
			x = x<<8 | uint64(c)
		}
		return x
	}
	for i := len(b) - 1; i >= 0; i-- {
		x = x<<8 | uint64(b[i])
	}
	return x
}

// readBits extracts width bits starting at bit off of b: counted from the
// least significant bit of b[0] upward in little-endian data, from the most
// significant bit of b[0] downward in big-endian data (as compilers allocate).
func readBits(b []byte, off, width int, order binary.ByteOrder) uint64 {
	var x uint64
	for i := 0; i < width; i++ {
		p := off + i
		var bit byte
		if order == binary.BigEndian {
			bit = b[p/8] >> (7 - p%8) & 1
			x = x<<1 | uint64(bit)
		} else {
			bit = b[p/8] >> (p % 8) & 1
			x |= uint64(bit) << i
		}
	}
	return x
}

func signExtend(x uint64, bits int) int64 {
	if bits >= 64 {
		return int64(x)
	}
	shift := 64 - bits
	return int64(x<<shift) >> shift
}

// intValue reads any integer-like value (ints, enums, chars, bools,
// pointers) as int64.
func (v Value) intValue() (int64, bool) {
	switch u := Underlying(v.typ).(type) {
	case *Int:
		if u.ByteSize > 8 && v.bitSize == 0 {
			b := v.BigInt()
			if !b.IsInt64() {
				return 0, false
			}
			return b.Int64(), true
		}
		x := v.rawUint()
		if u.Signed {
			bits := int(u.ByteSize * 8)
			if v.bitSize > 0 {
				bits = v.bitSize
			}
			return signExtend(x, bits), true
		}
		return int64(x), true
	case *Enum:
		x := v.rawUint()
		if u.Base.Signed {
			bits := int(u.Base.ByteSize * 8)
			if v.bitSize > 0 {
				bits = v.bitSize
			}
			return signExtend(x, bits), true
		}
		return int64(x), true
	case *Char:
		// plain char is signed on x86_64, as gcc has it
		x := v.rawUint()
		if v.bitSize > 0 {
			return signExtend(x, v.bitSize), true
		}
		return signExtend(x, 8), true
	case *WChar, *Pointer:
		return int64(v.rawUint()), true
	case *LEB128:
		b := v.BigInt()
		return b.Int64(), b.IsInt64()
	}
	return 0, false
}

// Int returns an integer-like value (integer, enum, flag, char, bool,
// pointer) as int64, sign-extended by its type.
func (v Value) Int() int64 {
	n, ok := v.intValue()
	if !ok {
		panic(fmt.Sprintf("cstruct: Int of %s", v.typ))
	}
	return n
}

// Uint returns an integer-like value as uint64 (the bits of a signed value).
func (v Value) Uint() uint64 {
	switch u := Underlying(v.typ).(type) {
	case *Int:
		if u.ByteSize > 8 && v.bitSize == 0 {
			b := v.BigInt()
			return b.Uint64()
		}
		if u.Signed {
			return uint64(v.Int())
		}
		return v.rawUint()
	case *Enum, *Char, *WChar, *Pointer:
		return v.rawUint()
	}
	return uint64(v.Int())
}

// IsInteger reports whether Int and Uint apply to v.
func (v Value) IsInteger() bool {
	switch Underlying(v.typ).(type) {
	case *Int, *Enum, *Char, *WChar, *Pointer, *LEB128:
		return true
	}
	return false
}

// BigInt returns an integer of any width (int128, LEB128 included).
func (v Value) BigInt() *big.Int {
	switch u := Underlying(v.typ).(type) {
	case *Int:
		if u.ByteSize <= 8 || v.bitSize > 0 {
			if u.Signed {
				return big.NewInt(v.Int())
			}
			return new(big.Int).SetUint64(v.rawUint())
		}
		be := make([]byte, len(v.buf))
		copy(be, v.buf)
		if v.order != binary.BigEndian {
			for i, j := 0, len(be)-1; i < j; i, j = i+1, j-1 {
				be[i], be[j] = be[j], be[i]
			}
		}
		x := new(big.Int).SetBytes(be)
		if u.Signed && len(be) > 0 && be[0]&0x80 != 0 {
			x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(len(be)*8)))
		}
		return x
	case *LEB128:
		x := new(big.Int)
		for i := len(v.buf) - 1; i >= 0; i-- {
			x.Lsh(x, 7)
			x.Or(x, big.NewInt(int64(v.buf[i]&0x7f)))
		}
		if u.Signed && len(v.buf) > 0 && v.buf[len(v.buf)-1]&0x40 != 0 {
			x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(7*len(v.buf))))
		}
		return x
	}
	n, ok := v.intValue()
	if !ok {
		panic(fmt.Sprintf("cstruct: BigInt of %s", v.typ))
	}
	return big.NewInt(n)
}

// Float returns a float16, float or double value.
func (v Value) Float() float64 {
	f, ok := Underlying(v.typ).(*Float)
	if !ok {
		panic(fmt.Sprintf("cstruct: Float of %s", v.typ))
	}
	if isFloat80(f) {
		return float80(v.buf, v.order)
	}
	x := readUint(v.buf, v.order)
	switch f.ByteSize {
	case 2:
		return float16(uint16(x))
	case 4:
		return float64(math.Float32frombits(uint32(x)))
	}
	return math.Float64frombits(x)
}

func float16(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 31:
		if frac == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * math.Ldexp(1+frac/1024, exp-15)
}

// Bool returns a _Bool value (any non-zero byte is true).
func (v Value) Bool() bool {
	return v.rawUint() != 0
}

// Text returns the text of a char or wchar value or array: char arrays are
// cut at the first NUL byte (the bytes as they are, not necessarily UTF-8),
// wchar arrays are decoded from UTF-16 and cut at the first NUL.
func (v Value) Text() string {
	switch u := Underlying(v.typ).(type) {
	case *Char:
		return string(v.buf[:1])
	case *WChar:
		return string(utf16.Decode([]uint16{uint16(v.rawUint())}))
	case *Array:
		switch Underlying(u.Elem).(type) {
		case *Char:
			b := v.buf
			if i := indexByte(b, 0); i >= 0 {
				b = b[:i]
			}
			return string(b)
		case *WChar:
			n := len(v.buf) / 2
			units := make([]uint16, 0, n)
			for i := 0; i < n; i++ {
				c := uint16(readUint(v.buf[2*i:2*i+2], v.order))
				if c == 0 {
					break
				}
				units = append(units, c)
			}
			return string(utf16.Decode(units))
		}
	}
	panic(fmt.Sprintf("cstruct: Text of %s", v.typ))
}

// IsText reports whether Text applies to v.
func (v Value) IsText() bool {
	switch u := Underlying(v.typ).(type) {
	case *Char, *WChar:
		return v.bitSize == 0
	case *Array:
		switch Underlying(u.Elem).(type) {
		case *Char, *WChar:
			return true
		}
	}
	return false
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// EnumName returns the member name of an enum value, or for a flag the set
// members joined by "|" (unknown bits as a number). ok is false when no
// member matches.
func (v Value) EnumName() (string, bool) {
	e, isEnum := Underlying(v.typ).(*Enum)
	if !isEnum {
		return "", false
	}
	n := v.Int()
	if !e.Flag {
		for _, m := range e.Values {
			if m.Value == n {
				return m.Name, true
			}
		}
		return "", false
	}
	if n == 0 {
		for _, m := range e.Values {
			if m.Value == 0 {
				return m.Name, true
			}
		}
		return "", false
	}
	var names []string
	rest := uint64(n)
	for _, m := range e.Values {
		if m.Value != 0 && uint64(m.Value)&rest == uint64(m.Value) {
			names = append(names, m.Name)
			rest &^= uint64(m.Value)
		}
	}
	if len(names) == 0 {
		return "", false
	}
	if rest != 0 {
		names = append(names, strconv.FormatUint(rest, 10))
	}
	return strings.Join(names, "|"), true
}

// String renders the value compactly, C-like: numbers, quoted text,
// enum names, and {…} for structs and arrays.
func (v Value) String() string {
	var b strings.Builder
	writeText(&b, v, 0)
	return b.String()
}
