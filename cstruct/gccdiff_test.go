package cstruct

import (
	"bufio"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	gccDiffN    = flag.Int("gccdiff.n", 2000, "random definitions TestGCCDifferential checks against gcc")
	gccDiffSeed = flag.Uint64("gccdiff.seed", 1, "seed of TestGCCDifferential's definitions")
)

// TestGCCDifferential generates random C definitions (nested structs and
// unions, anonymous members, arrays, bit-fields of every width and
// signedness, every scalar type, #pragma pack, packed and aligned
// attributes), has gcc compile a program that prints each one's sizeof,
// _Alignof, every field's offsetof and size (bit-fields: first bit and
// width) and the value of every scalar read from random bytes, and checks
// that cstruct in natural mode prints the same. Many definitions go into
// one program per gcc run. -gccdiff.n and -gccdiff.seed choose the cases.
func TestGCCDifferential(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found: the differential test against the compiler needs it")
	}
	n := *gccDiffN
	if testing.Short() {
		n = min(n, 200)
	}
	const batch = 400
	failures := 0
	for start := 0; start < n && failures < 5; start += batch {
		g := &cgen{r: rand.New(rand.NewPCG(*gccDiffSeed, uint64(start)))}
		var cases []*ccase
		for i := start; i < min(start+batch, n); i++ {
			cases = append(cases, g.topLevel(fmt.Sprintf("t%d", i)))
		}
		got := runGCCCases(t, gcc, cases)
		for _, c := range cases {
			want, err := cstructLines(c)
			if err != nil {
				t.Errorf("seed %d, %s: cstruct: %v\n%s", *gccDiffSeed, c.name, err, c.def)
				failures++
				continue
			}
			if diff := firstDiff(got[c.name], want); diff != "" {
				t.Errorf("seed %d, %s: gcc and cstruct differ: %s\n%s", *gccDiffSeed, c.name, diff, c.def)
				failures++
			}
		}
	}
}

// firstDiff describes the first line where gcc's output and ours differ.
func firstDiff(gcc, ours []string) string {
	for i := 0; i < max(len(gcc), len(ours)); i++ {
		var g, o string
		if i < len(gcc) {
			g = gcc[i]
		}
		if i < len(ours) {
			o = ours[i]
		}
		if g != o {
			return fmt.Sprintf("line %d: gcc %q, cstruct %q", i+1, g, o)
		}
	}
	return ""
}

// A ccase is one generated top-level definition.
type ccase struct {
	name   string // its tag
	union  bool
	def    string // the C text, pragmas included
	leaves []cleaf
	data   []byte // the bytes values are read from; as long as gcc's sizeof says
}

// A cleaf is a field the output names: a scalar, an array (its first and
// last element are read), a bit-field or a struct (layout only).
type cleaf struct {
	path  string // C member path: "a.b", anonymous members left out
	kind  ckind
	bits  int    // bit-field width
	dims  []int  // array dimensions
	ctype string // for values: the C scalar type
}

type ckind uint8

const (
	kInt ckind = iota
	kUint
	kFloat
	kNoValue // layout only: char, _Bool, nested structs
	kBitSigned
	kBitUnsigned
)

// cscalar is a scalar type the generator uses.
type cscalar struct {
	name string
	size int
	kind ckind
}

var cscalars = []cscalar{
	{"char", 1, kNoValue}, {"signed char", 1, kInt}, {"unsigned char", 1, kUint},
	{"short", 2, kInt}, {"unsigned short", 2, kUint}, {"int", 4, kInt}, {"unsigned int", 4, kUint},
	{"long", 8, kInt}, {"unsigned long", 8, kUint}, {"long long", 8, kInt}, {"unsigned long long", 8, kUint},
	{"float", 4, kFloat}, {"double", 8, kFloat}, {"_Bool", 1, kNoValue}, {"void *", 8, kUint},
}

// cbitTypes are the types a bit-field may have, with their width in bits.
var cbitTypes = []cscalar{
	{"signed char", 8, kBitSigned}, {"unsigned char", 8, kBitUnsigned}, {"short", 16, kBitSigned},
	{"unsigned short", 16, kBitUnsigned}, {"int", 32, kBitSigned}, {"unsigned int", 32, kBitUnsigned},
	{"long", 64, kBitSigned}, {"unsigned long", 64, kBitUnsigned}, {"long long", 64, kBitSigned},
	{"unsigned long long", 64, kBitUnsigned}, {"_Bool", 1, kBitUnsigned},
}

// cgen writes random definitions.
type cgen struct {
	r     *rand.Rand
	names int
}

func (g *cgen) chance(p float64) bool { return g.r.Float64() < p }

func (g *cgen) name() string {
	g.names++
	return fmt.Sprintf("m%d", g.names)
}

// topLevel is a struct or union, sometimes under a #pragma pack, sometimes
// with a packed or aligned attribute.
func (g *cgen) topLevel(tag string) *ccase {
	c := &ccase{name: tag, union: g.chance(0.2)}
	var b strings.Builder
	pack := 0
	if g.chance(gccPackP) {
		pack = []int{1, 2, 4, 8, 16}[g.r.IntN(5)]
		fmt.Fprintf(&b, "#pragma pack(push, %d)\n", pack)
	}
	kw := "struct"
	if c.union {
		kw = "union"
	}
	fmt.Fprintf(&b, "%s %s {", kw, tag)
	g.members(&b, c, "", 0)
	b.WriteString(" }")
	switch {
	case g.chance(0.1):
		b.WriteString(" __attribute__((packed))")
	case g.chance(0.1):
		fmt.Fprintf(&b, " __attribute__((aligned(%d)))", 1<<g.r.IntN(6))
	}
	b.WriteString(";\n")
	if pack > 0 {
		b.WriteString("#pragma pack(pop)\n")
	}
	c.def = b.String()
	return c
}

// members writes 1 to 6 members; prefix is the C path of the enclosing
// named member.
func (g *cgen) members(b *strings.Builder, c *ccase, prefix string, depth int) {
	n := 1 + g.r.IntN(6)
	named := false
	for i := 0; i < n || !named; i++ {
		switch x := g.r.IntN(10); {
		case x < 4:
			g.scalar(b, c, prefix)
			named = true
		case x < 7:
			if g.bitField(b, c, prefix) {
				named = true
			}
		case depth < 3:
			if g.nested(b, c, prefix, depth) {
				named = true
			}
		default:
			g.scalar(b, c, prefix)
			named = true
		}
	}
}

func (g *cgen) scalar(b *strings.Builder, c *ccase, prefix string) {
	s := cscalars[g.r.IntN(len(cscalars))]
	name := g.name()
	fmt.Fprintf(b, " %s %s", s.name, name)
	leaf := cleaf{path: prefix + name, kind: s.kind, ctype: s.name}
	if g.chance(0.25) {
		for range 1 + g.r.IntN(2) {
			d := 1 + g.r.IntN(4)
			leaf.dims = append(leaf.dims, d)
			fmt.Fprintf(b, "[%d]", d)
		}
	}
	g.memberAttr(b)
	b.WriteString(";")
	c.leaves = append(c.leaves, leaf)
}

// memberAttr sometimes packs or aligns a member.
func (g *cgen) memberAttr(b *strings.Builder) {
	switch {
	case g.chance(0.08):
		b.WriteString(" __attribute__((packed))")
	case g.chance(0.08):
		fmt.Fprintf(b, " __attribute__((aligned(%d)))", 1<<g.r.IntN(5))
	}
}

// bitField writes a bit-field of any width its type allows (an unnamed
// one, sometimes of width 0); it reports whether it is named.
func (g *cgen) bitField(b *strings.Builder, c *ccase, prefix string) bool {
	t := cbitTypes[g.r.IntN(len(cbitTypes))]
	w := 1 + g.r.IntN(t.size)
	if g.chance(0.15) {
		if g.chance(0.5) {
			w = 0
		}
		fmt.Fprintf(b, " %s :%d;", t.name, w)
		return false
	}
	name := g.name()
	fmt.Fprintf(b, " %s %s:%d;", t.name, name, w)
	c.leaves = append(c.leaves, cleaf{path: prefix + name, kind: t.kind, bits: w, ctype: t.name})
	return true
}

// nested writes a struct or union member: named (maybe an array of them)
// or anonymous; it reports whether it has a name.
func (g *cgen) nested(b *strings.Builder, c *ccase, prefix string, depth int) bool {
	kw := "struct"
	if g.chance(0.4) {
		kw = "union"
	}
	fmt.Fprintf(b, " %s {", kw)
	if g.chance(0.3) { // anonymous: its members belong to the enclosing one
		g.members(b, c, prefix, depth+1)
		b.WriteString(" };")
		return true
	}
	name := g.name()
	at := len(c.leaves)
	var inner strings.Builder
	g.members(&inner, c, prefix+name+".", depth+1)
	b.WriteString(inner.String())
	b.WriteString(" }")
	if g.chance(0.1) {
		b.WriteString(" __attribute__((packed))")
	}
	fmt.Fprintf(b, " %s", name)
	leaf := cleaf{path: prefix + name, kind: kNoValue}
	if g.chance(0.2) {
		d := 1 + g.r.IntN(3)
		leaf.dims = []int{d}
		fmt.Fprintf(b, "[%d]", d)
		// the members were read as those of element 0
		for i := at; i < len(c.leaves); i++ {
			c.leaves[i].path = prefix + name + "[0]" + strings.TrimPrefix(c.leaves[i].path, prefix+name)
		}
	}
	g.memberAttr(b)
	b.WriteString(";")
	c.leaves = append(c.leaves[:at], append([]cleaf{leaf}, c.leaves[at:]...)...)
	return true
}

// elems are the paths of the first and last element of an array leaf.
func (l cleaf) elems() []string {
	if len(l.dims) == 0 {
		return []string{l.path}
	}
	first, last := l.path, l.path
	for _, d := range l.dims {
		first += "[0]"
		last += fmt.Sprintf("[%d]", d-1)
	}
	if first == last {
		return []string{first}
	}
	return []string{first, last}
}

// gccDataSize bounds the generated structs' data: each case gets this many
// random bytes, of which its sizeof are used.
const gccDataSize = 512

var gccPackP = 0.2

// runGCCCases compiles and runs one program for cases and returns its
// output lines by case.
func runGCCCases(t *testing.T, gcc string, cases []*ccase) map[string][]string {
	var c strings.Builder
	c.WriteString("#include <stdio.h>\n#include <string.h>\n#include <stddef.h>\n")
	for _, k := range cases {
		c.WriteString(k.def)
	}
	c.WriteString(`
static void bits(const char *path, unsigned char *p, size_t n) {
	int first = -1, w = 0;
	for (size_t i = 0; i < n * 8; i++)
		if (p[i / 8] >> (i % 8) & 1) { if (first < 0) first = i; w++; }
	printf("%s bit %d width %d\n", path, first, w);
}
`)
	for i, k := range cases {
		k.data = make([]byte, gccDataSize)
		r := rand.New(rand.NewPCG(*gccDiffSeed, uint64(i)<<32|uint64(len(k.name))))
		for j := range k.data {
			k.data[j] = byte(r.Uint32())
		}
		ctype := kwOf(k) + " " + k.name
		fmt.Fprintf(&c, "static void f_%s(void) {\n\tstatic const unsigned char data[] = {", k.name)
		for j := range gccDataSize { // the C program checks that it is enough
			if j > 0 {
				c.WriteByte(',')
			}
			fmt.Fprintf(&c, "%d", k.data[j])
		}
		fmt.Fprintf(&c, "};\n\t%s s;\n\tprintf(\"=%s\\nsize %%zu align %%zu\\n\", sizeof s, _Alignof(%s));\n", ctype, k.name, ctype)
		c.WriteString("\tif (sizeof s > sizeof data) return; /* the size is all we compare */\n\tmemcpy(&s, data, sizeof s);\n")
		for _, l := range k.leaves {
			if l.bits > 0 {
				fmt.Fprintf(&c, "\t{ %s z; memset(&z, 0, sizeof z); z.%s = -1; bits(%q, (unsigned char *)&z, sizeof z); }\n", ctype, l.path, l.path)
				f := "%lld"
				cast := "long long"
				if l.kind == kBitUnsigned {
					f, cast = "%llu", "unsigned long long"
				}
				fmt.Fprintf(&c, "\tprintf(\"%s = %s\\n\", (%s)s.%s);\n", l.path, f, cast, l.path)
				continue
			}
			fmt.Fprintf(&c, "\tprintf(\"%s %%zu %%zu\\n\", offsetof(%s, %s), sizeof s.%s);\n", l.path, ctype, l.path, l.path)
			for _, e := range l.elems() {
				switch l.kind {
				case kInt:
					fmt.Fprintf(&c, "\tprintf(\"%s = %%lld\\n\", (long long)s.%s);\n", e, e)
				case kUint:
					fmt.Fprintf(&c, "\tprintf(\"%s = %%llu\\n\", (unsigned long long)s.%s);\n", e, e)
				case kFloat:
					fmt.Fprintf(&c, "\tprintf(\"%s ~ %%a\\n\", (double)s.%s);\n", e, e)
				}
			}
		}
		c.WriteString("}\n")
	}
	c.WriteString("int main(void) {\n")
	for _, k := range cases {
		fmt.Fprintf(&c, "\tf_%s();\n", k.name)
	}
	c.WriteString("\treturn 0;\n}\n")

	dir := t.TempDir()
	prog := filepath.Join(dir, "diff.c")
	require.NoError(t, os.WriteFile(prog, []byte(c.String()), 0o644))
	exe := filepath.Join(dir, "diff")
	out, err := exec.Command(gcc, "-w", "-O0", "-o", exe, prog).CombinedOutput()
	require.NoError(t, err, "gcc: %s", out)
	out, err = exec.Command(exe).Output()
	require.NoError(t, err)
	got := map[string][]string{}
	var cur string
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		line := sc.Text()
		if name, ok := strings.CutPrefix(line, "="); ok {
			cur = name
			continue
		}
		got[cur] = append(got[cur], canonFloat(line))
	}
	return got
}

func kwOf(c *ccase) string {
	if c.union {
		return "union"
	}
	return "struct"
}

// canonFloat rewrites "path ~ VALUE" (C's %a or Go's 'x' format) as the
// value's bits, NaNs folded into one.
func canonFloat(line string) string {
	path, v, ok := strings.Cut(line, " ~ ")
	if !ok {
		return line
	}
	abs, neg := strings.CutPrefix(v, "-")
	if strings.EqualFold(abs, "nan") {
		return path + " ~ nan"
	}
	f, err := strconv.ParseFloat(abs, 64)
	if err != nil {
		return line
	}
	if neg {
		f = -f
	}
	return fmt.Sprintf("%s ~ %#x", path, math.Float64bits(f))
}

// cstructLines are the lines the gcc program prints for c, from cstruct.
func cstructLines(c *ccase) ([]string, error) {
	spec, err := (&Config{Natural: true}).Parse(c.name+".h", []byte(c.def))
	if err != nil {
		return nil, err
	}
	st, err := spec.Struct(kwOf(c) + " " + c.name)
	if err != nil {
		return nil, err
	}
	lines := []string{fmt.Sprintf("size %d align %d", st.ByteSize, st.ByteAlign)}
	if st.ByteSize > gccDataSize {
		return lines, nil // as the C program does
	}
	v, err := spec.Unpack(st, c.data[:st.ByteSize])
	if err != nil {
		return nil, err
	}
	for _, l := range c.leaves {
		f, err := v.Lookup(l.path)
		if err != nil {
			return nil, err
		}
		if l.bits > 0 {
			off, w, _ := f.BitField()
			lines = append(lines, fmt.Sprintf("%s bit %d width %d", l.path, f.Offset()*8+int64(off), w))
			if l.kind == kBitUnsigned {
				lines = append(lines, fmt.Sprintf("%s = %d", l.path, f.Uint()))
			} else {
				lines = append(lines, fmt.Sprintf("%s = %d", l.path, f.Int()))
			}
			continue
		}
		lines = append(lines, fmt.Sprintf("%s %d %d", l.path, f.Offset(), f.Size()))
		for _, e := range l.elems() {
			ev, err := v.Lookup(e)
			if err != nil {
				return nil, err
			}
			switch l.kind {
			case kInt:
				lines = append(lines, fmt.Sprintf("%s = %d", e, ev.Int()))
			case kUint:
				lines = append(lines, fmt.Sprintf("%s = %d", e, ev.Uint()))
			case kFloat:
				lines = append(lines, canonFloat(fmt.Sprintf("%s ~ %s", e, strconv.FormatFloat(ev.Float(), 'x', -1, 64))))
			}
		}
	}
	return lines, nil
}
