package atop_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/cstructgo/cstruct/atop"
)

// A log written by an atop built with other limits (here MAXINTF 512 and
// MAXLVM 1024 instead of 128 and 2048) records other struct sizes than the
// shipped definitions give. The reader finds the limit values that give
// the recorded sizes and read the first samples cleanly, and says which;
// Options.Strict refuses such a log instead.
func ExampleOptions_Strict() {
	const name = "../testdata/atop/odd/atop-2.12.1-maxintf512-maxlvm1024.raw"
	r, err := atop.Open(name)
	if err != nil {
		log.Fatal(err) // a *atop.LimitsError if several combinations fit
	}
	defer r.Close()
	h := r.Header()
	fmt.Println(h.Version, h.Inferred)
	for s, err := range r.Samples() {
		if err != nil {
			log.Fatal(err)
		}
		sys, err := s.System()
		if err != nil {
			log.Fatal(err)
		}
		n, _ := sys.Lookup("intf.nrintf")
		lo, _ := sys.Lookup("intf.intf[0].name")
		fmt.Println(n.Int(), "interfaces, the first", lo.Text())
		break
	}

	_, err = (&atop.Options{Strict: true}).Open(name)
	var se *atop.SizeError
	fmt.Println(errors.As(err, &se), se.Mismatches[0].Field, se.Mismatches[0].File, se.Mismatches[0].Defs)
	// Output:
	// 2.12 [MAXINTF=512 MAXLVM=1024]
	// 4 interfaces, the first lo
	// true sstatlen 1037392 1064016
}
