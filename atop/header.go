package atop

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// magic is the first word of every raw log, in the writer's byte order.
const magic = 0xfeedbeef

// Header is a raw log's file header (struct rawheader). It describes the
// atop that created the file: later atop runs that append to the file do
// not rewrite it.
type Header struct {
	Version  Version
	AVersion uint16           // the raw field: 0x8000 | major<<8 | minor
	Order    binary.ByteOrder // the writer's byte order (big-endian for s390x, ppc64)
	Hertz    int              // clock ticks per second
	PageSize int              // bytes
	PIDWidth int              // digits of pid_max (2.8+; 0 before)
	Support  SupportFlags     // what the writer supported (see SupportFlags)

	// From the writer's uname(2); Nodename is the short host name.
	Sysname, Nodename, Release, OSVersion, Machine, Domainname string

	// The struct sizes of the writer, all checked against the definitions.
	RawHeadLen, RawRecLen, SStatLen, TStatLen, CStatLen int

	// Defs names where the definitions came from ("embedded
	// atop/2.10/atop.h" or a file in Options.DefsDir), and the limits
	// inferred, if any.
	Defs string

	// Inferred are the limits inferred from the recorded sizes (see
	// Options.Strict), sorted by name; nil when the definitions fit as
	// they are.
	Inferred []Define

	// Value is the whole struct rawheader, for fields not listed above.
	Value cstruct.Value

	l *layout
}

// Spec is the parsed definitions of the header's version: the types of
// "struct rawheader", "struct rawrecord", "struct sstat", "struct tstat"
// and, 2.11+, "struct cstat".
func (h *Header) Spec() *cstruct.Spec { return h.l.spec }

// Flags are the per-sample flags of a raw record (atop's RR* bits).
type Flags uint16

// The record flags (the same bit values in every version).
const (
	FlagBoot          Flags = 0x0001 // first sample of an atop run: values since boot (RESET in atop -P)
	FlagLast          Flags = 0x0002 // used by atop in memory only
	FlagNetatop       Flags = 0x0004 // the netatop module was active: per-task network counters are valid
	FlagNetatopd      Flags = 0x0008 // the netatopd daemon was active (exited tasks' network counters)
	FlagAcctActive    Flags = 0x0010 // process accounting was active: exited processes are included
	FlagIOStat        Flags = 0x0020 // per-task disk I/O counters are valid
	FlagContainerStat Flags = 0x0040 // container (docker/pod) names are valid
	FlagGPUStat       Flags = 0x0080 // GPU statistics are valid (2.4+)
	FlagCgroupV2      Flags = 0x0100 // cgroup v2 data present (2.8+; from 2.11 the cgroup parts follow)
	knownFlags        Flags = 0x01ff
)

var flagNames = [...]string{"BOOT", "LAST", "NETATOP", "NETATOPD", "ACCTACTIVE", "IOSTAT", "CONTAINERSTAT", "GPUSTAT", "CGROUPV2"}

// Has reports whether all bits of g are set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

func (f Flags) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if rest := f &^ knownFlags; rest != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return strings.Join(parts, "|")
}

// SupportFlags are the header's supportflags: what the writing atop
// supported. The writer always sets ACCTACTIVE, IOSTAT, NETATOP and
// NETATOPD in the header; per sample, Sample.Flags says what was valid.
type SupportFlags uint32

// The header support flags.
const (
	SupportAcctActive    SupportFlags = 0x0001
	SupportIOStat        SupportFlags = 0x0004
	SupportNetatop       SupportFlags = 0x0010
	SupportNetatopd      SupportFlags = 0x0020
	SupportContainerStat SupportFlags = 0x0040
	SupportGPUStat       SupportFlags = 0x0080 // 2.4+
	SupportCgroupV2      SupportFlags = 0x0100 // 2.8+
	SupportNetatopBPF    SupportFlags = 0x1000 // 2.10+
	SupportRealNUMA      SupportFlags = 0x2000 // 2.12+
	SupportZswap         SupportFlags = 0x4000 // 2.12+
)

var supportNames = []struct {
	f SupportFlags
	n string
}{
	{SupportAcctActive, "ACCTACTIVE"}, {SupportIOStat, "IOSTAT"}, {SupportNetatop, "NETATOP"},
	{SupportNetatopd, "NETATOPD"}, {SupportContainerStat, "CONTAINERSTAT"}, {SupportGPUStat, "GPUSTAT"},
	{SupportCgroupV2, "CGROUPV2"}, {SupportNetatopBPF, "NETATOPBPF"}, {SupportRealNUMA, "REALNUMA"},
	{SupportZswap, "ZSWAP"},
}

// Has reports whether all bits of g are set in f.
func (f SupportFlags) Has(g SupportFlags) bool { return f&g == g }

func (f SupportFlags) String() string {
	if f == 0 {
		return "0"
	}
	var parts []string
	rest := f
	for _, s := range supportNames {
		if f&s.f != 0 {
			parts = append(parts, s.n)
			rest &^= s.f
		}
	}
	if rest != 0 {
		parts = append(parts, "0x"+strconv.FormatUint(uint64(rest), 16))
	}
	return strings.Join(parts, "|")
}

// sniffHeader reads the byte order (from the magic, which must be right)
// and the version from the first 6 bytes of a header: the only fields read
// before the definitions are known.
func sniffHeader(b []byte) (order binary.ByteOrder, aversion uint16) {
	order = binary.LittleEndian
	if binary.BigEndian.Uint32(b) == magic {
		order = binary.BigEndian
	}
	return order, order.Uint16(b[4:6])
}

// parseHeader decodes a whole rawheader (b holds exactly l.headerSize bytes,
// owned by the Header) and checks the struct sizes against the definitions.
func parseHeader(l *layout, b []byte, order binary.ByteOrder) (*Header, error) {
	v, err := l.spec.UnpackWith(l.header, b, cstruct.Options{Order: order})
	if err != nil {
		return nil, &TornError{Sample: -1, Part: "header", Want: l.headerSize, Have: int64(len(b))}
	}
	f := &l.hdr
	h := &Header{
		Version:    l.version,
		AVersion:   uint16(f.aversion.uint(v)),
		Order:      order,
		Hertz:      int(f.hertz.uint(v)),
		PageSize:   int(f.pagesize.uint(v)),
		PIDWidth:   int(f.pidwidth.uint(v)),
		Support:    SupportFlags(uint32(f.supportflags.int(v))),
		Sysname:    f.sysname.text(v),
		Nodename:   f.nodename.text(v),
		Release:    f.release.text(v),
		OSVersion:  f.osversion.text(v),
		Machine:    f.machine.text(v),
		Domainname: f.domainname.text(v),
		RawHeadLen: int(f.rawheadlen.uint(v)),
		RawRecLen:  int(f.rawreclen.uint(v)),
		SStatLen:   int(f.sstatlen.uint(v)),
		TStatLen:   int(f.tstatlen.uint(v)),
		CStatLen:   int(f.cstatlen.int(v)),
		Defs:       l.source,
		Value:      v,
		l:          l,
	}
	checks := []struct {
		field string
		file  int64
		defs  int64
		skip  bool
	}{
		{"rawheadlen", int64(h.RawHeadLen), l.headerSize, !f.rawheadlen.ok()},
		{"rawreclen", int64(h.RawRecLen), l.recordSize, !f.rawreclen.ok()},
		{"sstatlen", int64(h.SStatLen), l.sstatSize, !f.sstatlen.ok()},
		{"tstatlen", int64(h.TStatLen), l.tstatSize, !f.tstatlen.ok()},
		{"cstatlen", int64(h.CStatLen), l.cstatSize, !f.cstatlen.ok() || l.cstat == nil},
	}
	var bad []SizeMismatch
	for _, c := range checks {
		if !c.skip && c.file != c.defs {
			bad = append(bad, SizeMismatch{Field: c.field, File: c.file, Defs: c.defs})
		}
	}
	if bad != nil {
		// i386 (32-bit time_t and long, 4-aligned long long): the record
		// shrinks from 96 to 88 bytes, the header keeps its 480.
		arch32 := h.RawRecLen == 88 && h.RawHeadLen == int(l.headerSize)
		return nil, &SizeError{Version: l.version, Defs: l.source, Mismatches: bad, Arch32: arch32}
	}
	if h.Hertz <= 0 {
		h.Hertz = 100 // atop keeps its own value when the header has none
	}
	if h.PageSize <= 0 {
		h.PageSize = 4096
	}
	return h, nil
}
