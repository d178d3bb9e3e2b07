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
}

// IsWarning reports whether a problem given to Options.Warn leaves the
// data it concerns readable: a torn tail (every complete sample was
// read), skipped garbage, a corrupt part of one sample. Other problems mean
// a whole input could not be read (not a raw log, unknown version, I/O
// error).
func IsWarning(err error) bool {
	var torn *atop.TornError
	var se *atop.SampleError
	return atop.IsWarning(err) || errors.As(err, &se) ||
		errors.As(err, &torn) && torn.Sample >= 0
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
	var (
		lo, hi   time.Time
		resolved bool
	)
	for {
		s, err := src.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var fe *atop.FileError
			var torn *atop.TornError
			switch {
			case atop.IsWarning(err), errors.As(err, &fe):
				o.warn(err)
				continue
			case errors.As(err, &torn):
				o.warn(err)
				return nil
			}
			return err
		}
		if !resolved {
			lo, hi = o.Window.Begin.resolve(s.Time), o.Window.End.resolve(s.Time)
			resolved = true
		}
		if !lo.IsZero() && s.Time.Before(lo) || !hi.IsZero() && s.Time.After(hi) {
			continue
		}
		if err := fn(s); err != nil {
			return err
		}
	}
}
