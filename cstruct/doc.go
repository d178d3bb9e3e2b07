// Package cstruct reads C definitions at run time and unpacks bytes with
// them: the idea of Python's dissect.cstruct, in Go.
//
// Definition text (a .h file or a string) goes through a C preprocessor
// (#define, #if, #include, #pragma pack), a grammar (participle), and a
// resolver that lays every struct out, into a [Spec] of [Type]s. Bytes are
// then unpacked into [Value]s: typed views that copy nothing and decode a
// field only when it is read. [Spec.Pack] goes the other way.
//
//	spec, err := cstruct.Parse("defs.h", src)
//	hdr, err := spec.Lookup("struct header")
//	v, err := spec.Unpack(hdr, data)
//	count, err := v.Lookup("count") // count.Int()
//
// # Hot loops: accessors and plans
//
// Value finds fields by name and type on every read. For loops over many
// records, resolve each field once instead: [Spec.Accessor] turns a path
// ("cpu.all.utime", "gen.name", "cpu.cpu[3].stime") into an [Accessor]
// whose Uint, Int, Float and Bytes read the field straight from a record's
// bytes — an inlined load and two shifts, with no lookup, allocation or
// interface call. [Scalar] is the same for a caller that knows the field's
// Go type.
//
//	pid, _ := spec.Accessor(tstat, "gen.pid", nil)
//	for off := 0; off+size <= len(b); off += size {
//		use(pid.Int(b[off:]))
//	}
//
// A type of dynamic size ("uint16 len; char data[len];") is compiled by
// [Spec.Plan]: [Plan.Layout] finds where one record's parts lie and writes
// them into a [Layout] that the caller reuses, and accessors read the
// fields that move with the data through their L methods (BytesL, UintL,
// …). [Reader.NextRecord] streams records that way without allocating.
//
// # Language
//
// dissect.cstruct's language (its types and aliases, enum and flag with a
// base type, T a[expr over earlier fields], T a[] zero-terminated, T a[EOF],
// multi-dimensional arrays, bit-fields, anonymous members, pointers,
// uleb128/ileb128, wchar) plus enough C to load real headers unchanged:
// the preprocessor, const/volatile/static and other qualifiers (dropped),
// function prototypes and bodies (skipped), forward declarations, enum X e;
// members, _Bool, size_t and the other POSIX names, casts and sizeof,
// offsetof, comparisons, logic and ?: in constant expressions,
// __attribute__((packed)), aligned(N), _Alignas, and
// __attribute__((scalar_storage_order("big-endian"))) for a per-struct byte
// order. For system headers: asm labels (glibc's __REDIRECT), function
// typedefs, casts to typedef names in constants ((__u64)-32), long double
// (x87, read and written as float64), __builtin_va_list, typeof and
// __typeof__, _Static_assert, __extension__, __has_include, and the
// attributes aligned on a typedef, mode(QI|HI|SI|DI|TI|word), vector_size
// and packed enums. Enum members may be named as in dissect ("32BIT").
//
// # System headers: targets
//
// A [Target] is a compiler's predefined macros and system include
// directories: with [Config].Target set to [HostTarget] (gcc -dM -E and
// gcc's search list when gcc is installed, else [BuiltinTarget], gcc 12 on
// x86_64 or i386 Linux) and Natural layout, "#include <linux/tcp.h>" or
// <sys/stat.h> loads as under gcc, wchar_t is 4 bytes, and an angled
// include that is not found is an error. Without a target, a few macros of
// x86-64 Linux gcc are predefined (i386 with ILP32) and a missing <x> is
// left to the built-in types. TestSystemHeadersGCC loads every header under
// /usr/include/linux and ~120 glibc headers this way and compares every
// struct with gcc's DWARF.
//
// # Layout
//
// As in dissect.cstruct, structs are packed by default: no padding. With
// [Config].Natural, or inside a "#pragma pack(N)" region, every struct is laid
// out as gcc lays it out on the configured ABI (LP64 by default): alignment
// of every scalar, nested struct, union and array, holes, trailing padding,
// bit-fields with gcc's unit rule (a bit-field may not span more units of its
// type's alignment than the type itself; under #pragma pack it may), :0 to
// close a unit, flexible array members. The tests compare both with gcc.
//
// # Where this package differs from dissect.cstruct
//
// Deliberately, where dissect differs from C or loses information:
//   - Integer division truncates toward zero and % takes the dividend's sign,
//     as in C (dissect uses Python's floor division: -7/2 is -4 there).
//   - Constant and length expressions have C's types (internal/cexpr): 1u is
//     an unsigned int and -(65535u) is 4294901761, a field is of its type,
//     sizeof is a size_t, and constants fold as gcc folds them; in a length,
//     any overflow is an error instead of a wrapped length.
//   - long is 8 bytes on the default LP64 ABI (dissect: always 4);
//     unsigned char is an integer (dissect: bytes).
//   - Signed bit-fields sign-extend; bit-field writes are checked against the
//     width (dissect: no sign extension, no masking).
//   - A bit-field that does not fit the rest of its unit starts a new unit
//     in packed mode (dissect refuses with "straddled bit fields").
//   - In natural layout bit-fields follow gcc, not dissect's container rule
//     (dissect vector V21 places c at offset 8; gcc at bit 8).
//   - An identifier in an array size that is neither a constant nor an
//     earlier field is an error when the text is loaded (dissect issue #163:
//     it becomes a dynamic array that fails only when read).
//   - Array lengths may refer to fields of enclosing structs; alignment
//     padding after a dynamic field is relative to the struct, not to the
//     input, so a struct decodes the same at any offset.
//   - A trailing partial element of a T[EOF] array is an error with its
//     offset (dissect: a struct.error).
//   - An enum defined inside a struct body defines a type, not a member; a
//     forward declaration "struct x;" is accepted.
//   - Enum members that do not match keep their number (as dissect 4+);
//     flags render as "A|B" with unknown bits as a number.
//   - An enum without a base type is sized as gcc sizes it: unsigned int,
//     int, or 8 bytes when its values need them (dissect: uint32 always);
//     packed and mode(...) enums are smaller.
//   - #undef of a name that is not defined is fine, as in C (dissect: an
//     error).
//   - "1 + + 2" is 3, as in C (dissect: a syntax error).
//   - char argv[][argc], an array of elements whose length depends on the
//     data, is refused as C refuses it (dissect: "Depth required").
//   - A missing #include "x" is an error naming the directories searched
//     (dissect records includes and loads nothing); a missing <x> is one
//     under a Target.
//   - long double exists (16 bytes, x87; 12 under ILP32), and wchar_t is 4
//     bytes under a Target (dissect's wchar and WCHAR stay UTF-16 units).
//
// As dissect does: Pack writes the union member that covers the union
// (the largest of those given), so a union packs back to the bytes it was
// unpacked from; void x[N] reads as an empty list.
//
// # Security
//
// Definition text and data may be hostile. Neither makes this package
// panic; errors carry a position (definitions: file:line:col) or an
// absolute offset and field path (data, [DecodeError], wrapping
// io.ErrUnexpectedEOF when the input ends early). Lengths taken from data
// are bounded by [Limits] before anything is allocated, and a Value never
// holds more than the input it views. Macro expansion and include depth
// are bounded too, and so is definition text: [Limits] caps the bytes of
// each file and of all of them, the preprocessor the tokens, and only
// regular files are read (a device or FIFO is an error, not a hang).
//
// # Concurrency
//
// A Spec is read-only once loaded and safe for concurrent use; Values are
// plain values that alias their input.
package cstruct
