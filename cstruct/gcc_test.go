package cstruct

import (
	"debug/elf"
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateGCC = flag.Bool("update-gcc", false, "rebuild testdata/gcc_layouts.golden with gcc")

// TestGCCLayouts checks natural layout against gcc, field by field, bit-fields
// included: testdata/gcc_layouts.h is read by us, and by gcc through a C
// program that this test writes (run with -update-gcc on a machine with gcc
// to regenerate the golden file; it is committed, so the test needs no gcc).
func TestGCCLayouts(t *testing.T) {
	checkGCCGolden(t, "gcc_layouts", Config{Natural: true}, 30, runGCC)
}

// checkGCCGolden lays out every struct of testdata/NAME.h with cfg and
// compares the result with testdata/NAME.golden, which run writes from gcc
// under -update-gcc.
func checkGCCGolden(t *testing.T, name string, cfg Config, atLeast int, run func(*testing.T, []*Struct) string) {
	src, err := os.ReadFile("testdata/" + name + ".h")
	require.NoError(t, err)
	spec, err := cfg.Parse(name+".h", src)
	require.NoError(t, err)
	var structs []*Struct
	for name, typ := range spec.Types() {
		if st, ok := typ.(*Struct); ok && (strings.HasPrefix(name, "struct ") || strings.HasPrefix(name, "union ")) {
			structs = append(structs, st)
		}
	}
	require.Greater(t, len(structs), atLeast)
	var ours strings.Builder
	for _, st := range structs {
		fmt.Fprintf(&ours, "%s size %d align %d\n", st, st.ByteSize, st.ByteAlign)
		layoutLines(&ours, st, kw(st)+" "+st.Tag, "", 0)
	}
	golden := "testdata/" + name + ".golden"
	if *updateGCC {
		require.NoError(t, os.WriteFile(golden, []byte(run(t, structs)), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), ours.String())
}

func kw(st *Struct) string {
	if st.Union {
		return "union"
	}
	return "struct"
}

// layoutLines writes "path offset size" for fields and "path bit B width W"
// for bit-fields, recursing into nested structs.
func layoutLines(b *strings.Builder, st *Struct, ctype, prefix string, base int64) {
	for _, f := range st.Fields {
		path := prefix + f.Name
		if f.BitSize > 0 {
			if f.Name != "" {
				fmt.Fprintf(b, "  %s bit %d width %d\n", path, (base+f.Offset)*8+int64(f.BitOffset), f.BitSize)
			}
			continue
		}
		if f.Name == "" {
			if sub, ok := As[*Struct](f.Type); ok {
				layoutLines(b, sub, ctype, prefix, base+f.Offset)
			}
			continue
		}
		size := f.Type.Size()
		if arr, ok := As[*Array](f.Type); ok && arr.Kind == Flexible {
			size = 0
		}
		fmt.Fprintf(b, "  %s %d %d\n", path, base+f.Offset, size)
		if sub, ok := As[*Struct](f.Type); ok {
			layoutLines(b, sub, ctype, path+".", base+f.Offset)
		}
	}
}

// runGCC compiles a program that prints the same lines as layoutLines from
// gcc's own layout.
func runGCC(t *testing.T, structs []*Struct) string {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found")
	}
	var c strings.Builder
	c.WriteString(`#include <stdio.h>
#include <string.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include "gcc_layouts.h"
static void bits(const char *path, unsigned char *p, size_t n) {
	int first = -1, w = 0;
	for (size_t i = 0; i < n * 8; i++)
		if (p[i / 8] >> (i % 8) & 1) { if (first < 0) first = i; w++; }
	printf("  %s bit %d width %d\n", path, first, w);
}
int main(void) {
`)
	for _, st := range structs {
		ctype := kw(st) + " " + st.Tag
		fmt.Fprintf(&c, "\tprintf(\"%s size %%zu align %%zu\\n\", sizeof(%s), _Alignof(%s));\n", st, ctype, ctype)
		writeCFields(&c, st, ctype, "")
	}
	c.WriteString("\treturn 0;\n}\n")
	dir := t.TempDir()
	abs, _ := filepath.Abs("testdata")
	prog := filepath.Join(dir, "layouts.c")
	require.NoError(t, os.WriteFile(prog, []byte(c.String()), 0o644))
	out, err := exec.Command(gcc, "-w", "-I", abs, "-o", filepath.Join(dir, "layouts"), prog).CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.Command(filepath.Join(dir, "layouts")).Output()
	require.NoError(t, err)
	return string(out)
}

func writeCFields(c *strings.Builder, st *Struct, ctype, prefix string) {
	for _, f := range st.Fields {
		path := prefix + f.Name
		if f.BitSize > 0 {
			if f.Name != "" {
				fmt.Fprintf(c, "\t{ %s s; memset(&s, 0, sizeof s); s.%s = -1; bits(%q, (unsigned char *)&s, sizeof s); }\n", ctype, path, path)
			}
			continue
		}
		if f.Name == "" {
			if sub, ok := As[*Struct](f.Type); ok {
				writeCFields(c, sub, ctype, prefix)
			}
			continue
		}
		size := "sizeof s." + path
		if arr, ok := As[*Array](f.Type); ok && arr.Kind == Flexible {
			size = "(size_t)0"
		}
		fmt.Fprintf(c, "\t{ %s s; printf(\"  %s %%zu %%zu\\n\", offsetof(%s, %s), %s); }\n", ctype, path, ctype, path, size)
		if sub, ok := As[*Struct](f.Type); ok {
			writeCFields(c, sub, ctype, path+".")
		}
	}
}

// TestGCCLayoutsILP32 checks the ILP32 ABI (i386) against gcc -m32. The
// golden file is made from an object file's data (gcc -m32 -c needs no
// 32-bit C library): every field's offset and size, each struct's size and
// alignment.
func TestGCCLayoutsILP32(t *testing.T) {
	checkGCCGolden(t, "gcc_layouts_ilp32", Config{Natural: true, ABI: ILP32}, 10, runGCC32)
}

// runGCC32 compiles an object whose .rodata holds every number that
// layoutLines prints, in the same order, and formats them the same way.
func runGCC32(t *testing.T, structs []*Struct) string {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found")
	}
	var c strings.Builder
	c.WriteString("#include <stddef.h>\n#include \"gcc_layouts_ilp32.h\"\nconst unsigned int layout_numbers[] = {\n")
	type line struct {
		format string
		n      int
	}
	var lines []line
	for _, st := range structs {
		ctype := kw(st) + " " + st.Tag
		fmt.Fprintf(&c, "\tsizeof(%s), _Alignof(%s),\n", ctype, ctype)
		lines = append(lines, line{fmt.Sprintf("%s size %%d align %%d\n", st), 2})
		var walk func(s *Struct, prefix string)
		walk = func(s *Struct, prefix string) {
			for _, f := range s.Fields {
				if f.BitSize > 0 {
					continue
				}
				if f.Name == "" {
					if sub, ok := As[*Struct](f.Type); ok {
						walk(sub, prefix)
					}
					continue
				}
				path := prefix + f.Name
				fmt.Fprintf(&c, "\toffsetof(%s, %s), sizeof(((%s *)0)->%s),\n", ctype, path, ctype, path)
				lines = append(lines, line{"  " + path + " %d %d\n", 2})
				if sub, ok := As[*Struct](f.Type); ok {
					walk(sub, path+".")
				}
			}
		}
		walk(st, "")
	}
	c.WriteString("};\n")
	dir := t.TempDir()
	abs, _ := filepath.Abs("testdata")
	prog := filepath.Join(dir, "layouts.c")
	obj := filepath.Join(dir, "layouts.o")
	require.NoError(t, os.WriteFile(prog, []byte(c.String()), 0o644))
	out, err := exec.Command(gcc, "-m32", "-c", "-w", "-I", abs, "-o", obj, prog).CombinedOutput()
	require.NoError(t, err, string(out))
	ef, err := elf.Open(obj)
	require.NoError(t, err)
	defer ef.Close()
	data, err := ef.Section(".rodata").Data()
	require.NoError(t, err)
	var b strings.Builder
	i := 0
	for _, l := range lines {
		args := make([]any, l.n)
		for k := range args {
			args[k] = binary.LittleEndian.Uint32(data[4*i:])
			i++
		}
		fmt.Fprintf(&b, l.format, args...)
	}
	return b.String()
}
