package parseable

import (
	"fmt"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// A description is compiled once per layout (the version's Spec and the
// log's byte order) into a program: its names become slots, its field
// paths accessors at fixed offsets of the inflated parts, its expressions
// typed closures, its print lines lists of ops, most of them a field read
// and a strconv append. The program is immutable and shared by every
// Printer of that layout; the state of one sample lives in a frame. A
// tree-walking interpreter in the tests (interp_*_test.go) is the
// reference: the judge tests compare both on every log. What the compiler
// cannot type statically (an ?: whose arms have different types, a def
// that recurses deeper than maxInline, an int128 field, …) is an error of
// the description, with its file:line:col.

// A program is a compiled description.
type program struct {
	labels                        map[*labelDesc]*clabel
	nInts, nFlts, nTxts, nScratch int
}

// A clabel is a compiled label.
type clabel struct {
	name   string
	hdr    []op
	body   []cstmt
	errOps int    // errors the compiler found, compiled into ops that report them when reached
	tasks  *cloop // the label is one plain loop over the tasks (frame.fused)
}

type progKey struct {
	spec *cstruct.Spec
	be   bool
	sel  string // the labels compiled, by name, when not all of them

	hertz, pagesize int64 // folded into the program
}

type progEntry struct {
	once sync.Once
	p    *program
	err  error
}

// programFor returns the (cached) program of a description for a layout,
// with the labels sel (nil: all of them). Compiling only what is printed
// keeps the start-up of "-P CPU" short.
func programFor(d *desc, lay *layoutInfo, sel []*labelDesc) (*program, error) {
	key := progKey{spec: lay.spec, be: isBig(lay.order), hertz: lay.hertz, pagesize: lay.pagesize}
	if sel == nil || len(sel) == len(d.labels) {
		sel = d.labels
	} else {
		names := make([]string, len(sel))
		for i, l := range sel {
			names[i] = l.name
		}
		key.sel = strings.Join(names, ",")
	}
	e, _ := d.progs.LoadOrStore(key, &progEntry{})
	pe := e.(*progEntry)
	pe.once.Do(func() { pe.p, pe.err = compileDesc(d, lay, sel) })
	return pe.p, pe.err
}

// compileDesc compiles the labels sel of a description.
func compileDesc(d *desc, lay *layoutInfo, sel []*labelDesc) (*program, error) {
	c, err := newCompiler(d, lay)
	if err != nil {
		return nil, err
	}
	c.prog.labels = make(map[*labelDesc]*clabel, len(sel))
	for _, ld := range sel {
		cl, err := c.compileLabel(ld)
		if err != nil {
			return nil, err
		}
		c.prog.labels[ld] = cl
	}
	return c.prog, nil
}

// newCompiler is a compiler of a description for a layout.
func newCompiler(d *desc, lay *layoutInfo) (*compiler, error) {
	c := &compiler{d: d, lay: lay, prog: &program{}}
	var err error
	if c.sysAcc, err = lay.spec.Accessor(lay.sstat, "", lay.order); err != nil {
		return nil, fmt.Errorf("parseable: %w", err)
	}
	if c.taskAcc, err = lay.spec.Accessor(lay.tstat, "", lay.order); err != nil {
		return nil, fmt.Errorf("parseable: %w", err)
	}
	if lay.cstat != nil {
		if c.cgAcc, err = lay.spec.Accessor(lay.cstat, "", lay.order); err != nil {
			return nil, fmt.Errorf("parseable: %w", err)
		}
	}
	return c, nil
}

func isBig(order interface{ Uint16([]byte) uint16 }) bool {
	return order != nil && order.Uint16([]byte{0, 1}) == 1
}

// unsupported stops the compilation: what the compiler cannot type
// statically is an error of the description, at c.pos.
type unsupported struct{ msg string }

// Limits of the compilation of one label.
const (
	maxInline = 32     // nested def calls
	maxNodes  = 200000 // expression nodes compiled, defs inlined
)

// compiler is the state of compiling a description.
type compiler struct {
	d    *desc
	lay  *layoutInfo
	prog *program

	sysAcc, taskAcc, cgAcc cstruct.Accessor // the roots; cgAcc is invalid before 2.11
	constOnly              bool             // a const's expression: no sample names (evalConst)
	pos                    lexer.Position   // the expression compiled, for an error

	lname  string
	lctx   string // "parseable: LABEL: "
	ctx    string // the prefix of an error here, as the interpreter wraps it
	scope  []cbind
	depth  int // defs being inlined
	nodes  int
	errOps int

	nInts, nFlts, nTxts, nScratch int // slots of the current label
}

// cbind is a name in scope: a let, a def parameter, a loop variable.
type cbind struct {
	name string
	x    cx
}

func (c *compiler) unsupported(format string, args ...any) {
	panic(unsupported{fmt.Sprintf(format, args...)})
}

// guard runs fn and returns what stops it: the error of the description
// at c.pos, under the label's name.
func (c *compiler) guard(what string, fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			u, ok := r.(unsupported)
			if !ok {
				panic(r)
			}
			line, col := 1, 1
			if c.d.src != nil {
				line, col = c.d.src.where(c.pos.Offset)
			}
			err = &descError{c.d.name, line, col, what + u.msg}
		}
	}()
	fn()
	return nil
}

// evalConst computes the const name = x of a description: compiled with
// the description's constants and functions and none of a sample's
// names, and run once.
func evalConst(d *desc, name string, x cexpr.Node) (scalar, error) {
	c := &compiler{d: d, constOnly: true}
	var r cx
	if err := c.guard("const "+name+": ", func() { r = c.load(c.expr(x)) }); err != nil {
		return scalar{}, err
	}
	f := &frame{ints: make([]int64, c.nInts), flts: make([]float64, c.nFlts), txts: make([][]byte, c.nTxts),
		scratch: make([][]byte, c.nScratch)}
	var v scalar
	switch {
	case r.fail != nil:
		r.fail(f)
	case r.k == kInt:
		v = scalar{k: kInt, i: r.intFn()(f), uns: r.uns}
	case r.k == kFloat:
		v = scalar{k: kFloat, f: r.fl(f), f32: r.f32}
	case r.k == kStr:
		v = strScalar(string(r.tx(f)))
	default:
		f.fail("", fmt.Errorf("%s is not a constant", r.loadedName()))
	}
	return v, f.err
}

func (c *compiler) compileLabel(ld *labelDesc) (*clabel, error) {
	cl := &clabel{name: ld.name}
	c.lname, c.lctx = ld.name, "parseable: "+ld.name+": "
	c.scope, c.depth, c.nodes, c.errOps = c.scope[:0], 0, 0, 0
	c.pos = lexer.Position{}
	// slots are the program's, not reused by the next label: labels can
	// run interleaved (frame.fused)
	if err := c.guard("label "+ld.name+": ", func() { c.compileBody(cl, ld) }); err != nil {
		return nil, err
	}
	return cl, nil
}

func (c *compiler) compileBody(cl *clabel, ld *labelDesc) {
	cl.hdr = c.template(c.d.header, c.lctx+"header: ")
	c.ctx = c.lctx
	cl.body = c.block(ld.body)
	cl.errOps = c.errOps
	p := c.prog
	p.nInts, p.nFlts, p.nTxts, p.nScratch = c.nInts, c.nFlts, c.nTxts, c.nScratch
	if len(cl.body) == 1 && cl.body[0].k == sFor && cl.body[0].loop.plainTasks {
		cl.tasks = cl.body[0].loop
	}
}

func (c *compiler) newInt() int     { c.nInts++; return c.nInts - 1 }
func (c *compiler) newFlt() int     { c.nFlts++; return c.nFlts - 1 }
func (c *compiler) newTxt() int     { c.nTxts++; return c.nTxts - 1 }
func (c *compiler) newScratch() int { c.nScratch++; return c.nScratch - 1 }

// ---- statements ----

func (c *compiler) block(body []stmt) []cstmt {
	mark := len(c.scope)
	var out []cstmt
	for _, s := range body {
		out = c.stmt(out, s)
	}
	c.scope = c.scope[:mark]
	return out
}

func (c *compiler) stmt(out []cstmt, s stmt) []cstmt {
	switch s := s.(type) {
	case *letStmt:
		c.ctx = c.lctx + "let " + s.name + ": "
		b, run := c.bind(c.expr(s.expr))
		c.ctx = c.lctx
		c.scope = append(c.scope, cbind{s.name, b})
		if run != nil {
			out = append(out, cstmt{k: sRun, run: run})
		}
	case *printStmt:
		out = append(out, c.printStmt(c.template(s.tmpl, c.lctx)))
	case *ifStmt:
		c.ctx = c.lctx + "if: "
		t := c.truth(c.load(c.expr(s.cond)))
		c.ctx = c.lctx
		switch {
		case t.fail != nil:
			out = append(out, cstmt{k: sRun, run: t.fail})
		case t.con != nil && t.con.i != 0:
			out = append(out, c.block(s.then)...)
		case t.con != nil:
			out = append(out, c.block(s.else_)...)
		default:
			out = append(out, cstmt{k: sIf, cond: t.b, then: c.block(s.then), els_: c.block(s.else_)})
		}
	case *forStmt:
		out = append(out, c.forStmt(s))
	}
	return out
}

// forStmt compiles a loop as env.loop runs it: the list or array, its
// kind, the count, then per element the index, the element and while.
func (c *compiler) forStmt(s *forStmt) cstmt {
	fctx := c.lctx + "for " + s.elem + ": "
	c.ctx = fctx
	over := c.expr(s.over)
	defer func() { c.ctx = c.lctx }()
	if over.fail != nil {
		return cstmt{k: sRun, run: over.fail}
	}
	l := &cloop{idx: -1}
	var n0 int64 // array length
	var start0 func(*frame) (n int64, base, cg int64, ok bool)
	var elem cx
	switch over.k {
	case kC:
		p := over.pl
		arr, ok := cstruct.As[*cstruct.Array](p.acc.Type())
		if !ok {
			return c.failStmt(c.failing(eff(over), fmt.Errorf("%s is not an array", p.acc.Type())))
		}
		if arr.Kind != cstruct.Fixed || cstruct.IsDynamic(arr.Elem) {
			c.unsupported("for over %s, an array of dynamic length", p.acc.Type())
		}
		n0 = int64(p.acc.Len())
		l.stride = arr.Elem.Size()
		loc := p.locFn()
		start0 = func(f *frame) (int64, int64, int64, bool) {
			cg, off, ok := loc(f)
			return n0, off, cg, ok
		}
		e0 := c.elemAcc(p.acc, arr)
		l.elem = c.newInt()
		ep := &place{src: p.src, slot: l.elem, acc: e0, ctx: p.ctx}
		if p.src == srcCgroup {
			l.kind = lCgArray
			l.elemOff = c.newInt()
			ep.dyn = slotOffset(l.elemOff)
		}
		elem = c.placeCx(ep)
	case kList:
		ls := over.ls
		lenOf := ls.lenFn()
		pre := ls.pre
		switch ls.kind {
		case lTasks:
			l.kind, l.stride = lTasks, int64(c.lay.tstatLen)
			l.plainTasks = s.count == nil && s.while == nil && pre == nil
			l.elem = c.newInt()
			elem = c.placeCx(&place{src: srcTask, slot: l.elem, acc: c.taskAcc, ctx: ls.ctx})
		case lCgroups:
			l.kind = lCgroups
			l.elem = c.newInt()
			elem = c.cgroupSlot(l.elem)
		case lPids:
			l.kind = lPids
			l.elem = c.newInt()
			elem = c.intSlot(l.elem, false, "an integer")
		}
		cgOf := ls.cgFn()
		start0 = func(f *frame) (int64, int64, int64, bool) {
			if pre != nil {
				pre(f)
			}
			if cgOf == nil {
				n := lenOf(f)
				return n, 0, 0, f.err == nil
			}
			cg := cgOf(f)
			return int64(len(f.cgPIDs(cg))), 0, cg, f.err == nil && cg >= 0
		}
	default:
		return c.failStmt(c.failing(eff(over), fmt.Errorf("%s is not a list", over.rawName())))
	}

	// count, in the scope outside the loop
	if s.count != nil {
		c.ctx = fctx + "count: "
		cnt := c.expr(s.count)
		c.ctx = fctx
		if cnt.fail != nil {
			return c.failStmt(cx{k: kNone, fail: seq(eff(over), cnt.fail)})
		}
		cl := c.load(cnt)
		if cl.k != kInt && cl.k != kFloat {
			return c.failStmt(c.failing(seq(eff(over), eff(cnt)), fmt.Errorf("count is %s", c.rawOf(cnt))))
		}
		ci := intOf(cl)
		s0 := start0
		start0 = func(f *frame) (int64, int64, int64, bool) {
			n, base, cg, ok := s0(f)
			if !ok {
				return 0, 0, 0, false
			}
			k := ci(f)
			return max(min(k, n), 0), base, cg, f.err == nil
		}
	}
	l.start = func(f *frame) (int, int64, int64) {
		n, base, cg, ok := start0(f)
		if !ok {
			return 0, 0, 0
		}
		return int(n), base, cg
	}

	mark := len(c.scope)
	if s.index != "" {
		l.idx = c.newInt()
		c.scope = append(c.scope, cbind{s.index, c.intSlot(l.idx, false, "an integer")})
	}
	c.scope = append(c.scope, cbind{s.elem, elem})
	if s.while != nil {
		c.ctx = fctx + "while: "
		w := c.truth(c.load(c.expr(s.while)))
		c.ctx = c.lctx
		switch {
		case w.fail != nil:
			fail := w.fail
			l.while = func(f *frame) bool { fail(f); return false }
		case w.con != nil && w.con.i != 0:
		case w.con != nil:
			l.while = func(*frame) bool { return false }
		default:
			l.while = w.b
		}
	}
	c.ctx = c.lctx
	l.body = c.block(s.body)
	c.scope = c.scope[:mark]
	return cstmt{k: sFor, loop: l}
}

func (c *compiler) failStmt(x cx) cstmt { return cstmt{k: sRun, run: x.fail} }

// elemAcc is the accessor of element 0 of an array accessor (of its type,
// when the array has no elements: nothing reads it then).
func (c *compiler) elemAcc(a cstruct.Accessor, arr *cstruct.Array) cstruct.Accessor {
	if a.Len() > 0 {
		return a.Elem(0)
	}
	order := c.lay.order
	e, err := c.lay.spec.Accessor(arr.Elem, "", order)
	if err != nil {
		c.unsupported("%v", err)
	}
	return e
}

// ---- templates ----

// template compiles a print line (or the header): its literal text goes
// into the ops' prefixes, each conversion becomes an op. lctx is the
// prefix of its errors.
func (c *compiler) template(t template, lctx string) []op {
	var ops []op
	var pre []byte
	saved := c.ctx
	defer func() { c.ctx = saved }()
	for i := range t {
		p := &t[i]
		if p.conv == nil {
			pre = append(pre, p.lit...)
			continue
		}
		c.ctx = lctx + p.conv.text + ": "
		x := c.expr(p.expr)
		c.ctx = lctx
		o, lit, isLit := c.convOp(p.conv, x)
		if isLit {
			pre = append(pre, lit...)
			continue
		}
		o.pre, pre = pre, nil
		ops = append(ops, o)
	}
	if len(pre) > 0 {
		ops = append(ops, op{k: opNone, pre: pre})
	}
	return ops
}

// printStmt makes a print statement of a line's ops: the fields of the
// record that most of them read (a loop's task or element) become opRec
// ops, which find it in the record the statement fetches once.
func (c *compiler) printStmt(ops []op) cstmt {
	type key struct {
		s    src
		slot int32
	}
	count := map[key]int{}
	var best key
	for _, o := range ops {
		if o.k == opField && o.slot >= 0 {
			k := key{o.src, o.slot}
			if count[k]++; count[k] > count[best] {
				best = k
			}
		}
	}
	st := cstmt{k: sPrint, ops: ops, rec: -1}
	if count[best] == 0 {
		return st
	}
	st.rec, st.recSrc = best.slot, best.s
	for i := range ops {
		o := &ops[i]
		if o.k != opField || o.src != best.s || o.slot != best.slot {
			continue
		}
		st.recNeed = max(st.recNeed, o.need)
		switch {
		case o.lk == lkI32 && o.fm == fD32:
			o.k = opRecI32D32
		case o.lk == lkI64 && o.fm == fD64:
			o.k = opRecI64D64
		case o.lk == lkI64 && o.fm == fU64:
			o.k = opRecI64U64
		case (o.lk == lkI8 || o.lk == lkU8) && o.fm == fC:
			o.k = opRecI8C
		case o.fm == fYN:
			o.k = opRecYN
		case o.lk == lkText && o.fm == fText:
			o.k = opRecText
		case o.lk == lkText && o.fm == fSpace:
			o.k = opRecSpace
		default:
			o.k = opRec
		}
	}
	return st
}

// convOp compiles one conversion and its expression, as env.fill runs
// them: the expression, then conv.format, whose errors are not wrapped.
// Constant pieces come back as literal text.
func (c *compiler) convOp(cv *conv, x cx) (o op, lit []byte, isLit bool) {
	if x.fail != nil {
		return op{k: opRun, x: &opArgs{run: x.fail}}, nil, false
	}
	xl := c.load(x)
	var ok bool
	switch cv.verb {
	case '%':
		if e := eff(x); e != nil {
			c.unsupported("%%%% with an expression") // the lexer never makes one
		}
		return op{}, []byte{'%'}, true
	case 'd', 'i', 'u', 'x', 'X', 'o', 'c':
		ok = xl.k == kInt || xl.k == kFloat
	case 's':
		ok = xl.k == kStr
	default:
		ok = xl.k == kInt || xl.k == kFloat
	}
	if !ok {
		f := c.failing(eff(x), fmt.Errorf("%s of %s", cv.text, c.rawOf(x)))
		return op{k: opRun, x: &opArgs{run: f.fail}}, nil, false
	}
	if xl.con != nil {
		b, err := cv.format(nil, *xl.con)
		if err != nil {
			c.unsupported("%v", err)
		}
		return op{}, b, true
	}
	switch cv.verb {
	case 'd', 'i', 'u', 'c':
		if fm, pad, ok := intFmt(cv); ok {
			if p := xl.yn; fm == fC && p != nil && p.fixed() {
				return c.fieldOp(p, fYN, nil), nil, false
			}
			if p := xl.from; xl.k == kInt && p != nil && p.fixed() {
				return c.fieldOp(p, fm, pad), nil, false
			}
			return op{k: opInt, fm: fm, x: &opArgs{pad: pad, i: intOf(xl)}}, nil, false
		}
	case 'f':
		if prec, ok := floatFmt(cv); ok {
			return op{k: opFloat, x: &opArgs{prec: prec, fl: fltOf(xl)}}, nil, false
		}
	case 's':
		if prec, ok := textFmt(cv); ok {
			if p := xl.from; prec < 0 && p != nil && p.fixed() {
				return c.fieldOp(p, fText, nil), nil, false
			}
			if p := xl.sp; prec < 0 && p != nil && p.fixed() {
				return c.fieldOp(p, fSpace, nil), nil, false
			}
			return op{k: opText, x: &opArgs{prec: prec, tx: xl.tx, ap: xl.apFn()}}, nil, false
		}
	}
	return op{k: opValue, x: &opArgs{cv: cv, v: valueOf(xl)}}, nil, false
}

// fieldOp is a fused op: a field of a record at a fixed place, formatted.
func (c *compiler) fieldOp(p *place, fm fmtKind, pad *intPad) op {
	lk := loadKindOf(p.acc)
	if isText := fm == fText || fm == fSpace; isText && lk != lkText && lk != lkAcc || !isText && lk == lkText {
		c.unsupported("a %s field formatted as text", p.acc.Type()) // load keeps them apart
	}
	return op{k: opField, fm: fm, lk: lk, src: p.src, slot: int32(p.slot), off: int32(p.acc.Offset()),
		need: int32(needOf(p.acc)), x: &opArgs{acc: p.acc, pad: pad, ctx: p.ctx}}
}

// needOf is how many bytes a record must have for a read of a.
func needOf(a cstruct.Accessor) int {
	if a.Size() < 0 {
		return int(a.Offset())
	}
	return int(a.Offset() + a.Size())
}

// valueOf makes the scalar of an expression, for conv.format.
func valueOf(x cx) func(*frame) scalar {
	switch x.k {
	case kInt:
		i, uns := x.intFn(), x.uns
		return func(f *frame) scalar { return scalar{k: kInt, i: i(f), uns: uns} }
	case kFloat:
		fl, f32 := x.fl, x.f32
		return func(f *frame) scalar { return scalar{k: kFloat, f: fl(f), f32: f32} }
	}
	tx := x.tx
	return func(f *frame) scalar { return strScalar(string(tx(f))) }
}

// ---- places: where a C value is ----

type src uint8

const (
	srcSys    src = iota // the struct sstat
	srcTask              // the tstat records
	srcCgroup            // a cgroup's cstat record
)

// A place is a C value in a sample's parts, not read yet: a struct, an
// array or a scalar field. acc reads it from its record's bytes; which
// record, and how far into it an array index moves, is known at run time
// from the slot, cgi and dyn.
type place struct {
	src  src
	slot int                        // sys, tasks: the slot with the record's offset; cgroups: with its index; -1: none
	cgi  func(*frame) int64         // cgroups without a slot: the cgroup (-1 after an error)
	dyn  func(*frame) (int64, bool) // bytes that array indexes add, after the record is found
	pre  func(*frame)               // evaluated first (a def's arguments)
	acc  cstruct.Accessor
	ctx  string // where sys is first needed, for its errors
}

// fixed reports whether the place needs no evaluation but loading sys:
// a field of a loop element, a let or sys itself.
func (p *place) fixed() bool {
	return p.pre == nil && p.dyn == nil && p.cgi == nil && (p.slot >= 0 || p.src == srcSys)
}

func tail(b []byte, off int64) []byte {
	if uint64(off) > uint64(len(b)) {
		return nil
	}
	return b[off:]
}

// recFn returns the bytes the place's accessor reads from: its record,
// moved by the array indexes (nil after an error).
func (p *place) recFn() func(*frame) []byte {
	slot, cgi, dyn, ctx := p.slot, p.cgi, p.dyn, p.ctx
	var rec func(*frame) []byte
	switch {
	case p.src == srcSys && slot < 0:
		rec = func(f *frame) []byte { return f.sysBytes(ctx) }
	case p.src == srcSys:
		rec = func(f *frame) []byte { return tail(f.sysRoot, f.ints[slot]) }
	case p.src == srcTask && slot < 0:
		// tasks[i]: dyn loads the tasks and finds the record
		rec = func(f *frame) []byte { return f.tstat }
	case p.src == srcTask:
		rec = func(f *frame) []byte { return tail(f.tstat, f.ints[slot]) }
	case slot < 0:
		rec = func(f *frame) []byte { return f.cgRec(cgi(f)) }
	default:
		rec = func(f *frame) []byte { return f.cgRec(f.ints[slot]) }
	}
	if dyn != nil {
		r0 := rec
		if p.src == srcTask && slot < 0 {
			rec = func(f *frame) []byte {
				o, ok := dyn(f)
				if !ok {
					return nil
				}
				return tail(r0(f), o)
			}
		} else {
			rec = func(f *frame) []byte {
				b := r0(f)
				if b == nil {
					return nil
				}
				o, ok := dyn(f)
				if !ok {
					return nil
				}
				return tail(b, o)
			}
		}
	}
	if pre := p.pre; pre != nil {
		r0 := rec
		rec = func(f *frame) []byte { pre(f); return r0(f) }
	}
	return rec
}

// locFn evaluates where the place is: its cgroup (cgroups) and the offset
// its accessor's offsets are from (sys, tasks) or the bytes array indexes
// add (cgroups); ok is false after an error.
func (p *place) locFn() func(*frame) (cg, off int64, ok bool) {
	slot, cgi, dyn, pre, ctx, s := p.slot, p.cgi, p.dyn, p.pre, p.ctx, p.src
	return func(f *frame) (int64, int64, bool) {
		if pre != nil {
			pre(f)
		}
		var cg, off int64
		switch s {
		case srcSys:
			if slot < 0 {
				if f.sysBytes(ctx) == nil {
					return 0, 0, false
				}
			} else {
				off = f.ints[slot]
			}
		case srcTask:
			if slot >= 0 {
				off = f.ints[slot]
			}
		case srcCgroup:
			if slot >= 0 {
				cg = f.ints[slot]
			} else if cg = cgi(f); cg < 0 {
				return 0, 0, false
			}
		}
		if dyn != nil {
			o, ok := dyn(f)
			if !ok {
				return 0, 0, false
			}
			off += o
		}
		return cg, off, true
	}
}

// touchFn evaluates the place for its errors only (nil: it has none).
func (p *place) touchFn() func(*frame) {
	if p.fixed() {
		if p.src == srcSys && p.slot < 0 {
			ctx := p.ctx
			return func(f *frame) { f.sysBytes(ctx) }
		}
		return nil
	}
	loc := p.locFn()
	return func(f *frame) { loc(f) }
}

func slotOffset(s int) func(*frame) (int64, bool) {
	return func(f *frame) (int64, bool) { return f.ints[s], true }
}

// bind gives a value a name (let, def parameters): scalars are evaluated
// into slots, places are evaluated to their record and offset, lists and
// cgroups to their cgroup. run does it (nil: nothing to do); the returned
// cx reads the name.
func (c *compiler) bind(x cx) (cx, func(*frame)) {
	if x.fail != nil {
		return x, x.fail
	}
	if x.pure {
		return x, nil
	}
	switch x.k {
	case kInt:
		s, i := c.newInt(), x.intFn()
		return c.intSlot(s, x.uns, x.raw), func(f *frame) { f.ints[s] = i(f) }
	case kFloat:
		s, fl := c.newFlt(), x.fl
		r := cx{k: kFloat, f32: x.f32, raw: x.raw, fl: func(f *frame) float64 { return f.flts[s] }, pure: true}
		return r, func(f *frame) { f.flts[s] = fl(f) }
	case kStr:
		s, tx := c.newTxt(), x.tx
		r := cx{k: kStr, raw: x.raw, tx: func(f *frame) []byte { return f.txts[s] }, pure: true}
		return r, func(f *frame) { f.txts[s] = tx(f) }
	case kC:
		p := x.pl
		if p.fixed() {
			return x, p.touchFn()
		}
		loc := p.locFn()
		q := &place{src: p.src, slot: c.newInt(), acc: p.acc, ctx: p.ctx}
		s := q.slot
		if p.src != srcCgroup {
			return c.placeCx(q), func(f *frame) {
				_, off, ok := loc(f)
				if !ok {
					off = 0
				}
				f.ints[s] = off
			}
		}
		so := -1
		if p.dyn != nil {
			so = c.newInt()
			q.dyn = slotOffset(so)
		}
		return c.placeCx(q), func(f *frame) {
			cg, off, ok := loc(f)
			if !ok {
				cg, off = -1, 0
			}
			f.ints[s] = cg
			if so >= 0 {
				f.ints[so] = off
			}
		}
	case kList:
		l := x.ls
		if l.kind != lPids {
			return x, l.touchFn()
		}
		if l.cgSlot >= 0 && l.pre == nil {
			return x, nil
		}
		s, cg := c.newInt(), l.cgFn()
		return cx{k: kList, raw: x.raw, ls: &listRef{kind: lPids, ctx: l.ctx, cgSlot: s}}, func(f *frame) { f.ints[s] = cg(f) }
	case kCgroup:
		if x.cgSlot >= 0 {
			return x, nil
		}
		s, cg := c.newInt(), x.cg
		return c.cgroupSlot(s), func(f *frame) { f.ints[s] = cg(f) }
	}
	c.unsupported("binding of %s", x.rawName())
	return cx{}, nil
}

func (c *compiler) intSlot(s int, uns bool, raw string) cx {
	return cx{k: kInt, uns: uns, raw: raw, i: func(f *frame) int64 { return f.ints[s] }, pure: true}
}

func (c *compiler) cgroupSlot(s int) cx {
	return cx{k: kCgroup, raw: "a cgroup", cgSlot: s, cg: func(f *frame) int64 { return f.ints[s] }, pure: true}
}

func (c *compiler) placeCx(p *place) cx {
	return cx{k: kC, raw: p.acc.Type().String(), pl: p, cgSlot: -1, pure: p.fixed() && p.slot >= 0}
}

// A listRef is a list: the tasks, the cgroups or a cgroup's pids.
type listRef struct {
	kind   loopKind // lTasks, lCgroups or lPids
	ctx    string   // where it is first needed, for the errors of loading it
	cgSlot int      // lPids: the cgroup's slot, or -1
	cg     func(*frame) int64
	pre    func(*frame)
}

// cgFn is the cgroup of a pid list (nil for other lists).
func (l *listRef) cgFn() func(*frame) int64 {
	if l.kind != lPids {
		return nil
	}
	if l.cgSlot >= 0 {
		s := l.cgSlot
		return func(f *frame) int64 { return f.ints[s] }
	}
	return l.cg
}

// lenFn is the number of elements, loading the list.
func (l *listRef) lenFn() func(*frame) int64 {
	ctx := l.ctx
	switch l.kind {
	case lTasks:
		return func(f *frame) int64 {
			if !f.loadTasks(ctx) {
				return 0
			}
			return int64(f.ntask)
		}
	case lCgroups:
		return func(f *frame) int64 {
			if !f.loadCgroups(ctx) {
				return 0
			}
			return int64(len(f.cgs))
		}
	}
	cg := l.cgFn()
	return func(f *frame) int64 { return int64(len(f.cgPIDs(cg(f)))) }
}

func (l *listRef) touchFn() func(*frame) {
	ctx := l.ctx
	var t func(*frame)
	switch l.kind {
	case lTasks:
		t = func(f *frame) { f.loadTasks(ctx) }
	case lCgroups:
		t = func(f *frame) { f.loadCgroups(ctx) }
	default:
		if l.cgSlot < 0 {
			cg := l.cg
			t = func(f *frame) { cg(f) }
		}
	}
	return seq(l.pre, t)
}
