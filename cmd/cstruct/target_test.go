package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLayoutTargetHost: one flag loads a system header as gcc does (the
// README's example); the tcphdr layout is gcc's (TestSystemHeadersGCC
// checks every struct).
func TestLayoutTargetHost(t *testing.T) {
	if _, err := os.Stat("/usr/include/linux/tcp.h"); err != nil {
		t.Skip("no Linux headers")
	}
	out, stderr, code := runCLI(t, "", "layout", "--target", "host", "-f", "/usr/include/linux/tcp.h", "-t", "tcphdr")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "struct tcphdr  size 20  align 4")
	assert.Contains(t, out, "0x000d.5   1:b  uint16                   urg")
	assert.Contains(t, out, "0x0012       2  __be16                   urg_ptr")

	// -U removes a predefined macro; -D adds one
	_, stderr, code = runCLI(t, "", "layout", "--target", "host", "-U", "__x86_64__", "-e", "#ifdef __x86_64__\n#error x86\n#endif\nstruct s { int a; };", "-t", "s")
	assert.Equal(t, 0, code, stderr)
	_, stderr, code = runCLI(t, "", "layout", "--target", "host", "-e", "#ifdef __x86_64__\n#error x86\n#endif\nstruct s { int a; };", "-t", "s")
	assert.NotEqual(t, 0, code)
	assert.Contains(t, stderr, "#error x86")

	// --abi ilp32 with the target: i386's macros
	out, stderr, code = runCLI(t, "", "layout", "--target", "host", "--abi", "ilp32", "-e", "#if defined __i386__ && !defined __LP64__\nstruct s { long a; };\n#endif", "-t", "s")
	require.Equal(t, 0, code, stderr)
	assert.True(t, strings.Contains(out, "size 4"), out)
}
