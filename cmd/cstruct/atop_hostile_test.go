package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cstructgo/cstruct/internal/atoptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var atopVersions = []string{"2.3.0", "2.4.0", "2.5.0", "2.6.0", "2.7.1", "2.8.1", "2.9.0", "2.10.0", "2.11.1", "2.12.1", "2.13.0"}

// damaged writes the fixture of version with one part of sample victim
// corrupt, and returns its name and where that part starts.
func damaged(t *testing.T, version string, victim, part int) (string, int64) {
	t.Helper()
	good, err := os.ReadFile(atopFixture(version))
	require.NoError(t, err)
	l, err := atoptest.Read(good)
	require.NoError(t, err)
	b, err := l.Flip(victim, part)
	require.NoError(t, err)
	name := filepath.Join(t.TempDir(), "atop_"+version)
	require.NoError(t, os.WriteFile(name, b, 0o644))
	return name, l.Samples[victim].Parts[part].Off
}

// withoutSample drops the lines of sample i (each sample ends with SEP).
func withoutSample(out string, i int) string {
	blocks := strings.SplitAfter(out, "SEP\n")
	return strings.Join(append(blocks[:i:i], blocks[i+1:]...), "")
}

// TestAtopParseableDamaged: a sample with a corrupt sstat or tstat prints
// nothing, with a warning naming the file, the sample, the offset and the
// part; every other sample prints as from the good file, and the exit
// status is 0, in every version. Labels that need no damaged part print
// the sample as it is.
func TestAtopParseableDamaged(t *testing.T) {
	inUTC(t)
	versions := atopVersions
	if testing.Short() {
		versions = []string{"2.3.0", "2.13.0"}
	}
	const victim = 2
	for _, version := range versions {
		for _, c := range []struct {
			part           int
			name           string
			hit, untouched []string
		}{
			{atoptest.SStat, "sstat", []string{"CPU", "ALL"}, []string{"PRG"}},
			{atoptest.TStat, "tstat", []string{"PRG", "ALL"}, []string{"CPU"}},
		} {
			file, off := damaged(t, version, victim, c.part)
			warning := regexp.MustCompile(fmt.Sprintf(`^cstruct: warning: atop: %s: sample %d: %s at offset %#x: [^\n]+\n$`,
				regexp.QuoteMeta(file), victim, c.name, off))
			for _, labels := range append(c.hit, c.untouched...) {
				good, stderr, code := runCLI(t, "", "atop", "parseable", "-P", labels, atopFixture(version))
				require.Equal(t, 0, code, stderr)
				want := good
				hit := labels != c.untouched[0]
				if hit {
					want = withoutSample(good, victim)
				}
				for _, workers := range []string{"1", "0"} {
					what := fmt.Sprintf("%s %s -P %s --workers %s", version, c.name, labels, workers)
					out, stderr, code := runCLI(t, "", "atop", "parseable", "-P", labels, "--workers", workers, file)
					assert.Equal(t, 0, code, what)
					assert.Equal(t, want, out, what)
					if hit {
						assert.Regexp(t, warning, stderr, what)
					} else {
						assert.Empty(t, stderr, what)
					}
				}
			}
		}
	}
}

// TestAtopDamagedWarnings: the warnings of a damaged sample name its
// file, in every verb.
func TestAtopDamagedWarnings(t *testing.T) {
	file, off := damaged(t, "2.13.0", 3, atoptest.TStat)
	want := fmt.Sprintf("cstruct: warning: atop: %s: sample 3: tstat at offset %#x: ", file, off)
	for _, args := range [][]string{
		{"json", "--tasks"}, {"csv", "--tasks"}, {"timeline"}, {"-P", "PRG", "-r"},
	} {
		args = append(append([]string{"atop"}, args...), file)
		out, stderr, code := runCLI(t, "", args...)
		assert.Equal(t, 0, code, args)
		assert.NotEmpty(t, out, args)
		assert.True(t, strings.HasPrefix(stderr, want), "%v: %s", args, stderr)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "%v: %s", args, stderr)
	}
	out, stderr, code := runCLI(t, "", "atop", "info", file)
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	assert.Contains(t, out, fmt.Sprintf("sample 3: tstat at offset %#x: ", off))
}

// TestAtopInfoHostileHost: a host name with escape sequences and invalid
// UTF-8 is printed quoted, as cstruct dump prints text, never raw.
func TestAtopInfoHostileHost(t *testing.T) {
	good, err := os.ReadFile(atopFixture("2.13.0"))
	require.NoError(t, err)
	l, err := atoptest.Read(good)
	require.NoError(t, err)
	b, err := l.SetHeaderText("utsname.nodename", "vm\x1b]0;owned\a\x1b[2J\r\xff")
	require.NoError(t, err)
	name := filepath.Join(t.TempDir(), "atop_20261125")
	require.NoError(t, os.WriteFile(name, b, 0o644))
	out, stderr, code := runCLI(t, "", "atop", "info", name)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "\nhost       \"vm\\x1b]0;owned\\a\\x1b[2J\\r\\xff\"\n")
	for _, c := range out {
		assert.True(t, c == '\n' || c >= ' ' && c < 0x7f, "%q in the output", c)
	}
	out, _, code = runCLI(t, "", "atop", "info", atopFixture("2.13.0"))
	require.Equal(t, 0, code)
	assert.Contains(t, out, "\nhost       vm\n", "a plain name is printed as it is")
}

// TestAtopLengthPastEnd: a record whose pcomplen points past the end of
// the file, while its stream ends inside it, is corruption: without
// --resync the verbs stop there and fail; with it they read on.
func TestAtopLengthPastEnd(t *testing.T) {
	good, err := os.ReadFile(atopFixture("2.13.0"))
	require.NoError(t, err)
	l, err := atoptest.Read(good)
	require.NoError(t, err)
	b := l.Clone()
	p := l.Samples[2].Parts[atoptest.TStat]
	require.NoError(t, l.SetField(b, 2, "pcomplen", uint64(int64(len(b))-p.Off+100)))
	name := filepath.Join(t.TempDir(), "atop_20261125")
	require.NoError(t, os.WriteFile(name, b, 0o644))

	for _, verb := range [][]string{{"json"}, {"csv", "--tasks"}, {"timeline"}, {"parseable", "-P", "CPU"}} {
		args := append(append([]string{"atop"}, verb...), name)
		_, stderr, code := runCLI(t, "", args...)
		assert.Equal(t, 1, code, args)
		assert.Contains(t, stderr, "sample 2 at offset", args)
		assert.Contains(t, stderr, "pcomplen", args)
		assert.NotContains(t, stderr, "truncated", args)
		assert.Contains(t, stderr, "(--resync reads the samples after it)\n", args)

		args = append(append([]string{"atop"}, verb...), "--resync", name)
		out, stderr, code := runCLI(t, "", args...)
		assert.Equal(t, 0, code, args)
		assert.Contains(t, stderr, "cstruct: warning: atop: "+name+": skipped ", args)
		if verb[0] == "json" {
			assert.Equal(t, 5, strings.Count(out, "\n"), "%v: the samples after the bad record are read", args)
		}
	}
	out, _, code := runCLI(t, "", "atop", "info", name)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "torn       no\n")
	assert.Contains(t, out, "samples    2\n")
}
