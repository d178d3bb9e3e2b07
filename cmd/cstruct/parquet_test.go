package main

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAtopParquet: a directory of logs of eleven versions into one file,
// then twice into a dataset (the second run adds files).
func TestAtopParquet(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "tasks.parquet")
	_, stderr, code := runCLI(t, "", "atop", "parquet", "--tasks", "-o", out, atopFixtures)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	require.True(t, len(b) > 8 && string(b[:4]) == "PAR1" && string(b[len(b)-4:]) == "PAR1", "a Parquet file")

	ds := filepath.Join(dir, "ds")
	for range 2 {
		_, stderr, code = runCLI(t, "", "atop", "parquet", "--system", "cpu", "--partition", "-o", ds, atopFixture("2.3.0"), atopFixture("2.13.0"))
		require.Equal(t, 0, code, stderr)
	}
	parts, err := filepath.Glob(filepath.Join(ds, "host=vm", "date=2026-11-25", "part-*.parquet"))
	require.NoError(t, err)
	assert.Len(t, parts, 2)

}

// TestAtopParquetStdin: a log on stdin (plain or gzipped) gives the
// Parquet rows of the same file named, but for the file column ("-"):
// the schema's header is read from stdin and those bytes are read again.
func TestAtopParquetStdin(t *testing.T) {
	dir := t.TempDir()
	log := atopFixture("2.13.0")
	raw, err := os.ReadFile(log)
	require.NoError(t, err)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	require.NoError(t, zw.Close())

	want := parquetRows(t, dir, "", "--tasks", log)
	require.Greater(t, len(want), 10)
	for _, in := range []string{string(raw), gz.String()} {
		got := parquetRows(t, dir, in, "--tasks", "-")
		require.Len(t, got, len(want))
		for i := range want {
			assert.Equal(t, "-", got[i]["file"])
			assert.Equal(t, log, want[i]["file"])
			delete(got[i], "file")
			delete(want[i], "file")
			require.Equal(t, want[i], got[i], "row %d", i)
		}
		want = parquetRows(t, dir, "", "--tasks", log)
	}
}

// TestAtopParquetNoLog: with no readable log, parquet and columns say
// why, for the first file.
func TestAtopParquetNoLog(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.parquet")
	missing := filepath.Join(t.TempDir(), "missing")
	for _, args := range [][]string{{"parquet", "--tasks", "-o", out}, {"columns", "--tasks"}} {
		_, stderr, code := runCLI(t, "", append(append([]string{"atop"}, args...), missing)...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "no readable atop log among the input files ("+missing+": open "+missing+": no such file or directory)")
		_, stderr, code = runCLI(t, "garbage", append(append([]string{"atop"}, args...), "-")...)
		assert.Equal(t, 1, code)
		assert.Contains(t, stderr, "no readable atop log among the input files (stdin: atop: ")
	}
}

// parquetRows runs "cstruct atop parquet ARGS" with stdin and reads the
// rows of the file it writes, by column name.
func parquetRows(t *testing.T, dir, stdin string, args ...string) []map[string]string {
	t.Helper()
	out := filepath.Join(dir, "out.parquet")
	_, stderr, code := runCLI(t, stdin, append([]string{"atop", "parquet", "-o", out}, args...)...)
	require.Equal(t, 0, code, stderr)
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	names := []string{}
	for _, fld := range f.Schema().Fields() {
		names = append(names, fld.Name())
	}
	var rows []map[string]string
	r := parquet.NewReader(f)
	buf := make([]parquet.Row, 64)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			m := map[string]string{}
			for _, v := range row {
				m[names[v.Column()]] = v.String()
			}
			rows = append(rows, m)
		}
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	return rows
}

// TestAtopCSVDirectory: a directory of logs of every version is one CSV
// with the union of their columns, every row as long as the header, exit 0.
func TestAtopCSVDirectory(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "csv", "--tasks", atopFixtures)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	files := map[string]bool{}
	for _, r := range recs[1:] {
		files[r[8]] = true
	}
	logs, err := filepath.Glob(filepath.Join(atopFixtures, "*.raw"))
	require.NoError(t, err)
	assert.Len(t, files, len(logs), "every fixture, each row naming its file")
}

func TestAtopColumns(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "columns", "--system", "cpu", "--renamed", atopFixtures)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, "all.Itime_uc\tBIGINT\tcpu.all.Itime\nall.Stime_uc\tBIGINT\tcpu.all.Stime\n", out)
}

func TestManners(t *testing.T) {
	out, _, code := runCLI(t, "", "--version")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(out, "cstruct "), out)

	out, _, code = runCLI(t, "", "completion", "bash")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "complete -o default -C")

	for _, verb := range [][]string{{"dump"}, {"layout"}, {"atop", "csv"}, {"atop", "parquet"}, {"atop", "timeline"}, {"atop", "info"}} {
		out, _, code = runCLI(t, "", append(verb, "--help")...)
		assert.Equal(t, 0, code)
		i := strings.LastIndex(out, "Examples:")
		require.Positive(t, i, "%v --help has examples", verb)
		assert.GreaterOrEqual(t, strings.Count(out[i:], "\n  cstruct "), 2, "%v", verb)
	}
}
