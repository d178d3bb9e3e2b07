package cstruct

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
)

// A Plan is a record type compiled for one byte order: which fields lie at
// offsets known in advance, which move with the data, and how to find them.
// It is built once per type and order (Spec.Plan caches it on the struct)
// and is safe for concurrent use.
//
// For a type of dynamic size, Plan.Layout finds where the parts of one
// record lie and writes their offsets into a Layout, which the caller
// reuses from record to record: nothing is allocated per record. Accessors
// of fields whose offset or size depends on the data (those after the
// first dynamic field, and the dynamic fields themselves) read through
// their L variants, UintL(b, lay), BytesL(b, lay), …, with the Layout of
// the record b.
//
//	p := spec.Plan(msg, nil)
//	data, _ := p.Accessor("data")
//	var lay cstruct.Layout
//	for len(b) > 0 {
//		if err := p.Layout(b, 0, &lay); err != nil { … }
//		use(data.BytesL(b, &lay))
//		b = b[lay.Size():]
//	}
type Plan struct {
	spec  *Spec
	typ   Type
	be    bool
	order binary.ByteOrder
	size  int64 // static size; -1: dynamic
	root  *node // the slots of a dynamic struct; nil otherwise
	slots int
	steps []step // the fast path of Layout; nil: the general decoder
	tail  *tail  // a faster path still, for a struct that ends in its only dynamic array
	maxN  int64
	lays  sync.Pool // *Layout, for UnpackWith
}

// tail is a struct whose only dynamic field is its last, an array of
// static elements at a static offset whose length is an earlier integer
// field: "uint16 len; char data[len];".
type tail struct {
	prefix  int64 // bytes of the fields before the array
	off, es int64
	n       Accessor
	slot    int
	align   int64 // tail padding; 1: none
}

// node numbers the slots of a dynamic struct: one per field whose offset
// or size depends on the data, and the slots of its dynamic struct fields.
type node struct {
	st     *Struct
	fields []nodeField
}

type nodeField struct {
	slot int   // -1: offset and size are static (relative to the struct)
	sub  *node // a dynamic struct field
}

// A Layout is where the parts of one record of a dynamic type lie. Fill it
// with Plan.Layout and reuse it for the next record; it is valid until
// then.
type Layout struct {
	size  int64
	offs  []int64  // slot → offset in the record
	lens  []int64  // slot → size in bytes
	count []int64  // slot → element count (arrays)
	lf    lenFrame // the frame of compiled length expressions (expr.go)
}

// Size is the record's size in bytes.
func (l *Layout) Size() int64 { return l.size }

func (l *Layout) reset(slots int) {
	if len(l.offs) == slots {
		return
	}
	if cap(l.offs) < slots {
		l.offs = make([]int64, slots)
		l.lens = make([]int64, slots)
		l.count = make([]int64, slots)
	}
	l.offs, l.lens, l.count = l.offs[:slots], l.lens[:slots], l.count[:slots]
}

// Plan returns the compiled plan of t in the byte order order (nil: the
// Spec's; a struct's own scalar_storage_order wins, as in UnpackWith).
func (s *Spec) Plan(t Type, order binary.ByteOrder) *Plan {
	if order == nil {
		order = s.order
	}
	be := isBigEndian(order)
	st, ok := t.(*Struct) // plans are cached on the struct, not on its typedefs
	if !ok {
		return s.newPlan(t, order, be)
	}
	i := 0
	if be {
		i = 1
	}
	if p := st.plans[i].Load(); p != nil {
		return p
	}
	p := s.newPlan(t, order, be)
	st.plans[i].CompareAndSwap(nil, p)
	return st.plans[i].Load()
}

// planCache holds a struct's plans, one per byte order.
type planCache [2]atomic.Pointer[Plan]

func (s *Spec) newPlan(t Type, order binary.ByteOrder, be bool) *Plan {
	p := &Plan{spec: s, typ: t, be: isBigEndian(structOrder(t, order)), order: order, size: -1}
	if !IsDynamic(t) {
		p.size = t.Size()
		return p
	}
	p.maxN = s.cfg.Limits.maxElements()
	if st, ok := As[*Struct](t); ok {
		p.root = p.numberSlots(st)
		p.steps = p.compileSteps(st)
		p.tail = p.compileTail(st)
	}
	return p
}

// compileTail recognises a struct that ends in its only dynamic field, an
// array whose length is one earlier integer field.
func (p *Plan) compileTail(st *Struct) *tail {
	if len(p.steps) != 2 || len(st.Fields) == 0 {
		return nil
	}
	s := p.steps[1]
	last := len(st.Fields) - 1
	a, ok := Underlying(st.Fields[last].Type).(*Array)
	if !ok || a.Kind != Dynamic || s.off < 0 || s.slot != p.root.fields[last].slot {
		return nil
	}
	r, ok := a.Expr.root.(*refNode)
	if !ok || len(r.parts) != 1 {
		return nil
	}
	if _, idx, ok := st.FieldByName(r.parts[0].name); !ok || idx[0] >= last {
		return nil
	}
	n, err := p.Accessor(r.parts[0].name)
	if err != nil || n.in.base >= 0 || !n.IsInteger() || n.Size() > 8 || n.off()+n.Size() > p.steps[0].size {
		return nil
	}
	t := &tail{prefix: p.steps[0].size, off: s.off, es: s.size, n: n, slot: s.slot, align: 1}
	if st.Packed != 1 {
		t.align = st.ByteAlign
	}
	return t
}

// numberSlots gives a slot to every field of st whose offset or size
// depends on the data, depth first.
func (p *Plan) numberSlots(st *Struct) *node {
	nd := &node{st: st, fields: make([]nodeField, len(st.Fields))}
	for i := range st.Fields {
		f := &st.Fields[i]
		nf := &nd.fields[i]
		nf.slot = -1
		if f.Offset < 0 || IsDynamic(f.Type) {
			nf.slot = p.slots
			p.slots++
		}
		if sub, ok := As[*Struct](f.Type); ok && IsDynamic(sub) {
			nf.sub = p.numberSlots(sub)
		}
	}
	return nd
}

// A step is one field of the fast path of Layout, in a struct whose every
// field has a static size or is an array of static elements.
type step struct {
	off    int64 // -1: aligned after the fields before it
	align  int64
	size   int64 // static fields; the element size of arrays
	kind   ArrayKind
	array  bool
	length lengthFn // Dynamic arrays
	slot   int
}

// compileSteps compiles the fast path of Layout for st, or returns nil
// when st needs the general decoder (unions, nested dynamic structs,
// arrays of dynamic elements, LEB128, lengths it cannot compile).
func (p *Plan) compileSteps(st *Struct) []step {
	if st.Union {
		return nil
	}
	steps := make([]step, 0, len(st.Fields))
	var prefix int64 // where the fields before the first dynamic one end
	for i := range st.Fields {
		f := &st.Fields[i]
		s := step{off: f.Offset, align: f.Align, slot: p.root.fields[i].slot}
		size := f.Type.Size()
		if f.IsBitfield() {
			size = int64(f.BitOffset+f.BitSize+7) / 8
		}
		if !IsDynamic(f.Type) {
			if s.slot < 0 {
				prefix = max(prefix, f.Offset+size)
				continue
			}
			s.size = size
			steps = append(steps, s)
			continue
		}
		a, ok := Underlying(f.Type).(*Array)
		if !ok || IsDynamic(a.Elem) {
			return nil
		}
		s.array, s.kind, s.size = true, a.Kind, a.Elem.Size()
		if a.Kind == Dynamic {
			if s.length, ok = p.compileLength(st, i, a.Expr); !ok {
				return nil
			}
		}
		steps = append(steps, s)
	}
	return append([]step{{off: 0, size: prefix, slot: -1}}, steps...)
}

// compileLength compiles the length expression of the array that is field
// i of st, with its field references bound to accessors of the fields
// before it.
func (p *Plan) compileLength(st *Struct, i int, e *Expr) (lengthFn, bool) {
	return compileLength(e.root, func(r *refNode) (lengthFn, bool) {
		_, idx, ok := st.FieldByName(r.parts[0].name)
		if !ok || idx[0] >= i {
			return nil, false
		}
		path := r.parts[0].name
		for _, part := range r.parts[1:] {
			if part.index != nil {
				return nil, false
			}
			path += "." + part.name
		}
		a, err := p.Accessor(path)
		if err != nil || !a.IsInteger() || a.Size() > 8 {
			return nil, false
		}
		if a.in.base < 0 {
			return func(b []byte, _ *Layout) (int64, bool) { return a.Int(b), true }, true
		}
		return func(b []byte, lay *Layout) (int64, bool) { return a.IntL(b, lay), true }, true
	})
}

// Layout finds where the parts of the record at the start of b lie, and
// writes them into lay (whose memory it reuses). base is the absolute
// offset of b[0], for errors, which are those of Unpack.
func (p *Plan) Layout(b []byte, base int64, lay *Layout) error {
	lay.reset(p.slots)
	if p.size >= 0 {
		if int64(len(b)) < p.size {
			_, err := p.spec.UnpackWith(p.typ, b, Options{Order: p.order, Base: base})
			return err
		}
		lay.size = p.size
		return nil
	}
	if p.fast(b, lay) {
		return nil
	}
	d := &decoder{buf: b, base: base, limits: p.spec.cfg.Limits}
	size, dl, err := d.decode(p.typ, 0, p.order, nil, "", 0)
	if err != nil {
		return err
	}
	lay.size = size
	if p.root != nil && dl != nil {
		p.root.fill(lay, 0, dl)
	}
	return nil
}

// fastBlock holds the layout of a small struct that unpackFast decodes, in
// one allocation.
type fastBlock struct {
	top  dynLayout
	offs [8]int64
	subs [8]*dynLayout
	arrs [2]dynLayout
}

// unpackFast is the general decoder's layout of a record, found by the
// fast path of Layout; false: the general decoder must decide.
func (p *Plan) unpackFast(b []byte) (*dynLayout, int64, bool) {
	st := p.root.st
	n := len(st.Fields)
	if n > len(fastBlock{}.offs) {
		return nil, 0, false
	}
	lay, _ := p.lays.Get().(*Layout)
	if lay == nil {
		lay = new(Layout)
	}
	defer p.lays.Put(lay)
	lay.reset(p.slots)
	if !p.fast(b, lay) {
		return nil, 0, false
	}
	blk := new(fastBlock)
	dl := &blk.top
	dl.size, dl.offs, dl.subs = lay.size, blk.offs[:n:n], blk.subs[:n:n]
	arrs := blk.arrs[:0:len(blk.arrs)]
	for i := range st.Fields {
		f := &st.Fields[i]
		dl.offs[i] = f.Offset
		slot := p.root.fields[i].slot
		if slot < 0 {
			continue
		}
		dl.offs[i] = lay.offs[slot]
		if IsDynamic(f.Type) {
			sub := dynLayout{size: lay.lens[slot], n: int(lay.count[slot])}
			if len(arrs) < cap(arrs) {
				arrs = append(arrs, sub)
				dl.subs[i] = &arrs[len(arrs)-1]
			} else {
				dl.subs[i] = &dynLayout{size: sub.size, n: sub.n}
			}
		}
	}
	return dl, lay.size, true
}

// fast runs the fast path of Layout, if p has one; false: the general
// decoder must decide.
func (p *Plan) fast(b []byte, lay *Layout) bool {
	if t := p.tail; t != nil {
		// the common case, by hand
		avail := int64(len(b))
		if avail < t.prefix {
			return false
		}
		n := t.n.Int(b) // negative: a signed one, or a uint64 past int64
		if n < 0 || n > p.maxN || t.es > 0 && n > (avail-t.off)/t.es {
			return false
		}
		size := n * t.es
		lay.offs[t.slot], lay.lens[t.slot], lay.count[t.slot] = t.off, size, n
		lay.size = min(alignUp(t.off+size, t.align), avail)
		return true
	}
	return p.steps != nil && p.layoutFast(b, lay)
}

// fill copies the offsets of the general decoder's layout into the slots.
func (nd *node) fill(lay *Layout, base int64, dl *dynLayout) {
	for i := range nd.fields {
		nf := &nd.fields[i]
		f := &nd.st.Fields[i]
		off := base + dl.offs[i]
		sub := dl.subs[i]
		if nf.slot >= 0 {
			lay.offs[nf.slot] = off
			lay.lens[nf.slot] = f.Type.Size()
			lay.count[nf.slot] = 0
			if sub != nil {
				lay.lens[nf.slot] = sub.size
				lay.count[nf.slot] = int64(sub.n)
			}
		}
		if nf.sub != nil && sub != nil {
			nf.sub.fill(lay, off, sub)
		}
	}
}

// layoutFast runs the compiled steps; false means the general decoder must
// decide (an error, or a case the steps do not cover).
func (p *Plan) layoutFast(b []byte, lay *Layout) bool {
	avail := int64(len(b))
	maxN := p.maxN
	var end int64
	for i := range p.steps {
		s := &p.steps[i]
		off := s.off
		if off < 0 {
			off = alignUp(end, s.align)
		}
		size, n := s.size, int64(0)
		if s.array {
			es := s.size
			switch s.kind {
			case Dynamic:
				v, ok := s.length(b, lay)
				if !ok || v < 0 { // the general decoder reports a negative length
					return false
				}
				n = v
				if es > 0 && n > (avail-off)/es || n > maxN {
					return false
				}
			case ToEOF:
				if es == 0 || (avail-off)%es != 0 || (avail-off)/es > maxN {
					return false
				}
				n = (avail - off) / es
			default: // ZeroTerm, Flexible: up to an all-zero element
				if es == 0 {
					return false
				}
				for cur := off; ; cur += es {
					if cur+es > avail || n >= maxN {
						return false
					}
					if isZero(b[cur : cur+es]) {
						break
					}
					n++
				}
				size = (n + 1) * es
				lay.offs[s.slot], lay.lens[s.slot], lay.count[s.slot] = off, size, n
				end = max(end, off+size)
				continue
			}
			size = n * es
		}
		if off+size > avail {
			return false
		}
		if s.slot >= 0 {
			lay.offs[s.slot], lay.lens[s.slot], lay.count[s.slot] = off, size, n
		}
		end = max(end, off+size)
	}
	st := p.root.st
	if st.Packed != 1 {
		end = min(alignUp(end, st.ByteAlign), avail)
	}
	lay.size = end
	return true
}

// Accessor resolves a path of the plan's type as Spec.Accessor does, and
// also reaches the fields whose offset or size depends on the data: read
// those with the L methods and the record's Layout.
func (p *Plan) Accessor(path string) (Accessor, error) {
	root, err := newAccessor(p.typ, 0, 0, 0, p.be, -1)
	if err != nil {
		return Accessor{}, err
	}
	root.in.nd = p.root
	return root.field(path)
}

// fieldSlot is what Value.FieldAt needs of a field beyond Field, computed
// once per struct.
type fieldSlot struct {
	size  int64            // the type's static size; for a bit-field, the bytes holding its bits
	order binary.ByteOrder // a struct field's own byte order; nil
	bits  bool
}

// structTable is the per-struct cache behind Value: a field table and the
// compiled Lookup paths.
type structTable struct {
	fields atomic.Pointer[[]fieldSlot]
	paths  sync.Map // string → []pathStep
	npaths atomic.Int32
}

// table returns st's field table, building it on first use.
func (st *Struct) table() []fieldSlot {
	if t := st.vt.fields.Load(); t != nil {
		return *t
	}
	t := make([]fieldSlot, len(st.Fields))
	for i := range st.Fields {
		f := &st.Fields[i]
		t[i] = fieldSlot{size: f.Type.Size(), bits: f.IsBitfield()}
		if f.IsBitfield() {
			t[i].size = int64(f.BitOffset+f.BitSize+7) / 8
		}
		if sub, ok := As[*Struct](f.Type); ok {
			t[i].order = sub.Order
		}
	}
	st.vt.fields.Store(&t)
	return t
}

// A pathStep is a part of a compiled Lookup path: the field indexes down
// to a named field (through anonymous members), or an array index.
type pathStep struct {
	fields []int
	index  int
}

// maxPaths bounds the compiled Lookup paths kept per struct.
const maxPaths = 4096

// compiledPath compiles a Lookup path of st once: nil when it does not
// resolve statically (Lookup then reports why).
func (st *Struct) compiledPath(path string) []pathStep {
	if c, ok := st.vt.paths.Load(path); ok {
		return c.([]pathStep)
	}
	var steps []pathStep
	var cur Type = st
	for p, err := range pathParts(path) {
		if err != nil {
			return nil
		}
		if p.name == "" {
			a, ok := As[*Array](cur)
			if p.index < 0 || !ok {
				return nil
			}
			steps = append(steps, pathStep{index: p.index})
			cur = a.Elem
			continue
		}
		s, ok := As[*Struct](cur)
		if !ok {
			return nil
		}
		f, idx, ok := s.FieldByName(p.name)
		if !ok {
			return nil
		}
		steps = append(steps, pathStep{fields: idx})
		cur = f.Type
	}
	if steps == nil {
		steps = []pathStep{}
	}
	if st.vt.npaths.Add(1) <= maxPaths {
		st.vt.paths.Store(path, steps)
	}
	return steps
}
