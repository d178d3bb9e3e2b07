/* Structs whose layout gcc decides: TestGCCLayouts compares our natural
 * layout with gcc's (testdata/gcc_layouts.golden, made with -update-gcc). */
#include <stdint.h>

struct s_basic { char c; int i; long l; short s; };
struct s_tail { long l; char c; };
struct s_nested { char c; struct s_tail t; char d; };
struct s_array { char c; short s[3]; double d; char e[5]; };
struct s_bits1 { char c; int i:3; long l; };
struct s_bits2 { unsigned a:4; unsigned b:4; unsigned c:30; unsigned char d; };
struct s_bits3 { char a; long long b:40; long long c:30; };
struct s_bits4 { short a:12; short b:12; char c; };
struct s_bits5 { int a:5; int :0; int b:5; char c:3; char :0; char d; };
struct s_bits6 { char a; unsigned long long b:1; };
struct s_bits7 { uint8_t a:3; uint16_t b:9; uint32_t c:21; uint64_t d:33; };
struct s_bits8 { int a:1; signed char b:7; unsigned char c:8; _Bool d:1; unsigned short e:15; };
struct s_bits9 { char a; int :5; char b; };
union u_bits { int a:3; long long b:40; char c; };
union u_mixed { char c[5]; int i; short s; };
struct s_anon { int a; union { char b; long c; }; struct { short d; char e; }; char f; };
struct s_flex { short n; int data[]; };
struct __attribute__((packed)) s_packed { char c; int i; long l; };
struct s_packed_member { char c; int i __attribute__((packed)); char d; long l; };
struct s_packed_bits { char a; int b:31; } __attribute__((packed));
struct __attribute__((aligned(16))) s_aligned { char c; };
struct s_aligned_member { char c; int i __attribute__((aligned(8))); char d; };
struct s_aligned_in { char c; struct s_aligned a; char d; };
struct s_alignas { char c; _Alignas(16) char d; };
#pragma pack(push, 2)
struct s_pack2 { char c; int i; long l; char d; };
struct s_pack2_bits { char a; int b:31; char c; long long d:40; };
#pragma pack(pop)
#pragma pack(1)
struct s_pack1 { char c; int i; long l; short s; };
struct s_pack1_bits { char a; int b:31; int c:4; long long d:60; };
#pragma pack()
#pragma pack(4)
struct s_pack4 { char c; long l; double d; short s; };
struct s_pack4_nested { char c; struct s_tail t; };
#pragma pack()
struct s_after_pack { char c; long l; };
enum e_small { E_A, E_B };
enum e_neg { N_A = -1, N_B = 1 };
struct s_enum { char c; enum e_small e; char d; enum e_neg n; enum e_small b:3; };
struct s_float { char c; float f; double d; char e; };
struct s_ptr { char c; void *p; char *q[2]; int (*fp)(int); };
struct s_multi { char c; int m[2][3]; short s[2][2][2]; };
struct s_sizes { char c; uint64_t a; int16_t b; size_t z; ssize_t y; time_t t; pid_t p; };
/* Found by TestGCCDifferential: #pragma pack caps an aligned attribute on
 * a member; under #pragma pack a named bit-field aligns a packed struct as
 * its type does (capped); a zero-width bit-field aligns as its type does
 * whatever the packing. */
#pragma pack(push, 2)
struct s_pack2_aligned_member { int a; char c; unsigned long l __attribute__((aligned(4))); };
struct s_pack2_aligned_bits { char a; int b:5 __attribute__((aligned(8))); };
#pragma pack(pop)
#pragma pack(push, 4)
struct s_pack4_packed_bits { unsigned char a:5; int b:17; } __attribute__((packed));
struct s_pack4_packed_aligned { int a; long long b __attribute__((aligned(16))); char c; } __attribute__((packed));
#pragma pack(pop)
#pragma pack(push, 1)
struct s_pack1_zero { int a; unsigned long long :0; long b:42; char c; } __attribute__((packed));
struct s_pack1_zero2 { char a; unsigned int :0; char b; };
#pragma pack(pop)
