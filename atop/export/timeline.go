package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
)

// Process is one process of a timeline, identified by its pid and start
// time (pids are reused), merged over every sample and file that shows it.
type Process struct {
	PID, PPID, TGID int // the parent as first seen
	UID, EUID       int // real and effective user
	GID, EGID       int // real and effective group
	Host            string
	Start           time.Time // gen.btime

	// Commands is what the process ran: the command it was first seen
	// with, then each other command it was seen with after an exec (a
	// shell that forks and execs sleep is work.sh, then sleep).
	Commands []Command

	// Exited is set when process accounting reported the process's end
	// (state E): End is then start plus elapsed time, and either Signal
	// (killed by a signal) or ExitCode is set. Without process accounting
	// a process just stops appearing; LastSeen bounds its end.
	Exited   bool
	End      time.Time
	ExitCode int // exit status, when not killed
	Signal   int // the signal that killed it, 0 if none

	FirstSeen, LastSeen time.Time // the samples that showed it
	BeforeLog           bool      // started before the first sample of the input
}

// Command is a command name (at most 15 bytes) and command line ("" when
// atop did not know it), and the time of the first sample that showed it.
type Command struct {
	Name, Cmdline string
	Seen          time.Time
}

// Event descriptions (Timesketch's timestamp_desc).
const (
	ProcessStart = "Process Start"
	ProcessExec  = "Process Exec (first seen)"
	ProcessExit  = "Process Exit"
)

// Event is a process start (at Process.Start, with the first command), a
// new command after an exec (at the time of the first sample that showed
// it: the exec itself happened during that sample's interval), or an exit
// (at Process.End, with the last command).
type Event struct {
	Time    time.Time
	Desc    string // ProcessStart, ProcessExec or ProcessExit
	Process *Process
	Command *Command
}

// Message is the event's one-line description.
func (e *Event) Message() string {
	p, c := e.Process, e.Command
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (pid %d, ppid %d, uid %d)", e.Desc, c.Name, p.PID, p.PPID, p.UID)
	switch e.Desc {
	case ProcessExit:
		if p.Signal != 0 {
			fmt.Fprintf(&b, " killed by signal %d", p.Signal)
		} else {
			fmt.Fprintf(&b, " exited with code %d", p.ExitCode)
		}
	case ProcessStart:
		if p.BeforeLog {
			b.WriteString(", running when the log starts")
		}
	case ProcessExec:
		for i := range p.Commands {
			if &p.Commands[i] == c && i > 0 {
				fmt.Fprintf(&b, ", was %s", p.Commands[i-1].Name)
			}
		}
	}
	if c.Cmdline != "" {
		b.WriteString(": ")
		b.WriteString(c.Cmdline)
	}
	return b.String()
}

// Timeline is the processes of one or more logs: when each started and,
// as far as process accounting tells, ended.
type Timeline struct {
	Processes []*Process // in order of first sighting

	Samples      int       // samples read (inside the window)
	AcctOff      int       // samples taken without process accounting
	FirstAcctOff time.Time // the first of them
	First, Last  time.Time // times of the first and last sample read

	byPID map[int][]*Process
}

// CollectTimeline reads src and merges its processes: each process (not
// thread) of each sample, identified by pid and start time, whether it
// lives on or exited in the interval (state E, from process accounting).
// A process's start times in two samples may differ by a second (atop
// derives it from the boot time, which it reads anew in each run, and
// process accounting rounds it its own way): a process with the same pid
// and name and a start time one second off is the same process.
//
// It holds one small record per process, never a whole sample.
func CollectTimeline(src Source, opts Options) (*Timeline, error) {
	tl := &Timeline{byPID: map[int][]*Process{}}
	err := opts.each(src, func(s *atop.Sample) error {
		tasks, err := s.Tasks()
		if err != nil {
			opts.warn(err)
			return nil
		}
		tl.sample(s, tasks)
		return nil
	})
	return tl, err
}

func (tl *Timeline) sample(s *atop.Sample, tasks []atop.Task) {
	if tl.Samples == 0 {
		tl.First = s.Time
	}
	tl.Last = s.Time
	tl.Samples++
	if !s.Flags.Has(atop.FlagAcctActive) {
		if tl.AcctOff == 0 {
			tl.FirstAcctOff = s.Time
		}
		tl.AcctOff++
	}
	for _, t := range tasks {
		if !t.IsProcess() {
			continue
		}
		tl.task(s, t)
	}
}

func (tl *Timeline) task(s *atop.Sample, t atop.Task) {
	pid, name, cmdline, start := t.PID(), t.Name(), t.Cmdline(), t.StartTime()
	p := tl.find(pid, name, start)
	if p == nil {
		p = &Process{
			PID: pid, PPID: t.PPID(), TGID: t.TGID(),
			UID: t.RUID(), EUID: t.EUID(), GID: t.RGID(), EGID: t.EGID(),
			Host: s.Header.Nodename, Start: start, FirstSeen: s.Time,
			Commands:  []Command{{Name: name, Cmdline: cmdline, Seen: s.Time}},
			BeforeLog: start.Before(tl.First),
		}
		tl.byPID[pid] = append(tl.byPID[pid], p)
		tl.Processes = append(tl.Processes, p)
	}
	p.LastSeen = s.Time
	cur := &p.Commands[len(p.Commands)-1]
	switch {
	case name != cur.Name || cmdline != "" && cur.Cmdline != "" && cmdline != cur.Cmdline:
		p.Commands = append(p.Commands, Command{Name: name, Cmdline: cmdline, Seen: s.Time})
	case cur.Cmdline == "":
		cur.Cmdline = cmdline
	}
	if t.State() == 'E' && !p.Exited {
		p.Exited = true
		p.End = t.EndTime()
		ex := decodeExit(t)
		p.Signal, p.ExitCode = ex.signal, ex.code
	}
}

// find returns the known process with this pid and start time, or with a
// start time one second off and this name as its last command.
func (tl *Timeline) find(pid int, name string, start time.Time) *Process {
	var near *Process
	for _, p := range tl.byPID[pid] {
		d := p.Start.Sub(start)
		switch {
		case d == 0:
			return p
		case (d == time.Second || d == -time.Second) && p.Commands[len(p.Commands)-1].Name == name:
			near = p
		}
	}
	return near
}

// Events returns a start event for every process, an exec event for each
// later command, and an exit event for every process that exited, sorted
// by time (at the same second: starts, execs, exits, each by pid).
func (tl *Timeline) Events() []Event {
	ev := make([]Event, 0, len(tl.Processes)*2)
	for _, p := range tl.Processes {
		ev = append(ev, Event{Time: p.Start, Desc: ProcessStart, Process: p, Command: &p.Commands[0]})
		for i := 1; i < len(p.Commands); i++ {
			ev = append(ev, Event{Time: p.Commands[i].Seen, Desc: ProcessExec, Process: p, Command: &p.Commands[i]})
		}
		if p.Exited {
			ev = append(ev, Event{Time: p.End, Desc: ProcessExit, Process: p, Command: &p.Commands[len(p.Commands)-1]})
		}
	}
	rank := map[string]int{ProcessStart: 0, ProcessExec: 1, ProcessExit: 2}
	slices.SortStableFunc(ev, func(a, b Event) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if a.Desc != b.Desc {
			return rank[a.Desc] - rank[b.Desc]
		}
		if a.Process.PID != b.Process.PID {
			return a.Process.PID - b.Process.PID
		}
		return a.Process.Start.Compare(b.Process.Start)
	})
	return ev
}

// TimelineColumns are the fields of an event, in the order WriteJSON and
// WriteCSV write them: Timesketch's datetime, timestamp (microseconds),
// timestamp_desc and message first.
var TimelineColumns = []string{
	"datetime", "timestamp", "timestamp_desc", "message", "host",
	"pid", "ppid", "tgid", "uid", "euid", "gid", "egid", "name", "cmdline",
	"start_time", "end_time", "exit_code", "signal",
	"first_seen", "last_seen", "before_log",
}

func isoUTC(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// WriteJSON writes the events as JSON lines, the fields of
// TimelineColumns; end_time, exit_code and signal are null when the
// process did not exit (or exited otherwise).
func (tl *Timeline) WriteJSON(w io.Writer) error {
	var b []byte
	for _, e := range tl.Events() {
		p := e.Process
		b = append(b[:0], `{"datetime":"`...)
		b = append(b, isoUTC(e.Time)...)
		b = append(b, `","timestamp":`...)
		b = strconv.AppendInt(b, e.Time.UnixMicro(), 10)
		b = append(b, `,"timestamp_desc":`...)
		b = cstruct.AppendJSONString(b, e.Desc)
		b = append(b, `,"message":`...)
		b = cstruct.AppendJSONString(b, e.Message())
		b = append(b, `,"host":`...)
		b = cstruct.AppendJSONString(b, p.Host)
		for _, f := range []struct {
			k string
			v int
		}{{"pid", p.PID}, {"ppid", p.PPID}, {"tgid", p.TGID}, {"uid", p.UID}, {"euid", p.EUID}, {"gid", p.GID}, {"egid", p.EGID}} {
			b = append(b, `,"`...)
			b = append(b, f.k...)
			b = append(b, `":`...)
			b = strconv.AppendInt(b, int64(f.v), 10)
		}
		b = append(b, `,"name":`...)
		b = cstruct.AppendJSONString(b, e.Command.Name)
		b = append(b, `,"cmdline":`...)
		b = cstruct.AppendJSONString(b, e.Command.Cmdline)
		b = append(b, `,"start_time":"`...)
		b = append(b, isoUTC(p.Start)...)
		b = append(b, `","end_time":`...)
		if p.Exited {
			b = append(b, '"')
			b = append(b, isoUTC(p.End)...)
			b = append(b, '"')
		} else {
			b = append(b, "null"...)
		}
		b = append(b, `,"exit_code":`...)
		b = appendOptInt(b, p.Exited && p.Signal == 0, p.ExitCode)
		b = append(b, `,"signal":`...)
		b = appendOptInt(b, p.Exited && p.Signal != 0, p.Signal)
		b = append(b, `,"first_seen":"`...)
		b = append(b, isoUTC(p.FirstSeen)...)
		b = append(b, `","last_seen":"`...)
		b = append(b, isoUTC(p.LastSeen)...)
		b = append(b, `","before_log":`...)
		b = strconv.AppendBool(b, p.BeforeLog)
		b = append(b, "}\n"...)
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func appendOptInt(b []byte, ok bool, v int) []byte {
	if !ok {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(v), 10)
}

// WriteCSV writes the events as CSV with a header row, the columns of
// TimelineColumns; end_time, exit_code and signal are empty when they do
// not apply.
func (tl *Timeline) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(TimelineColumns); err != nil {
		return err
	}
	rec := make([]string, len(TimelineColumns))
	itoa := strconv.Itoa
	for _, e := range tl.Events() {
		p := e.Process
		end, code, sig := "", "", ""
		if p.Exited {
			end = isoUTC(p.End)
			if p.Signal != 0 {
				sig = itoa(p.Signal)
			} else {
				code = itoa(p.ExitCode)
			}
		}
		rec = append(rec[:0], isoUTC(e.Time), strconv.FormatInt(e.Time.UnixMicro(), 10), e.Desc, EscapeText(e.Message()), EscapeText(p.Host),
			itoa(p.PID), itoa(p.PPID), itoa(p.TGID), itoa(p.UID), itoa(p.EUID), itoa(p.GID), itoa(p.EGID),
			EscapeText(e.Command.Name), EscapeText(e.Command.Cmdline),
			isoUTC(p.Start), end, code, sig, isoUTC(p.FirstSeen), isoUTC(p.LastSeen), strconv.FormatBool(p.BeforeLog))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
