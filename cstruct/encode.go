package cstruct

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Pack encodes x as a value of type t: the reverse of Unpack followed by
// Interface. Structs take a map[string]any (missing fields are zero) or a
// Value; arrays take a slice ([]any or any typed slice); char arrays take a
// string or []byte (NUL-padded, an error when too long); enums take a member
// name or a number; integers must fit their type (bit-fields their width).
// Holes and padding are zero. Zero-terminated arrays get their terminator.
// The counts of dynamic arrays are written as given, not recomputed.
func (s *Spec) Pack(t Type, x any) ([]byte, error) {
	e := &encoder{order: s.order}
	if err := e.encode(t, x, ""); err != nil {
		return nil, err
	}
	return e.buf, nil
}

type encoder struct {
	buf   []byte
	order binary.ByteOrder
}

func (e *encoder) fail(path string, format string, args ...any) error {
	return &EncodeError{Path: path, Err: fmt.Errorf(format, args...)}
}

func (e *encoder) encode(t Type, x any, path string) error {
	if v, ok := x.(Value); ok {
		e.buf = append(e.buf, v.buf...)
		return nil
	}
	switch u := Underlying(t).(type) {
	case *Struct:
		return e.encodeStruct(u, x, path)
	case *Array:
		return e.encodeArray(u, x, path)
	case *Void:
		return nil
	case *LEB128:
		n, err := toBig(x)
		if err != nil {
			return e.fail(path, "%v", err)
		}
		if !u.Signed && n.Sign() < 0 {
			return e.fail(path, "negative value %s for uleb128", n)
		}
		e.buf = appendLEB(e.buf, n, u.Signed)
		return nil
	}
	start := len(e.buf)
	e.buf = append(e.buf, make([]byte, t.Size())...)
	return e.putScalar(t, e.buf[start:], x, path, 0, 0)
}

// putScalar writes a scalar into b (which has the type's size). For a
// bit-field, bits is its width and bitOff its first bit inside b.
func (e *encoder) putScalar(t Type, b []byte, x any, path string, bitOff, bits int) error {
	order := e.order
	switch u := Underlying(t).(type) {
	case *Float:
		f, err := toFloat(x)
		if err != nil {
			return e.fail(path, "%v", err)
		}
		switch u.ByteSize {
		case 2:
			h, ok := toFloat16(f)
			if !ok {
				return e.fail(path, "%g does not fit float16", f)
			}
			order.PutUint16(b, h)
		case 4:
			order.PutUint32(b, math.Float32bits(float32(f)))
		case 12, 16:
			putFloat80(b, f, order)
		default:
			order.PutUint64(b, math.Float64bits(f))
		}
		return nil
	case *Char:
		if s, ok := x.(string); ok && bits == 0 {
			if len(s) != 1 {
				return e.fail(path, "char wants one byte, got %q", s)
			}
			b[0] = s[0]
			return nil
		}
	case *WChar:
		if s, ok := x.(string); ok {
			units := utf16.Encode([]rune(s))
			if len(units) != 1 {
				return e.fail(path, "wchar wants one UTF-16 unit, got %q", s)
			}
			order.PutUint16(b, units[0])
			return nil
		}
	case *Enum:
		if s, ok := x.(string); ok {
			n, err := enumValue(u, s)
			if err != nil {
				return e.fail(path, "%v", err)
			}
			x = n
		}
	}
	n, err := toBig(x)
	if err != nil {
		return e.fail(path, "%v", err)
	}
	size, signed := scalarShape(t)
	width := size * 8
	if bits > 0 {
		width = bits
	}
	if !fits(n, width, signed) {
		return e.fail(path, "value %s does not fit %d-bit %s", n, width, t)
	}
	// two's complement in width bits
	m := new(big.Int).Set(n)
	if m.Sign() < 0 {
		m.Add(m, new(big.Int).Lsh(bigOne, uint(width)))
	}
	if bits > 0 {
		writeBits(b, bitOff, bits, m.Uint64(), order)
		return nil
	}
	be := m.FillBytes(make([]byte, size))
	if order == binary.BigEndian {
		copy(b, be)
	} else {
		for i := range be {
			b[i] = be[len(be)-1-i]
		}
	}
	return nil
}

// scalarShape gives the byte size and signedness of an integer-like type.
func scalarShape(t Type) (int, bool) {
	switch u := Underlying(t).(type) {
	case *Int:
		return int(u.ByteSize), u.Signed
	case *Enum:
		return int(u.Base.ByteSize), u.Base.Signed
	case *Char:
		return 1, false
	case *WChar:
		return 2, false
	case *Pointer:
		return int(u.ByteSize), false
	}
	return int(t.Size()), false
}

func fits(n *big.Int, width int, signed bool) bool {
	if signed {
		lim := new(big.Int).Lsh(bigOne, uint(width-1))
		return n.Cmp(new(big.Int).Neg(lim)) >= 0 && n.Cmp(lim) < 0
	}
	// unsigned types also take negative values that fit the signed range
	// (a decoded char or bit pattern), as C's conversions do
	lim := new(big.Int).Lsh(bigOne, uint(width))
	return n.Cmp(new(big.Int).Neg(new(big.Int).Rsh(lim, 1))) >= 0 && n.Cmp(lim) < 0
}

func writeBits(b []byte, off, width int, x uint64, order binary.ByteOrder) {
	for i := 0; i < width; i++ {
		p := off + i
		var bit byte
		if order == binary.BigEndian {
			bit = byte(x>>(width-1-i)) & 1
			b[p/8] = b[p/8]&^(1<<(7-p%8)) | bit<<(7-p%8)
		} else {
			bit = byte(x>>i) & 1
			b[p/8] = b[p/8]&^(1<<(p%8)) | bit<<(p%8)
		}
	}
}

func enumValue(e *Enum, s string) (int64, error) {
	var n int64
	for _, part := range strings.Split(s, "|") {
		found := false
		for _, m := range e.Values {
			if m.Name == part {
				n |= m.Value
				found = true
				break
			}
		}
		if !found {
			// unknown bits are rendered as a number (EnumName)
			x, err := strconv.ParseInt(part, 0, 64)
			if err != nil {
				return 0, fmt.Errorf("%s has no member %q", e, part)
			}
			n |= x
		}
		if !e.Flag && strings.Contains(s, "|") {
			return 0, fmt.Errorf("%s is not a flag", e)
		}
	}
	return n, nil
}

func (e *encoder) encodeStruct(st *Struct, x any, path string) error {
	var m map[string]any
	switch v := x.(type) {
	case nil:
	case map[string]any:
		m = v
	default:
		return e.fail(path, "%s wants a map[string]any, got %T", st, x)
	}
	for k := range m {
		if _, _, ok := st.FieldByName(k); !ok {
			return e.fail(path, "%s has no field %q", st, k)
		}
	}
	saved := e.order
	if st.Order != nil {
		e.order = st.Order
	}
	defer func() { e.order = saved }()
	start := len(e.buf)
	if st.Union {
		return e.encodeUnion(st, m, path, start)
	}
	for i := range st.Fields {
		f := &st.Fields[i]
		off := f.Offset
		if off < 0 {
			off = alignUp(int64(len(e.buf)-start), f.Align)
		}
		for int64(len(e.buf)-start) < off {
			e.buf = append(e.buf, 0)
		}
		fp := joinPath(path, f.Name)
		var val any
		if f.Name == "" {
			val = m // anonymous member: its fields come from the same map
			if sub, ok := As[*Struct](f.Type); ok && m != nil {
				val = subMap(sub, m)
			}
		} else if m != nil {
			val = m[f.Name]
		}
		if f.IsBitfield() {
			end := off + int64(f.BitOffset+f.BitSize+7)/8
			for int64(len(e.buf)-start) < end {
				e.buf = append(e.buf, 0)
			}
			if val == nil {
				continue
			}
			if err := e.putScalar(f.Type, e.buf[start+int(off):start+int(end)], val, fp, f.BitOffset, f.BitSize); err != nil {
				return err
			}
			continue
		}
		if int64(len(e.buf)-start) > off { // overlapping: only unions do that
			e.buf = e.buf[:start+int(off)]
		}
		if err := e.encode(f.Type, val, fp); err != nil {
			return err
		}
	}
	return e.pad(st, start)
}

// subMap picks the keys of m that belong to an anonymous member.
func subMap(st *Struct, m map[string]any) map[string]any {
	out := make(map[string]any)
	for k, v := range m {
		if _, _, ok := st.FieldByName(k); ok {
			out[k] = v
		}
	}
	return out
}

func (e *encoder) encodeUnion(st *Struct, m map[string]any, path string, start int) error {
	// Of the members that have a value, the one that covers most of the
	// union is written (the first declared of equals), as dissect does:
	// the others overlay it, and a union packs back to the bytes it was
	// unpacked from.
	var best []byte
	for i := range st.Fields {
		f := &st.Fields[i]
		var val any
		ok := false
		if f.Name == "" {
			if sub, isStruct := As[*Struct](f.Type); isStruct && m != nil {
				if sm := subMap(sub, m); len(sm) > 0 {
					val, ok = sm, true
				}
			}
		} else if m != nil {
			val, ok = m[f.Name]
		}
		if !ok {
			continue
		}
		e.buf = e.buf[:start]
		fp := joinPath(path, f.Name)
		if f.IsBitfield() {
			e.buf = append(e.buf, make([]byte, (f.BitOffset+f.BitSize+7)/8)...)
			if err := e.putScalar(f.Type, e.buf[start:], val, fp, f.BitOffset, f.BitSize); err != nil {
				return err
			}
		} else if err := e.encode(f.Type, val, fp); err != nil {
			return err
		}
		if best == nil || len(e.buf)-start > len(best) {
			best = append(best[:0], e.buf[start:]...)
		}
	}
	e.buf = append(e.buf[:start], best...)
	return e.pad(st, start)
}

func (e *encoder) pad(st *Struct, start int) error {
	size := int64(len(e.buf) - start)
	want := size
	if st.ByteSize >= 0 && !st.dynamic {
		want = st.ByteSize
	} else if st.Packed != 1 {
		want = alignUp(size, st.ByteAlign)
	}
	for int64(len(e.buf)-start) < want {
		e.buf = append(e.buf, 0)
	}
	return nil
}

func (e *encoder) encodeArray(a *Array, x any, path string) error {
	elemText := false
	switch Underlying(a.Elem).(type) {
	case *Char, *WChar:
		elemText = true
	}
	var items []any
	switch v := x.(type) {
	case nil:
	case string:
		if !elemText {
			return e.fail(path, "%s wants a list, got a string", a)
		}
		return e.encodeText(a, v, path)
	case []byte:
		if _, ok := Underlying(a.Elem).(*Char); ok {
			return e.encodeText(a, string(v), path)
		}
		for _, c := range v {
			items = append(items, c)
		}
	default:
		rv := reflect.ValueOf(x)
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return e.fail(path, "%s wants a list, got %T", a, x)
		}
		for i := 0; i < rv.Len(); i++ {
			items = append(items, rv.Index(i).Interface())
		}
	}
	if a.Kind == Fixed && int64(len(items)) > a.Len {
		return e.fail(path, "%d elements for %s", len(items), a)
	}
	for i, it := range items {
		if err := e.encode(a.Elem, it, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	switch a.Kind {
	case Fixed:
		for i := int64(len(items)); i < a.Len; i++ {
			if err := e.encode(a.Elem, nil, path); err != nil {
				return err
			}
		}
	case ZeroTerm, Flexible:
		if err := e.encode(a.Elem, nil, path); err != nil {
			return err
		}
	}
	return nil
}

func (e *encoder) encodeText(a *Array, s string, path string) error {
	var units []byte
	if _, ok := Underlying(a.Elem).(*WChar); ok {
		for _, u := range utf16.Encode([]rune(s)) {
			var b [2]byte
			e.order.PutUint16(b[:], u)
			units = append(units, b[:]...)
		}
	} else {
		units = []byte(s)
	}
	es := a.Elem.Size()
	switch a.Kind {
	case Fixed:
		if int64(len(units)) > a.Len*es {
			return e.fail(path, "%d bytes of text for %s", len(units), a)
		}
		e.buf = append(e.buf, units...)
		e.buf = append(e.buf, make([]byte, a.Len*es-int64(len(units)))...)
	case ZeroTerm, Flexible:
		e.buf = append(e.buf, units...)
		e.buf = append(e.buf, make([]byte, es)...)
	default:
		e.buf = append(e.buf, units...)
	}
	return nil
}

func toBig(x any) (*big.Int, error) {
	switch v := x.(type) {
	case nil:
		return new(big.Int), nil
	case *big.Int:
		return v, nil
	case bool:
		if v {
			return big.NewInt(1), nil
		}
		return new(big.Int), nil
	case string:
		if len(v) == 1 {
			return big.NewInt(int64(v[0])), nil
		}
		return nil, fmt.Errorf("want a number, got %q", v)
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return big.NewInt(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return new(big.Int).SetUint64(rv.Uint()), nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("want an integer, got %g", f)
		}
		b, _ := big.NewFloat(f).Int(nil)
		return b, nil
	}
	return nil, fmt.Errorf("want a number, got %T", x)
}

func toFloat(x any) (float64, error) {
	switch v := x.(type) {
	case nil:
		return 0, nil
	case string:
		switch v {
		case "NaN":
			return math.NaN(), nil
		case "+Inf", "Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
	}
	rv := reflect.ValueOf(x)
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return rv.Float(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), nil
	}
	return 0, fmt.Errorf("want a number, got %T", x)
}

// toFloat16 rounds f to binary16; ok is false when it does not fit.
func toFloat16(f float64) (uint16, bool) {
	if math.IsNaN(f) {
		return 0x7e00, true
	}
	var sign uint16
	if math.Signbit(f) {
		sign = 0x8000
		f = -f
	}
	if math.IsInf(f, 0) {
		return sign | 0x7c00, true
	}
	if f == 0 {
		return sign, true
	}
	if f >= 65520 {
		return 0, false
	}
	frac, exp := math.Frexp(f) // f = frac * 2^exp, frac in [0.5, 1)
	e := exp - 1 + 15
	if e <= 0 { // subnormal
		m := uint16(math.RoundToEven(f * (1 << 24)))
		return sign | m, true
	}
	m := math.RoundToEven((frac*2 - 1) * 1024)
	if m == 1024 {
		m = 0
		e++
	}
	if e >= 31 {
		return 0, false
	}
	return sign | uint16(e)<<10 | uint16(m), true
}

func appendLEB(dst []byte, n *big.Int, signed bool) []byte {
	x := new(big.Int).Set(n)
	seven := big.NewInt(0x7f)
	for {
		b := byte(new(big.Int).And(x, seven).Uint64())
		x.Rsh(x, 7)
		done := false
		if signed {
			done = (x.Sign() == 0 && b&0x40 == 0) || (x.Cmp(big.NewInt(-1)) == 0 && b&0x40 != 0)
		} else {
			done = x.Sign() == 0
		}
		if done {
			return append(dst, b)
		}
		dst = append(dst, b|0x80)
	}
}
