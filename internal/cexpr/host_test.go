package cexpr

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A host in the shape of the descriptions': a record of bytes, structs
// as host kinds (a static offset, or an offset computed from an index),
// text fields, and a call whose second argument is evaluated only when the
// first says so.

type rframe struct {
	rec []byte
	err error
}

// layout is a toy struct type: fields at offsets.
type layout struct {
	name   string
	fields map[string]field
}

type field struct {
	off  int
	t    Type
	text int     // a char array of this length, if not 0
	sub  *layout // a nested struct
	n    int     // an array of n subs
	size int     // its element size
}

func (l *layout) String() string { return "struct " + l.name }

func (f field) String() string { return fmt.Sprintf("%s[%d]", f.sub, f.n) }

// place is a struct's data: its offset, maybe computed at run time.
type place struct {
	l   *layout
	off func(*rframe) int
}

var (
	cgLayout  = &layout{name: "cg", fields: map[string]field{"max": {off: 0, t: Int}, "path": {off: 4, text: 8}}}
	sysLayout = &layout{name: "sys", fields: map[string]field{
		"n":   {off: 0, t: UInt},
		"cg":  {off: 8, sub: cgLayout, n: 3, size: 12},
		"tot": {off: 48, t: ULong},
	}}
	errIndex = errors.New("index out of range")
)

type recHost struct{ BaseHost[rframe] }

func (recHost) Fail(f *rframe, err error) {
	if f.err == nil {
		f.err = err
	}
}

func (recHost) Ident(x *Ident) (Operand[rframe], error) {
	if x.Name == "sys" {
		return HostOperand[rframe](HostType(sysLayout), place{sysLayout, func(*rframe) int { return 0 }}), nil
	}
	return BaseHost[rframe]{}.Ident(x)
}

func (recHost) Member(x Operand[rframe], m *Member) (Operand[rframe], error) {
	p := x.Host.(place)
	fl, ok := p.l.fields[m.Name]
	if !ok {
		return Operand[rframe]{}, errorf(m.Pos, "%s has no field %q", p.l, m.Name)
	}
	base, off := p.off, fl.off
	switch {
	case fl.sub != nil:
		return HostOperand[rframe](HostType(fl), place{fl.sub, func(f *rframe) int { return base(f) + off }}), nil
	case fl.text > 0:
		n := fl.text
		return TextLeaf(func(f *rframe) []byte {
			b := f.rec[base(f)+off:][:n]
			for i, c := range b {
				if c == 0 {
					return b[:i]
				}
			}
			return b
		}), nil
	case fl.t.Bits == 64:
		return IntLeaf(fl.t, func(f *rframe) int64 { return int64(binary.LittleEndian.Uint64(f.rec[base(f)+off:])) }), nil
	case fl.t.Unsigned:
		return IntLeaf(fl.t, func(f *rframe) int64 { return int64(binary.LittleEndian.Uint32(f.rec[base(f)+off:])) }), nil
	}
	return IntLeaf(fl.t, func(f *rframe) int64 { return int64(int32(binary.LittleEndian.Uint32(f.rec[base(f)+off:]))) }), nil
}

func (h recHost) Index(x, i Operand[rframe], n *Index) (Operand[rframe], error) {
	arr, ok := x.Type.Host.(field)
	if !ok || arr.n == 0 {
		return Operand[rframe]{}, errorf(n.Pos, "index of %s", x.Type)
	}
	p := x.Host.(place)
	base, idx, size, count := p.off, i.Int, arr.size, int64(arr.n)
	if i.Const {
		k := i.Value.I
		idx = func(*rframe) int64 { return k }
	}
	return HostOperand[rframe](HostType(arr.sub), place{arr.sub, func(f *rframe) int {
		k := idx(f)
		if k < 0 || k >= count {
			h.Fail(f, errIndex)
			return 0
		}
		return base(f) + int(k)*size
	}}), nil
}

// Call: limit(ix, v) is -2 when ix is -1, else v: v is evaluated only then.
func (h recHost) Call(c *Call, args Args[rframe]) (Operand[rframe], error) {
	if c.Fun.(*Ident).Name != "limit" || args.Len() != 2 {
		return h.BaseHost.Call(c, args)
	}
	ix, err := args.Check(0)
	if err != nil {
		return ix, err
	}
	v, err := args.Check(1)
	if err != nil {
		return v, err
	}
	if ix, err = args.Convert(ix, Long, c); err != nil {
		return ix, err
	}
	if v, err = args.Convert(v, Long, c); err != nil {
		return v, err
	}
	a, b := ix.Int, v.Int
	if ix.Const {
		k := ix.Value.I
		a = func(*rframe) int64 { return k }
	}
	if v.Const {
		k := v.Value.I
		b = func(*rframe) int64 { return k }
	}
	return IntLeaf(Long, func(f *rframe) int64 {
		if a(f) == -1 {
			return -2
		}
		return b(f)
	}), nil
}

func TestHostKinds(t *testing.T) {
	rec := make([]byte, 56)
	binary.LittleEndian.PutUint32(rec[0:], 2)
	for i := range 3 {
		binary.LittleEndian.PutUint32(rec[8+12*i:], uint32(100*(i+1)))
		copy(rec[8+12*i+4:], fmt.Sprintf("/cg%d", i))
	}
	binary.LittleEndian.PutUint64(rec[48:], 1<<63)
	for src, want := range map[string]string{
		"sys.cg[1].max":                                 "200",
		"sys.cg[sys.n].path":                            `"/cg2"`,
		"sys.cg[0].path == \"/cg0\" ? sys.tot : 0":      "9223372036854775808",
		"limit(sys.n - 3, sys.cg[sys.n - 3].max)":       "-2", // the index -1 is never used
		"limit(sys.n - 1, sys.cg[sys.n - 1].max)":       "200",
		"sys.cg[2].max * 1.5":                           "450",
		"sys.tot / sys.n > 1 && sys.cg[1].path != \"\"": "1",
	} {
		x, err := Parse("", src)
		require.NoError(t, err, src)
		p, err := Check(x.X, Descriptions, Host[rframe](recHost{}))
		require.NoError(t, err, src)
		f := &rframe{rec: rec}
		v, err := p.Eval(f)
		require.NoError(t, err, src)
		require.NoError(t, f.err, src)
		assert.Equal(t, want, v.String(), src)
		// and compiled
		o := p.Operand()
		var got string
		switch o.Type.Kind {
		case KInt:
			got = Value{Type: o.Type, I: o.Int(f)}.String()
		case KFloat:
			got = Value{Type: o.Type, F: o.Float(f)}.String()
		case KText:
			got = fmt.Sprintf("%q", o.Text(f))
		}
		assert.Equal(t, want, got, src)
		assert.NoError(t, f.err, src)
	}
	// an index out of range, and a name not known, where evaluated
	for src, msg := range map[string]string{
		"sys.cg[sys.n + 1].max":  "index out of range",
		"sys.n ? sys.nosuch : 1": `1:12: struct sys has no field "nosuch"`,
		"sys.cg + 1":             `1:4: struct cg[3] has no value`,
	} {
		x, err := Parse("", src)
		require.NoError(t, err)
		p, err := Check(x.X, Descriptions, Host[rframe](recHost{}))
		require.NoError(t, err, src)
		f := &rframe{rec: rec}
		_, err = p.Eval(f)
		if err == nil {
			err = f.err
		}
		assert.EqualError(t, err, msg, src)
		f = &rframe{rec: rec}
		p.Int()(f)
		assert.EqualError(t, f.err, msg, src)
	}
}

// keepHost is recHost with structs that stay structs when a scalar is
// needed: the operator that needs one words the error.
type keepHost struct{ recHost }

func (keepHost) Load(x Operand[rframe], _ Node) (Operand[rframe], error) { return x, nil }

func TestHostKindOperands(t *testing.T) {
	rec := make([]byte, 56)
	for src, msg := range map[string]string{
		"sys.cg + 1":       `1:8: operator + on struct cg[3] and an integer`,
		"2 * sys":          `1:3: operator * on an integer and struct sys`,
		"-sys.cg":          `1:1: operator - on struct cg[3]`,
		"~sys":             `1:1: operator ~ on struct sys`,
		"!sys":             `1:1: struct sys has no truth value`,
		"sys && 1":         `1:1: struct sys has no truth value`,
		"sys.n || sys.cg":  `1:13: struct cg[3] has no truth value`,
		"sys.n ? 1 : 2":    "",
		"(int)sys":         `1:1: cast of struct sys`,
		"sys.cg == sys.cg": `1:8: operator == on struct cg[3] and struct cg[3]`,
	} {
		x, err := Parse("", src)
		require.NoError(t, err)
		p, err := Check(x.X, Descriptions, Host[rframe](keepHost{}))
		require.NoError(t, err, src)
		f := &rframe{rec: rec}
		_, err = p.Eval(f)
		if err == nil {
			err = f.err
		}
		if msg == "" {
			assert.NoError(t, err, src)
			continue
		}
		assert.EqualError(t, err, msg, src)
		f = &rframe{rec: rec}
		p.Int()(f)
		assert.EqualError(t, f.err, msg, src)
	}
}

func TestCondSameType(t *testing.T) {
	prof := *Descriptions
	prof.CondSameType = true
	rec := make([]byte, 56)
	binary.LittleEndian.PutUint32(rec[0:], 2)
	binary.LittleEndian.PutUint64(rec[48:], 1<<63)
	for src, want := range map[string]string{
		// refused: the interpreter keeps the type of the arm it takes
		`sys.n ? "text" : 7`:     "refused",
		`sys.n ? sys.tot : -1`:   "refused",
		`sys.n ? 1.5 : 1`:        "refused",
		`sys.n ? sys.cg : sys`:   "refused",
		`sys.n ? (float)1 : 1.5`: "refused",
		// the same type after the promotions
		`sys.n ? sys.n : -1`:             "2",
		`sys.n ? 'a' : 1`:                "97",
		`sys.n ? sys.tot : sys.tot + 1u`: "9223372036854775808",
		`sys.n ? sys.nosuch : "x"`:       `1:12: struct sys has no field "nosuch"`,
		// a constant condition takes its arm as it is
		`1 ? "text" : 7`:  `"text"`,
		`0 ? "text" : 7`:  "7",
		`0 ? 1 : sys.tot`: "9223372036854775808",
	} {
		x, err := Parse("", src)
		require.NoError(t, err, src)
		p, err := Check(x.X, &prof, Host[rframe](keepHost{}))
		if want == "refused" {
			require.ErrorIs(t, err, ErrCondTypes, src)
			continue
		}
		if err != nil {
			assert.Equal(t, want, err.Error(), src)
			continue
		}
		f := &rframe{rec: rec}
		v, err := p.Eval(f)
		if err == nil {
			err = f.err
		}
		if err != nil {
			assert.Equal(t, want, err.Error(), src)
			continue
		}
		assert.Equal(t, want, v.String(), src)
	}
}
