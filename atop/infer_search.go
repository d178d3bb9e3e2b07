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
	plaus := make([][]int64, len(cand))
	for i, l := range cand {
		plaus[i] = l.plausible(lv.multiples)
	}
	var out [][]Define
	seen := map[string]bool{}
	var chosen []Define
	var chosenLim []*limit
	picked := make([]bool, len(cand))
	// perUnit is what one unit of l changes, the chosen limits set.
	perUnit := func(l *limit) (u sizes) {
		for k, c := range l.delta {
			u[k] = c // per perturb units
		}
		for j, o := range chosenLim {
			dx := chosen[j].Value - o.value
			for k := range u {
				u[k] += perturb * dx * (m.cross[[2]string{o.name, l.name}][k] + m.cross[[2]string{l.name, o.name}][k])
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
			for i := from; i < len(cand); i++ {
				if picked[i] {
					continue
				}
				x, ok := cand[i].solve(rest, perUnit(cand[i]))
				if !ok || !lv.free && !slices.Contains(plaus[i], x) {
					continue
				}
				c := append(slices.Clone(chosen), Define{cand[i].name, x})
				slices.SortFunc(c, func(a, b Define) int { return strings.Compare(a.Name, b.Name) })
				if k := defineList(c); !seen[k] {
					seen[k] = true
					out = append(out, c)
				}
			}
			return
		}
		for i := start; i < len(cand); i++ {
			u := perUnit(cand[i])
			for _, x := range plaus[i] {
				if (x-cand[i].value)%cand[i].step != 0 {
					continue // off the step: padding decides, the sizes are not known
				}
				var r sizes
				for k := range r {
					r[k] = rest[k] - (x-cand[i].value)*u[k]/perturb
				}
				chosen, chosenLim = append(chosen, Define{cand[i].name, x}), append(chosenLim, cand[i])
				picked[i] = true
				walk(i+1, r)
				picked[i] = false
				chosen, chosenLim = chosen[:len(chosen)-1], chosenLim[:len(chosenLim)-1]
			}
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
