package atop_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/cstructgo/cstruct/atop"
)

// typedError reports whether err is one of the package's documented errors.
func typedError(err error) bool {
	var (
		te *atop.TornError
		se *atop.SampleError
		fe *atop.FormatError
		ke *atop.SkipError
		ve *atop.VersionError
		ze *atop.SizeError
		re *atop.ReadError
	)
	return errors.Is(err, atop.ErrBadMagic) || errors.As(err, &te) || errors.As(err, &se) ||
		errors.As(err, &fe) || errors.As(err, &ke) || errors.As(err, &ve) || errors.As(err, &ze) ||
		errors.As(err, &re)
}

// FuzzReader reads anything as a raw log, with and without Resync: it must
// not panic, and every error must be a typed one.
//
// The seeds are the fixtures cut after one and after two samples: the
// fuzzing engine minimizes every input that finds new code, byte by byte,
// so small seeds and a cheap body make it far faster (the engine counts no
// execs while it minimizes; -fuzzminimizetime bounds that). For the same
// reason only one pass inflates the system statistics (a megabyte).
func FuzzReader(f *testing.F) {
	for _, b := range rawFixtures(f) {
		bd := bounds(f, b)
		f.Add(b[:bd[1]])
		f.Add(b[:bd[2]])
	}
	b := fixture(f, "2.12.1")
	gz, _ := io.ReadAll(gzipped(f, b[:bounds(f, b)[2]]))
	f.Add(gz)
	// hostile records: more tasks than MaxInflated allows, and a length
	// past the end of the input whose stream ends inside it
	l := craftLog(f, "2.13.0")
	many, err := l.ManyTasks(4000)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(many)
	past := l.Clone()[:l.Samples[2].End]
	if err := l.SetField(past, 1, "pcomplen", uint64(int64(len(past))-l.Samples[1].Parts[1].Off+1)); err != nil {
		f.Fatal(err)
	}
	f.Add(past)
	f.Fuzz(func(t *testing.T, data []byte) {
		readAll(t, &atop.Options{MaxTasks: 1 << 12, MaxInflated: 1 << 20}, data, true)
		readAll(t, &atop.Options{Resync: true, MaxTasks: 1 << 12, MaxInflated: 1 << 20}, data, false)
	})
}

// readAll reads everything there is in data and calls every accessor,
// checking that errors are typed. system inflates the first sample's
// system statistics too (a megabyte).
func readAll(t *testing.T, opts *atop.Options, data []byte, system bool) {
	check := func(err error) {
		t.Helper()
		if err != nil && !typedError(err) {
			t.Fatalf("untyped error %T: %v", err, err)
		}
	}
	r, err := opts.NewReader(bytes.NewReader(data))
	if err != nil {
		check(err)
		return
	}
	h := r.Header()
	_ = h.Support.String()
	for i := 0; i < 64; i++ {
		s, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			check(err)
			if !atop.IsWarning(err) {
				return
			}
			continue
		}
		_ = s.Flags.String()
		tasks, err := s.Tasks()
		check(err)
		for _, tk := range tasks {
			_ = tk.Name() + tk.Cmdline() + tk.Container() + tk.CgroupPath() + tk.Wchan()
			_ = tk.PID() + tk.PPID() + tk.TGID() + tk.ExitCode() + int(tk.State()) + tk.NThreads()
			_ = tk.StartTime().Add(tk.Elapsed()).Add(tk.CPUTime()).Add(tk.RunDelay())
			_ = tk.EndTime()
			_ = tk.VMem() + tk.RMem() + tk.PMem() + tk.MinFlt() + tk.RIO()
		}
		if s.Index == 0 && system {
			if sys, err := s.System(); err == nil {
				_, _ = sys.Lookup("cpu.all.utime")
			} else {
				check(err)
			}
		}
		cgs, err := s.Cgroups()
		check(err)
		for _, c := range cgs {
			_ = c.Path + c.Name
		}
		if len(tasks) > 0 {
			s.CgroupOf(tasks[0].PID())
		}
	}
}
