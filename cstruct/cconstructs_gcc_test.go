package cstruct

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// constructProbes are one-construct probes of what system headers use.
// Each loads with the host target and lays out as gcc does (checked by
// TestConstructsGCC against gcc's DWARF).
var constructProbes = map[string]string{
	"asm label": `extern int f1(int) __asm__("f1_alias");
extern int f1b(int) __asm("x") __attribute__((__nothrow__));
struct p_asm { int a; };`,
	"limits.h": `#include <limits.h>
struct p_limits {
	char a[INT_MAX == 2147483647 ? 1 : 2];
	char b[-(INT_MIN + 1) == INT_MAX ? 3 : 4];
	char c[LONG_MAX > 0 ? 5 : 6];
	char d[CHAR_BIT];
	char e[(UINT_MAX == 4294967295U) + 1];
	char f[SCHAR_MIN == -128 ? 7 : 8];
	char g[ULLONG_MAX == 18446744073709551615ULL ? 9 : 10];
};`,
	"cast to typedef": `typedef unsigned long long p_u64;
enum p_cast { P_HV = (p_u64)-32, P_K = (p_u64)-128, P_TWO = (p_u64)-1 * 2 };
struct p_casts { char c; enum p_cast e; char d[(unsigned char)-1 == 255 ? 1 : 2]; };`,
	"long double":      `struct p_ld { char c; long double d; char e; };`,
	"function typedef": `typedef void p_fn(int); typedef p_fn p_fn2; struct p_fns { p_fn *f; char c; p_fn2 *g; };`,
	"va_list":          "#include <stdarg.h>\nstruct p_va { char c; va_list ap; __builtin_va_list b; };",
	"_Static_assert": `_Static_assert(sizeof(int) == 4, "int");
struct p_sa { int a; _Static_assert(1, "in a body"); int b; };`,
	"__extension__": `__extension__ typedef long long p_ll;
struct p_ext { __extension__ long long a; p_ll b; __extension__ union { int u; char v; }; };`,
	"typeof": `typedef short p_sh;
struct p_typeof { typeof(p_sh) a; __typeof__(unsigned char) b; __typeof(1L) c; typeof(int *) d; typeof(1.5f) e; __typeof__(2.0 * 3) f; char g; };`,
	"aligned typedef": `typedef int p_aint __attribute__((aligned(8)));
typedef long p_lowal __attribute__((aligned(2)));
struct p_al { char c; p_aint x; };
struct p_al2 { char c; p_lowal x; };`,
	"packed enum": `enum __attribute__((packed)) p_pe { P1 = 1, P2 = 300 };
enum p_pe2 { PN = -1 } __attribute__((packed));
struct p_penum { char c; enum p_pe e; enum p_pe2 f; };`,
	"mode": `typedef int p_qi __attribute__((mode(QI)));
typedef unsigned int p_di __attribute__((__mode__(__DI__)));
typedef int p_word __attribute__((mode(word)));
struct p_mode { p_qi a; p_di b; p_qi c; p_word w; };`,
	"64-bit enum": `enum p_big { P_BIG = 0x100000000 };
enum p_bign { P_NEG = -1, P_BIGN = 0x100000000 };
enum p_ubig { P_UB = 0xffffffffffffffffULL };
struct p_enums { char c; enum p_big a; char d; enum p_bign b; enum p_ubig u; };`,
	"vector_size": `typedef float p_v4sf __attribute__((vector_size(16)));
typedef int p_v2si __attribute__((__vector_size__(8)));
struct p_vec { char c; p_v4sf v; char d; p_v2si w; };`,
	"wchar_t":       "#include <stddef.h>\nstruct p_wchar { char c; wchar_t w; wchar_t s[3]; };",
	"__has_include": "#if __has_include(<stddef.h>) && !__has_include(\"no-such-p.h\") && defined __has_include\nstruct p_has { int ok; };\n#endif",
}

// TestConstructsGCC loads each probe with the host target and compares
// every struct it defines with gcc's layout of the same text.
func TestConstructsGCC(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found")
	}
	dir := t.TempDir()
	g := &gccCorpus{gcc: gcc, dir: dir}
	for name, src := range constructProbes {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".h")
			require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
			s, err := (&Config{Natural: true, Target: HostTarget(LP64)}).ParseFiles(file)
			require.NoError(t, err)
			require.NotEmpty(t, tagsOf(s), "the probe defines structs")
			diffs, n := g.compare([]corpusLoad{{header: file, spec: s}})
			assert.Empty(t, diffs)
			assert.Equal(t, len(tagsOf(s)), n[0], "every struct compared")
		})
	}
}

// TestConstructValues checks what the probes mean beyond layout, against
// facts gcc states: the enumerators' values and types.
func TestConstructValues(t *testing.T) {
	cfg := Config{Natural: true, Target: BuiltinTarget(LP64)}
	s, err := cfg.Parse("c.h", []byte(constructProbes["cast to typedef"]+constructProbes["64-bit enum"]+constructProbes["packed enum"]))
	require.NoError(t, err)
	for name, want := range map[string]int64{"P_HV": -32, "P_K": -128, "P_TWO": -2, "P_BIG": 1 << 32, "P_UB": -1} {
		v, ok := s.Const(name)
		assert.True(t, ok, name)
		assert.Equal(t, want, v, name)
	}
	for tag, size := range map[string]int64{"enum p_cast": 8, "enum p_big": 8, "enum p_bign": 8, "enum p_pe": 2, "enum p_pe2": 1} {
		typ, err := s.Lookup(tag)
		require.NoError(t, err)
		assert.Equal(t, size, typ.Size(), tag)
	}
	e, _ := s.Lookup("enum p_cast")
	assert.False(t, Underlying(e).(*Enum).Base.Signed, "values above INT64_MAX: unsigned long")
	e, _ = s.Lookup("enum p_bign")
	assert.True(t, Underlying(e).(*Enum).Base.Signed)

	// A function typedef declares no member.
	_, err = cfg.Parse("f.h", []byte("typedef void fn(int); struct s { fn f; };"))
	assert.ErrorContains(t, err, `member "f" is a function`)
}

// TestWcharTarget: wchar_t is the target's int; dissect's wchar stays a
// UTF-16 code unit, and without a target wchar_t is dissect's alias.
func TestWcharTarget(t *testing.T) {
	src := []byte("struct w { wchar_t a; wchar b; WCHAR c; };")
	s, err := (&Config{Target: BuiltinTarget(LP64)}).Parse("w.h", src)
	require.NoError(t, err)
	st, _ := s.Struct("w")
	assert.EqualValues(t, 4+2+2, st.Size())
	s, err = Parse("w.h", src)
	require.NoError(t, err)
	st, _ = s.Struct("w")
	assert.EqualValues(t, 2+2+2, st.Size())
}
