package cstruct_test

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/cstructgo/cstruct/cstruct"
)

func Example() {
	spec, err := cstruct.Parse("msg.h", []byte(`
#define MAXNAME 8
enum kind : uint8 { PING = 1, DATA = 2 };
struct msg {
	kind     type;
	char     name[MAXNAME];
	uint16   len;
	uint8    payload[len];
};`))
	if err != nil {
		panic(err)
	}
	msg, _ := spec.Lookup("struct msg")
	data := []byte{2, 'r', 'e', 'p', 'o', 'r', 't', 0, 0, 3, 0, 0xca, 0xfe, 0x42}
	v, err := spec.Unpack(msg, data)
	if err != nil {
		panic(err)
	}
	name, _ := v.Lookup("name")
	payload, _ := v.Lookup("payload")
	fmt.Println(name.Text(), payload.Len(), v.Size())
	fmt.Println(string(cstruct.AppendJSON(nil, v)))
	// Output:
	// report 3 14
	// {"type":"DATA","name":"report","len":3,"payload":[202,254,66]}
}

func ExampleConfig_natural() {
	cfg := cstruct.Config{Natural: true} // gcc's x86_64 layout
	spec, _ := cfg.Parse("s.h", []byte(`struct s { char c; long l; short x:3, y:5; };`))
	st, _ := spec.Struct("s")
	for _, f := range st.Fields {
		fmt.Printf("%s@%d.%d ", f.Name, f.Offset, f.BitOffset)
	}
	fmt.Println(st.Size())
	// Output: c@0.0 l@8.0 x@16.0 y@16.3 24
}

func ExampleValue_Lookup() {
	spec, _ := cstruct.Parse("t.h", []byte(`struct pt { int32 x, y; }; struct poly { uint8 n; struct pt p[n]; };`))
	poly, _ := spec.Lookup("poly")
	v, _ := spec.Unpack(poly, []byte{2, 1, 0, 0, 0, 2, 0, 0, 0, 0xfd, 0xff, 0xff, 0xff, 4, 0, 0, 0})
	y, _ := v.Lookup("p[1].x")
	fmt.Println(y.Int(), y.Offset())
	// Output: -3 9
}

func ExampleSpec_Pack() {
	spec, _ := (&cstruct.Config{ByteOrder: binary.BigEndian}).Parse("h.h", []byte(`struct hdr { uint32 magic; char tag[4]; uint16 n; };`))
	hdr, _ := spec.Lookup("hdr")
	b, _ := spec.Pack(hdr, map[string]any{"magic": 0xfeedbeef, "tag": "ab", "n": 7})
	fmt.Printf("% x\n", b)
	// Output: fe ed be ef 61 62 00 00 00 07
}

func ExampleWriteListing() {
	spec, _ := cstruct.Parse("t.h", []byte(`struct t { uint16 id; char name[6]; uint8 flags:3, level:5; };`))
	t, _ := spec.Lookup("t")
	v, _ := spec.Unpack(t, []byte{0x34, 0x12, 'c', 'p', 'u', 0, 0, 0, 0x15})
	_ = cstruct.WriteListing(os.Stdout, v, "t", 16)
	// Output:
	// 0x0000         2  uint16                   t.id = 4660
	// 0x0002         6  char [6]                 t.name = "cpu"
	// 0x0008.0     3:b  uint8                    t.flags = 5
	// 0x0008.3     5:b  uint8                    t.level = 2
}
