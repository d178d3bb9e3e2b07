package export

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
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
		t := &table{opts: &o, group: group, shared: shared,
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
		// the rows of a sample go straight into the job's output
		return func(dst []byte, s *atop.Sample, step *atop.Step) ([]byte, error) {
			sj.step, t.buf = step, dst
			err := fn(s)
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
	fixed   [][]byte // this sample's leading (and trailing) fields, encoded
	fbuf    []byte
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
	fixed  []string     // the leading columns, from the caller
	cols   []column     // of the struct
	extra  []string     // the trailing columns, from the caller
	src    []int        // per header column: index in fixed+cols+extra, or -1
	err    error        // the group does not exist in this version
	parent []int        // system groups: path to the struct holding the group
	node   *node        // system groups: the group
	ops    [2][]csvOp   // cols compiled, per byte order (little, big)
	once   [2]sync.Once // compiles ops: the workers of a CSV share plans
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
// t.fixed, the columns read from struct value v.
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
			t.buf = append(t.buf, t.fixed[i]...)
		default:
			t.buf = append(t.buf, t.fixed[i-nc]...)
		}
	}
	t.buf = append(t.buf, '\n')
}

var sampleColumns = []string{"time", "epoch", "host", "interval"}

// setFixed encodes the sample's leading fields, then more (the leading
// fields after them, then the trailing ones), into t.fixed.
func (t *table) setFixed(s *atop.Sample, more ...string) {
	t.fbuf = t.fbuf[:0]
	var ends [8]int
	n := 0
	add := func(f []byte) {
		t.fbuf = appendCSVField(t.fbuf, f)
		ends[n] = len(t.fbuf)
		n++
	}
	add(s.Time.UTC().AppendFormat(nil, time.RFC3339))
	add(strconv.AppendInt(nil, s.Time.Unix(), 10))
	add([]byte(s.Header.Nodename))
	add(strconv.AppendInt(nil, int64(s.Interval/time.Second), 10))
	for _, m := range more {
		add([]byte(m))
	}
	t.fixed = t.fixed[:0]
	start := 0
	for _, e := range ends[:n] {
		t.fixed = append(t.fixed, t.fbuf[start:e])
		start = e
	}
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
	ops := p.opsFor(s, tasks[0].Value())
	t.setFixed(s)
	if withCgroup {
		t.fixed = append(t.fixed, nil)
	}
	var cg []byte
	for _, task := range tasks {
		if withCgroup {
			cg = appendCSVField(cg[:0], []byte(cgroupOf(s, task)))
			t.fixed[len(t.fixed)-1] = cg
		}
		t.row(p, ops, task.Value())
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
		t.setFixed(s, cg.Path, string(pids))
		t.row(p, p.opsFor(s, cg.Value), cg.Value)
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
		v := field(parent, n.path)
		t.setFixed(s)
		t.row(p, p.opsFor(s, v), v)
		return nil
	}
	n.elems(parent, func(i int, e cstruct.Value) bool {
		t.setFixed(s, strconv.Itoa(i))
		t.row(p, p.opsFor(s, e), e)
		return true
	})
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
