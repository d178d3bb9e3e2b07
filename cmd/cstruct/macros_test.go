package main

import (
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMacroOrder: -D and -U apply in their command-line order, as gcc's:
// the struct's size says what the text saw of the predefined
// __x86_64__, and gcc -dM (when installed, on x86-64) says the same for
// the same flags.
func TestMacroOrder(t *testing.T) {
	const text = "#ifdef __x86_64__\nstruct s { char a[__x86_64__ + 1]; };\n#else\nstruct s { char a[100]; };\n#endif"
	gcc, _ := exec.LookPath("gcc")
	if runtime.GOARCH != "amd64" {
		gcc = ""
	}
	for _, c := range []struct {
		flags []string
		size  int
	}{
		{nil, 2},
		{[]string{"-U", "__x86_64__"}, 100},
		{[]string{"-U", "__x86_64__", "-D", "__x86_64__=5"}, 6},
		{[]string{"-D", "__x86_64__=5", "-U", "__x86_64__"}, 100},
		{[]string{"-D", "__x86_64__=5", "-D", "__x86_64__=9"}, 10},
		{[]string{"-U__x86_64__", "-D__x86_64__=3", "-U__x86_64__"}, 100},
		{[]string{"-D__x86_64__=3", "-U__x86_64__", "-D__x86_64__"}, 2},
	} {
		args := append([]string{"layout", "-e", text, "-t", "s"}, c.flags...)
		out, stderr, code := runCLI(t, "", args...)
		require.Equal(t, 0, code, "%v: %s", c.flags, stderr)
		assert.Contains(t, out, "struct s  size "+strconv.Itoa(c.size)+" ", "%v", c.flags)
		if gcc == "" {
			continue
		}
		dm, err := exec.Command(gcc, append([]string{"-dM", "-E", "-x", "c", "/dev/null"}, c.flags...)...).Output()
		require.NoError(t, err)
		want := 100
		for _, l := range strings.Split(string(dm), "\n") {
			if v, ok := strings.CutPrefix(l, "#define __x86_64__ "); ok {
				n, err := strconv.Atoi(v)
				require.NoError(t, err)
				want = n + 1
			}
		}
		assert.Equal(t, want, c.size, "gcc %v", c.flags)
	}
}
