package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressMin is the input size from which a run shows its progress (a
// variable for the tests).
var progressMin int64 = 64 << 20

// progressEvery is the shortest time between two redraws of the line.
var progressEvery = 100 * time.Millisecond

// startProgress shows the bytes read of the input files on stderr, when
// stderr is a terminal (never on a pipe or a file), --quiet is not set and
// the input is large enough to take a while. The returned function ends
// it.
func (in *atopInput) startProgress(e *env, src *fileSource) func() {
	f, ok := e.stderr.(*os.File)
	if in.Quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return func() {}
	}
	var total int64
	for _, name := range in.Files {
		if st, err := os.Stat(name); err == nil && st.Mode().IsRegular() {
			total += st.Size()
		}
	}
	if total < progressMin {
		return func() {}
	}
	p := newProgress(f, total, time.Now)
	src.wrap = func(r io.ReadCloser) io.ReadCloser { return &countingReader{r, p} }
	return p.finish
}

// progress is one line on a terminal, redrawn with \r at most every
// progressEvery: "reading  42%  1.2 GB / 2.9 GB  85 MB/s  20s left".
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	now   func() time.Time
	total int64
	done  int64
	start time.Time
	next  time.Time // of the next redraw
	width int       // of the line on the terminal
}

func newProgress(w io.Writer, total int64, now func() time.Time) *progress {
	start := now()
	return &progress{w: w, now: now, total: total, start: start, next: start.Add(progressEvery)}
}

// add counts n more bytes and redraws the line if it is due.
func (p *progress) add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += int64(n)
	t := p.now()
	if t.Before(p.next) {
		return
	}
	p.next = t.Add(progressEvery)
	line := p.line(t)
	pad := max(p.width-len(line), 0) // blanks over the rest of a longer line
	p.width = len(line) + pad
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
}

// line is the text of the line at time t.
func (p *progress) line(t time.Time) string {
	done := min(p.done, p.total)
	pct := 100
	if p.total > 0 {
		pct = int(done * 100 / p.total)
	}
	s := fmt.Sprintf("reading %3d%%  %s / %s", pct, byteSize(float64(done)), byteSize(float64(p.total)))
	secs := t.Sub(p.start).Seconds()
	if secs <= 0 || done == 0 {
		return s
	}
	rate := float64(done) / secs
	left := time.Duration(float64(p.total-done) / rate * float64(time.Second)).Round(time.Second)
	return s + fmt.Sprintf("  %s/s  %s left", byteSize(rate), left)
}

// finish clears the line, if one was drawn.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.width))
		p.width = 0
	}
}

// byteSize is n in B, kB, MB, GB or TB (powers of 1000), 3 digits.
func byteSize(n float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	u := 0
	for n >= 999.5 && u < len(units)-1 {
		n /= 1000
		u++
	}
	if u == 0 || n >= 99.95 {
		return fmt.Sprintf("%.0f %s", n, units[u])
	}
	if n >= 9.995 {
		return fmt.Sprintf("%.1f %s", n, units[u])
	}
	return fmt.Sprintf("%.2f %s", n, units[u])
}

// countingReader adds what it reads to a progress line (the compressed
// bytes of a gzipped log).
type countingReader struct {
	io.ReadCloser
	p *progress
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.ReadCloser.Read(b)
	c.p.add(n)
	return n, err
}
