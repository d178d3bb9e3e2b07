package cstruct

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeFiles writes name → text files under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
}

// TestLoadFileNames checks that errors name files as the user gave them:
// an absolute path keeps its "/", a relative one stays relative, and the
// files it includes are named from there.
func TestLoadFileNames(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"defs/bad.h":      "struct s { int x };\n",
		"defs/main.h":     "#include \"sub/inc.h\"\n",
		"defs/sub/inc.h":  "struct t { int y };\n",
		"defs/miss.h":     "#include \"nothere.h\"\n",
		"inc/other.h":     "struct u { int z };\n",
		"defs/useother.h": "#include \"other.h\"\n",
	})
	abs := filepath.ToSlash(dir)
	err := NewSpec(Config{}).LoadFile(filepath.Join(dir, "defs", "bad.h"))
	require.Error(t, err)
	assert.Regexp(t, "^"+abs+`/defs/bad.h:1:\d+: `, err.Error())

	t.Chdir(dir)
	err = NewSpec(Config{}).LoadFile("defs/bad.h")
	require.Error(t, err)
	assert.Regexp(t, `^defs/bad.h:1:\d+: `, err.Error())
	err = NewSpec(Config{}).LoadFile("defs/main.h")
	require.Error(t, err)
	assert.Regexp(t, `^defs/sub/inc.h:1:\d+: `, err.Error())

	// A quoted include not found is an error naming where it was looked for.
	err = NewSpec(Config{IncludeDirs: []fs.FS{os.DirFS("inc")}}).LoadFile("defs/miss.h")
	assert.EqualError(t, err, "defs/miss.h:1:10: nothere.h: no such file or directory (searched: defs, inc)")
	err = NewSpec(Config{IncludeDirs: []fs.FS{os.DirFS("inc")}}).LoadFile("defs/useother.h")
	require.Error(t, err)
	assert.Regexp(t, `^inc/other.h:1:\d+: `, err.Error())

	err = NewSpec(Config{}).LoadFile("defs/none.h")
	assert.EqualError(t, err, "cstruct: defs/none.h: no such file or directory")
}

// TestLoadBounds checks the bounds on definition text: per file, in all
// (across loads), and the refusal of files that are no regular files.
func TestLoadBounds(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err == nil {
		err := NewSpec(Config{}).LoadFile("/dev/zero")
		assert.EqualError(t, err, "cstruct: /dev/zero: not a regular file (a character device)")
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.h": "struct a { int x; };\n"}) // 21 bytes
	a := filepath.Join(dir, "a.h")

	s := NewSpec(Config{Limits: Limits{MaxFileSize: 20}})
	err := s.LoadFile(a)
	assert.EqualError(t, err, "cstruct: "+a+": file too large (21 bytes, more than 20)")
	err = s.Load("text.h", []byte("struct a { int x; };\n"))
	assert.EqualError(t, err, "text.h:1:1: file too large (21 bytes, more than 20)")

	s = NewSpec(Config{Limits: Limits{MaxInputSize: 50}})
	require.NoError(t, s.LoadFile(a))
	require.NoError(t, s.Load("b.h", []byte("struct b { int x; };\n")))
	err = s.Load("c.h", []byte("struct c { int x; };\n"))
	assert.EqualError(t, err, "c.h:1:1: file too large (21 bytes, more than 8)")
	_, err = (&Config{Limits: Limits{MaxInputSize: 21}}).ParseFiles(a, a)
	assert.EqualError(t, err, "cstruct: "+a+": file too large (definitions of more than 21 bytes in all)")
}
