package parseable

import (
	"fmt"
	"time"

	"github.com/cstructgo/cstruct/cstruct"
)

// cgroupData is one cgroup of a sample: its cstat, its path as atop prints
// it ("/" for the root) and the pids the pid list gives it.
type cgroupData struct {
	cstat cstruct.Value
	path  string
	pids  []int32
}

// run is the state of printing one sample.
type run struct {
	d     *desc
	hdr   *headerInfo
	in    sampleInput
	p     *parts
	z     bool // -Z
	tm    time.Time
	date  string
	clock string
	label string

	support int64

	sysDone, tasksDone, cgDone bool
	sys, tasks, cgroups        value
	cgByPID                    map[int64]int64
}

func newRun(d *desc, hdr *headerInfo, in *sampleInput, p *parts, z bool, loc *time.Location) *run {
	t := time.Unix(in.curtime, 0).In(loc)
	return &run{
		d: d, hdr: hdr, in: *in, p: p, z: z, tm: t,
		date:    fmt.Sprintf("%04d/%02d/%02d", t.Year()%10000, int(t.Month()), t.Day()),
		clock:   fmt.Sprintf("%02d:%02d:%02d", t.Hour(), t.Minute(), t.Second()),
		support: sampleSupport(hdr.support, in.flags),
	}
}

func (r *run) system() (value, error) {
	if !r.sysDone {
		r.sysDone = true
		cv, err := r.p.systemValue()
		if err != nil {
			return value{}, err
		}
		r.sys = value{k: kC, cv: cv}
	}
	if r.sys.k != kC {
		return value{}, fmt.Errorf("no system statistics")
	}
	return r.sys, nil
}

func (r *run) taskList() (value, error) {
	if !r.tasksDone {
		r.tasksDone = true
		r.tasks = value{k: kList}
		ts, err := r.p.taskValues()
		if err != nil {
			r.tasks = value{}
			return value{}, err
		}
		r.tasks.list = make([]value, len(ts))
		for i, t := range ts {
			r.tasks.list[i] = value{k: kC, cv: t}
		}
	}
	if r.tasks.k != kList {
		return value{}, fmt.Errorf("no task statistics")
	}
	return r.tasks, nil
}

func (r *run) cgroupList() (value, error) {
	if !r.cgDone {
		r.cgDone = true
		r.cgroups = value{k: kList}
		cgs, err := r.p.cgroupData()
		if err != nil {
			r.cgroups = value{}
			return value{}, err
		}
		r.cgroups.list = make([]value, len(cgs))
		for i := range cgs {
			r.cgroups.list[i] = value{k: kCgroup, cg: &cgs[i]}
		}
	}
	if r.cgroups.k != kList {
		return value{}, fmt.Errorf("no cgroup statistics")
	}
	return r.cgroups, nil
}

// cgIndex is the index of the cgroup a process belongs to, by the pid
// lists, or -1 (threads, unknown pids), as atop's cgfillref assigns it.
func (r *run) cgIndex(pid int64) (int64, error) {
	if r.cgByPID == nil {
		cgs, err := r.cgroupList()
		if err != nil {
			return 0, err
		}
		r.cgByPID = make(map[int64]int64)
		for i, c := range cgs.list {
			for _, p := range c.cg.pids {
				r.cgByPID[int64(p)] = int64(i) // the last cgroup wins, as in atop's hash
			}
		}
	}
	if i, ok := r.cgByPID[pid]; ok {
		return i, nil
	}
	return -1, nil
}

type binding struct {
	name string
	v    value
}

// env evaluates expressions: local names, then the sample's names, then
// the description's constants, then the built-in constants.
type env struct {
	d    *desc
	r    *run // nil while constants are evaluated
	vars []binding
}

func (e *env) lookup(name string) (value, error) {
	for i := len(e.vars) - 1; i >= 0; i-- {
		if e.vars[i].name == name {
			return e.vars[i].v, nil
		}
	}
	if r := e.r; r != nil {
		switch name {
		case "sys":
			return r.system()
		case "tasks":
			return r.taskList()
		case "cgroups":
			return r.cgroupList()
		case "host":
			return strVal(r.hdr.host), nil
		case "hertz":
			return intVal(r.hdr.hertz), nil
		case "pagesize":
			return intVal(r.hdr.pagesize), nil
		case "supportflags":
			return intVal(r.support), nil
		case "rrflags":
			return intVal(int64(r.in.flags)), nil
		case "epoch":
			return intVal(r.in.curtime), nil
		case "interval":
			return intVal(r.in.interval), nil
		case "date":
			return strVal(r.date), nil
		case "time":
			return strVal(r.clock), nil
		case "label":
			return strVal(r.label), nil
		case "tm_year": // C's struct tm of the record's time (localtime)
			return intVal(int64(r.tm.Year() - 1900)), nil
		case "tm_mon":
			return intVal(int64(r.tm.Month() - 1)), nil
		case "tm_mday":
			return intVal(int64(r.tm.Day())), nil
		case "tm_hour":
			return intVal(int64(r.tm.Hour())), nil
		case "tm_min":
			return intVal(int64(r.tm.Minute())), nil
		case "tm_sec":
			return intVal(int64(r.tm.Second())), nil
		}
	}
	if v, ok := e.d.consts[name]; ok {
		return fromScalar(v), nil
	}
	if v, ok := builtinConsts[name]; ok {
		return fromScalar(v), nil
	}
	return value{}, fmt.Errorf("unknown name %q", name)
}

// call calls a def of the description or a built-in function.
func (e *env) call(name string, args []value) (value, error) {
	if df, ok := e.d.defs[name]; ok {
		if len(args) != len(df.params) {
			return value{}, fmt.Errorf("%s takes %d arguments, not %d", name, len(df.params), len(args))
		}
		saved := e.vars
		e.vars = make([]binding, len(args), len(args)+4)
		for i, a := range args {
			e.vars[i] = binding{df.params[i], a}
		}
		v, err := interp(df.body).eval(e)
		e.vars = saved
		if err != nil {
			return value{}, fmt.Errorf("%s: %w", name, err)
		}
		return v, nil
	}
	f, ok := funcs[name]
	if !ok {
		return value{}, fmt.Errorf("unknown function %q", name)
	}
	if f.nargs >= 0 && len(args) != f.nargs {
		return value{}, fmt.Errorf("%s takes %d arguments, not %d", name, f.nargs, len(args))
	}
	v, err := f.fn(e, args)
	if err != nil {
		return value{}, fmt.Errorf("%s: %w", name, err)
	}
	return v, nil
}

// exec runs statements, appending output lines to out.
func (e *env) exec(out []byte, hdr []byte, body []stmt) ([]byte, error) {
	mark := len(e.vars)
	defer func() { e.vars = e.vars[:mark] }()
	for _, s := range body {
		var err error
		switch s := s.(type) {
		case *letStmt:
			var v value
			if v, err = interp(s.expr).eval(e); err != nil {
				return out, fmt.Errorf("let %s: %w", s.name, err)
			}
			e.vars = append(e.vars, binding{s.name, v})
		case *printStmt:
			if !e.d.json {
				out = append(out, hdr...)
				out = append(out, ' ')
			}
			if out, err = e.fill(out, s.tmpl); err != nil {
				return out, err
			}
			if !e.d.json {
				out = append(out, '\n')
			}
		case *ifStmt:
			var c value
			if c, err = interp(s.cond).eval(e); err != nil {
				return out, fmt.Errorf("if: %w", err)
			}
			t, err := c.truth()
			if err != nil {
				return out, fmt.Errorf("if: %w", err)
			}
			if t {
				out, err = e.exec(out, hdr, s.then)
			} else {
				out, err = e.exec(out, hdr, s.else_)
			}
			if err != nil {
				return out, err
			}
		case *forStmt:
			if out, err = e.loop(out, hdr, s); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

func (e *env) loop(out []byte, hdr []byte, s *forStmt) ([]byte, error) {
	over, err := interp(s.over).eval(e)
	if err != nil {
		return out, fmt.Errorf("for %s: %w", s.elem, err)
	}
	var n int
	switch over.k {
	case kList:
		n = len(over.list)
	case kC:
		if _, ok := cstruct.As[*cstruct.Array](over.cv.Type()); !ok {
			return out, fmt.Errorf("for %s: %s is not an array", s.elem, over.cv.Type())
		}
		n = over.cv.Len()
	default:
		return out, fmt.Errorf("for %s: %s is not a list", s.elem, over.kindName())
	}
	if s.count != nil {
		cv, err := interp(s.count).eval(e)
		if err != nil {
			return out, fmt.Errorf("for %s: count: %w", s.elem, err)
		}
		c, ok := cv.toInt()
		if !ok {
			return out, fmt.Errorf("for %s: count is %s", s.elem, cv.kindName())
		}
		n = int(max(min(c, int64(n)), 0))
	}
	mark := len(e.vars)
	defer func() { e.vars = e.vars[:mark] }()
	for i := 0; i < n; i++ {
		e.vars = e.vars[:mark]
		var el value
		if over.k == kList {
			el = over.list[i]
		} else {
			el = value{k: kC, cv: over.cv.Index(i)}
		}
		if s.index != "" {
			e.vars = append(e.vars, binding{s.index, intVal(int64(i))})
		}
		e.vars = append(e.vars, binding{s.elem, el})
		if s.while != nil {
			w, err := interp(s.while).eval(e)
			if err != nil {
				return out, fmt.Errorf("for %s: while: %w", s.elem, err)
			}
			t, err := w.truth()
			if err != nil {
				return out, fmt.Errorf("for %s: while: %w", s.elem, err)
			}
			if !t {
				break
			}
		}
		if out, err = e.exec(out, hdr, s.body); err != nil {
			return out, err
		}
	}
	return out, nil
}

// fill appends a template's text.
func (e *env) fill(out []byte, t template) ([]byte, error) {
	for i := range t {
		p := &t[i]
		if p.conv == nil {
			out = append(out, p.lit...)
			continue
		}
		v, err := interp(p.expr).eval(e)
		if err != nil {
			return out, fmt.Errorf("%s: %w", p.conv.text, err)
		}
		if out, err = formatValue(p.conv, out, v); err != nil {
			return out, err
		}
	}
	return out, nil
}

// label appends the lines of one label.
func (r *run) printLabel(out []byte, ld *labelDesc) ([]byte, error) {
	r.label = ld.name
	e := &env{d: r.d, r: r, vars: make([]binding, 0, 16)}
	var hdr []byte
	var err error
	if !r.d.json { // -J's header opens the sample, not each line
		if hdr, err = e.fill(nil, r.d.header); err != nil {
			return out, fmt.Errorf("parseable: %s: header: %w", ld.name, err)
		}
	}
	out, err = e.exec(out, hdr, ld.body)
	if err != nil {
		return out, fmt.Errorf("parseable: %s: %w", ld.name, err)
	}
	return out, nil
}

// The interpreter's view of the parts: cstruct values.

func (p *parts) systemValue() (cstruct.Value, error) {
	b, err := p.system()
	if err != nil {
		return cstruct.Value{}, err
	}
	return p.lay.spec.UnpackWith(p.lay.sstat, b, cstruct.Options{Order: p.lay.order})
}

func (p *parts) taskValues() ([]cstruct.Value, error) {
	b, n, err := p.tasks()
	if err != nil {
		return nil, err
	}
	size := p.lay.tstatLen
	vs := make([]cstruct.Value, n)
	for i := range vs {
		vs[i], err = p.lay.spec.UnpackWith(p.lay.tstat, b[i*size:(i+1)*size], cstruct.Options{Order: p.lay.order, Base: int64(i * size)})
		if err != nil {
			return nil, err
		}
	}
	return vs, nil
}

func (p *parts) cgroupData() ([]cgroupData, error) {
	cgs, err := p.cgroups()
	if err != nil {
		return nil, err
	}
	out := make([]cgroupData, len(cgs))
	for i, c := range cgs {
		out[i] = cgroupData{cstat: c.Value, path: c.Path, pids: c.PIDs}
	}
	return out, nil
}
