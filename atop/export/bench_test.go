package export_test

import (
	"io"
	"os"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
)

const largeLog = "../../testdata/atop/bench/atop-2.8.1-large.raw"

// benchExport runs an export of the large log to io.Discard.
func benchExport(b *testing.B, write func(io.Writer, export.Source) error) {
	if _, err := os.Stat(largeLog); err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := write(io.Discard, atop.OpenFiles(largeLog)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONTasks(b *testing.B) {
	benchExport(b, func(w io.Writer, src export.Source) error {
		return export.WriteJSON(w, src, export.JSONOptions{Tasks: true})
	})
}

func BenchmarkCSVTasks(b *testing.B) {
	benchExport(b, func(w io.Writer, src export.Source) error {
		return export.WriteCSV(w, src, export.CSVOptions{Tasks: true})
	})
}

func BenchmarkJSONSystem(b *testing.B) {
	benchExport(b, func(w io.Writer, src export.Source) error {
		return export.WriteJSON(w, src, export.JSONOptions{System: true})
	})
}

func BenchmarkParquetTasks(b *testing.B) {
	r, err := atop.Open(largeLog)
	if err != nil {
		b.Skip(err)
	}
	hs := []*atop.Header{r.Header()}
	r.Close()
	benchExport(b, func(w io.Writer, src export.Source) error {
		return export.WriteParquet(w, src, export.ParquetOptions{CSVOptions: export.CSVOptions{Tasks: true, Headers: hs}})
	})
}

// BenchmarkTaskRows writes the task rows of the large log as CSV and as
// Parquet, side by side on the same input and columns (the union of
// Headers): what Parquet costs over the CSV.
func BenchmarkTaskRows(b *testing.B) {
	r, err := atop.Open(largeLog)
	if err != nil {
		b.Skip(err)
	}
	o := export.CSVOptions{Tasks: true, Headers: []*atop.Header{r.Header()}}
	r.Close()
	b.Run("csv", func(b *testing.B) {
		benchExport(b, func(w io.Writer, src export.Source) error { return export.WriteCSV(w, src, o) })
	})
	b.Run("parquet", func(b *testing.B) {
		benchExport(b, func(w io.Writer, src export.Source) error {
			return export.WriteParquet(w, src, export.ParquetOptions{CSVOptions: o})
		})
	})
}
