package parseable

import (
	"encoding/binary"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFastInt: the Scalar reads of integer fields give Accessor.Int's
// value for every integer field of every version's sstat and tstat, in
// both byte orders, from the sstat and from a task's slot; a record too
// short for the 8-byte load takes the slow read.
func TestFastInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	n := 0
	for _, fx := range fixtureNames {
		_, lay := fixtureLayout(t, fx)
		for _, root := range []cstruct.Type{lay.sstat, lay.tstat} {
			b := make([]byte, root.Size()+64)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
				for _, path := range leafPaths(root, "") {
					a, err := lay.spec.Accessor(root, path, order)
					require.NoError(t, err, path)
					slow := func(*frame) int64 { return -42 }
					for _, slot := range []int{-1, 0} {
						fn := fastInt(a, needOf(a), slot, slow)
						if fn == nil {
							assert.False(t, a.IsInteger() && a.Size() == 8 && !isBitField(a), "%s: an 8-byte integer has a fast read", path)
							continue
						}
						f := &frame{sysRoot: b, parts: parts{tstat: b}, ints: []int64{0}}
						assert.Equal(t, a.Int(b), fn(f), "%s %s slot %d", path, order, slot)
						short := b[:max(needOf(a), 8)-1]
						f = &frame{sysRoot: short, parts: parts{tstat: short}, ints: []int64{0}}
						assert.Equal(t, int64(-42), fn(f), "%s: too short", path)
						n++
					}
				}
			}
		}
	}
	assert.Greater(t, n, 10000)
}

func isBitField(a cstruct.Accessor) bool {
	_, _, ok := a.BitField()
	return ok
}

// fixtureLayout is the header and the layout of a fixture log.
func fixtureLayout(t *testing.T, fx string) (*atop.Header, *layoutInfo) {
	t.Helper()
	r, err := atop.Open(filepath.Join(testdata, "fixtures", fx))
	require.NoError(t, err)
	h := r.Header()
	r.Close()
	lay, err := layoutOf(h)
	require.NoError(t, err)
	return h, lay
}
