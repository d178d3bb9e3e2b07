package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

// BenchmarkKongNew builds the command-line parser: the whole CLI, and the
// part that atop's spelling (cstruct atop -P LABELS -r FILE) reaches.
func BenchmarkKongNew(b *testing.B) {
	for _, c := range []struct {
		name string
		cli  func() any
	}{
		{"full", func() any { return new(CLI) }},
		{"parseable", func() any { return new(parseableCLI) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := kong.New(c.cli(), kong.Name("cstruct"), kong.Bind(&env{})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAtopP runs "cstruct atop -P CPU -r FILE" on a small log in
// process (with the definitions parsed once, by the first run).
func BenchmarkAtopP(b *testing.B) {
	args := []string{"atop", "-P", "CPU", "-r", atopFixture("2.8.1")}
	for b.Loop() {
		if code := run(args, nil, io.Discard, io.Discard); code != 0 {
			b.Fatal("exit status", code)
		}
	}
}

// BenchmarkStartupProcess runs the built command as a new process, as a
// user does: "cstruct atop -P CPU -r FILE" of a small log, beside
// atop's own (when installed), so both are measured in the same
// conditions. It reports the binary's size and its package initialisers
// (GODEBUG=inittrace=1): what every run pays before main.
func BenchmarkStartupProcess(b *testing.B) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		b.Skip("no go command to build cstruct:", err)
	}
	bin := filepath.Join(b.TempDir(), "cstruct")
	if out, err := exec.Command(gobin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	file := atopFixture("2.8.1") // the newest atop Debian has
	sides := []struct {
		name string
		argv []string
	}{
		{"cstruct", []string{bin, "atop", "-P", "CPU", "-r", file}},
		{"atop", []string{"atop", "-P", "CPU", "-r", file}},
	}
	for _, s := range sides {
		b.Run(s.name, func(b *testing.B) {
			if _, err := exec.LookPath(s.argv[0]); err != nil {
				b.Skip(s.argv[0], " is not installed")
			}
			for b.Loop() {
				cmd := exec.Command(s.argv[0], s.argv[1:]...)
				cmd.Env = append(os.Environ(), "TZ=UTC")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v: %v\n%s", s.argv, err, out)
				}
			}
			if s.name == "cstruct" {
				reportInits(b, s.argv) // after the loop, which clears metrics
			}
		})
	}
}

// reportInits reports the size of the binary and the number and total
// time of its package initialisers.
func reportInits(b *testing.B, argv []string) {
	st, err := os.Stat(argv[0])
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Size())/1e6, "MB-binary")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("%v: %v\n%s", argv, err, stderr.String())
	}
	var n int
	var ms float64
	for line := range strings.Lines(stderr.String()) {
		// init PKG @T ms, D ms clock, ...
		f := strings.Fields(line)
		if len(f) > 6 && f[0] == "init" && f[6] == "clock," {
			if d, err := strconv.ParseFloat(f[4], 64); err == nil {
				n++
				ms += d
			}
		}
	}
	b.ReportMetric(float64(n), "initialisers")
	b.ReportMetric(ms, "ms-init")
}
