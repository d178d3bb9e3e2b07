package parseable

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHeaderConstants: hertz and pagesize are constants of a program, so
// a program is compiled per header figures (never reused with another
// header's), and a header with a zero figure keeps the value read per
// sample: a division by it fails where it runs, as in the interpreter.
func TestHeaderConstants(t *testing.T) {
	s := sharedSynthetic(t)
	src := `atop 2.13
header %s{label}
label HZ
	print %lld{sys.cpu.all.stime * 100 / (hertz * interval)} %lld{sys.mem.physmem * pagesize} %lld{hertz} %lld{pagesize}
end
label PG
	print %lld{sys.mem.physmem / pagesize}
end
`
	d, err := parseDesc("t.txt", src)
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, c := range []struct {
		hertz, pagesize int
		fails           string // the label that fails, if any
	}{{100, 4096, ""}, {250, 8192, ""}, {100, 4096, ""}, {0, 4096, "HZ"}, {100, 0, "PG"}} {
		h := *s.hdr
		h.Hertz, h.PageSize = c.hertz, c.pagesize
		for _, label := range []string{"HZ", "PG"} {
			var outs [2]string
			var errs [2]error
			for k, interp := range []bool{true, false} {
				e, err := newEngine(io.Discard, d, &h, Options{Labels: []string{label}, Location: time.UTC}, interp)
				require.NoError(t, err)
				b, err := e.appendSample(nil, s.in)
				outs[k], errs[k] = string(b), err
			}
			if label == c.fails {
				require.Error(t, errs[0], "%+v", c)
				require.Error(t, errs[1], "%+v", c)
				assert.Equal(t, errs[0].Error(), errs[1].Error())
				assert.Contains(t, errs[1].Error(), "division by zero")
				continue
			}
			require.NoError(t, errs[0], "%+v", c)
			require.NoError(t, errs[1], "%+v", c)
			assert.Equal(t, outs[0], outs[1], "%+v %s", c, label)
			seen[outs[1]] = true
		}
	}
	assert.Len(t, seen, 5, "each header's figures print their own lines")
}
