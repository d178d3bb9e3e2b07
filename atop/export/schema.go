package export

import (
	"strconv"
	"strings"
	"sync"

	"github.com/cstructgo/cstruct/cstruct"
)

// A schema is the plan for writing one struct type of atop's (sstat, tstat,
// cstat) as JSON or CSV: its fields by their .h names, reserved fields
// dropped, anonymous members folded into their parent, and each array of
// structs with the rule that cuts it to the entries in use.
type node struct {
	name     string // the .h name
	key      string // the output name: name, or a case twin's (see twinKeys)
	ctype    cstruct.Type
	path     []int // field indexes from the parent struct value (through anonymous members)
	kind     nodeKind
	children []*node // fields of a struct, or of the element struct of an array
	elemLen  int     // elements of an array (of structs, or of scalars for a leaf)
	cut      *cutRule
	textChar bool // a single char that holds a letter (state, type)
}

type nodeKind uint8

const (
	leafNode   nodeKind = iota // a scalar, a char array (text) or an array of scalars
	structNode                 // a nested struct
	arrayNode                  // an array of structs, cut to the entries in use
)

// cutRule says which elements of an array of structs are in use.
type cutRule struct {
	count  []int // the count field, a sibling of the array; nil: up to the last non-zero element
	slots  []int // 2.13's cpustat.maxcpu: slots in use, each to be checked with online
	online []int // field of the element: skip it when zero
	name   []int // field of the element: stop at the first empty name
}

// cutSpec names the count fields of the arrays of struct sstat, by the
// dotted path of the array (atop's own rules for printing them).
type cutSpec struct{ count, slots, online, name string }

var sstatCuts = map[string]cutSpec{
	"cpu.cpu":              {count: "nrcpu", slots: "maxcpu", online: "online"},
	"intf.intf":            {count: "nrintf", name: "name"},
	"memnuma.numa":         {count: "nrnuma"},
	"cpunuma.numa":         {count: "nrnuma"},
	"dsk.dsk":              {count: "ndsk", name: "name"},
	"dsk.mdd":              {count: "nmdd", name: "name"},
	"dsk.lvm":              {count: "nlvm", name: "name"},
	"nfs.nfsmounts.nfsmnt": {count: "nrmounts"},
	"cfs.cont":             {count: "nrcontainer"},
	"gpu.gpu":              {count: "nrgpus"},
	"ifb.ifb":              {count: "nrports"},
	"llc.perllc":           {count: "nrllcs"},
}

// textChars are the single char fields that hold a letter (a task's state
// R/S/D/E, an interface's type, a GPU's type C/G); other single chars are
// small numbers (isproc, online, present, duplex) and print as numbers.
var textChars = map[string]bool{"state": true, "type": true}

type schemaKey struct {
	t        cstruct.Type
	reserved bool
}

var schemas sync.Map // schemaKey → []*node

// schemaOf returns the fields of struct type t (cached).
func schemaOf(t cstruct.Type, reserved bool) []*node {
	key := schemaKey{t, reserved}
	if s, ok := schemas.Load(key); ok {
		return s.([]*node)
	}
	s, _ := schemas.LoadOrStore(key, compileStruct(t, "", nil, reserved))
	return s.([]*node)
}

// compileStruct lists the fields of struct type t; prefix is t's dotted
// path from the root, base the field indexes of an anonymous member.
func compileStruct(t cstruct.Type, prefix string, base []int, reserved bool) []*node {
	st, ok := cstruct.As[*cstruct.Struct](t)
	if !ok {
		return nil
	}
	var out []*node
	for i, f := range st.Fields {
		path := append(append([]int(nil), base...), i)
		if f.Name == "" {
			if _, ok := cstruct.As[*cstruct.Struct](f.Type); ok && f.BitSize == 0 {
				out = append(out, compileStruct(f.Type, prefix, path, reserved)...)
			}
			continue
		}
		if f.Name == "_" || !reserved && strings.Contains(f.Name, "future") {
			continue
		}
		full := f.Name
		if prefix != "" {
			full = prefix + "." + f.Name
		}
		n := &node{name: f.Name, key: f.Name, ctype: f.Type, path: path}
		switch u := cstruct.Underlying(f.Type).(type) {
		case *cstruct.Struct:
			n.kind = structNode
			n.children = compileStruct(f.Type, full, nil, reserved)
		case *cstruct.Array:
			if _, ok := cstruct.As[*cstruct.Struct](u.Elem); ok && u.Len >= 0 {
				n.kind = arrayNode
				n.elemLen = int(u.Len)
				n.children = compileStruct(u.Elem, full, nil, reserved)
				n.cut = &cutRule{}
				if spec, ok := sstatCuts[full]; ok {
					n.cut = compileCut(st, u.Elem, spec)
				}
			} else if !isChar(u.Elem) && u.Len > 0 {
				n.elemLen = int(u.Len) // an array of scalars
			}
		case *cstruct.Char:
			n.textChar = textChars[f.Name]
		}
		out = append(out, n)
	}
	twinKeys(out)
	return out
}

// TwinSuffix is what a case twin's output name gains. SQL engines (DuckDB,
// Spark, Trino, BigQuery) and pandas' case-insensitive lookups take names
// that differ only in case for one: atop's struct cpustat has itime (idle)
// and Itime (interrupts), stime (system) and Stime (soft interrupts). Of
// the fields of one struct whose names are equal ignoring case, each name
// with an upper-case letter gains TwinSuffix (Itime → Itime_uc, and the
// CSV column cpu.all.Itime → cpu.all.Itime_uc), as many times as it takes
// to be unique; an all-lower-case name keeps its spelling. The rule looks
// at one struct only, so it gives the same names in every atop version
// (every version has both twins of cpustat). [Renamed] lists the renames.
const TwinSuffix = "_uc"

// twinKeys gives the case twins among fields their output names.
func twinKeys(fields []*node) {
	for _, n := range fields {
		if strings.ToLower(n.key) == n.key {
			continue
		}
		for twinOf(fields, n) {
			n.key += TwinSuffix
		}
	}
}

// twinOf reports whether another of fields has n's key but for case.
func twinOf(fields []*node, n *node) bool {
	for _, m := range fields {
		if m != n && strings.EqualFold(m.key, n.key) {
			return true
		}
	}
	return false
}
func compileCut(parent *cstruct.Struct, elem cstruct.Type, spec cutSpec) *cutRule {
	c := &cutRule{}
	if spec.slots != "" {
		if _, p, ok := parent.FieldByName(spec.slots); ok {
			c.slots = p
		}
	}
	if _, p, ok := parent.FieldByName(spec.count); ok {
		c.count = p
	}
	if es, ok := cstruct.As[*cstruct.Struct](elem); ok {
		if _, p, ok := es.FieldByName(spec.online); ok && c.slots != nil {
			c.online = p
		}
		if _, p, ok := es.FieldByName(spec.name); ok && spec.name != "" {
			c.name = p
		}
	}
	if c.count == nil && c.slots == nil {
		return &cutRule{}
	}
	return c
}

// field follows path from struct value v.
func field(v cstruct.Value, path []int) cstruct.Value {
	for _, i := range path {
		_, v = v.FieldAt(i)
	}
	return v
}

// elems calls fn with the index and value of each element in use of the
// array n of struct value parent.
func (n *node) elems(parent cstruct.Value, fn func(i int, e cstruct.Value) bool) {
	arr := field(parent, n.path)
	total := arr.Len()
	c := n.cut
	var count int
	switch {
	case c.slots != nil:
		count = clamp(field(parent, c.slots).Int(), total)
	case c.count != nil:
		count = clamp(field(parent, c.count).Int(), total)
	default:
		count = usedElems(arr)
	}
	for i := range count {
		e := arr.Index(i)
		if c.online != nil && field(e, c.online).Int() == 0 {
			continue
		}
		if c.name != nil && field(e, c.name).Text() == "" {
			return
		}
		if !fn(i, e) {
			return
		}
	}
}

func clamp(n int64, max int) int {
	if n < 0 {
		return 0
	}
	if n > int64(max) {
		return max
	}
	return int(n)
}

// usedElems counts the elements up to the last one that is not all zero.
func usedElems(arr cstruct.Value) int {
	for i := arr.Len() - 1; i >= 0; i-- {
		for _, b := range arr.Index(i).Bytes() {
			if b != 0 {
				return i + 1
			}
		}
	}
	return 0
}

// appendJSONObject appends the fields of struct value v as the members of
// a JSON object, each preceded by a comma when comma is set (the caller
// writes the braces).
func appendJSONObject(dst []byte, v cstruct.Value, fields []*node, comma bool) []byte {
	for _, n := range fields {
		if comma {
			dst = append(dst, ',')
		}
		comma = true
		dst = cstruct.AppendJSONString(dst, n.key)
		dst = append(dst, ':')
		dst = n.appendJSON(dst, v)
	}
	return dst
}

// appendJSON appends the value of field n of struct value parent.
func (n *node) appendJSON(dst []byte, parent cstruct.Value) []byte {
	switch n.kind {
	case structNode:
		dst = append(dst, '{')
		dst = appendJSONObject(dst, field(parent, n.path), n.children, false)
		return append(dst, '}')
	case arrayNode:
		dst = append(dst, '[')
		first := true
		n.elems(parent, func(_ int, e cstruct.Value) bool {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = append(dst, '{')
			dst = appendJSONObject(dst, e, n.children, false)
			dst = append(dst, '}')
			return true
		})
		return append(dst, ']')
	}
	v := field(parent, n.path)
	if isChar(v.Type()) {
		if n.textChar {
			return cstruct.AppendJSONString(dst, charText(v))
		}
		return strconv.AppendInt(dst, v.Int(), 10)
	}
	return cstruct.AppendJSON(dst, v)
}

// charText is the letter in a single char, "" for NUL.
func charText(v cstruct.Value) string {
	if v.Int() == 0 {
		return ""
	}
	return v.Text()
}

func isChar(t cstruct.Type) bool {
	_, ok := cstruct.Underlying(t).(*cstruct.Char)
	return ok
}

// A column is one CSV column of a flattened schema: a leaf by its dotted
// name, with the element index for an array of scalars.
type column struct {
	name     string // the output name (case twins renamed)
	cpath    string // the dotted .h path, for the accessor
	ctype    cstruct.Type
	path     []int // from the row's struct value
	index    int   // element of an array of scalars; -1 for none
	textChar bool
}

// flatten lists the columns of fields, named with prefix; arrays of structs
// are left out (they are rows of their own).
func flatten(fields []*node, prefix string, base []int) []column {
	return flattenC(fields, prefix, prefix, base)
}

// flattenC is flatten with cprefix, the .h path of prefix.
func flattenC(fields []*node, prefix, cprefix string, base []int) []column {
	var cols []column
	for _, n := range fields {
		name, cname := prefix+n.key, cprefix+n.name
		path := append(append([]int(nil), base...), n.path...)
		switch n.kind {
		case structNode:
			cols = append(cols, flattenC(n.children, name+".", cname+".", path)...)
		case leafNode:
			cols = append(cols, leafColumns(n, name, cname, path)...)
		}
	}
	return cols
}

// leafColumns gives one column for a scalar or text, one per element
// (name[i]) for an array of scalars.
func leafColumns(n *node, name, cname string, path []int) []column {
	if n.elemLen == 0 {
		return []column{{name: name, cpath: cname, ctype: n.ctype, path: path, index: -1, textChar: n.textChar}}
	}
	cols := make([]column, n.elemLen)
	for i := range cols {
		idx := "[" + strconv.Itoa(i) + "]"
		var et cstruct.Type
		if a, ok := cstruct.Underlying(n.ctype).(*cstruct.Array); ok {
			et = a.Elem
		}
		cols[i] = column{name: name + idx, cpath: cname + idx, ctype: et, path: path, index: i}
	}
	return cols
}

// appendCSV appends the text of column c of struct value v.
func (c *column) appendCSV(dst []byte, v cstruct.Value) []byte {
	v = field(v, c.path)
	if c.index >= 0 {
		if c.index >= v.Len() {
			return dst
		}
		v = v.Index(c.index)
	}
	return appendScalar(dst, v, c.textChar)
}

// appendScalar appends the text of a scalar or text value.
func appendScalar(dst []byte, v cstruct.Value, textChar bool) []byte {
	if v.IsText() {
		if isChar(v.Type()) {
			if !textChar {
				return strconv.AppendInt(dst, v.Int(), 10)
			}
			return appendValidText(dst, charText(v))
		}
		return appendValidText(dst, v.Text())
	}
	switch u := cstruct.Underlying(v.Type()).(type) {
	case *cstruct.Int:
		if u.Bool {
			return strconv.AppendBool(dst, v.Bool())
		}
		if u.ByteSize > 8 {
			return v.BigInt().Append(dst, 10)
		}
		if u.Signed {
			return strconv.AppendInt(dst, v.Int(), 10)
		}
		return strconv.AppendUint(dst, v.Uint(), 10)
	case *cstruct.Enum:
		if name, ok := v.EnumName(); ok {
			return append(dst, name...)
		}
		return strconv.AppendInt(dst, v.Int(), 10)
	case *cstruct.Float:
		bits := 64
		if u.ByteSize == 4 {
			bits = 32
		}
		return strconv.AppendFloat(dst, v.Float(), 'g', -1, bits)
	case *cstruct.Pointer:
		return strconv.AppendUint(dst, v.Uint(), 10)
	}
	// Anything else (an array of scalars): its JSON text.
	return cstruct.AppendJSON(dst, v)
}

// appendValidText appends s with the escapes of the CSV output.
func appendValidText(dst []byte, s string) []byte {
	return appendEscapedText(dst, []byte(s))
}
