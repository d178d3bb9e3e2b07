package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/NAME (rewritten with -update).
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got)
}

// elfDefs is the example definition of ELF64, tiny.elf a small static
// executable gcc made (testdata/tiny.c).
const (
	elfDefs = "../../defs/examples/elf64.h"
	tinyELF = "testdata/tiny.elf"
)

func TestDumpTextGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"dump_ehdr.txt", []string{"-t", "Elf64_Ehdr"}},
		{"dump_ehdr_color.txt", []string{"-t", "Elf64_Ehdr", "--color", "always"}},
		{"dump_phdr_hex.txt", []string{"-t", "Elf64_Phdr", "-o", "64", "-n", "2", "--hex"}},
		{"dump_phdr_table.txt", []string{"-t", "Elf64_Phdr", "-o", "64", "-n", "2", "--table"}},
		{"dump_phdr_table_hex.txt", []string{"-t", "Elf64_Phdr", "-o", "64", "-n", "2", "--table", "--hex"}},
		// holes, tail padding, bit-fields, a union, an anonymous struct, an array cut by --max-elems
		{"dump_shapes.txt", []string{"-f", "testdata/shapes.h", "--natural", "-t", "shape", "--max-elems", "2", "testdata/shapes.bin"}},
		{"dump_shapes_color.txt", []string{"-f", "testdata/shapes.h", "--natural", "-t", "shape", "--color", "always", "testdata/shapes.bin"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"dump"}, tc.args...)
			if !strings.HasSuffix(tc.args[len(tc.args)-1], ".bin") {
				args = append(append([]string{"dump", "-f", elfDefs}, tc.args...), tinyELF)
			}
			out, stderr, code := runCLI(t, "", args...)
			require.Equal(t, 0, code, stderr)
			golden(t, tc.name, out)
		})
	}
}

// TestDumpColorChoice: colour only when asked or on a terminal without
// NO_COLOR; never with --color never.
func TestDumpColorChoice(t *testing.T) {
	assert.True(t, useColor("always", false))
	assert.False(t, useColor("never", true))
	assert.False(t, useColor("auto", false))
	t.Setenv("NO_COLOR", "")
	assert.True(t, useColor("auto", true))
	t.Setenv("NO_COLOR", "1")
	assert.False(t, useColor("auto", true))
	assert.True(t, useColor("always", true))
	// a pipe is no terminal: no escape sequences by default
	out, _, code := runCLI(t, "", "dump", "-f", elfDefs, "-t", "Elf64_Ehdr", tinyELF)
	require.Equal(t, 0, code)
	assert.NotContains(t, out, "\x1b[")
	out, _, _ = runCLI(t, "", "dump", "-f", elfDefs, "-t", "Elf64_Ehdr", "--color", "always", tinyELF)
	assert.Contains(t, out, "\x1b[")
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// TestDumpHexMatchesHexdumpC: the hexdump of the text view, without its
// field labels, is what hexdump -C prints for the record's bytes.
func TestDumpHexMatchesHexdumpC(t *testing.T) {
	hd, err := exec.LookPath("hexdump")
	if err != nil {
		t.Skip("hexdump is not installed (bsdextrautils)")
	}
	for _, tc := range []struct{ typ, off, n, size, flags string }{
		{"Elf64_Ehdr", "0", "1", "64", "-C"},
		{"Elf64_Phdr", "64", "2", "56", "-C"},
		// a line where a field starts is never collapsed: all lines, as -v
		{"Elf64_Shdr", "4576", "7", "64", "-Cv"},
	} {
		out, stderr, code := runCLI(t, "", "dump", "-f", elfDefs, "-t", tc.typ, "-o", tc.off, "-n", tc.n, "--color", "always", tinyELF)
		require.Equal(t, 0, code, stderr)
		// the first record's hexdump, colours and labels taken off
		var got []string
		for _, line := range strings.Split(ansi.ReplaceAllString(out, ""), "\n")[1:] {
			if line == "" {
				break
			}
			if i := strings.LastIndex(line, "|"); i > 0 {
				line = line[:i+1]
			}
			got = append(got, line)
		}
		want, err := exec.Command(hd, tc.flags, "-s", tc.off, "-n", tc.size, tinyELF).Output()
		require.NoError(t, err)
		assert.Equal(t, string(want), strings.Join(got, "\n")+"\n", tc.typ)
	}

	// without fields, the view is hexdump -C's, "*" lines included
	data, err := os.ReadFile(tinyELF)
	require.NoError(t, err)
	for _, span := range [][2]int{{0, len(data)}, {5, 300}, {0, 7}, {4000, 1024}} {
		var b strings.Builder
		require.NoError(t, writeHexView(&b, data[span[0]:span[0]+span[1]], int64(span[0]), nil, false))
		want, err := exec.Command(hd, "-C", "-s", fmt.Sprint(span[0]), "-n", fmt.Sprint(span[1]), tinyELF).Output()
		require.NoError(t, err)
		assert.Equal(t, string(want), b.String(), "bytes %v", span)
	}
}

// TestTableIsListing: --table is the library's listing (cstruct.WriteListing).
func TestTableIsListing(t *testing.T) {
	spec := cstruct.NewSpec(cstruct.Config{Natural: true})
	require.NoError(t, spec.Load("t.h", []byte(`
enum k : uint8 { A = 1, B = 2 };
flag f : uint16 { R = 1, W = 2 };
struct in { uint8 x; uint32 y; };
struct t { uint16 id; char name[6]; uint8 a:3, b:5; k kind; f fl; struct in two[3]; struct { int16 s; }; uint8 n; uint32 v[n]; double d; };`)))
	typ, err := spec.Lookup("t")
	require.NoError(t, err)
	data := []byte("\x34\x12cpu\x00\x00\x00\x15\x02\x03\x00\x00\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x04\x00\x00\x00\x05\x00\x00\x00\x06\x00\x00\x00\xfe\xff\x02\x00\x00\x00\x07\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\xf0\x3f")
	v, err := spec.Unpack(typ, data)
	require.NoError(t, err)
	for _, max := range []int{0, 2} {
		var want, got strings.Builder
		require.NoError(t, cstruct.WriteListing(&want, v, "", max))
		require.NoError(t, writeTable(&got, recordRows(v, rowOpts{maxElems: max})))
		assert.Equal(t, want.String(), got.String())
	}
}

// TestDumpZeroSizeStops: a record that takes no bytes is shown once, then
// an error instead of the same record forever.
func TestDumpZeroSizeStops(t *testing.T) {
	for _, n := range []string{"0", "5"} {
		out, stderr, code := runCLI(t, "abc", "dump", "-e", "struct e { uint8 a[0]; };", "-t", "e", "-n", n, "--json", "-")
		assert.Equal(t, 1, code)
		assert.Equal(t, "{\"a\":[]}\n", out)
		assert.Equal(t, "cstruct: record 0 at offset 0x0: struct e takes no bytes: the next record would be the same (give -n 1)\n", stderr)
	}
	_, stderr, code := runCLI(t, "abc", "dump", "-e", "struct e { uint8 a[0]; };", "-t", "e", "-")
	assert.Equal(t, 0, code, stderr)
}

// TestDumpPartial: a record cut short shows the fields that decoded, then
// the error with its offset and field path.
func TestDumpPartial(t *testing.T) {
	defs := "struct m { uint8 t; uint16 len; char data[len]; uint32 crc; };"
	out, stderr, code := runCLI(t, "\x02\x05\x00abc", "dump", "-e", defs, "-t", "m", "-")
	assert.Equal(t, 1, code)
	golden(t, "dump_partial.txt", out+"stderr: "+stderr)
	// a length no data can have: the fields before it still show
	out, stderr, code = runCLI(t, "\x02\xff\xff\x00\x00abc", "dump", "-e", "struct m { uint8 t; uint32 len; char data[len]; };", "-t", "m", "-")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "0x0001          4  len   uint32  65535\n")
	assert.Contains(t, stderr, "at data (offset 0x5)")
	// a zero-terminated string cut short is not shown as if complete
	out, _, code = runCLI(t, "\x02ab", "dump", "-e", "struct z { uint8 t; char s[]; };", "-t", "z", "-")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "  t     uint8")
	assert.NotContains(t, out, `"ab"`)
}

// TestLayoutTypesGolden: layout, layout --diff between atop versions'
// struct tstat (2.10 adds nthridle and replaces container by utsname;
// 2.11 drops cgpath for cgroupix and ifuture[4]; 2.9 names two of 2.8's
// reserved cpu counters), and types.
func TestLayoutTypesGolden(t *testing.T) {
	atop := func(v string) string { return "../../defs/atop/" + v + "/atop.h" }
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"layout_phdr.txt", []string{"layout", "-f", elfDefs, "-t", "Elf64_Phdr", "-t", "Elf64_Ehdr"}},
		{"layout_diff_tstat_2.9_2.10.txt", []string{"layout", "--natural", "--diff", atop("2.9"), atop("2.10"), "-t", "tstat"}},
		{"layout_diff_tstat_2.10_2.11.txt", []string{"layout", "--natural", "--diff", atop("2.10"), atop("2.11"), "-t", "tstat"}},
		{"layout_diff_2.8_2.9.txt", []string{"layout", "--natural", "--diff", atop("2.8"), atop("2.9")}},
		{"types_elf64.txt", []string{"types", "-f", elfDefs}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, code := runCLI(t, "", tc.args...)
			require.Equal(t, 0, code, stderr)
			golden(t, tc.name, out)
		})
	}
	_, stderr, code := runCLI(t, "", "layout", "--diff", atop("2.9"))
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "--diff needs two definition files")
}

// TestLayoutDiffRename: a member removed and another added in its place
// with its size and type is a rename; a member's own move is told apart
// from its struct's.
func TestLayoutDiffRename(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.h"), filepath.Join(dir, "b.h")
	require.NoError(t, os.WriteFile(a, []byte("struct in { int x; int y; };\nstruct s { int a; struct in i; long spare; };"), 0o644))
	require.NoError(t, os.WriteFile(b, []byte("struct in { int x; int y; };\nstruct s { int a; int new; struct in i; long used; };"), 0o644))
	out, stderr, code := runCLI(t, "", "layout", "--natural", "--diff", a, b, "-t", "s", "-t", "in")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, `struct s: size 24 -> 24, align 8 -> 8, 3 changes (members of a moved struct move with it)
  change    member    old off     new off     old sz  new sz  type
  added     new       -           0x0004           -       4  int32
  moved     i         0x0004      0x0008           8       8  struct in
  renamed   used      0x0010      0x0010           8       8  long  (was spare)

struct in: same layout (size 8)
`, out)
}

// TestLayoutDiffJSON: --diff --json is one object per type; its changes
// are those of the text.
func TestLayoutDiffJSON(t *testing.T) {
	out, stderr, code := runCLI(t, "", "layout", "--natural", "--json", "--diff", "../../defs/atop/2.8/atop.h", "../../defs/atop/2.9/atop.h", "-t", "tstat")
	require.Equal(t, 0, code, stderr)
	var d typeDiff
	require.NoError(t, json.Unmarshal([]byte(out), &d))
	assert.Equal(t, "struct tstat", d.Type)
	assert.EqualValues(t, 968, d.OldSize)
	require.Len(t, d.Changes, 3)
	assert.Equal(t, "added", d.Changes[0].What)
	assert.Equal(t, "cpu.nvcsw", d.Changes[0].Path)
	assert.EqualValues(t, 0x220, d.Changes[0].New.Offset)
	assert.Nil(t, d.Changes[0].Old)
	assert.Equal(t, "cpu.cfuture", d.Changes[2].Path)
	assert.EqualValues(t, 24, d.Changes[2].Old.Size)
	assert.EqualValues(t, 8, d.Changes[2].New.Size)
}
