package cstruct

import (
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// writeText renders v compactly for String.
func writeText(b *strings.Builder, v Value, depth int) {
	if depth > 32 {
		b.WriteString("…")
		return
	}
	switch Underlying(v.typ).(type) {
	case *Struct:
		b.WriteString("{")
		first := true
		for f, fv := range v.Fields() {
			if !first {
				b.WriteString(", ")
			}
			first = false
			if f.Name != "" {
				b.WriteString(f.Name + "=")
			}
			writeText(b, fv, depth+1)
		}
		b.WriteString("}")
	case *Array:
		if v.IsText() {
			b.WriteString(strconv.Quote(v.Text()))
			return
		}
		b.WriteString("[")
		for i, e := range v.Elems() {
			if i > 0 {
				b.WriteString(", ")
			}
			if i >= 64 {
				fmt.Fprintf(b, "… %d more", v.Len()-i)
				break
			}
			writeText(b, e, depth+1)
		}
		b.WriteString("]")
	default:
		b.WriteString(scalarText(v))
	}
}

// scalarText renders a scalar value: numbers, enum names with their value,
// quoted characters.
func scalarText(v Value) string {
	switch u := Underlying(v.typ).(type) {
	case *Int:
		if u.Bool && v.bitSize == 0 {
			return strconv.FormatBool(v.Bool())
		}
		return v.BigInt().String()
	case *LEB128:
		return v.BigInt().String()
	case *Enum:
		n := v.Int()
		if name, ok := v.EnumName(); ok {
			return fmt.Sprintf("%s (%d)", name, n)
		}
		return strconv.FormatInt(n, 10)
	case *Char:
		if v.bitSize > 0 {
			return strconv.FormatInt(v.Int(), 10)
		}
		return strconv.QuoteToASCII(v.Text())
	case *WChar:
		return strconv.QuoteToASCII(v.Text())
	case *Float:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	case *Pointer:
		return fmt.Sprintf("%#x", v.Uint())
	case *Void:
		return "void"
	}
	return "?"
}

// AppendJSON appends v as JSON: structs as objects with keys in declaration
// order (members of anonymous structs and unions at the parent's level),
// arrays as arrays, integers as exact numbers of any width, floats as
// numbers ("NaN", "+Inf", "-Inf" as strings), char arrays as strings cut at
// the first NUL (bytes that are not UTF-8 escaped as \u00XX), enums as their
// member name (or the number when none matches), flags as "A|B", pointers as
// numbers, bools as true/false.
func AppendJSON(dst []byte, v Value) []byte {
	return appendJSON(dst, v, 0)
}

// MarshalJSON implements json.Marshaler.
func (v Value) MarshalJSON() ([]byte, error) {
	return AppendJSON(nil, v), nil
}

func appendJSON(dst []byte, v Value, depth int) []byte {
	switch u := Underlying(v.typ).(type) {
	case *Struct:
		dst = append(dst, '{')
		first := true
		dst = appendJSONFields(dst, v, &first, depth)
		return append(dst, '}')
	case *Array:
		if v.IsText() {
			return AppendJSONString(dst, v.Text())
		}
		dst = append(dst, '[')
		for i, e := range v.Elems() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSON(dst, e, depth+1)
		}
		return append(dst, ']')
	case *Int:
		if u.Bool && v.bitSize == 0 {
			return strconv.AppendBool(dst, v.Bool())
		}
		if u.ByteSize > 8 && v.bitSize == 0 {
			return v.BigInt().Append(dst, 10)
		}
		if u.Signed {
			return strconv.AppendInt(dst, v.Int(), 10)
		}
		return strconv.AppendUint(dst, v.Uint(), 10)
	case *LEB128:
		return v.BigInt().Append(dst, 10)
	case *Enum:
		// a flag with bits that no member names is written as its number
		if name, ok := v.EnumName(); ok && !(u.Flag && hasNumericPart(name)) {
			return AppendJSONString(dst, name)
		}
		return strconv.AppendInt(dst, v.Int(), 10)
	case *Char:
		if v.bitSize > 0 {
			return strconv.AppendInt(dst, v.Int(), 10)
		}
		return AppendJSONString(dst, v.Text())
	case *WChar:
		return AppendJSONString(dst, v.Text())
	case *Float:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return append(dst, `"NaN"`...)
		case math.IsInf(f, 1):
			return append(dst, `"+Inf"`...)
		case math.IsInf(f, -1):
			return append(dst, `"-Inf"`...)
		}
		bits := 64
		if u.ByteSize == 4 {
			bits = 32
		}
		return strconv.AppendFloat(dst, f, 'g', -1, bits)
	case *Pointer:
		return strconv.AppendUint(dst, v.Uint(), 10)
	}
	return append(dst, "null"...)
}

func appendJSONFields(dst []byte, v Value, first *bool, depth int) []byte {
	for f, fv := range v.Fields() {
		if f.Name == "" {
			if _, ok := As[*Struct](f.Type); ok && f.BitSize == 0 {
				dst = appendJSONFields(dst, fv, first, depth+1)
			}
			continue
		}
		if f.Name == "_" {
			continue
		}
		if !*first {
			dst = append(dst, ',')
		}
		*first = false
		dst = AppendJSONString(dst, f.Name)
		dst = append(dst, ':')
		dst = appendJSON(dst, fv, depth+1)
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, as AppendJSON writes text:
// bytes that are not valid UTF-8 become \u00XX, so that no information is
// lost.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONText(dst, s) }

// AppendJSONBytes is AppendJSONString of the text in b, without a copy.
func AppendJSONBytes(dst []byte, b []byte) []byte { return appendJSONText(dst, b) }

func appendJSONText[S ~string | ~[]byte](dst []byte, s S) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				dst = append(dst, '\\', c)
			case c == '\n':
				dst = append(dst, '\\', 'n')
			case c == '\r':
				dst = append(dst, '\\', 'r')
			case c == '\t':
				dst = append(dst, '\\', 't')
			case c < 0x20 || c == 0x7f:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				dst = append(dst, c)
			}
			i++
			continue
		}
		var rb [utf8.UTFMax]byte
		r, size := utf8.DecodeRune(rb[:copy(rb[:], s[i:])])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			i++
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, fmt.Sprintf(`\u%04x`, r)...)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, '"')
}

// Interface converts v to plain Go values for encoders and templates:
// map[string]any for structs (anonymous members folded in), []any for
// arrays, string for text and enum names, int64 or uint64 (or *big.Int for
// wider integers), float64, bool. Pack accepts the same shapes.
func (v Value) Interface() any {
	switch u := Underlying(v.typ).(type) {
	case *Struct:
		m := make(map[string]any, len(u.Fields))
		v.interfaceFields(m)
		return m
	case *Array:
		if v.IsText() {
			return v.Text()
		}
		out := make([]any, 0, v.Len())
		for _, e := range v.Elems() {
			out = append(out, e.Interface())
		}
		return out
	case *Int:
		if u.Bool && v.bitSize == 0 {
			return v.Bool()
		}
		if u.ByteSize > 8 && v.bitSize == 0 {
			return v.BigInt()
		}
		if u.Signed {
			return v.Int()
		}
		return v.Uint()
	case *LEB128:
		b := v.BigInt()
		if b.IsInt64() {
			return b.Int64()
		}
		return b
	case *Enum:
		if name, ok := v.EnumName(); ok {
			return name
		}
		return v.Int()
	case *Char:
		if v.bitSize > 0 {
			return v.Int()
		}
		return v.Text()
	case *WChar:
		return v.Text()
	case *Float:
		return v.Float()
	case *Pointer:
		return v.Uint()
	}
	return nil
}

func (v Value) interfaceFields(m map[string]any) {
	for f, fv := range v.Fields() {
		if f.Name == "" {
			if _, ok := As[*Struct](f.Type); ok && f.BitSize == 0 {
				fv.interfaceFields(m)
			}
			continue
		}
		m[f.Name] = fv.Interface()
	}
}

// WriteListing writes one line per leaf of v: absolute offset, size, type,
// dotted path and value. Arrays of scalars longer than maxElems (if > 0)
// show their first maxElems elements; arrays of structs show that many
// elements expanded.
func WriteListing(w io.Writer, v Value, name string, maxElems int) error {
	lw := &listWriter{w: w, max: maxElems}
	lw.walk(v, name)
	return lw.err
}

type listWriter struct {
	w   io.Writer
	max int
	err error
}

func (lw *listWriter) line(v Value, path, val string) {
	if lw.err != nil {
		return
	}
	off := fmt.Sprintf("0x%04x", v.off)
	if bo, bs, ok := v.BitField(); ok {
		off = fmt.Sprintf("0x%04x.%d", v.off, bo)
		_, lw.err = fmt.Fprintf(lw.w, "%-10s %5s  %-24s %s = %s\n", off, fmt.Sprintf("%d:b", bs), v.typ.String(), path, val)
		return
	}
	_, lw.err = fmt.Fprintf(lw.w, "%-10s %5d  %-24s %s = %s\n", off, v.Size(), v.typ.String(), path, val)
}

func (lw *listWriter) walk(v Value, path string) {
	switch Underlying(v.typ).(type) {
	case *Struct:
		for f, fv := range v.Fields() {
			p := path
			if f.Name != "" {
				p = joinPath(path, f.Name)
			}
			lw.walk(fv, p)
		}
	case *Array:
		if v.IsText() {
			lw.line(v, path, strconv.QuoteToASCII(v.Text()))
			return
		}
		n := v.Len()
		if a, _ := As[*Array](v.typ); a != nil {
			if _, isStruct := As[*Struct](a.Elem); isStruct || isArray(a.Elem) {
				for i, e := range v.Elems() {
					if lw.max > 0 && i >= lw.max {
						lw.line(v, path, fmt.Sprintf("… %d more elements", n-i))
						break
					}
					lw.walk(e, fmt.Sprintf("%s[%d]", path, i))
				}
				return
			}
		}
		var b strings.Builder
		b.WriteString("[")
		for i, e := range v.Elems() {
			if i > 0 {
				b.WriteString(", ")
			}
			if lw.max > 0 && i >= lw.max {
				fmt.Fprintf(&b, "… %d more", n-i)
				break
			}
			b.WriteString(scalarText(e))
		}
		b.WriteString("]")
		lw.line(v, path, b.String())
	default:
		lw.line(v, path, scalarText(v))
	}
}

func isArray(t Type) bool {
	_, ok := As[*Array](t)
	return ok
}

// bigOne is 1 as a big.Int.
var bigOne = big.NewInt(1)

// hasNumericPart reports whether a flag rendering "A|12" has a part that is
// a number (bits no member names).
func hasNumericPart(name string) bool {
	for _, part := range strings.Split(name, "|") {
		if _, err := strconv.ParseUint(part, 10, 64); err == nil {
			return true
		}
	}
	return false
}
