package parseable

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every version with definitions has a line description that parses.
func TestEmbeddedDescs(t *testing.T) {
	vers := atop.Versions()
	require.NotEmpty(t, vers)
	for _, v := range vers {
		d, err := descFor(v.String())
		require.NoError(t, err, v)
		assert.Equal(t, v.String(), d.version)
		assert.Equal(t, v.Minor >= 7, d.optZ, "-Z in %s", v)
		assert.Equal(t, "CPU", d.labels[0].name)
		assert.Equal(t, "PRG", d.byName["PRG"].name)
	}
}

func TestDescErrors(t *testing.T) {
	for _, c := range []struct{ src, msg string }{
		{"header x\n", "missing the \"atop VERSION\" line"},
		{"atop 9.9\n", "missing the \"header\" line"},
		{"atop 9.9\nheader %d\n", "without {expression}"},
		{"atop 9.9\nheader %d{1 +}\n", "expression ends early"},
		{"atop 9.9\nheader %d{(1}\n", "missing \")\""},
		{"atop 9.9\nheader %d{1\n", "missing \"}\""},
		{"atop 9.9\nheader x\nlabel A\nprint x\n", "missing end"},
		{"atop 9.9\nheader x\nlabel A\nend\nlabel A\nend\n", "label A twice"},
		{"atop 9.9\nheader x\nlabel A\nfrob\nend\n", "unknown statement \"frob\""},
		{"atop 9.9\nheader x\nlabel A\nfor x\nend\nend\n", "want: for"},
		{"atop 9.9\nheader x\nlabel A\nlet = 1\nend\n", "want: let NAME = EXPR"},
		{"atop 9.9\nheader x\nlabel A\nelse\nend\n", "else without if"},
		{"atop 9.9\noption Q\n", "unknown option"},
		{"atop 9.9\nconst X = nosuch\n", "unknown name"},
		{"atop 9.9\ndef f(a b) = a\n", "unexpected \"b\"; want: def NAME(PARAMS) = EXPR"},
		{"atop 9.9\nwhat\n", "unknown line"},
		// positions: file:line:col, continuation lines by their own line
		{"atop 9.9\nheader x\nlabel A\n  print %d{1} \\\n\t  %d{a b}\nend\n", "t.txt:5:9: unexpected \"b\""},
		{"atop 9.9\nheader x\nlabel A\n  print %d{1} \\\n\t  %d{\"abc}\nend\n", "t.txt:5:7: unterminated literal"},
		{"atop 9.9\nheader x\nlabel A\n\tfor x in a count\n\tend\nend\n", "t.txt:4:18: expression ends early; want: for"},
		{"atop 9.9\nheader x\nlabel A\n\tif 1\n\telse\n\telse\n\tend\nend\n", "t.txt:6:2: else without if"},
		{"atop 9.9\nheader x\nlabel A\n\tprint %d{08} %q{1}\nend\n", "t.txt:4:11: bad number \"08\""},
		{"atop 9.9\nheader x\nlabel A\n\tprint %q{1}\nend\n", "t.txt:4:8: unsupported conversion \"%q\""},
		{"atop 9.9\nheader x\nlabel A\n\tprint %d{f(1)(2)}\nend\n", "t.txt:4:15: only named functions can be called"},
		{"atop 9.9\nheader x\nlabel A\n\tprint\tx\nend\n", "t.txt:4:2: unknown statement \"print\\tx\""},
		{"atop 9.9\nheader x\nlabel A\nend x\n", "t.txt:4:1: text after end"},
		{"atop 9.9\nlet x = 1\n", "t.txt:2:1: unknown line \"let\""},
		// C's expressions that the language leaves out
		{"atop 9.9\nheader %d{(x) 1}\n", "t.txt:2:11: a cast: write it as a call"},
		{"atop 9.9\nheader %d{sizeof x}\n", "t.txt:2:11: no sizeof in descriptions"},
		{"atop 9.9\nheader %d{+1}\n", "t.txt:2:11: unexpected \"+\""},
		{"atop 9.9\nheader %d{a->b}\n", "t.txt:2:13: unexpected \">\""},
	} {
		_, err := parseDesc("t.txt", c.src)
		if assert.Error(t, err, c.src) {
			assert.Contains(t, err.Error(), c.msg, c.src)
		}
	}
}

// A description from a directory replaces the embedded one, so a new atop
// version (or a fix) needs a file, not a rebuild.
func TestDefsDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "2.3"), 0o755))
	desc := `atop 2.3
const TWO = 2
def twice(x) = x * TWO
header %s{label}:%s{host}
label CPU
	for i, c in sys.cpu.cpu count sys.cpu.nrcpu
		if i == 0
			print first %d{twice(c.cpunr + 1)} %s{i == 0 ? "zero" : "other"}
		else
			print %d{i}%%
		end
	end
end
label XYZ
	print %d{len(tasks) > 0}
end
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "2.3", DescFile), []byte(desc), 0o644))
	r, err := atop.Open(filepath.Join(testdata, "fixtures", "atop-2.3.0-small.raw"))
	require.NoError(t, err)
	defer r.Close()
	var out bytes.Buffer
	require.NoError(t, Print(&out, r, Options{Labels: []string{"XYZ,CPU"}, DefsDir: dir, Location: time.UTC}))
	want := ""
	for i := 0; i < 6; i++ {
		if i == 0 {
			want += "RESET\n"
		}
		want += "CPU:vm first 2 zero\nCPU:vm 1%\nXYZ:vm 1\nSEP\n"
	}
	assert.Equal(t, want, out.String())

	// a description of another version is refused
	require.NoError(t, os.WriteFile(filepath.Join(dir, "2.3", DescFile), []byte("atop 2.4\nheader x\n"), 0o644))
	_, err = findDesc(dir, "2.3")
	assert.ErrorContains(t, err, "describes atop 2.4")
}

// Mistakes that only show with data are reported with the label.
func TestRunErrors(t *testing.T) {
	r, err := atop.Open(filepath.Join(testdata, "fixtures", "atop-2.3.0-small.raw"))
	require.NoError(t, err)
	defer r.Close()
	s, err := r.Next()
	require.NoError(t, err)
	for _, c := range []struct{ body, msg string }{
		{"print %d{sys.cpu.nosuch}", "no field \"nosuch\""},
		{"print %d{nosuch}", "unknown name \"nosuch\""},
		{"print %d{nosuch(1)}", "unknown function \"nosuch\""},
		{"print %d{sys.cpu}", "%d of struct"},
		{"print %s{1}", "%s of an integer"},
		{"print %d{1 / 0}", "division by zero"},
		{"print %d{sys.cpu.cpu[5000].stime}", "out of range"},
		{"for x in sys.cpu.nrcpu\nend", "not an array"},
		{"print %d{exitcode(1, 2)}", "takes 1 arguments"},
	} {
		d, err := parseDesc("t.txt", "atop 2.3\nheader H\nlabel CPU\n"+c.body+"\nend\n")
		require.NoError(t, err, c.body)
		var msgs [2]string
		for k, interp := range []bool{false, true} {
			var out bytes.Buffer
			e, err := newEngine(&out, d, r.Header(), Options{Labels: []string{"ALL"}}, interp)
			require.NoError(t, err)
			in := inputOf(s)
			err = e.sample(&in)
			if assert.Error(t, err, c.body) {
				assert.Contains(t, err.Error(), c.msg, c.body)
				assert.Contains(t, err.Error(), "CPU", c.body)
				msgs[k] = err.Error()
			}
			assert.Empty(t, out.String(), "nothing of a failed sample is written")
		}
		assert.Equal(t, msgs[1], msgs[0], "the compiled program fails as the interpreter does")
	}
}

func TestLabels(t *testing.T) {
	all := "CPU cpu CPL GPU MEM SWP PAG PSI LVM MDD DSK NFM NFC NFS NET IFB NUM NUC LLC CGR PRG PRC PRM PRD PRN PRE"
	for _, c := range []struct {
		minor   int
		missing string
	}{
		{3, "GPU PSI IFB NUM NUC LLC CGR PRE"},
		{4, "NUM NUC LLC CGR"}, {5, "NUM NUC LLC CGR"}, {6, "NUM NUC LLC CGR"},
		{7, "LLC CGR"}, {8, "CGR"}, {9, "CGR"}, {10, "CGR"},
		{11, ""}, {12, ""}, {13, ""},
	} {
		var want []string
		for _, l := range strings.Fields(all) {
			if !slices.Contains(strings.Fields(c.missing), l) {
				want = append(want, l)
			}
		}
		got, err := Labels(atop.Version{Major: 2, Minor: c.minor}, "")
		require.NoError(t, err)
		assert.Equal(t, want, got, "2.%d", c.minor)
	}
	_, err := Labels(atop.Version{Major: 2, Minor: 99}, "")
	assert.Error(t, err)
}
