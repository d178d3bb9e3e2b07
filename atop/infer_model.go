package atop

import (
	"bufio"
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/defs"
)

// The five on-disk structs, in the order of a sizes vector.
const (
	szHeader = iota
	szRecord
	szSStat
	szTStat
	szCStat
	nSizes
)

// sizeFields names the header field of each size, for messages.
var sizeFields = [nSizes]string{"rawheadlen", "rawreclen", "sstatlen", "tstatlen", "cstatlen"}

// sizes is a vector of the five struct sizes.
type sizes [nSizes]int64

func (l *layout) sizes() sizes {
	return sizes{l.headerSize, l.recordSize, l.sstatSize, l.tstatSize, l.cstatSize}
}

// perturb is how far a limit is moved to measure its effect: a multiple
// of every alignment on LP64, so that a char array grown by it grows its
// struct by exactly as much.
const perturb = 8

// limit is one integer macro of a version's definitions and what it does
// to the struct sizes.
type limit struct {
	name  string
	value int64 // in the base definitions
	// delta is the change of each size when the macro is perturb more:
	// the sizes are affine in each array bound, so a value x changes them
	// by (x-value)*delta/perturb (with the other limits as defined; see
	// limitModel.cross) when x-value is a multiple of step.
	delta sizes
	// step is the smallest move of the macro whose effect is exactly
	// delta/perturb per unit: 1 for arrays of structs (their elements keep
	// every alignment), perturb for char arrays, whose growth padding may
	// absorb.
	step    int64
	history []int64 // the values the macro has in the embedded definitions
	fixed   bool    // given by the caller (Options.Defines): never changed
}

// limitModel is what the limits of one version's definitions do to the
// struct sizes, found by resolving the definitions with the macros
// perturbed. Macros that size nothing are left out.
type limitModel struct {
	base   sizes
	limits []limit
	// cross are the bytes per unit of two limits, one sizing arrays inside
	// the other's (MAXDKNAM in dsk[MAXDSK]): the sizes are affine in each
	// limit, not in both. Keyed by the names, outer first.
	cross map[[2]string]sizes
}

type modelEntry struct {
	once sync.Once
	m    *limitModel
	err  error
}

var models struct {
	sync.Mutex
	m map[layoutKey]*modelEntry
}

// loadModel returns the (cached) limit model of the definitions that
// loadLayout(dir, defines, v) reads; the macros in defines are fixed (the
// caller gave them): the search does not change them.
func loadModel(dir string, defines map[string]string, v Version) (*limitModel, error) {
	key := layoutKey{dir: dir, defines: canonicalDefines(defines), version: v}
	if dir != "" {
		key.stamp = stamp(dir)
	}
	models.Lock()
	if models.m == nil {
		models.m = make(map[layoutKey]*modelEntry)
	}
	e := models.m[key]
	if e == nil {
		e = new(modelEntry)
		models.m[key] = e
	}
	models.Unlock()
	e.once.Do(func() { e.m, e.err = buildModel(dir, defines, v) })
	return e.m, e.err
}

func buildModel(dir string, defines map[string]string, v Version) (*limitModel, error) {
	base, err := loadLayout(dir, defines, v)
	if err != nil {
		return nil, err
	}
	m := &limitModel{base: base.sizes(), cross: map[[2]string]sizes{}}
	for name, value := range base.spec.Consts() {
		_, fixed := defines[name]
		m.limits = append(m.limits, limit{name: name, value: value, fixed: fixed})
	}
	if !m.measureAll(dir, defines, v, base) {
		m.measureEach(dir, defines, v)
	}
	for i := range m.limits {
		if m.limits[i].step == 0 {
			m.limits[i].step = perturb // not known: char arrays' step
		}
	}
	m.limits = slices.DeleteFunc(m.limits, func(l limit) bool { return l.delta == sizes{} })
	hist := historyOf(dir)
	for i := range m.limits {
		m.limits[i].history = hist[m.limits[i].name]
	}
	return m, nil
}

// measureAll finds every limit's effect from one more resolution: each
// macro is moved by its own step (perturb times a distinct odd prime), and
// every array whose length moved by one of the steps is attributed to that
// macro, its bytes per unit counted with the lengths of the arrays around
// it. It reports false when the two resolutions cannot be matched up so
// (a macro changed a declaration's shape, a length moved by no single
// step, or the sizes do not add up), and measureEach must do it.
func (m *limitModel) measureAll(dir string, defines map[string]string, v Version, base *layout) bool {
	d := maps.Clone(defines)
	if d == nil {
		d = map[string]string{}
	}
	step := map[int64]int{}
	steps := make([]int64, len(m.limits))
	p := int64(1)
	for i := range m.limits {
		p = nextOddPrime(p)
		steps[i] = perturb * p
		step[steps[i]] = i
		d[m.limits[i].name] = strconv.FormatInt(m.limits[i].value+steps[i], 10)
	}
	moved, err := parseLayout(dir, d, v)
	if err != nil {
		return false
	}
	for i := range m.limits {
		m.limits[i].step = 1
	}
	bt := [nSizes]cstruct.Type{base.header, base.record, base.sstat, base.tstat, base.cstat}
	mt := [nSizes]cstruct.Type{moved.header, moved.record, moved.sstat, moved.tstat, moved.cstat}
	for k := range bt {
		if (bt[k] == nil) != (mt[k] == nil) {
			return false
		}
		if bt[k] == nil {
			continue
		}
		w := pairWalk{step: step, perUnit: make([]int64, len(m.limits)), elemGCD: make([]int64, len(m.limits)), cross: map[[2]int]int64{}}
		if !w.walk(bt[k], mt[k], 1, nil) {
			return false
		}
		for ij, n := range w.cross {
			key := [2]string{m.limits[ij[0]].name, m.limits[ij[1]].name}
			c := m.cross[key]
			c[k] = n
			m.cross[key] = c
		}
		for i, g := range w.elemGCD {
			if g != 0 {
				m.limits[i].step = max(m.limits[i].step, perturb/gcd(perturb, g))
			}
		}
		var sum int64
		for i, n := range w.perUnit {
			m.limits[i].delta[k] = perturb * n
			sum += n * steps[i]
		}
		if !w.nested && moved.sizes()[k]-base.sizes()[k] != sum {
			return false
		}
	}
	return true
}

// pairWalk walks a type of the base definitions and the same type of the
// perturbed ones side by side.
type pairWalk struct {
	step    map[int64]int // a length change → the limit that makes it
	perUnit []int64       // per limit: bytes per unit of it
	elemGCD []int64       // per limit: gcd of the element sizes of its arrays
	cross   map[[2]int]int64
	nested  bool // a moved array inside a moved array: sizes are not a sum
}

// movedArray is a moved array around the one being walked.
type movedArray struct {
	limit int
	len   int64 // in the base definitions
	mult  int64 // the array's own multiplicity
}

func gcd(a, b int64) int64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func (w *pairWalk) walk(b, m cstruct.Type, mult int64, around []movedArray) bool {
	switch bu := cstruct.Underlying(b).(type) {
	case *cstruct.Struct:
		mu, ok := cstruct.Underlying(m).(*cstruct.Struct)
		if !ok || len(mu.Fields) != len(bu.Fields) {
			return false
		}
		if bu.Union && bu.Size() != mu.Size() {
			return false // a union's size is no sum of its members'
		}
		for i := range bu.Fields {
			if !w.walk(bu.Fields[i].Type, mu.Fields[i].Type, mult, around) {
				return false
			}
		}
		return true
	case *cstruct.Array:
		mu, ok := cstruct.Underlying(m).(*cstruct.Array)
		if !ok || mu.Kind != bu.Kind {
			return false
		}
		if bu.Kind != cstruct.Fixed {
			return true
		}
		if mu.Len != bu.Len {
			i, ok := w.step[mu.Len-bu.Len]
			if !ok {
				return false
			}
			e := bu.Elem.Size()
			w.perUnit[i] += mult * e
			w.elemGCD[i] = gcd(w.elemGCD[i], e)
			for _, o := range around {
				w.nested = true
				// one more element of each o array holds mult/o.len/o.mult
				// more of these, and there are o.mult o arrays
				w.cross[[2]int{o.limit, i}] += mult / o.len * e
			}
			around = append(slices.Clone(around), movedArray{i, bu.Len, mult})
		}
		return w.walk(bu.Elem, mu.Elem, mult*bu.Len, around)
	default:
		return b.Size() == m.Size()
	}
}

// nextOddPrime is the smallest odd prime above p.
func nextOddPrime(p int64) int64 {
	for q := max(p+1, 3); ; q++ {
		prime := q%2 == 1
		for f := int64(3); prime && f*f <= q; f += 2 {
			prime = q%f != 0
		}
		if prime {
			return q
		}
	}
}

// measureEach finds each limit's effect by resolving the definitions once
// per macro, with that macro perturbed, on every CPU.
func (m *limitModel) measureEach(dir string, defines map[string]string, v Version) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(m.limits)) {
		wg.Go(func() {
			for i := range work {
				m.limits[i].delta = measure(dir, defines, v, &m.limits[i], m.base)
			}
		})
	}
	for i := range m.limits {
		work <- i
	}
	close(work)
	wg.Wait()
}

// measure resolves the definitions with one macro perturbed and returns
// the size changes; zero if the macro sizes nothing (or the definitions
// do not resolve with it changed).
func measure(dir string, defines map[string]string, v Version, m *limit, base sizes) sizes {
	d := make(map[string]string, len(defines)+1)
	for k, x := range defines {
		d[k] = x
	}
	d[m.name] = strconv.FormatInt(m.value+perturb, 10)
	l, err := parseLayout(dir, d, v)
	if err != nil {
		return sizes{}
	}
	var delta sizes
	for i, s := range l.sizes() {
		delta[i] = s - base[i]
	}
	return delta
}

// limitsSizing names the macros that size the struct of a header field
// ("tstatlen"), in the order of the definitions.
func (m *limitModel) limitsSizing(field string) []string {
	i := slices.Index(sizeFields[:], field)
	var names []string
	for _, l := range m.limits {
		if i >= 0 && l.delta[i] != 0 {
			names = append(names, l.name)
		}
	}
	return names
}

var embeddedHistory = sync.OnceValue(func() map[string][]int64 { return scanDefines(defs.Atop) })

// historyOf collects, per macro name, the integer values that "#define
// NAME VALUE" lines give it in the definition files of every version,
// embedded and in dir: the values atop has used.
func historyOf(dir string) map[string][]int64 {
	h := embeddedHistory()
	if dir == "" {
		return h
	}
	out := make(map[string][]int64, len(h))
	for k, v := range h {
		out[k] = slices.Clone(v)
	}
	for k, v := range scanDefines(os.DirFS(dir)) {
		for _, x := range v {
			if !slices.Contains(out[k], x) {
				out[k] = append(out[k], x)
			}
		}
	}
	return out
}

// scanDefines reads the object-like integer #defines of the .h files in fsys.
func scanDefines(fsys fs.FS) map[string][]int64 {
	out := map[string][]int64{}
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".h" {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 3 || f[0] != "#define" || strings.Contains(f[1], "(") {
				continue
			}
			x, err := strconv.ParseInt(f[2], 0, 64)
			if err == nil && !slices.Contains(out[f[1]], x) {
				out[f[1]] = append(out[f[1]], x)
			}
		}
		return nil
	})
	return out
}
