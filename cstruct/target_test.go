package cstruct

import (
	"debug/elf"
	"encoding/binary"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuiltinTargetIsGCC: the recorded macros are what gcc predefines on
// this machine (when it is gcc 12 on x86_64 Linux, where they were
// recorded).
func TestBuiltinTargetIsGCC(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found")
	}
	for _, abi := range []ABI{LP64, ILP32} {
		args := []string{"-dM", "-E", "-xc", "-"}
		if abi.PointerSize == 4 {
			args = append([]string{"-m32"}, args...)
		}
		cmd := exec.Command(gcc, args...)
		cmd.Stdin = strings.NewReader("")
		out, err := cmd.Output()
		require.NoError(t, err)
		live := macroLines(out)
		if !slices.Contains(live, "__GNUC__ 12") || !slices.Contains(live, "__linux__ 1") {
			t.Skip("not gcc 12 on Linux")
		}
		slices.Sort(live)
		rec := slices.Clone(BuiltinTarget(abi).Macros)
		slices.Sort(rec)
		assert.Equal(t, live, rec, abi.Name)
		host := slices.Clone(HostTarget(abi).Macros)
		slices.Sort(host)
		assert.Equal(t, live, host, abi.Name)
	}
}

// TestTargetMacros: the target's macros are visible to #if, glibc's
// version tests included, and follow the ABI; -U removes one.
func TestTargetMacros(t *testing.T) {
	src := `
#if __GNUC__ >= 12 && defined __GNUC_MINOR__ && __INT_MAX__ == 2147483647 && __CHAR_BIT__ == 8
struct gnu { int ok; };
#endif
#if defined __x86_64__ || defined __LP64__
struct lp64 { int ok; };
#endif
#if defined __i386__ && defined __ILP32__
struct ilp32 { int ok; };
#endif
#ifdef __SIZE_TYPE__
typedef __SIZE_TYPE__ my_size;
#endif
`
	for _, tc := range []struct {
		cfg   Config
		types []string
	}{
		{Config{Target: BuiltinTarget(LP64)}, []string{"struct gnu", "struct lp64", "my_size"}},
		{Config{ABI: ILP32, Target: BuiltinTarget(ILP32)}, []string{"struct gnu", "struct ilp32", "my_size"}},
		{Config{Target: BuiltinTarget(LP64), Undefines: []string{"__SIZE_TYPE__", "__x86_64__", "__LP64__"}}, []string{"struct gnu"}},
		{Config{}, []string{"struct lp64"}},
		{Config{ABI: ILP32}, []string{"struct ilp32"}},
	} {
		s, err := tc.cfg.Parse("m.h", []byte(src))
		require.NoError(t, err)
		var got []string
		for n := range s.Types() {
			got = append(got, n)
		}
		assert.Equal(t, tc.types, got, "%+v", tc.cfg.ABI.Name)
		if slices.Contains(tc.types, "my_size") {
			sz, _ := s.Lookup("my_size")
			want := int64(8)
			if tc.cfg.ABI == ILP32 {
				want = 4
			}
			assert.Equal(t, want, sz.Size())
		}
	}
}

// TestTargetIncludes: a target's system headers load alone, an angled
// include found nowhere is an error naming the directories, and
// __has_include answers from the same search.
func TestTargetIncludes(t *testing.T) {
	if _, err := os.Stat("/usr/include/linux/tcp.h"); err != nil {
		t.Skip("no Linux headers in /usr/include")
	}
	cfg := Config{Natural: true, Target: HostTarget(LP64)}
	s, err := cfg.Parse("t.h", []byte("#include <linux/tcp.h>\n#include <stddef.h>\n#include <stdint.h>\n"))
	require.NoError(t, err)
	st, err := s.Struct("tcphdr")
	require.NoError(t, err)
	assert.EqualValues(t, 20, st.Size())

	_, err = cfg.Parse("t.h", []byte("#include <no/such/header.h>\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "t.h:1:")
	assert.Contains(t, err.Error(), "/usr/include")

	src := []byte("#if __has_include(<linux/tcp.h>) && !__has_include(<no/such.h>)\nstruct yes { int a; };\n#endif\n")
	s, err = cfg.Parse("h.h", src)
	require.NoError(t, err)
	_, err = s.Struct("yes")
	assert.NoError(t, err)
	s, err = Parse("h.h", src) // no include directories: nothing to find
	require.NoError(t, err)
	_, err = s.Struct("yes")
	assert.Error(t, err)
}

// TestHasIncludeNext: __has_include_next looks in the directories after
// the one of the including file.
func TestHasIncludeNext(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	write := func(dir, name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	write(d1, "a.h", "#if __has_include_next(<a.h>)\n#include_next <a.h>\n#endif\n#if __has_include_next(<b.h>)\nstruct bad { int x; };\n#endif\n")
	write(d2, "a.h", "struct next { int x; };\n")
	write(d1, "b.h", "")
	cfg := Config{IncludeDirs: []fs.FS{os.DirFS(d1), os.DirFS(d2)}}
	s, err := cfg.Parse("m.h", []byte("#include <a.h>\n"))
	require.NoError(t, err)
	_, err = s.Struct("next")
	assert.NoError(t, err)
	_, err = s.Struct("bad")
	assert.Error(t, err, "b.h is in no directory after d1")
}

// TestLongDoubleGCC decodes and encodes long doubles as gcc stores them:
// an object's .data holds 1.5L, -2.25L, 1e300L and 0.1L.
func TestLongDoubleGCC(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "ld.c")
	require.NoError(t, os.WriteFile(src, []byte("long double vals[] = { 1.5L, -2.25L, 1e300L, 0.1L, 0.0L, -0.0L, __builtin_infl() };\n"), 0o644))
	obj := filepath.Join(dir, "ld.o")
	out, err := exec.Command(gcc, "-c", "-o", obj, src).CombinedOutput()
	require.NoError(t, err, string(out))
	ef, err := elf.Open(obj)
	require.NoError(t, err)
	defer ef.Close()
	data, err := ef.Section(".data").Data()
	require.NoError(t, err)
	require.Len(t, data, 7*16)

	s, err := (&Config{Natural: true}).Parse("ld.h", []byte("struct v { long double vals[7]; };"))
	require.NoError(t, err)
	st, _ := s.Struct("v")
	v, err := s.Unpack(st, data)
	require.NoError(t, err)
	vals, _ := v.Lookup("vals")
	want := []float64{1.5, -2.25, 1e300, 0.1, 0, 0, 0}
	for i, w := range want[:6] {
		assert.Equal(t, w, vals.Index(i).Float(), "vals[%d]", i)
	}
	assert.True(t, vals.Index(6).Float() > 1e308, "inf")
	acc, err := s.Accessor(st, "vals[1]", nil)
	require.NoError(t, err)
	assert.Equal(t, -2.25, acc.Float(data))

	// exact values pack to gcc's bytes (its padding is zero too)
	for i, f := range []float64{1.5, -2.25} { // 1e300 and 0.1 round in float64
		b, err := s.Pack(Underlying(st.Fields[0].Type).(*Array).Elem, f)
		require.NoError(t, err)
		assert.Equal(t, data[16*i:16*i+16], b, "%g", f)
	}
	assert.Equal(t, uint16(0x8000), binary.LittleEndian.Uint16(data[5*16+8:]), "-0.0L has its sign")
}
