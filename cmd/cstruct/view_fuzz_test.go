package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/cstructgo/cstruct/cstruct"
)

// FuzzTextView renders records of the test definitions over any bytes:
// no panic, every byte of the record marked, and the annotated hexdump
// without its colours and labels is the plain one (hexdump -C's layout).
func FuzzTextView(f *testing.F) {
	spec := cstruct.NewSpec(cstruct.Config{Natural: true})
	for _, name := range []string{"testdata/shapes.h", "../../defs/examples/pcap.h"} {
		if err := spec.LoadFile(name); err != nil {
			f.Fatal(err)
		}
	}
	var types []cstruct.Type
	for _, n := range []string{"shape", "pcap_record", "eth_ipv4_udp", "tcp_header"} {
		t, err := spec.Lookup(n)
		if err != nil {
			f.Fatal(err)
		}
		types = append(types, t)
	}
	f.Add(uint8(0), []byte("\x02\xff\xff\xff\x2a\x00\x00\x00\x2b\x00\x05\x00\xde\xad\xbe\xef\x01\x00\x02\x00\x01\x00\x02\x00\x03\x00\x04\x00\x05\x00\x06\x00abcd\x00\xee\xee\xee"))
	f.Add(uint8(1), []byte("\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\x03\x00\x00\x00abc"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		typ := types[int(which)%len(types)]
		v, err := spec.Unpack(typ, data)
		if err != nil {
			rows := partialRows(spec, typ, data, 0, rowOpts{maxElems: 4})
			var b bytes.Buffer
			if err := writeHexView(&b, data, 0, rows, true); err != nil {
				t.Fatal(err)
			}
			return
		}
		for _, max := range []int{0, 2} {
			rows := recordRows(v, rowOpts{maxElems: max, hex: max == 2})
			var plain, marked, tree bytes.Buffer
			if err := writeHexView(&plain, v.Bytes(), v.Offset(), nil, false); err != nil {
				t.Fatal(err)
			}
			if err := writeHexView(&marked, v.Bytes(), v.Offset(), rows, true); err != nil {
				t.Fatal(err)
			}
			if err := writeTree(&tree, rows, true); err != nil {
				t.Fatal(err)
			}
			// the marked view's lines, colours and labels off; a line the
			// plain view collapses (a repeat) may be shown when a field starts in it
			got := strings.Split(ansi.ReplaceAllString(marked.String(), ""), "\n")
			want := strings.Split(plain.String(), "\n")
			j := 0
			for _, line := range got {
				if i := strings.LastIndex(line, "|"); i > 0 {
					line = line[:i+1]
				}
				if j < len(want) && line == want[j] {
					j++
					continue
				}
				if j+1 < len(want) && want[j] == "*" && line == want[j+1] {
					j += 2 // the plain view's run ended
					continue
				}
				if j > 0 && j < len(want) && want[j] == "*" && len(line) > 8 && line[8:] == want[j-1][8:] {
					continue // a repeat the plain view collapses, shown since a field starts in it
				}
				t.Fatalf("line %q not in the plain hexdump:\n%s\nmarked:\n%s", line, plain.String(), marked.String())
			}
			if j != len(want) {
				t.Fatalf("the plain hexdump goes on after line %d:\n%s\nmarked:\n%s", j, plain.String(), marked.String())
			}
			// every byte of a static record is some field's or a hole's
			covered := make([]bool, v.Size())
			for _, r := range rows {
				if r.kind == rowGroup {
					continue
				}
				for k := r.off - v.Offset(); k < r.off-v.Offset()+r.size && k < v.Size(); k++ {
					covered[k] = true
				}
			}
			for k, c := range covered {
				if !c {
					t.Fatalf("byte %#x of %s is no field's", k, typ)
				}
			}
		}
	})
}
