package atop

import (
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestModelOneResolution: the effects found from one resolution with every
// macro moved (measureAll) are those of one resolution per macro
// (measureEach), in every shipped version.
func TestModelOneResolution(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.String(), func(t *testing.T) {
			base, err := loadLayout("", nil, v)
			require.NoError(t, err)
			all, each := modelLimits(base), modelLimits(base)
			require.True(t, all.measureAll("", nil, v, base), "one resolution matched up")
			each.measureEach("", nil, v)
			for i := range all.limits {
				require.Equal(t, each.limits[i].name, all.limits[i].name)
				require.Equal(t, each.limits[i].delta, all.limits[i].delta, all.limits[i].name)
			}
			sized := 0
			for _, l := range all.limits {
				if l.delta != (sizes{}) {
					sized++
				}
			}
			assert.GreaterOrEqual(t, sized, 10, "most macros size a struct")
		})
	}
}

// modelLimits is a model of base with the macros listed, not yet measured.
func modelLimits(base *layout) *limitModel {
	m := &limitModel{base: base.sizes(), cross: map[[2]string]sizes{}}
	for name, value := range base.spec.Consts() {
		m.limits = append(m.limits, limit{name: name, value: value})
	}
	return m
}

// sizesWith resolves the definitions of v with ds changed: the sizes an
// atop built so records.
func sizesWith(t *testing.T, v Version, ds ...Define) sizes {
	t.Helper()
	l, err := parseLayout("", withDefines(nil, ds), v)
	require.NoError(t, err)
	return l.sizes()
}

// found runs the search tiers as the reader does, without samples (which
// go on to the next tier when no combination of one reads them): the
// combinations of every tier, and the tier of c (-1 if none has it).
func found(m *limitModel, want sizes, c []Define) ([][]Define, int) {
	var out [][]Define
	at := -1
	for i, tier := range searchTiers {
		for _, lv := range tier {
			got := m.search(want, lv)
			if at < 0 && containsCombo(got, c) {
				at = i
			}
			out = append(out, got...)
		}
	}
	return out, at
}

func diff(a, b sizes) sizes {
	var d sizes
	for i := range d {
		d[i] = a[i] - b[i]
	}
	return d
}

func containsCombo(cs [][]Define, c []Define) bool {
	return slices.ContainsFunc(cs, func(x []Define) bool { return slices.Equal(x, c) })
}

// TestSearchOneLimit: in every shipped version, each limit changed alone
// (to a value atop used or a multiple, and to one no build would choose)
// is among the combinations that the search finds for the sizes that the
// definitions with that #define changed give; and every combination found
// gives exactly those sizes. The values are on the limit's step (a string
// length moved by a multiple of 8), where the sizes are exact.
func TestSearchOneLimit(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.String(), func(t *testing.T) {
			m, err := loadModel("", nil, v)
			require.NoError(t, err)
			checked := 0
			for _, l := range m.limits {
				for n, x := range append(onStep(&l)[:2], l.value+3*perturb) {
					c := []Define{{l.name, x}}
					want := diff(sizesWith(t, v, c...), m.base)
					tier := slices.Concat(searchTiers[0], searchTiers[1]) // plausible values
					if n == 2 {
						tier = []searchLevel{{1, false, true}} // any value, tried after the plausible ones
					}
					var got [][]Define
					for _, lv := range tier {
						got = append(got, m.search(want, lv)...)
					}
					require.True(t, containsCombo(got, c), "%s: %v not among %v", v, c, got)
					if checked%5 == 0 && len(got) < 6 { // every combination is exact: a sample of them
						for _, g := range got {
							assert.Equal(t, want, diff(sizesWith(t, v, g...), m.base), "%v", g)
						}
					}
					checked++
				}
			}
		})
	}
}

// TestSearchTwoLimits: two limits changed together, to plausible values,
// are found in every shipped version, nested ones (MAXGPU and MAXGPUBUS,
// which sizes an array of each GPU) too.
func TestSearchTwoLimits(t *testing.T) {
	for _, v := range Versions() {
		t.Run(v.String(), func(t *testing.T) {
			m, err := loadModel("", nil, v)
			require.NoError(t, err)
			// each limit with the next one that sizes the same struct, and
			// with one (in turn) that sizes another
			var pairs [][2]*limit
			others := 0
			for i := range m.limits {
				a := &m.limits[i]
				var same, other []*limit
				for j := range m.limits {
					b := &m.limits[j]
					switch {
					case j <= i:
					case a.delta[szSStat] != 0 && b.delta[szSStat] != 0 || a.delta[szTStat] != 0 && b.delta[szTStat] != 0:
						same = append(same, b)
					default:
						other = append(other, b)
					}
				}
				if len(same) > 0 {
					pairs = append(pairs, [2]*limit{a, same[0]})
				}
				if len(other) > 0 {
					pairs = append(pairs, [2]*limit{a, other[others%len(other)]})
					others++
				}
			}
			for k, p := range pairs {
				a, b := p[0], p[1]
				pa, pb := onStep(a), onStep(b)
				c := []Define{{a.name, pa[k%len(pa)]}, {b.name, pb[(k+1)%len(pb)]}}
				slices.SortFunc(c, func(x, y Define) int { return cmpString(x.Name, y.Name) })
				want := diff(sizesWith(t, v, c...), m.base)
				var got [][]Define
				for _, lv := range slices.Concat(searchTiers[0], searchTiers[1]) {
					got = append(got, m.search(want, lv)...)
				}
				require.True(t, containsCombo(got, c), "%s: %v not among %v", v, c, got)
			}
			t.Logf("%d pairs", len(pairs))
		})
	}
}

// onStep is l's plausible values on its step.
func onStep(l *limit) []int64 {
	var out []int64
	for _, x := range l.plausible(true) {
		if (x-l.value)%l.step == 0 {
			out = append(out, x)
		}
	}
	return out
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestSearchImpossible: sizes that no limit values give find nothing: 4
// bytes more sstat (every limit moves it by multiples of 8), a tstat
// change with the sstat limits only able to move sstat.
func TestSearchImpossible(t *testing.T) {
	for _, v := range Versions() {
		m, err := loadModel("", nil, v)
		require.NoError(t, err)
		got, _ := found(m, sizes{szSStat: 4}, nil)
		assert.Empty(t, got, v.String())
		got, _ = found(m, sizes{szRecord: 8}, nil)
		assert.Empty(t, got, v.String())
	}
}

// TestSearchAmbiguous: limits of the same bytes per unit (MAXGPUBUS and
// MAXGPUTYPE size char arrays of the same struct) cannot be told apart by
// the sizes: both are found.
func TestSearchAmbiguous(t *testing.T) {
	v := Version{2, 10}
	m, err := loadModel("", nil, v)
	require.NoError(t, err)
	want := diff(sizesWith(t, v, Define{"MAXGPUTYPE", 20}), m.base)
	got, _ := found(m, want, nil)
	assert.True(t, containsCombo(got, []Define{{"MAXGPUTYPE", 20}}), "%v", got)
	assert.True(t, containsCombo(got, []Define{{"MAXGPUBUS", 20}}), "%v", got)
}

func TestPlausible(t *testing.T) {
	l := limit{name: "MAXCPU", value: 2048, history: []int64{2048, 4096}}
	assert.NotContains(t, l.plausible(false), int64(6144), "3 times: a multiple, not a power of two")
	p := l.plausible(true)
	assert.Equal(t, int64(4096), p[0], "history first")
	for _, x := range []int64{8192, 6144, 1024, 128, 65536} {
		assert.Contains(t, p, x)
	}
	assert.NotContains(t, p, int64(2048), "not the value itself")
	assert.NotContains(t, p, int64(64), "not below a sixteenth")
	cmd := limit{name: "CMDLEN", value: 255}
	for _, x := range []int64{511, 1023, 4095, 127} {
		assert.Contains(t, cmd.plausible(true), x, strconv.FormatInt(x, 10))
	}
	assert.NotContains(t, cmd.plausible(true), int64(512), "a string length stays one less than a power of two")
}
