package duckdbtest

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
	_ "github.com/duckdb/duckdb-go/v2"
)

const fixtureDir = "../../testdata/atop/fixtures"

// fixtures are the raw logs of every atop release of the repository, one
// export of them all at once: eleven versions in one file.
func fixtures(t *testing.T) ([]string, []*atop.Header) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(fixtureDir, "atop-*-small.raw"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	var hs []*atop.Header
	for _, n := range names {
		r, err := atop.Open(n)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, r.Header())
		r.Close()
	}
	return names, hs
}

func openDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// exports writes the CSV, JSON lines and Parquet of one kind of rows.
func exports(t *testing.T, names []string, hs []*atop.Header, o export.CSVOptions) (csvPath, jsonPath, pqPath string) {
	t.Helper()
	dir := t.TempDir()
	o.Headers = hs
	// one fixture per version and byte order (the s390x log is a 2.8 too)
	key := func(h *atop.Header) string { return h.Version.String() + " " + h.Order.String() }
	byVersion := map[string]string{}
	for i, h := range hs {
		byVersion[key(h)] = names[i]
	}
	o.FileName = func(h *atop.Header) string { return byVersion[key(h)] }
	o.Warn = func(err error) {
		if !export.IsWarning(err) {
			t.Errorf("export: %v", err)
		}
	}
	var b bytes.Buffer
	if err := export.WriteCSV(&b, atop.OpenFiles(names...), o); err != nil {
		t.Fatal(err)
	}
	csvPath = filepath.Join(dir, "out.csv")
	write(t, csvPath, b.Bytes())
	b.Reset()
	jo := export.JSONOptions{Options: o.Options, Tasks: o.Tasks, Cgroups: o.Cgroups, System: o.System != ""}
	if err := export.WriteJSON(&b, atop.OpenFiles(names...), jo); err != nil {
		t.Fatal(err)
	}
	jsonPath = filepath.Join(dir, "out.jsonl")
	write(t, jsonPath, b.Bytes())
	b.Reset()
	if err := export.WriteParquet(&b, atop.OpenFiles(names...), export.ParquetOptions{CSVOptions: o}); err != nil {
		t.Fatal(err)
	}
	pqPath = filepath.Join(dir, "out.parquet")
	write(t, pqPath, b.Bytes())
	return
}

func write(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// describe is DuckDB's column names and types of a query.
func describe(t *testing.T, db *sql.DB, from string) (names, types []string) {
	t.Helper()
	rows, err := db.Query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + from + ")")
	if err != nil {
		t.Fatalf("%s: %v", from, err)
	}
	defer rows.Close()
	for rows.Next() {
		var n, ty string
		if err := rows.Scan(&n, &ty); err != nil {
			t.Fatal(err)
		}
		names, types = append(names, n), append(types, ty)
	}
	return names, types
}

// one runs a query of one row of strings.
func one(t *testing.T, db *sql.DB, q string, n int) []string {
	t.Helper()
	vals := make([]sql.NullString, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := db.QueryRow(q).Scan(ptrs...); err != nil {
		if len(q) > 300 {
			q = q[:300] + "…"
		}
		t.Fatalf("%s: %v", q, err)
	}
	out := make([]string, n)
	for i, v := range vals {
		out[i] = v.String
		if !v.Valid {
			out[i] = "NULL"
		}
	}
	return out
}

func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// jsonPath is a column of the CSV header as a path in the JSON objects
// (gen.pid: "gen"."pid"); "" for the columns of arrays of scalars.
func jsonPath(c export.Column, prefix string) string {
	if strings.Contains(c.Name, "[") {
		return ""
	}
	name := c.Name
	if prefix != "" {
		name = prefix + "." + name
	}
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = quote(p)
	}
	return strings.Join(parts, ".")
}

// sums compares the sum (and count) of every numeric column, the true
// values of every boolean and the distinct values of every text of the
// three exports, loaded into DuckDB tables, and returns the CSV's by
// column name. Text is compared without empty strings: an empty CSV
// field is NULL, the JSON has "".
func sums(t *testing.T, db *sql.DB, cols []export.Column, csvFrom, pqFrom, jsonFrom, jsonPrefix string) map[string]string {
	t.Helper()
	exprs := func(json bool) ([]string, []int) {
		var out []string
		var idx []int
		for i, c := range cols {
			col := quote(c.Name)
			if json {
				if col = jsonPath(c, jsonPrefix); col == "" || c.Type == export.TypeTimestamp {
					continue
				}
			}
			var agg string
			switch c.Type {
			case export.TypeBigint, export.TypeUbigint:
				agg = "sum(%[1]s::HUGEINT)::VARCHAR || '/' || count(%[1]s)"
			case export.TypeDouble:
				agg = "round(sum(%[1]s::DOUBLE), 3)::VARCHAR || '/' || count(%[1]s)"
			case export.TypeBoolean:
				agg = "count_if(%[1]s)::VARCHAR || '/' || count(%[1]s)"
			case export.TypeVarchar:
				agg = "count(DISTINCT nullif(%[1]s::VARCHAR, ''))::VARCHAR || '/' || count(nullif(%[1]s::VARCHAR, ''))"
			default:
				agg = "min(%[1]s)::VARCHAR || '/' || count(%[1]s)"
			}
			out = append(out, fmt.Sprintf(agg, col))
			idx = append(idx, i)
		}
		return out, idx
	}
	all, idx := exprs(false)
	got := one(t, db, "SELECT "+strings.Join(all, ", ")+" FROM "+csvFrom, len(all))
	pq := one(t, db, "SELECT "+strings.Join(all, ", ")+" FROM "+pqFrom, len(all))
	out := map[string]string{}
	for k, i := range idx {
		out[cols[i].Name] = got[k]
		if pq[k] != got[k] {
			t.Errorf("column %s: CSV %s, Parquet %s", cols[i].Name, got[k], pq[k])
		}
	}
	if jsonFrom != "" {
		js, jidx := exprs(true)
		j := one(t, db, "SELECT "+strings.Join(js, ", ")+" FROM "+jsonFrom, len(js))
		for k, i := range jidx {
			if j[k] != out[cols[i].Name] {
				t.Errorf("column %s: CSV %s, JSON %s", cols[i].Name, out[cols[i].Name], j[k])
			}
		}
	}
	return out
}

// load makes a table of a file DuckDB reads.
func load(t *testing.T, db *sql.DB, table, from string) string {
	t.Helper()
	if _, err := db.Exec("CREATE TABLE " + table + " AS SELECT * FROM " + from); err != nil {
		t.Fatalf("%s: %v", from, err)
	}
	return table
}

// checkNames checks that DuckDB keeps every column of the CSV and the
// Parquet file as written, and the Parquet's types.
func checkNames(t *testing.T, db *sql.DB, cols []export.Column, csvFrom, pqFrom string) {
	t.Helper()
	want := make([]string, len(cols))
	for i, c := range cols {
		want[i] = c.Name
	}
	for _, from := range []string{csvFrom, pqFrom} {
		names, types := describe(t, db, from)
		if !slices.Equal(names, want) {
			t.Fatalf("%s: DuckDB's columns differ from the export's:\n got %q\nwant %q", from, names, want)
		}
		for i, c := range cols {
			ty := types[i]
			if from == pqFrom {
				want := c.Type
				if want == export.TypeTimestamp {
					want = "TIMESTAMP WITH TIME ZONE"
				}
				if ty != want {
					t.Errorf("parquet column %s: DuckDB type %s, export type %s", c.Name, ty, want)
				}
				continue
			}
			// CSV: DuckDB sniffs; a number must read as a number
			numeric := c.Type == export.TypeBigint || c.Type == export.TypeUbigint || c.Type == export.TypeDouble
			if numeric && ty == "VARCHAR" && allNull(t, db, from, c.Name) {
				continue // no value to sniff a type from
			}
			if numeric && (ty == "VARCHAR" || ty == "HUGEINT") {
				t.Errorf("csv column %s (%s): DuckDB reads %s", c.Name, c.Type, ty)
			}
		}
	}
}

func allNull(t *testing.T, db *sql.DB, from, col string) bool {
	return one(t, db, "SELECT count("+quote(col)+") FROM "+from, 1)[0] == "0"
}

func TestTasks(t *testing.T) {
	names, hs := fixtures(t)
	o := export.CSVOptions{Tasks: true}
	csvPath, jsonPath, pqPath := exports(t, names, hs, o)
	cols, err := export.Columns(hs, o)
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	csvFrom := fmt.Sprintf("read_csv('%s')", csvPath)
	pqFrom := fmt.Sprintf("read_parquet('%s')", pqPath)
	jsonFrom := fmt.Sprintf("read_json('%s', maximum_object_size = 1048576, sample_size = -1)", jsonPath)
	checkNames(t, db, cols, csvFrom, pqFrom)
	csvFrom, pqFrom, jsonFrom = load(t, db, "c", csvFrom), load(t, db, "p", pqFrom), load(t, db, "j", jsonFrom)
	got := sums(t, db, cols, csvFrom, pqFrom, jsonFrom, "")

	// the project's own reading, through atop.Task
	var n, pids, utime, rmem big.Int
	var exited int64
	m := atop.OpenFiles(names...)
	defer m.Close()
	for s, err := range m.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := s.Tasks()
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range tasks {
			n.Add(&n, big.NewInt(1))
			pids.Add(&pids, big.NewInt(int64(tk.PID())))
			utime.Add(&utime, big.NewInt(tk.UTime()))
			rmem.Add(&rmem, big.NewInt(tk.RMem()))
			if tk.State() == 'E' {
				exited++
			}
		}
	}
	for col, want := range map[string]string{
		"gen.pid":   pids.String() + "/" + n.String(),
		"cpu.utime": utime.String() + "/" + n.String(),
		"mem.rmem":  rmem.String() + "/" + n.String(),
	} {
		if got[col] != want {
			t.Errorf("%s: DuckDB %s, atop.Task %s", col, got[col], want)
		}
	}
	if c := one(t, db, "SELECT count(*) FROM "+pqFrom+" WHERE exit_code IS NOT NULL OR signal IS NOT NULL", 1)[0]; c != fmt.Sprint(exited) {
		t.Errorf("exited tasks: DuckDB %s, atop.Task %d", c, exited)
	}
	versions := map[string]bool{} // the s390x log shares 2.8 with the x86_64 one
	for _, h := range hs {
		versions[h.Version.String()] = true
	}
	if c := one(t, db, "SELECT count(DISTINCT version) || '/' || count(DISTINCT file) FROM "+pqFrom, 1)[0]; c != fmt.Sprintf("%d/%d", len(versions), len(names)) {
		t.Errorf("versions/files: %s", c)
	}
}

func TestSystemCPU(t *testing.T) {
	names, hs := fixtures(t)
	o := export.CSVOptions{System: "cpu"}
	csvPath, jsonPath, pqPath := exports(t, names, hs, o)
	cols, err := export.Columns(hs, o)
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	csvFrom := fmt.Sprintf("read_csv('%s')", csvPath)
	pqFrom := fmt.Sprintf("read_parquet('%s')", pqPath)
	jsonFrom := fmt.Sprintf("read_json('%s', maximum_object_size = 16777216, sample_size = -1)", jsonPath)
	checkNames(t, db, cols, csvFrom, pqFrom)
	csvFrom, pqFrom, jsonFrom = load(t, db, "c", csvFrom), load(t, db, "p", pqFrom), load(t, db, "j", jsonFrom)
	// the JSON of whole samples loads (no key twice ignoring case); its
	// columns are under "cpu"
	var jcols []export.Column
	for _, c := range cols {
		switch c.Name {
		case "time", "epoch", "host", "interval", "boot", "hertz", "pagesize", "version", "file":
			continue
		}
		jcols = append(jcols, c)
	}
	got := sums(t, db, cols, csvFrom, pqFrom, "", "")
	sums(t, db, jcols, csvFrom, pqFrom, jsonFrom, "cpu")

	var itime, Itime big.Int
	m := atop.OpenFiles(names...)
	defer m.Close()
	rows := 0
	for s, err := range m.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		sys, err := s.System()
		if err != nil {
			t.Fatal(err)
		}
		for path, sum := range map[string]*big.Int{"cpu.all.itime": &itime, "cpu.all.Itime": &Itime} {
			v, err := sys.Lookup(path)
			if err != nil {
				t.Fatal(err)
			}
			sum.Add(sum, big.NewInt(v.Int()))
		}
		rows++
	}
	if w := fmt.Sprintf("%s/%d", itime.String(), rows); got["all.itime"] != w {
		t.Errorf("all.itime (idle): DuckDB %s, atop %s", got["all.itime"], w)
	}
	if w := fmt.Sprintf("%s/%d", Itime.String(), rows); got["all.Itime_uc"] != w {
		t.Errorf("all.Itime_uc (irq): DuckDB %s, atop %s", got["all.Itime_uc"], w)
	}
}

// TestDataset: a Hive-partitioned dataset, written twice (a second day's
// run adds files and rewrites none), read by DuckDB with its partitions.
func TestDataset(t *testing.T) {
	names, hs := fixtures(t)
	dir := t.TempDir()
	o := export.ParquetOptions{CSVOptions: export.CSVOptions{Tasks: true, Headers: hs}}
	first, err := export.WriteDataset(dir, atop.OpenFiles(names...), o)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, f := range first {
		before[f], _ = os.ReadFile(f)
	}
	second, err := export.WriteDataset(dir, atop.OpenFiles(names...), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range second {
		if _, ok := before[f]; ok {
			t.Fatalf("%s written twice", f)
		}
	}
	for f, b := range before {
		now, _ := os.ReadFile(f)
		if !bytes.Equal(now, b) {
			t.Fatalf("%s rewritten", f)
		}
	}
	db := openDB(t)
	from := fmt.Sprintf("read_parquet('%s/**/*.parquet', hive_partitioning = true)", dir)
	got := one(t, db, "SELECT count(*), count(DISTINCT host), min(date)::VARCHAR, count(DISTINCT filename) FROM "+from, 4)
	var b bytes.Buffer
	if err := export.WriteCSV(&b, atop.OpenFiles(names...), o.CSVOptions); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{fmt.Sprint(2 * (len(recs) - 1)), "1", "2026-11-25", fmt.Sprint(len(first) + len(second))}
	if !slices.Equal(got, want) {
		t.Errorf("dataset: got %v, want %v", got, want)
	}
}
