package atop_test

import (
	"bytes"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// costOf is what the pipeline counts for a sample: its parts inflated,
// twice.
func costOf(s *atop.Sample) int64 {
	h := s.Header
	return 2 * (int64(h.SStatLen) + int64(s.NTask)*int64(h.TStatLen))
}

// TestPipelineMemory: the samples in flight stay within
// PipelineOptions.Memory, whatever the number of workers; a sample larger
// than it runs alone.
func TestPipelineMemory(t *testing.T) {
	b := fixture(t, "2.8.1") // no cgroups: the cost is sstat and tasks
	logs := [][]byte{b, b, b, b}
	var lo, hi int64 = 1 << 62, 0
	for s, err := range must(atop.NewReader(bytes.NewReader(b))).Samples() {
		require.NoError(t, err)
		lo, hi = min(lo, costOf(s)), max(hi, costOf(s))
	}
	require.Greater(t, 3*lo, 2*hi)
	for _, c := range []struct {
		memory int64
		peak   int64
	}{{2 * hi, 2}, {hi / 2, 1}, {0, 4}} {
		var running, peak atomic.Int64
		job := func() atop.Job {
			return func(dst []byte, s *atop.Sample, _ *atop.Step) ([]byte, error) {
				n := running.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				time.Sleep(5 * time.Millisecond)
				running.Add(-1)
				return append(dst, 'x'), nil
			}
		}
		var out countWriter
		err := atop.Pipeline(&out, multiSource(t, logs), job, atop.PipelineOptions{Workers: 4, Memory: c.memory})
		require.NoError(t, err)
		assert.Equal(t, 24, out.n)
		assert.Equal(t, c.peak, peak.Load(), "memory %d", c.memory)
	}
}

type countWriter struct{ n int }

func (w *countWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
