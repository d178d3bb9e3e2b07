// atop 2.13 raw log (aversion 0x820d): on-disk structs, x86_64 / LP64.
// Sizes: rawheader 480, rawrecord 96, sstat 1408336, tstat 992, cstat 432 (+ name).

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
