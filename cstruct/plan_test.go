package cstruct

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dynamicDefs are records whose layout depends on the data: the fast path
// of Plan.Layout (lengths over earlier fields, EOF, zero-terminated and
// flexible arrays, fields after them) and the general decoder behind it
// (nested dynamic structs, indexed references, unions, LEB128).
const dynamicDefs = `
struct d1 { uint16 len; char data[len]; };
struct d2 { uint32 id; uint8 bits:3, n:5; uint16 vals[n * 2 - 1]; uint8 after; int32 tail; };
struct d3 { uint8 n; struct { uint8 m; uint8 x[m]; } inner; uint16 after; };
struct d4 { uint8 k; uint8 a[k]; uint8 b[a[0] & 3]; };
struct d5 { uint8 cnt; uint16 w[EOF]; };
struct d6 { uint8 n; char s[]; uint8 z; };
struct d7 { uleb128 v; uint8 after; };
struct d8 { uint8 n; union { uint8 a[n]; uint16 b; } u; uint8 after; };
struct d9 { uint8 n; uint8 m; uint32 x[n > 2 ? m % 4 : (n ^ 1) / (m & 1)]; int8 s; };
struct __attribute__((scalar_storage_order("big-endian"))) d10 { uint16 n; int16 v[n & 7]; uint32 after; };
#pragma pack(push, 8)
struct n1 { uint8 n; uint64 v[n]; uint8 c; uint32 d; };
struct n2 { uint16 n; uint8 data[n]; double x; };
#pragma pack(pop)
`

// dynPaths lists the paths of every field of t, through dynamic parts, and
// the first element of arrays.
func dynPaths(t Type, prefix string, out []string) []string {
	switch u := Underlying(t).(type) {
	case *Struct:
		for _, f := range u.Fields {
			if f.Name == "" {
				out = dynPaths(f.Type, prefix, out)
				continue
			}
			p := f.Name
			if prefix != "" {
				p = prefix + "." + f.Name
			}
			out = dynPaths(f.Type, p, append(out, p))
		}
	case *Array:
		if u.Kind == Fixed && u.Len > 0 {
			p := prefix + "[0]"
			out = dynPaths(u.Elem, p, append(out, p))
		}
	}
	return out
}

// TestPlanLayoutMatchesUnpack compares Plan.Layout and the L accessors with
// UnpackWith and Value on random short records: the same size, the same
// field values, or the same error.
func TestPlanLayoutMatchesUnpack(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	checked := map[string]int{}
	for _, cfg := range []Config{{}, {ByteOrder: binary.BigEndian}} {
		spec, err := cfg.Parse("dyn.h", []byte(dynamicDefs))
		require.NoError(t, err)
		for name, typ := range spec.Types() {
			st, ok := typ.(*Struct)
			if !ok {
				continue
			}
			for _, order := range []binary.ByteOrder{nil, binary.LittleEndian, binary.BigEndian} {
				plan := spec.Plan(st, order)
				o := order
				if o == nil {
					o = spec.order
				}
				general := spec.newPlan(st, o, isBigEndian(o))
				general.steps, general.tail = nil, nil
				steps := spec.newPlan(st, o, isBigEndian(o)) // the steps, without the tail shortcut
				steps.tail = nil
				var lay, glay Layout
				for k := 0; k < 300; k++ {
					b := make([]byte, rng.IntN(40))
					for i := range b {
						b[i] = byte(rng.IntN(5))
						if rng.IntN(8) == 0 {
							b[i] = byte(rng.Uint32())
						}
					}
					what := fmt.Sprintf("%s order %v data %x", name, order, b)
					v, verr := spec.UnpackWith(st, b, Options{Order: order, Base: 100})
					// the general decoder is the judge of UnpackWith's fast path
					d := &decoder{buf: b, base: 100, limits: spec.cfg.Limits}
					dsize, dl, derr := d.decode(st, 0, o, nil, "", 0)
					assert.Equal(t, fmt.Sprint(derr), fmt.Sprint(verr), what)
					if derr == nil && verr == nil {
						assert.Equal(t, Value{typ: st, buf: b[:dsize], off: 100, order: structOrder(st, o), lay: dl}, v, what)
					}
					err := plan.Layout(b, 100, &lay)
					gerr := general.Layout(b, 100, &glay)
					var slay Layout
					if serr := steps.Layout(b, 100, &slay); serr != nil || err != nil {
						assert.Equal(t, fmt.Sprint(err), fmt.Sprint(serr), what)
					} else {
						assert.Equal(t, lay, slay, what)
					}
					if verr != nil {
						require.Error(t, err, what)
						assert.Equal(t, verr.Error(), err.Error(), what)
						assert.Equal(t, verr.Error(), gerr.Error(), what)
						checked[name+" errors"]++
						continue
					}
					require.NoError(t, err, what)
					require.NoError(t, gerr, what)
					require.Equal(t, v.Size(), lay.Size(), what)
					assert.Equal(t, glay.Size(), lay.Size(), what)
					for _, p := range dynPaths(st, "", nil) {
						fv, err := v.Lookup(p)
						require.NoError(t, err, what)
						a, err := plan.Accessor(p)
						if err != nil {
							assert.Regexp(t, "through Value|no fixed width", err.Error(), what)
							continue
						}
						w := what + " " + p
						checked[name]++
						assert.Equal(t, fv.Offset()-100, a.OffsetL(&lay), w)
						assert.Equal(t, a.OffsetL(&glay), a.OffsetL(&lay), w)
						if a.Offset() >= 0 {
							assert.Equal(t, a.Offset(), a.OffsetL(&lay), w)
						}
						assert.Equal(t, fv.Size(), a.SizeL(&lay), w)
						if fv.IsText() {
							if _, isArr := As[*Array](fv.Type()); isArr {
								assert.Equal(t, fv.Text(), string(a.BytesL(b, &lay)), w)
							}
						} else {
							assert.Equal(t, fv.Bytes(), a.BytesL(b, &lay), w)
						}
						if arr, ok := As[*Array](fv.Type()); ok {
							assert.Equal(t, fv.Len(), a.LenL(&lay), w)
							if fv.Len() > 0 && !IsDynamic(arr.Elem) {
								e := a.ElemL(fv.Len()-1, &lay)
								ev := fv.Index(fv.Len() - 1)
								assert.Equal(t, ev.Offset()-100, e.OffsetL(&lay), w)
								if ev.IsInteger() {
									assert.Equal(t, ev.Int(), e.IntL(b, &lay), w)
								}
							}
						}
						if fv.IsInteger() {
							assert.Equal(t, fv.Int(), a.IntL(b, &lay), w)
							assert.Equal(t, fv.Uint(), a.UintL(b, &lay), w)
						}
					}
				}
			}
		}
	}
	for _, name := range []string{"struct d1", "struct d2", "struct d3", "struct d4", "struct d5", "struct d6", "struct d8", "struct d9", "struct d10", "struct n1", "struct n2"} {
		assert.Greater(t, checked[name], 50, name)
	}
	assert.Greater(t, checked["struct d2 errors"], 10)
}

func TestPlanFastPath(t *testing.T) {
	spec, err := Parse("dyn.h", []byte(dynamicDefs))
	require.NoError(t, err)
	for name, fast := range map[string]bool{
		"struct d1": true, "struct d2": true, "struct d5": true, "struct d6": true, "struct d9": true,
		"struct d10": true, "struct n1": true, "struct n2": true,
		"struct d3": false, "struct d4": false, "struct d7": false, "struct d8": false,
	} {
		st, err := spec.Lookup(name)
		require.NoError(t, err)
		assert.Equal(t, fast, spec.Plan(st, nil).steps != nil, name)
	}
	d1, _ := spec.Lookup("struct d1")
	assert.NotNil(t, spec.Plan(d1, nil).tail)
	d10, _ := spec.Lookup("struct d10")
	assert.Nil(t, spec.Plan(d10, nil).tail) // its length is n & 7
	assert.Same(t, spec.Plan(d1, nil), spec.Plan(d1, binary.LittleEndian))
	assert.NotSame(t, spec.Plan(d1, nil), spec.Plan(d1, binary.BigEndian))
}

// TestLayoutAllocs checks that Layout and the L accessors allocate nothing
// once the Layout has grown.
func TestLayoutAllocs(t *testing.T) {
	spec, err := Parse("dyn.h", []byte(dynamicDefs))
	require.NoError(t, err)
	d2, _ := spec.Lookup("struct d2")
	plan := spec.Plan(d2, nil)
	tail, err := plan.Accessor("tail")
	require.NoError(t, err)
	vals, err := plan.Accessor("vals")
	require.NoError(t, err)
	b := []byte{1, 0, 0, 0, 2 << 3, 7, 0, 8, 0, 9, 0, 5, 0xff, 0xff, 0xff, 0xff, 3}
	var lay Layout
	var sum int64
	allocs := testing.AllocsPerRun(100, func() {
		if err := plan.Layout(b, 0, &lay); err != nil {
			t.Fatal(err)
		}
		sum += tail.IntL(b, &lay) + int64(len(vals.BytesL(b, &lay)))
	})
	assert.Zero(t, allocs)
	assert.Equal(t, int64(16), lay.Size())
	assert.Equal(t, int64(-1+6), tail.IntL(b, &lay)+int64(len(vals.BytesL(b, &lay))))
}

// TestLookupCompiled checks that Lookup through compiled paths gives what
// parsing the path gives, errors included, on first use and from the cache.
func TestLookupCompiled(t *testing.T) {
	for _, defs := range []string{accessorDefs, dynamicDefs} {
		spec, err := Parse("l.h", []byte(defs))
		require.NoError(t, err)
		rng := rand.New(rand.NewPCG(11, 12))
		for name, typ := range spec.Types() {
			st, ok := typ.(*Struct)
			if !ok {
				continue
			}
			b := make([]byte, 200)
			for i := range b {
				b[i] = byte(rng.IntN(4))
			}
			v, err := spec.Unpack(st, b)
			if err != nil {
				continue
			}
			paths := append(dynPaths(st, "", nil), "", "nope", "n[0]", "be[9].x", "m[1][x]", "name[", "u8.x", "vals[1]", "data[70]", "inner.x[0]")
			for _, p := range paths {
				for range 2 {
					got, gerr := v.Lookup(p)
					want, werr := v.lookup(p)
					assert.Equal(t, fmt.Sprint(werr), fmt.Sprint(gerr), "%s %q", name, p)
					assert.Equal(t, want, got, "%s %q", name, p)
				}
			}
		}
	}
}
