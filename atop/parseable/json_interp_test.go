package parseable

import "fmt"

// The interpreter's -J: the header that opens a sample, and jsonsafe and
// jsonstr (json_funcs.go).

func init() {
	judgeJSONHeader = func(g *engine, f *frame, in *sampleInput, dst []byte) ([]byte, error) {
		r := newRun(g.d, &g.hdr, in, &f.parts, false, g.loc)
		out, err := (&env{d: g.d, r: r}).fill(dst, g.d.header)
		if err != nil {
			return dst, fmt.Errorf("parseable: header: %w", err)
		}
		return out, nil
	}
}

// fnJSON is jsonsafe (hash) or jsonstr.
func fnJSON(hash bool) func(*env, []value) (value, error) {
	return func(_ *env, a []value) (value, error) {
		s, ok := a[0].toStr()
		if !ok {
			return value{}, fmt.Errorf("of %s", a[0].kindName())
		}
		n, ok := a[1].toInt()
		if !ok {
			return value{}, fmt.Errorf("length is %s", a[1].kindName())
		}
		return strVal(string(appendJSONText(nil, []byte(s), n, hash))), nil
	}
}
