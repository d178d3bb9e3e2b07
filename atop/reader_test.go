package atop_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/cstructgo/cstruct/atop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fixtureName(version string) string {
	return filepath.Join(testdata, "fixtures", "atop-"+version+"-small.raw")
}

func fixture(t testing.TB, version string) []byte {
	t.Helper()
	b, err := os.ReadFile(fixtureName(version))
	require.NoError(t, err)
	return b
}

// rawFixtures are the uncompressed logs under testdata/atop/fixtures.
func rawFixtures(t testing.TB) map[string][]byte {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(testdata, "fixtures", "*.raw"))
	require.NoError(t, err)
	require.NotEmpty(t, names)
	out := make(map[string][]byte)
	for _, n := range names {
		b, err := os.ReadFile(n)
		require.NoError(t, err)
		out[filepath.Base(n)] = b
	}
	return out
}

// bounds returns where each sample of a good log starts, and its end.
func bounds(t testing.TB, b []byte) []int64 {
	t.Helper()
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	var out []int64
	for s, err := range r.Samples() {
		require.NoError(t, err)
		out = append(out, s.Offset)
	}
	out = append(out, r.Offset())
	require.Equal(t, int64(len(b)), r.Offset())
	return out
}

// summary renders what a sample holds (tasks, some system figures,
// cgroups), to compare samples read in different ways.
func summary(t testing.TB, s *atop.Sample, withSystem bool) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %d %v %v %d\n", s.Index, s.Time.Unix(), s.Interval, s.Flags, s.NTask)
	tasks, err := s.Tasks()
	require.NoError(t, err)
	for _, tk := range tasks {
		fmt.Fprintf(&b, "%d %d %d %q %q %c %d %d %d %v %v %d %d %d %d %d %d %d %s %d\n",
			tk.PID(), tk.PPID(), tk.TGID(), tk.Name(), tk.Cmdline(), tk.State(), tk.RUID(), tk.EUID(),
			tk.ExitCode(), tk.IsProcess(), tk.IsNew(), tk.StartTime().Unix(), tk.ElapsedTicks(),
			tk.UTime(), tk.STime(), tk.VMem(), tk.RMem(), tk.PMem(), tk.Wchan(), tk.RunDelay())
	}
	if withSystem {
		sys, err := s.System()
		require.NoError(t, err)
		for _, p := range []string{"cpu.nrcpu", "cpu.all.utime", "cpu.all.stime", "cpu.cpu[1].itime", "mem.physmem", "mem.freemem"} {
			v, err := sys.Lookup(p)
			require.NoError(t, err)
			fmt.Fprintf(&b, "%s=%d ", p, v.Int())
		}
		lavg, err := sys.Lookup("cpu.lavg1")
		require.NoError(t, err)
		fmt.Fprintf(&b, "lavg1=%.2f\n", lavg.Float())
	}
	cgs, err := s.Cgroups()
	require.NoError(t, err)
	for _, c := range cgs {
		u, err := c.Value.Lookup("cpu.utime")
		require.NoError(t, err)
		fmt.Fprintf(&b, "cg %s %d %d %v\n", c.Path, c.NProcs, u.Int(), c.PIDs)
	}
	return b.String()
}

// summaries reads a whole log that must be good.
func summaries(t testing.TB, r *atop.Reader, withSystem bool) []string {
	t.Helper()
	var out []string
	for s, err := range r.Samples() {
		require.NoError(t, err)
		out = append(out, summary(t, s, withSystem))
	}
	return out
}

func TestHeader(t *testing.T) {
	r, err := atop.Open(fixtureName("2.13.0"))
	require.NoError(t, err)
	defer r.Close()
	h := r.Header()
	assert.Equal(t, atop.Version{Major: 2, Minor: 13}, h.Version)
	assert.Equal(t, uint16(0x820d), h.AVersion)
	assert.Equal(t, binary.LittleEndian, h.Order)
	assert.Equal(t, 100, h.Hertz)
	assert.Equal(t, 4096, h.PageSize)
	assert.Equal(t, 7, h.PIDWidth)
	assert.Equal(t, "vm", h.Nodename)
	assert.Equal(t, "Linux", h.Sysname)
	assert.Equal(t, "x86_64", h.Machine)
	assert.Equal(t, []int{480, 96, 1408336, 992, 432}, []int{h.RawHeadLen, h.RawRecLen, h.SStatLen, h.TStatLen, h.CStatLen})
	assert.True(t, h.Support.Has(atop.SupportCgroupV2))
	assert.Equal(t, "ACCTACTIVE|IOSTAT|NETATOP|NETATOPD|CGROUPV2", h.Support.String())
	assert.Equal(t, "embedded atop/2.13/atop.h", h.Defs)
	st, err := h.Spec().Struct("tstat")
	require.NoError(t, err)
	assert.Equal(t, int64(992), st.Size())

	s, err := r.Next()
	require.NoError(t, err)
	assert.Equal(t, "BOOT|ACCTACTIVE|IOSTAT|CGROUPV2", s.Flags.String())
	assert.Equal(t, int64(480), s.Offset)
	assert.Equal(t, 18, s.NTask)
	assert.Equal(t, s.NTask, int(must(s.Record.Lookup("ntask")).Int()))
	assert.Equal(t, 14, s.NCgroup)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestVersions(t *testing.T) {
	var names []string
	for _, v := range atop.Versions() {
		names = append(names, v.String())
	}
	assert.Equal(t, []string{"2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13"}, names)
	assert.Equal(t, uint16(0x820a), atop.Version{Major: 2, Minor: 10}.AVersion())
}

// patch returns a copy of b with a little-endian value written at off.
func patch(b []byte, off int, v any) []byte {
	c := bytes.Clone(b)
	switch v := v.(type) {
	case uint16:
		binary.LittleEndian.PutUint16(c[off:], v)
	case uint32:
		binary.LittleEndian.PutUint32(c[off:], v)
	case int64:
		binary.LittleEndian.PutUint64(c[off:], uint64(v))
	}
	return c
}

func TestHeaderErrors(t *testing.T) {
	b := fixture(t, "2.10.0")
	open := func(b []byte) error {
		_, err := atop.NewReader(bytes.NewReader(b))
		return err
	}

	err := open(patch(b, 0, uint32(0x464c457f)))
	assert.ErrorIs(t, err, atop.ErrBadMagic)
	assert.EqualError(t, err, "atop: not an atop raw log (bad magic 0x464c457f, want 0xfeedbeef)")
	assert.ErrorIs(t, open([]byte("hello, world\n")), atop.ErrBadMagic)

	err = open(patch(b, 4, uint16(0x8263)))
	var ve *atop.VersionError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, uint16(0x8263), ve.AVersion)
	assert.EqualError(t, err, "atop: unknown raw log version 2.99 (aversion 0x8263); known versions: 2.3, 2.4, 2.5, 2.6, 2.7, 2.8, 2.9, 2.10, 2.11, 2.12, 2.13 (for another version, pass definitions with --defs DIR)")
	err = open(patch(b, 4, uint16(0x020a)))
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "no version number (aversion 0x020a)")

	err = open(patch(b, 28, uint32(1030216+8)))
	var se *atop.SizeError
	require.ErrorAs(t, err, &se)
	sstatLimits := []string{"MAXCPU", "MAXDSK", "MAXLVM", "MAXMDD", "MAXINTF", "MAXCONTAINER", "MAXNFSMOUNT", "MAXDKNAM",
		"MAXIBPORT", "MAXGPU", "MAXGPUBUS", "MAXGPUTYPE", "MAXIBNAME", "MAXNUMA", "MAXLLC"}
	assert.Equal(t, []atop.SizeMismatch{{Field: "sstatlen", File: 1030224, Defs: 1030216, Limits: sstatLimits}}, se.Mismatches)
	assert.False(t, se.Arch32)
	assert.True(t, se.NoLimits, "8 more bytes of sstat: no limit gives them")
	assert.EqualError(t, err, "atop: raw log 2.10 does not match the definitions embedded atop/2.10/atop.h: sstatlen is 1030224 in the file, 1030216 in the definitions; no values of up to 3 of the limits give these sizes; if that atop was built with other limits, give them with -D NAME=N (sstat is sized by "+strings.Join(sstatLimits, ", ")+"), or copy the definitions (cstruct atop defs --export DIR), edit them and pass the directory with --defs DIR")

	// An i386 atop 2.10: record 88 bytes, sstat 1014796, tstat 976.
	i386 := patch(patch(patch(b, 12, uint16(88)), 28, uint32(1014796)), 32, uint32(976))
	err = open(i386)
	require.ErrorAs(t, err, &se)
	assert.True(t, se.Arch32)
	assert.ErrorIs(t, err, atop.ErrArch32)
	assert.Len(t, se.Mismatches, 3)
	assert.True(t, strings.HasPrefix(err.Error(), "atop: raw log 2.10 was written by a 32-bit (i386) atop: rawreclen is 88 in the file, 96 in the definitions;"), err.Error())

	for _, n := range []int{0, 1, 3, 4, 7, 8, 100, 479} {
		err := open(b[:n])
		var te *atop.TornError
		require.ErrorAs(t, err, &te, "cut at %d", n)
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
		assert.Equal(t, "header", te.Part)
		assert.Equal(t, int64(n), te.Have)
		assert.Equal(t, int64(480), te.Want)
	}
}

// TestTruncated cuts logs at every byte: every complete sample is read,
// then a torn-tail error, or no error when the cut falls between samples.
func TestTruncated(t *testing.T) {
	versions := []string{"2.3.0", "2.13.0"}
	if testing.Short() {
		versions = versions[1:]
	}
	for _, version := range versions {
		b := fixture(t, version)
		bd := bounds(t, b)
		for n := 0; n <= len(b); n++ {
			checkTruncated(t, nil, b[:n], bd)
			if n%7 == 0 {
				// resynchronising must not mistake a torn tail for garbage
				checkTruncated(t, &atop.Options{Resync: true}, b[:n], bd)
			}
		}
	}
}

func checkTruncated(t *testing.T, opts *atop.Options, b []byte, bd []int64) {
	n := int64(len(b))
	r, err := opts.NewReader(bytes.NewReader(b))
	if n < bd[0] {
		require.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", n)
		return
	}
	require.NoError(t, err, "cut at %d", n)
	complete := 0
	for complete+1 < len(bd) && bd[complete+1] <= n {
		complete++
	}
	got := 0
	var last error
	for {
		s, err := r.Next()
		if err != nil {
			last = err
			break
		}
		require.Equal(t, got, s.Index)
		if got == complete-1 { // the sample before the cut is whole
			_, err = s.Tasks()
			require.NoError(t, err, "cut at %d: sample %d", n, got)
		}
		got++
	}
	require.Equal(t, complete, got, "cut at %d: samples", n)
	if n == bd[complete] {
		require.Equal(t, io.EOF, last, "cut at %d", n)
		return
	}
	var te *atop.TornError
	require.ErrorAs(t, last, &te, "cut at %d", n)
	require.ErrorIs(t, last, io.ErrUnexpectedEOF)
	require.Equal(t, complete, te.Sample)
	have := n - bd[complete]
	if have < 96 {
		require.Equal(t, "record", te.Part)
		require.Equal(t, bd[complete], te.Offset)
		require.Equal(t, []int64{96, have}, []int64{te.Want, te.Have})
	} else {
		require.Equal(t, "sample data", te.Part, "cut at %d", n)
		require.Equal(t, bd[complete]+96, te.Offset)
		require.Equal(t, []int64{bd[complete+1] - bd[complete] - 96, have - 96}, []int64{te.Want, te.Have})
	}
	require.Equal(t, te.Want-te.Have, te.Missing())
	// the error is sticky
	_, err = r.Next()
	require.Equal(t, last, err)
}

// TestFlippedByte flips each byte of one sample's compressed tasks, and
// bytes of its system statistics: that sample fails alone.
func TestFlippedByte(t *testing.T) {
	for name, b := range rawFixtures(t) {
		t.Run(name, func(t *testing.T) {
			bd := bounds(t, b)
			victim := 2
			r, err := atop.NewReader(bytes.NewReader(b))
			require.NoError(t, err)
			var tstat, sstat []byte
			for s, err := range r.Samples() {
				require.NoError(t, err)
				if s.Index == victim {
					tstat, sstat = s.Compressed("tstat"), s.Compressed("sstat")
				}
			}
			tOff := bytes.Index(b[bd[victim]:], tstat) + int(bd[victim])
			sOff := bytes.Index(b[bd[victim]:], sstat) + int(bd[victim])
			step := 1
			if testing.Short() || name != "atop-2.13.0-small.raw" {
				step = 37 // every byte of one fixture, a sample of the others
			}
			for i := 0; i < len(tstat); i += step {
				checkFlipped(t, b, tOff+i, victim, "tstat", tOff)
			}
			for i := 0; i < len(sstat); i += 41 {
				checkFlipped(t, b, sOff+i, victim, "sstat", sOff)
			}
		})
	}
}

func checkFlipped(t *testing.T, b []byte, off, victim int, part string, partOff int) {
	c := bytes.Clone(b)
	c[off] ^= 0xff
	r, err := atop.NewReader(bytes.NewReader(c))
	require.NoError(t, err)
	n := 0
	for s, err := range r.Samples() {
		require.NoError(t, err, "flipped %#x", off)
		_, terr := s.Tasks()
		var serr error
		if s.Index == victim || s.Index == victim+1 { // inflating sstat costs
			_, serr = s.System()
		}
		for p, err := range map[string]error{"tstat": terr, "sstat": serr} {
			if s.Index != victim || p != part {
				require.NoError(t, err, "flipped %#x: sample %d", off, s.Index)
				continue
			}
			var se *atop.SampleError
			require.ErrorAs(t, err, &se, "flipped %#x", off)
			require.Equal(t, victim, se.Sample)
			require.Equal(t, part, se.Part)
			require.Equal(t, int64(partOff), se.Offset)
		}
		n++
	}
	require.Equal(t, 6, n)
}

// TestTasksOnly: reading tasks never inflates the system statistics, so a
// log whose sstat parts are all corrupt still gives its tasks.
func TestTasksOnly(t *testing.T) {
	b := fixture(t, "2.8.1")
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	var offs []int
	for s, err := range r.Samples() {
		require.NoError(t, err)
		offs = append(offs, int(s.Offset)+96+10)
	}
	for _, o := range offs {
		b[o] ^= 0x55
	}
	r, err = atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	n := 0
	for s, err := range r.Samples() {
		require.NoError(t, err)
		tasks, err := s.Tasks()
		require.NoError(t, err)
		assert.Len(t, tasks, s.NTask)
		_, err = s.System()
		var se *atop.SampleError
		assert.ErrorAs(t, err, &se)
		assert.Equal(t, "sstat", se.Part)
		n++
	}
	assert.Equal(t, 6, n)
}

// TestStreams reads through readers that return one byte, or half of what
// is asked, at a time, and through gzip: the same samples come out.
func TestStreams(t *testing.T) {
	for name, b := range rawFixtures(t) {
		t.Run(name, func(t *testing.T) {
			r, err := atop.NewReader(bytes.NewReader(b))
			require.NoError(t, err)
			want := summaries(t, r, false)
			require.Len(t, want, 6)

			for _, src := range []io.Reader{iotest.OneByteReader(bytes.NewReader(b)), iotest.HalfReader(bytes.NewReader(b)), gzipped(t, b)} {
				r, err := atop.NewReader(src)
				require.NoError(t, err)
				assert.Equal(t, want, summaries(t, r, false))
			}

			// a pipe
			pr, pw := io.Pipe()
			go func() {
				_, err := io.Copy(pw, iotest.HalfReader(bytes.NewReader(b)))
				pw.CloseWithError(err)
			}()
			r, err = atop.NewReader(pr)
			require.NoError(t, err)
			assert.Equal(t, want, summaries(t, r, false))
		})
	}
}

func TestStale(t *testing.T) {
	r, err := atop.Open(fixtureName("2.11.1"))
	require.NoError(t, err)
	defer r.Close()
	s0, err := r.Next()
	require.NoError(t, err)
	want := summary(t, s0, true)
	c0 := s0.Clone()
	s1, err := r.Next()
	require.NoError(t, err)
	_, err = s0.Tasks()
	assert.ErrorIs(t, err, atop.ErrStale)
	_, err = s0.System()
	assert.ErrorIs(t, err, atop.ErrStale)
	_, err = s0.Cgroups()
	assert.ErrorIs(t, err, atop.ErrStale)
	_, err = s0.Clone().Tasks()
	assert.ErrorIs(t, err, atop.ErrStale)
	assert.Equal(t, want, summary(t, c0, true))
	assert.Equal(t, 1, s1.Index)
	assert.Equal(t, 0, c0.Index)
	assert.Equal(t, int64(480), c0.Record.Offset())
}

// TestBigEndian converts whole logs to the byte order of a big-endian
// atop (every scalar of every struct swapped, with the definitions'
// layouts) and reads them back: the same values come out.
func TestBigEndian(t *testing.T) {
	for _, version := range []string{"2.3.0", "2.9.0", "2.13.0"} {
		t.Run(version, func(t *testing.T) {
			b := fixture(t, version)
			r, err := atop.NewReader(bytes.NewReader(b))
			require.NoError(t, err)
			want := summaries(t, r, true)

			be := toBigEndian(t, b)
			r, err = atop.NewReader(bytes.NewReader(be))
			require.NoError(t, err)
			assert.Equal(t, binary.BigEndian, r.Header().Order)
			assert.Equal(t, "vm", r.Header().Nodename)
			assert.Equal(t, 100, r.Header().Hertz)
			assert.Equal(t, want, summaries(t, r, true))
		})
	}
}

// TestResync puts garbage between, into and after samples: with
// Options.Resync the good samples are all read, and each skip is reported.
func TestResync(t *testing.T) {
	b := fixture(t, "2.13.0")
	bd := bounds(t, b)
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	want := summaries(t, r, false)
	rnd := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 1000)
	for i := range garbage {
		garbage[i] = byte(rnd.Uint32())
	}
	splice := func(at int64, ins []byte, cut int64) []byte {
		out := append(bytes.Clone(b[:at]), ins...)
		return append(out, b[at+cut:]...)
	}
	type skip struct{ off, n int64 }
	cases := []struct {
		name   string
		data   []byte
		skips  []skip
		lost   []int // samples not read
		strict any   // error type without Resync
	}{
		{"garbage between samples", splice(bd[3], garbage, 0), []skip{{bd[3], 1000}}, nil, &atop.FormatError{}},
		{"garbage at the end", splice(bd[6], garbage, 0), []skip{{bd[6], 1000}}, nil, &atop.FormatError{}},
		{"zeros between samples", splice(bd[2], make([]byte, 5000), 0), []skip{{bd[2], 5000}}, nil, &atop.FormatError{}},
		{"sample 4 torn by a crash", splice(bd[4]+300, nil, bd[5]-bd[4]-300), []skip{{bd[4], 300}}, []int{4}, &atop.FormatError{}},
		{"scomplen of sample 1 off by 3", patch(b, int(bd[1])+16, uint32(uint32len(b, bd[1]+16)+3)), []skip{{bd[1], bd[2] - bd[1]}}, []int{1}, &atop.FormatError{}},
		{"time of sample 3 before sample 2", patch(b, int(bd[3]), int64(1000000000)), []skip{{bd[3], bd[4] - bd[3]}}, []int{3}, nil},
		{"interval 0 in sample 5", patch(b, int(bd[5])+24, uint32(0)), []skip{{bd[5], bd[6] - bd[5]}}, []int{5}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := (&atop.Options{Resync: true}).NewReader(bytes.NewReader(c.data))
			require.NoError(t, err)
			var got []string
			var skips []skip
			var wantSummaries []string
			for i, w := range want {
				if !slicesContains(c.lost, i) {
					wantSummaries = append(wantSummaries, w)
				}
			}
			for s, err := range r.Samples() {
				if err != nil {
					var se *atop.SkipError
					require.ErrorAs(t, err, &se)
					assert.True(t, atop.IsWarning(err))
					skips = append(skips, skip{se.Offset, se.Skipped})
					continue
				}
				sum := summary(t, s, false)
				// indexes count the samples read
				got = append(got, sum[strings.IndexByte(sum, ' '):])
			}
			for i := range wantSummaries {
				wantSummaries[i] = wantSummaries[i][strings.IndexByte(wantSummaries[i], ' '):]
			}
			assert.Equal(t, wantSummaries, got)
			assert.Equal(t, c.skips, skips)

			// without Resync
			r, err = atop.NewReader(bytes.NewReader(c.data))
			require.NoError(t, err)
			var last error
			for _, err := range r.Samples() {
				last = err
			}
			if c.strict == nil {
				assert.NoError(t, last)
				return
			}
			require.Error(t, last)
			assert.IsType(t, c.strict, last)
		})
	}
}

func uint32len(b []byte, off int64) int64 { return int64(binary.LittleEndian.Uint32(b[off:])) }

func slicesContains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

func TestFormatError(t *testing.T) {
	b := fixture(t, "2.6.0")
	bd := bounds(t, b)
	for _, c := range []struct {
		off int
		val uint32
		msg string
	}{
		{16, 5, "scomplen 5 cannot hold an sstat of 716656 bytes"},
		{16, 1 << 30, "scomplen 1073741824 cannot hold an sstat of 716656 bytes"},
		{28, 1 << 21, "ndeviat 2097152 is more than 1048576 tasks"},
		{28, 100000, "pcomplen"},
	} {
		r, err := atop.NewReader(bytes.NewReader(patch(b, int(bd[2])+c.off, c.val)))
		require.NoError(t, err)
		var last error
		n := 0
		for _, err := range r.Samples() {
			if err != nil {
				last = err
				break
			}
			n++
		}
		var fe *atop.FormatError
		require.ErrorAs(t, last, &fe)
		assert.Equal(t, 2, n)
		assert.Equal(t, 2, fe.Sample)
		assert.Equal(t, bd[2], fe.Offset)
		assert.Contains(t, last.Error(), c.msg)
		assert.True(t, strings.HasPrefix(last.Error(), fmt.Sprintf("atop: sample 2 at offset %#x: ", bd[2])), last.Error())
	}

	// a lower MaxTasks
	r, err := (&atop.Options{MaxTasks: 20}).NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	_, err = r.Next()
	require.NoError(t, err)
	_, err = r.Next()
	assert.EqualError(t, err, fmt.Sprintf("atop: sample 1 at offset %#x: ndeviat 29 is more than 20 tasks", bd[1]))
}

func TestMultiReader(t *testing.T) {
	dir := t.TempDir()
	torn := filepath.Join(dir, "torn.raw")
	b := fixture(t, "2.7.1")
	bd := bounds(t, b)
	require.NoError(t, os.WriteFile(torn, b[:bd[3]+50], 0o644))
	gz := filepath.Join(dir, "day.raw.gz")
	gzb, err := io.ReadAll(gzipped(t, fixture(t, "2.12.1")))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(gz, gzb, 0o644))
	names := []string{fixtureName("2.3.0"), torn, filepath.Join(dir, "missing.raw"), gz, fixtureName("2.13.0")}

	m := atop.OpenFiles(names...)
	defer m.Close()
	var versions []string
	var errs []string
	n := 0
	for s, err := range m.Samples() {
		if err != nil {
			var fe *atop.FileError
			require.ErrorAs(t, err, &fe)
			errs = append(errs, filepath.Base(fe.Name)+": "+fmt.Sprintf("%T", fe.Err))
			continue
		}
		if s.Index == 0 {
			versions = append(versions, s.Header.Version.String())
			assert.Equal(t, m.Header(), s.Header)
		}
		_, err = s.Tasks()
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 6+3+6+6, n)
	assert.Equal(t, []string{"2.3", "2.7", "2.12", "2.13"}, versions)
	assert.Equal(t, []string{"torn.raw: *atop.TornError", "missing.raw: *fmt.wrapError"}, errs)
	_, err = m.Next()
	assert.Equal(t, io.EOF, err)

	_, err = atop.OpenFiles(torn).Next()
	require.NoError(t, err)
	m = atop.OpenFiles(torn)
	var last error
	for _, err := range m.Samples() {
		last = err
	}
	assert.ErrorIs(t, last, io.ErrUnexpectedEOF)
	assert.True(t, strings.HasPrefix(last.Error(), "atop: "+torn+": sample 3: record at offset "), last.Error())
}

func TestCloseErrors(t *testing.T) {
	_, err := atop.Open(filepath.Join(t.TempDir(), "nothing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.True(t, strings.HasPrefix(err.Error(), "atop: open "), err.Error())

	// the first read gets the whole log, the second fails
	r, err := atop.NewReader(iotest.TimeoutReader(bytes.NewReader(fixture(t, "2.4.0"))))
	require.NoError(t, err)
	n := 0
	for _, err := range r.Samples() {
		if err != nil {
			assert.ErrorIs(t, err, iotest.ErrTimeout)
			assert.Equal(t, "atop: read at offset 0x3585: timeout", err.Error())
			var re *atop.ReadError
			assert.ErrorAs(t, err, &re)
			break
		}
		n++
	}
	assert.Equal(t, 6, n)

	bad := errors.New("disk on fire")
	b := fixture(t, "2.4.0")
	r, err = atop.NewReader(io.MultiReader(bytes.NewReader(b[:2000]), iotest.ErrReader(bad)))
	require.NoError(t, err)
	var last error
	for _, err := range r.Samples() {
		last = err
	}
	assert.ErrorIs(t, last, bad)
	assert.NoError(t, r.Close())
}

// TestDefines reads with predefined macros: the limits of an odd build.
func TestDefines(t *testing.T) {
	raw := fixture(t, "2.13.0")
	// the value the file was written with: reads as usual
	r, err := (&atop.Options{Defines: map[string]string{"MAXCPU": "4096"}}).NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	s, err := r.Next()
	require.NoError(t, err)
	_, err = s.System()
	require.NoError(t, err)
	// another limit changes the layout, and the header check says so
	_, err = (&atop.Options{Defines: map[string]string{"MAXCPU": "8192"}}).NewReader(bytes.NewReader(raw))
	var se *atop.SizeError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, err.Error(), "sstatlen is 1408336 in the file, 2096464 in the definitions")
	assert.Contains(t, err.Error(), "-D NAME=N (sstat is sized by MAXCPU, MAXDSK,")
	assert.False(t, se.NoLimits, "the caller's definitions win: no inference")
}
