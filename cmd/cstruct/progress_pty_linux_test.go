package main

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openPty opens a pseudo-terminal: the side a program writes to, and the
// side that reads what it wrote.
func openPty(t *testing.T) (tty, master *os.File) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skip("no pseudo-terminal:", err)
	}
	var unlock int32
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		master.Close()
		t.Skip("no pseudo-terminal:", e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		master.Close()
		t.Skip("no pseudo-terminal:", e)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Skip("no pseudo-terminal:", err)
	}
	return tty, master
}

// onTerminal runs the command with stderr on a terminal: its stdout and
// what it drew on the terminal.
func onTerminal(t *testing.T, args ...string) (stdout, drawn string) {
	tty, master := openPty(t)
	defer master.Close()
	read := make(chan string)
	go func() {
		b, _ := io.ReadAll(master) // until the tty side is closed (EIO)
		read <- string(b)
	}()
	var out bytes.Buffer
	require.Equal(t, 0, run(args, nil, &out, tty), args)
	tty.Close()
	return out.String(), <-read
}

// TestProgressTerminal runs "cstruct atop -P CPU -r FILE" with stderr on a
// terminal and every input large enough: the progress line is drawn with
// \r, reaches the file's size and is blanked at the end; stdout is what it
// is without. With -q nothing is drawn.
func TestProgressTerminal(t *testing.T) {
	min, every := progressMin, progressEvery
	progressMin, progressEvery = 0, 0
	defer func() { progressMin, progressEvery = min, every }()

	file := atopFixture("2.8.1")
	st, err := os.Stat(file)
	require.NoError(t, err)
	var want bytes.Buffer
	require.Equal(t, 0, run([]string{"atop", "-P", "CPU", "-r", file}, nil, &want, io.Discard))

	out, drawn := onTerminal(t, "atop", "-P", "CPU", "-r", file)
	assert.Equal(t, want.String(), out)
	// the terminal would turn \n into \r\n; there is none
	assert.NotContains(t, drawn, "\n")
	lines := strings.Split(drawn, "\r")
	require.Greater(t, len(lines), 3, "%q", drawn)
	assert.Empty(t, lines[0])
	last := lines[len(lines)-3]
	size := byteSize(float64(st.Size()))
	assert.Contains(t, last, "reading 100%  "+size+" / "+size, "%q", drawn)
	assert.Equal(t, strings.Repeat(" ", len(last)), lines[len(lines)-2], "the line blanked")
	assert.Empty(t, lines[len(lines)-1])

	out, drawn = onTerminal(t, "atop", "-q", "-P", "CPU", "-r", file)
	assert.Equal(t, want.String(), out)
	assert.Empty(t, drawn, "-q")
}
