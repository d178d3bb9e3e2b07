package export

import (
	"fmt"
	"slices"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
)

// Column types, by their DuckDB names: WriteParquet writes them so, and a
// CSV can be read with them (read_csv(…, types = {…})). Every integer is
// 64 bits wide, whatever its width in the version's struct, so that one
// field has one type in every version and file.
const (
	TypeBigint    = "BIGINT"      // signed integers (int64)
	TypeUbigint   = "UBIGINT"     // unsigned integers (uint64)
	TypeDouble    = "DOUBLE"      // float and double
	TypeBoolean   = "BOOLEAN"     // bool fields, and flags the export adds
	TypeVarchar   = "VARCHAR"     // text: char arrays, letters (state), enums by name
	TypeTimestamp = "TIMESTAMPTZ" // the sample's time, UTC
)

// A Column is one column of a CSV or Parquet export.
type Column struct {
	Name string // as the header has it (case twins renamed: see TwinSuffix)
	Type string // one of the Type constants
	Path string // the field's dotted path in the version's struct (.h names); "" for a column the export adds
}

// The columns every row starts with: the sample's time (ISO 8601 UTC),
// epoch seconds, host, interval (seconds), whether it is a boot (RESET)
// sample whose counters run since boot, the clock ticks per second and
// page size in bytes that the sample's tick and page counts need, the
// atop version, and the file it came from.
var sampleCols = []Column{
	{Name: "time", Type: TypeTimestamp},
	{Name: "epoch", Type: TypeBigint},
	{Name: "host", Type: TypeVarchar},
	{Name: "interval", Type: TypeBigint},
	{Name: "boot", Type: TypeBoolean},
	{Name: "hertz", Type: TypeBigint},
	{Name: "pagesize", Type: TypeBigint},
	{Name: "version", Type: TypeVarchar},
	{Name: "file", Type: TypeVarchar},
}

// The columns a task row ends with: its cgroup's path (2.11+; empty
// before), and gen.excode decoded as the timeline does, for exited tasks
// only (state E): exit_code (when it exited by itself), signal (when a
// signal killed it) and core_dumped.
var taskCols = []Column{
	{Name: "cgroup", Type: TypeVarchar},
	{Name: "exit_code", Type: TypeBigint},
	{Name: "signal", Type: TypeBigint},
	{Name: "core_dumped", Type: TypeBoolean},
}

func colNames(cols []Column) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names
}

// typeOf is the Column type of a field of C type t.
func typeOf(t cstruct.Type, textChar bool) string {
	switch u := cstruct.Underlying(t).(type) {
	case *cstruct.Char:
		if textChar {
			return TypeVarchar
		}
		return TypeBigint
	case *cstruct.Array:
		if isChar(u.Elem) {
			return TypeVarchar
		}
	case *cstruct.Int:
		switch {
		case u.Bool:
			return TypeBoolean
		case u.ByteSize > 8:
		case u.Signed:
			return TypeBigint
		default:
			return TypeUbigint
		}
	case *cstruct.Float:
		return TypeDouble
	case *cstruct.Pointer:
		return TypeUbigint
	}
	return TypeVarchar
}

// mergeType is the type of a column that is a and b in two versions.
func mergeType(a, b string) string {
	switch {
	case a == b:
		return a
	case (a == TypeBigint || a == TypeUbigint) && (b == TypeBigint || b == TypeUbigint):
		return TypeBigint
	case (a == TypeDouble || a == TypeBigint || a == TypeUbigint) && (b == TypeDouble || b == TypeBigint || b == TypeUbigint):
		return TypeDouble
	}
	return TypeVarchar
}

// Columns returns the columns that WriteCSV and WriteParquet write for
// logs with these headers (one per file; each version once is enough):
// the union of the versions' columns, in the order of their first
// appearance. A column whose type differs between versions takes the type
// that holds both (BIGINT for signed and unsigned, DOUBLE for an integer
// and a float, else VARCHAR), with a warning to opts.Warn. A system group
// that none of the versions has is an error.
func Columns(headers []*atop.Header, opts CSVOptions) ([]Column, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	var group Group
	if opts.System != "" {
		g, err := lookupGroup(opts.System)
		if err != nil {
			return nil, err
		}
		group = g
	}
	var sections [3][]Column // leading, the struct's, trailing
	at := map[string][2]int{}
	var firstErr error
	done := map[*cstruct.Spec]bool{}
	for _, h := range headers {
		spec := h.Spec()
		if done[spec] {
			continue
		}
		done[spec] = true
		p, err := versionPlan(h, &opts, group)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		for k, cols := range [3][]Column{p.fixed, p.structColumns(), p.extra} {
			for _, c := range cols {
				if i, ok := at[c.Name]; ok {
					sec := &sections[i[0]][i[1]]
					if m := mergeType(sec.Type, c.Type); m != sec.Type || m != c.Type {
						opts.warn(&versionWarning{fmt.Errorf("export: column %s is %s in atop %s and %s in an earlier version: written as %s",
							c.Name, c.Type, h.Version, sec.Type, m)})
						sec.Type = m
					}
					continue
				}
				at[c.Name] = [2]int{k, len(sections[k])}
				sections[k] = append(sections[k], c)
			}
		}
	}
	out := slices.Concat(sections[0], sections[1], sections[2])
	if len(out) == 0 {
		if firstErr == nil {
			firstErr = fmt.Errorf("export: no input")
		}
		return nil, firstErr
	}
	return out, nil
}

// versionPlan is the plan of one version's rows.
func versionPlan(h *atop.Header, opts *CSVOptions, group Group) (*plan, error) {
	typ, err := rowType(h, opts)
	if err != nil {
		return nil, err
	}
	p := &plan{}
	if err := buildPlan(p, h, typ, opts, group); err != nil {
		return nil, err
	}
	return p, nil
}

// rowType is the struct type whose fields make the rows.
func rowType(h *atop.Header, opts *CSVOptions) (cstruct.Type, error) {
	name := "struct sstat"
	switch {
	case opts.Tasks:
		name = "struct tstat"
	case opts.Cgroups:
		if h.CStatLen == 0 {
			return nil, fmt.Errorf("export: atop %s logs have no cgroups (2.11+)", h.Version)
		}
		name = "struct cstat"
	}
	return h.Spec().Lookup(name)
}

// columns lists the plan's columns.
func (p *plan) columns() []Column {
	return slices.Concat(p.fixed, p.structColumns(), p.extra)
}

// structColumns lists the columns of the struct.
func (p *plan) structColumns() []Column {
	cols := make([]Column, len(p.cols))
	for i, c := range p.cols {
		cols[i] = Column{Name: c.name, Type: typeOf(c.ctype, c.textChar), Path: p.cprefix + c.cpath}
	}
	return cols
}
