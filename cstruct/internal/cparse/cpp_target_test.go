package cparse

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPredefined: a target's set replaces the default target macros; the
// default set follows the ABI; Undefines remove macros after Defines.
func TestPredefined(t *testing.T) {
	pre, err := NewPredefined([]string{"__GNUC__ 12", "__GNUC_MINOR__ 2", "linux 1", "__SIZE_TYPE__ long unsigned int", "__INT64_C(c) c ## L"})
	require.NoError(t, err)
	src := []byte("__GNUC_MINOR__ __SIZE_TYPE__ __INT64_C(5) __STDC__ __x86_64__\n")
	res, err := Preprocess("p.h", src, Options{Predefined: pre})
	require.NoError(t, err)
	assert.Equal(t, "2 long unsigned int 5L 1 __x86_64__", join(res.Tokens))

	res, err = Preprocess("p.h", []byte("__x86_64__ __LP64__ __i386__ __ILP32__\n"), Options{Predefined: DefaultPredefined(false)})
	require.NoError(t, err)
	assert.Equal(t, "__x86_64__ __LP64__ 1 1", join(res.Tokens))
	res, err = Preprocess("p.h", []byte("__x86_64__ __LP64__ __i386__ __ILP32__\n"), Options{})
	require.NoError(t, err)
	assert.Equal(t, "1 1 __i386__ __ILP32__", join(res.Tokens))

	res, err = Preprocess("p.h", []byte("__x86_64__ A\n#ifndef __LP64__\nno\n#endif\n"),
		Options{Defines: map[string]string{"A": "2"}, Undefines: []string{"__x86_64__", "__LP64__", "A"}})
	require.NoError(t, err)
	assert.Equal(t, "__x86_64__ A no", join(res.Tokens))

	_, err = NewPredefined([]string{"1bad"})
	assert.Error(t, err)
}

// TestHasInclude: __has_include finds what #include would find, its
// operand is not macro-expanded (linux is a macro), it counts as defined,
// and a malformed operand is an error.
func TestHasInclude(t *testing.T) {
	pre, err := NewPredefined([]string{"linux 1"})
	require.NoError(t, err)
	fsys := fstest.MapFS{
		"main.h":          {Data: []byte("")},
		"local.h":         {Data: []byte("")},
		"sys/linux/tcp.h": {Data: []byte("")},
	}
	sys := fstest.MapFS{"linux/tcp.h": {Data: []byte("")}}
	src := []byte(`#if __has_include("local.h") && __has_include(<linux/tcp.h>) && !__has_include(<local.h>) && !__has_include("none.h")
yes
#endif
#if defined __has_include && defined(__has_include_next)
defined
#endif
#ifdef __has_include
ifdef
#endif
`)
	res, err := Preprocess("main.h", src, Options{FS: fsys, IncludeDirs: []fs.FS{sys}, Predefined: pre})
	require.NoError(t, err)
	assert.Equal(t, "yes defined ifdef", join(res.Tokens))

	_, err = Preprocess("main.h", []byte("#if __has_include(local.h)\n#endif\n"), Options{FS: fsys})
	assert.ErrorContains(t, err, `main.h:1:5: operator "__has_include" requires a header name`)
	_, err = Preprocess("main.h", []byte("#if __has_include\n#endif\n"), Options{FS: fsys})
	assert.ErrorContains(t, err, `missing '('`)
}

// TestSystemIncludes: with SystemIncludes, an angled include found nowhere
// is an error naming the directories searched.
func TestSystemIncludes(t *testing.T) {
	src := []byte("#include <nowhere.h>\n")
	_, err := Preprocess("m.h", src, Options{})
	assert.NoError(t, err, "without a target <x> is the interpreter's")
	_, err = Preprocess("m.h", src, Options{SystemIncludes: true, IncludeDirs: []fs.FS{fstest.MapFS{}}, IncludeNames: []string{"/usr/include"}})
	assert.EqualError(t, err, "m.h:1:10: nowhere.h: no such file or directory (searched: /usr/include)")
}
