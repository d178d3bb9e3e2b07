package atop_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// describe appends what a sample holds: its record, every task, system
// figures and the cgroups, so that a job touches every part. A corrupt
// part is the job's error.
func describe(dst []byte, s *atop.Sample) ([]byte, error) {
	dst = fmt.Appendf(dst, "#%d %d %v %v %d %d\n", s.Index, s.Time.Unix(), s.Interval, s.Flags, s.NTask, s.Record.Size())
	tasks, err := s.Tasks()
	if err != nil {
		return dst, err
	}
	for _, tk := range tasks {
		dst = fmt.Appendf(dst, "%d %d %q %q %c %d %d %d %d\n", tk.PID(), tk.PPID(), tk.Name(), tk.Cmdline(),
			tk.State(), tk.ExitCode(), tk.UTime(), tk.STime(), tk.RMem())
		if cg, ok := s.CgroupOf(tk.PID()); ok {
			dst = append(dst, cg.Path...)
		}
	}
	sys, err := s.System()
	if err != nil {
		return dst, err
	}
	for _, p := range []string{"cpu.nrcpu", "cpu.all.utime", "mem.physmem"} {
		v, err := sys.Lookup(p)
		if err != nil {
			return dst, err
		}
		dst = fmt.Appendf(dst, "%s=%d ", p, v.Int())
	}
	cgs, err := s.Cgroups()
	if err != nil {
		return dst, err
	}
	for _, c := range cgs {
		dst = fmt.Appendf(dst, "\ncg %s %d %v", c.Path, c.NProcs, c.PIDs)
	}
	return append(dst, '\n'), nil
}

// describeJob is a Job of describe that also warns about every third
// sample; with jitter it sleeps a little at random, so that later samples
// often finish first.
func describeJob(jitter bool) func() atop.Job {
	return func() atop.Job {
		rng := rand.New(rand.NewPCG(rand.Uint64(), 1))
		return func(dst []byte, s *atop.Sample, st *atop.Step) ([]byte, error) {
			if jitter {
				time.Sleep(time.Duration(rng.IntN(300)) * time.Microsecond)
			}
			if s.Index%3 == 1 {
				st.Warn(fmt.Errorf("sample %d of %s", s.Index, s.Header.Version))
			}
			return describe(dst, s)
		}
	}
}

// run runs describeJob over the log in b with workers workers; warnings
// are written into the output where Warn gets them, as "warning: …" lines.
func run(t *testing.T, b []byte, workers int, opts atop.PipelineOptions) (string, error) {
	t.Helper()
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	var out bytes.Buffer
	opts.Workers = workers
	opts.Warn = func(err error) { fmt.Fprintf(&out, "warning: %v\n", err) }
	err = atop.Pipeline(&out, r, describeJob(workers > 1), opts)
	return out.String(), err
}

// sequentialOf is describe over the log, the plain way.
func sequentialOf(t *testing.T, b []byte) string {
	t.Helper()
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	var out []byte
	for s, err := range r.Samples() {
		require.NoError(t, err)
		out, err = describe(out, s)
		require.NoError(t, err)
	}
	return string(out)
}

// pipelineLogs are the fixtures, the real-world logs and (not in -short)
// the large log.
func pipelineLogs(t *testing.T) map[string][]byte {
	logs := rawFixtures(t)
	names, err := filepath.Glob(filepath.Join(testdata, "realworld", "*.gz"))
	require.NoError(t, err)
	if !testing.Short() {
		names = append(names, filepath.Join(testdata, "bench", "atop-2.8.1-large.raw"))
	}
	for _, n := range names {
		b, err := os.ReadFile(n) // gzipped or not: NewReader takes both
		require.NoError(t, err)
		logs[filepath.Base(n)] = b
	}
	return logs
}

// sameText fails the test, briefly, if got is not want.
func sameText(t *testing.T, want, got string, what string, args ...any) {
	t.Helper()
	if got == want {
		return
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(wl), len(gl)) {
		if wl[i] != gl[i] {
			t.Fatalf("%s: line %d\nwant: %.200s\n got: %.200s", fmt.Sprintf(what, args...), i+1, wl[i], gl[i])
		}
	}
	t.Fatalf("%s: %d lines, want %d", fmt.Sprintf(what, args...), len(gl), len(wl))
}

// TestPipelineSame: every number of workers gives the bytes of a plain
// loop, and the warnings at the same places, on every log.
func TestPipelineSame(t *testing.T) {
	for name, b := range pipelineLogs(t) {
		t.Run(name, func(t *testing.T) {
			want, err := run(t, b, 1, atop.PipelineOptions{})
			require.NoError(t, err)
			sameText(t, sequentialOf(t, b), dropWarnings(want), "1 worker")
			require.Contains(t, want, "\nwarning: sample 1 of ")
			for _, n := range []int{2, 3, 8} {
				got, err := run(t, b, n, atop.PipelineOptions{})
				require.NoError(t, err)
				sameText(t, want, got, "%d workers", n)
			}
		})
	}
}

// TestPipelineMulti reads two logs of different versions as one stream.
func TestPipelineMulti(t *testing.T) {
	names := []string{fixtureName("2.10.0"), fixtureName("2.13.0"), fixtureName("2.3.0")}
	var want string
	for _, n := range []int{1, 2, 3, 8} {
		var out bytes.Buffer
		m := atop.OpenFiles(names...)
		err := atop.Pipeline(&out, m, describeJob(n > 1), atop.PipelineOptions{Workers: n})
		require.NoError(t, err)
		require.NoError(t, m.Close())
		if n == 1 {
			want = out.String()
			require.Equal(t, 18, strings.Count(want, "\n#")+1)
			continue
		}
		require.Equal(t, want, out.String(), "%d workers", n)
	}
}

// TestPipelineFlipped: a corrupt sample k gives the output of the samples
// before it, then its error, whatever the number of workers.
func TestPipelineFlipped(t *testing.T) {
	b := fixture(t, "2.13.0")
	bd := bounds(t, b)
	for k := range len(bd) - 1 {
		c := bytes.Clone(b)
		c[bd[k]+96+20] ^= 0xff // in the sample's sstat stream
		want, wantErr := run(t, c, 1, atop.PipelineOptions{})
		var se *atop.SampleError
		require.ErrorAs(t, wantErr, &se)
		require.Equal(t, k, se.Sample)
		sameText(t, sequentialOf(t, b[:bd[k]]), dropWarnings(want), "sample %d", k)
		for _, n := range []int{2, 3, 8} {
			got, err := run(t, c, n, atop.PipelineOptions{})
			require.Equal(t, wantErr, err)
			sameText(t, want, got, "%d workers, sample %d", n, k)
		}
	}
}

// TestPipelineTorn: a torn tail gives every complete sample, then the
// warning (with a ReadError that makes it one) or the error.
func TestPipelineTorn(t *testing.T) {
	b := fixture(t, "2.11.1")
	bd := bounds(t, b)
	whole := sequentialOf(t, b[:bd[4]])
	asWarning := atop.PipelineOptions{ReadError: func(err error) error {
		var te *atop.TornError
		if errors.As(err, &te) {
			return io.EOF
		}
		return err
	}}
	var want string
	for _, n := range []int{1, 2, 3, 8} {
		got, err := run(t, b[:bd[4]+200], n, asWarning)
		require.NoError(t, err)
		if n == 1 {
			want = got
			body, warning, ok := strings.Cut(got, "warning: atop: ")
			require.True(t, ok)
			sameText(t, whole, dropWarnings(body), "1 worker")
			assert.Contains(t, warning, "sample 4: sample data at offset")
			assert.NotContains(t, warning, "\n#", "the torn tail's warning comes last")
		}
		sameText(t, want, got, "%d workers", n)

		got, err = run(t, b[:bd[4]+200], n, atop.PipelineOptions{})
		var te *atop.TornError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, 4, te.Sample)
		sameText(t, whole, dropWarnings(got), "%d workers", n)
	}

	// After many samples, each with a warning, the torn tail's slot is one
	// used before: it brings its own warning only.
	logs := [][]byte{b, b, b, b[:bd[4]+200]}
	everyOne := func() atop.Job {
		return func(dst []byte, s *atop.Sample, st *atop.Step) ([]byte, error) {
			st.Warn(fmt.Errorf("sample %d", s.Index))
			return describe(dst, s)
		}
	}
	for _, n := range []int{1, 2, 3, 8} {
		var out bytes.Buffer
		opts := asWarning
		opts.Workers = n
		opts.Warn = func(err error) { fmt.Fprintf(&out, "warning: %v\n", err) }
		require.NoError(t, atop.Pipeline(&out, multiSource(t, logs), everyOne, opts))
		if n == 1 {
			want = out.String()
			require.Equal(t, 3*6+4+1, strings.Count(want, "warning: "))
		}
		sameText(t, want, out.String(), "%d workers, 4 logs", n)
	}
}

// TestPipelineResync: skipped garbage is a warning at its place.
func TestPipelineResync(t *testing.T) {
	b := fixture(t, "2.12.1")
	bd := bounds(t, b)
	c := append(bytes.Clone(b[:bd[2]]), bytes.Repeat([]byte{0xa5}, 333)...)
	c = append(c, b[bd[2]:]...)
	var want string
	for _, n := range []int{1, 2, 3, 8} {
		r, err := (&atop.Options{Resync: true}).NewReader(bytes.NewReader(c))
		require.NoError(t, err)
		var out bytes.Buffer
		err = atop.Pipeline(&out, r, describeJob(n > 1), atop.PipelineOptions{Workers: n,
			Warn: func(err error) { fmt.Fprintf(&out, "warning: %v\n", err) }})
		require.NoError(t, err)
		if n == 1 {
			want = out.String()
			require.Contains(t, want, "\nwarning: atop: skipped 333 bytes of garbage")
			require.Less(t, strings.Index(want, "sample 1 of"), strings.Index(want, "skipped 333"))
			require.Greater(t, strings.Index(want, "sample 4 of"), strings.Index(want, "skipped 333"))
			require.Equal(t, sequentialOf(t, b), dropWarnings(want))
			continue
		}
		sameText(t, want, out.String(), "%d workers", n)
	}
}

func dropWarnings(s string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(l, "warning: ") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// failingWriter fails its Write number fail, after taking part of it
// (half, or none when at is 0), and records every call.
type failingWriter struct {
	fail, calls int
	half        bool
	afterFail   int
	buf         bytes.Buffer
}

var errPipe = errors.New("broken pipe")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.calls++
	switch {
	case w.calls > w.fail:
		w.afterFail++
		return 0, errPipe
	case w.calls == w.fail:
		n := 0
		if w.half {
			n = len(p) / 2
		}
		w.buf.Write(p[:n])
		return n, errPipe
	}
	return w.buf.Write(p)
}

// TestPipelineWriteError: a failing writer sees no Write after the failed
// one, the error comes back, and every goroutine ends.
func TestPipelineWriteError(t *testing.T) {
	b := fixture(t, "2.13.0")
	before := runtime.NumGoroutine()
	for _, n := range []int{1, 2, 3, 8} {
		for _, c := range []struct {
			fail int
			half bool
		}{{1, false}, {3, true}, {6, true}, {6, false}} {
			r, err := atop.NewReader(bytes.NewReader(b))
			require.NoError(t, err)
			w := &failingWriter{fail: c.fail, half: c.half}
			err = atop.Pipeline(w, r, describeJob(true), atop.PipelineOptions{Workers: n})
			require.ErrorIs(t, err, errPipe, "%d workers, %+v", n, c)
			assert.Equal(t, c.fail, w.calls, "%d workers, %+v", n, c)
			assert.Zero(t, w.afterFail)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	// Less is fine: a goroutine of an earlier test (a timer, a
	// finaliser) may end meanwhile; more would be one of ours left.
	assert.LessOrEqual(t, runtime.NumGoroutine(), before)
}

// countingSource counts the samples read, for TestPipelineBounded.
type countingSource struct {
	src  atop.Source
	read *atomic.Int64
}

func (c countingSource) Next() (*atop.Sample, error) {
	s, err := c.src.Next()
	if err == nil {
		c.read.Add(1)
	}
	return s, err
}

// slowWriter takes its time, and records the most samples read but not
// yet written.
type slowWriter struct {
	read          *atomic.Int64
	written, peak int64
}

func (w *slowWriter) Write(p []byte) (int, error) {
	time.Sleep(2 * time.Millisecond)
	w.peak = max(w.peak, w.read.Load()-w.written)
	w.written++
	return len(p), nil
}

// TestPipelineBounded: with a slow writer the reader runs ahead, but never
// by more than the 2×workers+1 slots.
func TestPipelineBounded(t *testing.T) {
	b := fixture(t, "2.13.0")
	logs := [][]byte{b, b, b, b, b, b}
	for _, n := range []int{2, 3} {
		var read atomic.Int64
		m := multiSource(t, logs)
		w := &slowWriter{read: &read}
		err := atop.Pipeline(w, countingSource{m, &read}, describeJob(false), atop.PipelineOptions{Workers: n})
		require.NoError(t, err)
		assert.Equal(t, int64(36), w.written)
		assert.LessOrEqual(t, w.peak, int64(2*n+1))
		assert.Greater(t, w.peak, int64(n), "the reader did not run ahead")
	}
}

// multiSource reads logs from memory one after the other.
func multiSource(t *testing.T, logs [][]byte) atop.Source {
	var rs []*atop.Reader
	for _, b := range logs {
		r, err := atop.NewReader(bytes.NewReader(b))
		require.NoError(t, err)
		rs = append(rs, r)
	}
	return &readers{rs: rs}
}

type readers struct{ rs []*atop.Reader }

func (m *readers) Next() (*atop.Sample, error) {
	for len(m.rs) > 0 {
		s, err := m.rs[0].Next()
		if err != io.EOF {
			return s, err
		}
		m.rs = m.rs[1:]
	}
	return nil, io.EOF
}

// orderSource records the order in which samples are read.
type orderSource struct {
	src  atop.Source
	mu   sync.Mutex
	read map[string]int // sample → its place in the input
}

func sampleID(s *atop.Sample) string { return fmt.Sprintf("%s/%d", s.Header.Version, s.Index) }

func (o *orderSource) Next() (*atop.Sample, error) {
	s, err := o.src.Next()
	if err == nil {
		o.mu.Lock()
		o.read[sampleID(s)] = len(o.read)
		o.mu.Unlock()
	}
	return s, err
}

// TestPipelineInOrder: InOrder sections run one at a time, in input
// order, even when later jobs reach them first, and a job that does not
// call InOrder does not hold the others up.
func TestPipelineInOrder(t *testing.T) {
	var logs [][]byte
	for _, v := range []string{"2.3.0", "2.7.1", "2.10.0", "2.13.0"} {
		logs = append(logs, fixture(t, v))
	}
	for _, n := range []int{1, 2, 3, 8} {
		src := &orderSource{src: multiSource(t, logs), read: map[string]int{}}
		var mu sync.Mutex
		var seen []string
		running := 0
		newJob := func() atop.Job {
			k := 0
			return func(dst []byte, s *atop.Sample, st *atop.Step) ([]byte, error) {
				k++
				if k%3 == 0 {
					return dst, nil
				}
				time.Sleep(time.Duration(rand.IntN(200)) * time.Microsecond)
				return dst, st.InOrder(func() {
					mu.Lock()
					running++
					seen = append(seen, sampleID(s))
					mu.Unlock()
					time.Sleep(50 * time.Microsecond)
					mu.Lock()
					require.Equal(t, 1, running)
					running--
					mu.Unlock()
				})
			}
		}
		err := atop.Pipeline(io.Discard, src, newJob, atop.PipelineOptions{Workers: n})
		require.NoError(t, err)
		require.Len(t, src.read, 24)
		require.GreaterOrEqual(t, len(seen), 24*2/3-n)
		for i := 1; i < len(seen); i++ {
			require.Less(t, src.read[seen[i-1]], src.read[seen[i]], "%d workers: %v", n, seen)
		}
	}
}
