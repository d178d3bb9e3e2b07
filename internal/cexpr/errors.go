package cexpr

import (
	"errors"
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
)

// The kinds of errors, for errors.Is: an *Error wraps one of them when it
// is of that kind.
var (
	ErrNesting  = errors.New("nesting too deep")
	ErrSize     = errors.New("expression too large")
	ErrCost     = errors.New("expression too costly")
	ErrDivZero  = errors.New("division by zero")
	ErrOverflow = errors.New("integer overflow")
	ErrShift    = errors.New("shift count out of range")
	ErrNegative = errors.New("negative value")
	// ErrCondTypes is a ?: refused under Profile.CondSameType: its arms
	// are of different types, or of a host kind. It is never deferred.
	ErrCondTypes = errors.New("?: of different types")
)

// Error is an error at a place in the source: Error() renders
// "file:line:col: msg" (without "file:" when the position has no file
// name, and just msg without a position). It implements participle.Error,
// so that a grammar embedding Expr reports it as its own.
type Error struct {
	Pos lexer.Position
	Msg string
	Err error // the kind (ErrNesting, …), or nil
}

func (e *Error) Error() string {
	switch {
	case e.Pos.Line == 0:
		return e.Msg
	case e.Pos.Filename == "":
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Pos.Filename, e.Pos.Line, e.Pos.Column, e.Msg)
}

// Message is the message without the position (participle.Error).
func (e *Error) Message() string { return e.Msg }

// Position is where the error is (participle.Error).
func (e *Error) Position() lexer.Position { return e.Pos }

func (e *Error) Unwrap() error { return e.Err }

func errorf(pos lexer.Position, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func kindError(pos lexer.Position, kind error, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Err: kind}
}
