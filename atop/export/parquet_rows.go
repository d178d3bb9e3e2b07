package export

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
)

// WriteParquet's rows are WriteCSV's, typed: the workers run the same
// plans and compiled columns as the CSV, but append each field as the
// value of its column's type (an integer, a float, a bool, text), and the
// writer turns them into Parquet values without parsing any text.
//
// The value of a field is the one its CSV text reads as, by construction:
// a field whose source (the C type of this version's member, or a column
// the export adds) has the column's type is written as the value itself;
// any other (a column whose type differs between versions, an enum or a
// wide integer read through the Value, a NaN, an unsigned value too large
// for a signed column) is formatted as the CSV formats it and read back as
// textCell reads it. An empty CSV field is a null.

// A cell is one field of a typed row, of its column's type.
type cell struct {
	null bool
	b    bool    // TypeBoolean
	i    int64   // TypeBigint, TypeTimestamp (microseconds since the epoch)
	u    uint64  // TypeUbigint
	f    float64 // TypeDouble
	text []byte  // TypeVarchar, escaped as in the CSV
}

// ctype is a column type, as the typed rows hold it.
type ctype uint8

const (
	tVarchar ctype = iota
	tBigint
	tUbigint
	tDouble
	tBoolean
	tTimestamp
)

func ctypeOf(typ string) ctype {
	switch typ {
	case TypeBigint:
		return tBigint
	case TypeUbigint:
		return tUbigint
	case TypeDouble:
		return tDouble
	case TypeBoolean:
		return tBoolean
	case TypeTimestamp:
		return tTimestamp
	}
	return tVarchar
}

// A cellError is a field whose CSV text does not read as its column's
// type. Row is its line in the CSV (the header is line 1).
type cellError struct {
	row    int
	column string
	err    error
}

func (e *cellError) Error() string {
	return fmt.Sprintf("row %d, column %s: %v", e.row, e.column, e.err)
}

func (e *cellError) Unwrap() error { return e.err }

// typedRows calls row with each row of WriteCSV for src, in input order,
// a cell per column of cols (the columns of Columns(opts.Headers, opts)),
// and end after the rows of each sample. A row is valid until row
// returns, the text of its cells until end returns.
func typedRows(src Source, opts CSVOptions, cols []Column, row func([]cell) error, end func() error) error {
	if err := opts.check(); err != nil {
		return err
	}
	types := make([]ctype, len(cols))
	for i, c := range cols {
		types[i] = ctypeOf(c.Type)
	}
	shared := &tableState{plans: map[cstruct.Type]*plan{}, union: colNames(cols)}
	d := &rowDecoder{cols: cols, types: types, row: row, end: end, line: 1}
	var group Group
	if opts.System != "" {
		group, _ = lookupGroup(opts.System)
	}
	return Run(d, src, opts.Options, func() atop.Job {
		var sj sampleJob
		o := opts
		o.Warn = sj.warn
		t := &typedTable{types: types, table: table{opts: &o, group: group, shared: shared,
			plans: map[cstruct.Type]*plan{}, inOrder: sj.inOrder}}
		fn := t.system
		switch {
		case opts.Tasks:
			fn = t.tasks
		case opts.Cgroups:
			fn = t.cgroups
		}
		return func(dst []byte, s *atop.Sample, step *atop.Step) ([]byte, error) {
			sj.step, t.out = step, dst
			t.buf = t.buf[:0] // the CSV header that the first plan writes: not wanted
			err := fn(s)
			out := t.out
			sj.step, t.out = nil, nil
			return out, err
		}
	})
}

// A typedTable is a table whose rows are appended to out encoded (see
// rowDecoder), their fields typed.
type typedTable struct {
	table
	types []ctype // per header column
	out   []byte
	cells []tcell // this sample's leading (and trailing) fields
	text  []byte  // a field's CSV text
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

// setCells is setFixed, typed: the sample's leading fields, then more.
func (t *typedTable) setCells(s *atop.Sample, more ...tcell) {
	t.cells = append(t.cells[:0],
		tcell{kind: kTime, t: s.Time},
		intCell(s.Time.Unix()),
		textCell(s.Header.Nodename),
		intCell(int64(s.Interval/time.Second)),
		boolCell(s.Flags.Has(atop.FlagBoot)),
		intCell(int64(s.Header.Hertz)),
		intCell(int64(s.Header.PageSize)),
		tcell{kind: kText, b: []byte(s.Header.Version.String())},
		textCell(t.opts.fileName(s.Header)))
	t.cells = append(t.cells, more...)
}

func (t *typedTable) tasks(s *atop.Sample) error {
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
	t.setCells(s)
	nf := len(t.cells)
	t.cells = append(t.cells, tcell{}, tcell{}, tcell{}, tcell{})
	tail := t.cells[nf:]
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
		t.row(p, ops, task.Value())
	}
	return nil
}

func (t *typedTable) cgroups(s *atop.Sample) error {
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
		t.setCells(s, textCell(cg.Path), textCell(string(pids)))
		t.row(p, p.opsFor(s, cg.Value), cg.Value)
	}
	return nil
}

func (t *typedTable) system(s *atop.Sample) error {
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
		t.setCells(s)
		t.row(p, p.opsFor(s, v), v)
		return nil
	}
	n.elems(parent, func(i int, e cstruct.Value) bool {
		t.setCells(s, intCell(int64(i)))
		t.row(p, p.opsFor(s, e), e)
		return true
	})
	return nil
}

// row appends one row, as table.row does: the leading and trailing fields
// from t.cells, the columns read from struct value v.
func (t *typedTable) row(p *plan, ops []csvOp, v cstruct.Value) {
	nf, nc := len(p.fixed), len(p.cols)
	b := v.Bytes()
	for k, i := range p.src {
		typ := t.types[k]
		switch {
		case i < 0:
			t.out = append(t.out, encNull)
		case i < nc+nf && i >= nf:
			t.op(&ops[i-nf], typ, b, v)
		case i < nf:
			t.cell(typ, &t.cells[i])
		default:
			t.cell(typ, &t.cells[i-nc])
		}
	}
}

// op appends the field that op reads from record b (whose Value is v) as
// a value of type typ.
func (t *typedTable) op(op *csvOp, typ ctype, b []byte, v cstruct.Value) {
	switch {
	case op.kind == jInt && typ == tBigint:
		t.putInt(op.acc.Int(b))
		return
	case op.kind == jUint && typ == tUbigint:
		t.putInt(int64(op.acc.Uint(b)))
		return
	case op.kind == jUint && typ == tBigint:
		if x := op.acc.Uint(b); x <= math.MaxInt64 {
			t.putInt(int64(x))
			return
		}
	case op.kind == jBool && typ == tBoolean:
		t.putBool(op.acc.Uint(b) != 0)
		return
	case op.kind == jFloat64 && typ == tDouble:
		if x := op.acc.Float(b); !math.IsNaN(x) {
			t.putFloat(x)
			return
		}
	case op.kind == jText && typ == tVarchar:
		t.putText(escapeText(op.acc.Bytes(b)))
		return
	case op.kind == jLetter && typ == tVarchar:
		if op.acc.Int(b) == 0 {
			t.out = append(t.out, encNull)
		} else {
			t.putText(escapeText(op.acc.Bytes(b)))
		}
		return
	}
	t.text = op.appendField(t.text[:0], b, v)
	t.fromText(typ, t.text)
}

// appendField appends the CSV field of op unquoted: the text the CSV
// reader gives back.
func (op *csvOp) appendField(dst, b []byte, v cstruct.Value) []byte {
	switch op.kind {
	case jText:
		return appendEscapedText(dst, op.acc.Bytes(b))
	case jLetter:
		if op.acc.Int(b) == 0 {
			return dst
		}
		return appendEscapedText(dst, op.acc.Bytes(b))
	case jValue:
		return op.col.appendCSV(dst, v)
	}
	return op.appendCSV(dst, b, v) // a number or a bool: never quoted
}

// cell appends a field the export adds as a value of type typ.
func (t *typedTable) cell(typ ctype, c *tcell) {
	switch {
	case c.kind == kNull:
		t.out = append(t.out, encNull)
		return
	case c.kind == kInt && typ == tBigint:
		t.putInt(c.i)
		return
	case c.kind == kBool && typ == tBoolean:
		t.putBool(c.i != 0)
		return
	case c.kind == kText && typ == tVarchar:
		t.putText(c.b)
		return
	case c.kind == kTime && typ == tTimestamp:
		if y := c.t.UTC().Year(); y >= 0 && y <= 9999 { // what RFC 3339 text holds
			t.putInt(c.t.Unix() * 1e6)
			return
		}
	}
	t.text = t.text[:0]
	switch c.kind {
	case kInt:
		t.text = strconv.AppendInt(t.text, c.i, 10)
	case kBool:
		t.text = strconv.AppendBool(t.text, c.i != 0)
	case kText:
		t.text = append(t.text, c.b...)
	case kTime:
		t.text = c.t.UTC().AppendFormat(t.text, time.RFC3339)
	}
	t.fromText(typ, t.text)
}

// fromText appends the value of type typ that the CSV field f reads as:
// null when f is empty, an error when it does not read as typ.
func (t *typedTable) fromText(typ ctype, f []byte) {
	if len(f) == 0 {
		t.out = append(t.out, encNull)
		return
	}
	c, err := textValue(typ, string(f))
	switch {
	case err != nil:
		t.out = append(t.out, encError)
		t.out = binary.AppendUvarint(t.out, uint64(len(err.Error())))
		t.out = append(t.out, err.Error()...)
	case typ == tBigint || typ == tTimestamp:
		t.putInt(c.i)
	case typ == tUbigint:
		t.putInt(int64(c.u))
	case typ == tDouble:
		t.putFloat(c.f)
	case typ == tBoolean:
		t.putBool(c.b)
	default:
		t.putText(f)
	}
}

// textValue is the value of type typ that the text f of a CSV field reads
// as (f is not empty).
func textValue(typ ctype, f string) (cell, error) {
	var c cell
	var err error
	switch typ {
	case tBigint:
		c.i, err = strconv.ParseInt(f, 10, 64)
		if err != nil {
			u, uerr := strconv.ParseUint(f, 10, 64)
			if uerr == nil && u > math.MaxInt64 {
				return c, fmt.Errorf("%s does not fit a signed 64-bit column (the field is signed in another version)", f)
			}
		}
	case tUbigint:
		c.u, err = strconv.ParseUint(f, 10, 64)
	case tDouble:
		c.f, err = strconv.ParseFloat(f, 64)
	case tBoolean:
		c.b, err = strconv.ParseBool(f)
	case tTimestamp:
		var tm time.Time
		tm, err = time.Parse(time.RFC3339, f)
		c.i = tm.UnixMicro()
	}
	return c, err
}

// The encoding of a row: per column, a tag, then for a value the column
// type's payload: an integer (BIGINT, UBIGINT, TIMESTAMPTZ) as a uvarint
// of its 64 bits, a DOUBLE as 8 bytes little-endian, a BOOLEAN as one
// byte, text as a uvarint length and the bytes; an error, as text.
const (
	encNull byte = iota
	encValue
	encError
)

func (t *typedTable) putInt(x int64) {
	t.out = binary.AppendUvarint(append(t.out, encValue), uint64(x))
}

func (t *typedTable) putFloat(x float64) {
	t.out = binary.LittleEndian.AppendUint64(append(t.out, encValue), math.Float64bits(x))
}

func (t *typedTable) putBool(b bool) {
	var c byte
	if b {
		c = 1
	}
	t.out = append(t.out, encValue, c)
}

// putText appends text; empty text is a null, as an empty CSV field.
func (t *typedTable) putText(b []byte) {
	if len(b) == 0 {
		t.out = append(t.out, encNull)
		return
	}
	t.out = binary.AppendUvarint(append(t.out, encValue), uint64(len(b)))
	t.out = append(t.out, b...)
}

// A rowDecoder takes the encoded rows of each sample, in input order, and
// gives them to row one at a time as cells (reused: valid until row
// returns), then calls end.
type rowDecoder struct {
	cols  []Column
	types []ctype
	row   func(row []cell) error
	end   func() error
	line  int // of the last row in the CSV
	cells []cell
}

var errEncoding = errors.New("export: internal error: a typed row ends early")

func (d *rowDecoder) Write(p []byte) (int, error) {
	if len(d.types) == 0 {
		return 0, errEncoding
	}
	if d.cells == nil {
		d.cells = make([]cell, len(d.types))
	}
	for off := 0; off < len(p); {
		d.line++
		for k, typ := range d.types {
			c := &d.cells[k]
			*c = cell{}
			if off >= len(p) {
				return 0, errEncoding
			}
			tag := p[off]
			off++
			switch {
			case tag == encNull:
				c.null = true
			case tag == encError:
				n, w := binary.Uvarint(p[off:])
				if w <= 0 || uint64(len(p)-off-w) < n {
					return 0, errEncoding
				}
				msg := string(p[off+w : off+w+int(n)])
				return 0, &cellError{row: d.line, column: d.cols[k].Name, err: errors.New(msg)}
			case typ == tDouble:
				if len(p)-off < 8 {
					return 0, errEncoding
				}
				c.f = math.Float64frombits(binary.LittleEndian.Uint64(p[off:]))
				off += 8
			case typ == tBoolean:
				if off >= len(p) {
					return 0, errEncoding
				}
				c.b = p[off] != 0
				off++
			case typ == tVarchar:
				n, w := binary.Uvarint(p[off:])
				if w <= 0 || uint64(len(p)-off-w) < n {
					return 0, errEncoding
				}
				off += w
				c.text = p[off : off+int(n) : off+int(n)]
				off += int(n)
			default:
				x, w := binary.Uvarint(p[off:])
				if w <= 0 {
					return 0, errEncoding
				}
				off += w
				c.i, c.u = int64(x), x
			}
		}
		if err := d.row(d.cells); err != nil {
			return 0, err
		}
	}
	if err := d.end(); err != nil {
		return 0, err
	}
	return len(p), nil
}

var _ io.Writer = (*rowDecoder)(nil)
