package cparse

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIncludeNotRegular checks that devices, FIFOs and directories are
// refused before they are opened (a FIFO would block the open, /dev/zero
// never end), also through a symbolic link.
func TestIncludeNotRegular(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.h"), 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skipf("no /dev/zero: %v", err)
	}
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero.h")))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	for name, want := range map[string]string{
		"fifo.h": "x.h:1:10: cannot read include file fifo.h: not a regular file (a named pipe)",
		"zero.h": "x.h:1:10: cannot read include file zero.h: not a regular file (a character device)",
		"sub":    "x.h:1:10: cannot read include file sub: not a regular file (a directory)",
	} {
		_, err := Preprocess("x.h", []byte(`#include "`+name+`"`), Options{FS: os.DirFS(dir)})
		assert.EqualError(t, err, want)
	}
	// An include directory of devices.
	_, err := Preprocess("x.h", []byte(`#include <zero>`), Options{IncludeDirs: []fs.FS{os.DirFS("/dev")}, IncludeNames: []string{"/dev"}})
	assert.EqualError(t, err, "x.h:1:10: cannot read include file /dev/zero: not a regular file (a character device)")
}

// TestInputBounds checks the bounds on file sizes and on tokens.
func TestInputBounds(t *testing.T) {
	fsys := fstest.MapFS{
		"a.h": {Data: []byte("#include \"b.h\"\n#include \"c.h\"\n")},
		"b.h": {Data: []byte(strings.Repeat("x ", 50))},
		"c.h": {Data: []byte(strings.Repeat("y ", 50))},
	}
	src := fsys["a.h"].Data
	_, err := Preprocess("a.h", src, Options{FS: fsys, MaxFileSize: 100})
	assert.NoError(t, err)
	_, err = Preprocess("a.h", src, Options{FS: fsys, MaxFileSize: 99})
	assert.EqualError(t, err, "a.h:1:10: cannot read include file b.h: file too large (100 bytes, more than 99)")
	_, err = Preprocess("a.h", src, Options{FS: fsys, MaxFileSize: 10})
	assert.EqualError(t, err, "a.h:1:1: file too large (30 bytes, more than 10)")
	res, err := Preprocess("a.h", src, Options{FS: fsys, MaxInputSize: 230})
	require.NoError(t, err)
	assert.Equal(t, int64(230), res.InputSize)
	_, err = Preprocess("a.h", src, Options{FS: fsys, MaxInputSize: 229})
	assert.EqualError(t, err, "a.h:2:10: cannot read include file c.h: file too large (100 bytes, more than 99)")

	// The lexer stops at its bound, not after lexing everything.
	_, lerr := lexTokens("big.h", []byte(strings.Repeat(";", 1000)), 10)
	assert.EqualError(t, lerr, "big.h:1:11: too much input (more than 10 tokens)")
	_, lerr = lexTokens("big.h", []byte(strings.Repeat(";", 11)), 10)
	assert.EqualError(t, lerr, "big.h:1:11: too much input (more than 10 tokens)")
	toks, lerr := lexTokens("big.h", []byte(strings.Repeat(";", 10)), 10)
	assert.Nil(t, lerr)
	assert.Len(t, toks, 11) // and the line end
}
