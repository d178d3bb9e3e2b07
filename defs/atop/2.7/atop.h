// atop 2.7 raw log (aversion 0x8207): on-disk structs, x86_64 / LP64.
// Sizes: rawheader 480, rawrecord 96, sstat 954360, tstat 840.

// natural alignment, as gcc lays out these structs on x86_64
#pragma pack(8)

#ifndef ATOP_ATOP_H
#define ATOP_ATOP_H

typedef long long count_t;

#include "rawlog.h"
#include "photosyst.h"
#include "photoproc.h"

#endif
