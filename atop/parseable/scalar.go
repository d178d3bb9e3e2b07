package parseable

// kind is the kind of a value in a line description.
type kind uint8

const (
	kNone   kind = iota // nothing: an expression that always fails
	kInt                // a C integer (int64 bits; uns for unsigned long long)
	kFloat              // a C float (f32) or double
	kStr                // text: a char array read up to its NUL
	kC                  // a struct, an array, or a scalar not read yet
	kList               // tasks, cgroups, pids
	kCgroup             // one cgroup of a sample
)

// kindNames name the kinds in messages; a kC value is named by its C type.
var kindNames = [...]string{kNone: "nothing", kInt: "an integer", kFloat: "a float", kStr: "text",
	kList: "a list", kCgroup: "a cgroup"}

// A scalar is a value that the compiler knows (a constant, folded) or a
// conversion formats (conv.format): an integer with its bits in i, uns
// for a 64-bit unsigned type (for division, comparison and %llu); a float
// that remembers whether it is a C float; or a text.
type scalar struct {
	k   kind
	uns bool
	f32 bool
	i   int64
	f   float64
	s   string
}

func intScalar(n int64) scalar  { return scalar{k: kInt, i: n} }
func strScalar(s string) scalar { return scalar{k: kStr, s: s} }
func boolScalar(b bool) scalar {
	if b {
		return intScalar(1)
	}
	return intScalar(0)
}

func (v scalar) kindName() string {
	if int(v.k) < len(kindNames) && kindNames[v.k] != "" {
		return kindNames[v.k]
	}
	return "?"
}

// toInt is the value as an integer: a float truncates.
func (v scalar) toInt() (int64, bool) {
	switch v.k {
	case kInt:
		return v.i, true
	case kFloat:
		return int64(v.f), true
	}
	return 0, false
}

// toFloat is the value as a double; an unsigned integer converts as one.
func (v scalar) toFloat() (float64, bool) {
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

func (v scalar) toStr() (string, bool) { return v.s, v.k == kStr }
