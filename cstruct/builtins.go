package cstruct

import (
	"sort"
	"strings"
)

func intType(name string, size int64, signed bool, align int64) *Int {
	return &Int{Name: name, ByteSize: size, Signed: signed, Alignof: align}
}

// builtinTypes returns the built-in type names for an ABI: dissect.cstruct's
// names, their Windows/stdint/IDA aliases, and the common C and POSIX names.
func builtinTypes(abi ABI) map[string]Type {
	m := make(map[string]Type)
	a8 := abi.Int64Align
	add := func(t Type, names ...string) {
		for _, n := range names {
			m[n] = t
		}
	}
	mk := func(size int64, signed bool) *Int {
		al := size
		switch size {
		case 3:
			al = 4
		case 6:
			al = 8
		case 8:
			al = a8
		}
		name := "uint"
		if signed {
			name = "int"
		}
		return intType(name+itoa(size*8), size, signed, al)
	}
	for _, size := range []int64{1, 2, 3, 4, 6, 8, 16} {
		bits := itoa(size * 8)
		s, u := mk(size, true), mk(size, false)
		add(s, "int"+bits, "int"+bits+"_t", "__int"+bits, "INT"+bits, "__s"+bits, "s"+bits)
		add(u, "uint"+bits, "uint"+bits+"_t", "unsigned __int"+bits, "UINT"+bits, "__u"+bits, "u"+bits, "u_int"+bits+"_t")
	}
	long := mk(abi.LongSize, true)
	long.Name = "long"
	ulong := mk(abi.LongSize, false)
	ulong.Name = "unsigned long"
	ptr := mk(abi.PointerSize, false)
	sptr := mk(abi.PointerSize, true)
	tt := mk(abi.TimeSize, true)
	tt.Name = "time_t"

	add(&Char{}, "char", "CHAR")
	add(&WChar{}, "wchar", "wchar_t", "WCHAR")
	add(&Void{}, "void", "VOID")
	add(&LEB128{}, "uleb128")
	add(&LEB128{Signed: true}, "ileb128")
	add(&Float{Name: "float16", ByteSize: 2}, "float16", "_Float16", "__fp16", "half")
	f32 := &Float{Name: "float", ByteSize: 4}
	add(f32, "float", "float32", "FLOAT")
	f64 := &Float{Name: "double", ByteSize: 8, Alignof: a8}
	add(f64, "double", "float64", "DOUBLE")

	boolT := &Int{Name: "bool", ByteSize: 1, Alignof: 1, Bool: true}
	add(boolT, "bool", "_Bool")
	add(intType("BOOL", 4, true, 4), "BOOL")

	add(m["int8"], "signed char", "__int8")
	add(m["uint8"], "unsigned char", "uchar", "BYTE", "UCHAR", "_BYTE", "u_char")
	add(m["int16"], "short", "short int", "signed short", "signed short int", "SHORT", "__int16")
	add(m["uint16"], "unsigned short", "unsigned short int", "ushort", "WORD", "USHORT", "_WORD", "u_short")
	add(m["int32"], "int", "signed", "signed int", "INT", "LONG", "LONG32", "INT32", "__int32", "pid_t", "key_t", "clockid_t", "id_t")
	add(m["uint32"], "unsigned int", "unsigned", "uint", "DWORD", "ULONG", "UINT", "_DWORD", "u_int", "uid_t", "gid_t", "mode_t", "useconds_t", "socklen_t", "dev32_t")
	add(long, "long", "long int", "signed long", "signed long int", "off_t", "clock_t", "suseconds_t", "blksize_t", "blkcnt_t", "nlink_t")
	add(ulong, "unsigned long", "unsigned long int", "ulong", "u_long", "ino_t", "dev_t", "rlim_t")
	add(m["int64"], "long long", "long long int", "signed long long", "signed long long int", "LONG64", "LONGLONG", "__int64", "off64_t", "loff_t", "intmax_t")
	add(m["uint64"], "unsigned long long", "unsigned long long int", "QWORD", "ULONG64", "ULONGLONG", "DWORD64", "_QWORD", "uintmax_t", "u_quad_t")
	add(m["uint128"], "OWORD", "_OWORD", "unsigned __int128", "__uint128_t")
	add(m["int128"], "__int128", "__int128_t")
	add(ptr, "size_t", "uintptr_t", "SIZE_T", "ULONG_PTR", "DWORD_PTR", "UINT_PTR")
	add(sptr, "ssize_t", "intptr_t", "ptrdiff_t", "SSIZE_T", "LONG_PTR", "INT_PTR")
	add(tt, "time_t")
	cTypes(m, abi)
	return m
}

func itoa(n int64) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

// keywordOrder gives C type keywords a canonical order so that "long
// unsigned int" and "unsigned long int" name the same type.
var keywordOrder = map[string]int{
	"signed": 0, "__signed__": 0, "unsigned": 1, "__unsigned__": 1, "short": 2, "long": 3, "char": 4, "int": 5,
	"float": 6, "double": 6, "_Bool": 6, "void": 6,
	"__int8": 6, "__int16": 6, "__int32": 6, "__int64": 6, "__int128": 6, "_Float16": 6, "__fp16": 6, "_Complex": 7,
}

// normalizeWords turns a list of C type keywords into a canonical name:
// "long unsigned int" → "unsigned long int".
func normalizeWords(words []string) string {
	ws := make([]string, len(words))
	for i, w := range words {
		switch w {
		case "__signed__":
			w = "signed"
		case "__unsigned__":
			w = "unsigned"
		}
		ws[i] = w
	}
	sort.SliceStable(ws, func(i, j int) bool { return keywordOrder[ws[i]] < keywordOrder[ws[j]] })
	return strings.Join(ws, " ")
}

// targetTypes changes the built-in types that a compiler target gives
// their C meaning: wchar_t is a 4-byte int on Linux (dissect's wchar and
// WCHAR stay UTF-16 code units).
func targetTypes(m map[string]Type, abi ABI) {
	m["wchar_t"] = m["int32"]
}
