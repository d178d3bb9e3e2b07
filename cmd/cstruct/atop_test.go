package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const atopFixtures = "../../testdata/atop/fixtures"

func atopFixture(version string) string {
	return filepath.Join(atopFixtures, "atop-"+version+"-small.raw")
}

// inUTC runs the test with time.Local set to UTC, the zone of the
// fixtures' -P oracles.
func inUTC(t *testing.T) {
	saved := time.Local
	time.Local = time.UTC
	t.Cleanup(func() { time.Local = saved })
}

func TestAtopInfo(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "info", atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	for _, want := range []string{
		"version    2.13 (aversion 0x820d; definitions embedded atop/2.13/atop.h)",
		"host       vm",
		"kernel     Linux 6.18.44-fc-v782 x86_64 (#1 SMP PREEMPT_DYNAMIC @0)",
		"hertz      100",
		"pagesize   4096",
		"samples    6",
		"first      2026-11-25T21:13:08Z",
		"last       2026-11-25T21:13:13Z",
		"restarts   1",
		"flags      BOOT|ACCTACTIVE|IOSTAT|CGROUPV2",
		"torn       no",
		"corrupt    0",
	} {
		assert.Contains(t, out, want+"\n")
	}

	out, stderr, code = runCLI(t, "", "atop", "info", "--json", atopFixture("2.3.0"), atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	var in struct {
		Version string
		Samples int
		Torn    any
	}
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &in))
	assert.Equal(t, "2.3", in.Version)
	assert.Equal(t, 6, in.Samples)
	assert.Nil(t, in.Torn)
}

func TestAtopJSON(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "json", atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 6)
	assert.True(t, strings.HasPrefix(lines[0], `{"time":"2026-11-25T21:13:08Z","epoch":1795641188,"kind":"sample","host":"vm","interval":1877,"boot":true,"hertz":100,"pagesize":4096,"version":"2.13","file":"`+atopFixture("2.13.0")+`","flags":"BOOT|ACCTACTIVE|IOSTAT|CGROUPV2"`), lines[0])

	out, stderr, code = runCLI(t, "", "atop", "json", "--tasks", "--system", "--cgroups", atopFixture("2.8.1"))
	require.Equal(t, 0, code, stderr)
	kinds := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m))
		kinds[m["kind"].(string)]++
	}
	assert.Equal(t, 6, kinds["sample"])
	assert.Positive(t, kinds["task"])
	assert.Zero(t, kinds["cgroup"], "no cgroup chain before 2.11")
}

func TestAtopJSONStdinAndWindow(t *testing.T) {
	raw, err := os.ReadFile(atopFixture("2.13.0"))
	require.NoError(t, err)
	out, stderr, code := runCLI(t, string(raw), "atop", "json", "-b", "2026-11-25T21:13:10Z", "--end", "2026-11-25T21:13:11Z", "-")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	assert.Contains(t, lines[0], `"time":"2026-11-25T21:13:10Z"`)

	inUTC(t)
	out, stderr, code = runCLI(t, string(raw), "atop", "json", "-b", "2113", "-e", "211311", "-")
	require.Equal(t, 0, code, stderr)
	assert.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 4)

	_, stderr, code = runCLI(t, "", "atop", "json", "-b", "tomorrow", atopFixture("2.13.0"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "--begin: bad time")
}

func TestAtopCSV(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "csv", "--tasks", atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"time", "epoch", "host", "interval", "boot", "hertz", "pagesize", "version", "file", "gen.tgid", "gen.pid"}, recs[0][:11])
	assert.Equal(t, []string{"cgroup", "exit_code", "signal", "core_dumped"}, recs[0][len(recs[0])-4:])
	assert.Equal(t, atopFixture("2.13.0"), recs[1][8])

	out, stderr, code = runCLI(t, "", "atop", "csv", "--system", "percpu", atopFixture("2.3.0"))
	require.Equal(t, 0, code, stderr)
	recs, err = csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"time", "epoch", "host", "interval", "boot", "hertz", "pagesize", "version", "file", "index", "cpunr", "stime"}, recs[0][:12])
	assert.Len(t, recs, 1+12)

	_, stderr, code = runCLI(t, "", "atop", "csv", atopFixture("2.13.0"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "--tasks")

	_, stderr, code = runCLI(t, "", "atop", "csv", "--system", "bogus", atopFixture("2.13.0"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "no group bogus")
}

func TestAtopTimeline(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "timeline", atopFixture("2.13.0"), atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Len(t, lines, 78, "the same file twice: no duplicates")
	assert.True(t, strings.HasPrefix(lines[0], `{"datetime":"2026-11-25T21:13:08Z","timestamp":1795641188000000,"timestamp_desc":"Process Start","message":"Process Start: bash (pid 1, ppid 0, uid 0): bash -c`), lines[0])

	out, stderr, code = runCLI(t, "", "atop", "timeline", "--format", "csv", atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Len(t, recs, 79)
	assert.Equal(t, []string{"datetime", "timestamp", "timestamp_desc", "message"}, recs[0][:4])
}

func TestAtopParseable(t *testing.T) {
	inUTC(t)
	// every fixture: adding a log and its oracle adds a case
	logs, err := filepath.Glob(filepath.Join(atopFixtures, "*.raw"))
	require.NoError(t, err)
	require.NotEmpty(t, logs)
	for _, log := range logs {
		want, err := os.ReadFile(log + ".P.txt")
		require.NoError(t, err)
		for _, args := range [][]string{
			{"atop", "parseable", "-P", "ALL", log},
			{"atop", "-PALL", "-r", log},
			{"atop", "-P", "ALL", "-r", log},
		} {
			out, stderr, code := runCLI(t, "", args...)
			require.Equal(t, 0, code, stderr)
			require.True(t, out == string(want), "%s: output differs from atop's", strings.Join(args, " "))
		}
	}

	out, stderr, code := runCLI(t, "", "atop", "-P", "CPU", "-r", atopFixture("2.13.0"), "-b", "2026-11-25T21:13:12Z")
	require.Equal(t, 0, code, stderr)
	oracle, err := os.ReadFile(atopFixture("2.13.0") + ".P.txt")
	require.NoError(t, err)
	want := ""
	for _, line := range strings.SplitAfter(string(oracle), "\n") {
		if strings.HasPrefix(line, "CPU vm 1795641192 ") || strings.HasPrefix(line, "CPU vm 1795641193 ") {
			want += line + "SEP\n"
		}
	}
	assert.Equal(t, want, out)

	_, stderr, code = runCLI(t, "", "atop", "-P", "PSI", "-r", atopFixture("2.3.0"))
	assert.Equal(t, 1, code)
	assert.Equal(t, "cstruct: label PSI not found\n", stderr)

	_, stderr, code = runCLI(t, "", "atop", "-P", "PRG", "-Z", "-r", atopFixture("2.3.0"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "-Z")
}

func TestRewriteAtopArgs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"atop -P CPU -r f", "atop parseable --labels=CPU -- f"},
		{"atop -PCPU,PRG -rf", "atop parseable --labels=CPU,PRG -- f"},
		{"atop -r f -P CPU -P PRG -Z -b 1000 -e 20261125T12:00Z", "atop parseable --labels=CPU --labels=PRG -Z --begin=1000 --end=20261125T12:00Z -- f"},
		{"atop -P CPU -r - --defs d", "atop parseable --labels=CPU --defs=d -- -"},
		{"atop -P -x -r f", "atop parseable --labels=-x -- f"},
		{"atop -P CPU -b1000 -e1100 -r f", "atop parseable --labels=CPU --begin=1000 --end=1100 -- f"},
		{"atop info f", "atop info f"},
		{"atop -P CPU f", "atop -P CPU f"},                 // no -r
		{"atop -r f", "atop -r f"},                         // no -P
		{"atop -P CPU -r f 10 5", "atop -P CPU -r f 10 5"}, // interval and count: not for us
		{"atop -P CPU -r", "atop -P CPU -r"},
		{"dump -P x -r y", "dump -P x -r y"},
		{"atop", "atop"},
	} {
		got := strings.Join(rewriteAtopArgs(strings.Fields(c.in)), " ")
		assert.Equal(t, c.want, got, c.in)
	}
	_, stderr, code := runCLI(t, "", "atop", "-P", "-x", "-r", atopFixture("2.13.0"))
	assert.Equal(t, 1, code)
	assert.Equal(t, "cstruct: flag -P should be followed by label list\n", stderr)
}

// pipeWriter fails with EPIPE once n bytes are written, as stdout does
// when the reader of the pipe (head) has exited.
type pipeWriter struct {
	n, writes, after int
	buf              bytes.Buffer
}

func (w *pipeWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.n == 0 {
		w.after++
		return 0, syscall.EPIPE
	}
	k := min(len(p), w.n)
	w.buf.Write(p[:k])
	w.n -= k
	if k < len(p) {
		return k, syscall.EPIPE
	}
	return k, nil
}

func TestAtopClosedPipe(t *testing.T) {
	for _, args := range [][]string{
		{"atop", "json", "--tasks", "--system", atopFixture("2.13.0"), atopFixture("2.13.0")},
		{"atop", "csv", "--tasks", atopFixture("2.13.0"), atopFixture("2.13.0")},
		{"atop", "timeline", atopFixture("2.13.0")},
		{"atop", "-PALL", "-r", atopFixture("2.13.0")},
	} {
		w := &pipeWriter{n: 1000}
		var stderr bytes.Buffer
		code := run(args, strings.NewReader(""), w, &stderr)
		assert.Equal(t, 0, code, "%v: %s", args, stderr.String())
		assert.Empty(t, stderr.String(), args)
		assert.Equal(t, 1000, w.buf.Len())
		assert.LessOrEqual(t, w.after, 1, "%v: writes after EPIPE", args)
	}
}

func TestAtopTornFile(t *testing.T) {
	raw, err := os.ReadFile(atopFixture("2.13.0"))
	require.NoError(t, err)
	torn := filepath.Join(t.TempDir(), "atop_20261125")
	require.NoError(t, os.WriteFile(torn, raw[:len(raw)-300], 0o644))

	for _, args := range [][]string{
		{"atop", "json", torn},
		{"atop", "csv", "--system", "cpu", torn},
		{"atop", "timeline", torn},
		{"atop", "-P", "CPU", "-r", torn},
	} {
		out, stderr, code := runCLI(t, "", args...)
		assert.Equal(t, 0, code, "%v: %s", args, stderr)
		assert.NotEmpty(t, out, args)
		assert.NotContains(t, out, "incomplete", args)
		assert.Regexp(t, `^cstruct: warning: atop: .*atop_20261125: sample 5: sample data at offset 0x[0-9a-f]+ is incomplete: \d+ of \d+ bytes \(300 missing; truncated file\?\)\n$`, stderr, args)
	}
	out, stderr, code := runCLI(t, "", "atop", "info", torn)
	assert.Equal(t, 0, code, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, out, "samples    5\n")
	assert.Regexp(t, `torn       yes: sample 5 \(sample data\) at offset 0x[0-9a-f]+: \d+ bytes present, 300 missing\n`, out)
}

func TestAtopUnreadable(t *testing.T) {
	dir := t.TempDir()
	notLog := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notLog, []byte("hello, this is not an atop log\n"), 0o644))
	missing := filepath.Join(dir, "missing")

	for _, verb := range [][]string{{"info"}, {"json"}, {"csv", "--tasks"}, {"timeline"}, {"parseable", "-P", "CPU"}} {
		for _, file := range []string{missing, notLog} {
			args := append(append([]string{"atop"}, verb...), file)
			out, stderr, code := runCLI(t, "", args...)
			assert.Equal(t, 1, code, args)
			assert.Empty(t, out, args)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "%v: one line on stderr: %s", args, stderr)
			assert.True(t, strings.HasPrefix(stderr, "cstruct: atop: "+file+": "), "%v: %s", args, stderr)
		}
	}

	// The readable files of a list are read all the same.
	out, stderr, code := runCLI(t, "", "atop", "json", missing, atopFixture("2.13.0"))
	assert.Equal(t, 1, code)
	assert.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 6)
	assert.Contains(t, stderr, "no such file")
}

func TestAtopDefs(t *testing.T) {
	out, stderr, code := runCLI(t, "", "atop", "defs")
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^2\.5 +0x8205 +716656 +840 +- +yes +embedded +same as 2\.4$`, out)
	assert.Regexp(t, `(?m)^2\.9 +0x8209 +1021960 +968 +- +yes +embedded +same sizes as 2\.8, other fields$`, out)
	assert.Regexp(t, `(?m)^2\.13 +0x820d +1408336 +992 +432 +yes +embedded +own$`, out)

	dir := filepath.Join(t.TempDir(), "defs")
	out, stderr, code = runCLI(t, "", "atop", "defs", "--export", dir)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "wrote ")
	_, err := os.Stat(filepath.Join(dir, "2.13", "atop.h"))
	require.NoError(t, err)

	_, stderr, code = runCLI(t, "", "atop", "defs", "--export", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "exists (use --force to overwrite)")
	_, stderr, code = runCLI(t, "", "atop", "defs", "--export", dir, "--force")
	assert.Equal(t, 0, code, stderr)

	// --defs reads the exported (here: edited) definitions.
	h := filepath.Join(dir, "2.13", "photoproc.h")
	src, err := os.ReadFile(h)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(h, bytes.Replace(src, []byte("int\tnthr;"), []byte("int\tnthreads;"), 1), 0o644))
	out, stderr, code = runCLI(t, "", "atop", "info", "--defs", dir, atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "definitions "+filepath.Join(dir, "2.13", "atop.h"))
	out, stderr, code = runCLI(t, "", "atop", "json", "--tasks", "--defs", dir, atopFixture("2.13.0"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, `"nthreads":1`)
	assert.NotContains(t, out, `"nthr":`)

	out, stderr, code = runCLI(t, "", "atop", "defs", "--defs", dir)
	require.Equal(t, 0, code, stderr)
	assert.Regexp(t, `(?m)^2\.13 +0x820d +1408336 +992 +432 +yes +`+regexpQuote(filepath.Join(dir, "2.13"))+` +same sizes as 2\.13, other fields$`, out)
}

func regexpQuote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\.+*?()|[]{}^$`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
