package atop_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/cstructgo/cstruct/atop"
)

// BenchmarkReadTasks reads every task of every sample of the fixtures,
// from memory: the common case of a caller that wants processes only.
func BenchmarkReadTasks(b *testing.B) {
	logs := rawFixtures(b)
	var size int64
	for _, l := range logs {
		size += int64(len(l))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range logs {
			r, err := atop.NewReader(bytes.NewReader(l))
			if err != nil {
				b.Fatal(err)
			}
			for s, err := range r.Samples() {
				if err != nil {
					b.Fatal(err)
				}
				tasks, err := s.Tasks()
				if err != nil {
					b.Fatal(err)
				}
				var cpu int64
				for _, t := range tasks {
					cpu += t.UTime() + t.STime() + int64(t.PID())
				}
			}
		}
	}
}

// BenchmarkReadSystem inflates and reads the system statistics too.
func BenchmarkReadSystem(b *testing.B) {
	l := fixture(b, "2.13.0")
	b.SetBytes(int64(len(l)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := atop.NewReader(bytes.NewReader(l))
		if err != nil {
			b.Fatal(err)
		}
		for s, err := range r.Samples() {
			if err != nil {
				b.Fatal(err)
			}
			sys, err := s.System()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := sys.Lookup("cpu.all.utime"); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkLargeLog reads a 240-sample log written by Debian's atop 2.8.1
// (testdata/atop/bench): every task of every sample, and the CPU figures of
// the system statistics.
func BenchmarkLargeLog(b *testing.B) {
	l, err := os.ReadFile("../testdata/atop/bench/atop-2.8.1-large.raw")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(l)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := atop.NewReader(bytes.NewReader(l))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for s, err := range r.Samples() {
			if err != nil {
				b.Fatal(err)
			}
			tasks, err := s.Tasks()
			if err != nil {
				b.Fatal(err)
			}
			n += len(tasks)
			sys, err := s.System()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := sys.Lookup("cpu.all.utime"); err != nil {
				b.Fatal(err)
			}
		}
		if n == 0 {
			b.Fatal("no tasks")
		}
	}
}

// BenchmarkPipelineInflate inflates every part of every sample of the large
// log in an atop.Pipeline, with one worker and with two: the floor of any
// job on it, and how it scales.
func BenchmarkPipelineInflate(b *testing.B) {
	l, err := os.ReadFile("../testdata/atop/bench/atop-2.8.1-large.raw")
	if err != nil {
		b.Skip(err)
	}
	job := func() atop.Job {
		return func(dst []byte, s *atop.Sample, _ *atop.Step) ([]byte, error) {
			if _, err := s.Tasks(); err != nil {
				return dst, err
			}
			if _, err := s.System(); err != nil {
				return dst, err
			}
			if _, err := s.Cgroups(); err != nil {
				return dst, err
			}
			return append(dst, '.'), nil
		}
	}
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(l)))
			b.ReportAllocs()
			for b.Loop() {
				r, err := atop.NewReader(bytes.NewReader(l))
				if err != nil {
					b.Fatal(err)
				}
				if err := atop.Pipeline(io.Discard, r, job, atop.PipelineOptions{Workers: n}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
