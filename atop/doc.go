// Package atop reads the binary logs that atop writes with -w ("raw
// logs", /var/log/atop/atop_YYYYMMDD), for every atop release from 2.3 to
// 2.13.
//
// atop writes its C structs to the log as they are in memory, and their
// layout changes from release to release. This package does not hard-code
// any of them: it reads them with [cstruct] from C definition files, one
// directory per version (package defs embeds them; [Options.DefsDir]
// replaces them at run time, so a definition can be edited and the program
// rerun without recompiling). The version in the file header chooses the
// definitions: several versions have the same struct sizes but not the
// same fields, so sizes only confirm the choice.
//
// # Reading a log
//
// [Open] (or [NewReader] for any io.Reader: a pipe, stdin) reads the
// header at once; gzipped logs are inflated on the fly. Samples then come
// one at a time, without reading the whole file:
//
//	r, err := atop.Open("/var/log/atop/atop_20261125")
//	if err != nil { … }
//	defer r.Close()
//	for s, err := range r.Samples() {
//		if err != nil { … } // a *TornError at a truncated tail, …
//		tasks, err := s.Tasks()
//		if err != nil { … } // a *SampleError: this sample is corrupt, the next may be fine
//		for _, t := range tasks {
//			fmt.Println(s.Time, t.PID(), t.Name(), t.UTime()+t.STime())
//		}
//	}
//
// A [Sample] has its time, interval, flags and counts at once. Its parts
// are inflated and decoded only when asked for: [Sample.System] (struct
// sstat, as a [cstruct.Value]), [Sample.Tasks] (struct tstat: processes and
// threads, as [Task]s with accessors that work on every version) and
// [Sample.Cgroups] (2.11+, struct cstat with its pids). A caller that only
// wants tasks never inflates the system statistics (a megabyte per
// sample). A sample is valid until the next call to Next; [Sample.Clone]
// keeps one.
//
// [OpenFiles] reads several logs in a row (a week of daily logs) as one
// stream of samples.
//
// # Damaged logs
//
// A log that ends inside a sample (still being written, or torn by a
// crash) gives every complete sample, then a [*TornError] saying how many
// bytes are missing where. A sample whose compressed data is corrupt
// fails alone, with a [*SampleError] from System, Tasks or Cgroups, and
// reading goes on with the next sample. A record whose lengths cannot be
// right ends reading with a [*FormatError], unless [Options.Resync] is set:
// then the reader scans forward for the next plausible sample and reports
// the skipped bytes as a [*SkipError], a warning after which reading goes
// on. A header that does not fit its definitions gives a [*SizeError]
// (naming each size, and [ErrArch32] for a log of a 32-bit atop), an
// unknown version a [*VersionError], and input that is not a raw log
// [ErrBadMagic]. Logs written on big-endian machines are read in their byte
// order.
//
// # Odd builds
//
// An atop built with other limits (MAXCPU, MAXDSK, CMDLEN, … are #defines
// of the definition files) records other struct sizes in the header. Unless
// [Options.Strict] is set or the caller gives definitions (DefsDir,
// Defines), the reader finds the limit values that give every recorded
// size, from the definition files themselves: it resolves them once more
// with every macro moved to learn what each sizes, searches a bounded set
// of likely values (atop's own values and powers of two first), and reads
// the first samples with each combination that fits (counts within their
// arrays, entries past a count empty, names NUL-terminated). The one that
// reads cleanly is used and [Header.Inferred] names it; several are a
// [*LimitsError], never a guess.
//
// # Security
//
// Logs may come from a compromised or failing machine, so every length and
// count read from a file is checked before it is used: compressed lengths
// must be able to inflate to the sizes the definitions give (deflate cannot
// compress more than 1032:1, so no sample can make the reader allocate
// more than about a thousand times the bytes it really has), tasks and
// cgroup pids per sample are limited by [Options.MaxTasks], what one part
// inflates to by [Options.MaxInflated] (a part over it fails alone, before
// anything is allocated for it), each part must inflate to exactly its
// expected length, and the cgroup chain is walked with bounds checks, a
// cycle check and a bound on its paths. The input buffer grows only as
// data arrives, so a length field cannot make it allocate ahead of the
// data; a length that points past the end of the input while its stream
// ends inside it is corruption, not a torn tail. [Pipeline] bounds the
// samples in flight by [PipelineOptions.Memory]. Bad input gives errors,
// never panics (FuzzReader checks this).
//
// The definition files themselves are trusted: a directory given as
// [Options.DefsDir] is code, in effect.
//
// # Concurrency
//
// A Reader and its samples are not safe for concurrent use. Parsed
// definitions are cached per version and shared by all readers.
//
// [Pipeline] works on several samples at once: one goroutine reads, each
// sample is copied into one of a few slots that circulate (so memory stays
// bounded), workers inflate and run a [Job] that appends the sample's
// output, and the outputs are written in input order, with the warnings
// and the first error at their place in the input, so the result does not
// depend on the number of workers. The parseable and export packages print
// on it.
package atop
