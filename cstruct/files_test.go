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
