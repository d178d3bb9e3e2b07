package parseable

import (
	"fmt"
	"math"

	"github.com/cstructgo/cstruct/cstruct"
)

// value is what expressions compute. Integers follow C: they carry their
// bits in i, and uns marks a 64-bit unsigned type (for division,
// comparison and %llu). Floats remember whether they are C floats, so that
// float*int stays single precision as in C (atop's LLC percentage).
type value struct {
	k    kind
	uns  bool
	f32  bool
	i    int64
	f    float64
	s    string
	cv   cstruct.Value
	list []value
	cg   *cgroupData
}

func intVal(n int64) value       { return value{k: kInt, i: n} }
func uintVal(n uint64) value     { return value{k: kInt, i: int64(n), uns: true} }
func floatVal(f float64) value   { return value{k: kFloat, f: f} }
func float32Val(f float32) value { return value{k: kFloat, f: float64(f), f32: true} }
func strVal(s string) value      { return value{k: kStr, s: s} }
func boolVal(b bool) value {
	if b {
		return intVal(1)
	}
	return intVal(0)
}

// The interpreter (the judge of the compiled programs, judge_test.go):
// its values and their conversions, as the engine had them before it was
// compiled.

// fromScalar is the value of a scalar of the compiler (a constant).
func fromScalar(s scalar) value { return value{k: s.k, uns: s.uns, f32: s.f32, i: s.i, f: s.f, s: s.s} }

// formatValue is conv.format of a value: a scalar is formatted, and
// anything else fails as conv.format fails on it, named as it is.
func formatValue(c *conv, dst []byte, v value) ([]byte, error) {
	l := v.loaded()
	switch l.k {
	case kNone, kInt, kFloat, kStr:
		out, err := c.format(dst, scalar{k: l.k, uns: l.uns, f32: l.f32, i: l.i, f: l.f, s: l.s})
		if err != nil {
			return dst, fmt.Errorf("%s of %s", c.text, v.kindName())
		}
		return out, nil
	}
	if c.verb == '%' {
		return append(dst, '%'), nil
	}
	return dst, fmt.Errorf("%s of %s", c.text, v.kindName())
}

func (v value) kindName() string {
	switch v.k {
	case kNone:
		return "nothing"
	case kInt:
		return "an integer"
	case kFloat:
		return "a float"
	case kStr:
		return "text"
	case kC:
		return v.cv.Type().String()
	case kList:
		return "a list"
	case kCgroup:
		return "a cgroup"
	}
	return "?"
}

// load reads a scalar cstruct value into an integer, float or text value;
// structs and arrays of other than char stay as they are.
func load(cv cstruct.Value) value {
	switch t := cstruct.Underlying(cv.Type()).(type) {
	case *cstruct.Int:
		if t.Signed {
			return intVal(cv.Int())
		}
		if t.ByteSize >= 8 {
			return uintVal(cv.Uint())
		}
		return intVal(int64(cv.Uint()))
	case *cstruct.Char:
		return intVal(int64(int8(cv.Int()))) // x86 char is signed
	case *cstruct.Enum:
		return intVal(cv.Int())
	case *cstruct.Float:
		if t.ByteSize == 4 {
			return float32Val(float32(cv.Float()))
		}
		return floatVal(cv.Float())
	case *cstruct.Array:
		if cv.IsText() {
			return strVal(cv.Text())
		}
	}
	return value{k: kC, cv: cv}
}

// loaded reads a kC value if it is a scalar.
func (v value) loaded() value {
	if v.k == kC {
		return load(v.cv)
	}
	return v
}

func (v value) toInt() (int64, bool) {
	v = v.loaded()
	switch v.k {
	case kInt:
		return v.i, true
	case kFloat:
		return int64(v.f), true
	}
	return 0, false
}

func (v value) toFloat() (float64, bool) {
	v = v.loaded()
	switch v.k {
	case kFloat:
		return v.f, true
	case kInt:
		if v.uns {
			return float64(uint64(v.i)), true
		}
		return float64(v.i), true
	}
	return 0, false
}

func (v value) toStr() (string, bool) {
	v = v.loaded()
	if v.k == kStr {
		return v.s, true
	}
	return "", false
}

// truth is C's truth of a value: non-zero; a non-empty text (atop tests
// name[0]); a present cgroup.
func (v value) truth() (bool, error) {
	v = v.loaded()
	switch v.k {
	case kInt:
		return v.i != 0, nil
	case kFloat:
		return v.f != 0, nil
	case kStr:
		return v.s != "", nil
	case kNone:
		return false, nil
	case kCgroup:
		return v.cg != nil, nil
	case kList:
		return len(v.list) > 0, nil
	}
	return false, fmt.Errorf("%s has no truth value", v.kindName())
}

// arith applies a binary operator with C's usual arithmetic conversions.
func arith(op string, a, b value) (value, error) {
	a, b = a.loaded(), b.loaded()
	if a.k == kStr && b.k == kStr {
		switch op {
		case "==":
			return boolVal(a.s == b.s), nil
		case "!=":
			return boolVal(a.s != b.s), nil
		}
		return value{}, fmt.Errorf("operator %s on text", op)
	}
	if a.k == kFloat || b.k == kFloat {
		if (a.k != kFloat && a.k != kInt) || (b.k != kFloat && b.k != kInt) {
			return value{}, fmt.Errorf("operator %s on %s and %s", op, a.kindName(), b.kindName())
		}
		// float op float and float op int stay float; any double makes double
		single := (a.k != kFloat || a.f32) && (b.k != kFloat || b.f32)
		x, _ := a.toFloat()
		y, _ := b.toFloat()
		var r float64
		switch op {
		case "+":
			r = x + y
		case "-":
			r = x - y
		case "*":
			r = x * y
		case "/":
			r = x / y
		case "==":
			return boolVal(x == y), nil
		case "!=":
			return boolVal(x != y), nil
		case "<":
			return boolVal(x < y), nil
		case ">":
			return boolVal(x > y), nil
		case "<=":
			return boolVal(x <= y), nil
		case ">=":
			return boolVal(x >= y), nil
		default:
			return value{}, fmt.Errorf("operator %s on floats", op)
		}
		if single {
			x32, y32 := float32(x), float32(y)
			switch op {
			case "+":
				return float32Val(x32 + y32), nil
			case "-":
				return float32Val(x32 - y32), nil
			case "*":
				return float32Val(x32 * y32), nil
			case "/":
				return float32Val(x32 / y32), nil
			}
		}
		return floatVal(r), nil
	}
	if a.k != kInt || b.k != kInt {
		return value{}, fmt.Errorf("operator %s on %s and %s", op, a.kindName(), b.kindName())
	}
	uns := a.uns || b.uns
	x, y := a.i, b.i
	res := func(n int64) value { return value{k: kInt, i: n, uns: uns} }
	switch op {
	case "+":
		return res(x + y), nil
	case "-":
		return res(x - y), nil
	case "*":
		return res(x * y), nil
	case "/", "%":
		if y == 0 {
			return value{}, fmt.Errorf("division by zero")
		}
		if uns {
			if op == "/" {
				return res(int64(uint64(x) / uint64(y))), nil
			}
			return res(int64(uint64(x) % uint64(y))), nil
		}
		if x == math.MinInt64 && y == -1 {
			return res(x), nil
		}
		if op == "/" {
			return res(x / y), nil
		}
		return res(x % y), nil
	case "&":
		return res(x & y), nil
	case "|":
		return res(x | y), nil
	case "^":
		return res(x ^ y), nil
	case "<<":
		return res(x << uint(y&63)), nil
	case ">>":
		if uns {
			return res(int64(uint64(x) >> uint(y&63))), nil
		}
		return res(x >> uint(y&63)), nil
	case "==":
		return boolVal(x == y), nil
	case "!=":
		return boolVal(x != y), nil
	}
	var less, eq bool
	if uns {
		less, eq = uint64(x) < uint64(y), x == y
	} else {
		less, eq = x < y, x == y
	}
	switch op {
	case "<":
		return boolVal(less), nil
	case ">":
		return boolVal(!less && !eq), nil
	case "<=":
		return boolVal(less || eq), nil
	case ">=":
		return boolVal(!less), nil
	}
	return value{}, fmt.Errorf("unknown operator %s", op)
}
