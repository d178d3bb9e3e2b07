package parseable

import "github.com/cstructgo/cstruct/cstruct"

// Reads of plain integer fields at fixed places, by a cstruct.Scalar of
// the field's Go type: the closure holds a window offset and a shift, not
// an Accessor, and its fast path is one length check and one load. Each
// Go type is its own instantiation, so the conversion to int64 (sign or
// zero extension) is fixed in the code.

// sysInt reads acc from the sstat, or is nil when acc is no plain integer
// of 1, 2, 4 or 8 bytes. slow reads what the fast path cannot: an sstat
// not inflated yet, or too short.
func sysInt(acc cstruct.Accessor, need int, slow func(*frame) int64) func(*frame) int64 {
	need = max(need, 8) // a Scalar loads 8 bytes
	switch {
	case !acc.IsInteger():
		return nil
	case acc.Signed():
		switch acc.Size() {
		case 8:
			return sysScalar[int64](acc, need, slow)
		case 4:
			return sysScalar[int32](acc, need, slow)
		case 2:
			return sysScalar[int16](acc, need, slow)
		case 1:
			return sysScalar[int8](acc, need, slow)
		}
	default:
		switch acc.Size() {
		case 8:
			return sysScalar[uint64](acc, need, slow)
		case 4:
			return sysScalar[uint32](acc, need, slow)
		case 2:
			return sysScalar[uint16](acc, need, slow)
		case 1:
			return sysScalar[uint8](acc, need, slow)
		}
	}
	return nil
}

func sysScalar[T cstruct.Number](acc cstruct.Accessor, need int, slow func(*frame) int64) func(*frame) int64 {
	s, err := cstruct.ScalarFrom[T](acc)
	if err != nil {
		return nil // a bit-field, a bool, an enum: Accessor.Int's rules
	}
	return func(f *frame) int64 {
		if b := f.sysRoot; len(b) >= need {
			return int64(s.Get(b))
		}
		return slow(f)
	}
}

// taskInt is sysInt for a field of the task in slot.
func taskInt(acc cstruct.Accessor, need, slot int, slow func(*frame) int64) func(*frame) int64 {
	need = max(need, 8)
	switch {
	case !acc.IsInteger():
		return nil
	case acc.Signed():
		switch acc.Size() {
		case 8:
			return taskScalar[int64](acc, need, slot, slow)
		case 4:
			return taskScalar[int32](acc, need, slot, slow)
		case 2:
			return taskScalar[int16](acc, need, slot, slow)
		case 1:
			return taskScalar[int8](acc, need, slot, slow)
		}
	default:
		switch acc.Size() {
		case 8:
			return taskScalar[uint64](acc, need, slot, slow)
		case 4:
			return taskScalar[uint32](acc, need, slot, slow)
		case 2:
			return taskScalar[uint16](acc, need, slot, slow)
		case 1:
			return taskScalar[uint8](acc, need, slot, slow)
		}
	}
	return nil
}

func taskScalar[T cstruct.Number](acc cstruct.Accessor, need, slot int, slow func(*frame) int64) func(*frame) int64 {
	s, err := cstruct.ScalarFrom[T](acc)
	if err != nil {
		return nil
	}
	return func(f *frame) int64 {
		if b := tail(f.tstat, f.ints[slot]); len(b) >= need {
			return int64(s.Get(b))
		}
		return slow(f)
	}
}
