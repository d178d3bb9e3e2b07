package parseable

import "github.com/cstructgo/cstruct/cstruct"

// Reads of plain integer fields at fixed places, by a cstruct.Scalar of
// the field's Go type: the closure holds a window offset and a shift, not
// an Accessor, and its fast path is one length check and one load. Each
// Go type is its own instantiation, so the conversion to int64 (sign or
// zero extension) is fixed in the code.

// fastInt reads acc from the sstat (slot < 0) or from the task in slot,
// or is nil when acc is no plain integer of 1, 2, 4 or 8 bytes. slow
// reads what the fast path cannot: an sstat not inflated yet, or a record
// too short.
func fastInt(acc cstruct.Accessor, need, slot int, slow func(*frame) int64) func(*frame) int64 {
	need = max(need, 8) // a Scalar loads 8 bytes
	if !acc.IsInteger() {
		return nil
	}
	switch size, signed := acc.Size(), acc.Signed(); {
	case size == 8 && signed:
		return scalarInt[int64](acc, need, slot, slow)
	case size == 8:
		return scalarInt[uint64](acc, need, slot, slow)
	case size == 4 && signed:
		return scalarInt[int32](acc, need, slot, slow)
	case size == 4:
		return scalarInt[uint32](acc, need, slot, slow)
	case size == 2 && signed:
		return scalarInt[int16](acc, need, slot, slow)
	case size == 2:
		return scalarInt[uint16](acc, need, slot, slow)
	case size == 1 && signed:
		return scalarInt[int8](acc, need, slot, slow)
	case size == 1:
		return scalarInt[uint8](acc, need, slot, slow)
	}
	return nil
}

func scalarInt[T cstruct.Number](acc cstruct.Accessor, need, slot int, slow func(*frame) int64) func(*frame) int64 {
	s, err := cstruct.ScalarFrom[T](acc)
	if err != nil {
		return nil // a bit-field, a bool, an enum: Accessor.Int's rules
	}
	if slot < 0 {
		return func(f *frame) int64 {
			if b := f.sysRoot; len(b) >= need {
				return int64(s.Get(b))
			}
			return slow(f)
		}
	}
	return func(f *frame) int64 {
		if b := tail(f.tstat, f.ints[slot]); len(b) >= need {
			return int64(s.Get(b))
		}
		return slow(f)
	}
}
