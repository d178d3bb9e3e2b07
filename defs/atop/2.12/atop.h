// atop 2.12 raw log (aversion 0x820c): same structs, sizes and field names
// as atop 2.11, so this version reuses the 2.11 files.
#include "../2.11/atop.h"
