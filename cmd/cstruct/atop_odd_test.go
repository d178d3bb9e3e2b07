package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oddLog was written by an atop 2.12.1 built with MAXINTF 512 and MAXLVM
// 1024 (testdata/atop/odd/README.md); its oracle is that binary's -PALL.
var oddLog = filepath.Join("..", "..", "testdata", "atop", "odd", "atop-2.12.1-maxintf512-maxlvm1024.raw")

const oddNote = "atop: 2.12 log from a build with MAXINTF=512 MAXLVM=1024 (inferred from the recorded sizes)\n"

// TestAtopOddBuild: the log of an odd build reads without flags, byte for
// byte as that build's atop prints it, with one line on stderr naming the
// inferred limits.
func TestAtopOddBuild(t *testing.T) {
	inUTC(t)
	want, err := os.ReadFile(oddLog + ".P.txt")
	require.NoError(t, err)
	for _, args := range [][]string{
		{"atop", "parseable", "-P", "ALL", oddLog},
		{"atop", "-P", "ALL", "-r", oddLog},
		{"atop", "parseable", "-P", "ALL", oddLog, oddLog}, // one note for both
	} {
		out, stderr, code := runCLI(t, "", args...)
		require.Equal(t, 0, code, stderr)
		assert.Equal(t, oddNote, stderr)
		if len(args) == 5 {
			require.True(t, out == string(want), "%s: output differs from atop's", strings.Join(args, " "))
		} else {
			require.Equal(t, 2*len(want), len(out))
		}
	}

	// the limits given: no inference, the same output
	out, stderr, code := runCLI(t, "", "atop", "-P", "ALL", "-D", "MAXINTF=512", "-D", "MAXLVM=1024", "-r", oddLog)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	require.True(t, out == string(want), "with -D: output differs from atop's")
}

func TestAtopOddBuildInfo(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "info", oddLog)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, oddNote, stderr)
	assert.Contains(t, out, "version    2.12 (aversion 0x820c; definitions embedded atop/2.12/atop.h with MAXINTF=512 MAXLVM=1024, inferred from the recorded sizes)\n")
	assert.Contains(t, out, "samples    8\n")

	out, _, code = runCLI(t, "", "atop", "info", "--json", oddLog)
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"defs":"embedded atop/2.12/atop.h with MAXINTF=512 MAXLVM=1024, inferred from the recorded sizes"`)
}

// TestAtopStrict: --strict refuses the odd log, naming the limits that
// size the struct whose size differs.
func TestAtopStrict(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "parseable", "--strict", "-P", "CPU", oddLog)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "raw log 2.12 does not match the definitions embedded atop/2.12/atop.h: sstatlen is 1037392 in the file, 1064016 in the definitions")
	assert.Contains(t, stderr, "(sstat is sized by MAXCPU, MAXDSK, MAXLVM, MAXMDD, MAXINTF,")
	assert.NotContains(t, stderr, "inferred")
}

// TestRewriteAtopDefine: in atop's spelling, -D takes its value as the
// next argument, as the verbs do.
func TestRewriteAtopDefine(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"atop -P ALL -D CMDLEN=511 -r f", "atop parseable --labels=ALL --define=CMDLEN=511 -- f"},
		{"atop -P ALL -DCMDLEN=511 -r f", "atop parseable --labels=ALL -DCMDLEN=511 -- f"},
		{"atop -P ALL --define CMDLEN=511 --strict -r f", "atop parseable --labels=ALL --define=CMDLEN=511 --strict -- f"},
		{"atop -P ALL -r f -D", "atop -P ALL -r f -D"},
	} {
		assert.Equal(t, c.want, strings.Join(rewriteAtopArgs(strings.Fields(c.in)), " "), c.in)
	}
	// a wrong limit for a default build: the size error, not "unknown flag -P"
	_, stderr, code := runCLI(t, "", "atop", "-P", "ALL", "-D", "CMDLEN=511", "-r", atopFixture("2.13.0"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "tstatlen is 992 in the file, 1248 in the definitions")
	assert.Contains(t, stderr, "(tstat is sized by CMDLEN, PNAMLEN, UTSLEN)") // -D CMDLEN is defined first
}
