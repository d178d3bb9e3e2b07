package cstruct

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cstructgo/cstruct/defs"
)

// accessorDefs has what the atop and gcc definitions lack: odd widths,
// int128, enums, flags, pointers, wchar, floats, per-struct byte orders,
// anonymous members and dissect's packed bit-fields.
const accessorDefs = `
enum color : int16 { RED = -1, GREEN = 1 };
flag perm : uint8 { R = 1, W = 2 };
struct inner { int24 a; uint48 b; int8 c[3]; };
struct __attribute__((scalar_storage_order("big-endian"))) bebox { uint32 x; int16 y; struct inner in; };
struct odd {
	uint8 u8; int128 big; uint128 ubig; float16 h; float f; double d;
	color col; perm p; void *ptr; wchar wc; wchar ws[4]; char c; char name[7];
	bool ok; struct bebox be[2];
	union { uint32 word; struct { uint16 lo, hi; }; };
	int32 s1:3, s2:7, s3:20;
	uint64 b1:1, b2:63;
	uint8 x1:3; uint16 x2:9; color ce:5; char cb:4;
	int64 m[2][3];
};
`

// leafPaths lists every path into t that Value.Lookup and Spec.Accessor
// both take: named fields, anonymous members' fields, the first, second
// and last element of fixed arrays.
func leafPaths(t Type, prefix string, out []string) []string {
	switch u := Underlying(t).(type) {
	case *Struct:
		for _, f := range u.Fields {
			if f.Offset < 0 {
				break
			}
			if f.Name == "" {
				if f.BitSize == 0 {
					out = leafPaths(f.Type, prefix, out)
				}
				continue
			}
			if f.Name == "_" {
				continue
			}
			p := f.Name
			if prefix != "" {
				p = prefix + "." + f.Name
			}
			out = append(out, p)
			out = leafPaths(f.Type, p, out)
		}
	case *Array:
		if u.Kind != Fixed || IsDynamic(u.Elem) {
			return out
		}
		for _, i := range []int64{0, 1, u.Len - 1} {
			if i >= 0 && i < u.Len && (i != 1 || u.Len > 2) {
				out = leafPaths(u.Elem, fmt.Sprintf("%s[%d]", prefix, i), append(out, fmt.Sprintf("%s[%d]", prefix, i)))
			}
		}
	}
	return out
}

// checkAgainstValue compares every accessor of every struct of spec with
// Value, on random records, in both byte orders, with b cut to the record
// and with bytes after it.
func checkAgainstValue(t *testing.T, spec *Spec, rng *rand.Rand) int {
	n := 0
	for name, typ := range spec.Types() {
		st, ok := As[*Struct](typ)
		if !ok || IsDynamic(st) || st.ByteSize <= 0 {
			continue
		}
		paths := leafPaths(st, "", nil)
		for _, order := range []binary.ByteOrder{nil, binary.LittleEndian, binary.BigEndian} {
			for _, extra := range []int{0, 9} {
				buf := make([]byte, st.ByteSize+int64(extra))
				for i := range buf {
					buf[i] = byte(rng.Uint32())
				}
				rec := buf[:st.ByteSize]
				v, err := spec.UnpackWith(st, buf, Options{Order: order})
				require.NoError(t, err)
				for _, p := range paths {
					fv, err := v.Lookup(p)
					require.NoError(t, err, "%s %s", name, p)
					a, err := spec.Accessor(st, p, order)
					if fo, fw, ok := fv.BitField(); ok && (fo+fw+7)/8 > 8 {
						require.Error(t, err)
						continue
					}
					if _, isLEB := Underlying(fv.Type()).(*LEB128); isLEB {
						require.Error(t, err)
						continue
					}
					require.NoError(t, err, "%s %s", name, p)
					compareAccessor(t, fmt.Sprintf("%s %s order %v extra %d", name, p, order, extra), a, fv, buf, rec)
					n++
				}
			}
		}
	}
	return n
}

func compareAccessor(t *testing.T, what string, a Accessor, fv Value, buf, rec []byte) {
	t.Helper()
	require.Equal(t, fv.Offset(), a.Offset(), what)
	require.Equal(t, fv.Size(), a.Size(), what)
	require.Equal(t, fv.Type(), a.Type(), what)
	require.Equal(t, fv.IsText(), a.IsText(), what)
	require.Equal(t, fv.ByteOrder() == binary.BigEndian, a.BigEndian(), what)
	bo, bw, bok := fv.BitField()
	ao, aw, aok := a.BitField()
	require.Equal(t, [3]any{bo, bw, bok}, [3]any{ao, aw, aok}, what)
	if arr, ok := As[*Array](fv.Type()); ok && arr.Kind == Fixed {
		require.Equal(t, fv.Len(), a.Len(), what)
		if a.Len() > 0 {
			last := a.Elem(a.Len() - 1)
			assert.Equal(t, fv.Index(fv.Len()-1).Offset(), last.Offset(), what)
			assert.Panics(t, func() { a.Elem(a.Len()) }, what)
		}
	} else {
		require.Equal(t, 0, a.Len(), what)
	}
	for _, b := range [][]byte{buf, rec} {
		if arr, ok := As[*Array](fv.Type()); ok {
			if _, isChar := Underlying(arr.Elem).(*Char); isChar {
				require.Equal(t, fv.Text(), string(a.Bytes(b)), what)
				continue
			}
		}
		require.Equal(t, fv.Bytes(), a.Bytes(b), what)
		switch u := Underlying(fv.Type()).(type) {
		case *Float:
			require.True(t, a.IsFloat(), what)
			want, got := fv.Float(), a.Float(b)
			require.True(t, want == got || math.IsNaN(want) && math.IsNaN(got), "%s: %v %v", what, want, got)
			if len(rec) >= a.w+8 {
				checkScalar(t, what, a, fv, b)
			}
		case *Int:
			if u.ByteSize > 8 {
				x := fv.BigInt()
				if x.IsInt64() {
					require.Equal(t, x.Int64(), a.Int(b), what)
				}
				continue
			}
			require.Equal(t, fv.Int(), a.Int(b), what)
			require.Equal(t, fv.Uint(), a.Uint(b), what)
			require.Equal(t, u.Signed, a.Signed(), what)
			if len(rec) >= a.w+8 {
				checkScalar(t, what, a, fv, b)
			}
		case *Enum, *Char, *WChar, *Pointer:
			require.Equal(t, fv.Int(), a.Int(b), what)
			require.Equal(t, fv.Uint(), a.Uint(b), what)
			require.True(t, a.IsInteger(), what)
		default:
			require.False(t, a.IsInteger(), what)
			require.Panics(t, func() { a.Uint(b) }, what)
		}
	}
}

// checkScalar reads an integer or float field through the Scalar of its
// width, when there is one.
func checkScalar(t *testing.T, what string, a Accessor, fv Value, b []byte) {
	t.Helper()
	if _, _, bit := a.BitField(); bit {
		return
	}
	got := func(x any, err error) any { require.NoError(t, err, what); return x }
	var v any
	switch k := [2]any{a.Size(), a.Signed()}; {
	case a.IsFloat() && a.Size() == 4:
		v = float64(got(ScalarFrom[float32](a)).(Scalar[float32]).Get(b))
	case a.IsFloat() && a.Size() == 8:
		v = got(ScalarFrom[float64](a)).(Scalar[float64]).Get(b)
	case a.IsFloat():
		return
	case k == [2]any{int64(1), false}:
		v = int64(got(ScalarFrom[uint8](a)).(Scalar[uint8]).Get(b))
	case k == [2]any{int64(1), true}:
		v = int64(got(ScalarFrom[int8](a)).(Scalar[int8]).Get(b))
	case k == [2]any{int64(2), false}:
		v = int64(got(ScalarFrom[uint16](a)).(Scalar[uint16]).Get(b))
	case k == [2]any{int64(2), true}:
		v = int64(got(ScalarFrom[int16](a)).(Scalar[int16]).Get(b))
	case k == [2]any{int64(4), false}:
		v = int64(got(ScalarFrom[uint32](a)).(Scalar[uint32]).Get(b))
	case k == [2]any{int64(4), true}:
		v = int64(got(ScalarFrom[int32](a)).(Scalar[int32]).Get(b))
	case k == [2]any{int64(8), false}:
		v = int64(got(ScalarFrom[uint64](a)).(Scalar[uint64]).Get(b))
	case k == [2]any{int64(8), true}:
		v = got(ScalarFrom[int64](a)).(Scalar[int64]).Get(b)
	default:
		return
	}
	if a.IsFloat() {
		want := fv.Float()
		require.True(t, want == v || math.IsNaN(want), "%s: scalar %v, value %v", what, v, want)
		return
	}
	require.Equal(t, fv.Int(), v, what+" (scalar)")
}

// TestAccessorMatchesValue is the oracle test: every field of every struct
// of every shipped atop version, of the gcc layout tests, and of a set of
// unusual types reads the same through an Accessor as through Value.
func TestAccessorMatchesValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var specs []*Spec
	versions, err := filepath.Glob("../defs/atop/*/atop.h")
	require.NoError(t, err)
	require.NotEmpty(t, versions)
	for _, v := range versions {
		name := strings.TrimPrefix(v, "../defs/")
		spec, err := (&Config{Natural: true}).ParseFS(defs.Atop, name)
		require.NoError(t, err, name)
		specs = append(specs, spec)
	}
	for _, cfg := range []Config{{}, {Natural: true}, {ByteOrder: binary.BigEndian}} {
		spec, err := cfg.Parse("acc.h", []byte(accessorDefs))
		require.NoError(t, err)
		specs = append(specs, spec)
	}
	for _, f := range []struct {
		name string
		cfg  Config
	}{{"gcc_layouts.h", Config{Natural: true}}, {"gcc_layouts_ilp32.h", Config{Natural: true, ABI: ILP32}}} {
		src, err := os.ReadFile("testdata/" + f.name)
		require.NoError(t, err)
		spec, err := f.cfg.Parse(f.name, src)
		require.NoError(t, err)
		specs = append(specs, spec)
	}
	total := 0
	for _, spec := range specs {
		total += checkAgainstValue(t, spec, rng)
	}
	assert.Greater(t, total, 10000)
}

// TestAccessorBitsExhaustive reads every bit offset 0–7 and width 1–64 in
// both byte orders, signed and unsigned, at the start, in the middle and at
// the very end of a record, and compares with readBits.
func TestAccessorBitsExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, be := range []bool{false, true} {
		order := binary.ByteOrder(binary.LittleEndian)
		if be {
			order = binary.BigEndian
		}
		for _, signed := range []bool{false, true} {
			typ := &Int{Name: "i64", ByteSize: 8, Signed: signed, Alignof: 8}
			for bitOff := 0; bitOff < 8; bitOff++ {
				for width := 1; width <= 64; width++ {
					n := (bitOff + width + 7) / 8
					for _, recLen := range []int{n, n + 3, 24} {
						for _, off := range []int{0, recLen - n} {
							a, err := newAccessor(typ, int64(off), bitOff, width, be, -1)
							if n > 8 {
								require.Error(t, err)
								continue
							}
							require.NoError(t, err)
							b := make([]byte, recLen)
							for k := 0; k < 4; k++ {
								for i := range b {
									b[i] = byte(rng.Uint32())
								}
								want := readBits(b[off:], bitOff, width, order)
								got := a.Uint(b)
								if signed {
									require.Equal(t, signExtend(want, width), a.Int(b))
									require.Equal(t, uint64(signExtend(want, width)), got)
								} else {
									require.Equal(t, int64(want), a.Int(b), "be %v off %d bit %d width %d len %d", be, off, bitOff, width, recLen)
									require.Equal(t, want, got)
								}
							}
							if off+n > 0 {
								short := make([]byte, off+n-1)
								assert.Panics(t, func() { a.Uint(short) })
							}
						}
					}
				}
			}
		}
	}
}

var gccBitLine = regexp.MustCompile(`^  (\S+) bit (\d+) width (\d+)$`)

// TestAccessorBitsGCC reads every bit-field of the gcc layout tests at the
// bit position gcc gives it (testdata/gcc_layouts.golden, little-endian
// x86_64), from random records.
func TestAccessorBitsGCC(t *testing.T) {
	src, err := os.ReadFile("testdata/gcc_layouts.h")
	require.NoError(t, err)
	spec, err := (&Config{Natural: true}).Parse("gcc_layouts.h", src)
	require.NoError(t, err)
	f, err := os.Open("testdata/gcc_layouts.golden")
	require.NoError(t, err)
	defer f.Close()
	rng := rand.New(rand.NewPCG(5, 6))
	var st *Struct
	checked := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, " ") {
			name, _, _ := strings.Cut(line, " size ")
			st, err = spec.Struct(name)
			require.NoError(t, err, line)
			continue
		}
		m := gccBitLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		bit, _ := strconv.Atoi(m[2])
		width, _ := strconv.Atoi(m[3])
		a, err := spec.Accessor(st, m[1], nil)
		require.NoError(t, err, line)
		b := make([]byte, st.ByteSize)
		for k := 0; k < 8; k++ {
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			var want uint64
			for i := width - 1; i >= 0; i-- {
				p := bit + i
				want = want<<1 | uint64(b[p/8]>>(p%8)&1)
			}
			wantInt := int64(want)
			if a.Signed() {
				wantInt = signExtend(want, width)
			}
			require.Equal(t, wantInt, a.Int(b), "%s %s", st, line)
		}
		checked++
	}
	require.NoError(t, sc.Err())
	assert.Greater(t, checked, 20)
}

func TestAccessorPaths(t *testing.T) {
	spec, err := Parse("acc.h", []byte(accessorDefs))
	require.NoError(t, err)
	odd, err := spec.Lookup("struct odd")
	require.NoError(t, err)
	for path, want := range map[string]string{
		"nope":       `cstruct: path "nope": struct odd has no field "nope"`,
		"u8.x":       `cstruct: path "u8.x": uint8 has no field "x"`,
		"name[":      `cstruct: path "name[": missing ]`,
		"name[x]":    `cstruct: path "name[x]": bad index "x"`,
		"name[7]":    `cstruct: path "name[7]": index 7 out of range [0,7)`,
		"u8[0]":      `cstruct: path "u8[0]": uint8 is not an array`,
		"m[1][3]":    `cstruct: path "m[1][3]": index 3 out of range [0,3)`,
		"be[2].x":    `cstruct: path "be[2].x": index 2 out of range [0,2)`,
		"be[0].nope": `cstruct: path "be[0].nope": struct bebox has no field "nope"`,
	} {
		_, err := spec.Accessor(odd, path, nil)
		assert.EqualError(t, err, want, path)
	}
	be, err := spec.Accessor(odd, "be", nil)
	require.NoError(t, err)
	x, err := be.Elem(1).Field("in.b")
	require.NoError(t, err)
	direct, err := spec.Accessor(odd, "be[1].in.b", nil)
	require.NoError(t, err)
	assert.Equal(t, direct, x)
	m, err := spec.Accessor(odd, "m", nil)
	require.NoError(t, err)
	m12, err := spec.Accessor(odd, "m[1][2]", nil)
	require.NoError(t, err)
	assert.Equal(t, m12, m.Elem(1).Elem(2))
	whole, err := spec.Accessor(odd, "", nil)
	require.NoError(t, err)
	assert.Equal(t, odd.Size(), whole.Size())
	assert.False(t, Accessor{}.IsValid())

	dyn, err := Parse("d.h", []byte("struct msg { uint16 len; char data[len]; uint8 after; uleb128 n; };"))
	require.NoError(t, err)
	msg, _ := dyn.Lookup("struct msg")
	data, err := dyn.Accessor(msg, "data", nil)
	require.NoError(t, err)
	assert.Equal(t, []byte("ab"), data.Bytes([]byte{2, 0, 'a', 'b', 0, 'c'}))
	after, err := dyn.Accessor(msg, "after", nil)
	require.NoError(t, err)
	assert.Equal(t, int64(-1), after.Offset())
	assert.Panics(t, func() { after.Uint([]byte{2, 0, 'a', 'b', 0, 'c'}) })
	_, err = dyn.Accessor(msg, "n", nil)
	assert.ErrorContains(t, err, "uleb128 has no fixed width")
}

func TestScalar(t *testing.T) {
	spec, err := Parse("acc.h", []byte(accessorDefs))
	require.NoError(t, err)
	odd, _ := spec.Lookup("struct odd")
	b := make([]byte, odd.Size())
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	v, err := spec.Unpack(odd, b)
	require.NoError(t, err)
	get := func(path string) Value {
		fv, err := v.Lookup(path)
		require.NoError(t, err)
		return fv
	}
	u8, err := ScalarOf[uint8](spec, odd, "u8", nil)
	require.NoError(t, err)
	assert.Equal(t, get("u8").Uint(), uint64(u8.Get(b)))
	y, err := ScalarOf[int16](spec, odd, "be[1].y", nil)
	require.NoError(t, err)
	assert.Equal(t, get("be[1].y").Int(), int64(y.Get(b)))
	x, err := ScalarOf[uint32](spec, odd, "be[0].x", binary.LittleEndian)
	require.NoError(t, err)
	assert.Equal(t, get("be[0].x").Uint(), uint64(x.Get(b)))
	f, err := ScalarOf[float32](spec, odd, "f", nil)
	require.NoError(t, err)
	assert.Equal(t, get("f").Float(), float64(f.Get(b)))
	d, err := ScalarOf[float64](spec, odd, "d", binary.BigEndian)
	require.NoError(t, err)
	vb, _ := spec.UnpackWith(odd, b, Options{Order: binary.BigEndian})
	dv, _ := vb.Lookup("d")
	assert.Equal(t, dv.Float(), d.Get(b))
	type myInt int64
	mm, err := ScalarOf[myInt](spec, odd, "m[1][1]", nil)
	require.NoError(t, err)
	assert.Equal(t, get("m[1][1]").Int(), int64(mm.Get(b)))
	short, _ := Parse("s.h", []byte("struct s { uint16 a; uint32 b; };"))
	st, _ := short.Lookup("struct s")
	_, err = ScalarOf[uint16](short, st, "a", nil)
	assert.ErrorContains(t, err, "needs 8 bytes")
	for _, bad := range []func() error{
		func() error { _, err := ScalarOf[uint16](spec, odd, "u8", nil); return err },
		func() error { _, err := ScalarOf[int8](spec, odd, "u8", nil); return err },
		func() error { _, err := ScalarOf[uint32](spec, odd, "f", nil); return err },
		func() error { _, err := ScalarOf[int32](spec, odd, "s1", nil); return err },
		func() error { _, err := ScalarOf[int64](spec, odd, "big", nil); return err },
		func() error { _, err := ScalarOf[int64](spec, odd, "m", nil); return err },
	} {
		assert.Error(t, bad())
	}
}

// TestAccessorInlines keeps the hot reads inlinable: one more call or
// branch in them costs about 2× in a loop over records.
func TestAccessorInlines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the package")
	}
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	out, err := exec.Command(gobin, "build", "-gcflags=-m", ".").CombinedOutput()
	require.NoError(t, err, string(out))
	for _, fn := range []string{"Accessor.Uint", "Accessor.Int", "Accessor.load"} {
		assert.Contains(t, string(out), "can inline "+fn+"\n", fn)
	}
}

func TestAppendJSONBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	alphabet := []string{"a", "\"", "\\", "\n", "\x01", "\x7f", "é", "\u2028", "\u2029", "\xff", "\xe2\x80", "𝄞"}
	for range 5000 {
		var b []byte
		for range rng.IntN(8) {
			b = append(b, alphabet[rng.IntN(len(alphabet))]...)
		}
		assert.Equal(t, string(AppendJSONString([]byte("x"), string(b))), string(AppendJSONBytes([]byte("x"), b)))
	}
}
