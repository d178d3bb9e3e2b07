package export_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// TestParquetAsCSV reads the Parquet file of every fixture back with
// parquet-go: the columns of the CSV header, in order, and every value
// equal to the CSV's field (null where the field is empty).
func TestParquetAsCSV(t *testing.T) {
	names := allFixtures(t)
	hs := headersOf(t, names)
	for _, o := range []export.CSVOptions{{Tasks: true}, {System: "percpu"}, {Cgroups: true}} {
		o.Headers = hs
		var c, p bytes.Buffer
		require.NoError(t, export.WriteCSV(&c, atop.OpenFiles(names...), o))
		require.NoError(t, export.WriteParquet(&p, atop.OpenFiles(names...), export.ParquetOptions{CSVOptions: o, RowGroupRows: 100}))
		recs, err := csv.NewReader(&c).ReadAll()
		require.NoError(t, err)
		cols, err := export.Columns(hs, o)
		require.NoError(t, err)

		f, err := parquet.OpenFile(bytes.NewReader(p.Bytes()), int64(p.Len()))
		require.NoError(t, err)
		require.Equal(t, int64(len(recs)-1), f.NumRows())
		require.Greater(t, len(f.RowGroups()), 1, "rows in groups of 100")
		var got []string
		for _, fld := range f.Schema().Fields() {
			got = append(got, fld.Name())
		}
		require.Equal(t, recs[0], got)

		r := parquet.NewReader(f)
		rows := make([]parquet.Row, 64)
		line := 1
		for {
			n, err := r.ReadRows(rows)
			for _, row := range rows[:n] {
				rec := recs[line]
				for _, v := range row {
					i := v.Column()
					require.Equal(t, rec[i], text(cols[i].Type, v), "row %d column %s", line, cols[i].Name)
				}
				line++
			}
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
		}
		require.Equal(t, len(recs), line)
	}
}

// text is a Parquet value as the CSV writes it.
func text(typ string, v parquet.Value) string {
	if v.IsNull() {
		return ""
	}
	switch typ {
	case export.TypeBigint:
		return strconv.FormatInt(v.Int64(), 10)
	case export.TypeUbigint:
		return strconv.FormatUint(v.Uint64(), 10)
	case export.TypeDouble:
		return strconv.FormatFloat(v.Double(), 'g', -1, 64)
	case export.TypeBoolean:
		return strconv.FormatBool(v.Boolean())
	case export.TypeTimestamp:
		return time.UnixMicro(v.Int64()).UTC().Format(time.RFC3339)
	}
	return string(v.ByteArray())
}
