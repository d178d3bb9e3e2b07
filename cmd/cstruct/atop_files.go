package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/cstructgo/cstruct/atop"
)

// expandFiles turns the FILE arguments into the logs to read: a directory
// stands for every atop log under it (by its first bytes: atop's magic
// word, or gzip's), in lexical order; a pattern that names no file (a
// quoted glob such as '/var/log/atop/atop_2026*') for the files it
// matches. Other names, and "-", are kept as given.
func expandFiles(names []string) ([]string, error) {
	var out []string
	for _, name := range names {
		if name == "-" {
			out = append(out, name)
			continue
		}
		st, err := os.Stat(name)
		if err != nil && strings.ContainsAny(name, "*?[") {
			matches, gerr := filepath.Glob(name)
			if gerr == nil && len(matches) > 0 {
				sub, err := expandFiles(matches)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
				continue
			}
		}
		if err != nil || !st.IsDir() {
			out = append(out, name)
			continue
		}
		err = filepath.WalkDir(name, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() && looksLikeLog(path) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// looksLikeLog reports whether a file starts as an atop raw log does, or
// is gzipped.
func looksLikeLog(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [4]byte
	if _, err := io.ReadFull(f, b[:]); err != nil {
		return false
	}
	if b[0] == 0x1f && b[1] == 0x8b {
		return true
	}
	const magic = 0xfeedbeef
	return binary.LittleEndian.Uint32(b[:]) == magic || binary.BigEndian.Uint32(b[:]) == magic
}

// headerNames remembers which file each header came from: the "file" of
// the exports' rows. Readers open files while workers format samples.
type headerNames struct {
	mu    sync.Mutex
	names map[*atop.Header]string
}

func (h *headerNames) add(hd *atop.Header, name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.names == nil {
		h.names = map[*atop.Header]string{}
	}
	h.names[hd] = name
}

func (h *headerNames) name(hd *atop.Header) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.names[hd]
}

// headers reads the header of every file, for the union of their
// columns; a file that cannot be read is left to the export to report.
// Stdin's header is read from what stdin gives, and those bytes are given
// again to the export that reads "-" after it (e.stdin replays them).
func (in *atopInput) headers(e *env) []*atop.Header {
	hs, _ := in.readHeaders(e)
	return hs
}

// readHeaders is headers, with an error when no file has a readable
// header: the first file's reason.
func (in *atopInput) readHeaders(e *env) ([]*atop.Header, error) {
	var hs []*atop.Header
	var first error
	fail := func(name string, err error) {
		if first == nil {
			first = fmt.Errorf("no readable atop log among the input files (%s: %w)", name, err)
		}
	}
	opts := in.options()
	for _, name := range in.Files {
		if name == "-" {
			h, err := stdinHeader(e, opts)
			if err != nil {
				fail("stdin", err)
				continue
			}
			hs = append(hs, h)
			continue
		}
		f, err := os.Open(name)
		if err != nil {
			fail(name, err)
			continue
		}
		r, err := opts.NewReader(f)
		if err == nil {
			hs = append(hs, r.Header())
			r.Close()
		} else {
			fail(name, err)
		}
		f.Close()
	}
	if len(hs) == 0 {
		if first == nil {
			first = errors.New("no atop log among the input files")
		}
		return nil, first
	}
	return hs, nil
}

// stdinHeader reads the header of the log on stdin, and makes e.stdin
// give the bytes read for it again first.
func stdinHeader(e *env, opts *atop.Options) (*atop.Header, error) {
	rec := &teeBuffer{r: e.stdin}
	r, err := opts.NewReader(rec)
	e.stdin = io.MultiReader(bytes.NewReader(rec.buf.Bytes()), e.stdin)
	if err != nil {
		return nil, err
	}
	h := r.Header()
	r.Close()
	return h, nil
}

// teeBuffer keeps what is read through it.
type teeBuffer struct {
	r   io.Reader
	buf bytes.Buffer
}

func (r *teeBuffer) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.buf.Write(p[:n])
	return n, err
}
