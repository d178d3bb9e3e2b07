// Package parseable prints atop's "parseable" output, byte for byte as the
// atop version that wrote a raw log prints it with
//
//	atop -r FILE -P LABEL[,LABEL…] [-Z]
//
// for every atop version from 2.3 to 2.13: the labels CPU cpu CPL GPU MEM
// SWP PAG PSI LVM MDD DSK NFM NFC NFS NET IFB NUM NUC LLC CGR PRG PRC PRM PRD
// PRN PRE as each version has them, ALL, the RESET and SEP lines, -Z (2.7+)
// and atop's "label X not found" for a label the version lacks.
//
//	r, err := atop.Open("/var/log/atop/atop_20261125")
//	…
//	w := bufio.NewWriter(os.Stdout)
//	err = parseable.Print(w, r, parseable.Options{Labels: []string{"CPU,PRG"}})
//	w.Flush()
//
// or, sample by sample, NewPrinter and Printer.Sample. Dates and times are
// in Options.Location (the local time zone by default), as atop prints them
// in the reader's time zone.
//
// # Line descriptions
//
// What each version prints is data, not code: a file parseable.txt next
// to the version's struct definitions (defs/atop/VERSION/parseable.txt)
// describes every label of that version as a small program over the fields
// of the raw log's structs, by atop's own field names. Supporting another
// atop version means writing its file (and its .h files), not changing this
// package; Options.DefsDir reads the files from a directory at run time.
//
// A file is a list of lines; # starts a comment line, and a line that ends
// in a backslash continues on the next one (its leading blanks dropped). At
// the top level:
//
//	atop 2.13                 the version the file describes
//	option Z                  -Z is accepted (atop 2.7 and later)
//	option json               a description of -J (json.txt), below
//	const NAME = EXPR         a constant
//	def NAME(A, B) = EXPR     a named expression with parameters
//	header TEMPLATE           how every line starts
//	label NAME … end          a label, in atop's table order
//
// In a label, statements run once per sample:
//
//	let NAME = EXPR                              a name for a value
//	print TEMPLATE                               one line: the header, a space, the template
//	for [I,] NAME in EXPR [count EXPR] [while EXPR] … end
//	if EXPR … [else …] end
//
// for walks an array of a struct or a list (tasks, cgroups), binding each
// element to NAME and its index to I; count limits it to the first N
// elements, and while stops it at the first element for which the condition
// is false (atop stops at the first disk without a name). The array's
// length always bounds the walk.
//
// A template is text with C printf conversions, each followed by the
// expression it prints in braces; %% is a percent sign:
//
//	print %s{d.name} %lld{d.io_ms} %.2f{avg(d.avque, d.io_ms)}
//	print LLC%03d{l.id} %3.1f{l.occupancy * 100}%% %lld{l.mbm_total}
//
// The conversions are atop's, with their C meaning: the length modifier
// converts the value to the C type first (%d prints the low 32 bits of a
// 64-bit counter, %llu prints -1 as 18446744073709551615, %hd a short, %x
// an unsigned int in hex), %c prints a byte, and floats round like glibc's
// printf (the exact binary value, ties to even).
//
// Expressions are C expressions: integer, float, character ('N') and string
// ("-") literals; field paths with . and [i] into the structs; the
// operators * / % + - << >> < <= > >= == != & ^ | && || ! ~ and ?: with C's
// precedence and C's arithmetic (a float times an int is computed in
// float, as atop's LLC percentage is; a double makes it double; unsigned
// 64-bit fields divide and compare unsigned); and calls. Text compares with
// == and !=, and is true when not empty (C's name[0]).
//
// Names known in every expression:
//
//	sys            the sample's struct sstat (system statistics)
//	tasks          the sample's struct tstat entries: processes and threads
//	cgroups        the sample's cgroups (2.11+): c.path ("/" for the root),
//	               c.pids, and the fields of its struct cstat (c.conf.cpumax)
//	host           the header's host name (utsname.nodename)
//	hertz pagesize from the header
//	supportflags   atop's support flags while it shows the sample: the
//	               header's, with IOSTAT, NETATOP, NETATOPD, CONTAINERSTAT,
//	               GPUSTAT and CGROUPV2 taken from the sample's record
//	rrflags        the record's flags (RRBOOT, …)
//	epoch interval the record's time and interval (seconds)
//	date time      the record's time as YYYY/MM/DD and HH:MM:SS
//	tm_year tm_mon tm_mday tm_hour tm_min tm_sec
//	               the fields of C's struct tm of the record's time
//	label          the label being printed
//	ACCTACTIVE IOSTAT NETATOP NETATOPD DOCKSTAT CONTAINERSTAT GPUSTAT
//	CGROUPV2 RRBOOT   atop's flag constants
//
// Functions:
//
//	int8 … int64, uint8 … uint64, char, float, double   C conversions
//	len(x)                 elements of a list or array, bytes of a text
//	sum(arr, n, "path")    the sum of a field over the first n elements
//	sumif(arr, n, "path", "cond")   … over those whose field cond is not 0
//	cpufreq(cnt, ticks, maxfreq), cpufreqperc(cnt, ticks, maxfreq)
//	                       atop's average CPU frequency and its percentage
//	exitcode(excode)       signal+256 for a killed process, else the exit status
//	avg(sum, n)            (double)sum/n, 0.0 when n is not positive
//	unset0(x)              0 for atop's "unknown" -1
//	spacefmt(s)            "(s)", or with -Z s with spaces as underscores
//	                       ("_" when empty): atop's spaceformat
//	dash(s)                s, or "-" when empty
//	yn(x)                  'y' when x is true, else 'n'
//	each(fmt, list)        every element formatted with fmt, joined
//	cgindex(task)          the index in cgroups of a process's cgroup by
//	                       the pid lists, -1 for threads and unknown pids
//	jsonsafe(s, n)         the first n bytes of s (all for n < 0), '"' and
//	                       '\' as '#' (atop -J's names and command lines)
//	jsonstr(s, n)          the same with '"' and '\' escaped (\" \\); both
//	                       write a control byte as \u00XX
//
// An example, the DSK label of atop 2.8:
//
//	label DSK
//		for d in sys.dsk.dsk while d.name != ""
//			print %s{d.name} %lld{d.io_ms} %lld{d.nread} %lld{d.nrsect} %lld{d.nwrite} \
//				%lld{d.nwsect} %lld{d.ndisc} %lld{d.ndsect} %lld{d.inflight} \
//				%.2f{avg(d.avque, d.io_ms)}
//		end
//	end
//
// A sample's lines are built in memory and written with one Write, so a
// sample that fails (a corrupt part, a mistake in a description) writes
// nothing. Only the parts a selected label uses are inflated: -P CPU never
// decodes the tasks.
//
// # atop's JSON (-J)
//
// Options.JSON prints what "atop -J LABELS -r FILE" prints, from a sibling
// description of each version, json.txt, in the same language. It says
// "option json", and a sample is then one line: the header (which opens
// the JSON object), the text of the selected labels' print statements one
// after the other, without line header or newline, and "}". For atop 2.8
// and later the files are that version's json.c; atop 2.3 … 2.7 have no -J,
// and their files give 2.8's shape with the keys those logs record. -J's
// own words report a bad label list (JSONLabelError, ErrJSONLabelList).
//
//	label DSK
//		print , "DSK": [
//		for i, d in sys.dsk.dsk while d.name != ""
//			print %s{i > 0 ? ", " : ""}{"dskname": "%s{jsonstr(d.name, 19)}", \
//				"io_ms": %lld{d.io_ms}, …}
//		end
//		print ]
//	end
//
// # Execution
//
// A description is read at run time and compiled once per layout (the
// version's definitions and the log's byte order) into a program: names
// become slots, field paths cstruct accessors resolved to offsets in the
// inflated parts, expressions typed closures, print lines lists of ops
// that read a field and append it. Printing a sample looks nothing up by
// name and allocates nothing. Mistakes that show only with data (an
// unknown name in a branch taken, a division by zero) are reported when
// they are reached, in the same words as ever. What has no static type
// (an ?: whose arms are of different types, say an integer and a text)
// or cannot be compiled (a def recursing deeper than 32 calls) is an
// error of the description at its file:line:col, when a selected label
// uses it.
package parseable
