package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gogc is the collector's current GOGC (-1: off).
func gogc() int64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// TestDeferFirstGC: the collector is off until the process holds
// firstGCAt bytes, and back to its defaults after the collection that
// limit makes.
func TestDeferFirstGC(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: deferFirstGC leaves the collector alone")
	}
	defer func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcs := ms.NumGC
	deferFirstGC()
	assert.Equal(t, int64(-1), gogc())
	assert.Equal(t, int64(firstGCAt), debug.SetMemoryLimit(-1))

	// allocate well past the limit, a little kept alive at a time
	var keep [4][]byte
	for i := range 4 * firstGCAt >> 20 {
		keep[i%len(keep)] = make([]byte, 1<<20)
	}
	runtime.KeepAlive(keep)
	require.Eventually(t, func() bool { return gogc() == 100 }, 5*time.Second, time.Millisecond, "GOGC restored")
	assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1))
	runtime.ReadMemStats(&ms)
	assert.Greater(t, ms.NumGC, gcs)
}

// TestDeferFirstGCKeepsSoftLimit: the soft memory limit of the atop verbs,
// set while the first collection is deferred, is the limit from that
// collection on (the deferral must not lift it to none).
func TestDeferFirstGCKeepsSoftLimit(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT is set: deferFirstGC leaves the collector alone")
	}
	defer func() {
		debug.SetGCPercent(100)
		debug.SetMemoryLimit(math.MaxInt64)
	}()
	deferFirstGC()
	softMemoryLimit()
	assert.Equal(t, int64(firstGCAt), debug.SetMemoryLimit(-1), "the deferral's limit holds until the first collection")
	var keep [4][]byte
	for i := range 4 * firstGCAt >> 20 {
		keep[i%len(keep)] = make([]byte, 1<<20)
	}
	runtime.KeepAlive(keep)
	require.Eventually(t, func() bool { return gogc() == 100 }, 5*time.Second, time.Millisecond, "GOGC restored")
	assert.Equal(t, int64(memoryLimit), debug.SetMemoryLimit(-1))
	softMemoryLimit() // after the deferral: at once
	assert.Equal(t, int64(memoryLimit), debug.SetMemoryLimit(-1))
}
