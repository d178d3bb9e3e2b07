package export

import (
	"encoding/binary"
	"math"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/cstructgo/cstruct/cstruct"
)

// The schema trees of schema.go are compiled once per (struct type, byte
// order) into flat programs: a JSON object becomes a list of ops, each with
// its key encoded in advance and an accessor that reads the record's bytes;
// a CSV row, one op per column. What the ops do not cover (enums, wide
// integers, wchar, dynamic arrays) goes through the Value and the tree, as
// before.

// A jsonProg writes the members of one struct as JSON.
type jsonProg struct {
	ops       []jop
	needValue bool // some op reads through the Value
}

type jkind uint8

const (
	jLit     jkind = iota // lit only
	jInt                  // AppendInt(Int)
	jUint                 // AppendUint(Uint)
	jBool                 // true/false
	jFloat32              // 'g' -1, NaN and ±Inf as strings
	jFloat64
	jText   // a char array: a JSON string
	jLetter // a single char that holds a letter: "" for NUL
	jArray  // an array of structs, cut to the entries in use
	jValue  // through the Value: n.appendJSON(field(v, path))
)

// A jop appends lit, then the value it reads.
type jop struct {
	kind jkind
	lit  []byte
	acc  cstruct.Accessor
	arr  *jarray
	n    *node // jValue: the node, read from the struct at path
	path []int
}

// A jarray is an array of structs: its elements' program, with accessors
// at element 0 (element i reads b[i*stride:]), and the rule that cuts it.
type jarray struct {
	n, stride     int
	off           int64 // of element 0 in the record
	elem          *jsonProg
	path          []int // of the array, for the elements' Values
	count, slots  cstruct.Accessor
	online, label cstruct.Accessor // of element 0
}

type progKey struct {
	t        cstruct.Type
	reserved bool
	be       bool
	skip     bool // the rawrecord fields of a sample object are left out
}

var jsonProgs sync.Map // progKey → *jsonProg

// jsonProgOf returns the program that writes the fields of struct value v
// (cached), each member preceded by a comma when comma is set.
func jsonProgOf(spec *cstruct.Spec, v cstruct.Value, reserved, skip bool) *jsonProg {
	key := progKey{v.Type(), reserved, v.ByteOrder() == binary.BigEndian, skip}
	if p, ok := jsonProgs.Load(key); ok {
		return p.(*jsonProg)
	}
	root, err := spec.Accessor(v.Type(), "", v.ByteOrder())
	fields := schemaOf(v.Type(), reserved)
	if skip {
		var kept []*node
		for _, n := range fields {
			if !rawrecordSkip[n.name] {
				kept = append(kept, n)
			}
		}
		fields = kept
	}
	var p *jsonProg
	if err != nil {
		p = valueProg(fields)
	} else {
		p = &jsonProg{}
		c := jsonCompiler{p: p}
		c.object(fields, root, nil, "", true)
		c.flush()
	}
	q, _ := jsonProgs.LoadOrStore(key, p)
	return q.(*jsonProg)
}

// valueProg writes every field through the Value.
func valueProg(fields []*node) *jsonProg {
	p := &jsonProg{needValue: true}
	for _, n := range fields {
		key := cstruct.AppendJSONString([]byte{','}, n.key)
		p.ops = append(p.ops, jop{kind: jValue, lit: append(key, ':'), n: n})
	}
	return p
}

// jsonCompiler builds a program; lit collects the literal text before the
// next op.
type jsonCompiler struct {
	p   *jsonProg
	lit []byte
}

func (c *jsonCompiler) emit(op jop) {
	op.lit = append(c.lit, op.lit...)
	c.lit = nil
	c.p.ops = append(c.p.ops, op)
}

func (c *jsonCompiler) flush() {
	if len(c.lit) > 0 {
		c.p.ops = append(c.p.ops, jop{kind: jLit, lit: c.lit})
		c.lit = nil
	}
}

// object compiles the members of the struct that acc reads (at path from
// the program's root value; full is its dotted name from the root type).
func (c *jsonCompiler) object(fields []*node, acc cstruct.Accessor, path []int, full string, comma bool) {
	for k, n := range fields {
		if comma || k > 0 {
			c.lit = append(c.lit, ',')
		}
		c.lit = cstruct.AppendJSONString(c.lit, n.key)
		c.lit = append(c.lit, ':')
		name := n.name
		if full != "" {
			name = full + "." + n.name
		}
		fa, err := acc.Field(n.name)
		if err != nil {
			c.emit(jop{kind: jValue, n: n, path: path})
			c.p.needValue = true
			continue
		}
		switch n.kind {
		case structNode:
			c.lit = append(c.lit, '{')
			c.object(n.children, fa, append(append([]int(nil), path...), n.path...), name, false)
			c.lit = append(c.lit, '}')
		case arrayNode:
			c.lit = append(c.lit, '[')
			c.emit(jop{kind: jArray, arr: c.array(n, acc, fa, path, name)})
			c.lit = append(c.lit, ']')
		default:
			if !c.leaf(n, fa) {
				c.emit(jop{kind: jValue, n: n, path: path})
				c.p.needValue = true
			}
		}
	}
}

// array compiles an array of structs: its elements, and its cut rule.
func (c *jsonCompiler) array(n *node, parent, fa cstruct.Accessor, path []int, full string) *jarray {
	a := &jarray{n: fa.Len(), path: append(append([]int(nil), path...), n.path...), elem: &jsonProg{}}
	if a.n == 0 {
		return a
	}
	e0 := fa.Elem(0)
	a.off, a.stride = e0.Offset(), int(e0.Size())
	if n.cut != nil {
		if spec, ok := sstatCuts[full]; ok {
			if n.cut.slots != nil {
				a.slots, _ = parent.Field(spec.slots)
			}
			if n.cut.count != nil {
				a.count, _ = parent.Field(spec.count)
			}
			if n.cut.online != nil {
				a.online, _ = e0.Field(spec.online)
			}
			if n.cut.name != nil {
				a.label, _ = e0.Field(spec.name)
			}
		}
	}
	ec := jsonCompiler{p: a.elem}
	ec.lit = append(ec.lit, '{')
	ec.object(n.children, e0, nil, full, false)
	ec.lit = append(ec.lit, '}')
	ec.flush()
	return a
}

// leaf compiles a scalar, a text or an array of scalars; false: through the
// Value.
func (c *jsonCompiler) leaf(n *node, fa cstruct.Accessor) bool {
	if _, ok := cstruct.Underlying(fa.Type()).(*cstruct.Char); ok {
		if _, _, bits := fa.BitField(); bits && n.textChar {
			return false
		}
		if n.textChar {
			c.emit(jop{kind: jLetter, acc: fa})
		} else {
			c.emit(jop{kind: jInt, acc: fa})
		}
		return true
	}
	return c.scalar(fa)
}

// scalar compiles what AppendJSON writes for the value fa reads.
func (c *jsonCompiler) scalar(fa cstruct.Accessor) bool {
	_, _, bits := fa.BitField()
	switch u := cstruct.Underlying(fa.Type()).(type) {
	case *cstruct.Int:
		switch {
		case u.Bool && !bits:
			c.emit(jop{kind: jBool, acc: fa})
		case u.ByteSize > 8 && !bits:
			return false
		case u.Signed:
			c.emit(jop{kind: jInt, acc: fa})
		default:
			c.emit(jop{kind: jUint, acc: fa})
		}
	case *cstruct.Char:
		if !bits {
			return false
		}
		c.emit(jop{kind: jInt, acc: fa})
	case *cstruct.Pointer:
		c.emit(jop{kind: jUint, acc: fa})
	case *cstruct.Float:
		k := jFloat64
		if u.ByteSize == 4 {
			k = jFloat32
		} else if u.ByteSize != 8 {
			return false
		}
		c.emit(jop{kind: k, acc: fa})
	case *cstruct.Array:
		if _, ok := cstruct.Underlying(u.Elem).(*cstruct.Char); ok {
			c.emit(jop{kind: jText, acc: fa})
			return true
		}
		if u.Kind != cstruct.Fixed || cstruct.IsDynamic(u.Elem) || fa.IsText() {
			return false
		}
		// the elements, compiled on a copy: all or nothing
		sub := jsonCompiler{p: &jsonProg{}, lit: append([]byte(nil), c.lit...)}
		sub.lit = append(sub.lit, '[')
		for i := range fa.Len() {
			if i > 0 {
				sub.lit = append(sub.lit, ',')
			}
			if !sub.scalar(fa.Elem(i)) {
				return false
			}
		}
		sub.lit = append(sub.lit, ']')
		c.p.ops = append(c.p.ops, sub.p.ops...)
		c.lit = sub.lit
	default:
		return false
	}
	return true
}

// appendJSON runs the program on the record b, whose Value is v (read only
// by the ops that need it).
func (p *jsonProg) appendJSON(dst, b []byte, v cstruct.Value) []byte {
	for i := range p.ops {
		op := &p.ops[i]
		dst = append(dst, op.lit...)
		switch op.kind {
		case jInt:
			dst = appendInt(dst, op.acc.Int(b))
		case jUint:
			dst = appendUint(dst, op.acc.Uint(b))
		case jBool:
			dst = strconv.AppendBool(dst, op.acc.Uint(b) != 0)
		case jFloat32:
			dst = appendJSONFloat(dst, op.acc.Float(b), 32)
		case jFloat64:
			dst = appendJSONFloat(dst, op.acc.Float(b), 64)
		case jText:
			dst = cstruct.AppendJSONBytes(dst, op.acc.Bytes(b))
		case jLetter:
			if op.acc.Int(b) == 0 {
				dst = append(dst, `""`...)
			} else {
				dst = cstruct.AppendJSONBytes(dst, op.acc.Bytes(b))
			}
		case jArray:
			dst = op.arr.appendJSON(dst, b, v)
		case jValue:
			dst = op.n.appendJSON(dst, field(v, op.path))
		}
	}
	return dst
}

// appendInt is strconv.AppendInt in base 10, one digit without a call:
// most counters of a sample are 0.
func appendInt(dst []byte, x int64) []byte {
	if uint64(x) < 10 {
		return append(dst, byte('0'+x))
	}
	return strconv.AppendInt(dst, x, 10)
}

func appendUint(dst []byte, x uint64) []byte {
	if x < 10 {
		return append(dst, byte('0'+x))
	}
	return strconv.AppendUint(dst, x, 10)
}

func appendJSONFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, `"NaN"`...)
	case math.IsInf(f, 1):
		return append(dst, `"+Inf"`...)
	case math.IsInf(f, -1):
		return append(dst, `"-Inf"`...)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, bits)
}

// appendJSON writes the elements in use, as node.elems chooses them.
func (a *jarray) appendJSON(dst, b []byte, v cstruct.Value) []byte {
	var count int
	switch {
	case a.slots.IsValid():
		count = clamp(a.slots.Int(b), a.n)
	case a.count.IsValid():
		count = clamp(a.count.Int(b), a.n)
	default:
		count = a.used(b)
	}
	var arr cstruct.Value
	if a.elem.needValue {
		arr = field(v, a.path)
	}
	first := true
	for i := range count {
		eb := b[i*a.stride:]
		if a.online.IsValid() && a.online.Int(eb) == 0 {
			continue
		}
		if a.label.IsValid() && len(a.label.Bytes(eb)) == 0 {
			break
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		var ev cstruct.Value
		if a.elem.needValue {
			ev = arr.Index(i)
		}
		dst = a.elem.appendJSON(dst, eb, ev)
	}
	return dst
}

// used counts the elements up to the last one that is not all zero.
func (a *jarray) used(b []byte) int {
	for i := a.n - 1; i >= 0; i-- {
		start := int(a.off) + i*a.stride
		for _, c := range b[start : start+a.stride] {
			if c != 0 {
				return i + 1
			}
		}
	}
	return 0
}

// A csvOp appends the text of one CSV column of a row's struct, quoted as
// encoding/csv quotes it.
type csvOp struct {
	kind  jkind // jInt, jUint, jBool, jFloat32, jFloat64, jText, jLetter, jValue
	acc   cstruct.Accessor
	col   *column // jValue: through the Value
	quote bool    // the text may need quotes
}

// compileColumns compiles the columns of rows of struct value v (whose
// first row is v).
func compileColumns(spec *cstruct.Spec, v cstruct.Value, cols []column) []csvOp {
	ops := make([]csvOp, len(cols))
	root, err := spec.Accessor(v.Type(), "", v.ByteOrder())
	for i := range cols {
		c := &cols[i]
		ops[i] = csvOp{kind: jValue, col: c, quote: true}
		if err != nil {
			continue
		}
		fa, err := root.Field(c.cpath)
		if err != nil {
			continue
		}
		if k, ok := csvKind(fa, c.textChar); ok {
			ops[i] = csvOp{kind: k, acc: fa, quote: k == jText || k == jLetter}
		}
	}
	return ops
}

// csvKind is the op that writes what appendScalar writes for fa; false:
// through the Value.
func csvKind(fa cstruct.Accessor, textChar bool) (jkind, bool) {
	_, _, bits := fa.BitField()
	switch u := cstruct.Underlying(fa.Type()).(type) {
	case *cstruct.Char:
		if !bits && textChar {
			return jLetter, true
		}
		return jInt, true
	case *cstruct.Array:
		if _, ok := cstruct.Underlying(u.Elem).(*cstruct.Char); ok {
			return jText, true
		}
	case *cstruct.Int:
		switch {
		case u.Bool:
			return jBool, true
		case u.ByteSize > 8:
		case u.Signed:
			return jInt, true
		default:
			return jUint, true
		}
	case *cstruct.Float:
		if u.ByteSize == 4 {
			return jFloat32, true
		}
		if u.ByteSize == 8 {
			return jFloat64, true
		}
	case *cstruct.Pointer:
		return jUint, true
	}
	return 0, false
}

// appendCSV appends the column of the record b, whose Value is v.
func (op *csvOp) appendCSV(dst, b []byte, v cstruct.Value) []byte {
	switch op.kind {
	case jInt:
		return appendInt(dst, op.acc.Int(b))
	case jUint:
		return appendUint(dst, op.acc.Uint(b))
	case jBool:
		return strconv.AppendBool(dst, op.acc.Uint(b) != 0)
	case jFloat32:
		return strconv.AppendFloat(dst, op.acc.Float(b), 'g', -1, 32)
	case jFloat64:
		return strconv.AppendFloat(dst, op.acc.Float(b), 'g', -1, 64)
	case jText:
		return appendCSVText(dst, op.acc.Bytes(b))
	case jLetter:
		if op.acc.Int(b) == 0 {
			return dst
		}
		return appendCSVText(dst, op.acc.Bytes(b))
	}
	start := len(dst)
	dst = op.col.appendCSV(dst, v)
	if !csvNeedsQuotes(dst[start:]) {
		return dst
	}
	field := append([]byte(nil), dst[start:]...)
	return appendCSVField(dst[:start], field)
}

// appendCSVField appends one field as encoding/csv's Writer writes it with
// its defaults (a comma, \n line ends): quoted when it must be, with quotes
// doubled.
func appendCSVField(dst, field []byte) []byte {
	if !csvNeedsQuotes(field) {
		return append(dst, field...)
	}
	dst = append(dst, '"')
	for _, c := range field {
		if c == '"' {
			dst = append(dst, '"')
		}
		dst = append(dst, c)
	}
	return append(dst, '"')
}

// csvNeedsQuotes is encoding/csv's fieldNeedsQuotes for the comma.
func csvNeedsQuotes(field []byte) bool {
	if len(field) == 0 {
		return false
	}
	if len(field) == 2 && field[0] == '\\' && field[1] == '.' {
		return true
	}
	for _, c := range field {
		if c == '\n' || c == '\r' || c == '"' || c == ',' {
			return true
		}
	}
	r, _ := utf8.DecodeRune(field)
	return unicode.IsSpace(r)
}
