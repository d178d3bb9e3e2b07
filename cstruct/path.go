package cstruct

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
)

// A pathPart is one step of a field path: a field name, or (name "") an
// array index.
type pathPart struct {
	name  string
	index int
}

// pathParts yields the steps of a dotted field path with [i] indexes, as
// Value.Lookup, Plan.Accessor and the compiled paths read it: dots only
// separate, "[i]" is an index (blanks around i allowed, no sign check), and a
// name runs to the next dot or bracket. A malformed index ends the walk with
// its error, after the steps before it.
func pathParts(path string) iter.Seq2[pathPart, error] {
	return func(yield func(pathPart, error) bool) {
		rest := path
		for rest != "" {
			switch rest[0] {
			case '.':
				rest = rest[1:]
				continue
			case '[':
				end := strings.IndexByte(rest, ']')
				if end < 0 {
					yield(pathPart{}, fmt.Errorf("cstruct: path %q: missing ]", path))
					return
				}
				i, err := strconv.Atoi(strings.TrimSpace(rest[1:end]))
				if err != nil {
					yield(pathPart{}, fmt.Errorf("cstruct: path %q: bad index %q", path, rest[1:end]))
					return
				}
				if !yield(pathPart{index: i}, nil) {
					return
				}
				rest = rest[end+1:]
				continue
			}
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if !yield(pathPart{name: rest[:end]}, nil) {
				return
			}
			rest = rest[end:]
		}
	}
}
