package cparse

import (
	"errors"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// lookahead is how far participle may look ahead to choose between
// alternatives (casts, sizeof(type) against sizeof expr, declarators).
const lookahead = 4

var fileParser = participle.MustBuild[File](
	participle.Lexer(Lexer),
	participle.UseLookahead(lookahead),
)

var exprParser = participle.MustBuild[Expr](
	participle.Lexer(Lexer),
	participle.UseLookahead(lookahead),
)

// Parse parses a preprocessed token stream into a File.
func Parse(tokens []lexer.Token) (*File, error) {
	f, err := fileParser.ParseFromLexer(upgrade(tokens))
	return f, convertError(err)
}

// ParseExpr parses a token stream that must hold exactly one expression.
func ParseExpr(tokens []lexer.Token) (*Expr, error) {
	e, err := exprParser.ParseFromLexer(upgrade(tokens))
	return e, convertError(err)
}

func upgrade(tokens []lexer.Token) *lexer.PeekingLexer {
	var end lexer.Position
	if n := len(tokens); n > 0 {
		end = tokens[n-1].Pos
		end.Column += len(tokens[n-1].Value)
		end.Offset += len(tokens[n-1].Value)
	}
	all := make([]lexer.Token, len(tokens)+1)
	copy(all, tokens)
	all[len(tokens)] = lexer.EOFToken(end)
	pl, err := lexer.Upgrade(&sliceLexer{tokens: all})
	if err != nil { // sliceLexer never fails
		panic(err)
	}
	return pl
}

type sliceLexer struct {
	tokens []lexer.Token
	i      int
}

func (s *sliceLexer) Next() (lexer.Token, error) {
	if s.i >= len(s.tokens) {
		return s.tokens[len(s.tokens)-1], nil
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
