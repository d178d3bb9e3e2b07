package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/cstructgo/cstruct/internal/atoptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHelperCLI is the command itself when a test runs this test binary
// as a child process (CSTRUCT_HELPER_ARGS: the arguments, separated by a newline),
// so that the child's memory can be measured alone.
func TestHelperCLI(t *testing.T) {
	args := os.Getenv("CSTRUCT_HELPER_ARGS")
	if args == "" {
		t.Skip("run as a child process by TestAtopHostileMemory")
	}
	os.Exit(run(strings.Split(args, "\n"), strings.NewReader(""), os.Stdout, os.Stderr))
}

// maxRSS runs the command in a child process and returns its peak
// resident memory in bytes.
func maxRSS(t *testing.T, args ...string) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCLI$")
	cmd.Env = append(os.Environ(), "CSTRUCT_HELPER_ARGS="+strings.Join(args, "\n"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "%v: %s", args, stderr.String())
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no rusage on this system")
	}
	return ru.Maxrss << 10 // KiB on Linux
}

// TestAtopHostileMemory: a 1 MB log whose record declares 200 000 tasks
// (200 MB of zeros), one with 200 MB of cgroups, and a log of samples of
// the largest size the default limit allows keep every verb under 256 MB.
func TestAtopHostileMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds logs of 200 MB of zeros")
	}
	good, err := os.ReadFile(atopFixture("2.13.0"))
	require.NoError(t, err)
	l, err := atoptest.Read(good)
	require.NoError(t, err)
	dir := t.TempDir()
	many, err := l.ManyTasks(200_000)
	require.NoError(t, err)
	largest, err := l.ManyTasks(33_800) // 32.0 MiB of tasks
	require.NoError(t, err)
	hdr := l.Header.RawHeadLen
	largest = append(largest, bytes.Repeat(largest[hdr:], 3)...)
	cgroups, err := l.BigCgroups(200 << 20)
	require.NoError(t, err)
	for name, b := range map[string][]byte{"many": many, "largest": largest, "cgroups": cgroups} {
		file := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(file, b, 0o644))
		for _, verb := range [][]string{
			{"info"}, {"timeline"}, {"csv", "--tasks"}, {"json", "--tasks"}, {"json", "--cgroups"}, {"parseable", "-P", "ALL"},
		} {
			args := append(append([]string{"atop"}, verb...), file)
			rss := maxRSS(t, args...)
			t.Logf("%s: %v: %d MB", name, verb, rss>>20)
			assert.Less(t, rss, int64(256<<20), "%s: %v", name, verb)
		}
	}
}
