package export_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
	"github.com/stretchr/testify/require"
)

func TestParseTime(t *testing.T) {
	loc := time.FixedZone("X", 3600)
	first := time.Date(2026, 11, 25, 21, 13, 8, 0, time.UTC) // 22:13:08 in loc
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2213", time.Date(2026, 11, 25, 22, 13, 0, 0, loc)},
		{"221309", time.Date(2026, 11, 25, 22, 13, 9, 0, loc)},
		{"22:13", time.Date(2026, 11, 25, 22, 13, 0, 0, loc)},
		{"22:13:09", time.Date(2026, 11, 25, 22, 13, 9, 0, loc)},
		{"0030", time.Date(2026, 11, 25, 0, 30, 0, 0, loc)},
		{"202611242213", time.Date(2026, 11, 24, 22, 13, 0, 0, loc)},
		{"20261124221310", time.Date(2026, 11, 24, 22, 13, 10, 0, loc)},
		{"2026-11-25T21:13:09Z", time.Date(2026, 11, 25, 21, 13, 9, 0, time.UTC)},
		{"2026-11-25T21:13:09.5Z", time.Date(2026, 11, 25, 21, 13, 9, 5e8, time.UTC)},
		{"2026-11-25T22:13:09+01:00", time.Date(2026, 11, 25, 21, 13, 9, 0, time.UTC)},
		{"2026-11-25T21:13Z", time.Date(2026, 11, 25, 21, 13, 0, 0, time.UTC)},
		{"2026-11-25T22:13:09", time.Date(2026, 11, 25, 22, 13, 9, 0, loc)},
		{"2026-11-25 22:13:09", time.Date(2026, 11, 25, 22, 13, 9, 0, loc)},
		{"2026-11-25T22:13", time.Date(2026, 11, 25, 22, 13, 0, 0, loc)},
		{"2026-11-25", time.Date(2026, 11, 25, 0, 0, 0, 0, loc)},
		{"@1795641189", time.Unix(1795641189, 0)},
	} {
		b, err := export.ParseTime(c.in, loc)
		require.NoError(t, err, c.in)
		w := export.Window{Begin: b}
		require.False(t, w.IsZero())
		got := resolve(t, b, first, c.want)
		require.True(t, c.want.Equal(got), "%s: got %v, want %v", c.in, got, c.want)
	}
	for _, bad := range []string{"", "2461", "1260", "21", "2026112", "20261325", "yesterday", "2026-11-25T25:00Z", "@x", "20261125"} {
		_, err := export.ParseTime(bad, loc)
		require.Error(t, err, bad)
	}
}

// resolve returns the first sample time that bound b lets through, of a
// log whose first sample is at first (and is not counted) and whose
// other samples are at want-1ns and want: want if b resolves to want.
func resolve(t *testing.T, b export.Time, first, want time.Time) time.Time {
	t.Helper()
	src := &timesSource{times: []time.Time{first, want.Add(-1), want}}
	var got time.Time
	err := export.Each(src, export.Options{Window: export.Window{Begin: b}}, func(s *atop.Sample) error {
		if got.IsZero() && s.Index > 0 {
			got = s.Time
		}
		return nil
	})
	require.NoError(t, err)
	return got
}

// timesSource yields samples at the times given (only their times and
// indexes are set).
type timesSource struct {
	times []time.Time
	n     int
}

func (s *timesSource) Next() (*atop.Sample, error) {
	if s.n == len(s.times) {
		return nil, io.EOF
	}
	s.n++
	return &atop.Sample{Index: s.n - 1, Time: s.times[s.n-1]}, nil
}

func TestWindow(t *testing.T) {
	name := fixture("2.13.0")
	first := firstTime(t, name)
	times := func(w export.Window) []int64 {
		var out []int64
		require.NoError(t, export.Each(open(t, name), export.Options{Window: w}, func(s *atop.Sample) error {
			out = append(out, s.Time.Unix()-first.Unix())
			return nil
		}))
		return out
	}
	require.Equal(t, []int64{0, 1, 2, 3, 4, 5}, times(export.Window{}))
	require.Equal(t, []int64{2, 3, 4}, times(export.Window{Begin: export.At(first.Add(2 * time.Second)), End: export.At(first.Add(4 * time.Second))}))
	require.Empty(t, times(export.Window{Begin: export.At(first.Add(time.Hour))}))

	// A bare time of day is on the day of the first sample.
	clock, err := export.ParseTime(first.In(time.Local).Add(3*time.Second).Format("150405"), time.Local)
	require.NoError(t, err)
	require.Equal(t, []int64{3, 4, 5}, times(export.Window{Begin: clock}))
	require.Equal(t, []int64{0, 1, 2, 3}, times(export.Window{End: clock}))
}

// truncated writes a copy of the log without its last cut bytes.
func truncated(t *testing.T, name string, cut int) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	out := t.TempDir() + "/torn.raw"
	require.NoError(t, os.WriteFile(out, b[:len(b)-cut], 0o644))
	return out
}

func TestTornTail(t *testing.T) {
	torn := truncated(t, fixture("2.13.0"), 100)
	var warns []error
	o := export.Options{Warn: func(err error) { warns = append(warns, err) }}
	var buf bytes.Buffer
	require.NoError(t, export.WriteJSON(&buf, open(t, torn), export.JSONOptions{Options: o}))
	require.Equal(t, 5, strings.Count(buf.String(), "\n"))
	require.Len(t, warns, 1)
	var te *atop.TornError
	require.ErrorAs(t, warns[0], &te)
	require.True(t, export.IsWarning(warns[0]))
	require.EqualValues(t, 100, te.Missing())

	in, err := export.ReadInfo(open(t, torn), "torn.raw", export.Options{}, false)
	require.NoError(t, err)
	require.Equal(t, 5, in.Samples)
	require.NotNil(t, in.Torn)
	require.Equal(t, 5, in.Torn.Sample)
	require.EqualValues(t, 100, in.Torn.Missing)
	var txt bytes.Buffer
	require.NoError(t, in.WriteText(&txt))
	require.Regexp(t, `(?m)^torn +yes: sample 5 \(sample data\) at offset 0x[0-9a-f]+: \d+ bytes present, 100 missing$`, txt.String())

	// In a multi-file source the next file is read.
	warns = nil
	buf.Reset()
	require.NoError(t, export.WriteJSON(&buf, atop.OpenFiles(torn, fixture("2.13.0")), export.JSONOptions{Options: o}))
	require.Equal(t, 11, strings.Count(buf.String(), "\n"))
	require.Len(t, warns, 1)
	var fe *atop.FileError
	require.ErrorAs(t, warns[0], &fe)
	require.True(t, export.IsWarning(warns[0]))
}

// corrupted writes a copy of the log with a byte of sample 2's tstat
// stream flipped.
func corrupted(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	r := open(t, name)
	var off int64
	for {
		s, err := r.Next()
		require.NoError(t, err)
		if s.Index == 2 {
			off = s.Offset + int64(r.Header().RawRecLen) + int64(len(s.Compressed("sstat"))) + int64(len(s.Compressed("tstat"))/2)
			break
		}
	}
	b[off] ^= 0xff
	out := t.TempDir() + "/corrupt.raw"
	require.NoError(t, os.WriteFile(out, b, 0o644))
	return out
}

func TestCorruptSample(t *testing.T) {
	bad := corrupted(t, fixture("2.13.0"))
	var warns []error
	o := export.Options{Warn: func(err error) { warns = append(warns, err) }}
	var buf bytes.Buffer
	require.NoError(t, export.WriteJSON(&buf, open(t, bad), export.JSONOptions{Options: o, Tasks: true}))
	require.Len(t, warns, 1)
	var se *atop.SampleError
	require.ErrorAs(t, warns[0], &se)
	require.Equal(t, 2, se.Sample)
	require.True(t, export.IsWarning(warns[0]))
	require.NotContains(t, buf.String(), `"time":"`+firstTime(t, bad).Add(2*time.Second).UTC().Format(time.RFC3339)+`"`)
	require.Contains(t, buf.String(), `"time":"`+firstTime(t, bad).Add(3*time.Second).UTC().Format(time.RFC3339)+`"`)

	in, err := export.ReadInfo(open(t, bad), "corrupt.raw", export.Options{}, false)
	require.NoError(t, err)
	require.Equal(t, 6, in.Samples)
	require.Len(t, in.Corrupt, 1)
	require.Equal(t, "tstat", in.Corrupt[0].Part)
	in, err = export.ReadInfo(open(t, bad), "corrupt.raw", export.Options{}, true)
	require.NoError(t, err)
	require.Empty(t, in.Corrupt, "quick does not inflate")
}

// failWriter fails every write after n bytes.
type failWriter struct {
	n, writes int
}

var errWrite = errors.New("broken pipe")

func (w *failWriter) Write(p []byte) (int, error) {
	w.writes++
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errWrite
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteErrorStops(t *testing.T) {
	name := fixture("2.13.0")
	for _, c := range []struct {
		name  string
		write func(io.Writer) error
	}{
		{"json", func(w io.Writer) error {
			return export.WriteJSON(w, open(t, name), export.JSONOptions{Tasks: true, System: true})
		}},
		{"csv", func(w io.Writer) error {
			return export.WriteCSV(w, open(t, name), export.CSVOptions{Tasks: true})
		}},
		{"timeline", func(w io.Writer) error {
			tl, err := export.CollectTimeline(open(t, name), export.Options{})
			require.NoError(t, err)
			return tl.WriteJSON(w)
		}},
		{"timeline-csv", func(w io.Writer) error {
			tl, err := export.CollectTimeline(open(t, name), export.Options{})
			require.NoError(t, err)
			return tl.WriteCSV(w)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := &failWriter{n: 1000}
			err := c.write(w)
			require.ErrorIs(t, err, errWrite)
			require.LessOrEqual(t, w.writes, 2, "went on writing after the error")
		})
	}
}

// TestCSVAcrossVersions: the header comes from the first file; a file of
// another version fills the columns it has.
func TestCSVAcrossVersions(t *testing.T) {
	var warns []error
	o := export.Options{Warn: func(err error) { warns = append(warns, err) }}
	var buf bytes.Buffer
	require.NoError(t, export.WriteCSV(&buf, atop.OpenFiles(fixture("2.3.0"), fixture("2.13.0")), export.CSVOptions{Options: o, Tasks: true}))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err, "every row has the header's columns")
	hdr := recs[0]
	require.Contains(t, hdr, "cgroup", "task rows always end with the cgroup and the exit status")
	require.Len(t, warns, 1)
	require.Contains(t, warns[0].Error(), "cpu.wchan")
	col := func(name string) int {
		for i, h := range hdr {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	pid, ver := col("gen.pid"), col("gen.container")
	last := recs[len(recs)-1]
	require.NotEmpty(t, last[pid])
	require.Empty(t, last[ver], "2.13 has no gen.container")
}

func TestCSVErrors(t *testing.T) {
	err := export.WriteCSV(io.Discard, open(t, fixture("2.13.0")), export.CSVOptions{})
	require.Error(t, err)
	err = export.WriteCSV(io.Discard, open(t, fixture("2.13.0")), export.CSVOptions{Tasks: true, System: "cpu"})
	require.Error(t, err)
	err = export.WriteCSV(io.Discard, open(t, fixture("2.13.0")), export.CSVOptions{System: "nosuch"})
	require.ErrorContains(t, err, "struct sstat has no group nosuch")
	err = export.WriteCSV(io.Discard, open(t, fixture("2.3.0")), export.CSVOptions{System: "psi"})
	require.ErrorContains(t, err, "atop 2.3: struct sstat has no group psi")
	err = export.WriteCSV(io.Discard, open(t, fixture("2.13.0")), export.CSVOptions{System: "cpu.nrcpu"})
	require.ErrorContains(t, err, "no group")
}

// TestSystemCuts checks the arrays of sstat against the counts.
func TestSystemCuts(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, export.WriteCSV(&buf, open(t, fixture("2.13.0")), export.CSVOptions{System: "percpu"}))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 1+6*2, "2 CPUs per sample")
	buf.Reset()
	require.NoError(t, export.WriteCSV(&buf, open(t, fixture("2.13.0")), export.CSVOptions{System: "dsk"}))
	recs, err = csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 1+6, "1 disk")
	require.Equal(t, "index", recs[0][9])
	require.Equal(t, "name", recs[0][10])
	require.Equal(t, "vda", recs[1][10])
}

// TestCSVUnion: with the headers of every file, the columns are the union
// of the versions', every row has them all, and nothing is warned about.
func TestCSVUnion(t *testing.T) {
	names := []string{fixture("2.3.0"), fixture("2.13.0")}
	hs := headersOf(t, names)
	var warns []error
	o := export.Options{Warn: func(err error) { warns = append(warns, err) }}
	var buf bytes.Buffer
	require.NoError(t, export.WriteCSV(&buf, atop.OpenFiles(names...), export.CSVOptions{Options: o, Tasks: true, Headers: hs}))
	require.Empty(t, warns)
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err, "every row has the header's columns")
	hdr := recs[0]
	at := map[string]int{}
	for i, h := range hdr {
		at[h] = i
	}
	require.Contains(t, at, "gen.container", "2.3's")
	require.Contains(t, at, "cpu.wchan", "2.13's")
	require.Equal(t, "core_dumped", hdr[len(hdr)-1], "the added columns stay last")
	first, last := recs[1], recs[len(recs)-1]
	require.Equal(t, "2.3", first[at["version"]])
	require.Empty(t, first[at["gen.cgroupix"]], "2.3 has no gen.cgroupix")
	require.Equal(t, "2.13", last[at["version"]])
	require.Empty(t, last[at["gen.container"]], "2.13 has no gen.container")
	require.NotEmpty(t, last[at["gen.cgroupix"]])

	cols, err := export.Columns(hs, export.CSVOptions{Tasks: true})
	require.NoError(t, err)
	require.Len(t, cols, len(hdr))
	for i, c := range cols {
		require.Equal(t, hdr[i], c.Name)
	}
}

// TestCaseTwins: no two names of an export are equal ignoring case, in any
// version, and the twins of cpustat are renamed the same in every one.
func TestCaseTwins(t *testing.T) {
	for _, name := range allFixtures(t) {
		r, err := atop.Open(name)
		require.NoError(t, err)
		v := name
		h := r.Header()
		r.Close()
		for _, o := range []export.CSVOptions{{Tasks: true}, {System: "cpu"}, {System: "percpu"}, {System: "net"}, {Cgroups: true}} {
			cols, err := export.Columns([]*atop.Header{h}, o)
			if o.Cgroups && err != nil {
				continue // before 2.11
			}
			require.NoError(t, err)
			seen := map[string]string{}
			for _, c := range cols {
				low := strings.ToLower(c.Name)
				require.NotContains(t, seen, low, "%s %+v: %s and %s", v, o, seen[low], c.Name)
				seen[low] = c.Name
				if c.Path == "all.Itime" || c.Path == "Itime" {
					require.Equal(t, c.Path+export.TwinSuffix, c.Name)
				}
			}
			if o.System == "cpu" {
				require.Contains(t, seen, "all.itime_uc", v)
				require.Contains(t, seen, "all.stime_uc", v)
			}
		}
	}
}

func TestReserved(t *testing.T) {
	var with, without bytes.Buffer
	require.NoError(t, export.WriteJSON(&without, open(t, fixture("2.13.0")), export.JSONOptions{Tasks: true}))
	require.NoError(t, export.WriteJSON(&with, open(t, fixture("2.13.0")), export.JSONOptions{Tasks: true, Options: export.Options{Reserved: true}}))
	require.NotContains(t, without.String(), "future")
	require.Contains(t, with.String(), `"ifuture":[`)
}

// TestColumnsTypeAcrossVersions: cpustat.cpunr is an int before 2.13 and
// unsigned in 2.13: one BIGINT column, and a warning that says so.
func TestColumnsTypeAcrossVersions(t *testing.T) {
	var hs []*atop.Header
	for _, v := range []string{"2.3.0", "2.13.0"} {
		r, err := atop.Open(fixture(v))
		require.NoError(t, err)
		hs = append(hs, r.Header())
		r.Close()
	}
	var warns []error
	o := export.CSVOptions{System: "cpu", Options: export.Options{Warn: func(err error) { warns = append(warns, err) }}}
	cols, err := export.Columns(hs, o)
	require.NoError(t, err)
	for _, c := range cols {
		if c.Name == "all.cpunr" {
			require.Equal(t, export.TypeBigint, c.Type)
		}
	}
	require.Len(t, warns, 1)
	require.True(t, export.IsWarning(warns[0]))
	require.Contains(t, warns[0].Error(), "all.cpunr is UBIGINT in atop 2.13 and BIGINT")
}
