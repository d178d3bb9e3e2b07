package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressMin is the input size from which a run shows its progress.
const progressMin = 64 << 20

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
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionSetDescription("reading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetPredictTime(true),
	)
	src.wrap = func(r io.ReadCloser) io.ReadCloser { return &countingReader{r, bar} }
	return func() { _ = bar.Finish() }
}

// countingReader adds what it reads to a progress bar (the compressed
// bytes of a gzipped log).
type countingReader struct {
	io.ReadCloser
	bar *progressbar.ProgressBar
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	_ = c.bar.Add(n)
	return n, err
}
