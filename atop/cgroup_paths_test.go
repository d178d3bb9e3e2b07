package atop

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chain is n cgroups, each the child of the one before.
func chain(n int, name string) []Cgroup {
	cgs := make([]Cgroup, n)
	for i := range cgs {
		cgs[i] = Cgroup{Name: name, Sequence: i, Parent: i - 1}
	}
	return cgs
}

// TestCgroupPathsBounded: a deep chain asks for paths of n²/2 names; they
// stop at the limit, in time linear in it.
func TestCgroupPathsBounded(t *testing.T) {
	cgs := chain(4, "a")
	require.NoError(t, cgroupPaths(cgs, 1<<20))
	assert.Equal(t, []string{"/", "/a", "/a/a", "/a/a/a"}, []string{cgs[0].Path, cgs[1].Path, cgs[2].Path, cgs[3].Path})

	cgs = chain(100_000, "abcdefgh") // 45 GB of paths
	err := cgroupPaths(cgs, DefaultMaxInflated)
	require.EqualError(t, err, "cgroup paths take more than 32.0 MiB")
}
