package parseable

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
)

// BenchmarkPrintLargeLog prints "-P ALL" for a 240-sample log of atop 2.8.1
// (testdata/atop/bench): the job of converting a day's log for scripts.
func BenchmarkPrintLargeLog(b *testing.B) {
	l, err := os.ReadFile(benchLog)
	if err != nil {
		b.Skip(err)
	}
	opts := Options{Labels: []string{"ALL"}, Location: time.UTC}
	var cw countWriter
	r, err := atop.NewReader(bytes.NewReader(l))
	if err != nil {
		b.Fatal(err)
	}
	if err := Print(&cw, r, opts); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(l)))
	b.ReportAllocs()
	m0, c0 := mallocs(), cpuTime()
	for b.Loop() {
		r, err := atop.NewReader(bytes.NewReader(l))
		if err != nil {
			b.Fatal(err)
		}
		if err := Print(io.Discard, r, opts); err != nil {
			b.Fatal(err)
		}
	}
	cw.report(b, m0, c0)
}

// BenchmarkPrintLargeLogInterpreter is the same with the interpreter, the
// way every sample was printed before the descriptions were compiled.
func BenchmarkPrintLargeLogInterpreter(b *testing.B) {
	if _, err := os.Stat(benchLog); err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := printWith(b, benchLog, Options{Labels: []string{"ALL"}}, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendSample is the compiled programs alone: -P ALL of every
// tenth sample of the large log, its parts inflated beforehand.
func BenchmarkAppendSample(b *testing.B) {
	r, err := atop.Open(benchLog)
	if err != nil {
		b.Skip(err)
	}
	defer r.Close()
	var e *engine
	var ins []sampleInput
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if s.Index%10 != 0 {
			continue
		}
		if e == nil {
			d, err := findDesc("", s.Header.Version.String())
			if err != nil {
				b.Fatal(err)
			}
			if e, err = newEngine(io.Discard, d, s.Header, Options{Labels: []string{"ALL"}, Location: time.UTC}, false); err != nil {
				b.Fatal(err)
			}
		}
		in := inputOf(s.Clone())
		var p parts
		p.reset(in.src, e.lay)
		sys, err1 := p.system()
		tasks, _, err2 := p.tasks()
		cgs, err3 := p.cgroups()
		if err1 != nil || err2 != nil || err3 != nil {
			b.Fatal(err1, err2, err3)
		}
		in.src = &heldParts{sys, tasks, cgs}
		ins = append(ins, in)
	}
	var cw countWriter
	for i := range ins {
		out, err := e.appendSample(nil, &ins[i])
		if err != nil {
			b.Fatal(err)
		}
		cw.Write(out)
	}
	var buf []byte
	b.ReportAllocs()
	m0, c0 := mallocs(), cpuTime()
	for b.Loop() {
		for i := range ins {
			if buf, err = e.appendSample(buf[:0], &ins[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
	cw.report(b, m0, c0)
}

// heldParts are parts inflated beforehand.
type heldParts struct {
	sys, tstat []byte
	cgs        []atop.Cgroup
}

func (p *heldParts) system() ([]byte, error)         { return p.sys, nil }
func (p *heldParts) tasks() ([]byte, error)          { return p.tstat, nil }
func (p *heldParts) cgroups() ([]atop.Cgroup, error) { return p.cgs, nil }

// countWriter counts the fields (blank-separated words) and samples
// (SEP lines) of one run's output.
type countWriter struct {
	fields, samples int64
	inWord          bool
}

func (w *countWriter) Write(p []byte) (int, error) {
	for i, c := range p {
		switch c {
		case ' ', '\n':
			w.inWord = false
			if c == '\n' && i >= 3 && string(p[i-3:i]) == "SEP" {
				w.samples++
				w.fields-- // SEP is not a field
			}
		default:
			if !w.inWord {
				w.fields++
			}
			w.inWord = true
		}
	}
	return len(p), nil
}

// report adds the time per field, also in CPU time of the process (on a
// shared machine the wall time says little), and the allocations per
// sample.
func (w *countWriter) report(b *testing.B, m0 uint64, c0 time.Duration) {
	n := float64(b.N)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n/float64(w.fields), "ns/field")
	b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/n/float64(w.fields), "cpu-ns/field")
	b.ReportMetric(float64(mallocs()-m0)/n/float64(w.samples), "allocs/sample")
}

// cpuTime is the user and system time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}
