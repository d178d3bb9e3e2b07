package cparse

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
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
	memberParser = sync.OnceValue(func() *participle.Parser[Member] {
		return participle.MustBuild[Member](participle.Lexer(Lexer), participle.UseLookahead(lookahead))
	})
	typeNameParser = sync.OnceValue(func() *participle.Parser[TypeName] {
		return participle.MustBuild[TypeName](participle.Lexer(Lexer), participle.UseLookahead(lookahead))
	})
)

// ParseTypeName parses tokens that must hold exactly one type name, as in
// a cast or typeof.
func ParseTypeName(tokens []lexer.Token) (*TypeName, error) {
	if err := checkDepth(tokens); err != nil {
		return nil, err
	}
	tn, err := typeNameParser().ParseFromLexer(upgrade(tokens))
	return tn, convertError(err)
}

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
	if err != nil {
		err = convertError(err)
		// a broken body read as a function body comes before a later
		// error: report it, as a file cut after that body would
		if f != nil {
			var be, pe *Error
			if berr := bodyErrors(f); errors.As(berr, &be) && errors.As(err, &pe) && be.Pos.Offset < pe.Pos.Offset {
				return f, berr
			}
		}
		return f, err
	}
	return f, bodyErrors(f)
}

// bodyErrors finds the syntax errors inside struct and union bodies: the
// grammar, failing to read a body, reads "struct s" without one and the
// braces as a function body. A body after a struct, union or enum without
// a function declarator is read again as a struct body, and the error is
// that of its offending token.
func bodyErrors(f *File) error {
	for _, d := range f.Decls {
		decl := d.Declaration
		if decl == nil || decl.Body == nil || hasParams(decl) {
			continue
		}
		ts := decl.Spec.Type
		if ts.Struct == nil || ts.Struct.Body != nil {
			continue
		}
		if err := memberErrors(decl.Body.Tokens); err != nil {
			return err
		}
		return &Error{Pos: decl.Body.Tokens[0].Pos, Msg: `unexpected "{" (a body without a function declarator)`}
	}
	return nil
}

// memberErrors parses the members of a body "{ ... }" one at a time and
// returns the first one's error; a member that is a struct with a body of
// its own is searched inside first.
func memberErrors(body []lexer.Token) error {
	toks := body[1 : len(body)-1]
	for start := 0; start < len(toks); {
		end := declEnd(toks, start)
		m := toks[start:end]
		for i, t := range m {
			if t.Value == "{" && i > 0 && (m[i-1].Value == "struct" || m[i-1].Value == "union" ||
				i > 1 && (m[i-2].Value == "struct" || m[i-2].Value == "union")) {
				if close := groupEnd(m, i); close > i {
					if err := memberErrors(m[i : close+1]); err != nil {
						return err
					}
				}
				break
			}
		}
		if _, err := memberParser().ParseFromLexer(upgrade(m)); err != nil {
			var e *Error
			if errors.As(convertError(err), &e) && strings.Contains(e.Msg, `"<EOF>"`) && end == len(toks) {
				// the last member ran into the body's "}"
				closing := body[len(body)-1]
				return &Error{Pos: closing.Pos, Msg: strings.Replace(e.Msg, `"<EOF>"`, `"}"`, 1)}
			}
			return convertError(err)
		}
		start = end
	}
	return nil
}

// groupEnd returns the index of the bracket that closes toks[open], or -1.
func groupEnd(toks []lexer.Token, open int) int {
	depth := 0
	for i := open; i < len(toks); i++ {
		switch toks[i].Value {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth--; depth == 0 {
				return i
			}
		}
	}
	return -1
}

// hasParams reports whether a declaration declares a function.
func hasParams(d *Declaration) bool {
	for _, id := range d.Decls {
		for dd := id.Decl; dd != nil; dd = dd.Nested {
			for _, s := range dd.Suffixes {
				if s.Params != nil {
					return true
				}
			}
		}
	}
	return false
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
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) && ute.Unexpected.Type == intType && digitName(lexTok{Token: ute.Unexpected}) {
		// a name that starts with digits is an enumerator's only
		return &Error{Pos: ute.Unexpected.Pos, Msg: fmt.Sprintf("invalid integer constant %q", ute.Unexpected.Value)}
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		return &Error{Pos: perr.Position(), Msg: perr.Message()}
	}
	return err
}
