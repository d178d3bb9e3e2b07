package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

// firstGCAt is the memory a run may take before its first collection:
// more than a small log needs from start to end (atop -P ALL of each
// fixture), so a short run never collects.
const firstGCAt = 24 << 20

// deferFirstGC turns the collector off until the process holds
// firstGCAt bytes, then back to its defaults (GOGC=100, no memory
// limit). A short run spends no time in the collector: with its default
// 4 MB start, two collections and their sweeping were ≈12% of the CPU
// of "cstruct atop -P CPU -r" of a small log and ≈4 ms of its wall
// time. A long run is collected as before from the first collection on.
// GOGC or GOMEMLIMIT in the environment leaves the collector alone.
func deferFirstGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	gcState.Lock()
	defer gcState.Unlock()
	gcState.deferred, gcState.limit = true, math.MaxInt64
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(firstGCAt)
	// the first collection (the memory limit's) finds the sentinel
	// unreachable and runs the cleanup
	sentinel := new([64]byte) // not from the tiny allocator, whose cleanups may never run
	runtime.AddCleanup(sentinel, func(struct{}) {
		gcState.Lock()
		defer gcState.Unlock()
		gcState.deferred = false
		debug.SetMemoryLimit(gcState.limit)
		debug.SetGCPercent(100)
	}, struct{}{})
}

// gcState is what deferFirstGC's cleanup restores: the soft memory limit
// asked for meanwhile (memoryLimitAtMost), none by default.
var gcState struct {
	sync.Mutex
	deferred bool
	limit    int64
}

// memoryLimitAtMost lowers the soft memory limit to n: now, or, while
// the first collection is deferred, from that collection on (the
// deferral's own limit is lower still).
func memoryLimitAtMost(n int64) {
	gcState.Lock()
	defer gcState.Unlock()
	if gcState.deferred {
		gcState.limit = min(gcState.limit, n)
		return
	}
	if debug.SetMemoryLimit(-1) > n {
		debug.SetMemoryLimit(n)
	}
}
