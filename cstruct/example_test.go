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

// Accessors resolve a field path once and then read it from any record's
// bytes: the fast path for hot loops over many records of one type.
func ExampleSpec_Accessor() {
	spec, _ := (&cstruct.Config{Natural: true}).Parse("proc.h", []byte(`
struct proc {
	int32  pid;
	char   name[12];
	struct { uint64 utime, stime; } cpu;
	uint8  state : 4, nice : 4;
};`))
	proc, _ := spec.Lookup("struct proc")
	pid, _ := spec.Accessor(proc, "pid", nil)
	name, _ := spec.Accessor(proc, "name", nil)
	utime, _ := spec.Accessor(proc, "cpu.utime", nil)
	nice, _ := spec.Accessor(proc, "nice", nil)

	rec := make([]byte, proc.Size())
	binary.LittleEndian.PutUint32(rec[0:], 4242)
	copy(rec[4:], "sshd")
	binary.LittleEndian.PutUint64(rec[16:], 1234)
	rec[32] = 0x52 // state 2, nice 5
	fmt.Println(pid.Int(rec), string(name.Bytes(rec)), utime.Uint(rec), nice.Uint(rec), proc.Size())
	// Output: 4242 sshd 1234 5 40
}

// A Plan reads records whose layout depends on the data without
// allocating: Layout finds where the parts of each record lie, into a
// Layout that is reused from record to record.
func ExamplePlan() {
	spec, _ := cstruct.Parse("msg.h", []byte(`struct msg { uint16 len; char data[len]; uint8 crc; };`))
	msg, _ := spec.Lookup("struct msg")
	p := spec.Plan(msg, nil)
	data, _ := p.Accessor("data")
	crc, _ := p.Accessor("crc")

	b := []byte{2, 0, 'h', 'i', 0x11, 3, 0, 'b', 'y', 'e', 0x22}
	var lay cstruct.Layout
	for len(b) > 0 {
		if err := p.Layout(b, 0, &lay); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %#x\n", data.BytesL(b, &lay), crc.UintL(b, &lay))
		b = b[lay.Size():]
	}
	// Output:
	// hi 0x11
	// bye 0x22
}
