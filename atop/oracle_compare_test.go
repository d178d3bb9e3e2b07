package atop_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testdata = "../testdata/atop"

// logFiles lists every raw log under testdata that has an oracle beside it
// (LOG.P.txt, or for LOG.gz also LOG.P.txt without the .gz): adding a
// log and its oracle adds a test case.
func logFiles(t testing.TB) []string {
	var logs []string
	err := filepath.WalkDir(testdata, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".P.txt") {
			return err
		}
		if _, err := os.Stat(oracleOf(path)); err == nil {
			logs = append(logs, path)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, logs)
	return logs
}

func oracleOf(log string) string { return strings.TrimSuffix(log, ".gz") + ".P.txt" }

func itoa[T ~int | ~int32 | ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }

func yn(b bool) string {
	if b {
		return "y"
	}
	return "n"
}

// skip marks a field the test does not derive (atop computes it from
// data outside the raw fields, e.g. cgroup limits of a process).
const skip = "\x00skip"

// compareFields checks got against want, position by position, ignoring
// the skip positions and anything beyond the shorter of both; at least
// least fields must be compared.
func compareFields(t *testing.T, what string, least int, want, got []string) {
	t.Helper()
	require.GreaterOrEqual(t, min(len(want), len(got)), least, what+": too few fields")
	if len(got) > len(want) {
		got = got[:len(want)]
	}
	g := make([]string, len(got))
	for i := range got {
		g[i] = got[i]
		if got[i] == skip {
			g[i] = want[i]
		}
	}
	assert.Equal(t, want[:len(g)], g, what)
}

func TestOracle(t *testing.T) {
	for _, log := range logFiles(t) {
		rel, _ := filepath.Rel(testdata, log)
		t.Run(rel, func(t *testing.T) { checkLog(t, log) })
	}
}

func checkLog(t *testing.T, log string) {
	r, err := atop.Open(log)
	require.NoError(t, err)
	defer r.Close()
	h := r.Header()
	want, err := readOracle(oracleOf(log), h.Version)
	require.NoError(t, err)
	n := 0
	for s, err := range r.Samples() {
		require.NoError(t, err)
		require.Less(t, n, len(want), "more samples than SEP lines")
		checkSample(t, h, s, want[n])
		n++
	}
	assert.Equal(t, len(want), n, "samples vs SEP lines")
}

func lookupInt(t *testing.T, v cstruct.Value, path string) int64 {
	t.Helper()
	f, err := v.Lookup(path)
	require.NoError(t, err)
	return f.Int()
}

func checkSample(t *testing.T, h *atop.Header, s *atop.Sample, w oracleSample) {
	t.Helper()
	v := h.Version
	tag := "sample " + itoa(s.Index)
	assert.Equal(t, w.reset, s.Flags.Has(atop.FlagBoot), tag+": RESET vs RRBOOT")
	if w.epoch != "" {
		assert.Equal(t, w.epoch, itoa(s.Time.Unix()), tag+": time")
		assert.Equal(t, w.interval, itoa(int64(s.Interval.Seconds())), tag+": interval")
	}

	sys, err := s.System()
	require.NoError(t, err, tag)
	cpu := []string{itoa(h.Hertz), itoa(lookupInt(t, sys, "cpu.nrcpu"))}
	for _, f := range []string{"stime", "utime", "ntime", "itime", "wtime", "Itime", "Stime", "steal", "guest"} {
		cpu = append(cpu, itoa(lookupInt(t, sys, "cpu.all."+f)))
	}
	compareFields(t, tag+": CPU", 11, w.cpu, cpu)

	mem := []string{itoa(h.PageSize)}
	for _, f := range []string{"physmem", "freemem", "cachemem", "buffermem", "slabmem", "cachedrt", "slabreclaim"} {
		mem = append(mem, itoa(lookupInt(t, sys, "mem."+f)))
	}
	balloon := lookupInt(t, sys, "mem.vmwballoon")
	if balloon == -1 && v.Minor >= 7 {
		balloon = 0
	}
	mem = append(mem, itoa(balloon))
	for _, f := range []string{"shmem", "shmrss", "shmswp"} {
		mem = append(mem, itoa(lookupInt(t, sys, "mem."+f)))
	}
	compareFields(t, tag+": MEM", 12, w.mem, mem)

	tasks, err := s.Tasks()
	require.NoError(t, err, tag)
	require.Equal(t, s.NTask, len(tasks), tag)
	require.Equal(t, len(w.prg), len(tasks), tag+": tasks vs PRG lines")
	require.Equal(t, len(w.prc), len(tasks), tag+": tasks vs PRC lines")
	require.Equal(t, len(w.prm), len(tasks), tag+": tasks vs PRM lines")

	cgs, err := s.Cgroups()
	require.NoError(t, err, tag)
	checkCgroups(t, tag, s, cgs, w)

	for i, tk := range tasks {
		tt := tag + " task " + itoa(i) + " pid " + itoa(tk.PID())
		checkPRG(t, tt, h, s, tk, w.prg[i])

		p := w.prc[i]
		assert.Equal(t, p.pid, itoa(tk.PID()), tt+": PRC pid")
		assert.Equal(t, p.name, tk.Name(), tt+": PRC name")
		compareFields(t, tt+": PRC", 12, p.rest, []string{
			string(tk.State()), itoa(h.Hertz), itoa(tk.UTime()), itoa(tk.STime()),
			itoa(tk.Nice()), itoa(tk.Prio()), itoa(tk.RTPrio()), itoa(tk.Policy()),
			itoa(tk.CurCPU()), itoa(tk.SleepAvg()), itoa(tk.TGID()), yn(tk.IsProcess()),
			itoa(tk.RunDelay().Nanoseconds()), "(" + tk.Wchan() + ")", itoa(tk.BlkDelay()),
			skip, skip, // cpumax, cpumaxr: cgroup limits
			itoa(tk.NVCSW()), itoa(tk.NIVCSW()),
		})

		m := w.prm[i]
		assert.Equal(t, m.pid, itoa(tk.PID()), tt+": PRM pid")
		assert.Equal(t, m.name, tk.Name(), tt+": PRM name")
		pmem := tk.PMem()
		if pmem == -1 {
			pmem = 0
		}
		compareFields(t, tt+": PRM", 16, m.rest, []string{
			string(tk.State()), itoa(h.PageSize), itoa(tk.VMem()), itoa(tk.RMem()),
			itoa(tk.VExec()), itoa(tk.VGrow()), itoa(tk.RGrow()), itoa(tk.MinFlt()),
			itoa(tk.MajFlt()), itoa(tk.VLibs()), itoa(tk.VData()), itoa(tk.VStack()),
			itoa(tk.VSwap()), itoa(tk.TGID()), yn(tk.IsProcess()), itoa(pmem), itoa(tk.VLock()),
		})
	}
}

func checkPRG(t *testing.T, tt string, h *atop.Header, s *atop.Sample, tk atop.Task, p prgLine) {
	t.Helper()
	v := h.Version
	assert.Equal(t, p.pid, itoa(tk.PID()), tt+": PRG pid")
	assert.Equal(t, p.name, tk.Name(), tt+": PRG name")
	assert.Equal(t, p.cmdline, tk.Cmdline(), tt+": PRG cmdline")
	exit := itoa(tk.ExitCode())
	if v.Minor == 3 {
		exit = itoa(tk.RawExitCode()) // 2.3 printed the raw wait status
	}
	compareFields(t, tt+": PRG head", 7, p.head, []string{
		string(tk.State()), itoa(tk.RUID()), itoa(tk.RGID()), itoa(tk.TGID()),
		itoa(tk.NThreads()), exit, itoa(tk.StartTime().Unix()),
	})
	container := tk.Container()
	if container == "" {
		container = "-"
	}
	newFlag := "-"
	if tk.IsNew() {
		newFlag = "N"
	}
	cgpath := tk.CgroupPath()
	if v.Minor >= 11 {
		cgpath = "-"
		if cg, ok := s.CgroupOf(tk.PID()); ok && tk.IsProcess() {
			cgpath = cg.Path
		}
	}
	var end int64
	if !tk.EndTime().IsZero() {
		end = tk.EndTime().Unix()
	}
	compareFields(t, tt+": PRG tail", 15, p.tail, []string{
		itoa(tk.PPID()), itoa(tk.NThreadsRunning()), itoa(tk.NThreadsSleeping()),
		itoa(tk.NThreadsDiskSleep()), itoa(tk.EUID()), itoa(tk.EGID()), itoa(tk.SUID()),
		itoa(tk.SGID()), itoa(tk.FSUID()), itoa(tk.FSGID()), itoa(tk.ElapsedTicks()),
		yn(tk.IsProcess()), itoa(tk.VPID()), itoa(tk.CTID()), container, newFlag,
		"(" + cgpath + ")", itoa(end), itoa(tk.NThreadsIdle()),
	})
}

func checkCgroups(t *testing.T, tag string, s *atop.Sample, cgs []atop.Cgroup, w oracleSample) {
	t.Helper()
	if len(w.cgrC) == 0 {
		return // atop prints them only with cgroup v2 in the sample
	}
	require.Equal(t, len(w.cgrC), len(cgs), tag+": cgroups vs CGR C lines")
	assert.Equal(t, s.NCgroup, len(cgs))
	for i, cg := range cgs {
		got := []string{cg.Path, itoa(cg.NProcs), itoa(cg.ProcsBelow)}
		for _, f := range []string{"cpu.utime", "cpu.stime", "conf.cpuweight", "conf.cpumax",
			"mem.current", "mem.anon", "mem.file", "mem.kernel", "mem.shmem", "conf.memmax",
			"conf.swpmax", "dsk.rbytes", "dsk.wbytes", "dsk.rios", "dsk.wios", "conf.dskweight",
			"cpu.somepres", "cpu.fullpres", "mem.somepres", "mem.fullpres", "dsk.somepres", "dsk.fullpres"} {
			got = append(got, itoa(lookupInt(t, cg.Value, f)))
		}
		compareFields(t, tag+": CGR "+cg.Path, 25, w.cgrC[i], got)
		if cg.NProcs > 0 {
			pids := make([]string, len(cg.PIDs))
			for j, p := range cg.PIDs {
				pids[j] = itoa(p)
			}
			assert.Equal(t, w.cgrP[cg.Path], pids, tag+": CGR P "+cg.Path)
		}
	}
}
