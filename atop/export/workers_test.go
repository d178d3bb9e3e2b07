package export_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
	"github.com/stretchr/testify/require"
)

// transcript records the output and the warnings in the order they come.
type transcript struct{ bytes.Buffer }

func (t *transcript) warn(err error) { fmt.Fprintf(&t.Buffer, "WARNING %v\n", err) }

// exportKinds are the exports that run on the pipeline.
var exportKinds = map[string]func(w io.Writer, src export.Source, o export.Options) error{
	"json": func(w io.Writer, src export.Source, o export.Options) error {
		return export.WriteJSON(w, src, export.JSONOptions{Options: o})
	},
	"json-all": func(w io.Writer, src export.Source, o export.Options) error {
		return export.WriteJSON(w, src, export.JSONOptions{Options: o, System: true, Tasks: true, Cgroups: true})
	},
	"csv-tasks": func(w io.Writer, src export.Source, o export.Options) error {
		return export.WriteCSV(w, src, export.CSVOptions{Options: o, Tasks: true})
	},
	"csv-dsk": func(w io.Writer, src export.Source, o export.Options) error {
		return export.WriteCSV(w, src, export.CSVOptions{Options: o, System: "dsk"})
	},
	"csv-psi": func(w io.Writer, src export.Source, o export.Options) error {
		return export.WriteCSV(w, src, export.CSVOptions{Options: o, System: "psi"}) // not in 2.3: a warning, or the error
	},
	"csv-cgroups": func(w io.Writer, src export.Source, o export.Options) error {
		return export.WriteCSV(w, src, export.CSVOptions{Options: o, Cgroups: true})
	},
}

// runExport runs an export over the files with n workers and returns the
// transcript and the error.
func runExport(t *testing.T, kind string, n int, files ...string) string {
	t.Helper()
	var tr transcript
	m := atop.OpenFiles(files...)
	defer m.Close()
	err := exportKinds[kind](&tr, m, export.Options{Workers: n, Warn: tr.warn})
	if err != nil {
		fmt.Fprintf(&tr, "ERROR %v\n", err)
	}
	return tr.String()
}

// TestExportWorkers: any number of workers gives the output and warnings
// of one, in the same order: on every fixture and real-world log alone,
// on logs of several versions in a row (CSV columns come from the first),
// with a torn tail and a corrupt sample, and on the large log.
func TestExportWorkers(t *testing.T) {
	rw, err := filepath.Glob(filepath.Join(fixtureDir, "..", "realworld", "*.gz"))
	require.NoError(t, err)
	torn := truncated(t, fixture("2.13.0"), 100)
	bad := corrupted(t, fixture("2.13.0"))
	logs := append(allFixtures(t), rw...)
	counts := []int{2, 3, 8}
	if testing.Short() {
		logs, counts = logs[:3], counts[1:2]
	}
	var cases [][]string
	for _, f := range logs {
		cases = append(cases, []string{f})
	}
	cases = append(cases,
		[]string{fixture("2.3.0"), fixture("2.13.0"), fixture("2.8.1")},
		[]string{fixture("2.13.0"), fixture("2.3.0"), torn, bad},
		[]string{bad, torn, fixture("2.12.1")})
	for _, files := range cases {
		name := filepath.Base(files[0])
		if len(files) > 1 {
			name = fmt.Sprintf("%d-files-%s", len(files), name)
		}
		t.Run(name, func(t *testing.T) {
			for kind := range exportKinds {
				want := runExport(t, kind, 1, files...)
				for _, n := range counts {
					if got := runExport(t, kind, n, files...); got != want {
						t.Fatalf("%s, %d workers: differs from 1 worker\n%s", kind, n, diffLine(want, got))
					}
				}
			}
		})
	}
	large := filepath.Join(fixtureDir, "..", "bench", "atop-2.8.1-large.raw")
	if _, err := os.Stat(large); err != nil || testing.Short() {
		t.Skip("large log: not in -short")
	}
	for _, kind := range []string{"json-all", "csv-tasks"} {
		want := runExport(t, kind, 1, large)
		require.Greater(t, len(want), 10<<20)
		for _, n := range []int{2, 3} {
			if got := runExport(t, kind, n, large); got != want {
				t.Fatalf("large log, %s, %d workers: differs from 1 worker\n%s", kind, n, diffLine(want, got))
			}
		}
	}
}

func diffLine(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	for i := range min(len(wl), len(gl)) {
		if !bytes.Equal(wl[i], gl[i]) {
			return fmt.Sprintf("line %d\nwant: %.300s\n got: %.300s", i+1, wl[i], gl[i])
		}
	}
	return fmt.Sprintf("%d lines, want %d", len(gl), len(wl))
}
