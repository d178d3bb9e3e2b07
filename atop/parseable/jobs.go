package parseable

import (
	"errors"
	"io"
	"sync"

	"github.com/cstructgo/cstruct/atop"
)

// Jobs returns the jobs that print samples in an atop.Pipeline, as Print
// does: each sample with a printer for its header, made once per header
// and shared by the workers (AppendSample is safe for concurrent use). A
// header whose version lacks a label fails at its first sample, in input
// order, like NewPrinter. opts.Workers is not used: the pipeline's options
// say how many workers there are.
//
// A sample with a damaged part (a corrupt or too large sstat, tstat or
// cgroup part: an *atop.SampleError) prints nothing: its error goes to
// Step.Warn, and the samples after it print. atop itself stops there.
func Jobs(opts Options) func() atop.Job {
	c := newPrinters(opts)
	c.skip = true
	return c.job
}

// printers are the printers of a pipeline, by header.
type printers struct {
	opts Options
	skip bool // a damaged sample is a warning (Jobs), not an error (Print)
	mu   sync.Mutex
	m    map[*atop.Header]printerOrErr
}

type printerOrErr struct {
	p   *Printer
	err error
}

func newPrinters(opts Options) *printers {
	return &printers{opts: opts, m: make(map[*atop.Header]printerOrErr)}
}

// printer returns the printer of header h, made the first time.
func (c *printers) printer(h *atop.Header) (*Printer, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[h]
	if !ok {
		r.p, r.err = NewPrinter(io.Discard, h, c.opts) // AppendSample writes nothing
		c.m[h] = r
	}
	return r.p, r.err
}

// job is a worker's job; it keeps the printer of the last header it saw.
func (c *printers) job() atop.Job {
	var (
		hdr *atop.Header
		p   *Printer
	)
	return func(dst []byte, s *atop.Sample, step *atop.Step) ([]byte, error) {
		if p == nil || s.Header != hdr {
			np, err := c.printer(s.Header)
			if err != nil {
				return dst, err
			}
			p, hdr = np, s.Header
		}
		out, err := p.AppendSample(dst, s)
		var se *atop.SampleError
		if err != nil && c.skip && errors.As(err, &se) {
			step.Warn(se) // the sample's own message, without the label's program
			return dst, nil
		}
		return out, err
	}
}
