package parseable

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"

	"github.com/cstructgo/cstruct/atop"
	"github.com/cstructgo/cstruct/defs"
)

// atop's -J output is described like -P's, in a sibling file of each
// version's parseable.txt, json.txt, that says "option json": a sample is
// then one line, the header's text (which opens the JSON object), the
// text of the selected labels' print statements one after the other (no
// line header, no newline of their own), and "}" and a newline. Options.JSON
// selects it for NewPrinter, Print and Jobs.

// JSONFile is the name of a version's -J description in the definitions
// (defs/atop/<version>/json.txt).
const JSONFile = "json.txt"

// JSONLabelError is a -J label the file's atop version does not know; its
// text is atop's own message.
type JSONLabelError struct {
	Label   string
	Version string // the atop version of the file
}

func (e *JSONLabelError) Error() string { return "json labels not supported: " + e.Label }

// ErrJSONLabelList is atop's complaint about a -J argument that starts
// with '-'.
var ErrJSONLabelList = errors.New("json labels should be followed by label list")

// newJSONEngine is newEngine for -J: the version's json.txt in place of
// the -P description d, and -J's words for a bad label list.
func newJSONEngine(w io.Writer, d *desc, h *atop.Header, opts Options, interp bool) (*engine, error) {
	if !d.json {
		jd, err := findJSONDesc(opts.DefsDir, d.version)
		if err != nil {
			return nil, err
		}
		d = jd
	}
	opts.JSON, opts.SpaceUnderscore = false, false
	g, err := newEngine(w, d, h, opts, interp)
	var le *LabelError
	switch {
	case errors.As(err, &le):
		return nil, &JSONLabelError{Label: le.Label, Version: le.Version}
	case errors.Is(err, ErrLabelList):
		return nil, ErrJSONLabelList
	case err != nil:
		return nil, err
	}
	// every compiled label has the header compiled; any one will do
	switch {
	case interp:
	case len(g.csel) > 0:
		g.jsonHdr = g.csel[0].hdr
	case len(d.labels) > 0: // no label selected: the header alone
		p, err := programFor(d, g.lay, d.labels[:1])
		if err != nil {
			return nil, err
		}
		g.jsonHdr = p.labels[d.labels[0]].hdr
	}
	return g, nil
}

// judgeJSONHeader makes the interpreter of the judge tests append the
// header (json_interp_test.go sets it); nil in the package itself.
var judgeJSONHeader func(g *engine, f *frame, in *sampleInput, dst []byte) ([]byte, error)

// openJSON appends the header that opens a sample's JSON object.
func (g *engine) openJSON(f *frame, dst []byte, in *sampleInput) ([]byte, error) {
	if g.interp {
		return judgeJSONHeader(g, f, in, dst)
	}
	out := f.fill(dst, g.jsonHdr, nil)
	if f.err != nil {
		return dst, f.err
	}
	return out, nil
}

// findJSONDesc reads the -J description of a version from dir (as
// findDesc) if it has one there, else the embedded one.
func findJSONDesc(dir, version string) (*desc, error) {
	if dir != "" {
		for _, sub := range []string{version, filepath.Join("atop", version)} {
			name := filepath.Join(dir, sub, JSONFile)
			src, err := os.ReadFile(name)
			if err == nil {
				d, err := parseDesc(name, string(src))
				return checkJSONDesc(d, err, version)
			}
			if !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("parseable: %w", err)
			}
		}
	}
	d, err := embeddedJSONDesc(version)
	if err != nil && dir != "" && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("parseable: no -J description for atop %s: no %s, and none built in", version, filepath.Join(dir, version, JSONFile))
	}
	return d, err
}

// embeddedJSONDesc is the embedded -J description of a version, parsed
// once.
func embeddedJSONDesc(version string) (*desc, error) {
	r, _ := jsonDescCache.LoadOrStore(version, &descResult{})
	res := r.(*descResult)
	res.once.Do(func() {
		name := path.Join("atop", version, JSONFile)
		src, err := defs.Atop.ReadFile(name)
		if err != nil {
			res.err = fmt.Errorf("parseable: no -J description for atop %s: %w", version, err)
			return
		}
		d, err := parseDesc(name, string(src))
		res.d, res.err = checkJSONDesc(d, err, version)
	})
	return res.d, res.err
}

var jsonDescCache sync.Map // version string → *descResult

// checkJSONDesc checks that a parsed description is a -J one of version.
func checkJSONDesc(d *desc, err error, version string) (*desc, error) {
	switch {
	case err != nil:
		return nil, err
	case d.version != version:
		return nil, fmt.Errorf("parseable: %s describes atop %s, not %s", d.name, d.version, version)
	case !d.json:
		return nil, fmt.Errorf("parseable: %s: missing the \"option json\" line", d.name)
	}
	return d, nil
}
