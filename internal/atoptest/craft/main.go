// Command craft writes hostile atop raw logs made from a good one, to
// measure what reading them costs (/usr/bin/time -v cstruct atop …):
//
//	go run ./internal/atoptest/craft -kind tasks -n 1000000 GOOD.raw > many-tasks.raw
//	go run ./internal/atoptest/craft -kind cgroups -n 300000000 GOOD.raw > big-cgroups.raw
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cstructgo/cstruct/internal/atoptest"
)

func main() {
	kind := flag.String("kind", "tasks", "tasks: the first sample with N zeroed tasks; cgroups: with N bytes of zeroed cgroups")
	n := flag.Int64("n", 1_000_000, "tasks, or bytes of cgroups")
	flag.Parse()
	if err := run(*kind, *n, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "craft:", err)
		os.Exit(1)
	}
}

func run(kind string, n int64, name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	l, err := atoptest.Read(b)
	if err != nil {
		return err
	}
	var out []byte
	switch kind {
	case "tasks":
		out, err = l.ManyTasks(int(n))
	case "cgroups":
		out, err = l.BigCgroups(n)
	default:
		err = fmt.Errorf("unknown kind %q", kind)
	}
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(out)
	return err
}
