package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cstructgo/cstruct/atop/export"
)

// AtopParquetCmd is "cstruct atop parquet".
type AtopParquetCmd struct {
	Tasks        bool   `name:"tasks" xor:"what" required:"" help:"One row per task (process or thread) per sample."`
	System       string `name:"system" xor:"what" required:"" placeholder:"GROUP" help:"One row per sample, or per element, of a group of struct sstat (the groups of 'cstruct atop csv --help')."`
	Cgroups      bool   `name:"cgroups" xor:"what" required:"" help:"One row per cgroup per sample (atop 2.11+)."`
	Output       string `short:"o" name:"output" required:"" placeholder:"OUT" help:"The Parquet file to write (- for stdout), or with --partition the dataset's directory."`
	Partition    bool   `name:"partition" help:"Write a Hive-partitioned dataset: OUT/host=HOST/date=YYYY-MM-DD/part-N.parquet (dates in UTC); a later run adds part files, never rewrites one."`
	Compression  string `name:"compression" enum:"zstd,snappy,none" default:"zstd" help:"Compression of the column chunks: zstd, snappy or none."`
	RowGroupRows int    `name:"row-group" default:"16384" placeholder:"ROWS" help:"Rows per row group (what is held in memory at once)."`
	Reserved     bool   `name:"reserved" help:"Keep the reserved (*future*) fields."`
	atopInput
}

// Run writes the Parquet file or dataset.
func (c *AtopParquetCmd) Run(e *env) error {
	return c.export(e, c.Reserved, func(src export.Source, o export.Options) error {
		hs, err := c.readHeaders(e)
		if err != nil {
			return err
		}
		opts := export.ParquetOptions{
			CSVOptions:   export.CSVOptions{Options: o, Tasks: c.Tasks, System: c.System, Cgroups: c.Cgroups, Headers: hs},
			Compression:  c.Compression,
			RowGroupRows: c.RowGroupRows,
		}
		if c.Partition {
			if c.Output == "-" {
				return errors.New("--partition writes a directory: -o DIR")
			}
			_, err := export.WriteDataset(c.Output, src, opts)
			return err
		}
		if c.Output == "-" {
			return export.WriteParquet(e.stdout, src, opts)
		}
		f, err := os.Create(c.Output)
		if err != nil {
			return err
		}
		err = export.WriteParquet(f, src, opts)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", c.Output, err)
		}
		return nil
	})
}

// Examples are the end of --help.
func (c *AtopParquetCmd) Examples() string {
	return `Examples:

  cstruct atop parquet --tasks -o tasks.parquet /var/log/atop/atop_20261125
  cstruct atop parquet --system cpu -o cpu.parquet /var/log/atop/
  cstruct atop parquet --tasks --partition -o /data/atop /var/log/atop/atop_$(date -d yesterday +%Y%m%d)`
}

// AtopColumnsCmd is "cstruct atop columns".
type AtopColumnsCmd struct {
	Tasks    bool   `name:"tasks" xor:"what" required:"" help:"The columns of task rows."`
	System   string `name:"system" xor:"what" required:"" placeholder:"GROUP" help:"The columns of a group of struct sstat."`
	Cgroups  bool   `name:"cgroups" xor:"what" required:"" help:"The columns of cgroup rows (atop 2.11+)."`
	Reserved bool   `name:"reserved" help:"Keep the reserved (*future*) fields."`
	Renamed  bool   `name:"renamed" help:"Only the columns whose name is not their .h path (case twins, see TwinSuffix)."`
	atopInput
}

// Run lists the columns of csv and parquet for the logs given: name,
// DuckDB type and .h path, tab-separated.
func (c *AtopColumnsCmd) Run(e *env) error {
	var err error
	if c.Files, err = expandFiles(c.Files); err != nil {
		return err
	}
	hs, err := c.readHeaders(e)
	if err != nil {
		return err
	}
	o := export.CSVOptions{Options: export.Options{Reserved: c.Reserved}, Tasks: c.Tasks, System: c.System, Cgroups: c.Cgroups}
	cols, err := export.Columns(hs, o)
	if err != nil {
		return err
	}
	for _, col := range cols {
		path := col.Path
		if path == "" {
			path = "-"
		}
		if c.Renamed && (col.Path == "" || strings.HasSuffix(col.Path, col.Name) && !strings.HasSuffix(col.Name, export.TwinSuffix)) {
			continue
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", col.Name, col.Type, path)
	}
	return nil
}

// Examples are the end of --help.
func (c *AtopColumnsCmd) Examples() string {
	return `Examples:

  cstruct atop columns --tasks /var/log/atop/
  cstruct atop columns --system cpu --renamed /var/log/atop/atop_20261125
  cstruct atop columns --system dsk /var/log/atop/atop_20261125 | cut -f1,2`
}
