package atop

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/klauspost/compress/zlib"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// relayout rewrites a little-endian log as an atop built with the limits
// ds would have written it: every field of every sstat and tstat moved to
// its place in the definitions with ds, arrays cut or padded with zeros,
// the parts compressed again, the header's sizes and the records'
// lengths set. The cgroup parts do not depend on these limits and are
// kept as they are.
func relayout(t *testing.T, raw []byte, ds ...Define) []byte {
	t.Helper()
	r, err := NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	old := r.l
	nl, err := parseLayout("", withDefines(nil, ds), old.version)
	require.NoError(t, err)
	out := bytes.Clone(raw[:old.headerSize])
	setField(t, out, r.hdr.Value, "sstatlen", nl.sstatSize)
	setField(t, out, r.hdr.Value, "tstatlen", nl.tstatSize)
	for s, err := range r.Samples() {
		require.NoError(t, err)
		rec := bytes.Clone(s.Record.Bytes())
		sys, err := s.System()
		require.NoError(t, err)
		nsys := make([]byte, nl.sstatSize)
		copyAs(old.sstat, nl.sstat, sys.Bytes(), nsys)
		tb, err := s.TaskBytes()
		require.NoError(t, err)
		ntb := make([]byte, int64(s.NTask)*nl.tstatSize)
		for i := range int64(s.NTask) {
			copyAs(old.tstat, nl.tstat, tb[i*old.tstatSize:], ntb[i*nl.tstatSize:])
		}
		zs, zt := zcompress(t, nsys), zcompress(t, ntb)
		setField(t, rec, s.Record, "scomplen", int64(len(zs)))
		setField(t, rec, s.Record, "pcomplen", int64(len(zt)))
		out = append(append(append(out, rec...), zs...), zt...)
		out = append(append(out, s.Compressed("cstat")...), s.Compressed("pidlist")...)
	}
	return out
}

// setField writes n into the field name of the struct v views, in b (a
// copy of v's bytes).
func setField(t *testing.T, b []byte, v cstruct.Value, name string, n int64) {
	t.Helper()
	f, err := v.Lookup(name)
	require.NoError(t, err)
	off := f.Offset() - v.Offset()
	switch f.Size() {
	case 4:
		binary.LittleEndian.PutUint32(b[off:], uint32(n))
	case 8:
		binary.LittleEndian.PutUint64(b[off:], uint64(n))
	default:
		t.Fatalf("%s: %d bytes", name, f.Size())
	}
}

// copyAs copies the value b of type from into n, of type to: the same
// declarations with other array lengths.
func copyAs(from, to cstruct.Type, b, n []byte) {
	switch f := cstruct.Underlying(from).(type) {
	case *cstruct.Struct:
		tt := cstruct.Underlying(to).(*cstruct.Struct)
		if f.Union {
			copy(n[:min(f.Size(), tt.Size())], b)
			return
		}
		for i, ff := range f.Fields {
			copyAs(ff.Type, tt.Fields[i].Type, b[ff.Offset:], n[tt.Fields[i].Offset:])
		}
	case *cstruct.Array:
		ta := cstruct.Underlying(to).(*cstruct.Array)
		fe, te := f.Elem.Size(), ta.Elem.Size()
		for i := range min(f.Len, ta.Len) {
			copyAs(f.Elem, ta.Elem, b[i*fe:], n[i*te:])
		}
	default:
		copy(n[:from.Size()], b)
	}
}

func zcompress(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zlib.NewWriter(&buf)
	_, err := w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func readFixture(t *testing.T, version string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "atop", "fixtures", "atop-"+version+"-small.raw"))
	require.NoError(t, err)
	return b
}

// sameSamples checks that a and b hold the same data: every field of every
// sample's system statistics and tasks, read by their paths.
func sameSamples(t *testing.T, a, b *Reader) {
	t.Helper()
	n := 0
	for {
		sa, errA := a.Next()
		sb, errB := b.Next()
		require.Equal(t, errA, errB)
		if errA != nil {
			break
		}
		ya, err := sa.System()
		require.NoError(t, err)
		yb, err := sb.System()
		require.NoError(t, err)
		for _, p := range []string{"cpu.nrcpu", "cpu.all.utime", "cpu.cpu[1].itime", "mem.physmem", "dsk.ndsk", "dsk.dsk[0].nread", "intf.nrintf", "intf.intf[1].rbyte"} {
			va, err := ya.Lookup(p)
			require.NoError(t, err, p)
			vb, err := yb.Lookup(p)
			require.NoError(t, err, p)
			assert.Equal(t, va.Int(), vb.Int(), "sample %d %s", n, p)
		}
		for _, p := range []string{"dsk.dsk[0].name", "intf.intf[0].name"} {
			va, _ := ya.Lookup(p)
			vb, _ := yb.Lookup(p)
			assert.Equal(t, va.Text(), vb.Text(), "sample %d %s", n, p)
		}
		ta, err := sa.Tasks()
		require.NoError(t, err)
		tb, err := sb.Tasks()
		require.NoError(t, err)
		require.Equal(t, len(ta), len(tb))
		for i := range ta {
			assert.Equal(t, ta[i].PID(), tb[i].PID())
			assert.Equal(t, ta[i].Name(), tb[i].Name())
			assert.Equal(t, ta[i].Cmdline(), tb[i].Cmdline())
			assert.Equal(t, ta[i].CPUTime(), tb[i].CPUTime())
		}
		n++
	}
	assert.Equal(t, 6, n)
}

// TestInferSynthetic reads logs of every shipped version rewritten as
// builds with other limits would have written them: with no options the
// reader finds those limits and reads the same data as from the original.
func TestInferSynthetic(t *testing.T) {
	fixtures := map[string]string{"2.3": "2.3.0", "2.4": "2.4.0", "2.5": "2.5.0", "2.6": "2.6.0", "2.7": "2.7.1",
		"2.8": "2.8.1", "2.9": "2.9.0", "2.10": "2.10.0", "2.11": "2.11.1", "2.12": "2.12.1", "2.13": "2.13.0"}
	for _, v := range Versions() {
		raw := readFixture(t, fixtures[v.String()])
		cpu := int64(2048)
		if v.compare(Version{2, 13}) >= 0 {
			cpu = 4096
		}
		cases := [][]Define{
			{{"MAXCPU", cpu * 4}, {"MAXDSK", 2048}}, // the example of the README
			{{"CMDLEN", 511}},                       // a tstat limit
			{{"MAXLVM", 1024}, {"PNAMLEN", 31}},     // one of each, one lowered
		}
		for _, ds := range cases {
			t.Run(v.String()+" "+defineList(ds), func(t *testing.T) {
				odd := relayout(t, raw, ds...)
				r, err := NewReader(bytes.NewReader(odd))
				require.NoError(t, err)
				assert.Equal(t, ds, r.Header().Inferred)
				assert.Contains(t, r.Header().Defs, "with "+defineList(ds)+", inferred from the recorded sizes")
				orig, err := NewReader(bytes.NewReader(raw))
				require.NoError(t, err)
				sameSamples(t, orig, r)

				_, err = (&Options{Strict: true}).NewReader(bytes.NewReader(odd))
				var se *SizeError
				require.ErrorAs(t, err, &se, "Strict: no inference")
			})
		}
	}
}

// TestInferAmbiguous: a build with a shorter GPU type name, on a host
// without GPUs, gives the sizes and the samples of a shorter GPU bus id or
// InfiniBand name as well: the reader says so and picks none.
func TestInferAmbiguous(t *testing.T) {
	odd := relayout(t, readFixture(t, "2.10.0"), Define{"MAXGPUTYPE", 4})
	_, err := NewReader(bytes.NewReader(odd))
	var le *LimitsError
	require.ErrorAs(t, err, &le)
	assert.True(t, le.Ambiguous)
	for _, c := range [][]Define{{{"MAXGPUTYPE", 4}}, {{"MAXGPUBUS", 4}}, {{"MAXIBNAME", 4}}} {
		assert.True(t, containsCombo(le.Candidates, c), "%v among %v", c, le.Candidates)
	}
	assert.Contains(t, err.Error(), "atop: raw log 2.10 does not match the definitions embedded atop/2.10/atop.h: sstatlen is 1029960 in the file, 1030216 in the definitions; the limits are ambiguous, these read the first samples equally well: ")
	assert.Contains(t, err.Error(), "MAXGPUTYPE=4")
	var se *SizeError
	assert.True(t, errors.As(err, &se), "a LimitsError is a SizeError too")
}

// TestInferRejects: combinations that give the recorded sizes are checked
// against the samples: with the sstat of a MAXINTF 512 and MAXLVM 1024
// build, MAXLVM 256 and MAXNFSMOUNT 832 give the same size but read the
// disks' entries past their count.
func TestInferRejects(t *testing.T) {
	raw := readFixture(t, "2.12.1")
	odd := relayout(t, raw, Define{"MAXINTF", 512}, Define{"MAXLVM", 1024})
	r := &Reader{bufs: new(sampleBufs)}
	r.w.r = bytes.NewReader(odd)
	l, err := loadLayout("", nil, Version{2, 12})
	require.NoError(t, err)
	hb, _ := r.w.peek(int(l.headerSize))
	prefix := r.peekSamples(l, bytes.Clone(hb), binary.LittleEndian)
	_, why := r.tryLimits(l.version, []Define{{"MAXLVM", 256}, {"MAXNFSMOUNT", 832}}, prefix)
	assert.Contains(t, why, "sample 0: sstat: ")
	_, why = r.tryLimits(l.version, []Define{{"MAXINTF", 512}, {"MAXLVM", 1024}}, prefix)
	assert.Empty(t, why)
	_, why = r.tryLimits(l.version, []Define{{"MAXINTF", 512}}, prefix)
	assert.Contains(t, why, "sstatlen is 1037392 in the file, 1168464 in the definitions")
}

// TestInferImpossible: sizes no limits give are today's size error, with
// the version and both sizes.
func TestInferImpossible(t *testing.T) {
	raw := readFixture(t, "2.13.0")
	r, err := NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	b := bytes.Clone(raw)
	setField(t, b, r.hdr.Value, "sstatlen", r.l.sstatSize+4)
	_, err = NewReader(bytes.NewReader(b))
	var se *SizeError
	require.ErrorAs(t, err, &se)
	assert.True(t, se.NoLimits)
	assert.Contains(t, err.Error(), "atop: raw log 2.13 does not match the definitions embedded atop/2.13/atop.h: sstatlen is 1408340 in the file, 1408336 in the definitions; no values of up to 3 of the limits give these sizes; ")
}

// TestStrictHint: with Strict, the size error names the limits that size
// the struct that differs: tstat's, not MAXCPU.
func TestStrictHint(t *testing.T) {
	odd := relayout(t, readFixture(t, "2.13.0"), Define{"CMDLEN", 511})
	_, err := (&Options{Strict: true}).NewReader(bytes.NewReader(odd))
	var se *SizeError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, err.Error(), "tstatlen is 1248 in the file, 992 in the definitions; if that atop was built with other limits, give them with -D NAME=N (tstat is sized by PNAMLEN, CMDLEN, UTSLEN), or copy")
	assert.NotContains(t, err.Error(), "MAXCPU")
}

// TestChecksHoldOnRealLogs: the rules that tell limit values apart hold in
// every real log with the right definitions, in every sample: if they did
// not, the right limits could be rejected.
func TestChecksHoldOnRealLogs(t *testing.T) {
	var logs []string
	for _, g := range []string{"fixtures/*.raw", "realworld/*.gz", "odd/*.raw"} {
		m, err := filepath.Glob(filepath.Join("..", "testdata", "atop", g))
		require.NoError(t, err)
		logs = append(logs, m...)
	}
	require.NotEmpty(t, logs)
	for _, name := range logs {
		t.Run(filepath.Base(name), func(t *testing.T) {
			r, err := Open(name)
			require.NoError(t, err)
			defer r.Close()
			sc, tc := checksOf(r.l.sstat), checksOf(r.l.tstat)
			assert.NotEmpty(t, sc.counted)
			assert.NotEmpty(t, tc.text)
			n := 0
			for s, err := range r.Samples() {
				require.NoError(t, err)
				assert.Empty(t, checkSample(s, sc, tc), "sample %d", s.Index)
				n++
			}
			assert.Greater(t, n, 0)
		})
	}
}
