package parseable

// The names every description knows besides the sample's: what the
// header gives, atop's flag constants, and the built-in functions.

// headerInfo is what the engine needs from the file header.
type headerInfo struct {
	version  string // "2.13"
	host     string
	hertz    int64
	pagesize int64
	support  uint32 // the header's supportflags
}

// atop's support flags (the same bits in every version) and the raw
// record flags they come from per sample.
const (
	supAcctActive = 0x0001
	supIOStat     = 0x0004
	supNetatop    = 0x0010
	supNetatopd   = 0x0020
	supDockStat   = 0x0040
	supGPUStat    = 0x0080
	supCgroupV2   = 0x0100
	rawLogNG      = supAcctActive | supIOStat | supNetatop | supNetatopd

	rrBoot          = 0x0001
	rrNetatop       = 0x0004
	rrNetatopd      = 0x0008
	rrAcctActive    = 0x0010
	rrIOStat        = 0x0020
	rrContainerStat = 0x0040
	rrGPUStat       = 0x0080
	rrCgrStat       = 0x0100
)

// builtinConsts are names every description can use.
var builtinConsts = map[string]scalar{
	"ACCTACTIVE":    intScalar(supAcctActive),
	"IOSTAT":        intScalar(supIOStat),
	"NETATOP":       intScalar(supNetatop),
	"NETATOPD":      intScalar(supNetatopd),
	"DOCKSTAT":      intScalar(supDockStat),
	"CONTAINERSTAT": intScalar(supDockStat),
	"GPUSTAT":       intScalar(supGPUStat),
	"CGROUPV2":      intScalar(supCgroupV2),
	"RRBOOT":        intScalar(rrBoot),
}

// sampleSupport is atop's supportflags while it shows a sample: the
// header's, with the per-sample bits taken from the record flags (as
// rawread does in every version).
func sampleSupport(hdr uint32, flags uint16) int64 {
	sf := hdr
	set := func(bit uint32, on bool) {
		if on {
			sf |= bit
		} else {
			sf &^= bit
		}
	}
	if hdr&rawLogNG == rawLogNG {
		set(supAcctActive, flags&rrAcctActive != 0)
		set(supIOStat, flags&rrIOStat != 0)
	}
	set(supNetatop, flags&rrNetatop != 0)
	set(supNetatopd, flags&rrNetatopd != 0)
	set(supDockStat, flags&rrContainerStat != 0)
	set(supGPUStat, flags&rrGPUStat != 0)
	set(supCgroupV2, flags&rrCgrStat != 0)
	return int64(sf)
}

// builtinArity is the number of arguments of each built-in function
// (compile_expr.go compiles them; doc.go says what they do).
var builtinArity = map[string]int{
	"int8": 1, "int16": 1, "int32": 1, "int64": 1, "uint8": 1, "uint16": 1, "uint32": 1, "uint64": 1,
	"char": 1, "double": 1, "float": 1, "len": 1, "sum": 3, "sumif": 4, "cpufreq": 3, "cpufreqperc": 3,
	"exitcode": 1, "avg": 2, "unset0": 1, "spacefmt": 1, "dash": 1, "yn": 1, "each": 2, "cgindex": 1,
	"jsonsafe": 2, "jsonstr": 2,
}
