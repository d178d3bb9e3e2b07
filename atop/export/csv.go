package export

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
)

// CSVOptions say what WriteCSV writes: exactly one of Tasks, System and
// Cgroups.
type CSVOptions struct {
	Options
	// Headers, when set, are the headers of every file of the source: the
	// columns are then the union of their versions' (see WriteCSV).
	Headers []*atop.Header
	Tasks   bool   // one row per task (process or thread) per sample
	System  string // a group of struct sstat (see SystemGroups)
	Cgroups bool   // one row per cgroup per sample (2.11+)
}

// Group is a group of struct sstat that WriteCSV can write.
type Group struct {
	Name string // as CSVOptions.System takes it
	Path string // the dotted path in struct sstat
	Rows string // what a row is
}

var groups = []Group{
	{"cpu", "cpu", "sample (all CPUs: cpu.all, load averages, context switches)"},
	{"percpu", "cpu.cpu", "CPU"},
	{"mem", "mem", "sample"},
	{"net", "net", "sample (IP, ICMP, UDP, TCP counters)"},
	{"intf", "intf.intf", "network interface"},
	{"dsk", "dsk.dsk", "disk"},
	{"mdd", "dsk.mdd", "MD device"},
	{"lvm", "dsk.lvm", "LVM volume"},
	{"memnuma", "memnuma.numa", "NUMA node (memory; 2.7+)"},
	{"cpunuma", "cpunuma.numa", "NUMA node (CPU; 2.7+)"},
	{"nfs", "nfs", "sample (NFS server and client)"},
	{"nfsmnt", "nfs.nfsmounts.nfsmnt", "NFS mount"},
	{"cfs", "cfs.cont", "OpenVZ container"},
	{"psi", "psi", "sample (pressure stall information; 2.4+)"},
	{"gpu", "gpu.gpu", "GPU (2.4+)"},
	{"ifb", "ifb.ifb", "InfiniBand port (2.4+)"},
	{"llc", "llc.perllc", "last-level cache (2.8+)"},
	{"www", "www", "sample (web server)"},
}

// SystemGroups lists the groups of struct sstat by name. CSVOptions.System
// also takes the dotted path of any struct or array of structs in sstat
// ("net.tcp", "cpu.all").
func SystemGroups() []Group { return slices.Clone(groups) }

// WriteCSV writes the samples of src as CSV with a header row: the columns
// of WriteJSON flattened to dotted names (gen.pid, cpu.utime), after the
// sample's columns: "time" (ISO 8601 UTC), "epoch", "host", "interval",
// "boot" (a RESET sample: counters since boot), "hertz", "pagesize",
// "version" and "file" (see Options.FileName).
//
// With Tasks, a row per task, ending with "cgroup" (2.11+) and the exit
// status decoded: "exit_code", "signal", "core_dumped". With System, a row
// per sample for a group of plain fields (cpu, mem, net, …), or a row per
// element in use for the groups that are arrays (percpu, dsk, intf, …),
// then with an "index" column, the element's slot. With Cgroups, a row per
// cgroup with its "path" and "pids" (separated by spaces).
//
// Names are unique regardless of case (see TwinSuffix). Text is valid
// UTF-8 without control characters (see EscapeText).
//
// With Headers (one per file of src), the columns are the union of their
// versions' columns (Columns): a row of a version without a column leaves
// it empty. Without, the columns are those of the first file's version; a
// later file of another version fills the columns it has by name, and its
// other columns are left out, with a warning.
func WriteCSV(w io.Writer, src Source, opts CSVOptions) error {
	if err := opts.check(); err != nil {
		return err
	}
	shared := &tableState{plans: map[cstruct.Type]*plan{}}
	if len(opts.Headers) > 0 {
		cols, err := Columns(opts.Headers, opts)
		if err != nil {
			return err
		}
		shared.union = colNames(cols)
	}
	return runTable(w, src, opts, shared)
}

// check checks that exactly one kind of rows is asked for.
func (opts *CSVOptions) check() error {
	n := 0
	for _, on := range []bool{opts.Tasks, opts.System != "", opts.Cgroups} {
		if on {
			n++
		}
	}
	if n != 1 {
		return errors.New("export: CSV needs exactly one of tasks, a system group, cgroups")
	}
	if opts.System != "" {
		if _, err := lookupGroup(opts.System); err != nil {
			return err
		}
	}
	return nil
}

// runTable runs the tables of a CSV, writing to w (the CSV, or the rows
// for WriteParquet).
func runTable(w io.Writer, src Source, opts CSVOptions, shared *tableState) error {
	var group Group
	if opts.System != "" {
		group, _ = lookupGroup(opts.System)
	}
	return Run(w, src, opts.Options, func() atop.Job {
		var sj sampleJob
		o := opts
		o.Warn = sj.warn
		t := &table{opts: &o, group: group, shared: shared,
			plans: map[cstruct.Type]*plan{}, inOrder: sj.inOrder}
		walk := t.walker()
		// the rows of a sample go straight into the job's output
		return func(dst []byte, s *atop.Sample, step *atop.Step) ([]byte, error) {
			sj.step, t.buf = step, dst
			err := walk(s, t)
			out := t.buf
			sj.step, t.buf = nil, nil
			return out, err
		}
	})
}

func lookupGroup(name string) (Group, error) {
	for _, g := range groups {
		if g.Name == name || g.Path == name {
			return g, nil
		}
	}
	if name != "" && !strings.ContainsAny(name, " ,") {
		return Group{Name: name, Path: name}, nil
	}
	names := make([]string, len(groups))
	for i, g := range groups {
		names[i] = g.Name
	}
	return Group{}, fmt.Errorf("export: unknown system group %q (groups: %s)", name, strings.Join(names, ", "))
}

// A table appends rows whose columns come from the first plan to buf, the
// output of the sample at hand. Each worker of WriteCSV has its own table;
// they share the header and the plans.
type table struct {
	opts    *CSVOptions
	group   Group
	shared  *tableState
	plans   map[cstruct.Type]*plan // the plans this table has had from shared
	inOrder func(func()) error     // runs its function in input order
	buf     []byte
	adds    []tcell // the fields the export adds to this sample's rows

	fixedText  [][]byte // the cells, encoded
	fbuf, tbuf []byte   // of the leading and the trailing cells
	ends       []int
}

// tableState is what the tables of a CSV share. It changes only at the
// first sample of each struct type, in input order (table.inOrder).
type tableState struct {
	header []string
	union  []string // the header to write, when known in advance
	plans  map[cstruct.Type]*plan
}

// reportedError is a plan that failed after the first: reported once,
// and its rows are left out.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }
func (e *reportedError) Unwrap() error { return e.err }

// A plan is how rows of one struct type (one atop version) fill the
// header's columns.
type plan struct {
	fixed   []Column     // the leading columns, from the caller
	cols    []column     // of the struct
	extra   []Column     // the trailing columns, from the caller
	cprefix string       // system groups: the group's path and a dot
	src     []int        // per header column: index in fixed+cols+extra, or -1
	err     error        // the group does not exist in this version
	parent  []int        // system groups: path to the struct holding the group
	node    *node        // system groups: the group
	ops     [2][]csvOp   // cols compiled, per byte order (little, big)
	once    [2]sync.Once // compiles ops: the workers of a CSV share plans
}

// plan returns the plan of struct type typ, made by build the first time.
// A type whose plan fails is reported once and its rows are left out (a
// *reportedError), unless it is the first: then the error ends the export.
// Plans are made in input order, so the first sample of a type in the
// input makes it, and the first of all makes the header, whatever the
// number of workers; a table that has had a plan needs no turn for it.
func (t *table) plan(typ cstruct.Type, s *atop.Sample) (*plan, error) {
	if p, ok := t.plans[typ]; ok {
		if p.err != nil {
			return p, &reportedError{p.err} // had it been the first, the export would have ended
		}
		return p, nil
	}
	var (
		p   *plan
		err error
	)
	if oerr := t.inOrder(func() { p, err = t.sharedPlan(typ, s) }); oerr != nil {
		return nil, oerr
	}
	if err == nil || p.err != nil {
		t.plans[typ] = p
	}
	return p, err
}

// sharedPlan is plan in input order, on the shared state.
func (t *table) sharedPlan(typ cstruct.Type, s *atop.Sample) (*plan, error) {
	sh := t.shared
	if p, ok := sh.plans[typ]; ok {
		if p.err != nil {
			return p, &reportedError{p.err}
		}
		return p, nil
	}
	p := &plan{}
	sh.plans[typ] = p
	if p.err = buildPlan(p, s.Header, typ, t.opts, t.group); p.err != nil {
		if sh.header == nil && sh.union == nil {
			return p, p.err
		}
		if sh.union != nil {
			p.err = &versionWarning{fmt.Errorf("%w (its samples have no such rows)", p.err)}
		}
		t.opts.warn(p.err)
		return p, &reportedError{p.err}
	}
	names := colNames(p.columns())
	if sh.header == nil && sh.union != nil {
		sh.header = sh.union
		if err := t.write(sh.header); err != nil {
			return p, err
		}
	}
	if sh.header == nil {
		sh.header = names
		for i := range names {
			p.src = append(p.src, i)
		}
		return p, t.write(sh.header)
	}
	at := make(map[string]int, len(names))
	for i, n := range names {
		at[n] = i
	}
	used := make([]bool, len(names))
	for _, h := range sh.header {
		i, ok := at[h]
		if !ok {
			i = -1
		} else {
			used[i] = true
		}
		p.src = append(p.src, i)
	}
	var dropped []string
	for i, u := range used { // none when the union covers every version
		if !u {
			dropped = append(dropped, names[i])
		}
	}
	if len(dropped) > 0 {
		t.opts.warn(fmt.Errorf("export: atop %s log (host %s): %d columns not in the CSV header are left out: %s",
			s.Header.Version, s.Header.Nodename, len(dropped), strings.Join(dropped, ", ")))
	}
	return p, nil
}

// write appends a row of fields as encoding/csv writes it.
func (t *table) write(rec []string) error {
	for i, f := range rec {
		if i > 0 {
			t.buf = append(t.buf, ',')
		}
		t.buf = appendCSVField(t.buf, []byte(f))
	}
	t.buf = append(t.buf, '\n')
	return nil
}

// opsFor returns the compiled columns of p for rows like v.
func (p *plan) opsFor(s *atop.Sample, v cstruct.Value) []csvOp {
	be := 0
	if v.ByteOrder() == binary.BigEndian {
		be = 1
	}
	p.once[be].Do(func() { p.ops[be] = compileColumns(s.Header.Spec(), v, p.cols) })
	return p.ops[be]
}

// row appends one row: the leading and trailing fields (encoded) from
// t.fixedText, the columns read from struct value v.
func (t *table) row(p *plan, ops []csvOp, v cstruct.Value) {
	nf, nc := len(p.fixed), len(p.cols)
	b := v.Bytes()
	for k, i := range p.src {
		if k > 0 {
			t.buf = append(t.buf, ',')
		}
		switch {
		case i < 0:
		case i < nc+nf && i >= nf:
			t.buf = ops[i-nf].appendCSV(t.buf, b, v)
		case i < nf:
			t.buf = append(t.buf, t.fixedText[i]...)
		default:
			t.buf = append(t.buf, t.fixedText[i-nc]...)
		}
	}
	t.buf = append(t.buf, '\n')
}

// exitStatus is a task's gen.excode decoded, as wait(2) encodes it.
type exitStatus struct {
	exited, killed bool // state E; killed by a signal
	code, signal   int
	core           bool
}

func decodeExit(t atop.Task) exitStatus {
	if t.State() != 'E' {
		return exitStatus{}
	}
	ex := t.RawExitCode()
	if ex&0x7f != 0 {
		return exitStatus{exited: true, killed: true, signal: int(ex & 0x7f), core: ex&0x80 != 0}
	}
	return exitStatus{exited: true, code: int(ex>>8) & 0xff}
}

// versionWarning is a difference between the versions of a multi-version
// export: a version without rows of the kind asked for (a system group it
// lacks), a column whose type differs. A warning.
type versionWarning struct{ err error }

func (e *versionWarning) Error() string { return e.err.Error() }
func (e *versionWarning) Unwrap() error { return e.err }

// buildPlan fills the columns of plan p, for rows of struct type typ of
// the version of header h.
func buildPlan(p *plan, h *atop.Header, typ cstruct.Type, opts *CSVOptions, group Group) error {
	switch {
	case opts.Tasks:
		p.fixed = sampleCols
		p.cols = flatten(schemaOf(typ, opts.Reserved), "", nil)
		p.extra = taskCols
	case opts.Cgroups:
		p.fixed = append(slices.Clone(sampleCols), Column{Name: "path", Type: TypeVarchar}, Column{Name: "pids", Type: TypeVarchar})
		p.cols = flatten(schemaOf(typ, opts.Reserved), "", nil)
	default:
		n, parent, err := findNode(schemaOf(typ, opts.Reserved), group.Path)
		if err != nil {
			return fmt.Errorf("export: atop %s: %w", h.Version, err)
		}
		p.node, p.parent = n, parent
		p.fixed = sampleCols
		if n.kind == arrayNode {
			p.fixed = append(slices.Clone(sampleCols), Column{Name: "index", Type: TypeBigint})
		}
		p.cols = flatten(n.children, "", nil)
		p.cprefix = group.Path + "."
	}
	return nil
}

// findNode finds the struct or array of structs at a dotted path, and the
// field indexes of the struct that holds it.
func findNode(fields []*node, path string) (*node, []int, error) {
	var parent []int
	parts := strings.Split(path, ".")
	for k, name := range parts {
		var found *node
		for _, n := range fields {
			if n.name == name {
				found = n
				break
			}
		}
		if found == nil || found.kind == leafNode {
			return nil, nil, fmt.Errorf("struct sstat has no group %s", path)
		}
		if k == len(parts)-1 {
			return found, parent, nil
		}
		if found.kind != structNode {
			return nil, nil, fmt.Errorf("struct sstat has no group %s", path)
		}
		parent = append(parent, found.path...)
		fields = found.children
	}
	return nil, nil, fmt.Errorf("struct sstat has no group %s", path)
}
