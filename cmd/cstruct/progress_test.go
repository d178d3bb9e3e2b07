package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a clock the test moves on by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestProgressLine(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	var out bytes.Buffer
	p := newProgress(&out, 200e6, clock.now)

	// nothing before the first interval, however much is read
	p.add(10e6)
	clock.t = clock.t.Add(progressEvery - time.Millisecond)
	p.add(10e6)
	assert.Empty(t, out.String())

	// 1 s in, 50 MB of 200 MB: 50 MB/s, 3 s left
	clock.t = clock.t.Add(time.Second - progressEvery + time.Millisecond)
	p.add(30e6)
	first := "\rreading  25%  50.0 MB / 200 MB  50.0 MB/s  3s left"
	assert.Equal(t, first, out.String())

	// reads within the next interval do not redraw
	clock.t = clock.t.Add(progressEvery / 2)
	p.add(1)
	assert.Equal(t, first, out.String())

	// a shorter line than the last one blanks the rest of it
	out.Reset()
	clock.t = clock.t.Add(1450 * time.Millisecond) // 2.5 s in
	p.add(150e6 - 1)
	line := "\rreading 100%  200 MB / 200 MB  80.0 MB/s  0s left"
	require.Equal(t, line+" ", out.String())

	out.Reset()
	p.finish()
	assert.Equal(t, "\r"+strings.Repeat(" ", len(first)-1)+"\r", out.String())
	out.Reset()
	p.finish()
	assert.Empty(t, out.String(), "a second finish")
}

func TestProgressNothingDrawn(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	var out bytes.Buffer
	p := newProgress(&out, 100, clock.now)
	p.add(100)
	p.finish()
	assert.Empty(t, out.String(), "a run shorter than one interval leaves no trace")
}

func TestByteSize(t *testing.T) {
	for n, want := range map[float64]string{
		0: "0 B", 999: "999 B", 1000: "1.00 kB", 9994: "9.99 kB", 9996: "10.0 kB",
		99_940: "99.9 kB", 99_960: "100 kB", 999_400: "999 kB", 999_600: "1.00 MB",
		64 << 20: "67.1 MB", 2.5e12: "2.50 TB", 5e15: "5000 TB",
	} {
		assert.Equal(t, want, byteSize(n), "%v", n)
	}
}

// TestProgressNotTerminal: stderr on a file (or --quiet) gets no progress,
// however large the input.
func TestProgressNotTerminal(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big")
	require.NoError(t, os.WriteFile(big, nil, 0o644))
	require.NoError(t, os.Truncate(big, progressMin))
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	defer stderr.Close()
	for _, quiet := range []bool{false, true} {
		in := &atopInput{Files: []string{big}, Quiet: quiet}
		src := &fileSource{}
		in.startProgress(&env{stderr: stderr}, src)()
		assert.Nil(t, src.wrap, "quiet %v", quiet)
	}
}
