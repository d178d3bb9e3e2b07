package parseable

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var workerCounts = []int{1, 2, 3, 8}

// TestPrintWorkers: any number of workers prints atop's bytes, on every
// log with an oracle, and the bytes of one worker on the large log.
func TestPrintWorkers(t *testing.T) {
	for _, log := range logFiles(t) {
		t.Run(filepath.Base(log), func(t *testing.T) {
			want := readOracle(t, log)
			counts := workerCounts
			if testing.Short() {
				counts = []int{3} // TestOracles has the default
			}
			for _, n := range counts {
				got, err := printLog(t, log, Options{Labels: []string{"ALL"}, Workers: n})
				require.NoError(t, err)
				if d := firstDiff(want, got); d != "" {
					t.Fatalf("%d workers: %s", n, d)
				}
			}
		})
	}
	large := filepath.Join(testdata, "bench", "atop-2.8.1-large.raw")
	if _, err := os.Stat(large); err != nil || testing.Short() {
		t.Skip("large log: not in -short")
	}
	t.Run("large", func(t *testing.T) {
		labels := []string{"CPU,DSK,PRG,PRM,PRD"}
		want, err := printLog(t, large, Options{Labels: labels, Workers: 1})
		require.NoError(t, err)
		require.Greater(t, len(want), 10<<20)
		for _, n := range workerCounts[1:] {
			got, err := printLog(t, large, Options{Labels: labels, Workers: n})
			require.NoError(t, err)
			if got != want {
				t.Fatalf("%d workers: %s", n, firstDiff(want, got))
			}
		}
	})
}

// TestPrintWorkersErrors: a corrupt sample, and a later file whose version
// lacks a label, fail at their place in the output for any number of
// workers.
func TestPrintWorkersErrors(t *testing.T) {
	log := filepath.Join(testdata, "fixtures", "atop-2.13.0-small.raw")
	b, err := os.ReadFile(log)
	require.NoError(t, err)
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	var offs []int64
	for s, err := range r.Samples() {
		require.NoError(t, err)
		offs = append(offs, s.Offset)
	}
	b[offs[3]+96+30] ^= 0xff // sample 3's sstat
	var want string
	for _, n := range workerCounts {
		r, err := atop.NewReader(bytes.NewReader(b))
		require.NoError(t, err)
		var out bytes.Buffer
		err = Print(&out, r, Options{Labels: []string{"CPU,PRG"}, Location: time.UTC, Workers: n})
		var se *atop.SampleError
		require.ErrorAs(t, err, &se, "%d workers", n)
		assert.Equal(t, 3, se.Sample)
		if n == 1 {
			want = out.String()
			assert.Equal(t, 3, bytes.Count(out.Bytes(), []byte("\nSEP\n")))
		}
		assert.Equal(t, want, out.String(), "%d workers", n)
	}

	logs := []string{log, filepath.Join(testdata, "fixtures", "atop-2.3.0-small.raw")}
	for _, n := range workerCounts {
		m := atop.OpenFiles(logs...)
		var out bytes.Buffer
		err := Print(&out, m, Options{Labels: []string{"PSI"}, Location: time.UTC, Workers: n})
		assert.EqualError(t, err, "label PSI not found")
		assert.Equal(t, filterOracle(readOracle(t, logs[0]), "PSI"), out.String(), "%d workers", n)
		m.Close()
	}
}
