// Package atoptest crafts damaged and hostile atop raw logs from good ones,
// for the tests of the atop packages and the command: a corrupt part, a
// length that points past the end of the file, a record that declares a
// million tasks.
package atoptest

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
	"github.com/klauspost/compress/zlib"
)

// Part is where one compressed part of a sample lies in the log.
type Part struct{ Off, Len int64 }

// Sample is where one sample of a log lies.
type Sample struct {
	Offset int64   // its record
	Parts  [4]Part // sstat, tstat, cstat, pidlist (Len 0 when absent)
	End    int64   // where the next sample starts
}

// Part indexes of Sample.Parts.
const (
	SStat = iota
	TStat
	CStat
	PIDs
)

// Log is a good log, read once, to be edited.
type Log struct {
	Bytes   []byte
	Header  *atop.Header
	Samples []Sample
}

// Read reads a good log: every sample must read.
func Read(b []byte) (*Log, error) {
	r, err := atop.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	l := &Log{Bytes: b, Header: r.Header()}
	recLen := int64(r.Header().RawRecLen)
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		sm := Sample{Offset: s.Offset}
		off := s.Offset + recLen
		for i, name := range []string{"sstat", "tstat", "cstat", "pidlist"} {
			n := int64(len(s.Compressed(name)))
			sm.Parts[i] = Part{off, n}
			off += n
		}
		sm.End = off
		l.Samples = append(l.Samples, sm)
	}
	return l, nil
}

// Clone returns a copy of the log's bytes.
func (l *Log) Clone() []byte { return bytes.Clone(l.Bytes) }

// SetField writes v into a field of sample i's struct rawrecord in b (a
// copy of the log's bytes), in the log's byte order.
func (l *Log) SetField(b []byte, i int, field string, v uint64) error {
	spec := l.Header.Spec()
	typ, err := spec.Lookup("struct rawrecord")
	if err != nil {
		return err
	}
	off := l.Samples[i].Offset
	rec, err := spec.UnpackWith(typ, b[off:off+int64(l.Header.RawRecLen)], cstruct.Options{Order: l.Header.Order})
	if err != nil {
		return err
	}
	f, err := rec.Lookup(field)
	if err != nil {
		return err
	}
	fb := f.Bytes()
	switch len(fb) {
	case 2:
		l.Header.Order.PutUint16(fb, uint16(v))
	case 4:
		l.Header.Order.PutUint32(fb, uint32(v))
	case 8:
		l.Header.Order.PutUint64(fb, v)
	default:
		return fmt.Errorf("atoptest: field %s has %d bytes", field, len(fb))
	}
	return nil
}

// Flip returns the log with one byte in the middle of a compressed part
// of sample i inverted: that part fails to inflate, the rest reads.
func (l *Log) Flip(i, part int) ([]byte, error) {
	p := l.Samples[i].Parts[part]
	if p.Len < 8 {
		return nil, errors.New("atoptest: no such part")
	}
	b := l.Clone()
	b[p.Off+p.Len/2] ^= 0xff
	return b, nil
}

// Replace returns the log with the compressed part of sample i replaced
// by comp, the record's length field (scomplen, pcomplen, ccomplen,
// icomplen) set to match and the fields in set written too.
func (l *Log) Replace(i, part int, comp []byte, set map[string]uint64) ([]byte, error) {
	s := l.Samples[i]
	p := s.Parts[part]
	var out []byte
	out = append(out, l.Bytes[:p.Off]...)
	out = append(out, comp...)
	out = append(out, l.Bytes[p.Off+p.Len:]...)
	lens := []string{"scomplen", "pcomplen", "ccomplen", "icomplen"}
	if err := l.SetField(out, i, lens[part], uint64(len(comp))); err != nil {
		return nil, err
	}
	for f, v := range set {
		if err := l.SetField(out, i, f, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ManyTasks returns the first sample of the log with its tasks replaced by
// n zeroed struct tstat, compressed (a million of atop 2.13 is a
// gigabyte inflated and about a megabyte compressed).
func (l *Log) ManyTasks(n int) ([]byte, error) {
	comp, err := Zeros(int64(n) * int64(l.Header.TStatLen))
	if err != nil {
		return nil, err
	}
	one := &Log{Bytes: l.Bytes[:l.Samples[0].End], Header: l.Header, Samples: l.Samples[:1]}
	return one.Replace(0, TStat, comp, map[string]uint64{"ndeviat": uint64(n), "ntask": uint64(n)})
}

// Zeros returns a zlib stream of n zero bytes.
func Zeros(n int64) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	if err != nil {
		return nil, err
	}
	zero := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, int64(len(zero)))
		if _, err := zw.Write(zero[:k]); err != nil {
			return nil, err
		}
		n -= k
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// BigCgroups returns the first sample of the log (2.11+) with its cgroups
// replaced by n zero bytes, compressed, and a cgroup count to match.
func (l *Log) BigCgroups(n int64) ([]byte, error) {
	if l.Header.CStatLen == 0 || l.Samples[0].Parts[CStat].Len == 0 {
		return nil, errors.New("atoptest: the log has no cgroups")
	}
	comp, err := Zeros(n)
	if err != nil {
		return nil, err
	}
	one := &Log{Bytes: l.Bytes[:l.Samples[0].End], Header: l.Header, Samples: l.Samples[:1]}
	ncg := n/(int64(l.Header.CStatLen)+4104) + 1 // the fewest the reader takes for n bytes
	return one.Replace(0, CStat, comp, map[string]uint64{"coriglen": uint64(n), "ncgroups": uint64(ncg)})
}

// SetHeaderText returns the log with a text field of its struct rawheader
// ("utsname.nodename") set to s, NUL-padded (s must fit).
func (l *Log) SetHeaderText(field, s string) ([]byte, error) {
	b := l.Clone()
	spec := l.Header.Spec()
	typ, err := spec.Lookup("struct rawheader")
	if err != nil {
		return nil, err
	}
	h, err := spec.UnpackWith(typ, b[:l.Header.RawHeadLen], cstruct.Options{Order: l.Header.Order})
	if err != nil {
		return nil, err
	}
	f, err := h.Lookup(field)
	if err != nil {
		return nil, err
	}
	fb := f.Bytes()
	if len(s) >= len(fb) {
		return nil, fmt.Errorf("atoptest: %q does not fit %s (%d bytes)", s, field, len(fb))
	}
	clear(fb)
	copy(fb, s)
	return b, nil
}
