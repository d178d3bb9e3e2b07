package parseable

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
)

// sampleInput is what printing needs from one sample: the record's fields
// and where its parts come from.
type sampleInput struct {
	curtime  int64
	interval int64
	flags    uint16
	src      partSource // nil: a sample without parts
}

// partSource gives a sample's parts, inflated but not decoded. Each is
// asked for at most once per sample.
type partSource interface {
	system() ([]byte, error)         // the struct sstat
	tasks() ([]byte, error)          // the struct tstat records, one after the other
	cgroups() ([]atop.Cgroup, error) // 2.11+; nil before
}

// liveSample is the part source of an atop.Sample.
type liveSample atop.Sample

func (s *liveSample) system() ([]byte, error) {
	v, err := (*atop.Sample)(s).System()
	if err != nil {
		return nil, err
	}
	return v.Bytes(), nil
}

func (s *liveSample) tasks() ([]byte, error) { return (*atop.Sample)(s).TaskBytes() }

func (s *liveSample) cgroups() ([]atop.Cgroup, error) { return (*atop.Sample)(s).Cgroups() }

// layoutInfo is what the descriptions are bound to: the version's types
// and the log's byte order.
type layoutInfo struct {
	spec                *cstruct.Spec
	order               binary.ByteOrder
	sstat, tstat, cstat cstruct.Type // cstat is nil before 2.11
	tstatLen            int
	// The header's hertz and pagesize: constants of the programs compiled
	// for this layout (0, as in a damaged header, stays a value read per
	// sample, so that a division by it fails where it runs).
	hertz, pagesize int64
}

// layoutOf finds the types of a log's version.
func layoutOf(h *atop.Header) (*layoutInfo, error) {
	spec := h.Spec()
	if spec == nil {
		return nil, errors.New("parseable: header without definitions")
	}
	l := &layoutInfo{spec: spec, order: h.Order, hertz: int64(h.Hertz), pagesize: int64(h.PageSize)}
	if l.order == nil {
		l.order = spec.ByteOrder()
	}
	var err error
	if l.sstat, err = spec.Lookup("struct sstat"); err != nil {
		return nil, fmt.Errorf("parseable: %w", err)
	}
	if l.tstat, err = spec.Lookup("struct tstat"); err != nil {
		return nil, fmt.Errorf("parseable: %w", err)
	}
	if t, err := spec.Lookup("struct cstat"); err == nil {
		l.cstat = t
	}
	n, err := cstruct.Sizeof(l.tstat)
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("parseable: struct tstat has no fixed size")
	}
	l.tstatLen = int(n)
	return l, nil
}

// parts are a sample's parts once asked for, shared by the labels of a
// sample (and by the judge's interpreter in the tests).
type parts struct {
	src partSource
	lay *layoutInfo

	sysDone bool
	sys     []byte
	sysErr  error

	tasksDone bool
	tstat     []byte
	ntask     int
	tasksErr  error

	cgDone bool
	cgs    []atop.Cgroup
	cgErr  error
}

func (p *parts) reset(src partSource, lay *layoutInfo) {
	*p = parts{src: src, lay: lay}
}

var errNoSystem = errors.New("no system statistics")

// system returns the sample's struct sstat, checked as cstruct unpacks
// it (a field of dynamic length that does not fit fails the sample).
func (p *parts) system() ([]byte, error) {
	if !p.sysDone {
		p.sysDone = true
		if p.src == nil {
			p.sysErr = errNoSystem
		} else if p.sys, p.sysErr = p.src.system(); p.sysErr == nil {
			if _, err := p.lay.spec.UnpackWith(p.lay.sstat, p.sys, cstruct.Options{Order: p.lay.order}); err != nil {
				p.sys, p.sysErr = nil, err
			}
		}
	}
	return p.sys, p.sysErr
}

// tasks returns the sample's tstat records and their number.
func (p *parts) tasks() ([]byte, int, error) {
	if !p.tasksDone {
		p.tasksDone = true
		if p.src != nil {
			p.tstat, p.tasksErr = p.src.tasks()
			p.ntask = len(p.tstat) / p.lay.tstatLen
		}
	}
	return p.tstat, p.ntask, p.tasksErr
}

func (p *parts) cgroups() ([]atop.Cgroup, error) {
	if !p.cgDone {
		p.cgDone = true
		if p.src != nil {
			p.cgs, p.cgErr = p.src.cgroups()
		}
	}
	return p.cgs, p.cgErr
}
