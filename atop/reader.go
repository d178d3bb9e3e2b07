package atop

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"math/bits"
	"os"
	"time"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// Options change how logs are read. The zero value reads with the embedded
// definitions, stops at the first corrupt record, allows 1<<20 tasks per
// sample and 32 MiB per inflated part.
type Options struct {
	// DefsDir is a directory of definition files that replaces the embedded
	// ones: DefsDir/2.10/atop.h (or DefsDir/atop/2.10/atop.h), one directory
	// per version, read at run time, so an edited definition needs no
	// recompiling. Versions without a directory there use the embedded
	// definitions.
	DefsDir string

	// Defines are macros predefined for the definition files, as -D does
	// for a C compiler: {"MAXCPU": "8192"} reads the log of an atop built
	// with another limit (the files wrap their limits in #ifndef).
	Defines map[string]string

	// Resync makes the reader scan forward past garbage: when a record
	// cannot be right (impossible lengths, a time before the previous
	// sample's or far from it, interval 0, no zlib stream where the data
	// must start), Next skips to the next plausible sample and returns a
	// *SkipError saying what it skipped. Without it such a record ends
	// reading with a *FormatError.
	Resync bool

	// MaxTasks bounds the tasks (and cgroup pids) of one sample; records
	// with more are corrupt. 0 means 1<<20.
	MaxTasks int

	// Strict turns off the inference of limits. Without it, a log whose
	// header records other struct sizes than the embedded definitions give
	// (an atop built with another MAXCPU, MAXDSK, CMDLEN, …) is read with
	// the limit values that reproduce every recorded size and read its
	// first samples cleanly; Header.Inferred names them. Definitions given
	// with DefsDir or Defines win: they are used as they are. With Strict,
	// or when no values fit, NewReader returns a *SizeError; when several
	// fit equally well, a *LimitsError.
	Strict bool

	// MaxInflated bounds what one part of a sample (its tasks, its cgroups,
	// its cgroup pid list) may inflate to, in bytes: deflate packs a
	// gigabyte of zeros into a megabyte, so a small hostile log could
	// otherwise take gigabytes. A part that needs more fails alone, with a
	// *SampleError that wraps a *LimitError; the other parts and samples
	// read. 0 means DefaultMaxInflated, 32 MiB: 33 000 tasks of atop 2.13
	// (992 bytes each), more than most hosts run, and with the output a
	// verb makes of them under 256 MB of memory. The system statistics have
	// the fixed size the definitions give and are not bounded.
	MaxInflated int64
}

// DefaultMaxInflated is what Options.MaxInflated 0 means.
const DefaultMaxInflated = 32 << 20

func (o *Options) maxInflated() int64 {
	if o == nil || o.MaxInflated <= 0 {
		return DefaultMaxInflated
	}
	return o.MaxInflated
}

func (o *Options) maxTasks() int64 {
	if o == nil || o.MaxTasks <= 0 {
		return 1 << 20
	}
	return int64(o.MaxTasks)
}

// Reader reads one raw log, sample by sample, without holding more than
// one sample in memory. A Reader is not safe for concurrent use.
type Reader struct {
	opts   Options
	file   string // Sample.File
	w      window
	closer []io.Closer
	hdr    *Header
	l      *layout

	index   int   // index of the next sample
	pending int   // bytes of the current sample, dropped by the next call
	prev    int64 // curtime of the previous sample, if hasPrev
	hasPrev bool
	err     error // sticky
	bufs    *sampleBufs
	trial   bool // reading with candidate limits: a size error is final
}

// Open opens a raw log file (plain or gzipped) with default Options.
func Open(name string) (*Reader, error) { return (&Options{}).Open(name) }

// NewReader reads a raw log (plain or gzipped) from r with default Options.
// It reads and checks the header at once.
func NewReader(r io.Reader) (*Reader, error) { return (&Options{}).NewReader(r) }

// Open opens a raw log file (plain or gzipped). Close the Reader when done.
func (o *Options) Open(name string) (*Reader, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("atop: %w", err)
	}
	r, err := o.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.closer = append(r.closer, f)
	r.file = name
	return r, nil
}

// SetFile sets the file name that the samples carry (Sample.File) and
// their errors name; Open sets it to the name it was given.
func (r *Reader) SetFile(name string) { r.file = name }

// NewReader reads a raw log from r, which is read sequentially only (a pipe
// works). Gzipped input (magic 1f 8b) is inflated on the fly; offsets in
// errors are then offsets in the inflated stream. NewReader reads and
// checks the header at once.
func (o *Options) NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{bufs: new(sampleBufs)}
	if o != nil {
		rd.opts = *o
	}
	rd.w.r = r
	if b, _ := rd.w.peek(2); len(b) == 2 && b[0] == 0x1f && b[1] == 0x8b {
		gz, err := gzip.NewReader(rd.w.rewind())
		if err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return nil, &TornError{Sample: -1, Part: "header", Want: 480}
			}
			return nil, &ReadError{Err: err}
		}
		rd.closer = append(rd.closer, gz)
		rd.w.r = gz
	}
	if err := rd.readHeader(); err != nil {
		return nil, err
	}
	return rd, nil
}

// Close closes the file that Open opened; for a Reader from NewReader it
// only releases the gzip reader, if any.
func (r *Reader) Close() error {
	var err error
	for i := len(r.closer) - 1; i >= 0; i-- {
		if e := r.closer[i].Close(); e != nil && err == nil {
			err = e
		}
	}
	r.closer = nil
	return err
}

// Header is the file header, read by NewReader.
func (r *Reader) Header() *Header { return r.hdr }

// Offset is where the next sample starts in the input (the inflated
// stream for gzipped input).
func (r *Reader) Offset() int64 { return r.w.off + int64(r.pending) }

func (r *Reader) readHeader() error {
	b, err := r.w.peek(8)
	if len(b) >= 4 {
		if m := binary.LittleEndian.Uint32(b); m != magic && m != bits.ReverseBytes32(magic) {
			return &magicError{m}
		}
	}
	if len(b) < 8 {
		if err = r.readErr(err); err != nil {
			return err
		}
		return &TornError{Sample: -1, Part: "header", Want: 480, Have: int64(len(b))}
	}
	order, aversion := sniffHeader(b)
	if aversion&0x8000 == 0 {
		return &VersionError{AVersion: aversion, Known: knownVersions(r.opts.DefsDir)}
	}
	l, err := loadLayout(r.opts.DefsDir, r.opts.Defines, versionOf(aversion))
	if errors.Is(err, errNoDefs) {
		return &VersionError{AVersion: aversion, Known: knownVersions(r.opts.DefsDir)}
	}
	if err != nil {
		return err
	}
	b, err = r.w.peek(int(l.headerSize))
	if int64(len(b)) < l.headerSize {
		if err = r.readErr(err); err != nil {
			return err
		}
		return &TornError{Sample: -1, Part: "header", Want: l.headerSize, Have: int64(len(b))}
	}
	hb := make([]byte, len(b)) // the Header outlives the window's buffer
	copy(hb, b)
	h, err := parseHeader(l, hb, order)
	var se *SizeError
	if errors.As(err, &se) && !se.Arch32 {
		h, l, err = r.inferHeader(l, hb, order, se)
	}
	if err != nil {
		return err
	}
	r.w.discard(len(hb))
	r.hdr, r.l = h, l
	return nil
}

// readErr passes on a failure of the underlying reader (gzip's
// included) as a *ReadError; the end of the input is not one.
func (r *Reader) readErr(err error) error {
	if err == nil || err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil
	}
	return &ReadError{Offset: r.w.off + int64(r.w.hi-r.w.lo), Err: err}
}

// Next returns the next sample, or io.EOF after the last one. The sample,
// and every Value, Task and Cgroup taken from it, is valid until the next
// call to Next; Clone keeps one longer.
//
// An error ends reading (Next then returns it again), except a *SkipError
// (see Options.Resync), after which Next goes on. A corrupt sample is not
// an error of Next: its System, Tasks or Cgroups report it.
func (r *Reader) Next() (*Sample, error) {
	if r.err != nil {
		return nil, r.err
	}
	r.w.discard(r.pending)
	r.pending = 0
	r.bufs.gen++
	s, err := r.next()
	if err != nil && !IsWarning(err) {
		r.err = err
	}
	return s, err
}

// Samples yields the samples and errors of Next, stopping after io.EOF
// (not yielded) or an error that ends reading. A *SkipError is yielded and
// the iteration goes on. It returns a single-use iterator.
func (r *Reader) Samples() iter.Seq2[*Sample, error] {
	return func(yield func(*Sample, error) bool) {
		for {
			s, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(s, err) || err != nil && !IsWarning(err) {
				return
			}
		}
	}
}

// rec holds the fields of a rawrecord that framing needs.
type rec struct {
	v                                  cstruct.Value
	curtime                            int64
	flags                              Flags
	interval, ndeviat, ntask           int64
	scomp, pcomp, ccomp, icomp         int64
	coriglen, ncgroups, ncgpids, total int64
}

func (r *Reader) decodeRecord(b []byte, off int64) rec {
	v, _ := r.l.spec.UnpackWith(r.l.record, b, cstruct.Options{Order: r.hdr.Order, Base: off})
	f := &r.l.rec
	x := rec{
		v:        v,
		curtime:  f.curtime.int(v),
		flags:    Flags(f.flags.uint(v)),
		interval: int64(f.interval.uint(v)),
		ndeviat:  int64(f.ndeviat.uint(v)),
		ntask:    int64(f.ntask.uint(v)),
		scomp:    int64(f.scomplen.uint(v)),
		pcomp:    int64(f.pcomplen.uint(v)),
		coriglen: int64(f.coriglen.uint(v)),
		ncgroups: int64(f.ncgroups.uint(v)),
		ncgpids:  int64(f.ncgpids.uint(v)),
	}
	if r.l.cstat != nil { // the cgroup parts exist from 2.11 on
		x.ccomp = int64(f.ccomplen.uint(v))
		x.icomp = int64(f.icomplen.uint(v))
	}
	x.total = r.l.recordSize + x.scomp + x.pcomp + x.ccomp + x.icomp
	return x
}

// maxRatio is deflate's largest compression ratio (258 bytes in 2 bits):
// a stream that inflates to n bytes has at least n/1032 bytes.
const maxRatio = 1032

// compressBound is zlib's compressBound: the most a stream of n bytes
// can take.
func compressBound(n int64) int64 { return n + n>>12 + n>>14 + n>>25 + 13 }

// fits reports whether comp compressed bytes can inflate to exactly orig.
func fits(comp, orig int64) bool {
	return comp >= 8 && comp <= compressBound(orig) && orig <= comp*maxRatio+1024
}

// framing checks the lengths and counts of a record: what must hold for the
// sample to be read at all. It bounds every allocation a sample can cause.
func (r *Reader) framing(x *rec) string {
	l := r.l
	switch {
	case !fits(x.scomp, l.sstatSize):
		return fmt.Sprintf("scomplen %d cannot hold an sstat of %d bytes", x.scomp, l.sstatSize)
	case x.ndeviat > r.opts.maxTasks():
		return fmt.Sprintf("ndeviat %d is more than %d tasks", x.ndeviat, r.opts.maxTasks())
	case !fits(x.pcomp, x.ndeviat*l.tstatSize):
		return fmt.Sprintf("pcomplen %d cannot hold %d tstat of %d bytes", x.pcomp, x.ndeviat, l.tstatSize)
	}
	if x.ccomp > 0 {
		maxOrig := x.ncgroups * (l.cstatSize + maxCgroupName)
		switch {
		case x.coriglen < x.ncgroups*l.cstatSize || x.coriglen > maxOrig:
			return fmt.Sprintf("coriglen %d does not fit %d cgroups", x.coriglen, x.ncgroups)
		case !fits(x.ccomp, x.coriglen):
			return fmt.Sprintf("ccomplen %d cannot hold %d bytes of cgroups", x.ccomp, x.coriglen)
		}
	}
	if x.icomp > 0 {
		switch {
		case x.ncgpids > r.opts.maxTasks():
			return fmt.Sprintf("ncgpids %d is more than %d", x.ncgpids, r.opts.maxTasks())
		case !fits(x.icomp, 4*x.ncgpids):
			return fmt.Sprintf("icomplen %d cannot hold %d pids", x.icomp, x.ncgpids)
		}
	}
	return ""
}

// Time bounds for plausible records when resynchronising.
const (
	minTime = 946684800  // 2000-01-01
	maxTime = 4102444800 // 2100-01-01
	maxGap  = 400 * 24 * 3600
)

// plausible adds the checks of Options.Resync to framing: a sane time and
// interval, known flags, ntask == ndeviat.
func (r *Reader) plausible(x *rec) string {
	if msg := r.framing(x); msg != "" {
		return msg
	}
	switch {
	case x.interval == 0:
		return "interval 0"
	case x.flags&^knownFlags != 0:
		return fmt.Sprintf("unknown flags %#x", uint16(x.flags))
	case x.ntask != x.ndeviat:
		return fmt.Sprintf("ntask %d differs from ndeviat %d", x.ntask, x.ndeviat)
	case x.curtime < minTime || x.curtime >= maxTime:
		return fmt.Sprintf("time %d is not between 2000 and 2100", x.curtime)
	case r.hasPrev && x.curtime < r.prev:
		return fmt.Sprintf("time %d is before the previous sample's %d", x.curtime, r.prev)
	case r.hasPrev && x.curtime > r.prev+maxGap:
		return fmt.Sprintf("time %d is more than 400 days after the previous sample's %d", x.curtime, r.prev)
	}
	return ""
}

// zlibHeader reports whether b starts like a zlib stream (deflate, window
// ≤ 32 KiB, header checksum right).
func zlibHeader(b []byte) bool {
	return len(b) >= 2 && b[0]&0x0f == 8 && b[0]>>4 <= 7 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// streamStarts checks that each compressed part of the sample in b starts
// with a zlib header.
func streamStarts(b []byte, recSize int64, x *rec) string {
	off := recSize
	for _, p := range []struct {
		name string
		n    int64
	}{{"sstat", x.scomp}, {"tstat", x.pcomp}, {"cstat", x.ccomp}, {"pidlist", x.icomp}} {
		if p.n == 0 {
			continue
		}
		if off+2 <= int64(len(b)) && !zlibHeader(b[off:]) {
			return fmt.Sprintf("no zlib stream where the %s data starts", p.name)
		}
		off += p.n
	}
	return ""
}

func (r *Reader) next() (*Sample, error) {
	recSize := r.l.recordSize
	start := r.w.off
	b, err := r.w.peek(int(recSize))
	if int64(len(b)) < recSize {
		if err = r.readErr(err); err != nil {
			return nil, err
		}
		if len(b) == 0 {
			return nil, io.EOF
		}
		return nil, &TornError{Sample: r.index, Offset: start, Part: "record", Want: recSize, Have: int64(len(b))}
	}
	x := r.decodeRecord(b, start)
	if r.opts.Resync {
		if msg := r.plausible(&x); msg != "" {
			return nil, r.resync(msg)
		}
	} else if msg := r.framing(&x); msg != "" {
		return nil, &FormatError{Sample: r.index, Offset: start, Msg: msg}
	}
	b, err = r.w.peek(int(x.total))
	if int64(len(b)) < x.total {
		if err = r.readErr(err); err != nil {
			return nil, err
		}
		if r.opts.Resync {
			if msg := streamStarts(b, recSize, &x); msg != "" {
				return nil, r.resync(msg)
			}
		}
		if msg := r.overrun(b, &x); msg != "" {
			if r.opts.Resync {
				return nil, r.resync(msg)
			}
			return nil, &FormatError{Sample: r.index, Offset: start, Msg: msg}
		}
		return nil, &TornError{Sample: r.index, Offset: start + recSize, Part: "sample data",
			Want: x.total - recSize, Have: int64(len(b)) - recSize}
	}
	if r.opts.Resync {
		if msg := streamStarts(b, recSize, &x); msg != "" {
			return nil, r.resync(msg)
		}
	}
	x = r.decodeRecord(b[:recSize], start) // b may have moved
	s := r.newSample(&x, b, start)
	r.pending = int(x.total)
	r.index++
	r.prev, r.hasPrev = x.curtime, true
	return s, nil
}

// overrun tells a corrupt length from a torn tail when the sample in b
// (the rest of the input) is shorter than its record says. A torn tail is
// a true prefix of the sample: the part that reaches past the end is a
// zlib stream cut short. A length that points past the end while its
// stream ends well inside the input cannot be: the record is corrupt, and
// what follows the stream may be more samples.
func (r *Reader) overrun(b []byte, x *rec) string {
	off := r.l.recordSize
	for i, p := range []struct {
		name    string
		n, orig int64
	}{{"scomplen", x.scomp, r.l.sstatSize}, {"pcomplen", x.pcomp, x.ndeviat * r.l.tstatSize},
		{"ccomplen", x.ccomp, x.coriglen}, {"icomplen", x.icomp, 4 * x.ncgpids}} {
		if off+p.n <= int64(len(b)) {
			off += p.n
			continue
		}
		n, ok := streamEnd(b[off:], p.orig)
		if !ok || n >= p.n {
			return "" // cut inside the stream: torn
		}
		return fmt.Sprintf("%s %d points %d bytes past the end of the input, but the %s stream there ends after %d bytes",
			p.name, p.n, off+p.n-int64(len(b)), partNames[i], n)
	}
	return ""
}

// streamEnd reports where the zlib stream at the start of b ends, trailer
// included, if it ends inside b after inflating to at most orig bytes. It
// inflates into a scratch buffer only.
func streamEnd(b []byte, orig int64) (int64, bool) {
	if !zlibHeader(b) || b[1]&0x20 != 0 {
		return 0, false
	}
	var src bytes.Reader
	src.Reset(b[2:])
	fr := flate.NewReader(&src)
	defer fr.Close()
	if m, err := io.CopyN(io.Discard, fr, orig+1); m > orig || err != io.EOF {
		return 0, false
	}
	n := int64(len(b)) - int64(src.Len()) + 4 // the Adler-32 trailer
	return n, n <= int64(len(b))
}

// resync skips the garbage at the current offset: it scans forward, byte by
// byte, for a record that passes the plausibility checks and whose parts
// start with zlib headers, and reports the skipped bytes. The sample found
// is returned by the next call to Next.
func (r *Reader) resync(reason string) error {
	start := r.w.off
	recSize := int(r.l.recordSize)
	r.w.discard(1)
	for {
		b, err := r.w.peek(recSize + 2)
		if len(b) < recSize+2 {
			if err = r.readErr(err); err != nil {
				return err
			}
			r.w.discard(len(b)) // nothing plausible before the end
			break
		}
		if zlibHeader(b[recSize:]) && r.candidate(recSize) {
			break
		}
		r.w.discard(1)
	}
	return &SkipError{Sample: r.index, Offset: start, Skipped: r.w.off - start, Reason: reason}
}

// candidate checks the record at the current offset, and the start of its
// tstat stream if the sstat stream is not too long to look past.
func (r *Reader) candidate(recSize int) bool {
	b, _ := r.w.peek(recSize)
	x := r.decodeRecord(b, r.w.off)
	if r.plausible(&x) != "" {
		return false
	}
	n := int64(recSize) + x.scomp + 2
	if n > 4<<20 {
		return true
	}
	b, _ = r.w.peek(int(n))
	return streamStarts(b, int64(recSize), &x) == ""
}

// window buffers the input from the current offset on: peek makes n bytes
// available (reading more as needed), discard drops them. Its buffer grows
// only as data arrives, so a length read from a hostile file cannot make it
// allocate more than twice the input there is.
type window struct {
	r      io.Reader
	buf    []byte
	lo, hi int   // buffered bytes: buf[lo:hi]
	off    int64 // input offset of buf[lo]
	err    error // sticky read error; io.EOF at the end
}

const minWindow = 32 << 10

// peek returns the next n bytes without consuming them, or fewer with the
// read error that stopped it. The slice is valid until the next peek or
// discard.
func (w *window) peek(n int) ([]byte, error) {
	for w.hi-w.lo < n && w.err == nil {
		w.fill(n)
	}
	if w.hi-w.lo >= n {
		return w.buf[w.lo : w.lo+n], nil
	}
	return w.buf[w.lo:w.hi], w.err
}

func (w *window) fill(n int) {
	if w.lo > 0 {
		copy(w.buf, w.buf[w.lo:w.hi])
		w.hi -= w.lo
		w.lo = 0
	}
	if w.hi == len(w.buf) {
		size := max(2*len(w.buf), minWindow)
		if n > w.hi && size > max(n, minWindow) {
			size = max(n, minWindow)
		}
		nb := make([]byte, size)
		copy(nb, w.buf[:w.hi])
		w.buf = nb
	}
	for tries := 0; tries < 100; tries++ {
		m, err := w.r.Read(w.buf[w.hi:])
		w.hi += m
		if err != nil {
			w.err = err
			return
		}
		if m > 0 {
			return
		}
	}
	w.err = io.ErrNoProgress
}

// rewind returns a reader of the whole input, the buffered bytes first, and
// empties the window: for a reader stacked on the input (gzip).
func (w *window) rewind() io.Reader {
	var src io.Reader = bytes.NewReader(bytes.Clone(w.buf[w.lo:w.hi]))
	switch w.err {
	case nil:
		src = io.MultiReader(src, w.r)
	case io.EOF:
	default:
		src = io.MultiReader(src, errReader{w.err})
	}
	w.lo, w.hi, w.off, w.err = 0, 0, 0, nil
	return src
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// discard drops n buffered bytes.
func (w *window) discard(n int) {
	n = min(n, w.hi-w.lo)
	w.lo += n
	w.off += int64(n)
}

// newSample builds the sample of record x, whose bytes (record and parts)
// are b at input offset off.
func (r *Reader) newSample(x *rec, b []byte, off int64) *Sample {
	recSize := r.l.recordSize
	s := &Sample{
		File:       r.file,
		Index:      r.index,
		Offset:     off,
		Time:       time.Unix(x.curtime, 0),
		Interval:   time.Duration(x.interval) * time.Second,
		Flags:      x.flags,
		NTask:      int(x.ndeviat),
		NCgroup:    int(x.ncgroups),
		NCgroupPID: int(x.ncgpids),
		Header:     r.hdr,
		Record:     x.v,
		data:       b,
		bufs:       r.bufs,
		gen:        r.bufs.gen,
		coriglen:   x.coriglen,
		limit:      r.opts.maxInflated(),
	}
	f := &r.l.rec
	v := x.v
	s.NProc = int(f.totproc.uint(v))
	s.NActProc = int(f.nactproc.uint(v))
	s.NRun = int(f.totrun.uint(v))
	s.NSleep = int(f.totslpi.uint(v))
	s.NDiskSleep = int(f.totslpu.uint(v))
	s.NIdle = int(f.totidle.uint(v))
	s.NZombie = int(f.totzomb.uint(v))
	s.NExit = int(f.nexit.uint(v))
	s.NOverflow = int(f.noverflow.uint(v))
	o := recSize
	s.parts[partSStat] = span{o, x.scomp}
	o += x.scomp
	s.parts[partTStat] = span{o, x.pcomp}
	o += x.pcomp
	s.parts[partCStat] = span{o, x.ccomp}
	o += x.ccomp
	s.parts[partPIDs] = span{o, x.icomp}
	return s
}
