/* Structs laid out on i386 (ILP32): TestGCCLayoutsILP32 compares our
 * layout with gcc -m32's (testdata/gcc_layouts_ilp32.golden, made with
 * -update-gcc from an object file, so no 32-bit libc is needed). */
struct i_basic { char c; long long ll; double d; long l; void *p; short h; };
struct i_tail { long long ll; char c; };
struct i_nested { char c; struct i_tail t; char d; };
struct i_array { char c; double d[2]; long l[3]; char e; };
union i_union { char c[5]; long long ll; int i; };
struct i_anon { int a; union { char b; double c; }; struct { short d; long e; }; char f; };
struct i_ptrs { char c; char *p; int (*fp)(int); unsigned long ul; };
struct __attribute__((packed)) i_packed { char c; long long ll; int i; };
struct __attribute__((aligned(8))) i_aligned { char c; };
struct i_aligned_member { char c; long long ll __attribute__((aligned(8))); char d; };
#pragma pack(push, 2)
struct i_pack2 { char c; long long ll; double d; char e; };
#pragma pack(pop)
struct i_float { char c; float f; double d; long double_; };
