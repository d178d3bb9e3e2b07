package atop

import (
	"errors"
	"fmt"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// maxCgroupName bounds the name part of a cstat record (a cgroup directory
// name is at most NAME_MAX bytes; this leaves room).
const maxCgroupName = 4096 + 8

// Cgroup is one cgroup v2 of a sample (2.11+; struct cstat and its name).
// Its statistics are in Value: Value.Lookup("cpu.utime") (µs),
// "mem.current" (pages), "conf.cpumax", … (-1 means "max", -2 undefined).
type Cgroup struct {
	Name       string // directory name; "" for the root
	Path       string // full path; "/" for the root
	Sequence   int    // 0 for the root
	Parent     int    // Sequence of the parent; -1 for the root
	Depth      int
	NProcs     int     // processes in this cgroup
	ProcsBelow int     // processes in the cgroups below it
	PIDs       []int32 // the NProcs processes

	Value cstruct.Value // the whole record, name included
}

// Cgroups inflates and returns the sample's cgroups (2.11+; nil before, or
// when the sample has none), in the order atop stored them, each with its
// full path and its pids.
func (s *Sample) Cgroups() ([]Cgroup, error) {
	if s.stale() {
		return nil, ErrStale
	}
	r := &s.cgroups
	if !r.done {
		r.done = true
		r.v, r.err = s.decodeCgroups()
	}
	return r.v, r.err
}

// CgroupOf returns the cgroup of process pid (2.11+), as atop's PRG line
// shows it: the last cgroup in chain order that lists the pid (cgroup v1
// hierarchies can list it too). Threads are not listed in the cgroups.
func (s *Sample) CgroupOf(pid int) (*Cgroup, bool) {
	cgs, err := s.Cgroups()
	if err != nil || len(cgs) == 0 {
		return nil, false
	}
	if s.byPID == nil {
		s.byPID = make(map[int]int, s.NCgroupPID)
		for i := range cgs {
			for _, p := range cgs[i].PIDs {
				s.byPID[int(p)] = i
			}
		}
	}
	i, ok := s.byPID[pid]
	if !ok {
		return nil, false
	}
	return &cgs[i], true
}

func (s *Sample) decodeCgroups() ([]Cgroup, error) {
	l := s.Header.l
	if l.cstat == nil || s.parts[partCStat].n == 0 {
		return nil, nil
	}
	b := s.bufs
	fail := func(part int, err error) error {
		return s.partError(part, err)
	}
	for _, i := range []int{partCStat, partPIDs} {
		if err := s.fits(i); err != nil {
			return nil, err
		}
	}
	b.cst = grow(b.cst, int(s.coriglen))
	if err := s.inflate(partCStat, b.cst); err != nil {
		return nil, err
	}
	b.pids = b.pids[:0]
	if s.parts[partPIDs].n > 0 {
		b.pid = grow(b.pid, 4*s.NCgroupPID)
		if err := s.inflate(partPIDs, b.pid); err != nil {
			return nil, err
		}
		for i := range s.NCgroupPID {
			b.pids = append(b.pids, int32(s.Header.Order.Uint32(b.pid[4*i:])))
		}
	}

	// Walk the chain: NCgroup records of gen.structlen bytes each.
	b.cgroups = b.cgroups[:0]
	f := &l.cg
	opts := cstruct.Options{Order: s.Header.Order}
	off := 0
	for i := range s.NCgroup {
		rest := b.cst[off:]
		if int64(len(rest)) < l.cstatSize {
			return nil, fail(partCStat, fmt.Errorf("cgroup %d at %#x: %d bytes left, a cstat needs %d", i, off, len(rest), l.cstatSize))
		}
		opts.Base = int64(off)
		v, err := l.spec.UnpackWith(l.cstat, rest, opts) // finds the name's NUL
		if err != nil {
			return nil, fail(partCStat, fmt.Errorf("cgroup %d: %w", i, err))
		}
		n := f.structlen.int(v)
		if n < l.cstatSize || n > int64(len(rest)) {
			return nil, fail(partCStat, fmt.Errorf("cgroup %d at %#x: structlen %d does not fit (%d bytes left)", i, off, n, len(rest)))
		}
		v, err = l.spec.UnpackWith(l.cstat, rest[:n], opts)
		if err != nil {
			return nil, fail(partCStat, fmt.Errorf("cgroup %d: %w", i, err))
		}
		cg := Cgroup{
			Name:       f.cgname.text(v),
			Sequence:   int(f.sequence.int(v)),
			Parent:     int(f.parentseq.int(v)),
			Depth:      int(f.depth.int(v)),
			NProcs:     int(f.nprocs.int(v)),
			ProcsBelow: int(f.procsbelow.int(v)),
			Value:      v,
		}
		if cg.NProcs < 0 || cg.NProcs > len(b.pids) {
			return nil, fail(partCStat, fmt.Errorf("cgroup %d: nprocs %d, %d pids left", i, cg.NProcs, len(b.pids)))
		}
		cg.PIDs, b.pids = b.pids[:cg.NProcs:cg.NProcs], b.pids[cg.NProcs:]
		b.cgroups = append(b.cgroups, cg)
		off += int(n)
	}
	if err := cgroupPaths(b.cgroups, s.limit); err != nil {
		return nil, fail(partCStat, err)
	}
	return b.cgroups, nil
}

// cgroupPaths fills in each cgroup's full path by following the parents.
// The paths together may take at most limit bytes (Options.MaxInflated):
// a chain of n cgroups has paths of n²/2 names, so a few megabytes of
// cgroups could ask for gigabytes; the bound also bounds the walk.
func cgroupPaths(cgs []Cgroup, limit int64) error {
	var total int64
	bySeq := make(map[int]int, len(cgs))
	for i := range cgs {
		bySeq[cgs[i].Sequence] = i
	}
	var parts []string
	for i := range cgs {
		parts = parts[:0]
		j := i
		for steps := 0; ; steps++ {
			if steps > len(cgs) {
				return errors.New("cgroup parents form a cycle")
			}
			c := &cgs[j]
			if c.Parent < 0 {
				break
			}
			parts = append(parts, c.Name)
			if total += int64(len(c.Name)) + 1; limit > 0 && total > limit {
				return fmt.Errorf("cgroup paths take more than %s", mib(limit))
			}
			p, ok := bySeq[c.Parent]
			if !ok {
				return fmt.Errorf("cgroup %q: no parent with sequence %d", c.Name, c.Parent)
			}
			j = p
		}
		var sb strings.Builder
		for k := len(parts) - 1; k >= 0; k-- {
			sb.WriteByte('/')
			sb.WriteString(parts[k])
		}
		if sb.Len() == 0 {
			sb.WriteByte('/')
		}
		cgs[i].Path = sb.String()
	}
	return nil
}
