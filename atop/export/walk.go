package export

import (
	"errors"
	"strconv"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
)

// The rows of a sample are found once, here, for both writers: the CSV
// table appends their text, the Parquet table their typed values. Each
// is a rowTaker.

// A rowTaker takes the rows the walk finds in a sample.
type rowTaker interface {
	// start says that n rows of the sample follow (at most).
	start(n int)
	// fixed sets the fields the export adds to the rows that follow,
	// from cells[from:] (those before from stay as they were set).
	fixed(cells []tcell, from int)
	// row takes one row: the fixed fields and the columns of v.
	row(p *plan, ops []csvOp, v cstruct.Value)
}

// A tcell is a field the export adds, as its source has it.
type tcell struct {
	kind tkind
	i    int64
	b    []byte
	t    time.Time
}

type tkind uint8

const (
	kNull tkind = iota
	kInt
	kBool // i: 0 or 1
	kText // escaped as in the CSV
	kTime
)

func intCell(i int64) tcell { return tcell{kind: kInt, i: i} }

func boolCell(b bool) tcell {
	if b {
		return tcell{kind: kBool, i: 1}
	}
	return tcell{kind: kBool}
}

// textCell is text escaped as in the CSV.
func textCell(s string) tcell { return tcell{kind: kText, b: escapeText([]byte(s))} }

// appendCSV appends the cell as a CSV field.
func (c *tcell) appendCSV(dst []byte) []byte {
	switch c.kind {
	case kInt:
		return strconv.AppendInt(dst, c.i, 10)
	case kBool:
		return strconv.AppendBool(dst, c.i != 0)
	case kText:
		return appendCSVField(dst, c.b)
	case kTime:
		return c.t.UTC().AppendFormat(dst, time.RFC3339)
	}
	return dst
}

// sampleCells sets t.adds to the sample's leading fields (sampleCols),
// then more.
func (t *table) sampleCells(s *atop.Sample, more ...tcell) []tcell {
	t.adds = append(t.adds[:0],
		tcell{kind: kTime, t: s.Time},
		intCell(s.Time.Unix()),
		textCell(s.Header.Nodename),
		intCell(int64(s.Interval/time.Second)),
		boolCell(s.Flags.Has(atop.FlagBoot)),
		intCell(int64(s.Header.Hertz)),
		intCell(int64(s.Header.PageSize)),
		tcell{kind: kText, b: []byte(s.Header.Version.String())},
		textCell(t.opts.fileName(s.Header)))
	t.adds = append(t.adds, more...)
	return t.adds
}

// walker is the walk of the table's kind of rows.
func (t *table) walker() func(*atop.Sample, rowTaker) error {
	switch {
	case t.opts.Tasks:
		return t.walkTasks
	case t.opts.Cgroups:
		return t.walkCgroups
	}
	return t.walkSystem
}

// walkTasks gives sink a row per task, with the task's cgroup and exit
// status after its columns (taskCols).
func (t *table) walkTasks(s *atop.Sample, sink rowTaker) error {
	tasks, err := s.Tasks()
	if err != nil {
		t.opts.warn(err)
		return nil
	}
	if len(tasks) == 0 {
		return nil
	}
	withCgroup := s.Header.CStatLen > 0
	p, err := t.plan(tasks[0].Value().Type(), s)
	if err != nil {
		return err
	}
	ops := p.opsFor(s, tasks[0].Value())
	sink.start(len(tasks))
	cells := t.sampleCells(s, tcell{}, tcell{}, tcell{}, tcell{})
	nf := len(cells) - 4
	sink.fixed(cells[:nf], 0)
	tail := cells[nf:]
	for _, task := range tasks {
		clear(tail)
		if withCgroup {
			tail[0] = textCell(cgroupOf(s, task))
		}
		ex := decodeExit(task)
		if ex.exited && !ex.killed {
			tail[1] = intCell(int64(ex.code))
		}
		if ex.killed {
			tail[2] = intCell(int64(ex.signal))
		}
		if ex.exited {
			tail[3] = boolCell(ex.core)
		}
		sink.fixed(cells, nf)
		sink.row(p, ops, task.Value())
	}
	return nil
}

// walkCgroups gives sink a row per cgroup, with its path and processes.
func (t *table) walkCgroups(s *atop.Sample, sink rowTaker) error {
	cgs, err := s.Cgroups()
	if err != nil {
		t.opts.warn(err)
		return nil
	}
	if len(cgs) == 0 {
		return nil
	}
	p, err := t.plan(cgs[0].Value.Type(), s)
	if err != nil {
		return err
	}
	sink.start(len(cgs))
	var pids []byte
	for i := range cgs {
		cg := &cgs[i]
		pids = pids[:0]
		for k, pid := range cg.PIDs {
			if k > 0 {
				pids = append(pids, ' ')
			}
			pids = strconv.AppendInt(pids, int64(pid), 10)
		}
		sink.fixed(t.sampleCells(s, textCell(cg.Path), textCell(string(pids))), 0)
		sink.row(p, p.opsFor(s, cg.Value), cg.Value)
	}
	return nil
}

// walkSystem gives sink the rows of the table's system group: one, or
// one per element of an array (its index among the leading fields).
func (t *table) walkSystem(s *atop.Sample, sink rowTaker) error {
	sys, err := s.System()
	if err != nil {
		t.opts.warn(err)
		return nil
	}
	p, err := t.plan(sys.Type(), s)
	if err != nil {
		var rep *reportedError
		if errors.As(err, &rep) {
			return nil // reported by plan
		}
		return err
	}
	parent := field(sys, p.parent)
	n := p.node
	if n.kind == structNode {
		v := field(parent, n.path)
		sink.start(1)
		sink.fixed(t.sampleCells(s), 0)
		sink.row(p, p.opsFor(s, v), v)
		return nil
	}
	sink.start(field(parent, n.path).Len())
	n.elems(parent, func(i int, e cstruct.Value) bool {
		sink.fixed(t.sampleCells(s, intCell(int64(i))), 0)
		sink.row(p, p.opsFor(s, e), e)
		return true
	})
	return nil
}

// start, fixed and row make the CSV table a rowTaker.

func (t *table) start(int) {}

// fixed encodes cells[from:] into t.fixed; a tail (from > 0) has its own
// buffer, so the fields before it stay.
func (t *table) fixed(cells []tcell, from int) {
	buf := &t.fbuf
	if from > 0 {
		buf = &t.tbuf
	}
	*buf = (*buf)[:0]
	ends := t.ends[:0]
	for i := range cells[from:] {
		*buf = cells[from+i].appendCSV(*buf)
		ends = append(ends, len(*buf))
	}
	t.ends = ends
	t.fixedText = t.fixedText[:from]
	start := 0
	for _, e := range ends {
		t.fixedText = append(t.fixedText, (*buf)[start:e])
		start = e
	}
}
