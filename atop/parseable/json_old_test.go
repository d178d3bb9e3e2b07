package parseable

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// atop 2.3 … 2.7 have no -J: their json.txt gives 2.8's shape with the
// keys their logs record. Golden files hold that output (made by the code,
// checked here against the same atop's -P oracle of each log), and every
// key a version lacks must be absent.

var updateGolden = flag.Bool("update", false, "rewrite the -J golden files of atop 2.3 … 2.7 logs")

const goldenDir = "../../testdata/atop/json"

// oldJSON are the fixtures of versions without -J, with the keys of 2.8's
// shape their logs do not record (label.key, or a whole label).
var oldJSON = []struct {
	fixture string
	absent  []string
}{
	{"atop-2.3.0-small.raw", []string{"GPU", "PSI", "IFB", "NUM", "NUC", "LLC", "PRE", "CPU.instr", "CPU.cycle",
		"cpu.instr", "cpu.cycle", "SWP.swcac", "PAG.compacts", "PAG.pgins", "PAG.oomkills", "DSK.ndiscrd",
		"DSK.inflight", "PRC.rundelay", "PRC.blkdelay", "PRM.vlock"}},
	{"atop-2.5.0-small.raw", []string{"NUM", "NUC", "LLC", "SWP.swcac", "PAG.compacts", "PAG.pgins",
		"PAG.oomkills", "DSK.ndiscrd", "DSK.inflight", "PRC.rundelay", "PRC.blkdelay", "PRM.vlock"}},
	{"atop-2.7.1-small.raw", []string{"LLC", "PAG.pgins", "PAG.pgouts", "DSK.inflight", "PRC.blkdelay"}},
}

// TestJSONOldGolden: -J ALL of 2.3, 2.5 and 2.7 logs equals its golden
// file, every key a version lacks is absent, and the values are those of
// the same atop's -P oracle: the sample's time and interval, CPU, MEM (in
// bytes), DSK and the processes and threads of PRG (without the
// main-thread entries).
func TestJSONOldGolden(t *testing.T) {
	for _, o := range oldJSON {
		t.Run(o.fixture, func(t *testing.T) {
			log := filepath.Join(testdata, "fixtures", o.fixture)
			got, err := printLog(t, log, Options{Labels: []string{"ALL"}, JSON: true})
			require.NoError(t, err)
			golden := filepath.Join(goldenDir, o.fixture+".J.golden")
			if *updateGolden {
				require.NoError(t, os.MkdirAll(goldenDir, 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "make it with go test -run JSONOldGolden -update")
			if d := firstJSONDiff(string(want), got); d != "" {
				t.Fatal(d)
			}
			samples := pSamples(readOracle(t, log))
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			require.Len(t, lines, len(samples))
			for i, line := range lines {
				var v map[string]json.RawMessage
				require.NoError(t, json.Unmarshal([]byte(line), &v))
				for _, a := range o.absent {
					label, key, ok := strings.Cut(a, ".")
					if !ok {
						assert.NotContains(t, v, label)
						continue
					}
					assert.NotContains(t, members(t, v[label]), key, "%s sample %d", a, i)
				}
				checkAgainstP(t, v, samples[i])
			}
		})
	}
}

// members are the keys of a JSON object, or of the first object of an
// array.
func members(t *testing.T, raw json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if len(raw) > 0 && raw[0] == '[' {
		var a []map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(raw, &a))
		require.NotEmpty(t, a)
		return a[0]
	}
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

// pSamples splits a -P oracle into its samples: per label the fields of
// each line after the six common ones, and the common ones of the sample.
type pSample struct {
	epoch, interval string
	lines           map[string][][]string
}

func pSamples(oracle string) []pSample {
	var out []pSample
	cur := pSample{lines: map[string][][]string{}}
	for _, line := range strings.Split(strings.TrimSuffix(oracle, "\n"), "\n") {
		switch line {
		case "RESET":
			continue
		case "SEP":
			out = append(out, cur)
			cur = pSample{lines: map[string][][]string{}}
			continue
		}
		f := strings.Fields(line)
		cur.epoch, cur.interval = f[2], f[5]
		cur.lines[f[0]] = append(cur.lines[f[0]], f[6:])
	}
	return out
}

// checkAgainstP compares a -J sample with the -P lines of the same sample.
func checkAgainstP(t *testing.T, v map[string]json.RawMessage, p pSample) {
	num := func(raw json.RawMessage) string { return strings.Trim(string(raw), `"`) }
	assert.Equal(t, p.epoch, num(v["timestamp"]))
	assert.Equal(t, p.interval, num(v["elapsed"]))

	cpu := members(t, v["CPU"])
	pc := p.lines["CPU"][0]
	for i, k := range []string{"hertz", "nrcpu", "stime", "utime", "ntime", "itime", "wtime", "Itime", "Stime", "steal", "guest", "freq", "freqperc"} {
		assert.Equal(t, pc[i], num(cpu[k]), "CPU %s", k)
	}

	mem := members(t, v["MEM"])
	pm := p.lines["MEM"][0]
	pagesize, err := strconv.ParseInt(pm[0], 10, 64)
	require.NoError(t, err)
	// ("" is vmwballoon: -P prints atop's unknown -1 as 0, 2.8's -J as -1
	// times the page size)
	for i, k := range []string{"physmem", "freemem", "cachemem", "buffermem", "slabmem", "cachedrt", "slabreclaim", "", "shmem", "shmrss", "shmswp"} {
		if k == "" {
			continue
		}
		pages, err := strconv.ParseInt(pm[i+1], 10, 64)
		require.NoError(t, err)
		assert.Equal(t, strconv.FormatInt(pages*pagesize, 10), num(mem[k]), "MEM %s", k)
	}

	var dsk []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(v["DSK"], &dsk))
	require.Len(t, dsk, len(p.lines["DSK"]))
	for i, d := range dsk {
		pd := p.lines["DSK"][i]
		assert.Equal(t, pd[0], num(d["dskname"]))
		for j, k := range []string{"io_ms", "nread", "nrsect", "nwrite", "nwsect"} {
			assert.Equal(t, pd[j+1], num(d[k]), "DSK %s", k)
		}
	}

	// PRG: -P lines are pid (name) state ruid rgid tgid nthr excode btime …;
	// names here have no blanks
	var prg []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(v["PRG"], &prg))
	var want [][]string
	for _, f := range p.lines["PRG"] {
		isproc := f[len(f)-1]
		for _, x := range f {
			if x == "y" || x == "n" {
				isproc = x // the first y/n field after the command line
			}
		}
		if f[0] == f[5] && isproc == "n" {
			continue // the main-thread entry
		}
		want = append(want, f)
	}
	require.Len(t, prg, len(want))
	for i, g := range prg {
		f := want[i]
		assert.Equal(t, f[0], num(g["pid"]))
		assert.Equal(t, f[1], num(g["name"]))
		for j, k := range []string{"state", "ruid", "rgid", "tgid", "nthr"} {
			assert.Equal(t, f[j+2], num(g[k]), "PRG %s", k)
		}
		assert.Equal(t, f[8], num(g["btime"]), "PRG btime")
	}
}
