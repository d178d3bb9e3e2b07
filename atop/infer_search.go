package atop

import (
	"slices"
	"strconv"
	"strings"
)

// Define is a macro and its value, as -D NAME=VALUE gives it.
type Define struct {
	Name  string
	Value int64
}

func (d Define) String() string { return d.Name + "=" + strconv.FormatInt(d.Value, 10) }

// defineList renders defines as "A=1 B=2".
func defineList(ds []Define) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	return strings.Join(s, " ")
}

// Bounds of the search: a limit is at least 1 and at most maxLimit, and at
// most maxChanged limits differ from the definitions.
const (
	maxLimit   = 1 << 22
	maxChanged = 3
)

// plausible lists the values a build is likely to give limit m, most
// likely first: the values atop has used, the value in the definitions
// times or divided by a power of two (for a string length such as CMDLEN
// 255, the value plus one: 511), and powers of two (one less for a string
// length) from a sixteenth of the value to 256 times it. With multiples,
// the other multiples up to 16 times the value follow.
func (m *limit) plausible(multiples bool) []int64 {
	var out []int64
	add := func(x int64) {
		if x >= 1 && x <= maxLimit && x != m.value && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	for _, x := range m.history {
		add(x)
	}
	v := m.value
	length := v > 0 && (v+1)&v == 0 // 2^k-1
	for k := int64(2); k <= 16; k *= 2 {
		if length {
			add((v+1)*k - 1)
			if (v+1)%k == 0 {
				add((v+1)/k - 1)
			}
		} else {
			add(v * k)
			if v%k == 0 {
				add(v / k)
			}
		}
	}
	for p := int64(1); p <= maxLimit; p *= 2 {
		switch {
		case p < v/16 || p > v*256:
		case length:
			add(p - 1)
		default:
			add(p)
		}
	}
	for k := int64(3); multiples && k <= 16; k++ {
		if length {
			add((v+1)*k - 1)
		} else {
			add(v * k)
		}
	}
	return out
}

// searchLevel is one step of the search: how many limits change, whether
// their values may be any multiple of the defined one (not only a power of
// two times it), and whether the last one may take any value.
type searchLevel struct {
	changed   int
	multiples bool
	free      bool
}

// searchTiers are tried in order, until the combinations of one tier are
// found and one of them reads the samples: one or two limits at the likely
// values (together: a single change is not more likely than two), the
// same with other multiples, three at the likely values, then one at any
// value.
var searchTiers = [][]searchLevel{
	{{1, false, false}, {2, false, false}},
	{{1, true, false}, {2, true, false}},
	{{3, false, false}},
	{{1, false, true}},
}

// search finds the combinations of limit values, at one level, that
// change the base sizes by exactly want. Each combination is sorted by
// name.
func (m *limitModel) search(want sizes, lv searchLevel) [][]Define {
	// A limit that sizes a struct whose size is right stays as it is.
	var cand []*limit
	for i := range m.limits {
		l := &m.limits[i]
		ok := !l.fixed
		for j, c := range l.delta {
			if c != 0 && want[j] == 0 {
				ok = false
			}
		}
		if ok {
			cand = append(cand, l)
		}
	}
	n := len(cand)
	plaus := make([][]int64, n)          // the values tried, on the step
	isPlaus := make([]map[int64]bool, n) // the values accepted when solved
	cross := make([][]sizes, n)          // bytes per unit of i per unit of j, either nested in the other
	for i, l := range cand {
		isPlaus[i] = map[int64]bool{}
		for _, x := range l.plausible(lv.multiples) {
			isPlaus[i][x] = true
			if (x-l.value)%l.step == 0 {
				plaus[i] = append(plaus[i], x)
			}
		}
		cross[i] = make([]sizes, n)
		for j, o := range cand {
			a, b := m.cross[[2]string{o.name, l.name}], m.cross[[2]string{l.name, o.name}]
			for k := range a {
				cross[i][j][k] = perturb * (a[k] + b[k])
			}
		}
	}
	var out [][]Define
	seen := map[string]bool{}
	var chosen []int    // indexes into cand
	var chosenX []int64 // their values
	picked := make([]bool, n)
	// perUnit is what one perturb of cand[i] changes, the chosen limits set.
	perUnit := func(i int) sizes {
		u := cand[i].delta
		for c, j := range chosen {
			dx := chosenX[c] - cand[j].value
			for k := range u {
				u[k] += dx * cross[i][j][k]
			}
		}
		return u
	}
	// walk picks plausible values for limits in index order from start,
	// then solves the last limit: one after them if all must be plausible
	// (the order does not matter then), any other one if it is free.
	var walk func(start int, rest sizes)
	walk = func(start int, rest sizes) {
		if len(chosen) == lv.changed-1 {
			from := start
			if lv.free {
				from = 0
			}
			for i := from; i < n; i++ {
				if picked[i] {
					continue
				}
				x, ok := cand[i].solve(rest, perUnit(i))
				if !ok || !lv.free && !isPlaus[i][x] {
					continue
				}
				c := []Define{{cand[i].name, x}}
				for k, j := range chosen {
					c = append(c, Define{cand[j].name, chosenX[k]})
				}
				slices.SortFunc(c, func(a, b Define) int { return strings.Compare(a.Name, b.Name) })
				if key := defineList(c); !seen[key] {
					seen[key] = true
					out = append(out, c)
				}
			}
			return
		}
		for i := start; i < n; i++ {
			u := perUnit(i)
			chosen = append(chosen, i)
			chosenX = append(chosenX, 0)
			picked[i] = true
			for _, x := range plaus[i] {
				var r sizes
				for k := range r {
					r[k] = rest[k] - (x-cand[i].value)*u[k]/perturb
				}
				chosenX[len(chosenX)-1] = x
				walk(i+1, r)
			}
			picked[i] = false
			chosen, chosenX = chosen[:len(chosen)-1], chosenX[:len(chosenX)-1]
		}
	}
	walk(0, want)
	return out
}

// solve finds the value x of the limit that changes the sizes by exactly
// want, if there is one in bounds, where one perturb of the limit changes
// them by delta.
func (m *limit) solve(want, delta sizes) (int64, bool) {
	var x int64
	found := false
	for j, c := range delta {
		switch {
		case c == 0 && want[j] != 0:
			return 0, false
		case c == 0:
			continue
		}
		n := want[j] * perturb
		if n%c != 0 {
			return 0, false
		}
		v := m.value + n/c
		if found && v != x {
			return 0, false
		}
		x, found = v, true
	}
	if !found || x < 1 || x > maxLimit || x == m.value || (x-m.value)%m.step != 0 {
		return 0, false
	}
	return x, true
}
