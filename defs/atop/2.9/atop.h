// atop 2.9 raw log (aversion 0x8209): on-disk structs, x86_64 / LP64.
// Sizes: rawheader 480, rawrecord 96, sstat 1021960, tstat 968.
// Same bytes as 2.8; reserved tstat cpu fields are now nvcsw/nivcsw.

// natural alignment, as gcc lays out these structs on x86_64
#pragma pack(8)

#ifndef ATOP_ATOP_H
#define ATOP_ATOP_H

typedef long long count_t;

#include "rawlog.h"
#include "photosyst.h"
#include "photoproc.h"

#endif
