package parseable

// Shortcuts for the grammar's hot productions. Participle runs the grammar
// (grammar.go) exactly, but every alternative it tries costs a branch and
// allocations. topAST, stmtAST and templateAST therefore implement
// participle.Parseable: they read their tokens directly and build the tree
// the grammar builds; at anything they do not take (in practice, only
// mistakes and stray lines) they go back to where they started and run the
// grammar of the production itself (topSyntax, stmtSyntax,
// templateSyntax), so errors are the grammar's. Expressions are
// cexpr.Expr in both ways: the grammar and the shortcuts run the same
// parser. The grammar is LL(1) without lookahead: a production that took a
// token either matches or fails there, whoever runs it. A description the
// shortcuts take whole is parsed by them alone (shortFile).
// TestShortcutTrees compares all these ways.

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cstructgo/cstruct/internal/cexpr"
)

// descShortcuts switches the shortcuts; tests turn them off to check that
// they build what the grammar builds.
var descShortcuts = true

// topSyntax, stmtSyntax and templateSyntax are topAST, stmtAST and
// templateAST without their Parse methods: the grammar of their tags.
type (
	topSyntax      topAST
	stmtSyntax     stmtAST
	templateSyntax templateAST
)

var (
	topGrammar = sync.OnceValue(func() *participle.Parser[topSyntax] {
		return participle.MustBuild[topSyntax](participle.Lexer(descLexer), participle.UseLookahead(0))
	})
	stmtGrammar = sync.OnceValue(func() *participle.Parser[stmtSyntax] {
		return participle.MustBuild[stmtSyntax](participle.Lexer(descLexer), participle.UseLookahead(0))
	})
	templateGrammar = sync.OnceValue(func() *participle.Parser[templateSyntax] {
		return participle.MustBuild[templateSyntax](participle.Lexer(descLexer), participle.UseLookahead(0))
	})
)

// Parse implements participle.Parseable.
func (tp *topAST) Parse(lex *lexer.PeekingLexer) error {
	switch lex.Peek().Type {
	case tokAtop, tokOption, tokConst, tokDef, tokHeader, tokLabel, tokUnknown, tokEnd, tokElse, tokLet, tokPrint, tokFor, tokIf:
	default:
		return participle.NextMatch // the grammar takes no token either
	}
	if descShortcuts {
		cp := lex.MakeCheckpoint()
		if x, ok := shortTop(&cursor{lex: lex}); ok {
			*tp = *x
			return nil
		}
		lex.LoadCheckpoint(cp)
	}
	g, err := topGrammar().ParseFromLexer(lex, participle.AllowTrailing(true))
	if err != nil {
		return err
	}
	*tp = topAST(*g)
	return nil
}

// Parse implements participle.Parseable.
func (st *stmtAST) Parse(lex *lexer.PeekingLexer) error {
	switch lex.Peek().Type {
	case tokLet, tokPrint, tokFor, tokIf, tokUnknown, tokAtop, tokOption, tokConst, tokDef, tokHeader, tokLabel:
	default:
		return participle.NextMatch // the grammar takes no token either
	}
	if descShortcuts {
		cp := lex.MakeCheckpoint()
		if x, ok := shortStmt(&cursor{lex: lex}); ok {
			*st = *x
			return nil
		}
		lex.LoadCheckpoint(cp)
	}
	g, err := stmtGrammar().ParseFromLexer(lex, participle.AllowTrailing(true))
	if err != nil {
		return err
	}
	*st = stmtAST(*g)
	return nil
}

// Parse implements participle.Parseable.
func (tm *templateAST) Parse(lex *lexer.PeekingLexer) error {
	if descShortcuts {
		cp := lex.MakeCheckpoint()
		if x, ok := shortTemplate(&cursor{lex: lex}); ok {
			*tm = *x
			return nil
		}
		lex.LoadCheckpoint(cp)
	}
	g, err := templateGrammar().ParseFromLexer(lex, participle.AllowTrailing(true))
	if err != nil {
		return err
	}
	*tm = templateAST(*g)
	return nil
}

// cursor reads tokens for the shortcuts.
type cursor struct{ lex *lexer.PeekingLexer }

// Peek returns the next token.
func (c *cursor) Peek() *lexer.Token { return c.lex.Peek() }

// Next consumes the next token, if it is not the end.
func (c *cursor) Next() *lexer.Token { return c.lex.Next() }

// parseSpliced parses a spliced description: with the shortcuts alone if
// they take all of it, else with the grammar (which uses them where they
// can), for its errors.
func parseSpliced(name, text string) (*fileAST, error) {
	if descShortcuts {
		if f, ok := shortFile(name, text); ok {
			return f, nil
		}
	}
	return descParser().ParseString(name, text)
}

// shortFile parses a spliced description with the shortcuts alone; it
// returns false at anything they do not take, or at a token the lexer
// refuses.
func shortFile(name, text string) (*fileAST, bool) {
	l, err := descLexer.(lexer.StringDefinition).LexString(name, text)
	if err != nil {
		return nil, false
	}
	lex, err := lexer.Upgrade(l)
	if err != nil {
		return nil, false
	}
	c := &cursor{lex: lex}
	f := &fileAST{}
	for !c.Peek().EOF() {
		tp, ok := shortTop(c)
		if !ok {
			return nil, false
		}
		f.Lines = append(f.Lines, tp)
	}
	return f, true
}

// shortTop follows topAST without its Stray alternative.
func shortTop(lex *cursor) (*topAST, bool) {
	kw := lex.Next()
	tp := &topAST{Pos: kw.Pos}
	switch kw.Type {
	case tokAtop:
		a := &atopAST{Kw: kw.Value}
		if lex.Peek().Type == tokText {
			a.Version = lex.Next().Value
		}
		tp.Atop = a
	case tokOption:
		o := &optionAST{Kw: kw.Value}
		for t := lex.Peek(); t.Type == tokWord; t = lex.Peek() {
			o.Opts = append(o.Opts, &wordAST{Pos: t.Pos, Word: lex.Next().Value})
		}
		tp.Option = o
	case tokConst:
		name := lex.Next()
		if name.Type != tokIdent || lex.Next().Value != "=" {
			return nil, false
		}
		x, ok := shortOperand(lex)
		if !ok {
			return nil, false
		}
		tp.Const = &constAST{Pos: kw.Pos, Kw: kw.Value, Name: name.Value, X: x}
	case tokDef:
		name := lex.Next()
		if name.Type != tokIdent || lex.Next().Value != "(" {
			return nil, false
		}
		d := &defAST{Pos: kw.Pos, Kw: kw.Value, Name: name.Value}
		if t := lex.Peek(); t.Type == tokIdent {
			d.Params = append(d.Params, lex.Next().Value)
			for lex.Peek().Value == "," {
				lex.Next()
				t := lex.Next()
				if t.Type != tokIdent {
					return nil, false
				}
				d.Params = append(d.Params, t.Value)
			}
		}
		if lex.Next().Value != ")" || lex.Next().Value != "=" {
			return nil, false
		}
		var ok bool
		if d.X, ok = shortOperand(lex); !ok {
			return nil, false
		}
		tp.Def = d
	case tokHeader:
		tm, ok := shortTemplate(lex)
		if !ok {
			return nil, false
		}
		tp.Header = &headerAST{Kw: kw.Value, Tmpl: tm}
	case tokLabel:
		name := lex.Next()
		if name.Type != tokIdent || !acceptType(lex, tokEOL) {
			return nil, false
		}
		l := &labelAST{Pos: kw.Pos, Kw: kw.Value, Name: name.Value}
		var ok bool
		if l.Body, ok = shortBlock(lex); !ok {
			return nil, false
		}
		if l.End, ok = shortEnd(lex); !ok {
			return nil, false
		}
		tp.Label = l
		return tp, true
	default:
		return nil, false
	}
	return tp, acceptType(lex, tokEOL)
}

// shortStmt follows stmtAST without its Stray alternative.
func shortStmt(lex *cursor) (*stmtAST, bool) {
	kw := lex.Next()
	switch kw.Type {
	case tokLet:
		name := lex.Next()
		if name.Type != tokIdent || lex.Peek().Value != "=" {
			return nil, false
		}
		lex.Next()
		x, ok := shortOperand(lex)
		if !ok || !acceptType(lex, tokEOL) {
			return nil, false
		}
		return &stmtAST{Let: &letAST{Kw: kw.Value, Name: name.Value, X: x}}, true
	case tokPrint:
		tm, ok := shortTemplate(lex)
		if !ok || !acceptType(lex, tokEOL) {
			return nil, false
		}
		return &stmtAST{Print: &printAST{Kw: kw.Value, Tmpl: tm}}, true
	case tokFor:
		f := &forAST{Pos: kw.Pos, Kw: kw.Value}
		first := lex.Next()
		if first.Type != tokIdent {
			return nil, false
		}
		f.First = first.Value
		if lex.Peek().Value == "," {
			lex.Next()
			second := lex.Next()
			if second.Type != tokIdent {
				return nil, false
			}
			f.Second = second.Value
		}
		if lex.Next().Value != "in" {
			return nil, false
		}
		var ok bool
		if f.Over, ok = shortOperand(lex); !ok {
			return nil, false
		}
		for v := lex.Peek().Value; v == "count" || v == "while"; v = lex.Peek().Value {
			c := &forClauseAST{Kw: lex.Next().Value}
			if c.X, ok = shortOperand(lex); !ok {
				return nil, false
			}
			f.Clauses = append(f.Clauses, c)
		}
		if !acceptType(lex, tokEOL) {
			return nil, false
		}
		if f.Body, ok = shortBlock(lex); !ok {
			return nil, false
		}
		f.End, ok = shortEnd(lex)
		return &stmtAST{For: f}, ok
	case tokIf:
		f := &ifAST{Kw: kw.Value}
		var ok bool
		if f.Cond, ok = shortOperand(lex); !ok || !acceptType(lex, tokEOL) {
			return nil, false
		}
		if f.Then, ok = shortBlock(lex); !ok {
			return nil, false
		}
		if t := lex.Peek(); t.Type == tokElse {
			lex.Next()
			f.Else = &elseAST{Pos: t.Pos, Kw: t.Value}
			if lex.Peek().Type == tokText {
				f.Else.Rest = lex.Next().Value
			}
			if !acceptType(lex, tokEOL) {
				return nil, false
			}
			if f.Alt, ok = shortBlock(lex); !ok {
				return nil, false
			}
		}
		f.End, ok = shortEnd(lex)
		return &stmtAST{If: f}, ok
	}
	return nil, false
}

// shortBlock follows the statements of a block, up to a token no
// statement starts with.
func shortBlock(lex *cursor) ([]*stmtAST, bool) {
	var out []*stmtAST
	for {
		switch lex.Peek().Type {
		case tokLet, tokPrint, tokFor, tokIf:
		case tokUnknown, tokAtop, tokOption, tokConst, tokDef, tokHeader, tokLabel:
			return nil, false // a stray line: left to the grammar
		default:
			return out, true
		}
		st, ok := shortStmt(lex)
		if !ok {
			return nil, false
		}
		out = append(out, st)
	}
}

// shortEnd follows endAST.
func shortEnd(lex *cursor) (*endAST, bool) {
	t := lex.Peek()
	if t.Type != tokEnd {
		return nil, false
	}
	lex.Next()
	e := &endAST{Pos: t.Pos, Kw: t.Value}
	if lex.Peek().Type == tokText {
		e.Rest = lex.Next().Value
	}
	return e, acceptType(lex, tokEOL)
}

// acceptType consumes the next token if it has type typ.
func acceptType(lex *cursor, typ lexer.TokenType) bool {
	if lex.Peek().Type != typ {
		return false
	}
	lex.Next()
	return true
}

// shortTemplate follows templateAST.
func shortTemplate(lex *cursor) (*templateAST, bool) {
	tm := &templateAST{}
	for {
		t := lex.Peek()
		switch t.Type {
		case tokLit, tokPercent, tokConv, tokConvOpen:
		default:
			return tm, true
		}
		p := &pieceAST{Pos: t.Pos}
		switch t.Type {
		case tokLit:
			p.Text = lex.Next().Value
		case tokPercent:
			lex.Next()
			p.Percent = true
		case tokConv:
			p.Conv = lex.Next().Value
		case tokConvOpen:
			p.ConvOpen = lex.Next().Value
			x, ok := shortOperand(lex)
			if !ok || lex.Peek().Type != tokRBrace {
				return nil, false
			}
			lex.Next()
			p.X = x
		}
		tm.Pieces = append(tm.Pieces, p)
	}
}

// shortOperand parses the expression that must come next, with the
// grammar's own cexpr.Expr; false at a mistake, which the grammar reports.
func shortOperand(lex *cursor) (*cexpr.Expr, bool) {
	x := &cexpr.Expr{}
	if err := x.Parse(lex.lex); err != nil {
		return nil, false
	}
	return x, true
}
