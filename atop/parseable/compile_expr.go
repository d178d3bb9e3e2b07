package parseable

import (
	"fmt"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// The expression compiler: each expression of a description becomes a cx,
// its static type (integer, unsigned or not; float or double; text; a C
// place; a list; a cgroup) and a closure of that type over a frame. The
// operators are cexpr's (compile_cexpr.go), which folds constants; calls
// of pure built-in functions on constants fold here. What shows only when
// it is evaluated (an unknown name in a branch, an operator on text)
// becomes a cx that reports its error when it is evaluated, in the words
// of the interpreter that judges the compiler in the tests.

// A cx is a compiled expression.
type cx struct {
	k        kind    // kInt, kFloat, kStr, kC (a place), kList, kCgroup; kNone when it always fails
	uns, f32 bool    // kInt: unsigned 64-bit; kFloat: a C float
	raw      string  // the kind name of its value before loading, for messages ("" when not known)
	con      *scalar // a constant (kInt, kFloat, kStr)

	i      func(*frame) int64          // kInt
	b      func(*frame) bool           // kInt: a truth value (0 or 1), the same as i
	fl     func(*frame) float64        // kFloat
	tx     func(*frame) []byte         // kStr
	ap     func(*frame, []byte) []byte // kStr: appends it (optional)
	pl     *place                      // kC
	ls     *listRef                    // kList
	cg     func(*frame) int64          // kCgroup: its index (-1 after an error)
	cgSlot int                         // kCgroup: the slot with its index, or -1

	fail func(*frame) // evaluates it: what comes first, then its error

	from *place // kInt, kFloat, kStr: read from this place (for fused ops)
	sp   *place // kStr: spacefmt of the text at this place
	yn   *place // kInt: yn of the integer at this place

	// pure: evaluating it has no effect and cannot fail, and gives the
	// same value wherever it is in scope (a constant, a name's slot, a
	// field of a record already found): a def's argument or a let of it
	// needs no slot of its own.
	pure bool
}

func (x *cx) intFn() func(*frame) int64 {
	if x.i != nil {
		return x.i
	}
	b := x.b
	return func(f *frame) int64 {
		if b(f) {
			return 1
		}
		return 0
	}
}

func (x *cx) apFn() func(*frame, []byte) []byte {
	if x.ap != nil {
		return x.ap
	}
	tx := x.tx
	return func(f *frame, dst []byte) []byte { return append(dst, tx(f)...) }
}

// rawName is the kind name of the unloaded value ("" when not known).
func (x *cx) rawName() string { return x.raw }

// loadedName is the kind name of the loaded value.
func (x *cx) loadedName() string {
	switch x.k {
	case kInt:
		return "an integer"
	case kFloat:
		return "a float"
	case kStr:
		return "text"
	case kList:
		return "a list"
	case kCgroup:
		return "a cgroup"
	case kC:
		return x.pl.acc.Type().String()
	}
	return "nothing"
}

// rawOf is the raw kind name for a message; an expression whose value's
// kind depends on the data (an ?: of a field and a text) is not compiled.
func (c *compiler) rawOf(x cx) string {
	if x.raw == "" {
		c.unsupported("a message about a value of more than one kind")
	}
	return x.raw
}

func boolCx(b func(*frame) bool) cx { return cx{k: kInt, raw: "an integer", b: b, cgSlot: -1} }

func intCx(i func(*frame) int64, uns bool) cx {
	return cx{k: kInt, uns: uns, raw: "an integer", i: i, cgSlot: -1}
}

func fltCx(fl func(*frame) float64, f32 bool) cx {
	return cx{k: kFloat, f32: f32, raw: "a float", fl: fl, cgSlot: -1}
}

func txtCx(tx func(*frame) []byte) cx { return cx{k: kStr, raw: "text", tx: tx, cgSlot: -1} }

func cgroupFn(cg func(*frame) int64) cx { return cx{k: kCgroup, raw: "a cgroup", cg: cg, cgSlot: -1} }

// constant is a folded value.
func (c *compiler) constant(v scalar) cx {
	x := cx{k: v.k, uns: v.uns, f32: v.f32, raw: v.kindName(), con: &v, cgSlot: -1, pure: true}
	switch v.k {
	case kInt:
		n := v.i
		x.i = func(*frame) int64 { return n }
	case kFloat:
		fv := v.f
		x.fl = func(*frame) float64 { return fv }
	case kStr:
		s := []byte(v.s)
		x.tx = func(*frame) []byte { return s }
	default:
		c.unsupported("a constant of %s", v.kindName())
	}
	return x
}

// failing is an expression that fails with err, here, after pre.
func (c *compiler) failing(pre func(*frame), err error) cx {
	ctx := c.ctx
	c.errOps++
	return cx{k: kNone, cgSlot: -1, fail: func(f *frame) {
		if pre != nil {
			pre(f)
		}
		f.fail(ctx, err)
	}}
}

// after is x evaluated after pre: a def's arguments before its body.
func after(pre func(*frame), x cx) cx {
	if pre == nil {
		return x
	}
	if x.fail != nil {
		x.fail = seq(pre, x.fail)
		return x
	}
	y := x
	y.con, y.from, y.sp, y.yn, y.pure = nil, nil, nil, nil, false
	switch x.k {
	case kInt:
		if x.b != nil && x.i == nil {
			b := x.b
			y.b = func(f *frame) bool { pre(f); return b(f) }
		} else {
			i := x.intFn()
			y.i, y.b = func(f *frame) int64 { pre(f); return i(f) }, nil
		}
	case kFloat:
		fl := x.fl
		y.fl = func(f *frame) float64 { pre(f); return fl(f) }
	case kStr:
		tx, ap := x.tx, x.apFn()
		y.tx = func(f *frame) []byte { pre(f); return tx(f) }
		y.ap = func(f *frame, dst []byte) []byte { pre(f); return ap(f, dst) }
	case kC:
		p := *x.pl
		p.pre = seq(pre, p.pre)
		y.pl = &p
	case kList:
		l := *x.ls
		l.pre = seq(pre, l.pre)
		y.ls = &l
	case kCgroup:
		cg := x.cg
		y = cgroupFn(func(f *frame) int64 { pre(f); return cg(f) })
	}
	return y
}

// eff evaluates x for its errors only (nil: it has none).
func eff(x cx) func(*frame) {
	switch {
	case x.fail != nil:
		return x.fail
	case x.con != nil:
		return nil
	}
	switch x.k {
	case kInt:
		if x.i == nil {
			b := x.b
			return func(f *frame) { b(f) }
		}
		i := x.i
		return func(f *frame) { i(f) }
	case kFloat:
		fl := x.fl
		return func(f *frame) { fl(f) }
	case kStr:
		tx := x.tx
		return func(f *frame) { tx(f) }
	case kC:
		return x.pl.touchFn()
	case kList:
		return x.ls.touchFn()
	case kCgroup:
		if x.cgSlot >= 0 {
			return nil
		}
		cg := x.cg
		return func(f *frame) { cg(f) }
	}
	return nil
}

// seq runs fns in order (nil ones are left out).
func seq(fns ...func(*frame)) func(*frame) {
	var live []func(*frame)
	for _, fn := range fns {
		if fn != nil {
			live = append(live, fn)
		}
	}
	switch len(live) {
	case 0:
		return nil
	case 1:
		return live[0]
	case 2:
		a, b := live[0], live[1]
		return func(f *frame) { a(f); b(f) }
	}
	return func(f *frame) {
		for _, fn := range live {
			fn(f)
		}
	}
}

func effs(xs []cx) func(*frame) {
	fns := make([]func(*frame), len(xs))
	for i, x := range xs {
		fns[i] = eff(x)
	}
	return seq(fns...)
}

// intOf is a number as an integer (a float truncates, as toInt does).
func intOf(x cx) func(*frame) int64 {
	if x.k == kFloat {
		fl := x.fl
		return func(f *frame) int64 { return int64(fl(f)) }
	}
	return x.intFn()
}

// fltOf is a number as a double (unsigned integers as unsigned).
func fltOf(x cx) func(*frame) float64 {
	if x.k == kFloat {
		return x.fl
	}
	i := x.intFn()
	if x.uns {
		return func(f *frame) float64 { return float64(uint64(i(f))) }
	}
	return func(f *frame) float64 { return float64(i(f)) }
}

func numeric(x cx) bool { return x.k == kInt || x.k == kFloat }

// ---- expressions ----

// ident resolves a name: names in scope, the sample's names (not in a
// const), the description's constants, the built-in ones.
func (c *compiler) ident(name string) cx {
	for i := len(c.scope) - 1; i >= 0; i-- {
		if c.scope[i].name == name {
			return c.scope[i].x
		}
	}
	if c.constOnly {
		return c.constIdent(name)
	}
	ctx := c.ctx
	tm := func(k int) cx { return intCx(func(f *frame) int64 { return f.tm[k] }, false) }
	switch name {
	case "sys":
		return c.placeCx(&place{src: srcSys, slot: -1, acc: c.sysAcc, ctx: ctx})
	case "tasks":
		return cx{k: kList, raw: "a list", ls: &listRef{kind: lTasks, ctx: ctx, cgSlot: -1}, cgSlot: -1}
	case "cgroups":
		return cx{k: kList, raw: "a list", ls: &listRef{kind: lCgroups, ctx: ctx, cgSlot: -1}, cgSlot: -1}
	case "host":
		return txtCx(func(f *frame) []byte { return f.host })
	case "hertz":
		if c.lay.hertz != 0 {
			return c.headerConst(c.lay.hertz)
		}
		return intCx(func(f *frame) int64 { return f.hertz }, false)
	case "pagesize":
		if c.lay.pagesize != 0 {
			return c.headerConst(c.lay.pagesize)
		}
		return intCx(func(f *frame) int64 { return f.pagesize }, false)
	case "supportflags":
		return intCx(func(f *frame) int64 { return f.support }, false)
	case "rrflags":
		return intCx(func(f *frame) int64 { return f.rrflags }, false)
	case "epoch":
		return intCx(func(f *frame) int64 { return f.epoch }, false)
	case "interval":
		return intCx(func(f *frame) int64 { return f.interval }, false)
	case "date":
		return txtCx(func(f *frame) []byte { return f.date })
	case "time":
		return txtCx(func(f *frame) []byte { return f.clock })
	case "label":
		return c.constant(strScalar(c.lname))
	case "tm_year":
		return tm(0)
	case "tm_mon":
		return tm(1)
	case "tm_mday":
		return tm(2)
	case "tm_hour":
		return tm(3)
	case "tm_min":
		return tm(4)
	case "tm_sec":
		return tm(5)
	}
	return c.constIdent(name)
}

// headerConst is a figure of the log's header as a constant of the
// program: "count * pagesize" folds into the read of count.
func (c *compiler) headerConst(v int64) cx { return c.constant(scalar{k: kInt, i: v}) }

// constIdent resolves a name of the description's constants or the
// built-in ones.
func (c *compiler) constIdent(name string) cx {
	if v, ok := c.d.consts[name]; ok {
		return c.constant(v)
	}
	if v, ok := builtinConsts[name]; ok {
		return c.constant(v)
	}
	return c.failing(nil, fmt.Errorf("unknown name %q", name))
}

// load is value.scalar: a scalar field is read; other values stay.
func (c *compiler) load(x cx) cx {
	if x.k != kC || x.fail != nil {
		return x
	}
	p := x.pl
	acc := p.acc
	var y cx
	switch u := cstruct.Underlying(acc.Type()).(type) {
	case *cstruct.Int:
		if u.ByteSize > 8 {
			c.unsupported("a %d-byte integer", u.ByteSize)
		}
		y = intCx(c.readInt(p), !u.Signed && u.ByteSize >= 8)
	case *cstruct.Char:
		y = intCx(c.readInt(p), false)
	case *cstruct.Enum:
		if u.Base.ByteSize > 8 {
			c.unsupported("a %d-byte enum", u.Base.ByteSize)
		}
		y = intCx(c.readInt(p), false)
	case *cstruct.Float:
		switch u.ByteSize {
		case 2, 4, 8:
		default:
			c.unsupported("a %d-byte float", u.ByteSize)
		}
		y = fltCx(c.readFloat(p), u.ByteSize == 4)
	case *cstruct.Array:
		switch cstruct.Underlying(u.Elem).(type) {
		case *cstruct.Char:
			y = txtCx(c.readText(p))
		case *cstruct.WChar:
			c.unsupported("wide text")
		default:
			return x
		}
	default: // structs, pointers, wchar: as they are
		return x
	}
	y.raw, y.from, y.pure = x.raw, p, p.fixed() && p.slot >= 0
	return y
}

// readInt reads an integer-like field as load does (Accessor.Int has
// Value.Int's sign rules; unsigned 64-bit keeps its bits). A plain
// integer field of a fixed place is read by a Scalar of its width (one
// load and a shift); a record too short for that (nil: the sstat not read
// yet) takes the general way.
func (c *compiler) readInt(p *place) func(*frame) int64 {
	acc, need := p.acc, needOf(p.acc)
	var slow func(*frame) int64
	if p.fixed() {
		slot := p.slot
		switch {
		case p.src == srcSys && slot < 0:
			ctx := p.ctx
			slow = func(f *frame) int64 {
				b := f.sysRoot
				if b == nil {
					if b = f.sysBytes(ctx); b == nil {
						return 0
					}
				}
				if len(b) < need {
					return 0
				}
				return acc.Int(b)
			}
			if fast := fastInt(acc, need, -1, slow); fast != nil {
				return fast
			}
			return slow
		case p.src == srcTask:
			slow = func(f *frame) int64 {
				b := tail(f.tstat, f.ints[slot])
				if len(b) < need {
					return 0
				}
				return acc.Int(b)
			}
			if fast := fastInt(acc, need, slot, slow); fast != nil {
				return fast
			}
			return slow
		}
	}
	rec := p.recFn()
	return func(f *frame) int64 {
		b := rec(f)
		if len(b) < need {
			return 0
		}
		return acc.Int(b)
	}
}

func (c *compiler) readFloat(p *place) func(*frame) float64 {
	acc, need, rec := p.acc, needOf(p.acc), p.recFn()
	return func(f *frame) float64 {
		b := rec(f)
		if len(b) < need {
			return 0
		}
		return acc.Float(b)
	}
}

func (c *compiler) readText(p *place) func(*frame) []byte {
	acc, need, rec := p.acc, needOf(p.acc), p.recFn()
	return func(f *frame) []byte {
		b := rec(f)
		if len(b) < need {
			return nil
		}
		return acc.Bytes(b)
	}
}

// member is x.name, as member does.
func (c *compiler) member(x cx, name string) cx {
	if x.fail != nil {
		return x
	}
	switch x.k {
	case kC:
		p := x.pl
		st, ok := cstruct.As[*cstruct.Struct](p.acc.Type())
		if ok {
			_, _, ok = st.FieldByName(name)
		}
		if !ok {
			return c.failing(eff(x), fmt.Errorf("%s has no field %q", p.acc.Type(), name))
		}
		a, err := p.acc.Field(name)
		if err != nil {
			c.unsupported("%v", err)
		}
		q := *p
		q.acc = a
		return c.placeCx(&q)
	case kCgroup:
		cg := x.cg
		switch name {
		case "path":
			return txtCx(func(f *frame) []byte { return f.cgPath(cg(f)) })
		case "pids":
			return cx{k: kList, raw: "a list", ls: &listRef{kind: lPids, cgSlot: x.cgSlot, cg: cg}, cgSlot: -1}
		}
		if !c.cgAcc.IsValid() {
			// before 2.11 there are no cgroups: never evaluated
			return c.failing(eff(x), fmt.Errorf("no struct cstat in these definitions"))
		}
		p := &place{src: srcCgroup, slot: x.cgSlot, acc: c.cgAcc, ctx: c.ctx}
		if x.cgSlot < 0 {
			p.cgi = cg
		}
		if name == "cstat" {
			return c.placeCx(p)
		}
		return c.member(c.placeCx(p), name)
	}
	return c.failing(eff(x), fmt.Errorf("field %q of %s", name, c.rawOf(x)))
}

// index is x[i], as indexNode.eval does; x does not fail.
func (c *compiler) index(x, i cx) cx {
	if i.fail != nil {
		return cx{k: kNone, cgSlot: -1, fail: seq(eff(x), i.fail)}
	}
	pre := seq(eff(x), eff(i))
	il := c.load(i)
	if !numeric(il) {
		return c.failing(pre, fmt.Errorf("index is %s", c.rawOf(i)))
	}
	idx := intOf(il)
	ctx := c.ctx
	outOfRange := func(f *frame, k, n int64) {
		f.fail(ctx, fmt.Errorf("index %d out of range [0,%d)", k, n))
	}
	switch x.k {
	case kC:
		p := x.pl
		arr, ok := cstruct.As[*cstruct.Array](p.acc.Type())
		if !ok {
			return c.failing(pre, fmt.Errorf("index of %s", p.acc.Type()))
		}
		if arr.Kind != cstruct.Fixed || cstruct.IsDynamic(arr.Elem) {
			c.unsupported("an index into %s, an array of dynamic length", p.acc.Type())
		}
		n := int64(p.acc.Len())
		if il.con != nil {
			k := idx(nil)
			if k < 0 || k >= n {
				return c.failing(eff(x), fmt.Errorf("index %d out of range [0,%d)", k, n))
			}
			q := *p
			q.acc = p.acc.Elem(int(k))
			return c.placeCx(&q)
		}
		if n == 0 {
			fail := eff(x)
			return cx{k: kNone, cgSlot: -1, fail: func(f *frame) {
				if fail != nil {
					fail(f)
				}
				outOfRange(f, idx(f), 0)
			}}
		}
		stride := arr.Elem.Size()
		d0 := p.dyn
		q := *p
		q.acc = p.acc.Elem(0)
		q.dyn = func(f *frame) (int64, bool) {
			var o int64
			if d0 != nil {
				var ok bool
				if o, ok = d0(f); !ok {
					return 0, false
				}
			}
			k := idx(f)
			if k < 0 || k >= n {
				outOfRange(f, k, n)
				return 0, false
			}
			return o + k*stride, true
		}
		return c.placeCx(&q)
	case kList:
		l := x.ls
		lpre := l.pre
		switch l.kind {
		case lTasks:
			size := int64(c.lay.tstatLen)
			return c.placeCx(&place{src: srcTask, slot: -1, acc: c.taskAcc, ctx: ctx, pre: lpre, dyn: func(f *frame) (int64, bool) {
				if !f.loadTasks(ctx) {
					return 0, false
				}
				k := idx(f)
				if n := int64(f.ntask); k < 0 || k >= n {
					outOfRange(f, k, n)
					return 0, false
				}
				return k * size, true
			}})
		case lCgroups:
			return after(lpre, cgroupFn(func(f *frame) int64 {
				if !f.loadCgroups(ctx) {
					return -1
				}
				k := idx(f)
				if n := int64(len(f.cgs)); k < 0 || k >= n {
					outOfRange(f, k, n)
					return -1
				}
				return k
			}))
		}
		cg := l.cgFn()
		return after(lpre, intCx(func(f *frame) int64 {
			pids := f.cgPIDs(cg(f))
			k := idx(f)
			if n := int64(len(pids)); k < 0 || k >= n {
				outOfRange(f, k, n)
				return 0
			}
			return int64(pids[k])
		}, false))
	}
	return c.failing(pre, fmt.Errorf("index of %s", c.rawOf(x)))
}

// ---- calls ----

// call is a call: the arguments in order, then a def (inlined) or a
// built-in function.
func (c *compiler) call(fn *cexpr.Ident, args []cexpr.Node) cx {
	name := fn.Name
	xs := make([]cx, len(args))
	for i, a := range args {
		xs[i] = c.expr(a)
		if xs[i].fail != nil {
			return cx{k: kNone, cgSlot: -1, fail: effs(xs[:i+1])}
		}
	}
	c.pos = fn.Pos
	pre := effs(xs)
	if df, ok := c.d.defs[name]; ok {
		if len(xs) != len(df.params) {
			return c.failing(pre, fmt.Errorf("%s takes %d arguments, not %d", name, len(df.params), len(xs)))
		}
		return c.inline(df, xs)
	}
	nargs, ok := builtinArity[name]
	if !ok {
		return c.failing(pre, fmt.Errorf("unknown function %q", name))
	}
	if len(xs) != nargs {
		return c.failing(pre, fmt.Errorf("%s takes %d arguments, not %d", name, nargs, len(xs)))
	}
	saved := c.ctx
	c.ctx += name + ": "
	defer func() { c.ctx = saved }()
	x := c.builtin(name, xs, pre)
	if pure[name] && allConst(xs) {
		return c.fold(x)
	}
	return x
}

func allConst(xs []cx) bool {
	for _, x := range xs {
		if x.con == nil {
			return false
		}
	}
	return true
}

// inline compiles a def's body where it is called: the arguments
// evaluated once, in order, into slots, the body seeing only its
// parameters (env.call's scope).
func (c *compiler) inline(df *def, xs []cx) cx {
	if c.depth >= maxInline {
		c.unsupported("defs nested deeper than %d", maxInline)
	}
	var setup []func(*frame)
	scope := make([]cbind, len(xs))
	for i, x := range xs {
		b, run := c.bind(x)
		setup = append(setup, run)
		scope[i] = cbind{df.params[i], b}
	}
	saved, savedCtx := c.scope, c.ctx
	c.scope, c.ctx = scope, c.ctx+df.name+": "
	c.depth++
	body := c.expr(df.body)
	c.depth--
	c.scope, c.ctx = saved, savedCtx
	return after(seq(setup...), body)
}

// pure are the functions that fold when their arguments are constants.
var pure = map[string]bool{
	"int8": true, "int16": true, "int32": true, "int64": true, "uint8": true, "uint16": true,
	"uint32": true, "uint64": true, "char": true, "double": true, "float": true, "len": true,
	"cpufreq": true, "cpufreqperc": true, "exitcode": true, "avg": true, "unset0": true,
	"dash": true, "yn": true, "jsonsafe": true, "jsonstr": true,
}

// fold makes a constant of x, a pure function's call on constants: its
// closure reads nothing of a frame. One that fails stays, to fail where
// it is evaluated.
func (c *compiler) fold(x cx) cx {
	if x.fail != nil || x.con != nil {
		return x
	}
	f := &frame{}
	var v scalar
	switch x.k {
	case kInt:
		v = scalar{k: kInt, i: x.intFn()(f), uns: x.uns}
	case kFloat:
		v = scalar{k: kFloat, f: x.fl(f), f32: x.f32}
	case kStr:
		v = strScalar(string(x.tx(f)))
	default:
		return x
	}
	if f.err != nil {
		return x
	}
	return c.constant(v)
}

// builtin compiles a call of a built-in function (doc.go) on arguments
// that do not fail; pre evaluates them.
func (c *compiler) builtin(name string, xs []cx, pre func(*frame)) cx {
	ctx := c.ctx
	// num loads argument k and checks that it is a number (toInt,
	// toFloat), as the message says ("of %s": of the unloaded argument)
	num := func(k int, format string) (cx, *cx) {
		x := c.load(xs[k])
		if !numeric(x) {
			var err error
			if strings.Count(format, "%") == 2 {
				err = fmt.Errorf(format, k+1, c.rawOf(xs[k]))
			} else {
				err = fmt.Errorf(format, c.rawOf(xs[k]))
			}
			f := c.failing(pre, err)
			return x, &f
		}
		return x, nil
	}
	text := func(k int) (cx, *cx) {
		x := c.load(xs[k])
		if x.k != kStr {
			f := c.failing(pre, fmt.Errorf("of %s", c.rawOf(xs[k])))
			return x, &f
		}
		return x, nil
	}
	switch name {
	case "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "char":
		x, bad := num(0, "of %s")
		if bad != nil {
			return *bad
		}
		bits := map[string]int{"int8": 8, "int16": 16, "int32": 32, "int64": 64, "uint8": 8,
			"uint16": 16, "uint32": 32, "uint64": 64, "char": 8}[name]
		n := intOf(x)
		if strings.HasPrefix(name, "uint") {
			if bits == 64 {
				return intCx(n, true)
			}
			mask := int64(1)<<bits - 1
			return intCx(func(f *frame) int64 { return n(f) & mask }, false)
		}
		if bits == 64 {
			return intCx(n, false)
		}
		shift := uint(64 - bits)
		return intCx(func(f *frame) int64 { return n(f) << shift >> shift }, false)
	case "double", "float":
		x, bad := num(0, "of %s")
		if bad != nil {
			return *bad
		}
		fl := fltOf(x)
		if name == "double" {
			return fltCx(fl, false)
		}
		return fltCx(func(f *frame) float64 { return float64(float32(fl(f))) }, true)
	case "len":
		x := c.load(xs[0])
		switch x.k {
		case kList:
			n := x.ls.lenFn()
			if p := x.ls.pre; p != nil {
				n0 := n
				n = func(f *frame) int64 { p(f); return n0(f) }
			}
			return intCx(n, false)
		case kStr:
			tx := x.tx
			return intCx(func(f *frame) int64 { return int64(len(tx(f))) }, false)
		case kC:
			if arr, ok := cstruct.As[*cstruct.Array](x.pl.acc.Type()); ok {
				if arr.Kind != cstruct.Fixed {
					c.unsupported("len of an array of dynamic length")
				}
				n := int64(x.pl.acc.Len())
				if e := eff(x); e != nil {
					return intCx(func(f *frame) int64 { e(f); return n }, false)
				}
				return c.constant(intScalar(n))
			}
		}
		return c.failing(pre, fmt.Errorf("of %s", c.rawOf(xs[0])))
	case "sum", "sumif":
		return c.sum(xs, pre)
	case "cpufreq", "cpufreqperc":
		var n [3]func(*frame) int64
		for k := range n {
			x, bad := num(k, "argument %d is %s")
			if bad != nil {
				return *bad
			}
			n[k] = intOf(x)
		}
		perc := name == "cpufreqperc"
		return intCx(func(f *frame) int64 {
			freq, pc := calcFreq(n[0](f), n[1](f), n[2](f))
			if perc {
				return int64(int32(pc))
			}
			return freq
		}, false)
	case "exitcode":
		x, bad := num(0, "of %s")
		if bad != nil {
			return *bad
		}
		n := intOf(x)
		return intCx(func(f *frame) int64 { return exitcode(n(f)) }, false)
	case "avg":
		// the arguments in order; then n, then s is checked
		nx, bad := num(1, "of %s")
		if bad != nil {
			return *bad
		}
		n := intOf(nx)
		sx := c.load(xs[0])
		if !numeric(sx) {
			err := fmt.Errorf("of %s", c.rawOf(xs[0]))
			c.errOps++
			se := eff(sx)
			return fltCx(func(f *frame) float64 {
				if se != nil {
					se(f)
				}
				if n(f) > 0 {
					f.fail(ctx, err)
				}
				return 0
			}, false)
		}
		s := fltOf(sx)
		return fltCx(func(f *frame) float64 {
			sv, d := s(f), n(f)
			if d <= 0 {
				return 0
			}
			return sv / float64(d)
		}, false)
	case "unset0":
		x := c.load(xs[0])
		if x.k != kInt {
			x.from, x.sp, x.yn = nil, nil, nil
			x.raw = x.loadedName() // unset0 returns the loaded value
			return x
		}
		i := x.intFn()
		return intCx(func(f *frame) int64 {
			if v := i(f); v != -1 {
				return v
			}
			return 0
		}, x.uns)
	case "spacefmt":
		x, bad := text(0)
		if bad != nil {
			return *bad
		}
		tx, s := x.tx, c.newScratch()
		r := txtCx(func(f *frame) []byte {
			b := appendSpacefmt(f.scratch[s][:0], tx(f), f.z)
			f.scratch[s] = b
			return b
		})
		r.ap = func(f *frame, dst []byte) []byte { return appendSpacefmt(dst, tx(f), f.z) }
		r.sp = x.from
		return r
	case "dash":
		x, bad := text(0)
		if bad != nil {
			return *bad
		}
		tx := x.tx
		dash := []byte("-")
		return txtCx(func(f *frame) []byte {
			if s := tx(f); len(s) > 0 {
				return s
			}
			return dash
		})
	case "yn":
		x := c.load(xs[0])
		t := c.truth(x)
		switch {
		case t.fail != nil:
			return t
		case t.con != nil:
			return c.constant(intScalar(map[bool]int64{true: 'y', false: 'n'}[t.con.i != 0]))
		}
		b := t.b
		r := intCx(func(f *frame) int64 {
			if b(f) {
				return 'y'
			}
			return 'n'
		}, false)
		if x.k == kInt {
			r.yn = x.from
		}
		return r
	case "each":
		return c.each(xs, pre)
	case "cgindex":
		return c.cgindex(xs, pre)
	case "jsonsafe", "jsonstr":
		x, bad := text(0)
		if bad != nil {
			return *bad
		}
		n, bad := num(1, "length is %s")
		if bad != nil {
			return *bad
		}
		return c.jsonText(x, n, name == "jsonsafe")
	}
	c.unsupported("function %s", name)
	return cx{}
}

// calcFreq is fnFreq's calculation: the frequency and its percentage.
func calcFreq(cnt, ticks, maxfreq int64) (freq, pc int64) {
	switch {
	case maxfreq != 0 && ticks != 0:
		freq = cnt / ticks
		pc = 100 * freq / maxfreq
	case maxfreq != 0:
		freq = cnt
		pc = 100 * cnt / maxfreq
	case cnt != 0:
		freq, pc = cnt, 100
	default:
		freq, pc = 0, 100
	}
	return freq, pc
}

// exitcode is fnExitcode's calculation.
func exitcode(n int64) int64 {
	x := int32(n)
	if x&0xff != 0 {
		return int64(x&0x7f) + 256
	}
	return int64(x>>8) & 0xff
}

// sum is fnSum: the paths become accessors of the array's element; the
// interpreter's errors come from Value.Lookup on an element of the same
// type, and are raised at the first element that needs the path.
func (c *compiler) sum(xs []cx, pre func(*frame)) cx {
	arr := xs[0]
	var at *cstruct.Array
	if arr.k == kC {
		at, _ = cstruct.As[*cstruct.Array](arr.pl.acc.Type())
	}
	if at == nil {
		return c.failing(pre, fmt.Errorf("of %s", c.rawOf(arr)))
	}
	cnt := c.load(xs[1])
	if !numeric(cnt) {
		return c.failing(pre, fmt.Errorf("count is %s", c.rawOf(xs[1])))
	}
	strArg := func(k int, what string) (string, *cx) {
		x := c.load(xs[k])
		if x.k != kStr {
			f := c.failing(pre, fmt.Errorf("%s is %s", what, c.rawOf(xs[k])))
			return "", &f
		}
		if x.con == nil {
			c.unsupported("a sum path computed at run time")
		}
		return x.con.s, nil
	}
	path, bad := strArg(2, "path")
	if bad != nil {
		return *bad
	}
	cond := ""
	if len(xs) == 4 {
		if cond, bad = strArg(3, "condition"); bad != nil {
			return *bad
		}
	}
	if at.Kind != cstruct.Fixed || cstruct.IsDynamic(at.Elem) {
		c.unsupported("sum over an array of dynamic length")
	}
	n := int64(arr.pl.acc.Len())
	stride := at.Elem.Size()
	e0 := c.elemAcc(arr.pl.acc, at)
	rec := arr.pl.recFn()
	ci := intOf(cnt)
	ctx := c.ctx

	// the element's fields, resolved as Lookup resolves them
	dummy, err := c.lay.spec.UnpackWith(at.Elem, make([]byte, stride), cstruct.Options{Order: c.lay.order})
	if err != nil {
		c.unsupported("%v", err)
	}
	field := func(p string) (cstruct.Accessor, error) {
		if _, err := dummy.Lookup(p); err != nil {
			return cstruct.Accessor{}, err
		}
		a, err := e0.Field(p)
		if err != nil {
			c.unsupported("%v", err)
		}
		return a, nil
	}
	// test is the truth of the condition field of an element
	var test func(b []byte) (bool, error)
	if cond != "" {
		ca, err := field(cond)
		var ct func(b []byte) bool
		if err == nil {
			ct, err = c.fieldTruth(ca)
		}
		if err != nil {
			test = func([]byte) (bool, error) { return false, err }
		} else {
			test = func(b []byte) (bool, error) { return ct(b), nil }
		}
	}
	pa, perr := field(path)
	var get func(b []byte) int64
	if perr == nil {
		switch u := cstruct.Underlying(pa.Type()).(type) {
		case *cstruct.Int:
			if !u.Signed && u.ByteSize >= 8 || u.ByteSize > 8 {
				c.unsupported("a sum of %s", pa.Type())
			}
		case *cstruct.Char, *cstruct.Enum:
		default:
			switch k, name := loadedKind(pa.Type()); k {
			case kFloat, kInt:
				c.unsupported("a sum of %s", pa.Type())
			default:
				perr = fmt.Errorf("operator + on an integer and %s", name)
			}
		}
		if perr == nil {
			get = func(b []byte) int64 { return pa.Int(b) }
		}
	}
	end := e0.Offset() + n*stride
	return intCx(func(f *frame) int64 {
		b := rec(f)
		k := ci(f)
		if b == nil || int64(len(b)) < end {
			return 0
		}
		k = max(min(k, n), 0)
		var total int64
		for i := int64(0); i < k; i++ {
			eb := b[i*stride:]
			if test != nil {
				t, err := test(eb)
				if err != nil {
					f.fail(ctx, err)
					return 0
				}
				if !t {
					continue
				}
			}
			if perr != nil {
				f.fail(ctx, perr)
				return 0
			}
			total += get(eb)
		}
		return total
	}, false)
}

// fieldTruth is the truth of a field read with a, or the error truth
// reports for it.
func (c *compiler) fieldTruth(a cstruct.Accessor) (func(b []byte) bool, error) {
	switch u := cstruct.Underlying(a.Type()).(type) {
	case *cstruct.Int:
		if u.ByteSize > 8 {
			c.unsupported("a %d-byte integer", u.ByteSize)
		}
		return func(b []byte) bool { return a.Int(b) != 0 }, nil
	case *cstruct.Char, *cstruct.Enum:
		return func(b []byte) bool { return a.Int(b) != 0 }, nil
	case *cstruct.Float:
		return func(b []byte) bool { return a.Float(b) != 0 }, nil
	case *cstruct.Array:
		switch cstruct.Underlying(u.Elem).(type) {
		case *cstruct.Char:
			return func(b []byte) bool { return len(a.Bytes(b)) > 0 }, nil
		case *cstruct.WChar:
			c.unsupported("wide text")
		}
	}
	return nil, fmt.Errorf("%s has no truth value", a.Type())
}

// each is fnEach: the format is parsed once.
func (c *compiler) each(xs []cx, pre func(*frame)) cx {
	fx := c.load(xs[0])
	if fx.k != kStr {
		return c.failing(pre, fmt.Errorf("format is %s", c.rawOf(xs[0])))
	}
	if fx.con == nil {
		c.unsupported("an each format computed at run time")
	}
	list := c.load(xs[1])
	if list.k != kList {
		return c.failing(pre, fmt.Errorf("of %s", list.loadedName()))
	}
	fs := fx.con.s
	k := strings.IndexByte(fs, '%')
	if k < 0 {
		return c.failing(pre, fmt.Errorf("format %q has no conversion", fs))
	}
	cv, m, err := parseConv(fs[k:])
	if err != nil {
		return c.failing(pre, err)
	}
	prefix, suffix := []byte(fs[:k]), []byte(fs[k+m:])
	l := list.ls
	n := l.lenFn()
	lpre := l.pre
	s := c.newScratch()
	ctx := c.ctx
	var ap func(f *frame, dst []byte) []byte
	if l.kind == lPids {
		cg := l.cgFn()
		fm, pad, fast := intFmt(&cv)
		ap = func(f *frame, dst []byte) []byte {
			if lpre != nil {
				lpre(f)
			}
			for _, p := range f.cgPIDs(cg(f)) {
				dst = append(dst, prefix...)
				if fast {
					dst = appendIntFmt(dst, fm, pad, int64(p))
				} else {
					var err error
					if dst, err = cv.format(dst, intScalar(int64(p))); err != nil {
						f.fail(ctx, err)
						return dst
					}
				}
				dst = append(dst, suffix...)
			}
			return dst
		}
	} else {
		// tasks and cgroups: conv.format of a struct tstat or a cgroup
		// fails, but for %%
		elem := "a cgroup"
		if l.kind == lTasks {
			elem = c.lay.tstat.String()
		}
		ferr := fmt.Errorf("%s of %s", cv.text, elem)
		c.errOps++
		ap = func(f *frame, dst []byte) []byte {
			if lpre != nil {
				lpre(f)
			}
			for range n(f) {
				dst = append(dst, prefix...)
				if cv.verb != '%' {
					f.fail(ctx, ferr)
					return dst
				}
				dst = append(dst, '%')
				dst = append(dst, suffix...)
			}
			return dst
		}
	}
	r := txtCx(func(f *frame) []byte {
		b := ap(f, f.scratch[s][:0])
		f.scratch[s] = b
		return b
	})
	r.ap = ap
	return r
}

// cgindex is fnCgindex: gen.isproc and gen.pid resolved once.
func (c *compiler) cgindex(xs []cx, pre func(*frame)) cx {
	t := xs[0]
	if t.k != kC {
		return c.failing(pre, fmt.Errorf("of %s", c.rawOf(t)))
	}
	p := t.pl
	dummy, err := c.lay.spec.UnpackWith(p.acc.Type(), make([]byte, max(p.acc.Size(), 0)), cstruct.Options{Order: c.lay.order})
	if err != nil {
		c.unsupported("%v", err)
	}
	// field reads an integer field; other fields read as 0
	field := func(path string) (func(b []byte) int64, error) {
		if _, err := dummy.Lookup(path); err != nil {
			return nil, err
		}
		a, err := p.acc.Field(path)
		if err != nil {
			c.unsupported("%v", err)
		}
		switch k, _ := loadedKind(a.Type()); k {
		case kInt:
			if u, ok := cstruct.As[*cstruct.Int](a.Type()); ok && u.ByteSize > 8 {
				c.unsupported("a %d-byte integer", u.ByteSize)
			}
			return func(b []byte) int64 { return a.Int(b) }, nil
		}
		return func([]byte) int64 { return 0 }, nil
	}
	isproc, ierr := field("gen.isproc")
	pid, perr := field("gen.pid")
	rec := p.recFn()
	ctx := c.ctx
	return intCx(func(f *frame) int64 {
		b := rec(f)
		if b == nil {
			return 0
		}
		if ierr != nil {
			f.fail(ctx, ierr)
			return 0
		}
		if isproc(b) == 0 {
			return -1
		}
		if perr != nil {
			f.fail(ctx, perr)
			return 0
		}
		return f.cgIndex(pid(b), ctx)
	}, false)
}

// loadedKind is the kind of a field of type t once it is read (as load
// reads it), and its name in messages: an integer, a float, text, or the
// C type of what is not a scalar.
func loadedKind(t cstruct.Type) (kind, string) {
	k := kC
	switch u := cstruct.Underlying(t).(type) {
	case *cstruct.Int, *cstruct.Char, *cstruct.Enum:
		k = kInt
	case *cstruct.Float:
		k = kFloat
	case *cstruct.Array:
		switch cstruct.Underlying(u.Elem).(type) {
		case *cstruct.Char, *cstruct.WChar:
			k = kStr
		}
	}
	if k == kC {
		return k, t.String()
	}
	return k, kindNames[k]
}
