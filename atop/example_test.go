package atop_test

import (
	"fmt"
	"log"

	"github.com/cstructgo/cstruct/atop"
)

func Example() {
	r, err := atop.Open("../testdata/atop/fixtures/atop-2.13.0-small.raw")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	fmt.Println("atop", r.Header().Version, "on", r.Header().Nodename)
	n := 0
	for s, err := range r.Samples() {
		if err != nil {
			log.Fatal(err)
		}
		if n == 0 {
			tasks, err := s.Tasks()
			if err != nil {
				log.Fatal(err)
			}
			t := tasks[0]
			fmt.Printf("first sample: %s, %d tasks; the first: pid %d %s (%s)\n",
				s.Time.UTC().Format("2006-01-02 15:04:05"), s.NTask, t.PID(), t.Name(), t.Cmdline())
		}
		n++
	}
	fmt.Println(n, "samples")
	// Output:
	// atop 2.13 on vm
	// first sample: 2026-11-25 21:13:08, 18 tasks; the first: pid 1 bash (bash -c ./work.sh & sleep 0.3; atop -w out.raw 1 6; true)
	// 6 samples
}

func ExampleSample_System() {
	r, err := atop.Open("../testdata/atop/realworld/atop_2_7.log.gz")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	s, err := r.Next()
	if err != nil {
		log.Fatal(err)
	}
	sys, err := s.System()
	if err != nil {
		log.Fatal(err)
	}
	nrcpu, _ := sys.Lookup("cpu.nrcpu")
	phys, _ := sys.Lookup("mem.physmem")
	fmt.Printf("%s: %d CPUs, %d MiB\n", r.Header().Nodename, nrcpu.Int(), phys.Int()*int64(r.Header().PageSize)>>20)
	// Output:
	// fires-of-mount-doom1: 6 CPUs, 7959 MiB
}

func ExampleOpenFiles() {
	m := atop.OpenFiles(
		"../testdata/atop/fixtures/atop-2.10.0-small.raw",
		"../testdata/atop/fixtures/atop-2.11.1-small.raw",
	)
	defer m.Close()
	boots := 0
	for s, err := range m.Samples() {
		if err != nil {
			log.Fatal(err)
		}
		if s.Flags.Has(atop.FlagBoot) {
			boots++
			fmt.Println("atop", s.Header.Version, "started; uptime", s.Interval)
		}
	}
	fmt.Println(boots, "restarts")
	// Output:
	// atop 2.10 started; uptime 29m30s
	// atop 2.11 started; uptime 30m5s
	// 2 restarts
}
