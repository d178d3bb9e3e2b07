package parseable

import (
	"fmt"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// A builtin is a named function that descriptions can call.
type builtin struct {
	nargs int // -1: any
	fn    func(e *env, args []value) (value, error)
}

// funcs are the named functions of the description language. Casts are
// written as calls: int32(x) keeps the low 32 bits with their sign, as a
// C assignment to an int does.
var funcs map[string]builtin

func init() {
	funcs = map[string]builtin{
		"int8":   castInt(8, false),
		"int16":  castInt(16, false),
		"int32":  castInt(32, false),
		"int64":  castInt(64, false),
		"uint8":  castInt(8, true),
		"uint16": castInt(16, true),
		"uint32": castInt(32, true),
		"uint64": castInt(64, true),
		"char":   castInt(8, false),
		"double": {1, func(_ *env, a []value) (value, error) {
			f, ok := a[0].toFloat()
			if !ok {
				return value{}, fmt.Errorf("of %s", a[0].kindName())
			}
			return floatVal(f), nil
		}},
		"float": {1, func(_ *env, a []value) (value, error) {
			f, ok := a[0].toFloat()
			if !ok {
				return value{}, fmt.Errorf("of %s", a[0].kindName())
			}
			return float32Val(float32(f)), nil
		}},
		"len": {1, func(_ *env, a []value) (value, error) {
			switch v := a[0].loaded(); v.k {
			case kList:
				return intVal(int64(len(v.list))), nil
			case kStr:
				return intVal(int64(len(v.s))), nil
			case kC:
				if _, ok := cstruct.As[*cstruct.Array](v.cv.Type()); ok {
					return intVal(int64(v.cv.Len())), nil
				}
			}
			return value{}, fmt.Errorf("of %s", a[0].kindName())
		}},
		"sum":         {3, fnSum},
		"sumif":       {4, fnSum},
		"cpufreq":     {3, fnFreq(false)},
		"cpufreqperc": {3, fnFreq(true)},
		"exitcode":    {1, fnExitcode},
		"avg":         {2, fnAvg},
		"unset0":      {1, fnUnset0},
		"spacefmt":    {1, fnSpacefmt},
		"dash":        {1, fnDash},
		"yn":          {1, fnYN},
		"each":        {2, fnEach},
		"cgindex":     {1, fnCgindex},
		"jsonsafe":    {2, fnJSON(true)},
		"jsonstr":     {2, fnJSON(false)},
	}
}

func castInt(bits int, unsigned bool) builtin {
	return builtin{1, func(_ *env, a []value) (value, error) {
		n, ok := a[0].toInt()
		if !ok {
			return value{}, fmt.Errorf("of %s", a[0].kindName())
		}
		if unsigned {
			u := truncU(uint64(n), bits)
			if bits == 64 {
				return uintVal(u), nil
			}
			return intVal(int64(u)), nil
		}
		return intVal(signExtend(n, bits)), nil
	}}
}

// sum(array, count, "path") adds the field at path of the first count
// elements; sumif(array, count, "path", "cond") only of elements whose
// field cond is non-zero (atop 2.13 skips offline CPUs).
func fnSum(_ *env, a []value) (value, error) {
	arr := a[0]
	if _, ok := cstruct.As[*cstruct.Array](arr.cv.Type()); arr.k != kC || !ok {
		return value{}, fmt.Errorf("of %s", arr.kindName())
	}
	cnt, ok := a[1].toInt()
	if !ok {
		return value{}, fmt.Errorf("count is %s", a[1].kindName())
	}
	path, ok := a[2].toStr()
	if !ok {
		return value{}, fmt.Errorf("path is %s", a[2].kindName())
	}
	cond := ""
	if len(a) == 4 {
		if cond, ok = a[3].toStr(); !ok {
			return value{}, fmt.Errorf("condition is %s", a[3].kindName())
		}
	}
	n := int64(arr.cv.Len())
	cnt = max(min(cnt, n), 0)
	total := value{k: kInt}
	for i := 0; i < int(cnt); i++ {
		el := arr.cv.Index(i)
		if cond != "" {
			cv, err := el.Lookup(cond)
			if err != nil {
				return value{}, err
			}
			t, err := load(cv).truth()
			if err != nil {
				return value{}, err
			}
			if !t {
				continue
			}
		}
		fv, err := el.Lookup(path)
		if err != nil {
			return value{}, err
		}
		if total, err = arith("+", total, load(fv)); err != nil {
			return value{}, err
		}
	}
	return total, nil
}

// fnFreq is atop's calc_freqscale: the average frequency over the ticks
// and its percentage of maxfreq (100 when nothing is known).
func fnFreq(perc bool) func(*env, []value) (value, error) {
	return func(_ *env, a []value) (value, error) {
		var x [3]int64
		for i := range x {
			n, ok := a[i].toInt()
			if !ok {
				return value{}, fmt.Errorf("argument %d is %s", i+1, a[i].kindName())
			}
			x[i] = n
		}
		cnt, ticks, maxfreq := x[0], x[1], x[2]
		var freq, pc int64
		switch {
		case maxfreq != 0 && ticks != 0:
			freq = cnt / ticks
			pc = 100 * freq / maxfreq
		case maxfreq != 0:
			freq = cnt
			pc = 100 * cnt / maxfreq
		case cnt != 0:
			freq, pc = cnt, 100
		default:
			freq, pc = 0, 100
		}
		if perc {
			return intVal(int64(int32(pc))), nil // atop keeps it in an int
		}
		return intVal(freq), nil
	}
}

// exitcode is atop's PRG exit code (2.4+): signal+256 for a killed
// process, else the exit status.
func fnExitcode(_ *env, a []value) (value, error) {
	n, ok := a[0].toInt()
	if !ok {
		return value{}, fmt.Errorf("of %s", a[0].kindName())
	}
	x := int32(n)
	if x&0xff != 0 {
		return intVal(int64(x&0x7f) + 256), nil
	}
	return intVal(int64(x>>8) & 0xff), nil
}

// avg(sum, n) is (double)sum/n, or 0.0 when n is not positive (DSK avque).
func fnAvg(_ *env, a []value) (value, error) {
	n, ok := a[1].toInt()
	if !ok {
		return value{}, fmt.Errorf("of %s", a[1].kindName())
	}
	if n <= 0 {
		return floatVal(0), nil
	}
	s, ok := a[0].toFloat()
	if !ok {
		return value{}, fmt.Errorf("of %s", a[0].kindName())
	}
	return floatVal(s / float64(n)), nil
}

// unset0 prints atop's "unknown" -1 as 0.
func fnUnset0(_ *env, a []value) (value, error) {
	v := a[0].loaded()
	if v.k == kInt && v.i == -1 {
		v.i = 0
	}
	return v, nil
}

// spacefmt is atop's spaceformat (2.7+): "(text)", or with -Z the text with
// spaces turned into underscores ("_" for an empty text).
func fnSpacefmt(e *env, a []value) (value, error) {
	s, ok := a[0].toStr()
	if !ok {
		return value{}, fmt.Errorf("of %s", a[0].kindName())
	}
	if e.r == nil || !e.r.z {
		return strVal("(" + s + ")"), nil
	}
	if s == "" {
		return strVal("_"), nil
	}
	return strVal(strings.ReplaceAll(s, " ", "_")), nil
}

// dash is the text, or "-" when it is empty.
func fnDash(_ *env, a []value) (value, error) {
	s, ok := a[0].toStr()
	if !ok {
		return value{}, fmt.Errorf("of %s", a[0].kindName())
	}
	if s == "" {
		s = "-"
	}
	return strVal(s), nil
}

// yn is the character 'y' for a true value, 'n' otherwise.
func fnYN(_ *env, a []value) (value, error) {
	t, err := a[0].truth()
	if err != nil {
		return value{}, err
	}
	if t {
		return intVal('y'), nil
	}
	return intVal('n'), nil
}

// each("fmt", list) formats every element with fmt (one conversion and
// literal text) and joins the results: each(" %d", g.pids).
func fnEach(e *env, a []value) (value, error) {
	f, ok := a[0].toStr()
	if !ok {
		return value{}, fmt.Errorf("format is %s", a[0].kindName())
	}
	list := a[1].loaded()
	if list.k != kList {
		return value{}, fmt.Errorf("of %s", list.kindName())
	}
	i := strings.IndexByte(f, '%')
	if i < 0 {
		return value{}, fmt.Errorf("format %q has no conversion", f)
	}
	cv, n, err := parseConv(f[i:])
	if err != nil {
		return value{}, err
	}
	prefix, suffix := f[:i], f[i+n:]
	var b []byte
	for _, el := range list.list {
		b = append(b, prefix...)
		if b, err = formatValue(&cv, b, el); err != nil {
			return value{}, err
		}
		b = append(b, suffix...)
	}
	return strVal(string(b)), nil
}

// cgindex(task) is the index in cgroups of the cgroup that holds a
// process by the sample's pid lists, or -1 for a thread or an unknown pid
// (atop's cgfillref).
func fnCgindex(e *env, a []value) (value, error) {
	t := a[0]
	if t.k != kC || e.r == nil {
		return value{}, fmt.Errorf("of %s", t.kindName())
	}
	isproc, err := t.cv.Lookup("gen.isproc")
	if err != nil {
		return value{}, err
	}
	if load(isproc).i == 0 {
		return intVal(-1), nil
	}
	pid, err := t.cv.Lookup("gen.pid")
	if err != nil {
		return value{}, err
	}
	i, err := e.r.cgIndex(load(pid).i)
	if err != nil {
		return value{}, err
	}
	return intVal(i), nil
}
