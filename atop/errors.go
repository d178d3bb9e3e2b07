package atop

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrBadMagic means the input does not start with atop's magic number
// 0xfeedbeef (in either byte order): it is not an atop raw log.
var ErrBadMagic = errors.New("atop: not an atop raw log (bad magic)")

// ErrArch32 is wrapped by a [*SizeError] whose sizes are those of a 32-bit
// (i386) atop. Only logs written by 64-bit atop (x86_64, aarch64, ppc64le;
// s390x and ppc64 big-endian too) can be read.
var ErrArch32 = errors.New("atop: raw logs written by a 32-bit atop are not supported")

// ErrStale is returned by the accessors of a [Sample] that is used after the
// [Reader] moved on to the next sample. [Sample.Clone] keeps a sample.
var ErrStale = errors.New("atop: sample used after Next (Clone it to keep it)")

// magicError reports the magic number that was found.
type magicError struct{ magic uint32 }

func (e *magicError) Error() string {
	return fmt.Sprintf("atop: not an atop raw log (bad magic %#08x, want 0xfeedbeef)", e.magic)
}

func (e *magicError) Is(target error) bool { return target == ErrBadMagic }

// VersionError is a raw log of a version there are no definitions for.
type VersionError struct {
	AVersion uint16   // the header's aversion field
	Known    []string // versions with definitions, oldest first
}

func (e *VersionError) Error() string {
	known := strings.Join(e.Known, ", ")
	if e.AVersion&0x8000 == 0 {
		return fmt.Sprintf("atop: raw log has no version number (aversion %#04x); known versions: %s", e.AVersion, known)
	}
	return fmt.Sprintf("atop: unknown raw log version %s (aversion %#04x); known versions: %s (for another version, pass definitions with --defs DIR)",
		versionOf(e.AVersion), e.AVersion, known)
}

// SizeMismatch is one struct whose size in the file header differs from the
// size of its definition.
type SizeMismatch struct {
	Field string // header field: "rawheadlen", "rawreclen", "sstatlen", "tstatlen", "cstatlen"
	File  int64  // the size the header gives
	Defs  int64  // sizeof the struct in the definitions
	// Limits are the macros of the definitions that size this struct
	// (MAXCPU, MAXDSK, … for sstat; PNAMLEN, CMDLEN, … for tstat).
	Limits []string
}

// SizeError means the header's struct sizes do not match the definitions
// of its version: the log was written by an atop built with other limits
// (MAXCPU, …) or for another architecture. It wraps [ErrArch32] when the
// sizes are those of a 32-bit atop. Unless [Options.Strict] is set, the
// reader first looks for the limits that give the recorded sizes; a
// SizeError then means that it found none (NoLimits).
type SizeError struct {
	Version    Version
	Defs       string // where the definitions came from
	Mismatches []SizeMismatch
	Arch32     bool // rawreclen 88: written by a 32-bit (i386) atop
	NoLimits   bool // no combination of limit values gives the recorded sizes
}

func (e *SizeError) Error() string {
	var b strings.Builder
	b.WriteString(e.mismatchText())
	switch {
	case e.Arch32:
		b.WriteString("; only logs of a 64-bit atop can be read")
		return b.String()
	case e.NoLimits:
		fmt.Fprintf(&b, "; no values of up to %d of the limits give these sizes", maxChanged)
	}
	b.WriteString("; if that atop was built with other limits, give them with -D NAME=N")
	var lims []string
	for _, m := range e.Mismatches {
		if len(m.Limits) > 0 {
			lims = append(lims, strings.TrimSuffix(m.Field, "len")+" is sized by "+strings.Join(m.Limits, ", "))
		}
	}
	if lims != nil {
		b.WriteString(" (" + strings.Join(lims, "; ") + ")")
	}
	b.WriteString(", or copy the definitions (cstruct atop defs --export DIR), edit them and pass the directory with --defs DIR")
	return b.String()
}

// mismatchText is the first part of the message: the version and the sizes.
func (e *SizeError) mismatchText() string {
	var b strings.Builder
	if e.Arch32 {
		fmt.Fprintf(&b, "atop: raw log %s was written by a 32-bit (i386) atop", e.Version)
	} else {
		fmt.Fprintf(&b, "atop: raw log %s does not match the definitions %s", e.Version, e.Defs)
	}
	for i, m := range e.Mismatches {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%s is %d in the file, %d in the definitions", sep, m.Field, m.File, m.Defs)
	}
	return b.String()
}

func (e *SizeError) Unwrap() error {
	if e.Arch32 {
		return ErrArch32
	}
	return nil
}

// TornError means the input ended inside the header or inside a sample: a
// file still being written, or torn by a crash. Every complete sample
// before it was returned. It wraps [io.ErrUnexpectedEOF].
type TornError struct {
	Sample int    // index of the incomplete sample; -1 for the header
	Offset int64  // where the incomplete part starts
	Part   string // "header", "record" or "sample data"
	Want   int64  // bytes the part needs
	Have   int64  // bytes present
}

func (e *TornError) Error() string {
	what := e.Part
	if e.Sample >= 0 {
		what = fmt.Sprintf("sample %d: %s", e.Sample, e.Part)
	}
	return fmt.Sprintf("atop: %s at offset %#x is incomplete: %d of %d bytes (%d missing; truncated file?)",
		what, e.Offset, e.Have, e.Want, e.Want-e.Have)
}

func (e *TornError) Unwrap() error { return io.ErrUnexpectedEOF }

// Missing is the number of bytes the incomplete part lacks.
func (e *TornError) Missing() int64 { return e.Want - e.Have }

// SampleError is a sample whose compressed data is corrupt: a zlib stream
// that fails, or that inflates to another length than the record says. It
// comes from [Sample.System], [Sample.Tasks] or [Sample.Cgroups]; the other
// samples are not affected.
type SampleError struct {
	File   string // the sample's file (Sample.File); "" if not known
	Sample int    // index of the sample
	Offset int64  // where the part starts in the input
	Part   string // "sstat", "tstat", "cstat" or "pidlist"
	Err    error
}

func (e *SampleError) Error() string {
	file := ""
	if e.File != "" {
		file = e.File + ": "
	}
	return fmt.Sprintf("atop: %ssample %d: %s at offset %#x: %v", file, e.Sample, e.Part, e.Offset, e.Err)
}

func (e *SampleError) Unwrap() error { return e.Err }

// LimitError is a part of a sample that would inflate to more than
// [Options.MaxInflated] allows. It comes wrapped in a [*SampleError].
type LimitError struct {
	Part  string // "tstat", "cstat" or "pidlist"
	Size  int64  // what the part would inflate to
	Limit int64
	Tasks int // the sample's task count, for a "tstat" part
}

func (e *LimitError) Error() string {
	what := "would inflate"
	if e.Part == "tstat" {
		what = fmt.Sprintf("%d tasks would inflate", e.Tasks)
	}
	return fmt.Sprintf("%s to %s, more than the limit of %s per part", what, mib(e.Size), mib(e.Limit))
}

// mib writes a size in MiB, or in bytes below one.
func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// FormatError is a sample record whose fields cannot be right (lengths too
// large for the struct sizes, counts beyond the limits): the file is corrupt
// from here on. Reading stops, unless [Options.Resync] is set.
type FormatError struct {
	Sample int
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("atop: sample %d at offset %#x: %s", e.Sample, e.Offset, e.Msg)
}

// SkipError is a warning, not a failure: with [Options.Resync], the reader
// found garbage where a sample should start and skipped it, to the next
// plausible sample or to the end of the input. Reading goes on.
type SkipError struct {
	Sample  int    // index the next sample gets
	Offset  int64  // where the skipped bytes start
	Skipped int64  // how many bytes were skipped
	Reason  string // why the bytes at Offset were not a sample
}

func (e *SkipError) Error() string {
	return fmt.Sprintf("atop: skipped %d bytes of garbage at offset %#x (%s)", e.Skipped, e.Offset, e.Reason)
}

// IsWarning reports whether err (from [Reader.Next] or [MultiReader.Next])
// leaves the reader usable: a [*SkipError].
func IsWarning(err error) bool {
	var se *SkipError
	return errors.As(err, &se)
}

// ReadError is a failure of the input itself: the io.Reader failed, or
// gzipped input is corrupt. Offset is where reading stopped (in the
// inflated stream for gzipped input).
type ReadError struct {
	Offset int64
	Err    error
}

func (e *ReadError) Error() string {
	return fmt.Sprintf("atop: read at offset %#x: %v", e.Offset, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// FileError is an error of one file of a [MultiReader].
type FileError struct {
	Name string
	Err  error
}

func (e *FileError) Error() string {
	return "atop: " + e.Name + ": " + strings.TrimPrefix(e.Err.Error(), "atop: ")
}

func (e *FileError) Unwrap() error { return e.Err }
