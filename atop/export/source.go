package export

import (
	"errors"
	"io"
	"time"

	"github.com/cstructgo/cstruct/atop"
)

// Source is a stream of samples, read one at a time: an [*atop.Reader] or
// an [*atop.MultiReader]. Next returns io.EOF after the last sample.
//
// An error from Next that is an [*atop.FileError] ends one file of a
// multi-file source: the exports report it and go on with the next file.
// A warning ([atop.IsWarning]) is reported and reading goes on. Any other
// error ends the source: a [*atop.TornError] is reported as a warning (a log
// still being written ends that way), everything else is returned.
type Source interface {
	Next() (*atop.Sample, error)
}

// Options apply to every export.
type Options struct {
	// Window selects the samples by time; the zero Window takes all.
	Window Window

	// Warn receives the problems that do not stop an export: a torn tail,
	// a corrupt sample (its part is left out), skipped garbage, and a file
	// of a multi-file source that cannot be read (the next file is read).
	// [IsWarning] tells the harmless ones from unreadable input. nil drops
	// them.
	Warn func(error)

	// Reserved keeps the reserved fields of atop's structs (names with
	// "future" in them: cfuture, ifuture, …), which carry no meaning and are
	// not always zero. They are left out by default.
	Reserved bool

	// FileName names the file of a header (the "file" of each row); nil
	// or "" leaves it empty.
	FileName func(*atop.Header) string

	// Workers is how many samples WriteJSON, WriteCSV and Run work on at
	// once (see atop.PipelineOptions.Workers): 0 means one per CPU, 1 one
	// at a time on the caller's goroutine. The output is the same.
	Workers int
}

// IsWarning reports whether a problem given to Options.Warn leaves the
// data it concerns readable: a torn tail (every complete sample was
// read), skipped garbage, a corrupt part of one sample. Other problems mean
// a whole input could not be read (not a raw log, unknown version, I/O
// error).
func IsWarning(err error) bool {
	var torn *atop.TornError
	var se *atop.SampleError
	var vw *versionWarning
	return atop.IsWarning(err) || errors.As(err, &se) || errors.As(err, &vw) ||
		errors.As(err, &torn) && torn.Sample >= 0
}

func (o *Options) fileName(h *atop.Header) string {
	if o.FileName == nil {
		return ""
	}
	return o.FileName(h)
}

func (o *Options) warn(err error) {
	if o.Warn != nil {
		o.Warn(err)
	}
}

// Each calls fn for each sample of src inside opts.Window, in input order,
// and gives the problems of src to opts.Warn (see Source). It returns the
// first error of fn, or an error of src that ends it.
func Each(src Source, opts Options, fn func(*atop.Sample) error) error {
	return opts.each(src, fn)
}

func (o *Options) each(src Source, fn func(*atop.Sample) error) error {
	ws := &windowed{src: src, w: o.Window}
	for {
		s, err := ws.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			switch e := readError(err); e {
			case nil:
				o.warn(err)
				continue
			case io.EOF:
				o.warn(err)
				return nil
			default:
				return e
			}
		}
		if err := fn(s); err != nil {
			return err
		}
	}
}

// Run runs jobs on the samples of src inside opts.Window, opts.Workers at
// once, and writes their outputs to w in input order, as the exports do
// (see atop.Pipeline): the problems of src (see Source) and those that the
// jobs give to Step.Warn go to opts.Warn in input order. It returns the
// first error in input order, of a job, of src or of w.
func Run(w io.Writer, src Source, opts Options, newJob func() atop.Job) error {
	return atop.Pipeline(w, &windowed{src: src, w: opts.Window}, newJob,
		atop.PipelineOptions{Workers: opts.Workers, Warn: opts.Warn, ReadError: readError})
}

// readError is what an error of a Source does (see atop.PipelineOptions):
// warnings and the failure of one file of several go on, a torn tail ends
// the input, anything else fails.
func readError(err error) error {
	var fe *atop.FileError
	var torn *atop.TornError
	switch {
	case atop.IsWarning(err), errors.As(err, &fe):
		return nil
	case errors.As(err, &torn):
		return io.EOF
	}
	return err
}

// windowed passes on the samples of src inside a Window, whose bounds of
// a time of day apply to the first sample's day.
type windowed struct {
	src      Source
	w        Window
	lo, hi   time.Time
	resolved bool
}

func (ws *windowed) Next() (*atop.Sample, error) {
	for {
		s, err := ws.src.Next()
		if err != nil {
			return s, err
		}
		if !ws.resolved {
			ws.lo, ws.hi = ws.w.Begin.resolve(s.Time), ws.w.End.resolve(s.Time)
			ws.resolved = true
		}
		if !ws.lo.IsZero() && s.Time.Before(ws.lo) || !ws.hi.IsZero() && s.Time.After(ws.hi) {
			continue
		}
		return s, nil
	}
}

// sampleJob turns a function that writes a sample's output to an
// io.Writer and its warnings to Options.Warn into an atop.Job: the job
// holds the function's writer (Write appends to the job's output) and
// warn (to the job's Step).
type sampleJob struct {
	out  []byte
	step *atop.Step
}

func (j *sampleJob) Write(p []byte) (int, error) {
	j.out = append(j.out, p...)
	return len(p), nil
}

func (j *sampleJob) warn(err error) { j.step.Warn(err) }

// inOrder runs f in input order (atop.Step.InOrder).
func (j *sampleJob) inOrder(f func()) error { return j.step.InOrder(f) }

// job returns the Job that runs fn, then flush (if not nil) to move what
// fn buffered into the output.
func (j *sampleJob) job(fn func(*atop.Sample) error, flush func() error) atop.Job {
	return func(dst []byte, s *atop.Sample, step *atop.Step) ([]byte, error) {
		j.out, j.step = dst, step
		err := fn(s)
		if flush != nil {
			if ferr := flush(); err == nil {
				err = ferr
			}
		}
		out := j.out
		j.out, j.step = nil, nil
		return out, err
	}
}
