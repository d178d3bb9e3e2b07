package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAtopAtopJSON: both spellings print atop's -J oracle of every fixture
// that has one, byte for byte; -J for a 2.3 log is valid JSON.
func TestAtopAtopJSON(t *testing.T) {
	logs, err := filepath.Glob(filepath.Join(atopFixtures, "*.raw"))
	require.NoError(t, err)
	tested := 0
	for _, log := range logs {
		want, err := os.ReadFile(log + ".J.txt")
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		tested++
		for _, args := range [][]string{
			{"atop", "atopjson", "-J", "ALL", log},
			{"atop", "-JALL", "-r", log},
			{"atop", "-J", "ALL", "-r", log},
		} {
			out, stderr, code := runCLI(t, "", args...)
			require.Equal(t, 0, code, stderr)
			require.True(t, out == string(want), "%s: output differs from atop's", strings.Join(args, " "))
		}
	}
	assert.GreaterOrEqual(t, tested, 7)

	out, stderr, code := runCLI(t, "", "atop", "-J", "CPU,PRG", "-r", atopFixture("2.3.0"))
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 6)
	for _, l := range lines {
		var v struct {
			Host string
			CPU  map[string]any
			PRG  []map[string]any
		}
		require.NoError(t, json.Unmarshal([]byte(l), &v))
		assert.Equal(t, "vm", v.Host)
		assert.NotEmpty(t, v.CPU)
		assert.NotEmpty(t, v.PRG)
	}

	_, stderr, code = runCLI(t, "", "atop", "-J", "LLC", "-r", atopFixture("2.3.0"))
	assert.Equal(t, 1, code)
	assert.Equal(t, "cstruct: json labels not supported: LLC\n", stderr)
	_, stderr, code = runCLI(t, "", "atop", "-J", "-x", "-r", atopFixture("2.13.0"))
	assert.Equal(t, 1, code)
	assert.Equal(t, "cstruct: json labels should be followed by label list\n", stderr)
}

func TestRewriteAtopJSONArgs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"atop -J CPU -r f", "atop atopjson --labels=CPU -- f"},
		{"atop -JCPU,PRG -rf", "atop atopjson --labels=CPU,PRG -- f"},
		{"atop -r f -J CPU -J PRG -b 1000 -e 20261125T12:00Z", "atop atopjson --labels=CPU --labels=PRG --begin=1000 --end=20261125T12:00Z -- f"},
		{"atop -J ALL -r - --defs d", "atop atopjson --labels=ALL --defs=d -- -"},
		{"atop -J CPU f", ""},           // no -r
		{"atop -P CPU -r f", ""},        // -P
		{"atop -P CPU -J CPU -r f", ""}, // both
		{"atop -J CPU -r f 10 5", ""},   // interval and count
		{"atop atopjson -J CPU f", ""},  // the verb
		{"atop", ""},
	} {
		got := strings.Join(rewriteAtopJSONArgs(strings.Fields(c.in)), " ")
		assert.Equal(t, c.want, got, c.in)
	}
}

// TestAtopJSONNewVersion: a log of a version the binary does not know,
// read with --defs holding that version's headers and only a json.txt:
// -J needs no parseable.txt (and -P says which file it lacks).
func TestAtopJSONNewVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "defs")
	_, stderr, code := runCLI(t, "", "atop", "defs", "--export", dir)
	require.Equal(t, 0, code, stderr)
	require.NoError(t, os.Rename(filepath.Join(dir, "2.13"), filepath.Join(dir, "2.99")))
	js, err := os.ReadFile(filepath.Join(dir, "2.99", "json.txt"))
	require.NoError(t, err)
	require.Equal(t, 1, bytes.Count(js, []byte("\natop 2.13\n")))
	js = bytes.Replace(js, []byte("\natop 2.13\n"), []byte("\natop 2.99\n"), 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "2.99", "json.txt"), js, 0o644))
	require.NoError(t, os.Remove(filepath.Join(dir, "2.99", "parseable.txt")))

	raw, err := os.ReadFile(atopFixture("2.13.0"))
	require.NoError(t, err)
	require.Equal(t, []byte{0x0d, 0x82}, raw[4:6], "aversion of 2.13, little-endian")
	raw[4] = 99
	log := filepath.Join(t.TempDir(), "atop_2.99")
	require.NoError(t, os.WriteFile(log, raw, 0o644))

	want, stderr, code := runCLI(t, "", "atop", "-J", "CPU", "-r", atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	got, stderr, code := runCLI(t, "", "atop", "-J", "CPU", "-r", log, "--defs", dir)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, want, got)

	_, stderr, code = runCLI(t, "", "atop", "-P", "CPU", "-r", log, "--defs", dir)
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, "no -P description for atop 2.99: no "+filepath.Join(dir, "2.99", "parseable.txt")+", and none built in")
}
