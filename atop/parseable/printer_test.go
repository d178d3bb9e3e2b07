package parseable

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/atop"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testdata holds raw logs, each with its oracle beside it: LOG.P.txt (for
// LOG.gz: LOG.P.txt without the .gz), atop's own "atop -PALL -r LOG"
// printed with TZ=UTC by the atop version that wrote the log.
const testdata = "../../testdata/atop"

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func oracleOf(log string) string { return strings.TrimSuffix(log, ".gz") + ".P.txt" }

// logFiles lists every raw log under testdata that has an oracle: adding
// a log and its oracle adds a test case.
func logFiles(t testing.TB) []string {
	var logs []string
	err := filepath.WalkDir(testdata, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".P.txt") {
			return err
		}
		if _, err := os.Stat(oracleOf(path)); err == nil {
			logs = append(logs, path)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, logs)
	return logs
}

// firstDiff describes the first line where two outputs differ, or "".
func firstDiff(want, got string) string {
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
		if w != g {
			return "first difference at line " + itoa(int64(i+1)) + ":\nwant: " + strings.TrimSuffix(w, "\n") +
				"\n got: " + strings.TrimSuffix(g, "\n")
		}
	}
	return ""
}

// printLog prints a whole log with the given options (UTC unless set).
func printLog(t testing.TB, log string, opts Options) (string, error) {
	r, err := atop.Open(log)
	require.NoError(t, err)
	defer r.Close()
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	var out bytes.Buffer
	err = Print(&out, r, opts)
	return out.String(), err
}

func readOracle(t testing.TB, log string) string {
	b, err := os.ReadFile(oracleOf(log))
	require.NoError(t, err)
	return string(b)
}

// TestOracles: -P ALL of every log equals atop's output byte for byte.
func TestOracles(t *testing.T) {
	for _, log := range logFiles(t) {
		t.Run(filepath.Base(log), func(t *testing.T) {
			got, err := printLog(t, log, Options{Labels: []string{"ALL"}})
			require.NoError(t, err)
			if d := firstDiff(readOracle(t, log), got); d != "" {
				t.Fatal(d)
			}
		})
	}
}

// filterOracle keeps the RESET and SEP lines and the lines of the labels.
func filterOracle(text string, labels ...string) string {
	keep := map[string]bool{"RESET": true, "SEP": true}
	for _, l := range labels {
		keep[l] = true
	}
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		label, _, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
		if keep[label] {
			b.WriteString(line)
		}
	}
	return b.String()
}

// versionLabels are the labels of a log's version, in table order.
func versionLabels(t testing.TB, log string) []string {
	r, err := atop.Open(log)
	require.NoError(t, err)
	defer r.Close()
	d, err := findDesc("", r.Header().Version.String())
	require.NoError(t, err)
	var names []string
	for _, l := range d.labels {
		names = append(names, l.name)
	}
	return names
}

// TestSingleLabels: each label alone, and label lists in any order, give
// the oracle's lines of those labels (with RESET and SEP).
func TestSingleLabels(t *testing.T) {
	for _, log := range logFiles(t) {
		t.Run(filepath.Base(log), func(t *testing.T) {
			oracle := readOracle(t, log)
			cases := [][]string{{"PRG", "CPU"}, {"cpu", "DSK", "NET"}, {"PRM,PRD", "PRC"}, {"MEM,MEM,SWP"}}
			for _, l := range versionLabels(t, log) {
				cases = append(cases, []string{l})
			}
			for _, args := range cases {
				var labels []string
				for _, a := range args {
					labels = append(labels, strings.Split(a, ",")...)
				}
				got, err := printLog(t, log, Options{Labels: args})
				require.NoError(t, err)
				if d := firstDiff(filterOracle(oracle, labels...), got); d != "" {
					t.Fatalf("-P %s: %s", strings.Join(args, " -P "), d)
				}
			}
		})
	}
}

// TestAllEndsArgument: like atop, ALL selects everything and ends its
// argument, so a bad label after it is not looked at.
func TestAllEndsArgument(t *testing.T) {
	log := filepath.Join(testdata, "fixtures", "atop-2.10.0-small.raw")
	got, err := printLog(t, log, Options{Labels: []string{"CPU,ALL,NOSUCH"}})
	require.NoError(t, err)
	assert.Equal(t, readOracle(t, log), got)
}

// zfmt is atop's -Z rendering of a text.
func zfmt(s string) string {
	if s == "" {
		return "_"
	}
	return strings.ReplaceAll(s, " ", "_")
}

// replaceParen replaces "(inner)" by zfmt(inner) at the first place at or
// after from; it returns the end of the replacement.
func replaceParen(t *testing.T, line *string, from int, inner string) int {
	old := "(" + inner + ")"
	i := strings.Index((*line)[from:], old)
	require.GreaterOrEqual(t, i, 0, "%q in %q", old, *line)
	i += from
	*line = (*line)[:i] + zfmt(inner) + (*line)[i+len(old):]
	return i + len(zfmt(inner))
}

// replaceLastParen replaces the last "(…)" of a line by its -Z rendering.
func replaceLastParen(t *testing.T, line *string) {
	open := strings.LastIndex(*line, " (")
	require.GreaterOrEqual(t, open, 0, *line)
	end := strings.IndexByte((*line)[open:], ')')
	require.GreaterOrEqual(t, end, 0, *line)
	inner := (*line)[open+2 : open+end]
	*line = (*line)[:open+1] + zfmt(inner) + (*line)[open+end+1:]
}

// TestSpaceUnderscore: -Z (2.7+) prints the oracle's lines with every
// name, command line, wait channel and cgroup path of the process labels
// turned from "(text)" into text with spaces as underscores ("_" if empty).
// The expected text is built from the oracle and the tasks' own names.
func TestSpaceUnderscore(t *testing.T) {
	tested := 0
	for _, log := range logFiles(t) {
		r, err := atop.Open(log)
		require.NoError(t, err)
		ver := r.Header().Version
		if ver.Major == 2 && ver.Minor < 7 {
			r.Close()
			continue
		}
		tested++
		t.Run(filepath.Base(log), func(t *testing.T) {
			defer r.Close()
			oracle := strings.SplitAfter(readOracle(t, log), "\n")
			var want strings.Builder
			sample := -1
			var tasks []atop.Task
			taskIdx := map[string]int{}
			for _, line := range oracle {
				label, _, _ := strings.Cut(line, " ")
				label = strings.TrimSuffix(label, "\n")
				switch label {
				case "RESET", "":
				case "SEP":
					sample = -1
				default:
					if sample < 0 {
						s, err := r.Next()
						require.NoError(t, err)
						tasks, err = s.Tasks()
						require.NoError(t, err)
						tasks = append([]atop.Task(nil), tasks...)
						sample = s.Index
						clear(taskIdx)
					}
					switch label {
					case "PRG", "PRC", "PRM", "PRD", "PRN", "PRE":
						i := taskIdx[label]
						taskIdx[label] = i + 1
						tk := tasks[i]
						nameV, err := tk.Lookup("gen.name")
						require.NoError(t, err)
						at := replaceParen(t, &line, 0, nameV.Text())
						switch label {
						case "PRG":
							cmdV, err := tk.Lookup("gen.cmdline")
							require.NoError(t, err)
							replaceParen(t, &line, at, cmdV.Text())
							if ver.Minor >= 8 {
								replaceLastParen(t, &line)
							}
						case "PRC":
							replaceLastParen(t, &line)
						}
					}
				}
				want.WriteString(line)
			}
			got, err := printLog(t, log, Options{Labels: []string{"ALL"}, SpaceUnderscore: true})
			require.NoError(t, err)
			if d := firstDiff(want.String(), got); d != "" {
				t.Fatal(d)
			}
			if strings.Contains(log, "fixtures") && !strings.Contains(log, "s390x") { // their command lines have spaces
				assert.True(t, strings.Contains(got, " bash_-c_./work.sh_&_sleep_0.3;"), "no -Z command line")
			}
		})
	}
	require.Positive(t, tested)
}

func TestErrors(t *testing.T) {
	open := func(name string) *atop.Header {
		r, err := atop.Open(filepath.Join(testdata, "fixtures", name))
		require.NoError(t, err)
		t.Cleanup(func() { r.Close() })
		return r.Header()
	}
	h23 := open("atop-2.3.0-small.raw")
	h26 := open("atop-2.6.0-small.raw")
	h210 := open("atop-2.10.0-small.raw")
	h213 := open("atop-2.13.0-small.raw")

	var le *LabelError
	_, err := NewPrinter(io.Discard, h213, Options{Labels: []string{"CPU,NOSUCH"}})
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "label NOSUCH not found", err.Error())
	assert.Equal(t, "2.13", le.Version)

	// labels of later versions are unknown to earlier ones, as in atop
	for _, c := range []struct {
		h     *atop.Header
		label string
	}{{h23, "PSI"}, {h23, "GPU"}, {h23, "PRE"}, {h26, "NUM"}, {h26, "NUC"}, {h210, "CGR"}} {
		_, err = NewPrinter(io.Discard, c.h, Options{Labels: []string{c.label}})
		require.ErrorAs(t, err, &le, c.label)
		assert.Equal(t, "label "+c.label+" not found", err.Error())
	}
	_, err = NewPrinter(io.Discard, h213, Options{Labels: []string{"PSI,CGR,LLC,NUC,IFB,GPU,PRE"}})
	assert.NoError(t, err)

	// an empty label is a label too, and ALL after a bad one is too late
	_, err = NewPrinter(io.Discard, h213, Options{Labels: []string{"CPU,,PRG"}})
	assert.EqualError(t, err, "label  not found")
	_, err = NewPrinter(io.Discard, h213, Options{Labels: []string{"NOSUCH,ALL"}})
	assert.EqualError(t, err, "label NOSUCH not found")
	// labels are case sensitive: cpu and CPU are two labels, all is not ALL
	_, err = NewPrinter(io.Discard, h213, Options{Labels: []string{"all"}})
	assert.EqualError(t, err, "label all not found")

	_, err = NewPrinter(io.Discard, h213, Options{Labels: []string{"-Z"}})
	assert.ErrorIs(t, err, ErrLabelList)

	// -Z exists from 2.7 on
	_, err = NewPrinter(io.Discard, h26, Options{Labels: []string{"PRG"}, SpaceUnderscore: true})
	assert.ErrorIs(t, err, ErrSpaceUnderscore)
	_, err = NewPrinter(io.Discard, h23, Options{Labels: []string{"ALL"}, SpaceUnderscore: true})
	assert.ErrorIs(t, err, ErrSpaceUnderscore)
	_, err = NewPrinter(io.Discard, open("atop-2.7.1-small.raw"), Options{Labels: []string{"PRG"}, SpaceUnderscore: true})
	assert.NoError(t, err)

	// a sample of another version
	p, err := NewPrinter(io.Discard, h213, Options{Labels: []string{"CPU"}})
	require.NoError(t, err)
	r, err := atop.Open(filepath.Join(testdata, "fixtures", "atop-2.10.0-small.raw"))
	require.NoError(t, err)
	defer r.Close()
	s, err := r.Next()
	require.NoError(t, err)
	assert.Error(t, p.Sample(s))
}

// TestNoLabels: no label at all prints only RESET and SEP, as atop does
// for an empty -P argument.
func TestNoLabels(t *testing.T) {
	log := filepath.Join(testdata, "fixtures", "atop-2.13.0-small.raw")
	got, err := printLog(t, log, Options{Labels: []string{""}})
	require.NoError(t, err)
	assert.Equal(t, filterOracle(readOracle(t, log)), got)
}

// TestLocation: date and time are in the reader's time zone.
func TestLocation(t *testing.T) {
	log := filepath.Join(testdata, "fixtures", "atop-2.13.0-small.raw")
	tz := time.FixedZone("X", 5*3600+1800)
	got, err := printLog(t, log, Options{Labels: []string{"CPL,NET"}, Location: tz})
	require.NoError(t, err)
	var want strings.Builder
	for _, line := range strings.SplitAfter(filterOracle(readOracle(t, log), "CPL", "NET"), "\n") {
		f := strings.Split(line, " ")
		if len(f) > 6 {
			sec, err := strconv.ParseInt(f[2], 10, 64)
			require.NoError(t, err)
			tm := time.Unix(sec, 0).In(tz)
			f[3], f[4] = tm.Format("2006/01/02"), tm.Format("15:04:05")
		}
		want.WriteString(strings.Join(f, " "))
	}
	assert.Contains(t, got, " 2026/11/26 02:43:08 ") // 21:13:08 UTC
	if d := firstDiff(want.String(), got); d != "" {
		t.Fatal(d)
	}
}

// TestWriteError: a failing writer fails the sample.
func TestWriteError(t *testing.T) {
	r, err := atop.Open(filepath.Join(testdata, "fixtures", "atop-2.3.0-small.raw"))
	require.NoError(t, err)
	defer r.Close()
	boom := errors.New("boom")
	err = Print(failWriter{boom}, r, Options{Labels: []string{"CPU"}})
	assert.ErrorIs(t, err, boom)
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

// TestPrintFiles: several logs in a row print as atop prints each of them.
func TestPrintFiles(t *testing.T) {
	logs := []string{
		filepath.Join(testdata, "fixtures", "atop-2.3.0-small.raw"),
		filepath.Join(testdata, "realworld", "atop_2_12.log.gz"),
		filepath.Join(testdata, "fixtures", "atop-2.13.0-small.raw"),
	}
	m := atop.OpenFiles(logs...)
	defer m.Close()
	var out bytes.Buffer
	require.NoError(t, Print(&out, m, Options{Labels: []string{"CPU,PRG"}, Location: time.UTC}))
	want := ""
	for _, l := range logs {
		want += filterOracle(readOracle(t, l), "CPU", "PRG")
	}
	if d := firstDiff(want, out.String()); d != "" {
		t.Fatal(d)
	}

	// a label that a later file's version lacks fails at that file
	m2 := atop.OpenFiles(logs[2], logs[0])
	defer m2.Close()
	out.Reset()
	err := Print(&out, m2, Options{Labels: []string{"PSI"}, Location: time.UTC})
	assert.EqualError(t, err, "label PSI not found")
	assert.Equal(t, filterOracle(readOracle(t, logs[2]), "PSI"), out.String())
}
