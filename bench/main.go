// Command bench compares cstruct's atop verbs with Debian's atop on the
// large log, side by side: each pair runs alternately for several rounds
// and the medians give the ratios, with each side's peak RSS. It then runs
// micro-benchmarks (package cstruct's BenchmarkStruct16 and
// BenchmarkDynamic, atop/parseable's BenchmarkExpr) and prints cstruct's
// time over the hand-written code's.
//
// Run it from the repository root with bench/run (it installs atop with
// apt-get if it is missing, and builds cmd/cstruct). It is not a test and
// CI does not run it: the figures depend on the machine and its load.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	largeLog = "testdata/atop/bench/atop-2.8.1-large.raw"
	smallLog = "testdata/atop/fixtures/atop-2.8.1-small.raw"
)

// A pair is a cstruct command and the atop command it is compared with.
type pair struct {
	name          string
	cstruct, atop []string
}

func pairs(bin string) []pair {
	cs := func(args ...string) []string { return append([]string{bin}, args...) }
	at := func(args ...string) []string { return append([]string{"atop"}, args...) }
	return []pair{
		{"`parseable -P ALL` vs `atop -PALL -r`", cs("atop", "parseable", "-P", "ALL", largeLog), at("-PALL", "-r", largeLog)},
		{"`parseable -P PRG` vs `atop -PPRG -r`", cs("atop", "parseable", "-P", "PRG", largeLog), at("-PPRG", "-r", largeLog)},
		{"`json --tasks` vs `atop -PPRG -r`", cs("atop", "json", "--tasks", largeLog), at("-PPRG", "-r", largeLog)},
		{"`csv --tasks` vs `atop -PPRG -r`", cs("atop", "csv", "--tasks", largeLog), at("-PPRG", "-r", largeLog)},
		{"start-up: `-P CPU -r` of a 6-sample log", cs("atop", "-P", "CPU", "-r", smallLog), at("-PCPU", "-r", smallLog)},
	}
}

// A run is one command's wall time, CPU time (user and system) and peak
// resident set.
type run struct {
	wall, cpu time.Duration
	rssKB     int64
}

// measure runs argv with its output to /dev/null and TZ=UTC, under
// /usr/bin/time for the peak RSS: a child that Go starts shares the
// parent's memory until it execs, and Linux carries that high-water mark
// over the exec.
func measure(argv []string) (run, error) {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return run{}, err
	}
	defer null.Close()
	rss, err := os.CreateTemp("", "bench-rss")
	if err != nil {
		return run{}, err
	}
	rss.Close()
	defer os.Remove(rss.Name())
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", rss.Name()}, argv...)...)
	cmd.Stdout = null
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Env = append(os.Environ(), "TZ=UTC")
	start := time.Now()
	err = cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return run{}, fmt.Errorf("%s: %v: %s", strings.Join(argv, " "), err, stderr.String())
	}
	b, err := os.ReadFile(rss.Name())
	if err != nil {
		return run{}, err
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return run{}, fmt.Errorf("/usr/bin/time: %q: %v", b, err)
	}
	return run{
		wall:  wall,
		cpu:   cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(),
		rssKB: kb,
	}, nil
}

func median[T int64 | time.Duration](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

type side struct {
	wall, cpu []time.Duration
	rss       []int64
}

func (s *side) add(r run) {
	s.wall = append(s.wall, r.wall)
	s.cpu = append(s.cpu, r.cpu)
	s.rss = append(s.rss, r.rssKB)
}

func main() {
	rounds := flag.Int("rounds", 5, "rounds of each pair (medians are reported)")
	bin := flag.String("cstruct", "", "the cstruct binary (built from ./cmd/cstruct if empty)")
	micro := flag.Bool("micro", true, "also run the micro-benchmarks (cstruct's BenchmarkStruct16 and BenchmarkDynamic, atop/parseable's BenchmarkExpr)")
	flag.Parse()
	if err := bench(*rounds, *bin, *micro); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func bench(rounds int, bin string, micro bool) error {
	for _, tool := range []string{"atop", "/usr/bin/time"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s is not installed (bench/run installs it): %v", tool, err)
		}
	}
	if bin == "" {
		dir, err := os.MkdirTemp("", "cstruct-bench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = dir + "/cstruct"
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/cstruct").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}
	machine()
	if err := same(bin); err != nil {
		return err
	}
	fmt.Printf("\n%d rounds, alternating, medians; output to /dev/null, TZ=UTC.\n\n", rounds)
	fmt.Println("| work | cstruct | atop | ratio (wall) | CPU: cstruct / atop | peak RSS: cstruct / atop |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, p := range pairs(bin) {
		var c, a side
		for i := range rounds {
			first, second := p.cstruct, p.atop
			if i%2 == 1 {
				first, second = second, first
			}
			for _, argv := range [][]string{first, second} {
				r, err := measure(argv)
				if err != nil {
					return err
				}
				if argv[0] == "atop" {
					a.add(r)
				} else {
					c.add(r)
				}
			}
		}
		cw, aw := median(c.wall), median(a.wall)
		fmt.Printf("| %s | %s | %s | %.2f× | %s / %s | %.0f / %.0f MB |\n", p.name, ms(cw), ms(aw),
			float64(cw)/float64(aw), ms(median(c.cpu)), ms(median(a.cpu)), mb(slices.Max(c.rss)), mb(slices.Max(a.rss)))
	}
	if micro {
		return microBenchmarks()
	}
	return nil
}

func ms(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

// machine prints what the figures were measured on.
func machine() {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	atopVersion := "atop ?"
	if out, err := exec.Command("atop", "-V").Output(); err == nil {
		atopVersion = strings.TrimSpace(strings.SplitN(string(out), " - ", 2)[0])
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load " + strings.Join(strings.Fields(string(b))[:3], " ")
	}
	fmt.Printf("machine: %s, %d CPUs (GOMAXPROCS %d)%s; %s; atop %s; %s\n", cpu, runtime.NumCPU(),
		runtime.GOMAXPROCS(0), load, runtime.Version(), strings.TrimPrefix(atopVersion, "Version: "), time.Now().UTC().Format("2006-01-02"))
}

// same checks once that cstruct prints atop's bytes for -P ALL.
func same(bin string) error {
	out := func(argv ...string) ([]byte, error) {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "TZ=UTC")
		return cmd.Output()
	}
	want, err := out("atop", "-PALL", "-r", largeLog)
	if err != nil {
		return fmt.Errorf("atop: %v", err)
	}
	got, err := out(bin, "atop", "parseable", "-P", "ALL", largeLog)
	if err != nil {
		return fmt.Errorf("cstruct: %v", err)
	}
	if !bytes.Equal(got, want) {
		return fmt.Errorf("cstruct's -P ALL output differs from atop's (%d and %d bytes)", len(got), len(want))
	}
	fmt.Printf("-P ALL of %s: %d bytes, identical to atop's\n", largeLog, len(got))
	return nil
}

// benchLine is a line of go test -bench output: name, sub-benchmark
// (a path: "ints/compiled"), ns/op and the rest.
var benchLine = regexp.MustCompile(`^Benchmark(\w+)/([\w/-]+?)-\d+\s+\d+\s+([0-9.]+) ns/op(.*)$`)

// perRecord is the ns/record metric of the benchmarks that decode a
// batch of records per op.
var perRecord = regexp.MustCompile(`([0-9.]+) ns/record`)

// allocsRe is the -benchmem part of a benchmark line.
var allocsRe = regexp.MustCompile(`[0-9]+ B/op\s+[0-9]+ allocs/op`)

// microPair is a micro-benchmark row: the median of sub-benchmark
// cstruct's runs over that of hand's.
type microPair struct {
	bench, hand, cstruct, label string
}

// microSets are the micro-benchmarks, by package and -bench pattern.
var microSets = []struct {
	pkg, pattern string
	pairs        []microPair
}{
	{"./cstruct", "^Benchmark(Struct16|Dynamic)$", []microPair{
		{"Struct16", "handwritten", "cstruct", "BenchmarkStruct16 (Accessor)"},
		{"Struct16", "handwritten", "scalar", "BenchmarkStruct16 (Scalar[T])"},
		{"Dynamic", "handwritten", "cstruct", "BenchmarkDynamic"},
	}},
	// a description's expression, compiled, against the same by hand
	// called through a func value as compiled expressions are
	{"./atop/parseable", "^BenchmarkExpr$", []microPair{
		{"Expr", "ints/hand-called", "ints/compiled", "BenchmarkExpr ints (atop/parseable)"},
		{"Expr", "floats/hand-called", "floats/compiled", "BenchmarkExpr floats (atop/parseable)"},
	}},
}

// microBenchmarks runs the micro-benchmarks of microSets and prints, per
// pair, the medians and their ratio.
func microBenchmarks() error {
	fmt.Println()
	found := false
	for _, set := range microSets {
		cmd := exec.Command("go", "test", "-run", "^$", "-bench", set.pattern, "-benchmem", "-count", "5", set.pkg)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("go test -bench: %v\n%s", err, out)
		}
		ns := map[string][]time.Duration{}
		allocs := map[string]string{}
		for _, line := range strings.Split(string(out), "\n") {
			m := benchLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			f, _ := strconv.ParseFloat(m[3], 64)
			if r := perRecord.FindStringSubmatch(m[4]); r != nil { // a batch of records per op
				f, _ = strconv.ParseFloat(r[1], 64)
			}
			key := m[1] + "/" + m[2]
			ns[key] = append(ns[key], time.Duration(f*1000)) // in ps, to keep the fraction
			if a := allocsRe.FindString(m[4]); a != "" {
				allocs[key] = strings.Join(strings.Fields(a), " ")
			}
		}
		for _, p := range set.pairs {
			h, c := ns[p.bench+"/"+p.hand], ns[p.bench+"/"+p.cstruct]
			if len(h) == 0 || len(c) == 0 {
				fmt.Printf("micro-benchmark %s: skipped (no %s and %s runs in %s)\n", p.label, p.hand, p.cstruct, set.pkg)
				continue
			}
			if !found {
				fmt.Println("| micro-benchmark | hand-written | cstruct | ratio | cstruct allocations |")
				fmt.Println("|---|---|---|---|---|")
				found = true
			}
			mh, mc := median(h), median(c)
			fmt.Printf("| %s | %.1f ns | %.1f ns | %.1f× | %s |\n", p.label, float64(mh)/1000, float64(mc)/1000,
				float64(mc)/float64(mh), allocs[p.bench+"/"+p.cstruct])
		}
	}
	return nil
}
