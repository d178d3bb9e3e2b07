package main

import (
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
