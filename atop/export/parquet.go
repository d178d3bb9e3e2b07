package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/compress/snappy"
	"github.com/parquet-go/parquet-go/compress/uncompressed"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// ParquetOptions say what WriteParquet and WriteDataset write: the rows
// of WriteCSV (exactly one of Tasks, System and Cgroups), typed. Headers
// must list the header of every file of the source: the schema is the
// union of their versions' columns (see Columns).
type ParquetOptions struct {
	CSVOptions
	Compression  string // "zstd" (the default), "snappy" or "none"
	RowGroupRows int    // rows per row group (0: 16384); a row group is what is held in memory
	// MaxOpen bounds the partitions WriteDataset keeps open at once (0: 8);
	// a partition closed early gets another part file when it has more rows.
	MaxOpen int
}

// WriteParquet writes the rows of WriteCSV as one Parquet file: the
// columns of the CSV header by the same names, in the same order, typed
// (Column.Type: integers as INT64 or UINT64, floats as DOUBLE, text as
// STRING, the time as a TIMESTAMP in UTC), every column optional (a value
// a version lacks is null, as are the empty fields of the CSV). Rows are
// written in row groups as they are read, so memory stays bounded by a
// row group whatever the input.
func WriteParquet(w io.Writer, src Source, opts ParquetOptions) error {
	cols, codec, err := opts.prepare()
	if err != nil {
		return err
	}
	pw := newPartWriter(w, cols, codec, opts.rowGroup())
	sink := &rowSink{cols: cols, route: func([]string) (*partWriter, error) { return pw, nil }}
	if err := sink.run(src, opts); err != nil {
		return err
	}
	return pw.close()
}

func (opts *ParquetOptions) prepare() ([]Column, compress.Codec, error) {
	if len(opts.Headers) == 0 {
		return nil, nil, errors.New("export: Parquet needs the headers of the input files (ParquetOptions.Headers)")
	}
	var codec compress.Codec
	switch opts.Compression {
	case "", "zstd":
		codec = &zstd.Codec{Level: zstd.SpeedDefault}
	case "snappy":
		codec = &snappy.Codec{}
	case "none":
		codec = &uncompressed.Codec{}
	default:
		return nil, nil, fmt.Errorf("export: unknown Parquet compression %q (zstd, snappy, none)", opts.Compression)
	}
	cols, err := Columns(opts.Headers, opts.CSVOptions)
	return cols, codec, err
}

func (opts *ParquetOptions) rowGroup() int64 {
	if opts.RowGroupRows > 0 {
		return int64(opts.RowGroupRows)
	}
	return 16384
}

// A partWriter writes one Parquet file.
type partWriter struct {
	//lint:ignore SA1019 the schema is known only at run time (the logs' versions), which is what the untyped Writer is for; GenericWriter needs a Go type
	w    *parquet.Writer
	file *os.File // WriteDataset's
	name string
	rows []parquet.Row
	used uint64 // WriteDataset: when it was last written to
}

func newPartWriter(w io.Writer, cols []Column, codec compress.Codec, rowGroup int64) *partWriter {
	return &partWriter{w: parquet.NewWriter(w, parquetSchema(cols),
		parquet.Compression(codec), parquet.MaxRowsPerRowGroup(rowGroup),
		parquet.CreatedBy("cstruct", "", ""))}
}

func (p *partWriter) flush() error {
	if len(p.rows) == 0 {
		return nil
	}
	_, err := p.w.WriteRows(p.rows)
	p.rows = p.rows[:0]
	return err
}

func (p *partWriter) close() error {
	err := p.flush()
	if cerr := p.w.Close(); err == nil {
		err = cerr
	}
	if p.file != nil {
		if cerr := p.file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// A rowSink takes the CSV rows of the export, one sample's at a time, and
// writes them typed to the partWriter that route chooses.
type rowSink struct {
	cols    []Column
	route   func(rec []string) (*partWriter, error)
	started bool
	line    int
	touched []*partWriter
}

func (s *rowSink) run(src Source, opts ParquetOptions) error {
	shared := &tableState{plans: map[cstruct.Type]*plan{}}
	shared.union = colNames(s.cols)
	return runTable(s, src, opts.CSVOptions, shared)
}

// Write takes the CSV rows of one sample (the first begins with the header).
func (s *rowSink) Write(p []byte) (int, error) {
	r := csv.NewReader(bytes.NewReader(p))
	r.FieldsPerRecord = len(s.cols)
	r.ReuseRecord = true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("export: parquet: %w", err)
		}
		s.line++
		if !s.started {
			s.started = true
			continue // the header: the same columns
		}
		pw, err := s.route(rec)
		if err != nil {
			return 0, err
		}
		var reuse parquet.Row
		if n := len(pw.rows); n < cap(pw.rows) {
			reuse = pw.rows[:n+1][n]
		}
		row, err := s.convert(reuse, rec)
		if err != nil {
			return 0, err
		}
		pw.rows = append(pw.rows, row)
		if len(pw.rows) == 1 {
			s.touched = append(s.touched, pw)
		}
	}
	for _, pw := range s.touched {
		if err := pw.flush(); err != nil {
			return 0, err
		}
	}
	s.touched = s.touched[:0]
	return len(p), nil
}

// convert types the fields of one CSV row into row (reused: the writer
// copies what it keeps); an empty field is null.
func (s *rowSink) convert(row parquet.Row, rec []string) (parquet.Row, error) {
	row = slices.Grow(row[:0], len(rec))[:len(rec)]
	for i, f := range rec {
		if f == "" {
			row[i] = parquet.NullValue().Level(0, 0, i)
			continue
		}
		v, err := typedValue(s.cols[i].Type, f)
		if err != nil {
			return nil, fmt.Errorf("export: parquet: row %d, column %s: %w", s.line, s.cols[i].Name, err)
		}
		row[i] = v.Level(0, 1, i)
	}
	return row, nil
}

func typedValue(typ, f string) (parquet.Value, error) {
	switch typ {
	case TypeBigint:
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			u, uerr := strconv.ParseUint(f, 10, 64)
			if uerr == nil && u > math.MaxInt64 {
				return parquet.Value{}, fmt.Errorf("%s does not fit a signed 64-bit column (the field is signed in another version)", f)
			}
			return parquet.Value{}, err
		}
		return parquet.Int64Value(n), nil
	case TypeUbigint:
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.Int64Value(int64(n)), nil
	case TypeDouble:
		x, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.DoubleValue(x), nil
	case TypeBoolean:
		b, err := strconv.ParseBool(f)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.BooleanValue(b), nil
	case TypeTimestamp:
		t, err := time.Parse(time.RFC3339, f)
		if err != nil {
			return parquet.Value{}, err
		}
		return parquet.Int64Value(t.UnixMicro()), nil
	}
	return parquet.ByteArrayValue([]byte(f)), nil
}

// WriteDataset writes the rows of WriteParquet as a Hive-partitioned
// dataset under dir: dir/host=HOST/date=YYYY-MM-DD/part-N.parquet, the
// date of the sample's time in UTC, so that DuckDB's
// read_parquet('dir/**/*.parquet', hive_partitioning = true) and Spark's
// spark.read.parquet(dir) read a fleet's logs with partition pruning.
// Each run adds new part files (the next free N of a partition) and never
// rewrites or removes one; it returns the files it wrote.
//
// A host name is written as Hive escapes a partition value: bytes other
// than letters, digits, '.', '_' and '-' as %XX.
func WriteDataset(dir string, src Source, opts ParquetOptions) ([]string, error) {
	cols, codec, err := opts.prepare()
	if err != nil {
		return nil, err
	}
	hostCol, timeCol := -1, -1
	for i, c := range cols {
		switch c.Name {
		case "host":
			hostCol = i
		case "time":
			timeCol = i
		}
	}
	maxOpen := opts.MaxOpen
	if maxOpen <= 0 {
		maxOpen = 8
	}
	open := map[string]*partWriter{}
	var written []string
	var clock uint64
	closeOne := func(key string) error {
		pw := open[key]
		delete(open, key)
		return pw.close()
	}
	route := func(rec []string) (*partWriter, error) {
		date := rec[timeCol]
		if len(date) >= 10 {
			date = date[:10]
		}
		key := filepath.Join("host="+hiveEscape(rec[hostCol]), "date="+hiveEscape(date))
		clock++
		if pw, ok := open[key]; ok {
			pw.used = clock
			return pw, nil
		}
		if len(open) >= maxOpen {
			oldest := ""
			for k, pw := range open {
				if oldest == "" || pw.used < open[oldest].used {
					oldest = k
				}
			}
			if err := closeOne(oldest); err != nil {
				return nil, err
			}
		}
		f, err := createPart(filepath.Join(dir, key))
		if err != nil {
			return nil, err
		}
		pw := newPartWriter(f, cols, codec, opts.rowGroup())
		pw.file, pw.name, pw.used = f, f.Name(), clock
		open[key] = pw
		written = append(written, f.Name())
		return pw, nil
	}
	sink := &rowSink{cols: cols, route: route}
	err = sink.run(src, opts)
	for key := range open {
		if cerr := closeOne(key); err == nil {
			err = cerr
		}
	}
	return written, err
}

// createPart creates the next free part-N.parquet in dir, never one that
// exists (O_EXCL: two runs at once take different numbers).
func createPart(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	n := 0
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		var k int
		if _, err := fmt.Sscanf(e.Name(), "part-%d.parquet", &k); err == nil && k >= n {
			n = k + 1
		}
	}
	for {
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprintf("part-%d.parquet", n)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, os.ErrExist) {
			n++
			continue
		}
		return f, err
	}
}

// hiveEscape escapes a partition value as Hive does: %XX for the bytes
// that are not letters, digits, '.', '_' or '-'.
func hiveEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	if b.Len() == 0 {
		return "__HIVE_DEFAULT_PARTITION__"
	}
	return b.String()
}
