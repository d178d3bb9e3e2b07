package cstruct

import (
	"fmt"
)

// ABI holds the sizes that C leaves to the platform.
type ABI struct {
	Name        string
	LongSize    int64 // long, unsigned long
	PointerSize int64 // pointers, size_t, ssize_t, uintptr_t
	TimeSize    int64 // time_t
	Int64Align  int64 // alignment of 8-byte integers and doubles inside structs
}

var (
	// LP64 is x86_64 and aarch64 Linux: long, pointers and time_t are 8 bytes.
	LP64 = ABI{Name: "lp64", LongSize: 8, PointerSize: 8, TimeSize: 8, Int64Align: 8}
	// ILP32 is i386 Linux: long, pointers and time_t are 4 bytes, and 8-byte
	// integers are 4-aligned inside structs.
	ILP32 = ABI{Name: "ilp32", LongSize: 4, PointerSize: 4, TimeSize: 4, Int64Align: 4}
)

// layoutMode says which rules lay out a struct.
type layoutMode struct {
	c      bool  // C (gcc) rules; false: dissect's packed rules
	cap    int64 // #pragma pack(N) cap on member alignment; 0 = none
	packed bool  // __attribute__((packed)) on the struct
	align  int64 // __attribute__((aligned(N))) on the struct
}

// member is a struct member before layout.
type member struct {
	name    string
	typ     Type
	bits    int64 // -1: not a bit-field
	packed  bool  // __attribute__((packed)) on the member
	aligned int64 // __attribute__((aligned(N))) / _Alignas on the member
	pos     Pos
}

func alignUp(x, a int64) int64 {
	if a <= 1 {
		return x
	}
	return (x + a - 1) / a * a
}

// bitfieldBase returns the integer type that holds a bit-field of type t.
func bitfieldBase(t Type) (*Int, bool) {
	switch u := Underlying(t).(type) {
	case *Int:
		return u, true
	case *Enum:
		return u.Base, true
	case *Char:
		return &Int{Name: "char", ByteSize: 1, Signed: true, Alignof: 1}, true
	}
	return nil, false
}

// maxTypeSize bounds the size of a type, an array's or a struct's, so
// that offsets in bits fit an int64 with room to spare.
const maxTypeSize = 1 << 40

// layout computes field offsets, size and alignment of st from its members.
// Offsets of fields that follow a dynamic field are -1: they are computed at
// decode time, with the same rules, relative to the struct's start.
func layout(st *Struct, ms []member, mode layoutMode) error {
	st.Fields = st.Fields[:0]
	var bitpos int64 // in bits
	maxAlign := int64(1)
	dynamic := false
	// dissect-mode bit-field container state
	var contOff, contSize, contUsed int64
	var contType *Int
	inCont := false

	for i, m := range ms {
		f := Field{Name: m.name, Type: m.typ, Pos: m.pos}
		size := m.typ.Size()
		if size < 0 {
			if IsDynamic(m.typ) {
				if m.bits >= 0 {
					return &Error{Pos: m.pos, Msg: fmt.Sprintf("bit-field %q has a dynamic type", m.name)}
				}
			}
		}
		natural := m.typ.Align()
		a := natural
		if !mode.c || mode.packed || m.packed {
			a = 1
		}
		if m.aligned > a {
			a = m.aligned
		}
		// gcc caps every member's alignment, an aligned attribute's too, at
		// the #pragma pack value
		if mode.c && mode.cap > 0 && a > mode.cap {
			a = mode.cap
		}
		f.Align = a

		if m.bits >= 0 {
			base, ok := bitfieldBase(m.typ)
			if !ok {
				return &Error{Pos: m.pos, Msg: fmt.Sprintf("bit-field %q has non-integer type %s", m.name, m.typ)}
			}
			width := m.bits
			tbits := base.ByteSize * 8
			if width > tbits {
				return &Error{Pos: m.pos, Msg: fmt.Sprintf("width of bit-field %q (%d bits) exceeds its type (%d bits)", m.name, width, tbits)}
			}
			if width == 0 && m.name != "" {
				return &Error{Pos: m.pos, Msg: fmt.Sprintf("named bit-field %q has zero width", m.name)}
			}
			if dynamic {
				return &Error{Pos: m.pos, Msg: fmt.Sprintf("bit-field %q follows a dynamic field", m.name)}
			}
			if st.Union {
				bitpos = 0
			}
			if !mode.c {
				// dissect: a container of the declared type holds consecutive
				// bit-fields of the same type while bits remain.
				if width == 0 {
					inCont = false
					continue
				}
				if !inCont || contType.ByteSize != base.ByteSize || contType.Signed != base.Signed || contUsed+width > contSize*8 {
					contOff = (bitpos + 7) / 8
					contSize = base.ByteSize
					contType = base
					contUsed = 0
					inCont = true
				}
				p := contOff*8 + contUsed
				contUsed += width
				f.Offset, f.BitOffset, f.BitSize = p/8, int(p%8), int(width)
				if end := (contOff + contSize) * 8; end > bitpos {
					bitpos = end
				}
				st.Fields = append(st.Fields, f)
				continue
			}
			// gcc, x86_64 SysV: a bit-field may not span more units of its
			// (capped) alignment than its type does; zero width aligns.
			ta := base.Alignof
			if mode.cap > 0 && ta > mode.cap {
				ta = mode.cap
			}
			packed := mode.packed || m.packed
			if width == 0 {
				// gcc: neither #pragma pack nor packed changes what a
				// zero-width bit-field aligns to
				bitpos = alignUp(bitpos, base.Alignof*8)
				continue
			}
			// under #pragma pack gcc skips the unit rule: bits are contiguous
			if !packed && mode.cap == 0 {
				tab := ta * 8
				off := bitpos % tab
				if (off+width+tab-1)/tab > tbits/tab {
					bitpos = alignUp(bitpos, tab)
				}
			}
			aligned := m.aligned
			if mode.cap > 0 && aligned > mode.cap {
				aligned = mode.cap
			}
			if aligned > 0 {
				bitpos = alignUp(bitpos, aligned*8)
			}
			f.Offset, f.BitOffset, f.BitSize = bitpos/8, int(bitpos%8), int(width)
			bitpos += width
			if st.Union {
				bitpos = 0
				if b := alignUp(width, 8); b > st.ByteSize*8 {
					st.ByteSize = b / 8
				}
			}
			if m.name != "" || aligned > 0 {
				// gcc: a named bit-field aligns the struct as its type does,
				// capped at the #pragma pack value if there is one, else at
				// 1 if packed
				fa := ta
				if packed && mode.cap == 0 {
					fa = 1
				}
				if aligned > fa {
					fa = aligned
				}
				if fa > maxAlign {
					maxAlign = fa
				}
			}
			st.Fields = append(st.Fields, f)
			continue
		}
		inCont = false
		if a > maxAlign {
			maxAlign = a
		}
		if st.Union {
			f.Offset = 0
			if size < 0 {
				dynamic = true
			} else if size > st.ByteSize {
				st.ByteSize = size
			}
			st.Fields = append(st.Fields, f)
			continue
		}
		if dynamic {
			f.Offset = -1
		} else {
			f.Offset = alignUp((bitpos+7)/8, a)
			if size < 0 {
				dynamic = true
				if arr, ok := Underlying(m.typ).(*Array); ok && arr.Kind == Flexible && i == len(ms)-1 {
					st.Flex = true
				}
				bitpos = f.Offset * 8
			} else {
				if f.Offset+size > maxTypeSize {
					return &Error{Pos: m.pos, Msg: fmt.Sprintf("struct too large: %q ends at byte %d (more than 2^40)", m.name, f.Offset+size)}
				}
				bitpos = (f.Offset + size) * 8
			}
		}
		st.Fields = append(st.Fields, f)
	}
	if mode.align > maxAlign {
		maxAlign = mode.align
	}
	if !mode.c && mode.align == 0 {
		// dissect computes a struct's alignment from its members even when it
		// is packed, so that an aligned parent places it correctly.
		maxAlign = 1
		for _, f := range st.Fields {
			if a := f.Type.Align(); a > maxAlign {
				maxAlign = a
			}
		}
		st.ByteAlign = maxAlign
	} else {
		st.ByteAlign = maxAlign
	}
	st.dynamic = dynamic
	switch {
	case dynamic && st.Flex:
		st.ByteSize = alignUp(bitpos/8, packAlign(mode, st.ByteAlign))
	case dynamic:
		st.ByteSize = -1
	case st.Union:
		st.ByteSize = alignUp(st.ByteSize, packAlign(mode, st.ByteAlign))
	default:
		st.ByteSize = alignUp((bitpos+7)/8, packAlign(mode, st.ByteAlign))
	}
	return st.buildIndex()
}

// packAlign is the alignment used for a struct's tail padding.
func packAlign(mode layoutMode, a int64) int64 {
	if !mode.c && mode.align == 0 {
		return 1
	}
	return a
}
