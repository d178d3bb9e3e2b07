package export_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
	"github.com/stretchr/testify/require"
)

// prgLine is a PRG line of atop -P output (atop-format.md §4.2): after
// the six common fields, pid (name) state ruid rgid tgid nthr exitcode
// btime (cmdline) ppid nthrrun nthrslpi nthrslpu euid egid suid sgid fsuid
// fsgid elaps is_process …; name and cmdline may hold spaces and
// parentheses, so the fixed fields around them anchor the match.
var prgLine = regexp.MustCompile(`^PRG \S+ (\d+) \S+ \S+ \d+ (\d+) \((.{0,15})\) (\S) (-?\d+) (-?\d+) (-?\d+) (-?\d+) (-?\d+) (-?\d+) \((.*)\) (-?\d+) (?:-?\d+ ){9}(-?\d+) ([yn])(?: |$)`)

type prg struct {
	sample        int64
	pid, tgid     int
	name, cmdline string
	state         byte
	ruid, rgid    int
	exitcode      int
	btime         int64
	ppid          int
	elaps         int64
	isproc        bool
}

func readPRG(t *testing.T, name string) []prg {
	t.Helper()
	f, err := os.Open(name)
	require.NoError(t, err)
	defer f.Close()
	var out []prg
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "PRG ") {
			continue
		}
		m := prgLine.FindStringSubmatch(line)
		require.NotNil(t, m, "PRG line not understood: %s", line)
		n := func(i int) int64 {
			v, err := strconv.ParseInt(m[i], 10, 64)
			require.NoError(t, err)
			return v
		}
		out = append(out, prg{
			sample: n(1), pid: int(n(2)), name: m[3], state: m[4][0],
			ruid: int(n(5)), rgid: int(n(6)), tgid: int(n(7)), exitcode: int(n(9)),
			btime: n(10), cmdline: m[11], ppid: int(n(12)), elaps: n(13), isproc: m[14] == "y",
		})
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out)
	return out
}

// TestTimelineOracle checks the timeline of every fixture against the PRG
// lines of its atop -PALL output: every process (not thread) that atop
// shows, starting (N), running or exiting (E), is one process of the
// timeline with the same pid, name, parent, user and command line, and
// every exit has the same exit code and end time. The timeline has no
// process that atop does not show.
func TestTimelineOracle(t *testing.T) {
	for _, name := range allFixtures(t) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			checkOracle(t, name, name+".P.txt", true)
		})
	}
}

// checkOracle checks the timeline of log name against the PRG lines of
// oracle. A made log (made) has process accounting on and starts and ends
// processes.
func checkOracle(t *testing.T, name, oracle string, made bool) {
	t.Helper()
	r := open(t, name)
	hertz := int64(r.Header().Hertz)
	v := r.Header().Version
	tl, err := export.CollectTimeline(r, noWarnings(t))
	require.NoError(t, err)
	if made {
		require.Zero(t, tl.AcctOff)
	}

	matched := map[*export.Process]bool{}
	news, exits := 0, 0
	for _, p := range readPRG(t, oracle) {
		if !p.isproc {
			continue
		}
		var got *export.Process
		var cmd *export.Command
		for _, q := range tl.Processes {
			d := q.Start.Unix() - p.btime
			if q.PID != p.pid || d < -1 || d > 1 {
				continue
			}
			for i := range q.Commands {
				if c := &q.Commands[i]; c.Name == p.name && (p.cmdline == "" || p.cmdline == c.Cmdline) {
					require.True(t, got == nil || got == q, "pid %d %s: twice in the timeline", p.pid, p.name)
					got, cmd = q, c
				}
			}
		}
		// atop leaves the command line of an exited process empty
		// when it did not see the process alive.
		require.NotNil(t, got, "pid %d (%s) started %d, command line %q: not in the timeline", p.pid, p.name, p.btime, p.cmdline)
		matched[got] = true
		require.Equal(t, p.ppid, got.PPID, "pid %d ppid", p.pid)
		require.Equal(t, p.ruid, got.UID, "pid %d uid", p.pid)
		require.Equal(t, p.rgid, got.GID, "pid %d gid", p.pid)
		require.Equal(t, p.tgid, got.TGID, "pid %d tgid", p.pid)
		if p.state != 'E' {
			if p.btime > tl.First.Unix() {
				news++
			}
			continue
		}
		exits++
		require.Same(t, &got.Commands[len(got.Commands)-1], cmd, "pid %d exits as %s", p.pid, p.name)
		require.True(t, got.Exited, "pid %d (%s) exited: no exit in the timeline", p.pid, p.name)
		require.Equal(t, p.btime+p.elaps/hertz, got.End.Unix(), "pid %d end time", p.pid)
		want := p.exitcode
		if v.Major == 2 && v.Minor == 3 { // 2.3 printed the raw wait status
			if want&0xff != 0 {
				want = want&0x7f + 256
			} else {
				want = want >> 8 & 0xff
			}
		}
		code := got.ExitCode
		if got.Signal != 0 {
			code = got.Signal + 256
		}
		require.Equal(t, want, code, "pid %d (%s) exit code", p.pid, p.name)
	}
	if made {
		require.Positive(t, news, "the fixture starts processes")
		require.Positive(t, exits, "the fixture ends processes")
	}
	for _, q := range tl.Processes {
		require.True(t, matched[q], "pid %d (%s): not shown by atop", q.PID, q.Commands[0].Name)
	}

	// One start event per process, one exit event per exit, an
	// exec event per later command.
	starts, execs, ends := map[*export.Process]int{}, map[*export.Process]int{}, map[*export.Process]int{}
	for _, e := range tl.Events() {
		switch e.Desc {
		case export.ProcessStart:
			starts[e.Process]++
			require.Equal(t, e.Process.Start, e.Time)
			require.Same(t, &e.Process.Commands[0], e.Command)
		case export.ProcessExec:
			execs[e.Process]++
			require.Equal(t, e.Command.Seen, e.Time)
		case export.ProcessExit:
			ends[e.Process]++
			require.Equal(t, e.Process.End, e.Time)
			require.Same(t, &e.Process.Commands[len(e.Process.Commands)-1], e.Command)
		}
	}
	for _, q := range tl.Processes {
		require.Equal(t, 1, starts[q])
		require.Equal(t, len(q.Commands)-1, execs[q])
		if q.Exited {
			require.Equal(t, 1, ends[q])
		} else {
			require.Zero(t, ends[q])
		}
	}
}

// TestTimelineOracleRealWorld does the same for logs of a real host (see
// testdata/atop/realworld/NOTICE), written without process accounting.
func TestTimelineOracleRealWorld(t *testing.T) {
	names, err := filepath.Glob("../../testdata/atop/realworld/*.gz")
	require.NoError(t, err)
	require.NotEmpty(t, names)
	for _, name := range names {
		t.Run(filepath.Base(name), func(t *testing.T) {
			checkOracle(t, name, strings.TrimSuffix(name, ".gz")+".P.txt", false)
		})
	}
}

// TestTimelineAcrossFiles reads the same log twice: the processes are
// merged, not doubled.
func TestTimelineAcrossFiles(t *testing.T) {
	name := fixture("2.13.0")
	one, err := export.CollectTimeline(open(t, name), noWarnings(t))
	require.NoError(t, err)
	two, err := export.CollectTimeline(atop.OpenFiles(name, name), noWarnings(t))
	require.NoError(t, err)
	require.Equal(t, 12, two.Samples)
	require.Equal(t, len(one.Processes), len(two.Processes))
	require.Equal(t, len(one.Events()), len(two.Events()))
}

// TestTimelineAcctOff counts the samples taken without process
// accounting.
func TestTimelineAcctOff(t *testing.T) {
	src := &flagSource{r: open(t, fixture("2.13.0")), clear: atop.FlagAcctActive, from: 2}
	tl, err := export.CollectTimeline(src, noWarnings(t))
	require.NoError(t, err)
	require.Equal(t, 4, tl.AcctOff)
	require.Equal(t, tl.First.Add(2*time.Second), tl.FirstAcctOff)
}

// flagSource clears flags of the samples from index from on.
type flagSource struct {
	r     *atop.Reader
	clear atop.Flags
	from  int
}

func (f *flagSource) Next() (*atop.Sample, error) {
	s, err := f.r.Next()
	if err == nil && s.Index >= f.from {
		s.Flags &^= f.clear
	}
	return s, err
}

// TestTimelineExec: in the 2.4 log, pid 66 is a fork of work.sh that
// execs sleep 1 before the next sample.
func TestTimelineExec(t *testing.T) {
	tl, err := export.CollectTimeline(open(t, fixture("2.4.0")), noWarnings(t))
	require.NoError(t, err)
	var descs []string
	for _, e := range tl.Events() {
		if e.Process.PID == 66 {
			descs = append(descs, e.Desc+": "+e.Command.Name+" "+e.Command.Cmdline)
			if e.Desc == export.ProcessExec {
				require.Equal(t, "Process Exec (first seen): sleep (pid 66, ppid 2, uid 0), was work.sh: sleep 1", e.Message())
			}
		}
	}
	require.Equal(t, []string{
		"Process Start: work.sh /bin/bash ./work.sh",
		"Process Exec (first seen): sleep sleep 1", // the log ends before it does
	}, descs)
}
