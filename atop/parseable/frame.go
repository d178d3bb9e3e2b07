package parseable

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// A frame is the state of printing one sample with a compiled program:
// the sample's parts, the values of the sample's names, the slots of the
// program's names, and the first error. Programs are shared; each
// goroutine printing a sample uses a frame of its own (engine.frames).
type frame struct {
	parts
	sysRoot []byte // the sstat once asked for; nil before, and after a failure

	cgPaths     [][]byte // the cgroups' paths, in pathBuf
	pathBuf     []byte
	cgPathsDone bool
	cgByPID     map[int32]int32 // cgindex: built on first use in a sample
	cgMap       bool            // cgByPID is this sample's

	z                                 bool // -Z
	json                              bool // -J: prints append no header and no newline
	host                              []byte
	hertz, pagesize                   int64
	support, rrflags, epoch, interval int64
	tm                                [6]int64 // tm_year tm_mon tm_mday tm_hour tm_min tm_sec
	date, clock                       []byte

	ints    []int64   // integer slots: lets, parameters, loop variables, record offsets
	flts    []float64 // float slots
	txts    [][]byte  // text slots
	scratch [][]byte  // buffers of the ops that build text

	hdr    []byte   // the current label's line header and its space
	hdrBuf []byte   // hdr of a label run alone
	hdrs   [][]byte // hdr of each label of a fused run
	bufs   [][]byte // the lines of each label of a fused run
	err    error    // the first error; once set, the sample fails
}

// failError is an error of a compiled program: the interpreter's wrapping
// of the error, as one prefix.
type failError struct {
	prefix string
	err    error
}

func (e *failError) Error() string { return e.prefix + e.err.Error() }
func (e *failError) Unwrap() error { return e.err }

// fail records the first error of the sample.
func (f *frame) fail(prefix string, err error) {
	if f.err == nil {
		f.err = &failError{prefix, err}
	}
}

// start prepares the frame for a sample.
func (f *frame) start(g *engine, in *sampleInput) {
	f.parts.reset(in.src, g.lay)
	f.sysRoot = nil
	f.cgPaths, f.pathBuf, f.cgPathsDone, f.cgMap = f.cgPaths[:0], f.pathBuf[:0], false, false
	f.err = nil
	f.z, f.json = g.z, g.d.json
	f.host, f.hertz, f.pagesize = g.hostText, g.hdr.hertz, g.hdr.pagesize
	f.support = sampleSupport(g.hdr.support, in.flags)
	f.rrflags, f.epoch, f.interval = int64(in.flags), in.curtime, in.interval
	t := time.Unix(in.curtime, 0).In(g.loc)
	y, mon, d := t.Date()
	h, m, s := t.Clock()
	f.tm = [6]int64{int64(y - 1900), int64(mon - 1), int64(d), int64(h), int64(m), int64(s)}
	f.date = appendZeroPad(f.date[:0], int64(y%10000), 4)
	f.date = append(f.date, '/')
	f.date = appendZeroPad(f.date, int64(mon), 2)
	f.date = append(f.date, '/')
	f.date = appendZeroPad(f.date, int64(d), 2)
	f.clock = appendZeroPad(f.clock[:0], int64(h), 2)
	f.clock = append(f.clock, ':')
	f.clock = appendZeroPad(f.clock, int64(m), 2)
	f.clock = append(f.clock, ':')
	f.clock = appendZeroPad(f.clock, int64(s), 2)
	p := g.prog
	f.ints = grow(f.ints, p.nInts)
	f.flts = grow(f.flts, p.nFlts)
	f.txts = grow(f.txts, p.nTxts)
	f.scratch = grow(f.scratch, p.nScratch)
}

// label appends the lines of a compiled label: its header is rendered
// once, then the statements run.
func (f *frame) label(dst []byte, cl *clabel) []byte {
	if f.json { // -J: no line headers
		f.hdr = nil
		return f.exec(dst, cl.body)
	}
	f.hdrBuf = append(f.fill(f.hdrBuf[:0], cl.hdr, nil), ' ')
	if f.hdr = f.hdrBuf; f.err != nil {
		return dst
	}
	return f.exec(dst, cl.body)
}

// fused appends the lines of consecutive labels that are each one plain
// loop over the tasks, walking the tasks once: each task's record is read
// by every label while it is in the cache, each label's lines go to a
// buffer of its own, and the buffers are joined in label order. The lines
// are those of the labels run one after the other; on an error the
// caller runs them so to report the first error they meet.
func (f *frame) fused(dst []byte, group []*clabel) []byte {
	f.hdrs, f.bufs = grow(f.hdrs, len(group)), grow(f.bufs, len(group))
	for j, cl := range group {
		if f.json {
			f.hdrs[j] = f.hdrs[j][:0]
		} else if f.hdrs[j] = append(f.fill(f.hdrs[j][:0], cl.hdr, nil), ' '); f.err != nil {
			return dst
		}
		f.bufs[j] = f.bufs[j][:0]
	}
	n, _, _ := group[0].tasks.start(f) // the tasks, as the first loop finds them
	if f.err != nil {
		return dst
	}
	for i := range n {
		for j, cl := range group {
			l := cl.tasks
			if l.idx >= 0 {
				f.ints[l.idx] = int64(i)
			}
			f.ints[l.elem] = int64(i) * l.stride
			f.hdr = f.hdrs[j]
			if f.bufs[j] = f.exec(f.bufs[j], l.body); f.err != nil {
				return dst
			}
		}
	}
	for j := range group {
		dst = append(dst, f.bufs[j]...)
	}
	return dst
}

// finish drops what the frame holds of the sample.
func (f *frame) finish() {
	f.parts = parts{}
	f.sysRoot = nil
	clear(f.txts)
	clear(f.cgPaths)
	f.cgPaths = f.cgPaths[:0]
	f.err = nil
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// appendZeroPad is %0Nd.
func appendZeroPad(dst []byte, n int64, width int) []byte {
	var buf [24]byte
	b := strconv.AppendInt(buf[:0], n, 10)
	digits := b
	if n < 0 {
		dst = append(dst, '-')
		digits = b[1:]
		width--
	}
	for i := len(digits); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, digits...)
}

// sysBytes returns the sample's struct sstat, inflating it when first
// asked for; nil after a failure (recorded with prefix).
func (f *frame) sysBytes(prefix string) []byte {
	if f.sysRoot != nil {
		return f.sysRoot
	}
	b, err := f.system()
	if err != nil {
		f.fail(prefix, err)
		return nil
	}
	if b == nil {
		b = []byte{}
	}
	f.sysRoot = b
	return b
}

// loadTasks makes sure the tasks are there; false after a failure.
func (f *frame) loadTasks(prefix string) bool {
	if _, _, err := f.tasks(); err != nil {
		f.fail(prefix, err)
		return false
	}
	return true
}

// loadCgroups makes sure the cgroups are there; false after a failure.
func (f *frame) loadCgroups(prefix string) bool {
	cgs, err := f.cgroups()
	if err != nil {
		f.fail(prefix, err)
		return false
	}
	if f.cgPathsDone {
		return true
	}
	f.cgPathsDone = true
	for _, c := range cgs {
		f.pathBuf = append(f.pathBuf, c.Path...)
	}
	off := 0
	for _, c := range cgs {
		n := len(c.Path)
		f.cgPaths = append(f.cgPaths, f.pathBuf[off:off+n:off+n])
		off += n
	}
	return true
}

// cgRec is the cstat record of cgroup i (nil for none).
func (f *frame) cgRec(i int64) []byte {
	if uint64(i) >= uint64(len(f.cgs)) {
		return nil
	}
	return f.cgs[i].Value.Bytes()
}

func (f *frame) cgPath(i int64) []byte {
	if uint64(i) >= uint64(len(f.cgPaths)) {
		return nil
	}
	return f.cgPaths[i]
}

func (f *frame) cgPIDs(i int64) []int32 {
	if uint64(i) >= uint64(len(f.cgs)) {
		return nil
	}
	return f.cgs[i].PIDs
}

// cgIndex is the index of the cgroup that lists a process, or -1, as
// run.cgIndex finds it.
func (f *frame) cgIndex(pid int64, prefix string) int64 {
	if !f.cgMap {
		if !f.loadCgroups(prefix) {
			return 0
		}
		if f.cgByPID == nil {
			f.cgByPID = make(map[int32]int32)
		} else {
			clear(f.cgByPID)
		}
		for i, c := range f.cgs {
			for _, p := range c.PIDs {
				f.cgByPID[p] = int32(i) // the last cgroup wins
			}
		}
		f.cgMap = true
	}
	if pid < math.MinInt32 || pid > math.MaxInt32 {
		return -1
	}
	if i, ok := f.cgByPID[int32(pid)]; ok {
		return int64(i)
	}
	return -1
}

// ---- statements ----

type stmtKind uint8

const (
	sRun   stmtKind = iota // evaluate: a let into its slot, or an error
	sPrint                 // a line
	sIf
	sFor
)

// A cstmt is a compiled statement.
type cstmt struct {
	k          stmtKind
	run        func(*frame)
	ops        []op  // sPrint
	rec        int32 // sPrint: the slot of the record its opRec ops read (a task, an array element); -1: none
	recSrc     src
	recNeed    int32
	cond       func(*frame) bool
	then, els_ []cstmt
	loop       *cloop
}

type loopKind uint8

const (
	lArray   loopKind = iota // an array in sys or a task: elem holds the element's record offset
	lCgArray                 // an array in a cgroup's cstat: elem holds the cgroup, elemOff the offset
	lTasks                   // elem holds the task's offset in the tstat records
	lCgroups                 // elem holds the cgroup's index
	lPids                    // elem holds the pid
)

// A cloop is a compiled for statement.
type cloop struct {
	kind loopKind
	// start evaluates the list or array and the count: the number of
	// elements to walk, the record offset of element 0 and, for cgroups,
	// the cgroup. n ≤ 0 after an error.
	start      func(*frame) (n int, base, cg int64)
	stride     int64
	idx, elem  int // slots; idx -1 without an index name
	elemOff    int // lCgArray
	while      func(*frame) bool
	body       []cstmt
	plainTasks bool // for t in tasks, no count, no while
}

func (f *frame) exec(dst []byte, body []cstmt) []byte {
	for i := range body {
		s := &body[i]
		switch s.k {
		case sRun:
			s.run(f)
		case sPrint:
			var rec []byte
			if s.rec >= 0 {
				if rec = f.record(s.recSrc, s.rec); len(rec) < int(s.recNeed) {
					f.fail("parseable: ", errShortRecord)
					return dst
				}
			}
			dst = append(dst, f.hdr...)
			dst = f.fill(dst, s.ops, rec)
			if !f.json {
				dst = append(dst, '\n')
			}
		case sIf:
			c := s.cond(f)
			if f.err != nil {
				return dst
			}
			if c {
				dst = f.exec(dst, s.then)
			} else {
				dst = f.exec(dst, s.els_)
			}
		case sFor:
			dst = f.loop(dst, s.loop)
		}
		if f.err != nil {
			return dst
		}
	}
	return dst
}

func (f *frame) loop(dst []byte, l *cloop) []byte {
	n, base, cg := l.start(f)
	if f.err != nil {
		return dst
	}
	for i := 0; i < n; i++ {
		if l.idx >= 0 {
			f.ints[l.idx] = int64(i)
		}
		switch l.kind {
		case lArray, lTasks:
			f.ints[l.elem] = base + int64(i)*l.stride
		case lCgArray:
			f.ints[l.elem] = cg
			f.ints[l.elemOff] = base + int64(i)*l.stride
		case lCgroups:
			f.ints[l.elem] = int64(i)
		case lPids:
			f.ints[l.elem] = int64(f.cgPIDs(cg)[i])
		}
		if l.while != nil {
			ok := l.while(f)
			if f.err != nil || !ok {
				return dst
			}
		}
		dst = f.exec(dst, l.body)
		if f.err != nil {
			return dst
		}
	}
	return dst
}

// ---- print lines ----

type opKind uint8

const (
	opNone opKind = iota // only the literal text
	// fields of the line's record (cstmt.rec)
	opRecI32D32 // %d of an int
	opRecI64D64 // %lld of a long long
	opRecI64U64 // %llu of a long long
	opRecI8C    // %c of a char
	opRecYN     // %c of yn of an integer
	opRecText   // %s of a char array
	opRecSpace  // %s of spacefmt of a char array
	opRec       // any other field, read by lk and formatted by fm
	opField     // a field read at a static offset of a record, formatted by fm
	opInt       // an integer expression, formatted by fm
	opFloat     // a float expression, %.Nf
	opText      // a text expression, %s
	opValue     // anything else: conv.format of the value
	opRun       // an expression that fails
)

// fmtKind says how an op formats its value.
type fmtKind uint8

const (
	fD8 fmtKind = iota // %hhd
	fD16
	fD32 // %d
	fD64 // %ld %lld
	fU8
	fU16
	fU32 // %u
	fU64 // %lu %llu
	fC   // %c
	fPad // %0Nd, %-Nd, %Nd, …: pad describes it
	fText
	fSpace // %s of spacefmt(field)
	fYN    // %c of yn(field)
)

// An op is one piece of a print line: literal text, then at most one
// conversion with its value. The fused field op is small and needs
// nothing else: it reads a field of lk at off of its record (src, slot)
// and formats it by fm; the other ops keep their closures in x.
type op struct {
	pre  []byte
	k    opKind
	fm   fmtKind
	lk   loadKind
	src  src
	slot int32
	off  int32 // opField: the field's offset in its record
	need int32 // opField: bytes the record must have
	x    *opArgs
}

type opArgs struct {
	acc  cstruct.Accessor // opField with lkAcc
	pad  *intPad          // fPad
	prec int              // opFloat; opText: -1 for none
	ctx  string           // opField of sys: for the errors of loading it
	i    func(*frame) int64
	fl   func(*frame) float64
	tx   func(*frame) []byte
	ap   func(*frame, []byte) []byte
	v    func(*frame) scalar
	cv   *conv
	run  func(*frame)
}

// loadKind is how a fused op reads its field: the accessor's reading of
// a plain 1-, 2-, 4- or 8-byte integer or a char array, done in place;
// anything else (bit-fields, other widths, flexible arrays) through the
// accessor.
type loadKind uint8

const (
	lkAcc loadKind = iota
	lkI8
	lkU8
	lkI16
	lkU16
	lkI32
	lkU32
	lkI64 // and unsigned: the bits
	lkI16BE
	lkU16BE
	lkI32BE
	lkU32BE
	lkI64BE
	lkText // a char array: its bytes up to the first NUL
)

// loadKindOf is the load of an accessor's field that a fused op does in
// place, or lkAcc.
func loadKindOf(a cstruct.Accessor) loadKind {
	if _, _, bf := a.BitField(); bf || a.Size() < 0 || a.Offset() > math.MaxInt32/2 {
		return lkAcc
	}
	var size int64
	var signed bool
	switch u := cstruct.Underlying(a.Type()).(type) {
	case *cstruct.Int:
		size, signed = u.ByteSize, u.Signed
	case *cstruct.Char:
		size, signed = 1, true
	case *cstruct.Enum:
		size, signed = u.Base.ByteSize, u.Base.Signed
	case *cstruct.Array:
		if _, ok := cstruct.Underlying(u.Elem).(*cstruct.Char); ok {
			return lkText
		}
		return lkAcc
	default:
		return lkAcc
	}
	be := a.BigEndian()
	switch {
	case size == 1 && signed:
		return lkI8
	case size == 1:
		return lkU8
	case size == 2 && signed && be:
		return lkI16BE
	case size == 2 && be:
		return lkU16BE
	case size == 2 && signed:
		return lkI16
	case size == 2:
		return lkU16
	case size == 4 && signed && be:
		return lkI32BE
	case size == 4 && be:
		return lkU32BE
	case size == 4 && signed:
		return lkI32
	case size == 4:
		return lkU32
	case size == 8 && be:
		return lkI64BE
	case size == 8:
		return lkI64
	}
	return lkAcc
}

// load reads an integer field as Accessor.Int reads it.
func (o *op) load(b []byte) int64 {
	off := o.off
	switch o.lk {
	case lkI64:
		return int64(binary.LittleEndian.Uint64(b[off:]))
	case lkI32:
		return int64(int32(binary.LittleEndian.Uint32(b[off:])))
	case lkU32:
		return int64(binary.LittleEndian.Uint32(b[off:]))
	case lkI8:
		return int64(int8(b[off]))
	case lkU8:
		return int64(b[off])
	case lkI16:
		return int64(int16(binary.LittleEndian.Uint16(b[off:])))
	case lkU16:
		return int64(binary.LittleEndian.Uint16(b[off:]))
	case lkI64BE:
		return int64(binary.BigEndian.Uint64(b[off:]))
	case lkI32BE:
		return int64(int32(binary.BigEndian.Uint32(b[off:])))
	case lkU32BE:
		return int64(binary.BigEndian.Uint32(b[off:]))
	case lkI16BE:
		return int64(int16(binary.BigEndian.Uint16(b[off:])))
	case lkU16BE:
		return int64(binary.BigEndian.Uint16(b[off:]))
	}
	return o.x.acc.Int(b)
}

// text reads a char array field as Accessor.Bytes reads it.
func (o *op) text(b []byte) []byte {
	if o.lk != lkText {
		return o.x.acc.Bytes(b)
	}
	t := b[o.off:o.need]
	if i := bytes.IndexByte(t, 0); i >= 0 {
		t = t[:i]
	}
	return t
}

// errShortRecord is an internal error: a record shorter than its type.
var errShortRecord = errors.New("internal error: a record is shorter than its type")

// record is the record in a slot.
func (f *frame) record(s src, slot int32) []byte {
	switch s {
	case srcTask:
		return tail(f.tstat, f.ints[slot])
	case srcSys:
		return tail(f.sysRoot, f.ints[slot])
	}
	return f.cgRec(f.ints[slot])
}

// fill appends the pieces of a line; rec is the record of its opRec ops.
func (f *frame) fill(dst []byte, ops []op, rec []byte) []byte {
	for i := range ops {
		o := &ops[i]
		if len(o.pre) == 1 {
			dst = append(dst, o.pre[0])
		} else {
			dst = append(dst, o.pre...)
		}
		switch o.k {
		case opRecI32D32:
			dst = appendDec(dst, int64(int32(binary.LittleEndian.Uint32(rec[o.off:]))))
		case opRecI64D64:
			dst = appendDec(dst, int64(binary.LittleEndian.Uint64(rec[o.off:])))
		case opRecI64U64:
			if x := binary.LittleEndian.Uint64(rec[o.off:]); x < 10 {
				dst = append(dst, byte('0'+x))
			} else {
				dst = strconv.AppendUint(dst, x, 10)
			}
		case opRecI8C:
			dst = append(dst, rec[o.off])
		case opRecYN:
			dst = appendYN(dst, o.load(rec))
		case opRecText:
			t := rec[o.off:o.need]
			if i := bytes.IndexByte(t, 0); i >= 0 {
				t = t[:i]
			}
			dst = append(dst, t...)
		case opRecSpace:
			dst = appendSpacefmt(dst, o.text(rec), f.z)
		case opRec:
			switch o.fm {
			case fText:
				dst = append(dst, o.text(rec)...)
			case fSpace:
				dst = appendSpacefmt(dst, o.text(rec), f.z)
			default:
				dst = o.appendInt(dst, o.load(rec))
			}
		case opField:
			var b []byte
			switch o.src {
			case srcSys:
				if o.slot < 0 {
					if b = f.sysRoot; b == nil {
						if b = f.sysBytes(o.x.ctx); b == nil {
							return dst
						}
					}
				} else {
					b = f.sysRoot[f.ints[o.slot]:]
				}
			case srcTask:
				b = f.tstat[f.ints[o.slot]:]
			case srcCgroup:
				b = f.cgRec(f.ints[o.slot])
			}
			if len(b) < int(o.need) {
				return dst // only after an error
			}
			switch o.fm {
			case fText:
				dst = append(dst, o.text(b)...)
			case fSpace:
				dst = appendSpacefmt(dst, o.text(b), f.z)
			default:
				dst = o.appendInt(dst, o.load(b))
			}
		case opInt:
			dst = o.appendInt(dst, o.x.i(f))
		case opFloat:
			dst = appendFloatF(dst, o.x.fl(f), o.x.prec)
		case opText:
			if o.x.prec < 0 {
				dst = o.x.ap(f, dst)
				break
			}
			s := o.x.tx(f)
			dst = append(dst, s[:min(len(s), o.x.prec)]...)
		case opValue:
			dst, _ = o.x.cv.format(dst, o.x.v(f)) // checked when compiled: it does not fail
		case opRun:
			o.x.run(f)
		}
	}
	return dst
}

// appendDec is %lld: one digit (two thirds of atop's fields are "0")
// goes straight in.
func appendDec(dst []byte, x int64) []byte {
	if uint64(x) < 10 {
		return append(dst, byte('0'+x))
	}
	return strconv.AppendInt(dst, x, 10)
}

// appendInt formats an integer by the op's conversion; %d and %lld of one
// digit (two thirds of atop's fields are "0") go straight in.
func (o *op) appendInt(dst []byte, x int64) []byte {
	switch o.fm {
	case fD64:
	case fD32:
		x = int64(int32(x))
	default:
		var pad *intPad
		if o.x != nil {
			pad = o.x.pad
		}
		return appendIntFmt(dst, o.fm, pad, x)
	}
	if uint64(x) < 10 {
		return append(dst, byte('0'+x))
	}
	return strconv.AppendInt(dst, x, 10)
}

// appendIntFmt formats an integer as one of the integer conversions.
func appendIntFmt(dst []byte, fm fmtKind, pad *intPad, x int64) []byte {
	switch fm {
	case fD32:
		return strconv.AppendInt(dst, int64(int32(x)), 10)
	case fD64:
		return strconv.AppendInt(dst, x, 10)
	case fU32:
		return strconv.AppendUint(dst, uint64(uint32(x)), 10)
	case fU64:
		return strconv.AppendUint(dst, uint64(x), 10)
	case fC:
		return append(dst, byte(x))
	case fD16:
		return strconv.AppendInt(dst, int64(int16(x)), 10)
	case fD8:
		return strconv.AppendInt(dst, int64(int8(x)), 10)
	case fU16:
		return strconv.AppendUint(dst, uint64(uint16(x)), 10)
	case fU8:
		return strconv.AppendUint(dst, uint64(uint8(x)), 10)
	case fPad:
		return pad.append(dst, x)
	case fYN:
		return appendYN(dst, x)
	}
	return dst
}

// appendYN is %c of yn(x).
func appendYN(dst []byte, x int64) []byte {
	if x != 0 {
		return append(dst, 'y')
	}
	return append(dst, 'n')
}

// appendSpacefmt is spacefmt's text: "(s)", or with -Z s with spaces as
// underscores ("_" when empty).
func appendSpacefmt(dst, s []byte, z bool) []byte {
	if !z {
		dst = append(dst, '(')
		dst = append(dst, s...)
		return append(dst, ')')
	}
	if len(s) == 0 {
		return append(dst, '_')
	}
	start := len(dst)
	dst = append(dst, s...)
	for i := start; i < len(dst); i++ {
		if dst[i] == ' ' {
			dst[i] = '_'
		}
	}
	return dst
}

// errDivZero is the interpreter's message.
var errDivZero = errors.New("division by zero")

// frameWords are the names whose values are int64 fields of the frame,
// as loads the compiled expressions read inline; made at the first
// compile, not at start-up.
var frameWords = sync.OnceValue(func() map[string]cexpr.Load {
	m := map[string]cexpr.Load{}
	for name, field := range map[string]string{"hertz": "hertz", "pagesize": "pagesize", "supportflags": "support",
		"rrflags": "rrflags", "epoch": "epoch", "interval": "interval"} {
		ld, err := cexpr.WordLoad[frame](field)
		if err != nil {
			panic(err) // the frame's own fields: a bug here
		}
		m[name] = ld
	}
	return m
})

// sysLoad is the load of an 8-byte little-endian integer field of sys
// at a static place, read from sysRoot when the sstat is there and long
// enough (else readInt's closure).
func sysLoad(p *place) (cexpr.Load, bool) {
	if p == nil || p.src != srcSys || p.slot >= 0 || !p.fixed() {
		return cexpr.Load{}, false
	}
	acc := p.acc
	if _, _, bf := acc.BitField(); bf || !acc.IsInteger() || acc.BigEndian() || acc.Size() != 8 {
		return cexpr.Load{}, false
	}
	if _, ok := cstruct.Underlying(acc.Type()).(*cstruct.Int); !ok {
		return cexpr.Load{}, false
	}
	ld, err := cexpr.BytesLoad[frame]("sysRoot", acc.Offset(), int64(needOf(acc)))
	return ld, err == nil
}
