package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAtopWorkers: --workers changes nothing in what the verbs print, on
// stdout, stderr or the exit status, for logs of three versions in a row,
// one of them torn (and csv --tasks fails for the 2.11 and 2.12 logs: their
// gpu columns are not in the 2.13 header).
func TestAtopWorkers(t *testing.T) {
	inUTC(t)
	raw, err := os.ReadFile(atopFixture("2.11.1"))
	require.NoError(t, err)
	torn := filepath.Join(t.TempDir(), "atop_20261125")
	require.NoError(t, os.WriteFile(torn, raw[:len(raw)-300], 0o644))
	files := []string{atopFixture("2.13.0"), torn, atopFixture("2.12.1")}
	for _, verb := range [][]string{
		{"atop", "parseable", "-P", "ALL"},
		{"atop", "json", "--tasks", "--system", "--cgroups"},
		{"atop", "csv", "--tasks"},
		{"atop", "csv", "--system", "dsk"},
	} {
		args := func(n string) []string {
			return append(append(append([]string{}, verb...), "--workers", n), files...)
		}
		out1, err1, code1 := runCLI(t, "", args("1")...)
		assert.Contains(t, err1, "incomplete", verb)
		assert.NotEmpty(t, out1, verb)
		for _, n := range []string{"2", "5"} {
			out, errOut, code := runCLI(t, "", args(n)...)
			assert.Equal(t, code1, code, verb)
			assert.Equal(t, err1, errOut, "%v --workers %s", verb, n)
			assert.True(t, out == out1, "%v --workers %s: output differs", verb, n)
		}
	}
}
