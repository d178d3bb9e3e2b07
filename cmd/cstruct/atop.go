package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
	"github.com/cstructgo/cstruct/atop/parseable"
)

// AtopCmd is "cstruct atop": atop raw logs of any version 2.3-2.13.
type AtopCmd struct {
	Info      AtopInfoCmd      `cmd:"" help:"Describe raw logs: version, host, kernel, samples, first and last time, restarts, flags, torn tail, corrupt samples."`
	JSON      AtopJSONCmd      `cmd:"" name:"json" help:"Samples, tasks or cgroups as JSON lines (for jq, DuckDB, Elastic, Splunk)."`
	CSV       AtopCSVCmd       `cmd:"" name:"csv" help:"Tasks, a group of system statistics or cgroups as CSV with a header row."`
	Columns   AtopColumnsCmd   `cmd:"" help:"List the columns of csv and parquet for these logs: name, type (DuckDB's) and .h path; the union over their versions."`
	Parquet   AtopParquetCmd   `cmd:"" name:"parquet" help:"The rows of csv as typed Parquet: one file, or a Hive-partitioned dataset by host and date (DuckDB, Spark, Trino, Polars)."`
	Timeline  AtopTimelineCmd  `cmd:"" help:"Process starts, execs and exits, deduplicated across samples and files and sorted by time (Timesketch JSON lines or CSV)."`
	Parseable AtopParseableCmd `cmd:"" help:"What atop -P LABELS -r FILE prints, byte for byte (also: cstruct atop -P LABELS -r FILE)."`
	AtopJSON  AtopAtopJSONCmd  `cmd:"" name:"atopjson" help:"What atop -J LABELS -r FILE prints, byte for byte (also: cstruct atop -J LABELS -r FILE); atop 2.8's shape for 2.3-2.7 logs."`
	Defs      AtopDefsCmd      `cmd:"" help:"List the atop versions the embedded definitions cover; export them to edit (then --defs DIR)."`
}

// atopInput is what every verb that reads logs takes.
type atopInput struct {
	Begin       string   `short:"b" name:"begin" placeholder:"TIME" help:"Skip samples before TIME: [YYYYMMDD]hhmm[ss] in local time (a bare hhmm is on the day of the first sample), ISO 8601 (2026-11-25T21:13:08Z) or @EPOCH."`
	End         string   `short:"e" name:"end" placeholder:"TIME" help:"Skip samples after TIME (same forms as --begin)."`
	Defs        string   `name:"defs" placeholder:"DIR" help:"Read the struct definitions (and parseable descriptions) from DIR/VERSION/ instead of the embedded ones (see 'cstruct atop defs --export')."`
	Define      []string `short:"D" name:"define" sep:"none" placeholder:"NAME=VALUE" help:"Predefine a macro for the definitions, e.g. -D MAXCPU=8192 for an atop built with another limit."`
	Strict      bool     `name:"strict" help:"Do not infer the limits of an atop built with others (MAXCPU, MAXDSK, ...) from the sizes a log records: refuse such a log."`
	Resync      bool     `name:"resync" help:"Skip garbage in a damaged log to the next plausible sample (with a warning) instead of stopping there."`
	MaxInflated int64    `name:"max-inflated" default:"0" placeholder:"MIB" help:"Most MiB one part of a sample (its tasks, its cgroups) may inflate to; a larger part is skipped with a warning. 0 means 32 (33 000 tasks of atop 2.13)."`
	Workers     int      `name:"workers" default:"0" placeholder:"N" help:"Samples to format at once (json, csv, parseable): 0 for one per CPU (at most 8), 1 for one at a time. The output is the same."`
	Files       []string `arg:"" name:"FILE" type:"file" help:"Raw logs (plain or gzipped), read in the order given; a directory for every atop log under it; a quoted glob ('atop_2026*'); - for stdin."`
	Quiet       bool     `short:"q" name:"quiet" help:"No progress bar (it is shown on a terminal only, for inputs of more than 64 MB)."`
}

func (in *atopInput) options() *atop.Options {
	softMemoryLimit()
	o := &atop.Options{DefsDir: in.Defs, Resync: in.Resync, Strict: in.Strict, MaxInflated: in.MaxInflated << 20}
	for _, d := range in.Define {
		name, value, ok := strings.Cut(d, "=")
		if !ok {
			value = "1"
		}
		if o.Defines == nil {
			o.Defines = map[string]string{}
		}
		o.Defines[name] = value
	}
	return o
}

// memoryLimit is the soft limit of the Go heap while logs are read, unless
// GOMEMLIMIT says otherwise: the limits of the reader (MaxInflated) and the
// pipeline keep what is live well below it, and the collector then keeps
// the garbage of huge samples from taking the process over 256 MB.
const memoryLimit = 192 << 20

func softMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		memoryLimitAtMost(memoryLimit)
	}
}

// exportOptions gives the window and a Warn that reports on stderr.
func (in *atopInput) exportOptions(r *reporter) (export.Options, error) {
	var o export.Options
	var err error
	if in.Begin != "" {
		if o.Window.Begin, err = export.ParseTime(in.Begin, time.Local); err != nil {
			return o, fmt.Errorf("--begin: %w", err)
		}
	}
	if in.End != "" {
		if o.Window.End, err = export.ParseTime(in.End, time.Local); err != nil {
			return o, fmt.Errorf("--end: %w", err)
		}
	}
	o.Warn = r.report
	o.Workers = in.Workers
	r.resync = in.Resync
	return o, nil
}

// source reads the files one after the other, as atop.MultiReader does,
// and reads stdin for "-".
func (in *atopInput) source(e *env) *fileSource {
	return &fileSource{e: e, opts: in.options(), names: in.Files}
}

// fileSource is a multi-file export.Source that knows "-". Like
// atop.MultiReader, an error ends one file only and comes as a
// *atop.FileError.
type fileSource struct {
	e     *env
	hn    *headerNames
	wrap  func(io.ReadCloser) io.ReadCloser // counts the bytes read (progress)
	opts  *atop.Options
	names []string
	next  int
	cur   *atop.Reader
	close func() error
	name  string
	notes map[string]bool // inferred limits already reported
}

func (f *fileSource) Next() (*atop.Sample, error) {
	for {
		if f.cur == nil {
			if f.next >= len(f.names) {
				return nil, io.EOF
			}
			f.name = f.names[f.next]
			f.next++
			r, closer, err := f.open(f.name)
			if err != nil {
				return nil, &atop.FileError{Name: f.name, Err: err}
			}
			f.cur, f.close = r, closer
			if f.hn != nil {
				f.hn.add(r.Header(), f.name)
			}
		}
		s, err := f.cur.Next()
		switch {
		case err == nil:
			return s, nil
		case atop.IsWarning(err):
			return nil, &atop.FileError{Name: f.name, Err: err}
		}
		f.Close()
		if err != io.EOF {
			return nil, &atop.FileError{Name: f.name, Err: err}
		}
	}
}

func (f *fileSource) open(name string) (*atop.Reader, func() error, error) {
	rc, err := f.e.openInput(name)
	if err != nil {
		return nil, nil, err
	}
	if f.wrap != nil && name != "-" {
		rc = f.wrap(rc)
	}
	r, err := f.opts.NewReader(rc)
	if err != nil {
		rc.Close()
		return nil, nil, err
	}
	r.SetFile(name)
	f.noteInferred(r.Header())
	return r, func() error { r.Close(); return rc.Close() }, nil
}

// Close closes the file being read.
func (f *fileSource) Close() error {
	if f.cur == nil {
		return nil
	}
	err := f.close()
	f.cur, f.close = nil, nil
	return err
}

// reporter prints problems on stderr as they come: warnings (a torn tail,
// a corrupt sample, skipped garbage) and failures (an unreadable input).
// Warnings leave the exit status 0, failures make it 1.
type reporter struct {
	e        *env
	resync   bool // --resync was given
	failures int
}

func (r *reporter) report(err error) {
	if export.IsWarning(err) {
		hint := ""
		if le := (*atop.LimitError)(nil); errors.As(err, &le) {
			hint = " (--max-inflated MIB reads it)"
		}
		fmt.Fprintln(r.e.stderr, "cstruct: warning:", err.Error()+hint)
		return
	}
	r.failures++
	hint := ""
	if fe := (*atop.FormatError)(nil); errors.As(err, &fe) && !r.resync {
		hint = " (--resync reads the samples after it)"
	}
	fmt.Fprintln(r.e.stderr, "cstruct:", err.Error()+hint)
}

func (r *reporter) warn(format string, args ...any) {
	fmt.Fprintf(r.e.stderr, "cstruct: warning: "+format+"\n", args...)
}

// done is the result of a verb: err if it failed, else a warningsError
// when failures were reported.
func (r *reporter) done(err error) error {
	if err != nil {
		return err
	}
	if r.failures > 0 {
		return warningsError{r.failures}
	}
	return nil
}

// AtopJSONCmd is "cstruct atop json".
type AtopJSONCmd struct {
	Tasks    bool `name:"tasks" help:"One object per task (process or thread) per sample: the sample's time, then struct tstat by its .h names."`
	System   bool `name:"system" help:"Sample objects carry the whole struct sstat, arrays cut to the entries in use."`
	Cgroups  bool `name:"cgroups" help:"One object per cgroup per sample (atop 2.11+)."`
	Reserved bool `name:"reserved" help:"Keep the reserved (*future*) fields."`
	atopInput
}

// Run writes the JSON lines.
func (c *AtopJSONCmd) Run(e *env) error {
	return c.export(e, c.Reserved, func(src export.Source, o export.Options) error {
		return export.WriteJSON(e.stdout, src, export.JSONOptions{Options: o, System: c.System, Tasks: c.Tasks, Cgroups: c.Cgroups})
	})
}

// export runs one of the export writers over the input files (a
// directory for the logs under it), with the window, the file names of
// the rows and the warnings on stderr.
func (in *atopInput) export(e *env, reserved bool, write func(export.Source, export.Options) error) error {
	r := &reporter{e: e}
	o, err := in.exportOptions(r)
	if err != nil {
		return err
	}
	if in.Files, err = expandFiles(in.Files); err != nil {
		return err
	}
	o.Reserved = reserved
	src := in.source(e)
	src.hn = &headerNames{}
	o.FileName = src.hn.name
	defer src.Close()
	defer in.startProgress(e, src)()
	return r.done(write(src, o))
}

// AtopCSVCmd is "cstruct atop csv".
type AtopCSVCmd struct {
	Tasks    bool   `name:"tasks" xor:"what" required:"" help:"One row per task (process or thread) per sample."`
	System   string `name:"system" xor:"what" required:"" placeholder:"GROUP" help:"One row per sample, or per element for per-CPU/disk/interface groups, of a group of struct sstat: cpu, percpu, mem, net, intf, dsk, mdd, lvm, memnuma, cpunuma, nfs, nfsmnt, cfs, psi, gpu, ifb, llc, www (or a dotted path in sstat such as net.tcp)."`
	Cgroups  bool   `name:"cgroups" xor:"what" required:"" help:"One row per cgroup per sample (atop 2.11+)."`
	Reserved bool   `name:"reserved" help:"Keep the reserved (*future*) fields."`
	atopInput
}

// Run writes the CSV.
func (c *AtopCSVCmd) Run(e *env) error {
	return c.export(e, c.Reserved, func(src export.Source, o export.Options) error {
		return export.WriteCSV(e.stdout, src, export.CSVOptions{Options: o, Tasks: c.Tasks, System: c.System, Cgroups: c.Cgroups, Headers: c.headers(e)})
	})
}

// Help lists the system groups.
func (c *AtopCSVCmd) Help() string {
	var b strings.Builder
	b.WriteString("Groups of --system (one row per ...):\n\n")
	for _, g := range export.SystemGroups() {
		fmt.Fprintf(&b, "  %-8s %-22s %s\n", g.Name, g.Path, g.Rows)
	}
	return b.String()
}

// Examples are the end of --help.
func (c *AtopCSVCmd) Examples() string {
	return `Examples:

  cstruct atop csv --tasks /var/log/atop/atop_20261125 > tasks.csv
  cstruct atop csv --system percpu /var/log/atop/ > percpu.csv
  cstruct atop csv --system dsk -b 0900 -e 1700 /var/log/atop/atop_20261125.gz`
}

// AtopTimelineCmd is "cstruct atop timeline".
type AtopTimelineCmd struct {
	Format string `name:"format" enum:"jsonl,csv" default:"jsonl" help:"Output format: jsonl (Timesketch: datetime, timestamp, timestamp_desc, message first) or csv."`
	atopInput
}

// Run collects the processes and writes their events.
func (c *AtopTimelineCmd) Run(e *env) error {
	r := &reporter{e: e}
	o, err := c.exportOptions(r)
	if err != nil {
		return err
	}
	if c.Files, err = expandFiles(c.Files); err != nil {
		return err
	}
	src := c.source(e)
	defer src.Close()
	done := c.startProgress(e, src)
	tl, err := export.CollectTimeline(src, o)
	done()
	if err != nil {
		return err
	}
	if tl.AcctOff > 0 {
		r.warn("process accounting was off in %d of %d samples (the first at %s): processes that started and ended between two samples are missing, and exits are not known",
			tl.AcctOff, tl.Samples, tl.FirstAcctOff.UTC().Format(time.RFC3339))
	}
	if c.Format == "csv" {
		err = tl.WriteCSV(e.stdout)
	} else {
		err = tl.WriteJSON(e.stdout)
	}
	return r.done(err)
}

// AtopInfoCmd is "cstruct atop info".
type AtopInfoCmd struct {
	JSON  bool `name:"json" help:"One JSON object per file instead of text."`
	Quick bool `name:"quick" help:"Do not inflate every sample to look for corrupt ones."`
	atopInput
}

// Run describes each file.
func (c *AtopInfoCmd) Run(e *env) error {
	r := &reporter{e: e}
	o, err := c.exportOptions(r)
	if err != nil {
		return err
	}
	if c.Files, err = expandFiles(c.Files); err != nil {
		return err
	}
	for i, name := range c.Files {
		src := &fileSource{e: e, opts: c.options()}
		rd, closer, err := src.open(name)
		if err != nil {
			r.report(&atop.FileError{Name: name, Err: err})
			continue
		}
		in, err := export.ReadInfo(rd, name, o, c.Quick)
		closer()
		if err != nil {
			r.report(&atop.FileError{Name: name, Err: err})
		}
		if !c.JSON && i > 0 {
			if _, err := e.stdout.WriteString("\n"); err != nil {
				return err
			}
		}
		if c.JSON {
			err = in.WriteJSON(e.stdout)
		} else {
			err = in.WriteText(e.stdout)
		}
		if err != nil {
			return err
		}
	}
	return r.done(nil)
}

// AtopParseableCmd is "cstruct atop parseable".
type AtopParseableCmd struct {
	Labels          []string `short:"P" name:"labels" required:"" sep:"none" placeholder:"LABEL[,LABEL...]" help:"Labels to print, as atop -P takes them (CPU,PRG or ALL); repeatable."`
	SpaceUnderscore bool     `short:"Z" name:"space-underscore" help:"As atop -Z (2.7+): spaces in names and command lines as underscores, no parentheses."`
	atopInput
}

// Run prints the samples as atop -P does.
func (c *AtopParseableCmd) Run(e *env) error {
	r := &reporter{e: e}
	o, err := c.exportOptions(r)
	if err != nil {
		return err
	}
	popts := parseable.Options{Labels: c.Labels, SpaceUnderscore: c.SpaceUnderscore, DefsDir: c.Defs}
	if c.Files, err = expandFiles(c.Files); err != nil {
		return err
	}
	src := c.source(e)
	defer src.Close()
	defer c.startProgress(e, src)()
	return r.done(export.Run(e.stdout, src, o, parseable.Jobs(popts)))
}

// rewriteAtopArgs turns atop's own spelling, "cstruct atop -P LABELS -r
// FILE [-Z] [-b TIME] [-e TIME]", into "cstruct atop parseable -P LABELS
// [-Z] ... FILE". Other arguments come back unchanged.
func rewriteAtopArgs(args []string) []string {
	if len(args) < 2 || args[0] != "atop" || !strings.HasPrefix(args[1], "-") {
		return args
	}
	var labels, files, rest []string
	long := map[string]string{"-b": "--begin", "-e": "--end", "--begin": "--begin", "--end": "--end", "--defs": "--defs", "-D": "--define", "--define": "--define"}
	for i := 1; i < len(args); i++ {
		a := args[i]
		next := func() (string, bool) {
			if i+1 >= len(args) {
				return "", false
			}
			i++
			return args[i], true
		}
		switch {
		case a == "-P":
			v, ok := next()
			if !ok {
				return args
			}
			labels = append(labels, v)
		case strings.HasPrefix(a, "-P"):
			labels = append(labels, a[2:])
		case a == "-r":
			v, ok := next()
			if !ok {
				return args
			}
			files = append(files, v)
		case strings.HasPrefix(a, "-r") && !strings.HasPrefix(a, "--"):
			files = append(files, a[2:])
		case long[a] != "":
			v, ok := next()
			if !ok {
				return args
			}
			rest = append(rest, long[a]+"="+v)
		case (strings.HasPrefix(a, "-b") || strings.HasPrefix(a, "-e")) && !strings.HasPrefix(a, "--"):
			rest = append(rest, long[a[:2]]+"="+a[2:])
		case strings.HasPrefix(a, "-"):
			rest = append(rest, a) // -Z, --defs=DIR, --resync, -h
		default:
			return args // atop's interval and count, or a verb: not this spelling
		}
	}
	if len(labels) == 0 || len(files) == 0 {
		return args
	}
	out := []string{"atop", "parseable"}
	for _, l := range labels {
		out = append(out, "--labels="+l)
	}
	out = append(out, rest...)
	out = append(out, "--")
	return append(out, files...)
}
