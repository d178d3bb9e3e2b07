// atop 2.11 raw log (aversion 0x820b): on-disk structs, x86_64 / LP64.
// Sizes: rawheader 480, rawrecord 96, sstat 1064016, tstat 968, cstat 432 (+ name).
// atop 2.12 uses these files unchanged (2.12/atop.h includes this one).

// natural alignment, as gcc lays out these structs on x86_64
#pragma pack(8)

#ifndef ATOP_ATOP_H
#define ATOP_ATOP_H

typedef long long count_t;

#include "rawlog.h"
#include "photosyst.h"
#include "photoproc.h"
#include "cgroups.h"

#endif
