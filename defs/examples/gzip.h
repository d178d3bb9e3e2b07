/*
 * gzip files (RFC 1952): each member starts with a 10-byte header, then,
 * as its flags say, the extra field, the original file name and a comment
 * (zero-terminated), a header CRC, the deflate data, and an 8-byte
 * trailer. Written for cstruct from RFC 1952.
 *
 *   cstruct dump -f gzip.h -t gzip_header file.gz
 *   cstruct dump -f gzip.h -t gzip_name -o 10 file.gz       (when FNAME is set and FEXTRA is not)
 *   cstruct dump -f gzip.h -t gzip_trailer -o $(( $(stat -c %s file.gz) - 8 )) file.gz
 */

enum gzip_method : uint8 { GZIP_DEFLATE = 8 };

flag gzip_flags : uint8 {
	FTEXT = 0x01, FHCRC = 0x02, FEXTRA = 0x04, FNAME = 0x08, FCOMMENT = 0x10
};

flag gzip_xfl : uint8 { XFL_MAX = 2, XFL_FAST = 4 };

enum gzip_os : uint8 {
	OS_FAT = 0, OS_AMIGA = 1, OS_VMS = 2, OS_UNIX = 3, OS_VM_CMS = 4, OS_ATARI = 5, OS_HPFS = 6, OS_MACINTOSH = 7,
	OS_Z_SYSTEM = 8, OS_CPM = 9, OS_TOPS20 = 10, OS_NTFS = 11, OS_QDOS = 12, OS_ACORN = 13, OS_UNKNOWN = 255
};

struct gzip_header {
	uint8       id1;        /* 0x1f */
	uint8       id2;        /* 0x8b */
	gzip_method cm;
	gzip_flags  flg;
	uint32      mtime;      /* modification time of the original, seconds since the epoch; 0: none */
	gzip_xfl    xfl;
	gzip_os     os;
};

/* with FEXTRA, right after the header */
struct gzip_extra {
	uint16 xlen;
	uint8  data[xlen];
};

/* with FNAME (after the extra field), and with FCOMMENT after it */
struct gzip_name {
	char name[];
};

/* the last 8 bytes of a member */
struct gzip_trailer {
	uint32 crc32;          /* of the uncompressed data */
	uint32 isize;          /* its size modulo 2^32 */
};
