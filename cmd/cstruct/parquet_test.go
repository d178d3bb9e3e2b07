package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

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

	_, stderr, code = runCLI(t, "", "atop", "parquet", "--tasks", "-o", out, "-")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "not stdin")
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
