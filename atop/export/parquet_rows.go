package export

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
	"github.com/parquet-go/parquet-go"
)

// WriteParquet's rows are WriteCSV's, typed: the workers run the same
// plans and compiled columns as the CSV, but make each field the Parquet
// value of its column's type (an integer, a float, a bool, text), and the
// writer hands them to parquet-go column by column, without any text.
//
// The value of a field is the one its CSV text reads as, by construction:
// a field whose source (the C type of this version's member, or a column
// the export adds) has the column's type is written as the value itself;
// any other (a column whose type differs between versions, an enum or a
// wide integer read through the Value, a NaN, an unsigned value too large
// for a signed column) is formatted as the CSV formats it and read back as
// textValue reads it. An empty CSV field is a null.

// A cell is a field read back from its CSV text.
type cell struct {
	b bool    // TypeBoolean
	i int64   // TypeBigint, TypeTimestamp (microseconds since the epoch)
	u uint64  // TypeUbigint
	f float64 // TypeDouble
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

// A batch is the typed rows of one sample, in blocks of blockRows rows,
// each block column by column: the values of a block's rows in one column
// are one slice, what parquet-go takes. Its rows and columns stay in the
// L2 cache while a worker fills it.
type batch struct {
	n, ncol int
	vals    []parquet.Value
	text    []byte // what the text values point into
	err     error  // the first field that does not read as its column's type
	errRow  int    // its row
	errCol  int    // its column
}

// blockRows is the rows of a block: the most WriteRows wrote to the
// columns at once.
const blockRows = 64

// reset makes b empty, for up to rows rows of ncol columns.
func (b *batch) reset(rows, ncol int) {
	b.n, b.ncol, b.err = 0, ncol, nil
	size := (rows + blockRows - 1) / blockRows * blockRows * ncol
	b.vals = slices.Grow(b.vals[:0], size)[:size]
	b.text = b.text[:0]
}

// at is the value of row r in column k.
func (b *batch) at(r, k int) *parquet.Value {
	return &b.vals[r/blockRows*blockRows*b.ncol+k*blockRows+r%blockRows]
}

// run is the values of rows r to r+n-1 in column k, when they are in one
// block; else nil.
func (b *batch) run(r, n, k int) []parquet.Value {
	if r/blockRows != (r+n-1)/blockRows {
		return nil
	}
	i := r/blockRows*blockRows*b.ncol + k*blockRows + r%blockRows
	return b.vals[i : i+n]
}

// batches hands the batches of the workers to the writer: a job's output
// is the number of its batch.
type batches struct {
	mu   sync.Mutex
	next uint64
	out  map[uint64]*batch
	free []*batch
}

func (bs *batches) get() *batch {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	if n := len(bs.free); n > 0 {
		b := bs.free[n-1]
		bs.free = bs.free[:n-1]
		b.n = 0 // until reset
		return b
	}
	return &batch{}
}

// put hands b on: it returns the output that take takes.
func (bs *batches) put(dst []byte, b *batch) []byte {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.next++
	bs.out[bs.next] = b
	return binary.AppendUvarint(dst, bs.next)
}

func (bs *batches) take(p []byte) (*batch, error) {
	id, n := binary.Uvarint(p)
	bs.mu.Lock()
	defer bs.mu.Unlock()
	b, ok := bs.out[id]
	if n != len(p) || !ok {
		return nil, errors.New("export: internal error: no such batch")
	}
	delete(bs.out, id)
	return b, nil
}

// release gives b back to the workers, but for one that grew too large.
func (bs *batches) release(b *batch) {
	if cap(b.vals) > maxKeptValues {
		return
	}
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.free = append(bs.free, b)
}

// maxKeptValues bounds the batches kept for later samples.
const maxKeptValues = 1 << 20

// typedRows calls fn with the rows of WriteCSV for src, a sample's at a
// time in input order, as a batch of values of the types of cols (the
// columns of Columns(opts.Headers, opts)); the batch is valid until fn
// returns.
func typedRows(src Source, opts CSVOptions, cols []Column, fn func(*batch) error) error {
	if err := opts.check(); err != nil {
		return err
	}
	types := make([]ctype, len(cols))
	for i, c := range cols {
		types[i] = ctypeOf(c.Type)
	}
	shared := &tableState{plans: map[cstruct.Type]*plan{}, union: colNames(cols)}
	bs := &batches{out: map[uint64]*batch{}}
	w := writerFunc(func(p []byte) (int, error) {
		b, err := bs.take(p)
		if err != nil {
			return 0, err
		}
		err = fn(b)
		bs.release(b)
		if err != nil {
			return 0, err
		}
		return len(p), nil
	})
	var group Group
	if opts.System != "" {
		group, _ = lookupGroup(opts.System)
	}
	return Run(w, src, opts.Options, func() atop.Job {
		var sj sampleJob
		o := opts
		o.Warn = sj.warn
		t := &typedTable{types: types, table: table{opts: &o, group: group, shared: shared,
			plans: map[cstruct.Type]*plan{}, inOrder: sj.inOrder}}
		walk := t.walker()
		return func(dst []byte, s *atop.Sample, step *atop.Step) ([]byte, error) {
			sj.step, t.b = step, bs.get()
			t.buf = t.buf[:0] // the CSV header that the first plan writes: not wanted
			err := walk(s, t)
			b := t.b
			sj.step, t.b = nil, nil
			if err != nil || b.n == 0 {
				bs.release(b)
				return dst, err
			}
			return bs.put(dst, b), nil
		}
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// A typedTable is a table whose rows are a batch of Parquet values.
type typedTable struct {
	table
	types []ctype // per header column
	b     *batch  // this sample's rows
	cells []tcell // this sample's leading (and trailing) fields
	text  []byte  // a field's CSV text
	// cellErr is set by a field whose CSV text does not read as its
	// column's type
	cellErr error
	stepsOf map[stepsKey][]tstep
}

// start and fixed make the Parquet table a rowTaker (with row).

func (t *typedTable) start(n int) { t.b.reset(n, len(t.types)) }

func (t *typedTable) fixed(cells []tcell, from int) {
	t.cells = append(t.cells[:from], cells[from:]...)
}

// A tstep is how row fills one column of a plan's rows: the field's value
// straight from the record when its source has the column's type, else
// through op or cell.
type tstep struct {
	code  tcode
	acc   cstruct.Accessor // the direct codes
	op    *csvOp           // tOp
	fixed int              // tCell: index in typedTable.cells
	typ   ctype
}

type tcode uint8

const (
	tNull   tcode = iota
	tInt          // Int into BIGINT
	tUint         // Uint into UBIGINT
	tSigned       // Uint into BIGINT, through op above MaxInt64
	tBool         // into BOOLEAN
	tFloat        // a double into DOUBLE, through op for a NaN
	tText         // a char array into VARCHAR
	tLetter       // a letter into VARCHAR
	tOp           // typedTable.op
	tCell         // typedTable.cell
)

type stepsKey struct {
	p   *plan
	ops *csvOp // the first of the byte order's ops
}

// steps returns the steps of plan p with these ops (made once per table).
func (t *typedTable) steps(p *plan, ops []csvOp) []tstep {
	key := stepsKey{p: p}
	if len(ops) > 0 {
		key.ops = &ops[0]
	}
	if st, ok := t.stepsOf[key]; ok {
		return st
	}
	nf, nc := len(p.fixed), len(p.cols)
	st := make([]tstep, len(p.src))
	for k, i := range p.src {
		typ := t.types[k]
		s := tstep{typ: typ}
		switch {
		case i < 0:
		case i < nc+nf && i >= nf:
			op := &ops[i-nf]
			s.code, s.op, s.acc = tOp, op, op.acc
			switch {
			case op.kind == jInt && typ == tBigint:
				s.code = tInt
			case op.kind == jUint && typ == tUbigint:
				s.code = tUint
			case op.kind == jUint && typ == tBigint:
				s.code = tSigned
			case op.kind == jBool && typ == tBoolean:
				s.code = tBool
			case op.kind == jFloat64 && typ == tDouble:
				s.code = tFloat
			case op.kind == jText && typ == tVarchar:
				s.code = tText
			case op.kind == jLetter && typ == tVarchar:
				s.code = tLetter
			}
		case i < nf:
			s.code, s.fixed = tCell, i
		default:
			s.code, s.fixed = tCell, i-nc
		}
		st[k] = s
	}
	if t.stepsOf == nil {
		t.stepsOf = map[stepsKey][]tstep{}
	}
	t.stepsOf[key] = st
	return st
}

// row adds one row, as table.row writes it: the leading and trailing
// fields from t.cells, the columns read from struct value rv.
func (t *typedTable) row(p *plan, ops []csvOp, rv cstruct.Value) {
	steps := t.steps(p, ops)
	b := rv.Bytes()
	r := t.b.n
	t.b.n++
	if len(steps) == 0 {
		return
	}
	base := r/blockRows*blockRows*t.b.ncol + r%blockRows
	vals := t.b.vals[base : base+(len(steps)-1)*blockRows+1]
	for k := range steps {
		s := &steps[k]
		var v parquet.Value // made here, stored once
		switch s.code {
		case tInt:
			v = parquet.Int64Value(s.acc.Int(b))
			v.SetDefinitionLevel(1)
		case tUint:
			v = parquet.Int64Value(int64(s.acc.Uint(b)))
			v.SetDefinitionLevel(1)
		case tSigned:
			if x := s.acc.Uint(b); x <= math.MaxInt64 {
				v = parquet.Int64Value(int64(x))
				v.SetDefinitionLevel(1)
			} else {
				t.op(&v, s.op, s.typ, b, rv)
			}
		case tBool:
			setBool(&v, s.acc.Uint(b) != 0)
		case tFloat:
			if x := s.acc.Float(b); !math.IsNaN(x) {
				setFloat(&v, x)
			} else {
				t.op(&v, s.op, s.typ, b, rv)
			}
		case tText:
			t.setText(&v, escapeText(s.acc.Bytes(b)))
		case tLetter:
			if s.acc.Int(b) != 0 {
				t.setText(&v, escapeText(s.acc.Bytes(b)))
			}
		case tOp:
			t.op(&v, s.op, s.typ, b, rv)
		case tCell:
			t.cell(&v, s.typ, &t.cells[s.fixed])
		}
		v.SetColumnIndex(k)
		vals[k*blockRows] = v
		if t.cellErr != nil {
			if t.b.err == nil {
				t.b.err, t.b.errRow, t.b.errCol = t.cellErr, r, k
			}
			t.cellErr = nil
		}
	}
}

// op sets at to the field that op reads from record b (whose Value is v)
// as a value of type typ.
func (t *typedTable) op(at *parquet.Value, op *csvOp, typ ctype, b []byte, v cstruct.Value) {
	switch {
	case op.kind == jInt && typ == tBigint:
		setInt(at, op.acc.Int(b))
		return
	case op.kind == jUint && typ == tUbigint:
		setInt(at, int64(op.acc.Uint(b)))
		return
	case op.kind == jUint && typ == tBigint:
		if x := op.acc.Uint(b); x <= math.MaxInt64 {
			setInt(at, int64(x))
			return
		}
	case op.kind == jBool && typ == tBoolean:
		setBool(at, op.acc.Uint(b) != 0)
		return
	case op.kind == jFloat64 && typ == tDouble:
		if x := op.acc.Float(b); !math.IsNaN(x) {
			setFloat(at, x)
			return
		}
	case op.kind == jText && typ == tVarchar:
		t.setText(at, escapeText(op.acc.Bytes(b)))
		return
	case op.kind == jLetter && typ == tVarchar:
		if op.acc.Int(b) != 0 {
			t.setText(at, escapeText(op.acc.Bytes(b)))
		}
		return
	}
	t.text = op.appendField(t.text[:0], b, v)
	t.fromText(at, typ, t.text)
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

// cell sets at to a field the export adds, as a value of type typ.
func (t *typedTable) cell(at *parquet.Value, typ ctype, c *tcell) {
	switch {
	case c.kind == kNull:
		return
	case c.kind == kInt && typ == tBigint:
		setInt(at, c.i)
		return
	case c.kind == kBool && typ == tBoolean:
		setBool(at, c.i != 0)
		return
	case c.kind == kText && typ == tVarchar:
		t.setText(at, c.b)
		return
	case c.kind == kTime && typ == tTimestamp:
		if y := c.t.UTC().Year(); y >= 0 && y <= 9999 { // what RFC 3339 text holds
			setInt(at, c.t.Unix()*1e6)
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
	t.fromText(at, typ, t.text)
}

// fromText sets at to the value of type typ that the CSV field f reads as:
// a null when f is empty; when f does not read as typ, a null and
// t.cellErr.
func (t *typedTable) fromText(at *parquet.Value, typ ctype, f []byte) {
	if len(f) == 0 {
		return
	}
	c, err := textValue(typ, string(f))
	switch {
	case err != nil:
		t.cellErr = err
	case typ == tBigint || typ == tTimestamp:
		setInt(at, c.i)
	case typ == tUbigint:
		setInt(at, int64(c.u))
	case typ == tDouble:
		setFloat(at, c.f)
	case typ == tBoolean:
		setBool(at, c.b)
	default:
		t.setText(at, f)
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

// The setters set a value that is not null (a value left as it is, the
// zero Value, is a null).

func setInt(at *parquet.Value, x int64) {
	*at = parquet.Int64Value(x)
	at.SetDefinitionLevel(1)
}

func setFloat(at *parquet.Value, x float64) {
	*at = parquet.DoubleValue(x)
	at.SetDefinitionLevel(1)
}

func setBool(at *parquet.Value, x bool) {
	*at = parquet.BooleanValue(x)
	at.SetDefinitionLevel(1)
}

// setText sets text, copied into the batch; empty text is a null, as an
// empty CSV field.
func (t *typedTable) setText(at *parquet.Value, b []byte) {
	if len(b) == 0 {
		return
	}
	start := len(t.b.text)
	t.b.text = append(t.b.text, b...) // a text before a growth keeps the array it points into
	*at = parquet.ByteArrayValue(t.b.text[start:len(t.b.text):len(t.b.text)])
	at.SetDefinitionLevel(1)
}
