package parseable

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/cstructgo/cstruct/atop"
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
	// JSON prints atop's -J output instead of -P's (json.go): one JSON
	// object per sample, from the version's json.txt; Labels are the -J
	// arguments then, and SpaceUnderscore is not used.
	JSON bool
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

// engine prints samples of one atop version with the labels' compiled
// programs (or, in the judge tests, with the interpreter: newJudge).
type engine struct {
	w        io.Writer
	d        *desc
	hdr      headerInfo
	hostText []byte
	lay      *layoutInfo
	prog     *program
	sel      []*labelDesc
	csel     []*clabel // the compiled sel
	z        bool
	loc      *time.Location
	interp   bool      // the tests' interpreter prints every label
	steps    []step    // how the selected labels run
	jsonHdr  []op      // -J: the compiled header that opens a sample (json.go)
	frames   sync.Pool // *frame
	buf      []byte
}

// A step runs one selected label, or a group of consecutive ones that
// each walk the tasks (frame.fused).
type step struct {
	i     int // in sel
	group []*clabel
}

// newJudge makes the interpreter of the judge tests print the labels of
// a sample (judge_test.go sets it); nil in the package itself.
var newJudge func(g *engine, f *frame, in *sampleInput) interface {
	printLabel(out []byte, ld *labelDesc) ([]byte, error)
}

// newEngine makes an engine for a log's header; interp is for the judge
// tests, with newJudge set.
func newEngine(w io.Writer, d *desc, h *atop.Header, opts Options, interp bool) (*engine, error) {
	if opts.JSON {
		return newJSONEngine(w, d, h, opts, interp)
	}
	if interp && newJudge == nil {
		return nil, errors.New("parseable: no interpreter outside the tests")
	}
	if opts.SpaceUnderscore && !d.optZ {
		return nil, fmt.Errorf("%w (this one is atop %s)", ErrSpaceUnderscore, d.version)
	}
	sel, err := selectLabels(d, opts.Labels)
	if err != nil {
		return nil, err
	}
	lay, err := layoutOf(h)
	if err != nil {
		return nil, err
	}
	prog := &program{}
	if !interp {
		if prog, err = programFor(d, lay, sel); err != nil {
			return nil, err
		}
	}
	loc := opts.Location
	if loc == nil {
		loc = time.Local
	}
	g := &engine{w: w, d: d, hdr: headerInfoOf(h), lay: lay, prog: prog, sel: sel,
		z: opts.SpaceUnderscore, loc: loc, interp: interp}
	g.hostText = []byte(g.hdr.host)
	for _, l := range sel {
		g.csel = append(g.csel, prog.labels[l])
	}
	for i := 0; i < len(sel); i++ {
		j := i
		for !interp && j < len(sel) && g.csel[j].tasks != nil {
			j++
		}
		if j-i >= 2 {
			g.steps = append(g.steps, step{i: i, group: g.csel[i:j]})
			i = j - 1
			continue
		}
		g.steps = append(g.steps, step{i: i})
	}
	return g, nil
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
	f, _ := g.frames.Get().(*frame)
	if f == nil {
		f = new(frame)
	}
	defer func() {
		f.finish()
		g.frames.Put(f)
	}()
	out, err := g.run(f, dst, in, true)
	if err != nil && len(g.steps) < len(g.sel) {
		// a fused run may meet another error first: the labels one after
		// the other meet the first one
		f.finish()
		out, err = g.run(f, dst, in, false)
	}
	if err != nil {
		return dst, err
	}
	return out, nil
}

// run appends a sample's lines with a frame, the groups of task labels
// fused or not.
func (g *engine) run(f *frame, dst []byte, in *sampleInput, fuse bool) ([]byte, error) {
	f.start(g, in)
	out := dst
	if g.d.json {
		var err error
		if out, err = g.openJSON(f, out, in); err != nil {
			return dst, err
		}
	} else if in.flags&rrBoot != 0 {
		out = append(out, "RESET\n"...)
	}
	var judge interface {
		printLabel(out []byte, ld *labelDesc) ([]byte, error)
	}
	for _, st := range g.steps {
		if st.group != nil && fuse {
			if out = f.fused(out, st.group); f.err != nil {
				return dst, f.err
			}
			continue
		}
		for i := st.i; i < st.i+max(len(st.group), 1); i++ {
			if !g.interp {
				if out = f.label(out, g.csel[i]); f.err != nil {
					return dst, f.err
				}
				continue
			}
			if judge == nil {
				judge = newJudge(g, f, in)
			}
			var err error
			if out, err = judge.printLabel(out, g.sel[i]); err != nil {
				return dst, err
			}
		}
	}
	if g.d.json {
		return append(out, "}\n"...), nil
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
