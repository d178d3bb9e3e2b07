package export

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

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
	sink := &rowSink{cols: cols, route: func(*batch, int) (*partWriter, error) { return pw, nil }}
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

// A partWriter writes one Parquet file. It takes the rows of a sample's
// batch, and writes them as Writer.WriteRows wrote the rows of one call:
// column by column, in pieces of at most 64 rows that do not cross a row
// group, so that the pages break where they did.
type partWriter struct {
	//lint:ignore SA1019 the schema is known only at run time (the logs' versions), which is what the untyped Writer is for; GenericWriter needs a Go type
	w        *parquet.Writer
	file     *os.File // WriteDataset's
	name     string
	used     uint64                   // WriteDataset: when it was last written to
	cur      *batch                   // the batch of the rows taken
	rows     []int                    // the rows taken, of cur
	gather   batch                    // rows of cur that are not in one run, gathered
	piece    [blockRows]parquet.Value // a column of a piece across two blocks
	rgRows   int64                    // rows in the row group being written
	rowGroup int64
}

func newPartWriter(w io.Writer, cols []Column, codec compress.Codec, rowGroup int64) *partWriter {
	return &partWriter{w: parquet.NewWriter(w, parquetSchema(cols),
		parquet.Compression(codec), parquet.MaxRowsPerRowGroup(rowGroup),
		parquet.CreatedBy("cstruct", "", "")), rowGroup: rowGroup}
}

// take takes row r of b, to be written by flush.
func (p *partWriter) take(b *batch, r int) {
	p.cur = b
	p.rows = append(p.rows, r)
}

// flush writes the rows taken.
func (p *partWriter) flush() error {
	if len(p.rows) == 0 {
		return nil
	}
	b, first, n := p.cur, p.rows[0], len(p.rows)
	if p.rows[n-1]-first != n-1 { // not one run: gather them
		p.gather.reset(n, b.ncol)
		for j, r := range p.rows {
			for k := range b.ncol {
				*p.gather.at(j, k) = *b.at(r, k)
			}
		}
		p.gather.n = n
		b, first = &p.gather, 0
	}
	p.rows, p.cur = p.rows[:0], nil
	cws := p.w.ColumnWriters()
	for done := 0; done < n; {
		if p.rgRows >= p.rowGroup {
			if err := p.w.Flush(); err != nil {
				return err
			}
			p.rgRows = 0
		}
		m := min(n-done, blockRows, int(p.rowGroup-p.rgRows))
		r := first + done
		for k, cw := range cws {
			vals := b.run(r, m, k)
			if vals == nil { // across two blocks
				vals = p.piece[:m]
				for j := range vals {
					vals[j] = *b.at(r+j, k)
				}
			}
			if _, err := cw.WriteRowValues(vals); err != nil {
				return err
			}
		}
		done += m
		p.rgRows += int64(m)
	}
	clear(p.piece[:])
	return nil
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

// A rowSink takes the typed rows of the export, one sample's batch at a
// time, and writes them to the partWriter that route chooses.
type rowSink struct {
	cols    []Column
	route   func(b *batch, r int) (*partWriter, error)
	line    int // the CSV line of the last row (the header is line 1)
	touched []*partWriter
}

func (s *rowSink) run(src Source, opts ParquetOptions) error {
	s.line = 1
	return typedRows(src, opts.CSVOptions, s.cols, s.batch)
}

// batch writes the rows of one sample: WriteRows was called once per
// sample and partWriter. The rows taken are written even when a row fails
// (WriteDataset closes its files after an error): none may outlive b.
func (s *rowSink) batch(b *batch) error {
	err := s.take(b)
	for _, pw := range s.touched {
		if ferr := pw.flush(); err == nil {
			err = ferr
		}
	}
	s.touched = s.touched[:0]
	return err
}

// take gives the rows of b to their partWriters, up to the first that fails.
func (s *rowSink) take(b *batch) error {
	n := b.n
	if b.err != nil {
		n = b.errRow
	}
	var last *partWriter
	for r := range n {
		pw, err := s.route(b, r)
		if err != nil {
			return err
		}
		if pw != last && !slices.Contains(s.touched, pw) {
			s.touched = append(s.touched, pw)
		}
		last = pw
		pw.take(b, r)
	}
	if b.err != nil {
		return fmt.Errorf("export: parquet: %w", &cellError{row: s.line + b.errRow + 1, column: s.cols[b.errCol].Name, err: b.err})
	}
	s.line += n
	return nil
}

// valueText is the CSV text of a value of type typ.
func valueText(typ ctype, v parquet.Value) string {
	switch {
	case v.IsNull():
		return ""
	case typ == tVarchar:
		return string(v.ByteArray())
	case typ == tTimestamp:
		return time.UnixMicro(v.Int64()).UTC().Format(time.RFC3339)
	case typ == tUbigint:
		return strconv.FormatUint(v.Uint64(), 10)
	case typ == tDouble:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	case typ == tBoolean:
		return strconv.FormatBool(v.Boolean())
	}
	return strconv.FormatInt(v.Int64(), 10)
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
	hostType, timeType := ctypeOf(cols[hostCol].Type), ctypeOf(cols[timeCol].Type)
	var lastHost, lastTime parquet.Value
	var lastKey string
	route := func(b *batch, r int) (*partWriter, error) {
		host, tm := *b.at(r, hostCol), *b.at(r, timeCol)
		key := lastKey
		if lastKey == "" || !parquet.Equal(host, lastHost) || !parquet.Equal(tm, lastTime) {
			date := valueText(timeType, tm)
			if len(date) >= 10 {
				date = date[:10]
			}
			key = filepath.Join("host="+hiveEscape(valueText(hostType, host)), "date="+hiveEscape(date))
			lastHost, lastTime, lastKey = host.Clone(), tm.Clone(), key
		}
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
