package atop

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/adler32"
	"io"
	"sync"
	"time"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/zlib"
)

// Sample is one sample of a raw log: a raw record (struct rawrecord) and
// its compressed parts. The record's fields are decoded at once; the parts
// (system statistics, tasks, cgroups) are inflated only when asked for,
// each at most once.
//
// A Sample from Reader.Next, and every Value, Task and Cgroup taken from it,
// aliases the reader's buffers: it is valid until the next call to Next,
// after which its methods return ErrStale. Clone keeps a sample.
type Sample struct {
	File     string    // the name of its file (Reader.SetFile); "" if not known
	Index    int       // position in its file, from 0
	Offset   int64     // input offset of its record
	Time     time.Time // end of the interval
	Interval time.Duration
	Flags    Flags // FlagBoot: values since boot (a RESET sample)

	NTask      int // tasks stored (ndeviat): processes and threads, active and inactive, exited last
	NProc      int // processes, exited ones included (totproc)
	NActProc   int // processes active in the interval (nactproc)
	NRun       int // threads running (state R)
	NSleep     int // threads sleeping interruptibly (state S)
	NDiskSleep int // threads sleeping uninterruptibly (state D)
	NIdle      int // threads idle (state I; 2.10+)
	NZombie    int // zombie processes
	NExit      int // exited processes from process accounting: the last NExit tasks
	NOverflow  int // exited processes lost by process accounting
	NCgroup    int // cgroups stored (2.11+)
	NCgroupPID int // pids in the cgroups' pid list (2.11+)

	Header *Header       // the header of the sample's file
	Record cstruct.Value // the whole struct rawrecord

	data     []byte // record and compressed parts
	parts    [4]span
	coriglen int64
	limit    int64 // Options.MaxInflated
	bufs     *sampleBufs
	gen      uint64

	sys     result[cstruct.Value]
	tasks   result[[]Task]
	cgroups result[[]Cgroup]
	byPID   map[int]int // pid → index in cgroups
}

// The compressed parts of a sample, in file order.
const (
	partSStat = iota
	partTStat
	partCStat
	partPIDs
)

var partNames = [...]string{"sstat", "tstat", "cstat", "pidlist"}

type span struct{ off, n int64 }

// result is a lazily computed part of a sample.
type result[T any] struct {
	done bool
	v    T
	err  error
}

// sampleBufs are the inflate buffers that a reader's samples share (one
// sample at a time): gen tells the current sample.
type sampleBufs struct {
	gen                  uint64
	sys, tstat, cst, pid []byte
	tasks                []Task
	cgroups              []Cgroup
	pids                 []int32
}

// Clone returns a copy of s that owns its bytes and buffers: it stays
// valid after Next. Clone a sample before the next call to Next: the clone
// of a stale sample is stale too.
func (s *Sample) Clone() *Sample {
	c := *s
	c.sys, c.tasks, c.cgroups, c.byPID = result[cstruct.Value]{}, result[[]Task]{}, result[[]Cgroup]{}, nil
	if s.stale() {
		c.bufs, c.gen = &sampleBufs{gen: 1}, 0
		return &c
	}
	c.data = bytes.Clone(s.data)
	c.bufs, c.gen = new(sampleBufs), 0
	l := s.Header.l
	c.Record, _ = l.spec.UnpackWith(l.record, c.data, cstruct.Options{Order: s.Header.Order, Base: s.Offset})
	return &c
}

// copyFrom makes s a copy of sample c that owns its record and compressed
// bytes, copied into data (reused, and returned). Nothing of it is
// inflated yet, and it has no buffers: the pipeline's worker gives it its
// own before its job runs.
func (s *Sample) copyFrom(c *Sample, data []byte) []byte {
	*s = *c
	data = append(data[:0], c.data...)
	s.data = data
	s.sys, s.tasks, s.cgroups, s.byPID = result[cstruct.Value]{}, result[[]Task]{}, result[[]Cgroup]{}, nil
	s.bufs, s.gen = nil, 0
	if c.Header != nil && c.Header.l != nil && int64(len(data)) >= c.Header.l.recordSize { // else not a Reader's sample
		l := c.Header.l
		s.Record, _ = l.spec.UnpackWith(l.record, data[:l.recordSize], cstruct.Options{Order: c.Header.Order, Base: c.Offset})
	}
	return data
}

func (s *Sample) stale() bool { return s.gen != s.bufs.gen }

// Compressed returns the compressed bytes of a part: "sstat", "tstat",
// "cstat" or "pidlist" (nil for an absent part, or a stale sample).
func (s *Sample) Compressed(part string) []byte {
	if s.stale() {
		return nil
	}
	for i, n := range partNames {
		if n == part && s.parts[i].n > 0 {
			p := s.parts[i]
			return s.data[p.off : p.off+p.n]
		}
	}
	return nil
}

// size is what part i inflates to.
func (s *Sample) size(i int) int64 {
	switch i {
	case partSStat:
		return s.Header.l.sstatSize
	case partTStat:
		return int64(s.NTask) * s.Header.l.tstatSize
	case partCStat:
		return s.coriglen
	}
	return 4 * int64(s.NCgroupPID)
}

// fits checks, before its buffer is made, that part i may be inflated:
// its size is within Options.MaxInflated (the system statistics, of the
// size the definitions give, always are).
func (s *Sample) fits(i int) error {
	if n := s.size(i); i != partSStat && s.limit > 0 && n > s.limit {
		return s.partError(i, &LimitError{Part: partNames[i], Size: n, Limit: s.limit, Tasks: s.NTask})
	}
	return nil
}

// partError is err of part i of the sample.
func (s *Sample) partError(i int, err error) *SampleError {
	return &SampleError{File: s.File, Sample: s.Index, Offset: s.Offset + s.parts[i].off, Part: partNames[i], Err: err}
}

// inflate inflates part i into dst, which must come out exactly full.
func (s *Sample) inflate(i int, dst []byte) error {
	p := s.parts[i]
	err := inflate(dst, s.data[p.off:p.off+p.n])
	if err != nil {
		return s.partError(i, err)
	}
	return nil
}

// inflater is a deflate reader with its source; they are pooled, as a
// reader holds a 32 KiB window.
type inflater struct {
	fr  io.ReadCloser
	src bytes.Reader
}

var inflaters sync.Pool

// inflate inflates the zlib stream comp (RFC 1950) into dst, which must
// come out exactly full, and checks the stream's Adler-32 checksum. It reads
// the 2-byte header itself, inflates the deflate stream that follows (a
// bytes.Reader is an io.ByteReader, so flate reads no byte past the end of
// the stream), and checks the 4-byte trailer with adler32sum, several times
// faster than the zlib package's hash/adler32.
func inflate(dst, comp []byte) error {
	return inflateTo(comp, len(dst), func(z *inflater) (uint32, error) {
		n, err := io.ReadFull(z.fr, dst)
		if err != nil {
			return 0, short(n, len(dst), err)
		}
		return adler32sum(dst), nil
	})
}

// verify inflates the zlib stream comp, which must come to exactly n
// bytes, through a small buffer, and checks its checksum: inflate without
// the memory.
func verify(comp []byte, n int) error {
	return inflateTo(comp, n, func(z *inflater) (uint32, error) {
		h := adler32.New()
		buf := make([]byte, 32<<10)
		for got := 0; got < n; {
			m, err := io.ReadFull(z.fr, buf[:min(len(buf), n-got)])
			h.Write(buf[:m])
			got += m
			if err != nil {
				return 0, short(got, n, err)
			}
		}
		return h.Sum32(), nil
	})
}

func short(got, want int, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("inflates to %d bytes, want %d (%w)", got, want, io.ErrUnexpectedEOF)
	}
	return err
}

// inflateTo checks the zlib header of comp, has read inflate the n bytes
// of the deflate stream that follows and return their Adler-32, then
// checks that the stream ends there and the trailer holds that checksum.
func inflateTo(comp []byte, n int, read func(*inflater) (uint32, error)) error {
	if len(comp) < 2 {
		return io.ErrUnexpectedEOF
	}
	if !zlibHeader(comp) {
		return zlib.ErrHeader
	}
	body := comp[2:]
	if comp[1]&0x20 != 0 { // a preset dictionary: only the empty one, as zlib.NewReader does
		if len(body) < 4 {
			return io.ErrUnexpectedEOF
		}
		if binary.BigEndian.Uint32(body) != 1 {
			return zlib.ErrDictionary
		}
		body = body[4:]
	}
	z, _ := inflaters.Get().(*inflater)
	if z == nil {
		z = new(inflater)
	}
	defer inflaters.Put(z)
	z.src.Reset(body)
	if z.fr == nil {
		z.fr = flate.NewReader(&z.src)
	} else if err := z.fr.(flate.Resetter).Reset(&z.src, nil); err != nil {
		return err
	}
	sum, err := read(z)
	if err != nil {
		return err
	}
	// The stream must end here.
	var one [1]byte
	for tries := 0; ; tries++ {
		m, err := z.fr.Read(one[:])
		if m > 0 {
			return fmt.Errorf("inflates to more than %d bytes", n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if tries == 8 {
			return fmt.Errorf("zlib stream does not end after %d bytes", n)
		}
	}
	trailer := body[len(body)-z.src.Len():]
	if len(trailer) < 4 {
		return io.ErrUnexpectedEOF
	}
	if binary.BigEndian.Uint32(trailer) != sum {
		return zlib.ErrChecksum
	}
	return nil
}

// grow returns b resized to n bytes, reusing its memory when it can.
func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n, max(n, 2*cap(b)))
	}
	return b[:n]
}

// System inflates and returns the system statistics (struct sstat), as a
// Value of the version's definitions: Lookup("cpu.all.utime"),
// Lookup("mem.physmem"). Offsets in it are offsets in the inflated sstat.
func (s *Sample) System() (cstruct.Value, error) {
	if s.stale() {
		return cstruct.Value{}, ErrStale
	}
	r := &s.sys
	if !r.done {
		r.done = true
		l := s.Header.l
		s.bufs.sys = grow(s.bufs.sys, int(l.sstatSize))
		if r.err = s.inflate(partSStat, s.bufs.sys); r.err == nil {
			r.v, r.err = l.spec.UnpackWith(l.sstat, s.bufs.sys, cstruct.Options{Order: s.Header.Order})
		}
	}
	return r.v, r.err
}

// Tasks inflates and returns the tasks: processes, each followed by its
// threads, active and inactive ones, exited processes last.
func (s *Sample) Tasks() ([]Task, error) {
	if s.stale() {
		return nil, ErrStale
	}
	r := &s.tasks
	if !r.done {
		r.done = true
		r.v, r.err = s.decodeTasks()
	}
	return r.v, r.err
}

// VerifyTasks checks the sample's tasks as Tasks does (they inflate to the
// length the record gives, with the right checksum, within
// Options.MaxInflated) without keeping them: they are inflated through a
// small buffer, so a sample of many tasks costs no memory. It is for a
// caller that only needs to know whether the part is sound.
func (s *Sample) VerifyTasks() error {
	if s.stale() {
		return ErrStale
	}
	if r := &s.tasks; r.done {
		return r.err
	}
	if err := s.fits(partTStat); err != nil {
		return err
	}
	p := s.parts[partTStat]
	if err := verify(s.data[p.off:p.off+p.n], int(s.size(partTStat))); err != nil {
		return s.partError(partTStat, err)
	}
	return nil
}

func (s *Sample) decodeTasks() ([]Task, error) {
	l := s.Header.l
	size := int(l.tstatSize)
	b := s.bufs
	if err := s.fits(partTStat); err != nil {
		return nil, err
	}
	b.tstat = grow(b.tstat, s.NTask*size)
	if err := s.inflate(partTStat, b.tstat); err != nil {
		return nil, err
	}
	b.tasks = b.tasks[:0]
	opts := cstruct.Options{Order: s.Header.Order}
	for i := range s.NTask {
		opts.Base = int64(i * size)
		v, err := l.spec.UnpackWith(l.tstat, b.tstat[i*size:(i+1)*size], opts)
		if err != nil {
			return nil, s.partError(partTStat, err)
		}
		b.tasks = append(b.tasks, Task{v: v, f: &l.tf, hertz: s.Header.Hertz})
	}
	return b.tasks, nil
}
