package atop_test

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/defs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyDefs copies the embedded definitions of versions into dir/VERSION
// (or dir/atop/VERSION with nested).
func copyDefs(t *testing.T, dir string, nested bool, versions ...string) {
	t.Helper()
	for _, v := range versions {
		src := "atop/" + v
		err := fs.WalkDir(defs.Atop, src, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(defs.Atop, p)
			if err != nil {
				return err
			}
			rel := strings.TrimPrefix(p, "atop/")
			if nested {
				rel = p
			}
			dst := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, b, 0o644)
		})
		require.NoError(t, err)
	}
}

func editFile(t *testing.T, name, old, new string) {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	require.Contains(t, string(b), old)
	require.NoError(t, os.WriteFile(name, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

func TestDefsDir(t *testing.T) {
	for _, nested := range []bool{false, true} {
		dir := t.TempDir()
		copyDefs(t, dir, nested, "2.11", "2.12", "2.13")
		opts := &atop.Options{DefsDir: dir}
		sub := "2.13/atop.h"
		if nested {
			sub = "atop/2.13/atop.h"
		}
		for _, v := range []string{"2.12.1", "2.13.0", "2.3.0"} {
			r, err := opts.Open(fixtureName(v))
			require.NoError(t, err)
			want := summaries(t, must(atop.Open(fixtureName(v))), false)
			assert.Equal(t, want, summaries(t, r, false))
			switch v {
			case "2.13.0":
				assert.Equal(t, path.Join(dir, sub), r.Header().Defs)
			case "2.3.0": // not in dir: the embedded definitions
				assert.Equal(t, "embedded atop/2.3/atop.h", r.Header().Defs)
			}
		}
	}
}

// TestDefsDirEdited: a user edits a definition and reads again, without
// recompiling; a definition that does not fit gives a SizeError naming the
// file.
func TestDefsDirEdited(t *testing.T) {
	dir := t.TempDir()
	copyDefs(t, dir, false, "2.13")
	opts := &atop.Options{DefsDir: dir}
	editFile(t, filepath.Join(dir, "2.13", "photosyst.h"), "#define MAXCPU\t\t4096", "#define MAXCPU\t\t2048")
	_, err := opts.Open(fixtureName("2.13.0"))
	var se *atop.SizeError
	require.ErrorAs(t, err, &se)
	require.Len(t, se.Mismatches, 1)
	m := se.Mismatches[0]
	assert.Equal(t, atop.SizeMismatch{Field: "sstatlen", File: 1408336, Defs: 1408336 - 2048*168}, atop.SizeMismatch{Field: m.Field, File: m.File, Defs: m.Defs})
	assert.Contains(t, m.Limits, "MAXCPU", "the hint names the limits of sstat")
	assert.False(t, se.NoLimits, "--defs wins: no inference")
	assert.Contains(t, err.Error(), "does not match the definitions "+filepath.Join(dir, "2.13", "atop.h"))
	assert.Contains(t, err.Error(), "--defs DIR")

	// broken, then fixed: errors of a directory are not cached
	rawlog := filepath.Join(dir, "2.13", "rawlog.h")
	editFile(t, filepath.Join(dir, "2.13", "photosyst.h"), "#define MAXCPU\t\t2048", "#define MAXCPU\t\t4096")
	editFile(t, rawlog, "unsigned short\tflags;", "unsigned short\tflags")
	_, err = opts.Open(fixtureName("2.13.0"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "rawlog.h:")
	editFile(t, rawlog, "unsigned short\tflags", "unsigned short\tflags;")
	r, err := opts.Open(fixtureName("2.13.0"))
	require.NoError(t, err)
	r.Close()
}

// TestDefsDirNewVersion: a version directory added at run time reads logs
// of that version.
func TestDefsDirNewVersion(t *testing.T) {
	dir := t.TempDir()
	copyDefs(t, dir, false, "2.13")
	require.NoError(t, os.Rename(filepath.Join(dir, "2.13"), filepath.Join(dir, "2.14")))
	b := patch(fixture(t, "2.13.0"), 4, uint16(0x820e))

	_, err := atop.NewReader(bytes.NewReader(b))
	var ve *atop.VersionError
	require.ErrorAs(t, err, &ve)

	opts := &atop.Options{DefsDir: dir}
	r, err := opts.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, "2.14", r.Header().Version.String())
	assert.Len(t, summaries(t, r, false), 6)

	_, err = opts.NewReader(bytes.NewReader(patch(b, 4, uint16(0x820f))))
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, []string{"2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14"}, ve.Known)
}

func TestDefsDirEmpty(t *testing.T) {
	dir := t.TempDir()
	_, err := (&atop.Options{DefsDir: dir}).Open(fixtureName("2.9.0"))
	require.Error(t, err)
	assert.Equal(t, "atop: no atop definitions in "+dir+" (want "+dir+"/2.9/atop.h or "+dir+"/atop/2.9/atop.h)", err.Error())
}
