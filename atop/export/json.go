package export

import (
	"io"
	"strconv"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
)

// JSONOptions say what WriteJSON writes. Sample objects are written with
// System, or when neither Tasks nor Cgroups is set.
type JSONOptions struct {
	Options
	System  bool // sample objects carry the whole struct sstat
	Tasks   bool // one object per task (process or thread) per sample
	Cgroups bool // one object per cgroup per sample (2.11+)
}

// WriteJSON writes the samples of src as JSON lines: one object per line,
// each starting with the sample's time ("time", ISO 8601 UTC, then "epoch"
// seconds), then "kind" ("sample", "task" or "cgroup"), "host",
// "interval" (seconds), "boot" (a RESET sample: counters since boot),
// "hertz", "pagesize", "version" and "file" (Options.FileName).
//
// A sample object goes on with "flags" (the record flags by name, as
// "BOOT|ACCTACTIVE|IOSTAT") and the counts of struct rawrecord
// (ndeviat, nactproc, totproc, …) by their .h names; with System, the
// members of struct sstat follow as nested objects (cpu, mem, net, intf,
// dsk, …), arrays cut to the entries in use (cpu.cpu to nrcpu CPUs, or in
// 2.13 the online ones of the maxcpu slots; disks, interfaces, NFS mounts,
// containers, GPUs, InfiniBand ports, LLCs and NUMA nodes to their counts
// and to the first empty name).
//
// A task object goes on with the members of struct tstat (gen, cpu, dsk,
// mem, net, gpu), "cgroup": the path of the task's cgroup ("" when
// unknown, null before 2.11), and gen.excode decoded for an exited task
// (state E), null for the others: "exit_code", "signal", "core_dumped". A cgroup object goes on with "path", "pids"
// and the members of struct cstat.
//
// Field names are those of the version's .h files, case twins renamed
// (see TwinSuffix); integers are exact,
// char arrays are strings. Output is streamed: a few samples are held at
// a time, Options.Workers of them formatted at once, each written with one
// Write in input order (see Run). WriteJSON stops at the first write error
// and returns it.
func WriteJSON(w io.Writer, src Source, opts JSONOptions) error {
	return Run(w, src, opts.Options, func() atop.Job {
		var sj sampleJob
		o := opts
		o.Warn = sj.warn
		j := jsonWriter{w: &sj, opts: &o}
		return sj.job(j.sample, nil)
	})
}

type jsonWriter struct {
	w    io.Writer
	opts *JSONOptions
	buf  []byte
}

// rawrecordSkip are the rawrecord fields that a sample object does not
// repeat: the framing, and what it gives by other names.
var rawrecordSkip = map[string]bool{
	"curtime": true, "flags": true, "interval": true,
	"scomplen": true, "pcomplen": true, "ccomplen": true, "coriglen": true, "icomplen": true,
}

// sample writes the lines of one sample, in one Write.
func (j *jsonWriter) sample(s *atop.Sample) error {
	j.buf = j.opts.appendSample(j.buf[:0], s)
	if len(j.buf) == 0 {
		return nil
	}
	_, err := j.w.Write(j.buf)
	return err
}

// appendSample appends the JSON lines of sample s; its problems go to
// Warn. It keeps no state between samples.
func (o *JSONOptions) appendSample(dst []byte, s *atop.Sample) []byte {
	if o.System || !o.Tasks && !o.Cgroups {
		dst = o.appendSampleObject(dst, s)
	}
	if o.Tasks {
		dst = o.appendTasks(dst, s)
	}
	if o.Cgroups {
		dst = o.appendCgroups(dst, s)
	}
	return dst
}

// prefix starts an object: time, epoch, kind, host, interval, boot,
// hertz, pagesize, version, file.
func (o *JSONOptions) prefix(dst []byte, s *atop.Sample, kind string) []byte {
	dst = append(dst, `{"time":"`...)
	dst = s.Time.UTC().AppendFormat(dst, time.RFC3339)
	dst = append(dst, `","epoch":`...)
	dst = strconv.AppendInt(dst, s.Time.Unix(), 10)
	dst = append(dst, `,"kind":"`...)
	dst = append(dst, kind...)
	dst = append(dst, `","host":`...)
	dst = cstruct.AppendJSONString(dst, s.Header.Nodename)
	dst = append(dst, `,"interval":`...)
	dst = strconv.AppendInt(dst, int64(s.Interval/time.Second), 10)
	dst = append(dst, `,"boot":`...)
	dst = strconv.AppendBool(dst, s.Flags.Has(atop.FlagBoot))
	dst = append(dst, `,"hertz":`...)
	dst = strconv.AppendInt(dst, int64(s.Header.Hertz), 10)
	dst = append(dst, `,"pagesize":`...)
	dst = strconv.AppendInt(dst, int64(s.Header.PageSize), 10)
	dst = append(dst, `,"version":"`...)
	dst = append(dst, s.Header.Version.String()...)
	dst = append(dst, `","file":`...)
	dst = cstruct.AppendJSONString(dst, o.fileName(s.Header))
	return dst
}

func (o *JSONOptions) appendSampleObject(b []byte, s *atop.Sample) []byte {
	spec := s.Header.Spec()
	b = o.prefix(b, s, "sample")
	b = append(b, `,"flags":`...)
	b = cstruct.AppendJSONString(b, flagNames(s.Flags))
	b = jsonProgOf(spec, s.Record, o.Reserved, true).appendJSON(b, s.Record.Bytes(), s.Record)
	if o.System {
		sys, err := s.System()
		if err != nil {
			o.warn(err)
		} else {
			b = jsonProgOf(spec, sys, o.Reserved, false).appendJSON(b, sys.Bytes(), sys)
		}
	}
	return append(b, "}\n"...)
}

func (o *JSONOptions) appendTasks(b []byte, s *atop.Sample) []byte {
	tasks, err := s.Tasks()
	if err != nil {
		o.warn(err)
		return b
	}
	if len(tasks) == 0 {
		return b
	}
	p := jsonProgOf(s.Header.Spec(), tasks[0].Value(), o.Reserved, false)
	withCgroup := s.Header.CStatLen > 0
	// the prefix is the same for every task of the sample
	start := len(b)
	b = o.prefix(b, s, "task")
	pre := len(b) - start
	for k, t := range tasks {
		if k > 0 {
			b = append(b, b[start:start+pre]...)
		}
		v := t.Value()
		b = p.appendJSON(b, v.Bytes(), v)
		b = append(b, `,"cgroup":`...)
		if withCgroup {
			b = cstruct.AppendJSONString(b, cgroupOf(s, t))
		} else {
			b = append(b, "null"...)
		}
		ex := decodeExit(t)
		b = append(b, `,"exit_code":`...)
		b = appendOptInt(b, ex.exited && !ex.killed, ex.code)
		b = append(b, `,"signal":`...)
		b = appendOptInt(b, ex.killed, ex.signal)
		b = append(b, `,"core_dumped":`...)
		if ex.exited {
			b = strconv.AppendBool(b, ex.core)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, "}\n"...)
	}
	return b
}

// cgroupOf is the path of a task's cgroup (2.11+; a thread's is its
// process's), "" when unknown.
func cgroupOf(s *atop.Sample, t atop.Task) string {
	pid := t.PID()
	if !t.IsProcess() {
		pid = t.TGID()
	}
	if cg, ok := s.CgroupOf(pid); ok {
		return cg.Path
	}
	return ""
}

func (o *JSONOptions) appendCgroups(b []byte, s *atop.Sample) []byte {
	cgs, err := s.Cgroups()
	if err != nil {
		o.warn(err)
		return b
	}
	for i := range cgs {
		cg := &cgs[i]
		b = o.prefix(b, s, "cgroup")
		b = append(b, `,"path":`...)
		b = cstruct.AppendJSONString(b, cg.Path)
		b = append(b, `,"pids":[`...)
		for k, p := range cg.PIDs {
			if k > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(p), 10)
		}
		b = append(b, ']')
		b = jsonProgOf(s.Header.Spec(), cg.Value, o.Reserved, false).appendJSON(b, cg.Value.Bytes(), cg.Value)
		b = append(b, "}\n"...)
	}
	return b
}

// flagNames is the record flags by name, "" for none.
func flagNames(f atop.Flags) string {
	if f == 0 {
		return ""
	}
	return f.String()
}
