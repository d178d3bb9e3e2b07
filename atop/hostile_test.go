package atop_test

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/internal/atoptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func craftLog(t testing.TB, version string) *atoptest.Log {
	t.Helper()
	l, err := atoptest.Read(fixture(t, version))
	require.NoError(t, err)
	return l
}

// read reads a log to its end and returns the indexes of the samples and
// the errors, in order.
func readErrors(t *testing.T, opts *atop.Options, b []byte) (samples []int, errs []error) {
	t.Helper()
	r, err := opts.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	for {
		s, err := r.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			errs = append(errs, err)
			if !atop.IsWarning(err) {
				return
			}
			continue
		}
		samples = append(samples, s.Index)
	}
}

// TestLengthPastEnd: a length of one record that points past the end of
// the file while its stream ends inside it is corruption, not a torn
// tail: reading stops with a *FormatError, and --resync reads the samples
// after it.
func TestLengthPastEnd(t *testing.T) {
	for _, c := range []struct{ version, field string }{
		{"2.13.0", "pcomplen"}, {"2.13.0", "scomplen"}, {"2.13.0", "ccomplen"}, {"2.13.0", "icomplen"},
		{"2.3.0", "pcomplen"}, {"2.8.1", "pcomplen"},
	} {
		t.Run(c.version+"/"+c.field, func(t *testing.T) {
			l := craftLog(t, c.version)
			b := l.Clone()
			victim := 1
			s := l.Samples[victim]
			part := map[string]int{"scomplen": atoptest.SStat, "pcomplen": atoptest.TStat, "ccomplen": atoptest.CStat, "icomplen": atoptest.PIDs}[c.field]
			p := s.Parts[part]
			past := int64(len(b)) - p.Off + 1 // one byte past the end
			require.NoError(t, l.SetField(b, victim, c.field, uint64(past)))
			switch c.field { // the inflated part must be able to take that much
			case "icomplen":
				require.NoError(t, l.SetField(b, victim, "ncgpids", uint64(past)))
			case "ccomplen":
				require.NoError(t, l.SetField(b, victim, "coriglen", uint64(past)))
			}

			samples, errs := readErrors(t, nil, b)
			assert.Equal(t, []int{0}, samples)
			require.Len(t, errs, 1)
			var fe *atop.FormatError
			require.ErrorAs(t, errs[0], &fe, "not a torn tail")
			assert.Equal(t, victim, fe.Sample)
			assert.Equal(t, s.Offset, fe.Offset)
			assert.Contains(t, fe.Msg, c.field)
			assert.Contains(t, fe.Msg, "past the end")

			samples, errs = readErrors(t, &atop.Options{Resync: true}, b)
			assert.Equal(t, []int{0, 1, 2, 3, 4}, samples, "the samples after the bad record are read")
			require.Len(t, errs, 1)
			var se *atop.SkipError
			require.ErrorAs(t, errs[0], &se)
			assert.Equal(t, s.Offset, se.Offset)
			assert.Equal(t, s.End-s.Offset, se.Skipped)
			assert.Contains(t, se.Reason, c.field)

			// The same record with the file cut inside that part is a torn tail.
			cut := b[:p.Off+p.Len/2]
			samples, errs = readErrors(t, &atop.Options{Resync: true}, cut)
			assert.Equal(t, []int{0}, samples)
			require.Len(t, errs, 1)
			var te *atop.TornError
			assert.ErrorAs(t, errs[0], &te)
		})
	}
}

// TestManyTasks: a record that declares a million tasks, a gigabyte of
// zeros in a megabyte, fails that part alone, before anything is
// allocated for it.
func TestManyTasks(t *testing.T) {
	l := craftLog(t, "2.13.0")
	n := atop.DefaultMaxInflated/992 + 1
	b, err := l.ManyTasks(n)
	require.NoError(t, err)
	assert.Less(t, len(b), 1<<20)
	for _, opts := range []*atop.Options{nil, {Resync: true}} {
		r, err := opts.NewReader(bytes.NewReader(b))
		require.NoError(t, err)
		s, err := r.Next()
		require.NoError(t, err)
		assert.Equal(t, n, s.NTask)
		_, err = s.System()
		assert.NoError(t, err, "the system statistics are read")
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err = s.Tasks()
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "allocated for refused tasks")
		checkLimit(t, err, "tstat", s.Offset+96+int64(len(s.Compressed("sstat"))))
		assert.Contains(t, err.Error(), "33826 tasks would inflate to 32.0 MiB, more than the limit of 32.0 MiB per part")
		_, err = s.TaskBytes()
		checkLimit(t, err, "tstat", -1)
		_, err = r.Next()
		assert.Equal(t, io.EOF, err)
	}

	// Under the limit, the tasks read.
	b, err = l.ManyTasks(1000)
	require.NoError(t, err)
	for _, limit := range []int64{1000 * 992, 1000*992 - 1} {
		r, err := (&atop.Options{MaxInflated: limit}).NewReader(bytes.NewReader(b))
		require.NoError(t, err)
		s, err := r.Next()
		require.NoError(t, err)
		tasks, err := s.Tasks()
		if limit < 1000*992 {
			checkLimit(t, err, "tstat", -1)
			continue
		}
		require.NoError(t, err)
		assert.Len(t, tasks, 1000)
	}
}

func checkLimit(t *testing.T, err error, part string, off int64) {
	t.Helper()
	var se *atop.SampleError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, part, se.Part)
	if off >= 0 {
		assert.Equal(t, off, se.Offset)
	}
	var le *atop.LimitError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, part, le.Part)
}

// TestBigCgroups: cgroups that would inflate to 100 MB fail alone.
func TestBigCgroups(t *testing.T) {
	l := craftLog(t, "2.13.0")
	b, err := l.BigCgroups(100 << 20)
	require.NoError(t, err)
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	s, err := r.Next()
	require.NoError(t, err)
	_, err = s.Cgroups()
	checkLimit(t, err, "cstat", -1)
	assert.Contains(t, err.Error(), "would inflate to 100.0 MiB, more than the limit of 32.0 MiB per part")
	_, ok := s.CgroupOf(1)
	assert.False(t, ok)
	tasks, err := s.Tasks()
	require.NoError(t, err)
	assert.NotEmpty(t, tasks)
}

// TestVerifyTasks: VerifyTasks finds what Tasks finds, without the memory.
func TestVerifyTasks(t *testing.T) {
	l := craftLog(t, "2.13.0")
	for victim := range l.Samples {
		b, err := l.Flip(victim, atoptest.TStat)
		require.NoError(t, err)
		r, err := atop.NewReader(bytes.NewReader(b))
		require.NoError(t, err)
		for s, err := range r.Samples() {
			require.NoError(t, err)
			verr := s.VerifyTasks()
			_, terr := s.Tasks()
			if s.Index != victim {
				assert.NoError(t, verr)
				assert.NoError(t, terr)
				continue
			}
			var se *atop.SampleError
			require.ErrorAs(t, verr, &se)
			assert.Equal(t, terr.Error(), verr.Error())
		}
	}

	b, err := l.ManyTasks(20000)
	require.NoError(t, err)
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	s, err := r.Next()
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	require.NoError(t, s.VerifyTasks())
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "20 MB of tasks verified")
	checkLimit(t, firstSample(t, &atop.Options{MaxInflated: 1 << 20}, b).VerifyTasks(), "tstat", -1)
}

func firstSample(t *testing.T, opts *atop.Options, b []byte) *atop.Sample {
	t.Helper()
	r, err := opts.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	s, err := r.Next()
	require.NoError(t, err)
	return s
}
