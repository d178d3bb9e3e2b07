package export_test

import (
	"bytes"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/atop/export"
)

func ExampleWriteJSON() {
	r, err := atop.Open("../../testdata/atop/fixtures/atop-2.13.0-small.raw")
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	var buf bytes.Buffer
	if err := export.WriteJSON(&buf, r, export.JSONOptions{}); err != nil {
		log.Fatal(err)
	}
	first, _, _ := strings.Cut(buf.String(), "\n")
	fmt.Println(first)
	// Output:
	// {"time":"2026-11-25T21:13:08Z","epoch":1795641188,"kind":"sample","host":"vm","interval":1877,"boot":true,"hertz":100,"pagesize":4096,"version":"2.13","file":"","flags":"BOOT|ACCTACTIVE|IOSTAT|CGROUPV2","ncgroups":14,"ndeviat":18,"nactproc":15,"ntask":18,"totproc":15,"totrun":1,"totslpi":16,"totslpu":0,"totzomb":0,"nexit":0,"noverflow":0,"totidle":0,"ncgpids":219}
}

func ExampleCollectTimeline() {
	src := atop.OpenFiles("../../testdata/atop/fixtures/atop-2.13.0-small.raw")
	defer src.Close()
	tl, err := export.CollectTimeline(src, export.Options{
		Warn: func(err error) { fmt.Fprintln(os.Stderr, "warning:", err) },
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range tl.Events() {
		if e.Desc == export.ProcessExit && e.Process.ExitCode != 0 {
			fmt.Println(e.Time.UTC().Format("15:04:05"), e.Message())
		}
	}
	// Output:
	// 21:13:09 Process Exit: perl (pid 30, ppid 2, uid 0) exited with code 2
	// 21:13:09 Process Exit: work.sh (pid 31, ppid 2, uid 0) exited with code 2
	// 21:13:10 Process Exit: spin (pid 16, ppid 2, uid 0) exited with code 3: ./spin 2
	// 21:13:10 Process Exit: perl (pid 40, ppid 2, uid 0) exited with code 3
	// 21:13:11 Process Exit: spin (pid 28, ppid 2, uid 0) exited with code 3: ./spin 3
	// 21:13:11 Process Exit: work.sh (pid 52, ppid 2, uid 0) exited with code 1
	// 21:13:12 Process Exit: spin (pid 38, ppid 2, uid 0) exited with code 3: ./spin 4
	// 21:13:12 Process Exit: perl (pid 64, ppid 2, uid 0) exited with code 1: perl -e $x=0; $x+=$_ for 1..3000000; exit($ARGV[0] % 4) 5 arg with spaces 5
	// 21:13:12 Process Exit: work.sh (pid 65, ppid 2, uid 0) exited with code 2
}
