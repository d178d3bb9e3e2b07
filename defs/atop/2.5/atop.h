// atop 2.5 raw log (aversion 0x8205): same structs, sizes and field names
// as atop 2.4, so this version reuses the 2.4 files.
#include "../2.4/atop.h"
