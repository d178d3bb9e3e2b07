package cstruct

import "sync"

// cTypes adds the C types whose layout is the ABI's and that dissect does
// not have: long double (x87 extended precision, padded) and GCC's
// __builtin_va_list.
func cTypes(m map[string]Type, abi ABI) {
	ld := &Float{Name: "long double", ByteSize: 16, Alignof: 16}
	if abi.PointerSize == 4 {
		ld = &Float{Name: "long double", ByteSize: 12, Alignof: 4}
	}
	m["long double"] = ld
	if abi.PointerSize == 4 {
		m["__builtin_va_list"] = &Pointer{Elem: m["char"], ByteSize: 4}
		return
	}
	// x86-64 SysV: struct __va_list_tag[1]
	u32, ptr := m["uint32"], &Pointer{Elem: m["void"], ByteSize: abi.PointerSize}
	tag := &Struct{Tag: "__va_list_tag", ByteSize: 24, ByteAlign: 8, Defined: true, Fields: []Field{
		{Name: "gp_offset", Type: u32, Offset: 0, Align: 4},
		{Name: "fp_offset", Type: u32, Offset: 4, Align: 4},
		{Name: "overflow_arg_area", Type: ptr, Offset: 8, Align: 8},
		{Name: "reg_save_area", Type: ptr, Offset: 16, Align: 8},
	}}
	if err := tag.buildIndex(); err != nil {
		panic(err) // fixed fields
	}
	m["__builtin_va_list"] = newArray(tag, Fixed, 1, nil)
}

// builtinNames are the names of the built-in types (the same for every ABI).
var builtinNames = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for n := range builtinTypes(LP64) {
		m[n] = true
	}
	return m
})
