package atop

import (
	"io"
	"iter"
)

// MultiReader reads several raw logs one after the other, as one stream
// of samples: a week of daily logs, in the order given. Each file keeps its
// own header (Sample.Header). A MultiReader is not safe for concurrent use.
type MultiReader struct {
	opts  Options
	names []string
	next  int     // index in names of the next file to open
	cur   *Reader // the open file, or nil
	name  string  // its name
}

// OpenFiles returns a MultiReader over the named files with default
// Options. Files are opened one at a time, when reading reaches them.
func OpenFiles(names ...string) *MultiReader { return (&Options{}).OpenFiles(names...) }

// OpenFiles returns a MultiReader over the named files.
func (o *Options) OpenFiles(names ...string) *MultiReader {
	m := &MultiReader{names: names}
	if o != nil {
		m.opts = *o
	}
	return m
}

// Next returns the next sample, of the current file or of the next ones,
// and io.EOF after the last sample of the last file. Errors are
// *FileError: an error ends its file only (a torn tail of one day's log
// does not hide the next day), and the next call goes on with the next
// file; a *SkipError (with Options.Resync) does not even end its file.
// Samples are valid until the next call to Next, as with Reader.Next.
func (m *MultiReader) Next() (*Sample, error) {
	for {
		if m.cur == nil {
			if m.next >= len(m.names) {
				return nil, io.EOF
			}
			m.name = m.names[m.next]
			m.next++
			r, err := m.opts.Open(m.name)
			if err != nil {
				return nil, &FileError{Name: m.name, Err: err}
			}
			m.cur = r
		}
		s, err := m.cur.Next()
		switch {
		case err == nil:
			return s, nil
		case IsWarning(err):
			return nil, &FileError{Name: m.name, Err: err}
		}
		m.cur.Close()
		m.cur = nil
		if err != io.EOF {
			return nil, &FileError{Name: m.name, Err: err}
		}
	}
}

// Samples yields the samples and errors of Next until io.EOF (not
// yielded). Since every error ends one file at most, the iteration goes on
// after an error unless the loop breaks. It returns a single-use iterator.
func (m *MultiReader) Samples() iter.Seq2[*Sample, error] {
	return func(yield func(*Sample, error) bool) {
		for {
			s, err := m.Next()
			if err == io.EOF || !yield(s, err) {
				return
			}
		}
	}
}

// Name is the name of the file being read ("" before the first Next).
func (m *MultiReader) Name() string { return m.name }

// Header is the header of the file being read; nil between files.
func (m *MultiReader) Header() *Header {
	if m.cur == nil {
		return nil
	}
	return m.cur.Header()
}

// Close closes the file being read; the MultiReader is done.
func (m *MultiReader) Close() error {
	m.next = len(m.names)
	if m.cur == nil {
		return nil
	}
	err := m.cur.Close()
	m.cur = nil
	return err
}
