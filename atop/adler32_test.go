package atop

import (
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// TestAdler32 checks adler32sum against hash/adler32 on every length up to
// three blocks' worth of groups, on the worst case (all 0xff, which fills
// the lanes most) and on random bytes, and across the 4096-word blocks.
func TestAdler32Sum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ff := make([]byte, 3*4096*8+100)
	rnd := make([]byte, len(ff))
	for i := range ff {
		ff[i] = 0xff
		rnd[i] = byte(rng.Uint32())
	}
	check := func(b []byte) {
		t.Helper()
		if got, want := adler32sum(b), adler32.Checksum(b); got != want {
			t.Fatalf("adler32sum of %d bytes = %#08x, want %#08x", len(b), got, want)
		}
	}
	for n := range 300 {
		check(ff[:n])
		check(rnd[:n])
	}
	for _, n := range []int{4096*8 - 1, 4096 * 8, 4096*8 + 1, 4096*8 + 127, 2*4096*8 + 8, len(ff)} {
		check(ff[:n])
		check(rnd[:n])
		check(rnd[7:n])
	}
}

func FuzzAdler32(f *testing.F) {
	f.Add([]byte("atop"))
	f.Add(make([]byte, 1000))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := adler32sum(b), adler32.Checksum(b); got != want {
			t.Fatalf("adler32sum of %d bytes = %#08x, want %#08x", len(b), got, want)
		}
	})
}

func BenchmarkAdler32(b *testing.B) {
	buf := make([]byte, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	b.Run("stdlib", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			adler32.Checksum(buf)
		}
	})
	b.Run("lanes", func(b *testing.B) {
		b.SetBytes(int64(len(buf)))
		for b.Loop() {
			adler32sum(buf)
		}
	})
}
