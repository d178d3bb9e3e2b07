// atop 2.4 raw log (aversion 0x8204): on-disk structs, x86_64 / LP64.
// Sizes: rawheader 480, rawrecord 96, sstat 716656, tstat 840.
// atop 2.5 uses these files unchanged (2.5/atop.h includes this one).
// atop 2.6 has the same bytes but names some reserved fields.

// natural alignment, as gcc lays out these structs on x86_64
#pragma pack(8)

#ifndef ATOP_ATOP_H
#define ATOP_ATOP_H

typedef long long count_t;

#include "rawlog.h"
#include "photosyst.h"
#include "photoproc.h"

#endif
