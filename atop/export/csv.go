package export

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
)

// CSVOptions say what WriteCSV writes: exactly one of Tasks, System and
// Cgroups.
type CSVOptions struct {
	Options
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
// sample's "time" (ISO 8601 UTC), "epoch", "host" and "interval".
//
// With Tasks, a row per task; from 2.11 on a last column "cgroup". With
// System, a row per sample for a group of plain fields (cpu, mem, net, …),
// or a row per element in use for the groups that are arrays (percpu, dsk,
// intf, …), then with an "index" column, the element's slot. With
// Cgroups, a row per cgroup with its "path" and "pids" (separated by
// spaces).
//
// The columns are those of the first file's atop version. A later file of
// another version fills the columns it has by name; its other columns are
// left out, with a warning.
func WriteCSV(w io.Writer, src Source, opts CSVOptions) error {
	n := 0
	for _, on := range []bool{opts.Tasks, opts.System != "", opts.Cgroups} {
		if on {
			n++
		}
	}
	if n != 1 {
		return errors.New("export: CSV needs exactly one of tasks, a system group, cgroups")
	}
	var group Group
	if !opts.Tasks && !opts.Cgroups {
		g, err := lookupGroup(opts.System)
		if err != nil {
			return err
		}
		group = g
	}
	shared := &tableState{plans: map[cstruct.Type]*plan{}}
	return Run(w, src, opts.Options, func() atop.Job {
		var sj sampleJob
		o := opts
		o.Warn = sj.warn
		t := &table{cw: csv.NewWriter(&sj), opts: &o, group: group, shared: shared,
			plans: map[cstruct.Type]*plan{}, inOrder: sj.inOrder}
		var fn func(*atop.Sample) error
		switch {
		case opts.Tasks:
			fn = t.tasks
		case opts.Cgroups:
			fn = t.cgroups
		default:
			fn = t.system
		}
		return sj.job(fn, func() error {
			t.cw.Flush()
			return t.cw.Error()
		})
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

// A table writes rows whose columns come from the first plan. Each worker
// of WriteCSV has its own table; they share the header and the plans.
type table struct {
	cw      *csv.Writer
	opts    *CSVOptions
	group   Group
	shared  *tableState
	plans   map[cstruct.Type]*plan // the plans this table has had from shared
	inOrder func(func()) error     // runs its function in input order
	rec     []string
	buf     []byte
}

// tableState is what the tables of a CSV share. It changes only at the
// first sample of each struct type, in input order (table.inOrder).
type tableState struct {
	header []string
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
	fixed  []string // the leading columns, from the caller
	cols   []column // of the struct
	extra  []string // the trailing columns, from the caller
	src    []int    // per header column: index in fixed+cols+extra, or -1
	err    error    // the group does not exist in this version
	parent []int    // system groups: path to the struct holding the group
	node   *node    // system groups: the group
}

// plan returns the plan of struct type typ, made by build the first time.
// A type whose plan fails is reported once and its rows are left out (a
// *reportedError), unless it is the first: then the error ends the export.
// Plans are made in input order, so the first sample of a type in the
// input makes it, and the first of all makes the header, whatever the
// number of workers; a table that has had a plan needs no turn for it.
func (t *table) plan(typ cstruct.Type, s *atop.Sample, build func(*plan) error) (*plan, error) {
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
	if oerr := t.inOrder(func() { p, err = t.sharedPlan(typ, s, build) }); oerr != nil {
		return nil, oerr
	}
	if err == nil || p.err != nil {
		t.plans[typ] = p
	}
	return p, err
}

// sharedPlan is plan in input order, on the shared state.
func (t *table) sharedPlan(typ cstruct.Type, s *atop.Sample, build func(*plan) error) (*plan, error) {
	sh := t.shared
	if p, ok := sh.plans[typ]; ok {
		if p.err != nil {
			return p, &reportedError{p.err}
		}
		return p, nil
	}
	p := &plan{}
	sh.plans[typ] = p
	if p.err = build(p); p.err != nil {
		if sh.header == nil {
			return p, p.err
		}
		t.opts.warn(p.err)
		return p, &reportedError{p.err}
	}
	names := slices.Clone(p.fixed)
	for _, c := range p.cols {
		names = append(names, c.name)
	}
	names = append(names, p.extra...)
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
	for i, u := range used {
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

func (t *table) write(rec []string) error { return t.cw.Write(rec) }

// row writes one row: fixed and extra values as given, the columns read
// from struct value v.
func (t *table) row(p *plan, fixed []string, v cstruct.Value, extra []string) error {
	t.rec = t.rec[:0]
	nf, nc := len(p.fixed), len(p.cols)
	for _, i := range p.src {
		switch {
		case i < 0:
			t.rec = append(t.rec, "")
		case i < nf:
			t.rec = append(t.rec, fixed[i])
		case i < nf+nc:
			t.buf = p.cols[i-nf].appendCSV(t.buf[:0], v)
			t.rec = append(t.rec, string(t.buf))
		default:
			t.rec = append(t.rec, extra[i-nf-nc])
		}
	}
	return t.write(t.rec)
}

var sampleColumns = []string{"time", "epoch", "host", "interval"}

func sampleValues(s *atop.Sample, more ...string) []string {
	return append([]string{
		s.Time.UTC().Format(time.RFC3339),
		strconv.FormatInt(s.Time.Unix(), 10),
		s.Header.Nodename,
		strconv.FormatInt(int64(s.Interval/time.Second), 10),
	}, more...)
}

func (t *table) tasks(s *atop.Sample) error {
	tasks, err := s.Tasks()
	if err != nil {
		t.opts.warn(err)
		return nil
	}
	if len(tasks) == 0 {
		return nil
	}
	typ := tasks[0].Value().Type()
	withCgroup := s.Header.CStatLen > 0
	p, err := t.plan(typ, s, func(p *plan) error {
		p.fixed = sampleColumns
		p.cols = flatten(schemaOf(typ, t.opts.Reserved), "", nil)
		if withCgroup {
			p.extra = []string{"cgroup"}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fixed := sampleValues(s)
	cg := make([]string, 1)
	for _, task := range tasks {
		if withCgroup {
			cg[0] = cgroupOf(s, task)
		}
		if err := t.row(p, fixed, task.Value(), cg); err != nil {
			return err
		}
	}
	return nil
}

func (t *table) cgroups(s *atop.Sample) error {
	cgs, err := s.Cgroups()
	if err != nil {
		t.opts.warn(err)
		return nil
	}
	if len(cgs) == 0 {
		return nil
	}
	typ := cgs[0].Value.Type()
	p, err := t.plan(typ, s, func(p *plan) error {
		p.fixed = append(slices.Clone(sampleColumns), "path", "pids")
		p.cols = flatten(schemaOf(typ, t.opts.Reserved), "", nil)
		return nil
	})
	if err != nil {
		return err
	}
	var pids []byte
	for i := range cgs {
		cg := &cgs[i]
		pids = pids[:0]
		for k, pid := range cg.PIDs {
			if k > 0 {
				pids = append(pids, ' ')
			}
			pids = strconv.AppendInt(pids, int64(pid), 10)
		}
		if err := t.row(p, sampleValues(s, cg.Path, string(pids)), cg.Value, nil); err != nil {
			return err
		}
	}
	return nil
}

func (t *table) system(s *atop.Sample) error {
	sys, err := s.System()
	if err != nil {
		t.opts.warn(err)
		return nil
	}
	typ := sys.Type()
	p, err := t.plan(typ, s, func(p *plan) error {
		n, parent, err := findNode(schemaOf(typ, t.opts.Reserved), t.group.Path)
		if err != nil {
			return fmt.Errorf("export: atop %s: %w", s.Header.Version, err)
		}
		p.node, p.parent = n, parent
		p.fixed = sampleColumns
		if n.kind == arrayNode {
			p.fixed = append(slices.Clone(sampleColumns), "index")
		}
		p.cols = flatten(n.children, "", nil)
		return nil
	})
	if err != nil {
		var rep *reportedError
		if errors.As(err, &rep) {
			return nil // reported by plan
		}
		return err
	}
	parent := field(sys, p.parent)
	n := p.node
	if n.kind == structNode {
		return t.row(p, sampleValues(s), field(parent, n.path), nil)
	}
	var werr error
	n.elems(parent, func(i int, e cstruct.Value) bool {
		werr = t.row(p, sampleValues(s, strconv.Itoa(i)), e, nil)
		return werr == nil
	})
	return werr
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
