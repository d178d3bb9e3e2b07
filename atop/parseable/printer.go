package parseable

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/cstructgo/cstruct/atop"
)

// Printer writes atop's parseable lines for the samples of raw logs of
// one atop version.
type Printer struct {
	e   *engine
	ver atop.Version
}

// NewPrinter returns a printer for samples of logs with header hdr: the
// line descriptions of hdr's version, and its host name, hertz and page
// size (atop too takes them from the header of the file it reads). It
// fails like atop for a label the version does not know (a *LabelError,
// "label PSI not found"), for a -P argument that starts with '-'
// (ErrLabelList), and for -Z with a log of atop before 2.7
// (ErrSpaceUnderscore).
func NewPrinter(w io.Writer, hdr *atop.Header, opts Options) (*Printer, error) {
	if hdr == nil {
		return nil, errors.New("parseable: no header")
	}
	ver := hdr.Version.String()
	find := findDesc
	if opts.JSON { // -J needs the version's json.txt, not its parseable.txt
		find = findJSONDesc
	}
	d, err := find(opts.DefsDir, ver)
	if err != nil {
		return nil, err
	}
	e, err := newEngine(w, d, hdr, opts, false)
	if err != nil {
		return nil, err
	}
	return &Printer{e: e, ver: hdr.Version}, nil
}

func headerInfoOf(hdr *atop.Header) headerInfo {
	return headerInfo{
		version:  hdr.Version.String(),
		host:     hdr.Nodename,
		hertz:    int64(hdr.Hertz),
		pagesize: int64(hdr.PageSize),
		support:  uint32(hdr.Support),
	}
}

// Sample writes one sample with a single Write: RESET if the sample holds
// the values since boot, then the lines of the selected labels in atop's
// order, then SEP. Only the parts of the sample that the labels need are
// inflated (no tasks for -P CPU). On an error nothing of the sample is
// written.
func (p *Printer) Sample(s *atop.Sample) error {
	if s.Header != nil && s.Header.Version != p.ver {
		return fmt.Errorf("parseable: sample of an atop %s log, printer for atop %s", s.Header.Version, p.ver)
	}
	in := inputOf(s)
	return p.e.sample(&in)
}

// AppendSample appends what Sample writes to dst and returns it; on an
// error it returns dst as given. It is safe for concurrent use by several
// goroutines, each with its own sample (samples that own their buffers:
// see atop.Sample.Clone).
func (p *Printer) AppendSample(dst []byte, s *atop.Sample) ([]byte, error) {
	if s.Header != nil && s.Header.Version != p.ver {
		return dst, fmt.Errorf("parseable: sample of an atop %s log, printer for atop %s", s.Header.Version, p.ver)
	}
	in := inputOf(s)
	return p.e.appendSample(dst, &in)
}

// inputOf gives the engine access to a sample.
func inputOf(s *atop.Sample) sampleInput {
	in := sampleInput{
		curtime:  s.Time.Unix(),
		interval: int64(s.Interval.Seconds()),
		flags:    uint16(s.Flags),
		src:      (*liveSample)(s),
	}
	// the record's own fields, where the definitions have them
	if rec := s.Record; rec.IsValid() {
		if v, err := rec.Lookup("curtime"); err == nil {
			in.curtime = v.Int()
		}
		if v, err := rec.Lookup("interval"); err == nil {
			in.interval = int64(v.Uint())
		}
		if v, err := rec.Lookup("flags"); err == nil {
			in.flags = uint16(v.Uint())
		}
	}
	return in
}

// Source is a stream of samples: an *atop.Reader, or an *atop.MultiReader
// for several logs one after the other.
type Source interface {
	Next() (*atop.Sample, error)
}

// Print writes every sample of src, as "atop -P … -r FILE" does for each
// file: the lines of each log follow its own header (host name, version).
// The labels are checked against the first header before anything is
// printed. Print stops at the first error: of the reader (a torn tail,
// after the complete samples), of a sample, or of w; warnings of the
// reader (atop.IsWarning: garbage skipped with Options.Resync) are passed
// over. Samples are printed by Options.Workers goroutines at once (see
// atop.Pipeline), each with a single Write, in input order: the output and
// the error are the same for any number of workers.
func Print(w io.Writer, src Source, opts Options) error {
	c := newPrinters(opts)
	if hs, ok := src.(interface{ Header() *atop.Header }); ok {
		if h := hs.Header(); h != nil {
			if _, err := c.printer(h); err != nil {
				return err
			}
		}
	}
	return atop.Pipeline(w, src, c.job, atop.PipelineOptions{Workers: opts.Workers})
}

// Labels returns the labels that atop version v knows, in the order atop
// prints them (the labels ALL selects), from the description in defsDir
// if it has one for v, else from the embedded one.
func Labels(v atop.Version, defsDir string) ([]string, error) {
	d, err := findDesc(defsDir, v.String())
	if err != nil {
		return nil, err
	}
	names := make([]string, len(d.labels))
	for i, l := range d.labels {
		names[i] = l.name
	}
	return names, nil
}

// findDesc reads the description of a version from dir (dir/VERSION/ or
// dir/atop/VERSION/parseable.txt) if it has one, else the embedded one.
func findDesc(dir, version string) (*desc, error) {
	if dir != "" {
		for _, sub := range []string{version, filepath.Join("atop", version)} {
			name := filepath.Join(dir, sub, DescFile)
			src, err := os.ReadFile(name)
			if err == nil {
				d, err := parseDesc(name, string(src))
				if err != nil {
					return nil, err
				}
				if d.version != version {
					return nil, fmt.Errorf("parseable: %s describes atop %s, not %s", name, d.version, version)
				}
				return d, nil
			}
			if !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("parseable: %w", err)
			}
		}
	}
	d, err := descFor(version)
	if err != nil && dir != "" && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("parseable: no -P description for atop %s: no %s, and none built in", version, filepath.Join(dir, version, DescFile))
	}
	return d, err
}
