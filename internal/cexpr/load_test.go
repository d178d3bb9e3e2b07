package cexpr

import (
	"encoding/binary"
	"testing"
)

// lframe is a frame with a word and a record for loads.
type lframe struct {
	n   int64
	rec []byte
	err error
}

type lhost struct {
	BaseHost[lframe]
	calls *int // reads through the closures
}

func (h lhost) Ident(x *Ident) (Operand[lframe], error) {
	switch x.Name {
	case "n":
		ld, err := WordLoad[lframe]("n")
		if err != nil {
			return Operand[lframe]{}, err
		}
		return IntLoad(Long, func(f *lframe) int64 { *h.calls++; return f.n }, ld), nil
	case "a", "b":
		off := int64(0)
		if x.Name == "b" {
			off = 8
		}
		ld, err := BytesLoad[lframe]("rec", off, off+8)
		if err != nil {
			return Operand[lframe]{}, err
		}
		return IntLoad(Long, func(f *lframe) int64 {
			*h.calls++
			if len(f.rec) < int(off)+8 {
				return -1 // what the host reads from a short record
			}
			return int64(binary.LittleEndian.Uint64(f.rec[off:]))
		}, ld), nil
	}
	return h.BaseHost.Ident(x)
}

func (lhost) Fail(f *lframe, err error) {
	if f.err == nil {
		f.err = err
	}
}

// TestLoads: the fused closures read loads inline, and call the leaf's
// closure when the bytes are too short; both give the closure's value.
func TestLoads(t *testing.T) {
	calls := 0
	h := lhost{calls: &calls}
	rec := binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 12345), 7)
	for _, tc := range []struct {
		src       string
		rec       []byte
		want      int64
		wantFloat float64
		calls     int
	}{
		{src: "a * 100 / (b * n)", rec: rec, want: 12345 * 100 / (7 * 3), calls: 0},
		{src: "a * 100 / (b * n)", rec: rec[:8], want: 12345 * 100 / (-1 * 3), calls: 1},
		{src: "a * 100 / (b * n)", rec: nil, want: -1 * 100 / (-1 * 3), calls: 2},
		{src: "a * 100.0 / (b * n)", rec: rec, wantFloat: 12345 * 100.0 / (7 * 3), calls: 0},
		{src: "a * 100.0 / (b * n)", rec: rec[:15], wantFloat: 12345 * 100.0 / (-1 * 3), calls: 1},
		{src: "a * 100.0 / (b * 2 + n)", rec: rec, wantFloat: 12345 * 100.0 / (7*2 + 3), calls: 0},
		{src: "a * 100.0 / (b * 2 + n)", rec: rec[:8], wantFloat: 12345 * 100.0 / (-1*2 + 3), calls: 1},
		{src: "a * 2.5 / b", rec: rec, wantFloat: 12345 * 2.5 / 7, calls: 0},
		{src: "a * 2.5 / b", rec: nil, wantFloat: -1 * 2.5 / -1, calls: 2},
		{src: "a * 100 / (b + 2)", rec: rec, want: 12345 * 100 / 9, calls: 0},
		{src: "a * 100 / (b + 2)", rec: rec[:9], want: 12345 * 100 / 1, calls: 1},
	} {
		x, err := Parse("", tc.src)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Check(x.X, Descriptions, Host[lframe](h))
		if err != nil {
			t.Fatal(err)
		}
		f := &lframe{n: 3, rec: tc.rec}
		calls = 0
		if tc.wantFloat != 0 {
			if got := p.Float()(f); got != tc.wantFloat {
				t.Errorf("%s over %d bytes: %v, want %v", tc.src, len(tc.rec), got, tc.wantFloat)
			}
		} else if got := p.Int()(f); got != tc.want {
			t.Errorf("%s over %d bytes: %d, want %d", tc.src, len(tc.rec), got, tc.want)
		}
		if calls != tc.calls && unalignedLE { // elsewhere the closures read the bytes
			t.Errorf("%s over %d bytes: %d closure calls, want %d", tc.src, len(tc.rec), calls, tc.calls)
		}
		v, err := p.Eval(&lframe{n: 3, rec: tc.rec})
		if err != nil || v.I != tc.want || v.F != tc.wantFloat {
			t.Errorf("%s: Eval %v, %v", tc.src, v, err)
		}
	}
}

// TestLoadErrors: a load names a field of its type.
func TestLoadErrors(t *testing.T) {
	if _, err := WordLoad[lframe]("rec"); err == nil {
		t.Error("WordLoad of a []byte field: no error")
	}
	if _, err := WordLoad[lframe]("m"); err == nil {
		t.Error("WordLoad of no field: no error")
	}
	if _, err := BytesLoad[lframe]("n", 0, 8); err == nil {
		t.Error("BytesLoad of an int64 field: no error")
	}
	if _, err := BytesLoad[lframe]("rec", 4, 8); err == nil {
		t.Error("BytesLoad past its need: no error")
	}
	if _, err := WordLoad[int64]("n"); err == nil {
		t.Error("WordLoad from a non-struct: no error")
	}
}
