package atop

import (
	"time"

	"github.com/cstructgo/cstruct/cstruct"
)

// Task is one process or thread of a sample (struct tstat). Its methods
// read the fields that every version has under some name; a field that the
// file's version lacks reads as zero, "" or false. Everything else is in
// Value. Counters (times, faults, I/O) are deltas over the sample's
// interval; sizes are current values.
type Task struct {
	v     cstruct.Value
	f     *taskFields
	hertz int
}

type taskFields struct {
	tgid, pid, ppid, ruid, euid, suid, fsuid, rgid, egid, sgid, fsgid field
	nthr, name, isproc, state, excode, btime, elaps, cmdline          field
	nthrslpi, nthrslpu, nthrrun, nthridle, ctid, vpid, wasinactive    field
	container, cgpath                                                 field

	utime, stime, nice, prio, rtprio, policy, curcpu, sleepavg field
	wchan, rundelay, blkdelay, nvcsw, nivcsw                   field

	rio, rsz, wio, wsz, cwsz field

	minflt, majflt, vexec, vmem, rmem, pmem, vgrow, rgrow field
	vdata, vstack, vlibs, vswap, vlock                    field
}

func (t *taskFields) resolve(spec *cstruct.Spec, typ cstruct.Type) {
	resolveAll(spec, typ,
		fieldSpec{&t.tgid, "gen.tgid"}, fieldSpec{&t.pid, "gen.pid"}, fieldSpec{&t.ppid, "gen.ppid"},
		fieldSpec{&t.ruid, "gen.ruid"}, fieldSpec{&t.euid, "gen.euid"}, fieldSpec{&t.suid, "gen.suid"},
		fieldSpec{&t.fsuid, "gen.fsuid"}, fieldSpec{&t.rgid, "gen.rgid"}, fieldSpec{&t.egid, "gen.egid"},
		fieldSpec{&t.sgid, "gen.sgid"}, fieldSpec{&t.fsgid, "gen.fsgid"}, fieldSpec{&t.nthr, "gen.nthr"},
		fieldSpec{&t.name, "gen.name"}, fieldSpec{&t.isproc, "gen.isproc"}, fieldSpec{&t.state, "gen.state"},
		fieldSpec{&t.excode, "gen.excode"}, fieldSpec{&t.btime, "gen.btime"}, fieldSpec{&t.elaps, "gen.elaps"},
		fieldSpec{&t.cmdline, "gen.cmdline"}, fieldSpec{&t.nthrslpi, "gen.nthrslpi"},
		fieldSpec{&t.nthrslpu, "gen.nthrslpu"}, fieldSpec{&t.nthrrun, "gen.nthrrun"},
		fieldSpec{&t.nthridle, "gen.nthridle"}, fieldSpec{&t.ctid, "gen.ctid"}, fieldSpec{&t.vpid, "gen.vpid"},
		fieldSpec{&t.wasinactive, "gen.wasinactive"},
		fieldSpec{&t.container, "gen.utsname|gen.container"}, fieldSpec{&t.cgpath, "gen.cgpath"},

		fieldSpec{&t.utime, "cpu.utime"}, fieldSpec{&t.stime, "cpu.stime"}, fieldSpec{&t.nice, "cpu.nice"},
		fieldSpec{&t.prio, "cpu.prio"}, fieldSpec{&t.rtprio, "cpu.rtprio"}, fieldSpec{&t.policy, "cpu.policy"},
		fieldSpec{&t.curcpu, "cpu.curcpu"}, fieldSpec{&t.sleepavg, "cpu.sleepavg"},
		fieldSpec{&t.wchan, "cpu.wchan"}, fieldSpec{&t.rundelay, "cpu.rundelay"},
		fieldSpec{&t.blkdelay, "cpu.blkdelay"}, fieldSpec{&t.nvcsw, "cpu.nvcsw"}, fieldSpec{&t.nivcsw, "cpu.nivcsw"},

		fieldSpec{&t.rio, "dsk.rio"}, fieldSpec{&t.rsz, "dsk.rsz"}, fieldSpec{&t.wio, "dsk.wio"},
		fieldSpec{&t.wsz, "dsk.wsz"}, fieldSpec{&t.cwsz, "dsk.cwsz"},

		fieldSpec{&t.minflt, "mem.minflt"}, fieldSpec{&t.majflt, "mem.majflt"}, fieldSpec{&t.vexec, "mem.vexec"},
		fieldSpec{&t.vmem, "mem.vmem"}, fieldSpec{&t.rmem, "mem.rmem"}, fieldSpec{&t.pmem, "mem.pmem"},
		fieldSpec{&t.vgrow, "mem.vgrow"}, fieldSpec{&t.rgrow, "mem.rgrow"}, fieldSpec{&t.vdata, "mem.vdata"},
		fieldSpec{&t.vstack, "mem.vstack"}, fieldSpec{&t.vlibs, "mem.vlibs"}, fieldSpec{&t.vswap, "mem.vswap"},
		fieldSpec{&t.vlock, "mem.vlock"},
	)
}

// Value is the whole struct tstat, for the fields without a method:
// t.Value().Lookup("net.tcpsnd"). Its offsets are offsets in the sample's
// inflated tstat array.
func (t Task) Value() cstruct.Value { return t.v }

// Lookup returns a field of the task by dotted path ("cpu.wchan").
func (t Task) Lookup(path string) (cstruct.Value, error) { return t.v.Lookup(path) }

func (t Task) int(f *field) int { return int(f.int(t.v)) }

// Identification.

func (t Task) PID() int  { return t.int(&t.f.pid) }
func (t Task) PPID() int { return t.int(&t.f.ppid) }
func (t Task) TGID() int { return t.int(&t.f.tgid) } // the process of a thread
func (t Task) VPID() int { return t.int(&t.f.vpid) } // pid inside an OpenVZ container
func (t Task) CTID() int { return t.int(&t.f.ctid) } // OpenVZ container id

// Name is the command name (at most 15 bytes, from /proc/PID/stat).
func (t Task) Name() string { return t.f.name.text(t.v) }

// Cmdline is the command line, arguments separated by spaces (at most 255
// bytes; empty for threads and for tasks without one).
func (t Task) Cmdline() string { return t.f.cmdline.text(t.v) }

// State is the state letter: R, S, D, I, T, Z, or E for a process that
// exited during the interval.
func (t Task) State() byte { return byte(t.f.state.int(t.v)) }

// IsProcess reports whether the task is a process rather than a thread.
func (t Task) IsProcess() bool { return t.f.isproc.int(t.v) != 0 }

// WasInactive reports a task that used no resources in the interval.
func (t Task) WasInactive() bool { return t.f.wasinactive.int(t.v) != 0 }

// Container is the container or pod name: gen.utsname (2.10+) or
// gen.container (before).
func (t Task) Container() string { return t.f.container.text(t.v) }

// CgroupPath is the task's cgroup v2 path as 2.8–2.10 store it in the task;
// from 2.11 on the cgroups are a separate part (Sample.CgroupOf).
func (t Task) CgroupPath() string { return t.f.cgpath.text(t.v) }

// Credentials.

func (t Task) RUID() int  { return t.int(&t.f.ruid) }
func (t Task) EUID() int  { return t.int(&t.f.euid) }
func (t Task) SUID() int  { return t.int(&t.f.suid) }
func (t Task) FSUID() int { return t.int(&t.f.fsuid) }
func (t Task) RGID() int  { return t.int(&t.f.rgid) }
func (t Task) EGID() int  { return t.int(&t.f.egid) }
func (t Task) SGID() int  { return t.int(&t.f.sgid) }
func (t Task) FSGID() int { return t.int(&t.f.fsgid) }

// Threads (for a process entry).

func (t Task) NThreads() int           { return t.int(&t.f.nthr) }
func (t Task) NThreadsRunning() int    { return t.int(&t.f.nthrrun) }
func (t Task) NThreadsSleeping() int   { return t.int(&t.f.nthrslpi) }
func (t Task) NThreadsDiskSleep() int  { return t.int(&t.f.nthrslpu) }
func (t Task) NThreadsIdle() int       { return t.int(&t.f.nthridle) } // 2.10+
func (t Task) RawExitCode() int32      { return int32(t.f.excode.int(t.v)) }
func (t Task) StartTime() time.Time    { return time.Unix(t.f.btime.int(t.v), 0) }
func (t Task) ElapsedTicks() int64     { return t.f.elaps.int(t.v) }
func (t Task) Elapsed() time.Duration  { return t.ticks(t.ElapsedTicks()) }
func (t Task) UTime() int64            { return t.f.utime.int(t.v) } // clock ticks in user mode
func (t Task) STime() int64            { return t.f.stime.int(t.v) } // clock ticks in kernel mode
func (t Task) CPUTime() time.Duration  { return t.ticks(t.UTime() + t.STime()) }
func (t Task) Nice() int               { return t.int(&t.f.nice) }
func (t Task) Prio() int               { return t.int(&t.f.prio) }
func (t Task) RTPrio() int             { return t.int(&t.f.rtprio) }
func (t Task) Policy() int             { return t.int(&t.f.policy) }
func (t Task) CurCPU() int             { return t.int(&t.f.curcpu) }
func (t Task) SleepAvg() int           { return t.int(&t.f.sleepavg) }
func (t Task) Wchan() string           { return t.f.wchan.text(t.v) }                  // 2.6+
func (t Task) RunDelay() time.Duration { return time.Duration(t.f.rundelay.int(t.v)) } // 2.6+
func (t Task) BlkDelay() int64         { return t.f.blkdelay.int(t.v) }                // clock ticks; 2.8+
func (t Task) NVCSW() int64            { return t.f.nvcsw.int(t.v) }                   // 2.9+
func (t Task) NIVCSW() int64           { return t.f.nivcsw.int(t.v) }                  // 2.9+
func (t Task) ticks(n int64) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(t.hertz)
}

// ExitCode is the exit status as atop prints it (2.4 on): the signal
// number plus 256 for a process killed by a signal, else the exit code.
// RawExitCode is the wait(2) status as stored.
func (t Task) ExitCode() int {
	ex := t.RawExitCode()
	if ex&0xff != 0 {
		return int(ex&0x7f) + 256
	}
	return int(ex>>8) & 0xff
}

// IsNew reports a task started during the interval (bit 31 of the exit
// status).
func (t Task) IsNew() bool { return t.RawExitCode() < 0 }

// EndTime is when a process that exited during the interval (state E)
// ended, as start time plus elapsed time; zero for other tasks.
func (t Task) EndTime() time.Time {
	if t.State() != 'E' {
		return time.Time{}
	}
	return time.Unix(t.f.btime.int(t.v)+t.ElapsedTicks()/int64(t.hertz), 0)
}

// Memory, in KiB (PMem is -1 where unknown); MinFlt and MajFlt are page
// fault counts, VGrow and RGrow growth in the interval.

func (t Task) VMem() int64   { return t.f.vmem.int(t.v) }
func (t Task) RMem() int64   { return t.f.rmem.int(t.v) }
func (t Task) PMem() int64   { return t.f.pmem.int(t.v) }
func (t Task) VExec() int64  { return t.f.vexec.int(t.v) }
func (t Task) VData() int64  { return t.f.vdata.int(t.v) }
func (t Task) VStack() int64 { return t.f.vstack.int(t.v) }
func (t Task) VLibs() int64  { return t.f.vlibs.int(t.v) }
func (t Task) VSwap() int64  { return t.f.vswap.int(t.v) }
func (t Task) VLock() int64  { return t.f.vlock.int(t.v) } // 2.6+
func (t Task) VGrow() int64  { return t.f.vgrow.int(t.v) }
func (t Task) RGrow() int64  { return t.f.rgrow.int(t.v) }
func (t Task) MinFlt() int64 { return t.f.minflt.int(t.v) }
func (t Task) MajFlt() int64 { return t.f.majflt.int(t.v) }

// Disk I/O in the interval: read and write requests and sectors, and
// cancelled write sectors.

func (t Task) RIO() int64  { return t.f.rio.int(t.v) }
func (t Task) RSZ() int64  { return t.f.rsz.int(t.v) }
func (t Task) WIO() int64  { return t.f.wio.int(t.v) }
func (t Task) WSZ() int64  { return t.f.wsz.int(t.v) }
func (t Task) CWSZ() int64 { return t.f.cwsz.int(t.v) }
