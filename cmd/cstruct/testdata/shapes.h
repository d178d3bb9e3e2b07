/* holes, tail padding, bit-fields, a union, an anonymous struct, an array of structs */
enum kind : uint8 { K_NONE = 0, K_DATA = 2 };
flag perm : uint16 { P_R = 4, P_W = 2, P_X = 1 };
struct point { int16 x; int16 y; };
struct shape {
	kind   kind;           /* a hole of 3 after it */
	uint32 id;
	uint8  ver:3, hdr:5;
	perm   mode;           /* a hole of 1 before it */
	union { uint32 word; uint8 bytes[4]; } u;
	struct { uint16 lo; uint16 hi; };
	struct point pts[3];
	char   name[5];        /* tail padding of 3 */
};
