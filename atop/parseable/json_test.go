package parseable

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"github.com/cstructgo/cstruct/atop"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonOracleOf is the -J oracle of a log: LOG.J.txt (for LOG.gz without
// the .gz), atop's own "atop -J ALL -r LOG" of the version that wrote it.
func jsonOracleOf(log string) string { return strings.TrimSuffix(log, ".gz") + ".J.txt" }

// jsonLogFiles lists every raw log under testdata that has a -J oracle.
func jsonLogFiles(t testing.TB) []string {
	var logs []string
	err := filepath.WalkDir(testdata, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".txt") {
			return err
		}
		if _, err := os.Stat(jsonOracleOf(path)); err == nil {
			logs = append(logs, path)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, logs)
	return logs
}

// TestJSONOracles: -J ALL of every log with a -J oracle equals atop's
// output byte for byte.
func TestJSONOracles(t *testing.T) {
	for _, log := range jsonLogFiles(t) {
		t.Run(filepath.Base(log), func(t *testing.T) {
			got, err := printLog(t, log, Options{Labels: []string{"ALL"}, JSON: true})
			require.NoError(t, err)
			want, err := os.ReadFile(jsonOracleOf(log))
			require.NoError(t, err)
			if d := firstJSONDiff(string(want), got); d != "" {
				t.Fatal(d)
			}
		})
	}
}

// firstJSONDiff describes where two -J outputs first differ, or "": the
// line and some bytes around the first differing byte.
func firstJSONDiff(want, got string) string {
	if want == got {
		return ""
	}
	wl := strings.SplitAfter(want, "\n")
	gl := strings.SplitAfter(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w == g {
			continue
		}
		j := 0
		for j < len(w) && j < len(g) && w[j] == g[j] {
			j++
		}
		from := max(j-120, 0)
		return "line " + itoa(int64(i+1)) + ", byte " + itoa(int64(j)) + ":\nwant: …" + w[from:min(len(w), j+120)] +
			"\n got: …" + g[from:min(len(g), j+120)]
	}
	return ""
}

// The large log's oracles are not kept (100 MB for -J, 83 MB for -P):
// their SHA-256 and sizes are, taken from atop 2.8.1's own output
// (Debian's package, TZ=UTC: "atop -J ALL -r" and "atop -PALL -r").
var largeLogOracles = []struct {
	opts Options
	size int
	hash string
}{
	{Options{Labels: []string{"ALL"}, JSON: true}, 100621055, "bb57ef71a990ac9cf7da680398891077b8fe21153cd127376d68a4f9e4b6c988"},
	{Options{Labels: []string{"ALL"}}, 83296846, "edf95351a65303ce1bc9e2df34bc33a72599d11e2ac42c9812261e60b4b1d086"},
}

// TestLargeLogOracles: -J ALL and -P ALL of the large log have the size
// and hash of atop's output.
func TestLargeLogOracles(t *testing.T) {
	if testing.Short() {
		t.Skip("the large log prints 180 MB")
	}
	for _, o := range largeLogOracles {
		got, err := printLog(t, benchLog, o.opts)
		require.NoError(t, err)
		sum := sha256.Sum256([]byte(got))
		assert.Equal(t, o.size, len(got), "JSON=%v", o.opts.JSON)
		assert.Equal(t, o.hash, hex.EncodeToString(sum[:]), "JSON=%v", o.opts.JSON)
	}
}

// TestJSONShippedCompile: every shipped json.txt compiles for its
// version's layout with no label left to the interpreter and no error
// found in it.
func TestJSONShippedCompile(t *testing.T) {
	for _, fx := range fixtureNames {
		r, err := atop.Open(filepath.Join(testdata, "fixtures", fx))
		require.NoError(t, err)
		h := r.Header()
		r.Close()
		d, err := findJSONDesc("", h.Version.String())
		require.NoError(t, err, fx)
		lay, err := layoutOf(h)
		require.NoError(t, err)
		p, err := programFor(d, lay, nil)
		require.NoError(t, err)
		for _, l := range d.labels {
			cl := p.labels[l]
			assert.Zero(t, cl.errOps, "%s %s has errors", fx, l.name)
		}
	}
}

// TestJSONJudge: on every log, -J ALL and every label alone, the
// compiled programs print what the interpreter prints.
func TestJSONJudge(t *testing.T) {
	for _, log := range logFiles(t) {
		t.Run(filepath.Base(log), func(t *testing.T) {
			labels := []string{"ALL"}
			if !raceOn {
				labels = append(labels, jsonLabels(t, log)...)
			}
			for _, l := range labels {
				judge(t, log, Options{Labels: []string{l}, JSON: true})
			}
		})
	}
}

// jsonLabels are the -J labels of a log's version, in table order.
func jsonLabels(t testing.TB, log string) []string {
	r, err := atop.Open(log)
	require.NoError(t, err)
	defer r.Close()
	d, err := findJSONDesc("", r.Header().Version.String())
	require.NoError(t, err)
	var names []string
	for _, l := range d.labels {
		names = append(names, l.name)
	}
	return names
}

// TestJSONValid: -J ALL of every log is one valid JSON object per sample
// and line, with host, timestamp and elapsed first.
func TestJSONValid(t *testing.T) {
	for _, log := range logFiles(t) {
		t.Run(filepath.Base(log), func(t *testing.T) {
			got, err := printLog(t, log, Options{Labels: []string{"ALL"}, JSON: true})
			require.NoError(t, err)
			r, err := atop.Open(log)
			require.NoError(t, err)
			n := 0
			for {
				if _, err := r.Next(); err != nil {
					break
				}
				n++
			}
			r.Close()
			lines := strings.SplitAfter(got, "\n")
			require.Equal(t, "", lines[len(lines)-1], "ends in a newline")
			lines = lines[:len(lines)-1]
			require.Len(t, lines, n, "one line per sample")
			for i, line := range lines {
				keys := objectKeys(t, line)
				require.GreaterOrEqual(t, len(keys), 3, "line %d", i+1)
				assert.Equal(t, []string{"host", "timestamp", "elapsed"}, keys[:3], "line %d", i+1)
			}
		})
	}
}

// objectKeys decodes a line as one JSON object and returns its keys in
// order; it fails the test if the line is not exactly that.
func objectKeys(t testing.TB, line string) []string {
	t.Helper()
	require.True(t, json.Valid([]byte(line)), "not valid JSON: %.300s", line)
	dec := json.NewDecoder(strings.NewReader(line))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var v json.RawMessage
		require.NoError(t, dec.Decode(&v))
	}
	return keys
}

const hostileLog = "../../testdata/atop/hostile/atop-2.8.1-hostile.raw"

// TestJSONHostile: a log of processes whose name has '"' and '\' and
// whose command line has those, a control byte and UTF-8: -J prints
// atop's own output (LOG.atopJ.txt) but for the control byte, which atop
// writes raw (not valid JSON) and -J writes as \u0001; every line is
// valid JSON and decodes to the command line with '#' for '"' and '\'.
func TestJSONHostile(t *testing.T) {
	atopOut, err := os.ReadFile(strings.TrimSuffix(hostileLog, ".raw") + ".raw.atopJ.txt")
	require.NoError(t, err)
	require.Contains(t, string(atopOut), "\x01", "atop writes the control byte raw")
	want := strings.ReplaceAll(string(atopOut), "\x01", `\u0001`)
	got, err := printLog(t, hostileLog, Options{Labels: []string{"ALL"}, JSON: true})
	require.NoError(t, err)
	if d := firstJSONDiff(want, got); d != "" {
		t.Fatal(d)
	}
	judge(t, hostileLog, Options{Labels: []string{"ALL"}, JSON: true})
	found := 0
	for _, line := range strings.SplitAfter(strings.TrimSuffix(got, "\n"), "\n") {
		var v struct {
			PRG []struct {
				Name    string
				Cmdline string
			}
		}
		require.NoError(t, json.Unmarshal([]byte(line), &v))
		for _, p := range v.PRG {
			if p.Name == "(a#b#c)" && strings.Contains(p.Cmdline, "quoted") {
				assert.Equal(t, "(./a#b#c -c sleep 8; : #quoted# #back#slash \x01ctl é)", p.Cmdline)
				found++
			}
		}
	}
	assert.Equal(t, 3, found, "the process in each sample")
}

// TestJSONText: jsonsafe and jsonstr, the interpreter's and the compiled
// programs' (they share appendJSONText).
func TestJSONText(t *testing.T) {
	for _, c := range []struct {
		s          string
		n          int64
		safe, str_ string
	}{
		{`plain`, -1, `plain`, `plain`},
		{`a"b\c`, -1, `a#b#c`, `a\"b\\c`},
		{"t\tx\x01\x1f\x7fé", -1, `t\u0009x\u0001\u001f` + "\x7fé", `t\u0009x\u0001\u001f` + "\x7fé"},
		{`0123456789`, 4, `0123`, `0123`},
		{`ab"\`, 3, `ab#`, `ab\"`},
		{"", 5, "", ""},
	} {
		assert.Equal(t, c.safe, string(appendJSONText(nil, []byte(c.s), c.n, true)), "jsonsafe(%q, %d)", c.s, c.n)
		assert.Equal(t, c.str_, string(appendJSONText(nil, []byte(c.s), c.n, false)), "jsonstr(%q, %d)", c.s, c.n)
	}
}

// jsonObjects splits a -J line into its members, each as atop wrote its
// value (json.RawMessage keeps the bytes).
func jsonObjects(t testing.TB, line string) (keys []string, vals map[string]json.RawMessage) {
	t.Helper()
	keys = objectKeys(t, line)
	require.NoError(t, json.Unmarshal([]byte(line), &vals))
	return keys, vals
}

// TestJSONLabels: label lists print, per sample, the oracle's host,
// timestamp and elapsed and the selected labels' members of -J ALL, in
// atop's order whatever the order given (NET gives NET_GENERAL and NET).
func TestJSONLabels(t *testing.T) {
	for _, log := range []string{"atop-2.8.1-small.raw", "atop-2.11.1-small.raw", "atop-2.13.0-small.raw"} {
		log = filepath.Join(testdata, "fixtures", log)
		oracle, err := os.ReadFile(jsonOracleOf(log))
		require.NoError(t, err)
		for _, labels := range [][]string{{"PRG"}, {"CPU,DSK"}, {"DSK", "CPU"}, {"NET"}, {"PRM,cpu", "MEM"}, {"PSI,ALL"}} {
			on := map[string]bool{"host": true, "timestamp": true, "elapsed": true}
			for _, l := range strings.Split(strings.Join(labels, ","), ",") {
				on[l] = true
			}
			var want strings.Builder
			for _, line := range strings.Split(strings.TrimSuffix(string(oracle), "\n"), "\n") {
				keys, vals := jsonObjects(t, line)
				// the members rebuilt make the line: "{" KEY ": " VALUE, ", " between, "}"
				var all, sel []string
				for _, k := range keys {
					m := `"` + k + `": ` + string(vals[k])
					all = append(all, m)
					label := k
					if k == "NET_GENERAL" {
						label = "NET"
					}
					if on[label] || on["ALL"] {
						sel = append(sel, m)
					}
				}
				require.True(t, line == "{"+strings.Join(all, ", ")+"}", "the line is its members")
				want.WriteString("{" + strings.Join(sel, ", ") + "}\n")
			}
			got, err := printLog(t, log, Options{Labels: labels, JSON: true})
			require.NoError(t, err)
			if d := firstJSONDiff(want.String(), got); d != "" {
				t.Fatalf("%s -J %s: %s", filepath.Base(log), strings.Join(labels, " -J "), d)
			}
		}
	}
}

// TestJSONDefsDir: a json.txt in Options.DefsDir replaces the embedded
// one; one without "option json" or of another version is refused.
func TestJSONDefsDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "2.3"), 0o755))
	desc := `atop 2.3
option json
header {"h": "%s{jsonstr(host, -1)}"
label CPU
	print , "n": %lld{sys.cpu.nrcpu}
end
label XYZ
	print , "x": "%s{jsonsafe("a\"b", 2)}"
end
`
	name := filepath.Join(dir, "2.3", JSONFile)
	require.NoError(t, os.WriteFile(name, []byte(desc), 0o644))
	got, err := printLog(t, filepath.Join(testdata, "fixtures", "atop-2.3.0-small.raw"),
		Options{Labels: []string{"XYZ,CPU"}, JSON: true, DefsDir: dir})
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat(`{"h": "vm", "n": 2, "x": "a#"}`+"\n", 6), got)

	require.NoError(t, os.WriteFile(name, []byte("atop 2.3\nheader x\n"), 0o644))
	_, err = findJSONDesc(dir, "2.3")
	assert.ErrorContains(t, err, `missing the "option json" line`)
	require.NoError(t, os.WriteFile(name, []byte("atop 2.4\noption json\nheader x\n"), 0o644))
	_, err = findJSONDesc(dir, "2.3")
	assert.ErrorContains(t, err, "describes atop 2.4")
}

// TestJSONSyntheticTexts: texts atop writes raw into -J (a disk name, an
// interface name, a container name) and a task name with a control byte
// come out valid JSON, escaped JSON's way, in the compiled programs and
// the interpreter alike; on every version with -J's shape.
func TestJSONSyntheticTexts(t *testing.T) {
	for _, fx := range fixtureNames {
		s := newSynthetic(t, fx)
		set(t, s.sys, "dsk.dsk[0].name", `d"k\1`)
		set(t, s.sys, "intf.intf[0].name", "e\tth")
		set(t, s.tasks[0], "gen.name", "n\x01\"m")
		var outs [2]bytes.Buffer
		for k, interp := range []bool{false, true} {
			d, err := findDesc("", s.ver.String())
			require.NoError(t, err)
			e, err := newEngine(&outs[k], d, s.hdr, Options{Labels: []string{"DSK,NET,PRG"}, JSON: true}, interp)
			require.NoError(t, err)
			require.NoError(t, e.sample(s.in))
		}
		got := outs[0].String()
		require.Equal(t, outs[1].String(), got, "%s: the compiled program prints what the interpreter prints", fx)
		var v struct {
			DSK []struct{ Dskname string }
			NET []struct{ Name string }
			PRG []map[string]any
		}
		require.NoError(t, json.Unmarshal([]byte(got), &v), "%s: %.300s", fx, got)
		assert.Equal(t, `d"k\1`, v.DSK[0].Dskname, fx)
		assert.Contains(t, got, `"dskname": "d\"k\\1"`, fx)
		assert.Equal(t, "e\tth", v.NET[0].Name, fx)
		name := "(n\x01#m)"
		if s.atLeast(11) {
			name = "n\x01#m"
			assert.Equal(t, name, v.PRG[0]["cmd"], fx)
		} else {
			assert.Equal(t, name, v.PRG[0]["name"], fx)
		}
	}
}
