// atop 2.6 raw log (aversion 0x8206): on-disk structs, x86_64 / LP64.
// Sizes: rawheader 480, rawrecord 96, sstat 716656, tstat 840.
// Same bytes as 2.4/2.5; reserved fields now have names (memstat
// zfsarcsize/swapcached, tstat cpu.wchan/rundelay, mem.vlock).

// natural alignment, as gcc lays out these structs on x86_64
#pragma pack(8)

#ifndef ATOP_ATOP_H
#define ATOP_ATOP_H

typedef long long count_t;

#include "rawlog.h"
#include "photosyst.h"
#include "photoproc.h"

#endif
