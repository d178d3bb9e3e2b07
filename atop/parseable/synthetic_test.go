package parseable

import (
	"bytes"
	"encoding/binary"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fixtures come from a VM without GPUs, logical volumes, MD devices,
// NFS mounts, InfiniBand, NUMA CPU statistics or resctrl, so atop printed
// no GPU, LVM, MDD, NFM, IFB, NUC or LLC lines, and 2.13 no PRE lines. These
// tests put such devices into a real sample and check the lines against the
// formats of atop's parseable.c of each version.

// set writes a value into the field at path of a value whose bytes the
// test owns: an integer of the field's size, a float32, or a NUL-padded text.
func set(t *testing.T, v cstruct.Value, path string, x any) {
	t.Helper()
	f, err := v.Lookup(path)
	require.NoError(t, err, path)
	b := f.Bytes()
	switch x := x.(type) {
	case int:
		var buf [8]byte
		binary.LittleEndian.PutUint64(buf[:], uint64(int64(x)))
		copy(b, buf[:len(b)])
	case float32:
		require.Len(t, b, 4, path)
		binary.LittleEndian.PutUint32(b, math.Float32bits(x))
	case string:
		require.Less(t, len(x), len(b), path)
		clear(b)
		copy(b, x)
	default:
		t.Fatalf("set %s: %T", path, x)
	}
}

// ownCopy returns a copy of a value that owns its bytes.
func ownCopy(t *testing.T, spec *cstruct.Spec, v cstruct.Value) cstruct.Value {
	c, err := spec.Unpack(v.Type(), bytes.Clone(v.Bytes()))
	require.NoError(t, err)
	return c
}

// synthetic is the second sample of a fixture, with devices added.
type synthetic struct {
	hdr    *atop.Header
	sample *atop.Sample
	in     *sampleInput
	sys    cstruct.Value
	tasks  []cstruct.Value
	ver    atop.Version
}

// synParts gives the engine a synthetic sample's parts.
type synParts struct{ s *synthetic }

func (p synParts) system() ([]byte, error) { return p.s.sys.Bytes(), nil }

func (p synParts) tasks() ([]byte, error) {
	var b []byte
	for _, t := range p.s.tasks {
		b = append(b, t.Bytes()...)
	}
	return b, nil
}

func (p synParts) cgroups() ([]atop.Cgroup, error) { return p.s.sample.Cgroups() }

func newSynthetic(t *testing.T, fixture string) *synthetic {
	r, err := atop.Open(filepath.Join(testdata, "fixtures", fixture))
	require.NoError(t, err)
	defer r.Close()
	_, err = r.Next()
	require.NoError(t, err)
	s, err := r.Next()
	require.NoError(t, err)
	s = s.Clone()
	hdr := r.Header()
	spec := hdr.Spec()
	sys, err := s.System()
	require.NoError(t, err)
	in := inputOf(s)
	syn := &synthetic{hdr: hdr, sample: s, in: &in, sys: ownCopy(t, spec, sys), ver: hdr.Version}
	ts, err := s.Tasks()
	require.NoError(t, err)
	for _, tk := range ts {
		syn.tasks = append(syn.tasks, ownCopy(t, spec, tk.Value()))
	}
	syn.in.src = synParts{syn}
	return syn
}

// print returns the part after the six common fields of each line of the
// label, for the given labels and options.
func (s *synthetic) print(t *testing.T, opts Options, label string) []string {
	opts.Location = time.UTC
	if opts.Labels == nil {
		opts.Labels = []string{label}
	}
	d, err := findDesc("", s.ver.String())
	require.NoError(t, err)
	var outs [2]bytes.Buffer
	for k, interp := range []bool{false, true} {
		e, err := newEngine(&outs[k], d, s.hdr, opts, interp)
		require.NoError(t, err)
		require.NoError(t, e.sample(s.in))
	}
	require.Equal(t, outs[1].String(), outs[0].String(), "the compiled program prints what the interpreter prints")
	out := outs[0]
	var rest []string
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.SplitN(line, " ", 7)
		if f[0] == label {
			require.Len(t, f, 7, line)
			rest = append(rest, f[6])
		}
	}
	return rest
}

func (s *synthetic) atLeast(minor int) bool { return s.ver.Major > 2 || s.ver.Minor >= minor }

var fixtureNames = []string{
	"atop-2.3.0-small.raw", "atop-2.4.0-small.raw", "atop-2.5.0-small.raw", "atop-2.6.0-small.raw",
	"atop-2.7.1-small.raw", "atop-2.8.1-small.raw", "atop-2.9.0-small.raw", "atop-2.10.0-small.raw",
	"atop-2.11.1-small.raw", "atop-2.12.1-small.raw", "atop-2.13.0-small.raw",
}

func TestSyntheticDevices(t *testing.T) {
	for _, fx := range fixtureNames {
		t.Run(fx, func(t *testing.T) {
			s := newSynthetic(t, fx)
			sys := s.sys

			// disks: a logical volume, an MD device; the lists end at the
			// first empty name
			for _, d := range []struct {
				path, name string
				ioms       int
			}{{"dsk.lvm", "vg0-root", 10}, {"dsk.mdd", "md0", 0}} {
				p := d.path + "[0]."
				set(t, sys, p+"name", d.name)
				for i, f := range []string{"io_ms", "nread", "nrsect", "nwrite", "nwsect"} {
					set(t, sys, p+f, []int{d.ioms, 1, 2, 3, 4}[i])
				}
				set(t, sys, p+"avque", 25)
				if s.atLeast(7) {
					set(t, sys, p+"ndisc", 5)
					set(t, sys, p+"ndsect", 6)
				}
				if s.atLeast(8) {
					set(t, sys, p+"inflight", 7)
				}
				set(t, sys, d.path+"[1].name", "")
				set(t, sys, d.path+"[2].name", "ghost")
			}
			lvm, mdd := "vg0-root 10 1 2 3 4", "md0 0 1 2 3 4"
			if s.atLeast(7) {
				lvm, mdd = lvm+" 5 6", mdd+" 5 6"
			}
			if s.atLeast(8) {
				lvm, mdd = lvm+" 7 2.50", mdd+" 7 0.00"
			}
			assert.Equal(t, []string{lvm}, s.print(t, Options{}, "LVM"))
			assert.Equal(t, []string{mdd}, s.print(t, Options{}, "MDD"))

			// an NFS mount (2.3 prints bytestotread twice)
			set(t, sys, "nfs.nfsmounts.nrmounts", 1)
			m := "nfs.nfsmounts.nfsmnt[0]."
			set(t, sys, m+"mountdev", "srv:/export")
			for i, f := range []string{"bytestotread", "bytestotwrite", "bytesread", "byteswrite",
				"bytesdread", "bytesdwrite", "pagesmread", "pagesmwrite"} {
				set(t, sys, m+f, []int{100, 200, 1, 2, 3, 4, 5, 6}[i])
			}
			nfm := "srv:/export 100 200 1 2 3 4 5 6"
			if !s.atLeast(4) {
				nfm = "srv:/export 100 100 1 2 3 4 5 6"
			}
			assert.Equal(t, []string{nfm}, s.print(t, Options{}, "NFM"))

			if s.atLeast(4) {
				// two GPUs, the second without bus id and type: two spaces
				set(t, sys, "gpu.nrgpus", 2)
				g := "gpu.gpu[0]."
				set(t, sys, g+"busid", "0000:01:00.0")
				set(t, sys, g+"type", "A100")
				for i, f := range []string{"gpupercnow", "mempercnow", "memtotnow", "memusenow",
					"samples", "gpuperccum", "memperccum", "memusecum"} {
					set(t, sys, g+f, []int{45, 12, 40000000, 1234, 3, 135, 36, 3702}[i])
				}
				set(t, sys, "gpu.gpu[1].gpupercnow", -1)
				set(t, sys, "gpu.gpu[1].mempercnow", -1)
				assert.Equal(t, []string{
					"0 0000:01:00.0 A100 45 12 40000000 1234 3 135 36 3702",
					"1   -1 -1 0 0 0 0 0 0",
				}, s.print(t, Options{}, "GPU"))

				// an InfiniBand port (portnr and lanes print as short)
				set(t, sys, "ifb.nrports", 1)
				b := "ifb.ifb[0]."
				set(t, sys, b+"ibname", "mlx5_0")
				for i, f := range []string{"portnr", "lanes", "rate", "rcvb", "sndb", "rcvp", "sndp"} {
					set(t, sys, b+f, []int{1, 4, 100000, 1, 2, 3, 4}[i])
				}
				assert.Equal(t, []string{"mlx5_0 1 4 100000 1 2 3 4"}, s.print(t, Options{}, "IFB"))
			}

			if s.atLeast(7) {
				// CPU statistics of a NUMA node: 2.7 prints the index, later
				// versions the node number
				set(t, sys, "cpunuma.nrnuma", 1)
				n := "cpunuma.numa[0]."
				for i, f := range []string{"nrcpu", "stime", "utime", "ntime", "itime", "wtime",
					"Itime", "Stime", "steal", "guest"} {
					set(t, sys, n+f, []int{2, 1, 2, 3, 4, 5, 6, 7, 8, 9}[i])
				}
				nuc := "0 2 1 2 3 4 5 6 7 8 9"
				if s.atLeast(8) {
					set(t, sys, n+"numanr", 5)
					nuc = "5 2 1 2 3 4 5 6 7 8 9"
				}
				assert.Equal(t, []string{nuc}, s.print(t, Options{}, "NUC"))
			}

			if s.atLeast(8) {
				// last-level caches: occupancy*100 is computed in float, so
				// 0.1505 prints 15.1% (in double it would be 15.0%)
				set(t, sys, "llc.nrllcs", 2)
				set(t, sys, "llc.perllc[0].id", 3)
				set(t, sys, "llc.perllc[0].occupancy", float32(0.1505))
				set(t, sys, "llc.perllc[0].mbm_local", 5)
				set(t, sys, "llc.perllc[0].mbm_total", 6)
				set(t, sys, "llc.perllc[1].id", 12)
				set(t, sys, "llc.perllc[1].occupancy", float32(1))
				assert.Equal(t, []string{"LLC003 15.1% 6 5", "LLC012 100.0% 0 0"}, s.print(t, Options{}, "LLC"))
			}
		})
	}
}

// TestSyntheticGPUTasks: 2.13 prints PRE lines only with GPU statistics in
// the sample, zeroes the GPU part of threads and divides the busy sums by
// the samples (taken as 1 when 0); 2.4-2.12 print the fields as stored.
func TestSyntheticGPUTasks(t *testing.T) {
	for _, fx := range fixtureNames[1:] {
		t.Run(fx, func(t *testing.T) {
			s := newSynthetic(t, fx)
			require.NotEmpty(t, s.tasks)
			tk := s.tasks[0]
			require.Equal(t, int64(1), load(mustLookup(t, tk, "gen.isproc")).i)
			pid := load(mustLookup(t, tk, "gen.pid")).i
			name, _ := load(mustLookup(t, tk, "gen.name")).toStr()
			state := string(rune(load(mustLookup(t, tk, "gen.state")).i))
			spec := s.hdr.Spec()
			proc := ownCopy(t, spec, tk)
			thread := ownCopy(t, spec, tk)
			idle := ownCopy(t, spec, tk)
			set(t, thread, "gen.isproc", 0)
			for _, v := range []cstruct.Value{proc, thread} {
				set(t, v, "gpu.state", int('A'))
				set(t, v, "gpu.nrgpus", 1)
				set(t, v, "gpu.gpulist", 0x3a)
				set(t, v, "gpu.memnow", 100)
				set(t, v, "gpu.memcum", 300)
				if s.atLeast(13) {
					set(t, v, "gpu.type", int('C'))
					set(t, v, "gpu.gpubusycum", 90)
					set(t, v, "gpu.membusycum", 31)
					set(t, v, "gpu.samples", 3)
				} else {
					set(t, v, "gpu.gpubusy", 30)
					set(t, v, "gpu.membusy", 10)
					set(t, v, "gpu.sample", 3)
				}
			}
			clear(mustLookup(t, idle, "gpu").Bytes())
			if s.atLeast(13) {
				set(t, idle, "gpu.state", int('E'))
				set(t, idle, "gpu.gpubusycum", 7)
			}
			s.tasks = []cstruct.Value{proc, thread, idle}
			head := itoa(pid) + " (" + name + ") " + state + " "

			if !s.atLeast(13) {
				assert.Equal(t, []string{
					head + "A 1 3a 30 10 100 300 3",
					head + "A 1 3a 30 10 100 300 3",
					head + "N 0 0 0 0 0 0 0",
				}, s.print(t, Options{}, "PRE"))
				return
			}
			s.in.flags &^= rrGPUStat
			assert.Empty(t, s.print(t, Options{}, "PRE"))
			s.in.flags |= rrGPUStat
			assert.Equal(t, []string{
				head + "A 1 3a 30 10 100 300 3 y C",
				head + "N 0 0 0 0 0 0 0 n U",
				head + "E 0 0 7 0 0 0 0 y U",
			}, s.print(t, Options{}, "PRE"))
		})
	}
}

// TestSyntheticNoCgroupV2: without cgroup v2 in a sample, 2.11+ print no
// CGR lines, "-" as a process's cgroup and -3 as its limits.
func TestSyntheticNoCgroupV2(t *testing.T) {
	for _, fx := range []string{"atop-2.11.1-small.raw", "atop-2.12.1-small.raw", "atop-2.13.0-small.raw"} {
		t.Run(fx, func(t *testing.T) {
			s := newSynthetic(t, fx)
			require.NotEmpty(t, s.print(t, Options{}, "CGR"))
			s.in.flags &^= rrCgrStat
			assert.Empty(t, s.print(t, Options{}, "CGR"))
			for _, l := range s.print(t, Options{}, "PRG") {
				assert.Contains(t, l, " (-) ", l)
			}
			for _, l := range s.print(t, Options{}, "PRC") {
				assert.True(t, strings.HasSuffix(strings.Join(strings.Fields(l)[17:19], " "), "-3 -2"), l)
			}
			for _, l := range s.print(t, Options{}, "PRM") {
				assert.True(t, strings.HasSuffix(l, " -3 -2 -3 -2"), l)
			}
		})
	}
}

func mustLookup(t *testing.T, v cstruct.Value, path string) cstruct.Value {
	t.Helper()
	f, err := v.Lookup(path)
	require.NoError(t, err, path)
	return f
}
