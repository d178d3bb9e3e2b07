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
	sink := &rowSink{cols: cols, route: func([]cell) (*partWriter, error) { return pw, nil }}
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

// A partWriter writes one Parquet file. It takes the values of the rows
// column by column, and writes them as Writer.WriteRows writes the rows of
// a call: in pieces of at most 64 rows that do not cross a row group, so
// that the pages break where WriteRows breaks them.
type partWriter struct {
	//lint:ignore SA1019 the schema is known only at run time (the logs' versions), which is what the untyped Writer is for; GenericWriter needs a Go type
	w        *parquet.Writer
	file     *os.File // WriteDataset's
	name     string
	used     uint64          // WriteDataset: when it was last written to
	vals     []parquet.Value // the values of the piece being taken, pieceRows per column
	pending  int             // rows in the piece
	rgRows   int64           // rows in the row group being written
	rowGroup int64
}

// pieceRows is the most rows WriteRows writes to the columns at once.
const pieceRows = 64

func newPartWriter(w io.Writer, cols []Column, codec compress.Codec, rowGroup int64) *partWriter {
	return &partWriter{w: parquet.NewWriter(w, parquetSchema(cols),
		parquet.Compression(codec), parquet.MaxRowsPerRowGroup(rowGroup),
		parquet.CreatedBy("cstruct", "", "")),
		vals: make([]parquet.Value, len(cols)*pieceRows), rowGroup: rowGroup}
}

// add takes one row, of cells of these types; a piece that is full is
// written.
func (p *partWriter) add(row []cell, types []ctype) error {
	if p.pending == 0 && p.rgRows >= p.rowGroup {
		if err := p.w.Flush(); err != nil {
			return err
		}
		p.rgRows = 0
	}
	for k := range row {
		setValue(&p.vals[k*pieceRows+p.pending], types[k], &row[k], k)
	}
	p.pending++
	if p.pending == pieceRows || p.rgRows+int64(p.pending) >= p.rowGroup {
		return p.flush()
	}
	return nil
}

// setValue sets v to the value of cell c of column k.
func setValue(v *parquet.Value, typ ctype, c *cell, k int) {
	switch {
	case c.null:
		*v = parquet.Value{}
		v.SetColumnIndex(k)
		return
	case typ == tVarchar:
		*v = parquet.ByteArrayValue(c.text)
	case typ == tDouble:
		*v = parquet.DoubleValue(c.f)
	case typ == tBoolean:
		*v = parquet.BooleanValue(c.b)
	default:
		*v = parquet.Int64Value(c.i)
	}
	v.SetDefinitionLevel(1)
	v.SetColumnIndex(k)
}

// flush writes the piece taken.
func (p *partWriter) flush() error {
	if p.pending == 0 {
		return nil
	}
	for k, cw := range p.w.ColumnWriters() {
		piece := p.vals[k*pieceRows : k*pieceRows+p.pending]
		if _, err := cw.WriteRowValues(piece); err != nil {
			return err
		}
		clear(piece) // the text of the rows
	}
	p.rgRows += int64(p.pending)
	p.pending = 0
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

// A rowSink takes the typed rows of the export, one sample's at a time,
// and writes them to the partWriter that route chooses.
type rowSink struct {
	cols    []Column
	types   []ctype
	route   func(row []cell) (*partWriter, error)
	touched []*partWriter
}

func (s *rowSink) run(src Source, opts ParquetOptions) error {
	s.types = make([]ctype, len(s.cols))
	for i, c := range s.cols {
		s.types[i] = ctypeOf(c.Type)
	}
	err := typedRows(src, opts.CSVOptions, s.cols, s.row, s.end)
	if ce := (*cellError)(nil); errors.As(err, &ce) {
		return fmt.Errorf("export: parquet: %w", err)
	}
	return err
}

func (s *rowSink) row(row []cell) error {
	pw, err := s.route(row)
	if err != nil {
		return err
	}
	if !slices.Contains(s.touched, pw) {
		s.touched = append(s.touched, pw)
	}
	return pw.add(row, s.types)
}

// end writes the rest of the sample's rows: WriteRows was called once
// per sample.
func (s *rowSink) end() error {
	for _, pw := range s.touched {
		if err := pw.flush(); err != nil {
			return err
		}
	}
	s.touched = s.touched[:0]
	return nil
}

// cellText is the CSV text of a cell of type typ.
func cellText(typ ctype, c *cell) string {
	switch {
	case c.null:
		return ""
	case typ == tVarchar:
		return string(c.text)
	case typ == tTimestamp:
		return time.UnixMicro(c.i).UTC().Format(time.RFC3339)
	case typ == tUbigint:
		return strconv.FormatUint(c.u, 10)
	case typ == tDouble:
		return strconv.FormatFloat(c.f, 'g', -1, 64)
	case typ == tBoolean:
		return strconv.FormatBool(c.b)
	}
	return strconv.FormatInt(c.i, 10)
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
	route := func(row []cell) (*partWriter, error) {
		date := cellText(ctypeOf(cols[timeCol].Type), &row[timeCol])
		if len(date) >= 10 {
			date = date[:10]
		}
		host := cellText(ctypeOf(cols[hostCol].Type), &row[hostCol])
		key := filepath.Join("host="+hiveEscape(host), "date="+hiveEscape(date))
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
