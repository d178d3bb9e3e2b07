package cparse

import (
	"errors"
	"runtime"
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// lookahead is how far participle may look ahead to choose between
// alternatives (casts, sizeof(type) against sizeof expr, declarators).
const lookahead = 4

// The parsers are built on first use: building one costs about a
// millisecond, and the shortcut (shortcut.go) often leaves nothing to the
// file grammar.
var (
	fileParser = sync.OnceValue(func() *participle.Parser[File] {
		return participle.MustBuild[File](participle.Lexer(Lexer), participle.UseLookahead(lookahead))
	})
	attrParser = sync.OnceValue(func() *participle.Parser[attrList] {
		return participle.MustBuild[attrList](participle.Lexer(Lexer), participle.UseLookahead(lookahead))
	})
)

// Parse parses a preprocessed token stream into a File: the declarations
// the shortcut takes (shortcut.go) straight from the tokens, the others
// with the grammar. Large inputs are cut between top-level declarations and
// the pieces parsed in parallel (participle's parser is safe for
// concurrent use); the result is the same.
func Parse(tokens []lexer.Token) (*File, error) {
	if err := checkDepth(tokens); err != nil {
		return nil, err
	}
	chunks := splitTopLevel(tokens, max(len(tokens)/(4*runtime.GOMAXPROCS(0)), 4096))
	if len(chunks) == 1 {
		return parseChunk(tokens)
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
				files[i], errs[i] = parseChunk(chunks[i])
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
			return nil, errs[i]
		}
		out.Decls = append(out.Decls, f.Decls...)
	}
	return out, nil
}

// parseChunk parses tokens that end between top-level declarations. Each
// declaration the shortcut declines goes to the grammar, together with the
// declined ones right after it. As a declaration never goes on past a ";"
// outside brackets, the result is that of parsing the whole chunk with the
// grammar.
func parseChunk(tokens []lexer.Token) (*File, error) {
	if !Shortcuts {
		return parseGrammar(tokens)
	}
	out := &File{}
	slow := -1 // start of the declined tokens not yet parsed
	flush := func(end int) error {
		if slow < 0 {
			return nil
		}
		f, err := parseGrammar(tokens[slow:end])
		if err != nil {
			return err
		}
		out.Decls = append(out.Decls, f.Decls...)
		slow = -1
		return nil
	}
	for start := 0; start < len(tokens); {
		end := declEnd(tokens, start)
		if d, ok := shortDecl(tokens[start:end]); ok {
			if err := flush(start); err != nil {
				return nil, err
			}
			out.Decls = append(out.Decls, d)
		} else if slow < 0 {
			slow = start
		}
		start = end
	}
	if err := flush(len(tokens)); err != nil {
		return nil, err
	}
	return out, nil
}

// parseGrammar parses tokens with the file grammar.
func parseGrammar(tokens []lexer.Token) (*File, error) {
	f, err := fileParser().ParseFromLexer(upgrade(tokens))
	return f, convertError(err)
}

// declEnd returns the end of the declaration that starts at tokens[start]:
// after the next ";" outside brackets, or the end of tokens.
func declEnd(tokens []lexer.Token, start int) int {
	depth := 0
	for i := start; i < len(tokens); i++ {
		switch tokens[i].Value {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case ";":
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(tokens)
}

var (
	intType   = Lexer.Symbols()["Int"]
	identType = Lexer.Symbols()["Ident"]
	charType  = Lexer.Symbols()["Char"]
)

// reserved are names the expression grammar treats as keywords.
var reserved = map[string]bool{"sizeof": true, "offsetof": true, "__builtin_offsetof": true, "_Alignof": true, "__alignof__": true, "alignof": true}

func checkDepth(tokens []lexer.Token) error {
	if err := nestCheck(len(tokens), func(i int) *lexer.Token { return &tokens[i] }); err != nil {
		return err
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
	// A lone number or name (most array sizes and macro values) needs no
	// parser run (shortcut.go).
	if len(tokens) == 1 && Shortcuts {
		if e, ok := loneExpr(&tokens[0]); ok {
			return e, nil
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
