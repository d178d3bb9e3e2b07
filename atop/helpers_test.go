package atop_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/cstruct"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/stretchr/testify/require"
)

// gzipped returns b gzipped, as a reader.
func gzipped(t testing.TB, b []byte) io.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return &buf
}

func deflate(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	_, err := zw.Write(b)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// swapScalars reverses the bytes of every scalar in v (in place, in the
// bytes v views): little-endian data becomes big-endian.
func swapScalars(v cstruct.Value) {
	if isZero(v.Bytes()) {
		return // most of sstat
	}
	switch cstruct.Underlying(v.Type()).(type) {
	case *cstruct.Struct:
		for _, f := range v.Fields() {
			swapScalars(f)
		}
	case *cstruct.Array:
		if v.IsText() {
			return
		}
		for _, e := range v.Elems() {
			swapScalars(e)
		}
	case *cstruct.Int, *cstruct.Float, *cstruct.Enum, *cstruct.Pointer:
		slices.Reverse(v.Bytes())
	}
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// toBigEndian rewrites a little-endian log as a big-endian atop would have
// written it: every scalar of the header, the records and the inflated
// parts swapped, the parts compressed again.
func toBigEndian(t testing.TB, b []byte) []byte {
	t.Helper()
	r, err := atop.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	h := r.Header()
	spec := h.Spec()
	typ := func(name string) cstruct.Type {
		t.Helper()
		ty, err := spec.Lookup(name)
		require.NoError(t, err)
		return ty
	}
	unpack := func(ty cstruct.Type, b []byte) cstruct.Value {
		t.Helper()
		v, err := spec.Unpack(ty, b)
		require.NoError(t, err)
		return v
	}
	setBE := func(rec cstruct.Value, field string, n int) {
		t.Helper()
		f, err := rec.Lookup(field)
		require.NoError(t, err)
		binary.BigEndian.PutUint32(f.Bytes(), uint32(n))
	}

	var out bytes.Buffer
	hdr := bytes.Clone(h.Value.Bytes())
	swapScalars(unpack(typ("struct rawheader"), hdr))
	out.Write(hdr)
	for s, err := range r.Samples() {
		require.NoError(t, err)
		rec := bytes.Clone(s.Record.Bytes())
		recv := unpack(typ("struct rawrecord"), rec)
		swapScalars(recv)

		sys, err := s.System()
		require.NoError(t, err)
		sb := bytes.Clone(sys.Bytes())
		swapScalars(unpack(typ("struct sstat"), sb))
		sz := deflate(t, sb)
		setBE(recv, "scomplen", len(sz))

		tasks, err := s.Tasks()
		require.NoError(t, err)
		var tb []byte
		for _, tk := range tasks {
			tb = append(tb, tk.Value().Bytes()...)
		}
		tsize := int(must(cstruct.Sizeof(typ("struct tstat"))))
		for i := range tasks {
			swapScalars(unpack(typ("struct tstat"), tb[i*tsize:(i+1)*tsize]))
		}
		tz := deflate(t, tb)
		setBE(recv, "pcomplen", len(tz))

		var cz, iz []byte
		cgs, err := s.Cgroups()
		require.NoError(t, err)
		if len(cgs) > 0 {
			var chain []byte
			var pids []byte
			for _, cg := range cgs {
				n := int(must(cg.Value.Lookup("gen.structlen")).Int())
				rb := make([]byte, n)
				copy(rb, cg.Value.Bytes())
				swapScalars(unpack(typ("struct cstat"), rb)) // the name is text: kept
				chain = append(chain, rb...)
				for _, p := range cg.PIDs {
					pids = binary.BigEndian.AppendUint32(pids, uint32(p))
				}
			}
			cz, iz = deflate(t, chain), deflate(t, pids)
			setBE(recv, "ccomplen", len(cz))
			setBE(recv, "icomplen", len(iz))
		}
		out.Write(rec)
		out.Write(sz)
		out.Write(tz)
		out.Write(cz)
		out.Write(iz)
	}
	return out.Bytes()
}
