package cexpr

import (
	"fmt"
	"reflect"
	"runtime"
	"unsafe"
)

// Loads: a host may describe an integer leaf as a typed read of its
// frame, which the fused closures do inline instead of calling the
// leaf's closure (an indirect call each). The closure stays the
// meaning: a load is only a faster way to the same value, and a read it
// cannot do (bytes too short) calls the closure.

// A Load is a read of an integer from a frame: an int64 field of the
// frame, or a little-endian 64-bit integer in a []byte field of the
// frame. The zero Load reads nothing (the closure is called).
type Load struct {
	kind loadKind
	at   uintptr // the frame field's offset
	off  int     // the integer's offset in the bytes
	need int     // the bytes must reach need for the read; else the closure
}

type loadKind uint8

const (
	loadNone loadKind = iota
	loadWord          // an int64 field of the frame
	loadLE64          // 8 little-endian bytes at off of a []byte field
)

// WordLoad is a read of F's int64 field named field (a promoted field
// too).
func WordLoad[F any](field string) (Load, error) {
	at, err := fieldAt[F](field, reflect.TypeFor[int64]())
	if err != nil {
		return Load{}, err
	}
	return Load{kind: loadWord, at: at}, nil
}

// BytesLoad is a read of the 64-bit little-endian integer at byte off of
// F's []byte field named field, when the bytes reach need (at least
// off+8); shorter bytes call the leaf's closure, and so does every read
// on a machine that is not little-endian with unaligned reads.
func BytesLoad[F any](field string, off, need int64) (Load, error) {
	at, err := fieldAt[F](field, reflect.TypeFor[[]byte]())
	if err != nil {
		return Load{}, err
	}
	if off < 0 || need < off+8 || need > 1<<40 {
		return Load{}, fmt.Errorf("cexpr: a load of 8 bytes at %d needs %d bytes", off, need)
	}
	if !unalignedLE {
		return Load{}, nil // the closure reads it
	}
	return Load{kind: loadLE64, at: at, off: int(off), need: int(need)}, nil
}

// unalignedLE reports whether the machine reads a little-endian int64 at
// any address as its own (amd64, arm64, 386), which loadLE64 does.
var unalignedLE = runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64" || runtime.GOARCH == "386"

// fieldAt is the offset in F of its field named name, of type t.
func fieldAt[F any](name string, t reflect.Type) (uintptr, error) {
	ft := reflect.TypeFor[F]()
	if ft.Kind() != reflect.Struct {
		return 0, fmt.Errorf("cexpr: a load from %v, not a struct", ft)
	}
	sf, ok := ft.FieldByName(name)
	if !ok || sf.Type != t {
		return 0, fmt.Errorf("cexpr: %v has no field %s of type %v", ft, name, t)
	}
	var at uintptr
	for i := range sf.Index { // through embedded structs, never pointers
		f := ft.Field(sf.Index[i])
		if i < len(sf.Index)-1 && f.Type.Kind() != reflect.Struct {
			return 0, fmt.Errorf("cexpr: %v.%s is reached through a pointer", ft, name)
		}
		at += f.Offset
		ft = f.Type
	}
	return at, nil
}

// IntLoad is IntLeaf with a load that reads the same value as fn.
func IntLoad[F any](t Type, fn func(*F) int64, l Load) Operand[F] {
	if t.Bits != 64 {
		l = Load{} // the loads read 64 bits
	}
	return Operand[F]{Type: t, Int: fn, load: l}
}

// leaf is an integer operand of a fused closure: a load, or a closure.
type leaf[F any] struct {
	ld Load
	fn func(*F) int64
}

// read is the leaf's load, or false when the closure must read it; the
// fused closures call fn then (a call in read would put it past the
// inliner's budget).
func (l *leaf[F]) read(f *F) (int64, bool) {
	p := unsafe.Add(unsafe.Pointer(f), l.ld.at)
	switch l.ld.kind {
	case loadWord:
		return *(*int64)(p), true
	case loadLE64: // a little-endian machine (BytesLoad): the bytes' own order
		if b := *(*[]byte)(p); l.ld.need <= len(b) {
			return *(*int64)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), l.ld.off)), true
		}
	}
	return 0, false
}

// isLoad reports whether n is a host's leaf with a load, to read inline.
func isLoad[F any](n *ir[F]) bool {
	return n.op == opLeaf && n.leaf.load.kind != loadNone && fusing && loads
}

// leafOf is n as a leaf: its load if it is a host's leaf with one.
func (c *checker[F]) leafOf(n *ir[F]) leaf[F] {
	if isLoad(n) {
		return leaf[F]{ld: n.leaf.load, fn: n.leaf.Int}
	}
	return leaf[F]{fn: c.intFn(n)}
}

// loads turns the loads on; the benchmarks turn them off to compare.
var loads = true

// closure is the leaf as a closure: the host's, or one that reads the
// load.
func (l leaf[F]) closure() func(*F) int64 {
	if l.ld.kind == loadNone {
		return l.fn
	}
	return func(f *F) int64 {
		v, ok := l.read(f)
		if !ok {
			v = l.fn(f)
		}
		return v
	}
}

// loads reports whether the leaf is a load.
func (l *leaf[F]) loads() bool { return l.ld.kind != loadNone }
