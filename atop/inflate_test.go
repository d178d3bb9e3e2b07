package atop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/zlib"
)

// inflateZlib is the judge of inflate: the zlib package's reader, which
// checks the trailer with hash/adler32.
func inflateZlib(dst, comp []byte) error {
	zr, err := zlib.NewReader(bytes.NewReader(comp))
	if err != nil {
		return err
	}
	n, err := io.ReadFull(zr, dst)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("inflates to %d bytes, want %d (%w)", n, len(dst), io.ErrUnexpectedEOF)
		}
		return err
	}
	var one [1]byte
	for range 8 {
		m, err := zr.Read(one[:])
		if m > 0 {
			return fmt.Errorf("inflates to more than %d bytes", len(dst))
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("zlib stream does not end after %d bytes", len(dst))
}

// part is one compressed part of a sample and its inflated size.
type part struct {
	comp []byte
	size int
}

// partsOf reads every compressed part of the log in file name.
func partsOf(t testing.TB, name string) []part {
	t.Helper()
	r, err := Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ps []part
	for s, err := range r.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		l := s.Header.l
		sizes := [4]int{int(l.sstatSize), s.NTask * int(l.tstatSize), int(s.coriglen), 4 * s.NCgroupPID}
		for i, sp := range s.parts {
			if sp.n > 0 {
				ps = append(ps, part{bytes.Clone(s.data[sp.off : sp.off+sp.n]), sizes[i]})
			}
		}
	}
	return ps
}

func logNames(t testing.TB) []string {
	names, err := filepath.Glob("../testdata/atop/fixtures/*.raw")
	if err != nil || len(names) == 0 {
		t.Fatal("no fixtures", err)
	}
	return names
}

// TestInflate: inflate gives the judge's bytes on every part of every
// fixture; and on parts with a byte flipped, cut short or with a byte too
// many, and for buffers of the wrong size, it fails where the judge fails
// (the texts may differ: a stream that ends early is "inflates to N bytes"
// for inflate, a checksum error for zlib, which reads the next 4 bytes as
// the trailer) and gives the judge's bytes where it does not.
func TestInflate(t *testing.T) {
	names := logNames(t)
	if testing.Short() {
		names = names[:2]
	}
	for _, name := range names {
		for k, p := range partsOf(t, name) {
			want := make([]byte, p.size)
			got := make([]byte, p.size)
			if err := inflateZlib(want, p.comp); err != nil {
				t.Fatalf("%s part %d: %v", name, k, err)
			}
			if err := inflate(got, p.comp); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("%s part %d: inflate differs (%v)", name, k, err)
			}
			same := func(what string, dst []byte, comp []byte) {
				t.Helper()
				want := bytes.Clone(dst)
				werr := inflateZlib(want, comp)
				gerr := inflate(dst, comp)
				if (werr == nil) != (gerr == nil) || werr == nil && !bytes.Equal(dst, want) {
					t.Fatalf("%s part %d, %s: inflate says %v, zlib %v", name, k, what, gerr, werr)
				}
			}
			step := max(1, len(p.comp)/8)
			if k == 1 && !testing.Short() {
				step = 1 // every byte of one part of each log (sample 0's tstat)
			}
			for i := 0; i < len(p.comp); i += step {
				c := bytes.Clone(p.comp)
				c[i] ^= 0xff
				same(fmt.Sprintf("byte %d flipped", i), got, c)
			}
			same("cut by 1", got, p.comp[:len(p.comp)-1])
			same("cut by 5", got, p.comp[:len(p.comp)-5])
			same("one byte more", got, append(bytes.Clone(p.comp), 0))
			same("header only", got, p.comp[:2])
			same("buffer one short", got[:len(got)-1], p.comp)
			same("buffer one long", append(bytes.Clone(got), 0), p.comp)
		}
	}
}

// BenchmarkInflate inflates every part of the large log: with the zlib
// package (hash/adler32), and with inflate.
func BenchmarkInflate(b *testing.B) {
	name := "../testdata/atop/bench/atop-2.8.1-large.raw"
	if _, err := os.Stat(name); err != nil {
		b.Skip(err)
	}
	ps := partsOf(b, name)
	var total int64
	maxSize := 0
	for _, p := range ps {
		total += int64(p.size)
		maxSize = max(maxSize, p.size)
	}
	dst := make([]byte, maxSize)
	for _, c := range []struct {
		name string
		fn   func(dst, comp []byte) error
	}{{"zlib", inflateZlib}, {"flate+adler", inflate}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(total)
			for b.Loop() {
				for _, p := range ps {
					if err := c.fn(dst[:p.size], p.comp); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// TestInflateDict: a stream that names a preset dictionary inflates only
// if it is the empty one (Adler-32 1), as with the zlib package.
func TestInflateDict(t *testing.T) {
	ps := partsOf(t, logNames(t)[0])
	p := ps[0]
	flg := byte(0x20) // FDICT, with FCHECK making the header a multiple of 31
	for (uint16(p.comp[0])<<8|uint16(flg))%31 != 0 {
		flg++
	}
	for _, id := range []uint32{1, 2} {
		c := append([]byte{p.comp[0], flg, byte(id >> 24), byte(id >> 16), byte(id >> 8), byte(id)}, p.comp[2:]...)
		want, got := make([]byte, p.size), make([]byte, p.size)
		werr, gerr := inflateZlib(want, c), inflate(got, c)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) || !bytes.Equal(got, want) {
			t.Fatalf("dictionary %d: inflate says %v, zlib %v", id, gerr, werr)
		}
		if (werr == nil) != (id == 1) {
			t.Fatalf("dictionary %d: %v", id, werr)
		}
	}
}
