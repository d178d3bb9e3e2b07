/*
 * PNG files: an 8-byte signature, then chunks (length, type, data, CRC),
 * all big-endian; the IHDR chunk's data is the image header. Written for
 * cstruct from the PNG specification (ISO/IEC 15948).
 *
 *   cstruct dump -f png.h -t png_signature image.png
 *   cstruct dump -f png.h -t png_chunk -o 8 -n 0 --max-elems 8 image.png   (every chunk, up to IEND)
 *   cstruct dump -f png.h -t png_ihdr -o 16 image.png                      (IHDR's data: the first chunk)
 */

struct png_signature {
	uint8 bytes[8];   /* 89 50 4e 47 0d 0a 1a 0a */
};

struct png_chunk {
	uint32 length;    /* of data */
	char   type[4];   /* "IHDR", "PLTE", "IDAT", "IEND", "tEXt"… */
	uint8  data[length];
	uint32 crc;       /* CRC-32 of type and data */
} __attribute__((scalar_storage_order("big-endian")));

enum png_color_type : uint8 {
	PNG_GRAY = 0, PNG_RGB = 2, PNG_PALETTE = 3, PNG_GRAY_ALPHA = 4, PNG_RGBA = 6
};

enum png_interlace : uint8 { PNG_INTERLACE_NONE = 0, PNG_INTERLACE_ADAM7 = 1 };

struct png_ihdr {
	uint32 width;
	uint32 height;
	uint8  bit_depth;
	png_color_type color_type;
	uint8  compression;   /* 0: deflate */
	uint8  filter;        /* 0 */
	png_interlace interlace;
} __attribute__((scalar_storage_order("big-endian")));
