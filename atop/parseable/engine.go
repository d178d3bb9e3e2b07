package parseable

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Options say what to print.
type Options struct {
	// Labels are the -P arguments as given: each a comma-separated list
	// of labels or ALL ("CPU,PRG"). Every element is read as one -P flag.
	Labels []string
	// SpaceUnderscore is -Z (atop 2.7+): names and command lines print with
	// spaces as underscores and without parentheses.
	SpaceUnderscore bool
	// Location is the time zone of the date and time fields; nil means
	// time.Local (atop uses the reader's local time).
	Location *time.Location
	// DefsDir, if set, is searched first for a version's line description:
	// DefsDir/VERSION/parseable.txt or DefsDir/atop/VERSION/parseable.txt
	// (as atop.Options.DefsDir for the struct definitions). Without one
	// there, the embedded description is used.
	DefsDir string
	// Workers is how many samples Print formats at once (see
	// atop.PipelineOptions.Workers): 0 means one per CPU, 1 one at a
	// time on the caller's goroutine.
	Workers int
}

// LabelError is a label the file's atop version does not know. Its text
// is atop's own message.
type LabelError struct {
	Label   string
	Version string // the atop version of the file
}

func (e *LabelError) Error() string { return "label " + e.Label + " not found" }

// ErrLabelList is atop's complaint about a -P argument that starts with '-'.
var ErrLabelList = errors.New("flag -P should be followed by label list")

// ErrSpaceUnderscore means -Z was asked for a file of an atop before 2.7,
// which has no -Z.
var ErrSpaceUnderscore = errors.New("-Z needs a raw log of atop 2.7 or later")

// engine prints samples of one atop version.
type engine struct {
	w   io.Writer
	d   *desc
	hdr headerInfo
	sel []*labelDesc
	z   bool
	loc *time.Location
	buf []byte
}

func newEngineDesc(w io.Writer, d *desc, hdr headerInfo, opts Options) (*engine, error) {
	if opts.SpaceUnderscore && !d.optZ {
		return nil, fmt.Errorf("%w (this one is atop %s)", ErrSpaceUnderscore, d.version)
	}
	sel, err := selectLabels(d, opts.Labels)
	if err != nil {
		return nil, err
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	return &engine{w: w, d: d, hdr: hdr, sel: sel, z: opts.SpaceUnderscore, loc: loc}, nil
}

// selectLabels reads -P arguments as atop's parsedef does: labels are
// separated by commas, ALL selects every label and ends its argument, and
// the labels print in the version's table order whatever the order given.
func selectLabels(d *desc, args []string) ([]*labelDesc, error) {
	on := make(map[string]bool)
	for _, arg := range args {
		if strings.HasPrefix(arg, "-") {
			return nil, ErrLabelList
		}
		rest := arg
		for rest != "" {
			name := rest
			if i := strings.IndexByte(rest, ','); i >= 0 {
				name, rest = rest[:i], rest[i+1:]
			} else {
				rest = ""
			}
			if d.byName[name] != nil {
				on[name] = true
				continue
			}
			if name == "ALL" {
				for _, l := range d.labels {
					on[l.name] = true
				}
				break
			}
			return nil, &LabelError{Label: name, Version: d.version}
		}
	}
	var sel []*labelDesc
	for _, l := range d.labels {
		if on[l.name] {
			sel = append(sel, l)
		}
	}
	return sel, nil
}

// appendSample appends one sample's text to dst: RESET for a sample since
// boot, the lines of the selected labels, SEP. It keeps no state in g, so
// goroutines may call it at once with different samples. On an error dst
// is returned as it was given.
func (g *engine) appendSample(dst []byte, in *sampleInput) ([]byte, error) {
	r := newRun(g.d, &g.hdr, in, g.z, g.loc)
	out := dst
	if in.flags&rrBoot != 0 {
		out = append(out, "RESET\n"...)
	}
	for _, l := range g.sel {
		var err error
		if out, err = r.printLabel(out, l); err != nil {
			return dst, err
		}
	}
	return append(out, "SEP\n"...), nil
}

// sample writes one sample with one Write; on an error nothing of the
// sample is written.
func (g *engine) sample(in *sampleInput) error {
	out, err := g.appendSample(g.buf[:0], in)
	g.buf = out[:0]
	if err != nil {
		return err
	}
	_, err = g.w.Write(out)
	return err
}
