package cparse

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// lookahead is how far participle may look ahead to choose between
// alternatives (casts, sizeof(type) against sizeof expr, declarators).
const lookahead = 4

var fileParser = participle.MustBuild[File](
	participle.Lexer(Lexer),
	participle.UseLookahead(lookahead),
)

var attrParser = participle.MustBuild[attrList](
	participle.Lexer(Lexer),
	participle.UseLookahead(lookahead),
)

// Parse parses a preprocessed token stream into a File. Large inputs are
// cut between top-level declarations and the pieces parsed in parallel
// (participle's parser is safe for concurrent use); the result is the same.
func Parse(tokens []lexer.Token) (*File, error) {
	if err := checkDepth(tokens); err != nil {
		return nil, err
	}
	chunks := splitTopLevel(tokens, max(len(tokens)/(4*runtime.GOMAXPROCS(0)), 4096))
	if len(chunks) == 1 {
		f, err := fileParser.ParseFromLexer(upgrade(tokens))
		return f, convertError(err)
	}
	files := make([]*File, len(chunks))
	errs := make([]error, len(chunks))
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				files[i], errs[i] = fileParser.ParseFromLexer(upgrade(chunks[i]))
			}
		}()
	}
	for i := range chunks {
		work <- i
	}
	close(work)
	wg.Wait()
	out := &File{}
	for i, f := range files {
		if errs[i] != nil {
			return nil, convertError(errs[i])
		}
		out.Decls = append(out.Decls, f.Decls...)
	}
	return out, nil
}

var (
	intType   = Lexer.Symbols()["Int"]
	identType = Lexer.Symbols()["Ident"]
	charType  = Lexer.Symbols()["Char"]
)

// reserved are names the expression grammar treats as keywords.
var reserved = map[string]bool{"sizeof": true, "offsetof": true, "__builtin_offsetof": true, "_Alignof": true, "__alignof__": true, "alignof": true}

// maxDepth bounds bracket nesting, so that hostile text cannot make the
// recursive-descent parser use unbounded stack.
const maxDepth = 256

func checkDepth(tokens []lexer.Token) error {
	depth := 0
	for _, t := range tokens {
		switch t.Value {
		case "(", "[", "{":
			depth++
			if depth > maxDepth {
				return &Error{Pos: t.Pos, Msg: fmt.Sprintf("brackets nested deeper than %d", maxDepth)}
			}
		case ")", "]", "}":
			depth--
		}
	}
	return nil
}

// splitTopLevel cuts tokens after a ";" outside all brackets, into pieces
// of at least size tokens.
func splitTopLevel(tokens []lexer.Token, size int) [][]lexer.Token {
	var out [][]lexer.Token
	depth, start := 0, 0
	for i, t := range tokens {
		switch t.Value {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ";":
			if depth == 0 && i+1-start >= size {
				out = append(out, tokens[start:i+1])
				start = i + 1
			}
		}
	}
	if start < len(tokens) || len(out) == 0 {
		out = append(out, tokens[start:])
	}
	return out
}

// ParseExpr parses a token stream that must hold exactly one expression.
func ParseExpr(tokens []lexer.Token) (*Expr, error) {
	if len(tokens) == 1 {
		// A lone number or name (most array sizes and macro values) needs
		// no parser run.
		t := tokens[0]
		var x cexpr.Node
		switch t.Type {
		case intType:
			x = &cexpr.Lit{Pos: t.Pos, Kind: cexpr.IntLit, Text: t.Value}
		case identType:
			x = &cexpr.Ident{Pos: t.Pos, Name: t.Value}
		case charType:
			x = &cexpr.Lit{Pos: t.Pos, Kind: cexpr.CharLit, Text: t.Value}
		}
		if x != nil && !reserved[t.Value] {
			return &Expr{Pos: t.Pos, X: x}, nil
		}
	}
	if err := checkDepth(tokens); err != nil {
		return nil, err
	}
	e, err := cexpr.ParseTokens(tokens, cexpr.DefaultLimits)
	return e, convertError(err)
}

func upgrade(tokens []lexer.Token) *lexer.PeekingLexer {
	var end lexer.Position
	if n := len(tokens); n > 0 {
		end = tokens[n-1].Pos
		end.Column += len(tokens[n-1].Value)
		end.Offset += len(tokens[n-1].Value)
	}
	pl, err := lexer.Upgrade(&sliceLexer{tokens: tokens, eof: lexer.EOFToken(end)})
	if err != nil { // sliceLexer never fails
		panic(err)
	}
	return pl
}

// sliceLexer replays tokens, then EOF.
type sliceLexer struct {
	tokens []lexer.Token
	eof    lexer.Token
	i      int
}

func (s *sliceLexer) Next() (lexer.Token, error) {
	if s.i >= len(s.tokens) {
		return s.eof, nil
	}
	t := s.tokens[s.i]
	s.i++
	return t, nil
}

// convertError turns participle's errors into *Error with a position.
func convertError(err error) error {
	if err == nil {
		return nil
	}
	var own *Error
	if errors.As(err, &own) {
		return own
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		return &Error{Pos: perr.Position(), Msg: perr.Message()}
	}
	return err
}
