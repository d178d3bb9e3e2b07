package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lineReader gives one line per Read, and runs hooks[i] before line i:
// the session has run every line before it (a Scanner reads only when it
// has no line left).
type lineReader struct {
	lines []string
	hooks map[int]func()
	i     int
}

func (r *lineReader) Read(p []byte) (int, error) {
	if r.i >= len(r.lines) {
		return 0, io.EOF
	}
	if h := r.hooks[r.i]; h != nil {
		h()
	}
	n := copy(p, r.lines[r.i]+"\n")
	r.i++
	return n, nil
}

func runRepl(t *testing.T, script string, hooks map[int]func(), args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	in := &lineReader{lines: strings.Split(strings.TrimSuffix(script, "\n"), "\n"), hooks: hooks}
	code := run(append([]string{"repl"}, args...), in, &out, &errOut)
	return out.String(), errOut.String(), code
}

// TestReplELFScript follows an ELF's program headers with offsets and
// counts taken from the header's fields, as a script (no prompt).
func TestReplELFScript(t *testing.T) {
	script := `# the header, then its program headers, found by its fields
dump Elf64_Ehdr
eval e_phoff + e_phnum * sizeof(Elf64_Phdr)
dump Elf64_Phdr @ e_phoff x e_phnum
eval $
eval p_align * 2
eval e_entry - p_vaddr + e_phnum
hex @ e_phoff + 8 8
seek 0
dump Elf64_Ehdr
dump Elf64_Shdr @ e_shoff + e_shstrndx * e_shentsize
hex @ sh_offset 48
bogus command
dump Elf64_Phdr @ no_such_field
dump Elf64_Ehdr @ 0
eval e_ident.ei_class == ELFCLASS64 ? sizeof(struct Elf_Ident) : -1
eval e_ident
json
dump Elf64_Phdr @ e_phoff
next
text
layout Elf64_Phdr
quit
dump Elf64_Ehdr`
	out, stderr, code := runRepl(t, script, nil, "-f", elfDefs, tinyELF)
	assert.Equal(t, 1, code, "three commands fail")
	assert.Equal(t, "cstruct: repl: 3 commands failed\n", stderr)
	assert.Contains(t, out, "error: unknown command \"bogus\" (help lists them)\n")
	assert.Contains(t, out, "error: at column 2: unknown name \"no_such_field\": not a field of the records shown (the last: Elf64_Shdr) nor a constant\n")
	assert.Contains(t, out, "error: e_ident is struct Elf_Ident, not a number\n")
	golden(t, "repl_elf.txt", "script:\n"+script+"\n\noutput:\n"+out)
	assert.Contains(t, out, "176 (0xb0)\n")                      // 64 + 2*56
	assert.Contains(t, out, "000011af  00 2e 73 79 6d 74 61 62") // .shstrtab: readelf says offset 0x11af
}

// TestReplReload: reload after the .h changed says what changed in
// layout, and the next dump uses the new layout; a def survives it.
func TestReplReload(t *testing.T) {
	dir := t.TempDir()
	defs := filepath.Join(dir, "rec.h")
	data := filepath.Join(dir, "data.bin")
	require.NoError(t, os.WriteFile(defs, []byte("struct rec { uint16 id; uint16 len; };\n"), 0o644))
	require.NoError(t, os.WriteFile(data, []byte("\x01\x00\x04\x00\xaa\xbb\xcc\xdd\x02\x00\x00\x00"), 0o644))
	script := `dump rec
def 'struct blob { uint8 b[4]; };'
dump blob @ $ x len / 4
reload
seek 0
dump rec
eval sizeof(struct rec) + kind
dump blob @ $ + len
dump rec @ 8
layout rec`
	hooks := map[int]func(){3: func() {
		require.NoError(t, os.WriteFile(defs, []byte("struct rec { uint16 id; uint8 kind; uint8 len; };\n"), 0o644))
	}}
	out, stderr, code := runRepl(t, script, hooks, "-f", defs, data)
	require.Equal(t, 0, code, stderr+out)
	golden(t, "repl_reload.txt", "script:\n"+script+"\n\noutput:\n"+strings.ReplaceAll(out, dir, "DIR"))
	assert.Regexp(t, `added +kind +- +0x0002`, out)
	assert.Regexp(t, `moved, resized, retyped +len +0x0002 +0x0003 +2 +1 +uint16 -> uint8`, out)
}

// syncBuffer is a bytes.Buffer for a writer and a reader in two goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestReplWatch: with watch on, saving a .h (here one the definitions
// include) reloads them and shows the last dump again.
func TestReplWatch(t *testing.T) {
	dir := t.TempDir()
	defs := filepath.Join(dir, "rec.h")
	data := filepath.Join(dir, "data.bin")
	inc := filepath.Join(dir, "inc.h")
	require.NoError(t, os.WriteFile(defs, []byte("#include \"inc.h\"\n"), 0o644))
	require.NoError(t, os.WriteFile(inc, []byte("struct rec { uint16 id; };\n"), 0o644))
	require.NoError(t, os.WriteFile(data, []byte("\x01\x00\x04\x00"), 0o644))
	pr, pw := io.Pipe()
	var out, errOut syncBuffer
	done := make(chan int)
	go func() { done <- run([]string{"repl", "-f", defs, data}, pr, &out, &errOut) }()
	io.WriteString(pw, "dump rec\nwatch\n")
	waitFor(t, &out, "watch: reloading")
	// an included file is saved
	require.NoError(t, os.WriteFile(inc, []byte("struct rec { uint16 id; uint16 len; };\n"), 0o644))
	waitFor(t, &out, "len   uint16  4")
	io.WriteString(pw, "quit\n")
	pw.Close()
	assert.Equal(t, 0, <-done, errOut.String())
	assert.Regexp(t, `added +len +- +0x0002`, out.String())
}

func waitFor(t *testing.T, b *syncBuffer, s string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(b.String(), s) {
			return
		}
	}
	t.Fatalf("no %q in:\n%s", s, b.String())
}

// TestReplDumpArgs: the parts of "dump TYPE [@ OFFSET] [x N]".
func TestReplDumpArgs(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data.bin")
	require.NoError(t, os.WriteFile(data, []byte("\x01\x02\x03\x04\x05\x06"), 0o644))
	script := "dump struct xattr x2\ndump struct xattr @ 1 x(1+1)\ndump struct xattr @1 x 1\ndump xattr\n"
	out, stderr, code := runRepl(t, script, nil, "-e", "struct xattr { uint8 v; };", "--color", "never", data)
	require.Equal(t, 0, code, stderr+out)
	var offs []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "struct xattr") {
			offs = append(offs, l)
		}
	}
	assert.Equal(t, []string{
		"struct xattr #0 at offset 0x0 (1 bytes)", "struct xattr #1 at offset 0x1 (1 bytes)",
		"struct xattr #0 at offset 0x1 (1 bytes)", "struct xattr #1 at offset 0x2 (1 bytes)",
		"struct xattr #0 at offset 0x1 (1 bytes)",
		"struct xattr #0 at offset 0x2 (1 bytes)",
	}, offs)
}
