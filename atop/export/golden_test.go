package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixtureDir holds the raw logs of each atop release and their -PALL
// oracles (see testdata/atop/README.md at the top of the repository).
const fixtureDir = "../../testdata/atop/fixtures"

// goldenVersions are the releases whose exports have golden files: the
// oldest, one in the middle (cgroup paths in tstat), the newest (cgroup
// chain, maxcpu/online CPUs).
var goldenVersions = []string{"2.3.0", "2.8.1", "2.13.0"}

func fixture(version string) string {
	return filepath.Join(fixtureDir, "atop-"+version+"-small.raw")
}

// allFixtures lists every raw log of the fixture directory.
func allFixtures(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(fixtureDir, "atop-*-small.raw"))
	require.NoError(t, err)
	require.NotEmpty(t, names, "no fixtures in %s", fixtureDir)
	return names
}

// headersOf is the header of each log, for CSVOptions.Headers.
func headersOf(t *testing.T, names []string) []*atop.Header {
	t.Helper()
	var hs []*atop.Header
	for _, n := range names {
		r, err := atop.Open(n)
		require.NoError(t, err)
		hs = append(hs, r.Header())
		r.Close()
	}
	return hs
}

func open(t *testing.T, name string) *atop.Reader {
	t.Helper()
	r, err := atop.Open(name)
	require.NoError(t, err)
	t.Cleanup(func() { r.Close() })
	return r
}

// golden compares got with testdata/NAME, or writes it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("%s: line %d differs\n got: %.400s\nwant: %.400s", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s: %d lines, want %d", path, len(gl), len(wl))
	}
}

// firstTime is the time of the first sample of a log.
func firstTime(t *testing.T, name string) time.Time {
	t.Helper()
	s, err := open(t, name).Next()
	require.NoError(t, err)
	return s.Time
}

// noWarnings fails the test on any warning.
func noWarnings(t *testing.T) export.Options {
	return export.Options{Warn: func(err error) { t.Errorf("warning: %v", err) }}
}

func TestGoldenJSON(t *testing.T) {
	for _, v := range goldenVersions {
		for _, c := range []struct {
			name string
			opts export.JSONOptions
		}{
			{"samples", export.JSONOptions{}},
			{"system", export.JSONOptions{System: true}},
			{"tasks", export.JSONOptions{Tasks: true}},
			{"cgroups", export.JSONOptions{Cgroups: true}},
		} {
			t.Run(v+"/"+c.name, func(t *testing.T) {
				c.opts.Options = noWarnings(t)
				if c.opts.Tasks {
					// the first two samples are enough for a golden file
					c.opts.Window.End = export.At(firstTime(t, fixture(v)).Add(time.Second))
				}
				var buf bytes.Buffer
				require.NoError(t, export.WriteJSON(&buf, open(t, fixture(v)), c.opts))
				if c.opts.Cgroups && !strings.HasPrefix(v, "2.13") {
					require.Empty(t, buf.String(), "cgroups before 2.11")
					return
				}
				checkJSONLines(t, buf.Bytes(), c.opts)
				golden(t, v+"/"+c.name+".jsonl", buf.Bytes())
			})
		}
	}
}

// checkJSONLines decodes every line: one object, "time" first, then
// epoch, kind, host, interval, and the fields of its kind.
func checkJSONLines(t *testing.T, out []byte, opts export.JSONOptions) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(out) == 0 {
		lines = nil
	}
	kinds := map[string]int{}
	for i, line := range lines {
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		tok, err := dec.Token()
		require.NoError(t, err, "line %d", i+1)
		require.Equal(t, json.Delim('{'), tok, "line %d", i+1)
		var keys []string
		for j := 0; j < 5 && dec.More(); j++ {
			k, err := dec.Token()
			require.NoError(t, err)
			keys = append(keys, k.(string))
			var v any
			require.NoError(t, dec.Decode(&v))
		}
		require.Equal(t, []string{"time", "epoch", "kind", "host", "interval"}, keys, "line %d", i+1)

		var m map[string]any
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		require.NoError(t, d.Decode(&m), "line %d", i+1)
		require.False(t, d.More(), "line %d: more than one value", i+1)
		kind := m["kind"].(string)
		kinds[kind]++
		switch kind {
		case "sample":
			require.Contains(t, m, "flags")
			require.Contains(t, m, "ndeviat")
			if opts.System {
				for _, k := range []string{"cpu", "mem", "net", "intf", "dsk"} {
					require.Contains(t, m, k, "line %d", i+1)
				}
				cpu := m["cpu"].(map[string]any)
				require.NotEmpty(t, cpu["cpu"], "line %d: no CPUs", i+1)
			}
		case "task":
			gen := m["gen"].(map[string]any)
			for _, k := range []string{"pid", "tgid", "ppid", "name", "state", "btime", "cmdline", "isproc"} {
				require.Contains(t, gen, k, "line %d", i+1)
			}
			require.Contains(t, m, "cpu")
			require.Contains(t, m, "mem")
		case "cgroup":
			require.Contains(t, m, "path")
			require.Contains(t, m, "pids")
		default:
			t.Fatalf("line %d: kind %q", i+1, kind)
		}
	}
	if opts.Window.IsZero() && (opts.System || !opts.Tasks && !opts.Cgroups) {
		require.Equal(t, 6, kinds["sample"])
	}
	if opts.Tasks {
		require.Positive(t, kinds["task"])
	}
}

func TestGoldenCSV(t *testing.T) {
	for _, v := range goldenVersions {
		for _, c := range []struct {
			name string
			opts export.CSVOptions
		}{
			{"tasks", export.CSVOptions{Tasks: true}},
			{"cgroups", export.CSVOptions{Cgroups: true}},
			{"cpu", export.CSVOptions{System: "cpu"}},
			{"percpu", export.CSVOptions{System: "percpu"}},
			{"mem", export.CSVOptions{System: "mem"}},
			{"dsk", export.CSVOptions{System: "dsk"}},
			{"intf", export.CSVOptions{System: "intf"}},
			{"net.tcp", export.CSVOptions{System: "net.tcp"}},
		} {
			t.Run(v+"/"+c.name, func(t *testing.T) {
				c.opts.Options = noWarnings(t)
				var buf bytes.Buffer
				require.NoError(t, export.WriteCSV(&buf, open(t, fixture(v)), c.opts))
				if c.opts.Cgroups && !strings.HasPrefix(v, "2.13") {
					require.Empty(t, buf.String(), "cgroups before 2.11")
					return
				}
				recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
				require.NoError(t, err)
				require.Greater(t, len(recs), 1)
				require.Equal(t, []string{"time", "epoch", "host", "interval"}, recs[0][:4])
				golden(t, v+"/"+c.name+".csv", buf.Bytes())
			})
		}
	}
}

func TestGoldenTimeline(t *testing.T) {
	for _, v := range goldenVersions {
		t.Run(v, func(t *testing.T) {
			tl, err := export.CollectTimeline(open(t, fixture(v)), noWarnings(t))
			require.NoError(t, err)
			var j, c bytes.Buffer
			require.NoError(t, tl.WriteJSON(&j))
			require.NoError(t, tl.WriteCSV(&c))
			golden(t, v+"/timeline.jsonl", j.Bytes())
			golden(t, v+"/timeline.csv", c.Bytes())

			// Timesketch's fields, datetime first; sorted by time.
			prev := ""
			for i, line := range strings.Split(strings.TrimSpace(j.String()), "\n") {
				require.True(t, strings.HasPrefix(line, `{"datetime":"`), "line %d", i+1)
				var m map[string]any
				require.NoError(t, json.Unmarshal([]byte(line), &m))
				for _, k := range []string{"message", "timestamp", "timestamp_desc", "pid", "name", "cmdline", "start_time", "first_seen", "last_seen"} {
					require.Contains(t, m, k)
				}
				dt := m["datetime"].(string)
				require.GreaterOrEqual(t, dt, prev, "line %d out of order", i+1)
				prev = dt
			}
		})
	}
}

func TestGoldenInfo(t *testing.T) {
	for _, v := range goldenVersions {
		t.Run(v, func(t *testing.T) {
			in, err := export.ReadInfo(open(t, fixture(v)), filepath.Base(fixture(v)), export.Options{}, false)
			require.NoError(t, err)
			require.Equal(t, 6, in.Samples)
			require.Equal(t, 1, in.Restarts)
			require.Nil(t, in.Torn)
			require.Empty(t, in.Corrupt)
			var txt, js bytes.Buffer
			require.NoError(t, in.WriteText(&txt))
			require.NoError(t, in.WriteJSON(&js))
			golden(t, v+"/info.txt", txt.Bytes())
			golden(t, v+"/info.json", js.Bytes())
		})
	}
}

// TestAllVersions runs every export on every fixture and real-world log:
// no error, no warning.
func TestAllVersions(t *testing.T) {
	real, err := filepath.Glob("../../testdata/atop/realworld/*.gz")
	require.NoError(t, err)
	for _, name := range append(allFixtures(t), real...) {
		t.Run(filepath.Base(name), func(t *testing.T) {
			o := noWarnings(t)
			require.NoError(t, export.WriteJSON(io.Discard, open(t, name), export.JSONOptions{Options: o, System: true, Tasks: true, Cgroups: true}))
			require.NoError(t, export.WriteCSV(io.Discard, open(t, name), export.CSVOptions{Options: o, Tasks: true}))
			for _, g := range export.SystemGroups() {
				err := export.WriteCSV(io.Discard, open(t, name), export.CSVOptions{Options: o, System: g.Name})
				if err != nil {
					require.Contains(t, err.Error(), "has no group", g.Name)
				}
			}
			_, err := export.CollectTimeline(open(t, name), o)
			require.NoError(t, err)
		})
	}
}
