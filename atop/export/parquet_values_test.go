package export_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/require"
)

// TestParquetValuesAsCSV guards the typed path of WriteParquet against the
// CSV: for every kind of rows (tasks, cgroups, every system group, with
// and without the reserved fields, on one worker and on several), the
// values of the Parquet file of every fixture, read back with parquet-go,
// are the CSV's fields cell by cell, every row with a value or a null in
// every column, in the same order, and nothing else.
func TestParquetValuesAsCSV(t *testing.T) {
	names := allFixtures(t)
	hs := headersOf(t, names)
	cases := map[string]export.CSVOptions{
		"tasks":            {Tasks: true},
		"tasks-reserved":   {Tasks: true, Options: export.Options{Reserved: true}},
		"tasks-one-worker": {Tasks: true, Options: export.Options{Workers: 1}},
		"cgroups":          {Cgroups: true},
		"cpu.all":          {System: "cpu.all"},
		"percpu-reserved":  {System: "percpu", Options: export.Options{Reserved: true, Workers: 1}},
	}
	for _, g := range export.SystemGroups() {
		cases[g.Name] = export.CSVOptions{System: g.Name}
	}
	for name, o := range cases {
		t.Run(name, func(t *testing.T) {
			o.Headers = hs
			o.FileName = func(h *atop.Header) string { return "fixture " + h.Version.String() }
			var c, p bytes.Buffer
			require.NoError(t, export.WriteCSV(&c, atop.OpenFiles(names...), o))
			require.NoError(t, export.WriteParquet(&p, atop.OpenFiles(names...), export.ParquetOptions{CSVOptions: o, RowGroupRows: 150}))
			recs, err := csv.NewReader(&c).ReadAll()
			require.NoError(t, err)
			require.NotEmpty(t, recs, "the header") // some groups have no rows in the fixtures (no GPU, no LVM)
			cols, err := export.Columns(hs, o)
			require.NoError(t, err)

			f, err := parquet.OpenFile(bytes.NewReader(p.Bytes()), int64(p.Len()))
			require.NoError(t, err)
			require.Equal(t, int64(len(recs)-1), f.NumRows())
			r := parquet.NewReader(f)
			rows := make([]parquet.Row, 50)
			line := 1
			for {
				n, err := r.ReadRows(rows)
				for _, row := range rows[:n] {
					rec := recs[line]
					require.Len(t, row, len(rec), "row %d", line)
					for k, v := range row {
						require.Equal(t, k, v.Column(), "row %d", line)
						require.Equal(t, rec[k], text(cols[k].Type, v), "row %d column %s", line, cols[k].Name)
					}
					line++
				}
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
			}
			require.Equal(t, len(recs), line)
		})
	}
}
