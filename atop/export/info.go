package export

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cstructgo/cstruct/atop"
)

// Info describes one raw log: who wrote it, what it holds, and what is
// wrong with it.
type Info struct {
	File      string   `json:"file"`
	Version   string   `json:"version"`  // "2.13"
	AVersion  string   `json:"aversion"` // the header field, "0x820d"
	Defs      string   `json:"defs"`     // where the definitions came from
	Host      string   `json:"host"`     // utsname nodename
	Kernel    Kernel   `json:"kernel"`
	ByteOrder string   `json:"byte_order"` // "little-endian" or "big-endian"
	Hertz     int      `json:"hertz"`
	PageSize  int      `json:"pagesize"`
	Sizes     Sizes    `json:"sizes"`
	Support   []string `json:"support"` // the header's supportflags by name, without the bits atop sets in every log (see markerSupport)

	Samples  int      `json:"samples"`  // complete samples (inside the window)
	First    string   `json:"first"`    // time of the first, ISO 8601 UTC ("" without samples)
	Last     string   `json:"last"`     // time of the last
	Restarts int      `json:"restarts"` // samples with flag BOOT: atop (re)starts
	Flags    []string `json:"flags"`    // the union of the samples' flags, by name
	AcctOff  int      `json:"acct_off"` // samples without process accounting

	Torn    *Torn     `json:"torn"`    // the log ends inside a sample; nil if not
	Corrupt []Corrupt `json:"corrupt"` // samples with corrupt compressed data
	Skipped []Skipped `json:"skipped"` // garbage skipped (Options.Resync)
	Error   string    `json:"error,omitempty"`

	first, last time.Time
	flags       atop.Flags
}

// Kernel is the writer's uname.
type Kernel struct {
	Sysname string `json:"sysname"`
	Release string `json:"release"`
	Version string `json:"version"`
	Machine string `json:"machine"`
}

// Sizes are the struct sizes of the header.
type Sizes struct {
	RawHeader int `json:"rawheader"`
	RawRecord int `json:"rawrecord"`
	SStat     int `json:"sstat"`
	TStat     int `json:"tstat"`
	CStat     int `json:"cstat"`
}

// Torn is where a log ends inside a sample.
type Torn struct {
	Sample  int    `json:"sample"` // index of the incomplete sample
	Part    string `json:"part"`   // "record" or "sample data"
	Offset  int64  `json:"offset"` // where the incomplete part starts
	Have    int64  `json:"have"`   // bytes present
	Missing int64  `json:"missing"`
}

// Corrupt is a sample whose compressed data does not inflate.
type Corrupt struct {
	Sample int    `json:"sample"`
	Part   string `json:"part"` // "sstat", "tstat", "cstat" or "pidlist"
	Offset int64  `json:"offset"`
	Error  string `json:"error"`
}

// Skipped is garbage that the reader skipped (atop.Options.Resync).
type Skipped struct {
	Offset int64  `json:"offset"`
	Bytes  int64  `json:"bytes"`
	Reason string `json:"reason"`
}

// ReadInfo reads the log of r to its end and describes it; name is what
// Info.File says. Unless quick is set, every part of every sample is
// inflated to find the corrupt ones. The problems of the log are in the
// Info, not given to opts.Warn; an error that stops reading before the
// end is in Info.Error and returned too.
func ReadInfo(r *atop.Reader, name string, opts Options, quick bool) (*Info, error) {
	h := r.Header()
	in := &Info{
		File:     name,
		Version:  h.Version.String(),
		AVersion: fmt.Sprintf("%#04x", h.AVersion),
		Defs:     h.Defs,
		Host:     h.Nodename,
		Kernel:   Kernel{Sysname: h.Sysname, Release: h.Release, Version: h.OSVersion, Machine: h.Machine},
		Hertz:    h.Hertz,
		PageSize: h.PageSize,
		Sizes:    Sizes{h.RawHeadLen, h.RawRecLen, h.SStatLen, h.TStatLen, h.CStatLen},
		Support:  splitFlags(supportNames(h.Support)),
		Flags:    []string{},
		Corrupt:  []Corrupt{},
		Skipped:  []Skipped{},
	}
	in.ByteOrder = "little-endian"
	if h.Order == binary.BigEndian {
		in.ByteOrder = "big-endian"
	}
	o := opts
	o.Warn = in.problem
	err := o.each(r, func(s *atop.Sample) error {
		if in.Samples == 0 {
			in.first = s.Time
		}
		in.last = s.Time
		in.Samples++
		in.flags |= s.Flags
		if s.Flags.Has(atop.FlagBoot) {
			in.Restarts++
		}
		if !s.Flags.Has(atop.FlagAcctActive) {
			in.AcctOff++
		}
		if !quick {
			if _, err := s.System(); err != nil {
				in.problem(err)
			}
			if err := s.VerifyTasks(); err != nil {
				in.problem(err)
			}
			if _, err := s.Cgroups(); err != nil {
				in.problem(err)
			}
		}
		return nil
	})
	if in.Samples > 0 {
		in.First, in.Last = isoUTC(in.first), isoUTC(in.last)
	}
	in.Flags = splitFlags(flagNames(in.flags))
	if err != nil {
		in.Error = err.Error()
	}
	return in, err
}

// markerSupport are the header bits that atop sets in every log it writes,
// whatever the system had (ACCTACTIVE, IOSTAT, NETATOP, NETATOPD): they
// say nothing about the system, so Info leaves them out. Whether process
// accounting, per-task I/O counters or netatop were active is in each
// sample's flags (Info.Flags).
const markerSupport = atop.SupportAcctActive | atop.SupportIOStat | atop.SupportNetatop | atop.SupportNetatopd

// supportNames is the header's support flags without the markers.
func supportNames(f atop.SupportFlags) string {
	f &^= markerSupport
	if f == 0 {
		return ""
	}
	return f.String()
}

func splitFlags(s string) []string {
	if s == "" || s == "0" {
		return []string{}
	}
	return strings.Split(s, "|")
}

func (in *Info) problem(err error) {
	var (
		torn *atop.TornError
		se   *atop.SampleError
		skip *atop.SkipError
	)
	switch {
	case errors.As(err, &torn):
		in.Torn = &Torn{Sample: torn.Sample, Part: torn.Part, Offset: torn.Offset, Have: torn.Have, Missing: torn.Missing()}
	case errors.As(err, &se):
		in.Corrupt = append(in.Corrupt, Corrupt{Sample: se.Sample, Part: se.Part, Offset: se.Offset, Error: se.Err.Error()})
	case errors.As(err, &skip):
		in.Skipped = append(in.Skipped, Skipped{Offset: skip.Offset, Bytes: skip.Skipped, Reason: skip.Reason})
	default:
		in.Error = err.Error()
	}
}

// WriteText writes the Info as aligned "name  value" lines.
func (in *Info) WriteText(w io.Writer) error {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "%-10s %s\n", k, terminalSafe(v)) }
	line("file", in.File)
	line("version", fmt.Sprintf("%s (aversion %s; definitions %s)", in.Version, in.AVersion, in.Defs))
	line("host", in.Host)
	k := in.Kernel
	line("kernel", strings.TrimSpace(fmt.Sprintf("%s %s %s (%s)", k.Sysname, k.Release, k.Machine, k.Version)))
	line("hertz", strconv.Itoa(in.Hertz))
	line("pagesize", strconv.Itoa(in.PageSize))
	line("byteorder", in.ByteOrder)
	s := in.Sizes
	sizes := fmt.Sprintf("rawheader %d, rawrecord %d, sstat %d, tstat %d", s.RawHeader, s.RawRecord, s.SStat, s.TStat)
	if s.CStat > 0 {
		sizes += fmt.Sprintf(", cstat %d", s.CStat)
	}
	line("sizes", sizes)
	line("support", orNone(strings.Join(in.Support, "|")))
	line("samples", strconv.Itoa(in.Samples))
	line("first", orNone(in.First))
	line("last", orNone(in.Last))
	line("restarts", strconv.Itoa(in.Restarts))
	line("flags", orNone(strings.Join(in.Flags, "|")))
	line("acct off", fmt.Sprintf("%d samples", in.AcctOff))
	if t := in.Torn; t != nil {
		line("torn", fmt.Sprintf("yes: sample %d (%s) at offset %#x: %d bytes present, %d missing", t.Sample, t.Part, t.Offset, t.Have, t.Missing))
	} else {
		line("torn", "no")
	}
	line("corrupt", strconv.Itoa(len(in.Corrupt)))
	for _, c := range in.Corrupt {
		line("", fmt.Sprintf("sample %d: %s at offset %#x: %s", c.Sample, c.Part, c.Offset, c.Error))
	}
	if len(in.Skipped) > 0 {
		line("skipped", strconv.Itoa(len(in.Skipped)))
		for _, sk := range in.Skipped {
			line("", fmt.Sprintf("%d bytes at offset %#x: %s", sk.Bytes, sk.Offset, sk.Reason))
		}
	}
	if in.Error != "" {
		line("error", in.Error)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteJSON writes the Info as one line of JSON.
func (in *Info) WriteJSON(w io.Writer) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
