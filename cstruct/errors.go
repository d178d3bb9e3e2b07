package cstruct

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; match them with errors.Is.
var (
	ErrNotFound    = errors.New("cstruct: type not found")
	ErrDynamicSize = errors.New("dynamic size")
	ErrLimit       = errors.New("limit exceeded")
	ErrBadValue    = errors.New("bad value")
)

// Pos is a position in a definition file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a problem in a definition, with the position where it was found.
// It renders as "file:line:col: message".
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string {
	if s := e.Pos.String(); s != "" {
		return s + ": " + e.Msg
	}
	return e.Msg
}

// ErrorList is every problem found in a definition text, in source order.
type ErrorList []*Error

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	b.WriteString(l[0].Error())
	fmt.Fprintf(&b, " (and %d more errors)", len(l)-1)
	return b.String()
}

// Err returns nil for an empty list, else the list.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap gives access to each error for errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

// DecodeError is a failure to decode data: where (field path and absolute
// byte offset) and why. Err is io.ErrUnexpectedEOF when the input ended early.
type DecodeError struct {
	Path   string // dotted field path, "" at the root
	Type   Type
	Offset int64
	Err    error
}

func (e *DecodeError) Error() string {
	var b strings.Builder
	b.WriteString("cstruct: decode ")
	if e.Type != nil {
		b.WriteString(e.Type.String())
	}
	if e.Path != "" {
		b.WriteString(" at " + e.Path)
	}
	fmt.Fprintf(&b, " (offset %#x): %v", e.Offset, e.Err)
	return b.String()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// EncodeError is a failure to pack a value.
type EncodeError struct {
	Path string
	Err  error
}

func (e *EncodeError) Error() string {
	if e.Path == "" {
		return "cstruct: encode: " + e.Err.Error()
	}
	return "cstruct: encode " + e.Path + ": " + e.Err.Error()
}

func (e *EncodeError) Unwrap() error { return e.Err }
