package parseable

// The grammar of the line descriptions (doc.go), as participle struct tags.
// It runs on the logical lines that splice makes (continuations joined,
// comments and blank lines dropped, each line ending in "\n"); a builder
// turns the syntax tree into the desc. Expressions are cexpr's: the
// engine's one parser of C expressions runs on this lexer's tokens.
//
//	File      = { Top } .
//	Top       = "atop" [ text ] EOL | "option" { word } EOL
//	          | "const" Ident "=" Expr EOL | "def" Ident "(" [ Ident { "," Ident } ] ")" "=" Expr EOL
//	          | "header" Template EOL | "label" Ident EOL { Stmt } End | Stray .
//	Stmt      = "let" Ident "=" Expr EOL | "print" Template EOL
//	          | "for" Ident [ "," Ident ] "in" Expr { ( "count" | "while" ) Expr } EOL { Stmt } End
//	          | "if" Expr EOL { Stmt } [ "else" [ text ] EOL { Stmt } ] End | Stray .
//	End       = "end" [ text ] EOL .
//	Template  = { text | "%%" | conv [ "{" Expr "}" ] } .     (conv without { is an error)
//	Expr      = a C expression: internal/cexpr's grammar (cexpr.Expr) .
//
// The builder keeps of C's expressions those of the language (doc.go):
// no casts (int32(x) is a call), sizeof, offsetof, "->" or unary "+".
// A keyword is the first word of a line, up to a space: "print\tx" is an
// unknown statement. Stray lines (an unknown word, or a keyword out of its
// place) are parsed to the end of the line so that build can name them.

import (
	"sync"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cstructgo/cstruct/internal/cexpr"
)

// keyword matches a line's first word w and the blanks after its space.
func keyword(w string) string { return `(?m:` + w + `(?: [ \t]*|$))` }

// convPattern is a C printf conversion up to its verb (cformat.go's
// parseConv reads it); the verb may be missing at the end of a line.
const convPattern = `%[-+ 0#]*[0-9]*(?:\.[0-9]*)?(?:hh|ll|h|l|j|z|t|L)?`

// descRules define the tokens of a description; descLex (desclex.go)
// implements them by hand, which TestDescLexer checks.
var descRules = lexer.Rules{
	// at the start of a line: its keyword says how the rest is read
	"Root": {
		{Name: "EOL", Pattern: `\n`},
		{Name: "Atop", Pattern: keyword("atop"), Action: lexer.Push("Text")},
		{Name: "Option", Pattern: keyword("option"), Action: lexer.Push("Words")},
		{Name: "Const", Pattern: keyword("const"), Action: lexer.Push("Expr")},
		{Name: "Def", Pattern: keyword("def"), Action: lexer.Push("Expr")},
		{Name: "Header", Pattern: keyword("header"), Action: lexer.Push("Template")},
		{Name: "Label", Pattern: keyword("label"), Action: lexer.Push("Expr")},
		{Name: "Let", Pattern: keyword("let"), Action: lexer.Push("Expr")},
		{Name: "Print", Pattern: keyword("print"), Action: lexer.Push("Template")},
		{Name: "For", Pattern: keyword("for"), Action: lexer.Push("Expr")},
		{Name: "If", Pattern: keyword("if"), Action: lexer.Push("Expr")},
		{Name: "Else", Pattern: keyword("else"), Action: lexer.Push("Text")},
		{Name: "End", Pattern: keyword("end"), Action: lexer.Push("Text")},
		{Name: "Unknown", Pattern: `[^ \n]+`, Action: lexer.Push("Text")},
	},
	// the rest of the line as it is
	"Text": {
		{Name: "EOL", Pattern: `\n`, Action: lexer.Pop()},
		{Name: "Text", Pattern: `[^\n]+`},
	},
	"Words": {
		{Name: "EOL", Pattern: `\n`, Action: lexer.Pop()},
		{Name: "blank", Pattern: `[ \t]+`},
		{Name: "Word", Pattern: `[^ \t\n]+`},
	},
	// a print line: text, %% and conversions, each with {expression}
	"Template": {
		{Name: "EOL", Pattern: `\n`, Action: lexer.Pop()},
		{Name: "Percent", Pattern: `%%`},
		{Name: "ConvOpen", Pattern: convPattern + `[^\n]\{`, Action: lexer.Push("Braced")},
		{Name: "Conv", Pattern: convPattern + `[^\n]?`},
		{Name: "Lit", Pattern: `[^%\n]+`},
	},
	// the expression of a conversion, up to its }; at the end of the line
	// (a missing }, as only "\n" matches no token) back to the template,
	// which ends there too
	"Braced": {
		{Name: "RBrace", Pattern: `\}`, Action: lexer.Pop()},
		lexer.Include("Tokens"),
		lexer.Return(),
	},
	"Expr": {
		{Name: "EOL", Pattern: `\n`, Action: lexer.Pop()},
		lexer.Include("Tokens"),
	},
	// C tokens; anything else is a Bad token for the parser to report
	"Tokens": {
		{Name: "blank", Pattern: `[ \t]+`},
		{Name: "Ident", Pattern: `[_a-zA-Z][_a-zA-Z0-9]*`},
		{Name: "Number", Pattern: `0[xX][0-9a-fA-F]*|[0-9](?:[0-9.]|[eE][+-]?)*`},
		{Name: "Char", Pattern: `'(?:\\[^\n]|[^'\\\n])*'`},
		{Name: "String", Pattern: `"(?:\\[^\n]|[^"\\\n])*"`},
		{Name: "Op", Pattern: `<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!<>?:()\[\].,=]`},
		{Name: "Bad", Pattern: `["'][^\n]*|[^\n]`},
	},
}

// descLexer is the lexer the grammar runs on.
var descLexer = descLex

// descParser parses a spliced description. The grammar is LL(1): with no
// lookahead a branch is taken on its first token, so a mistake is reported
// where it is, not at the start of its line.
// It is built on first use, as commands that print no -P lines need none.
var descParser = sync.OnceValue(func() *participle.Parser[fileAST] {
	return participle.MustBuild[fileAST](participle.Lexer(descLexer), participle.UseLookahead(0))
})

type fileAST struct {
	Lines []*topAST `parser:"@@*"`
}

// topAST is a line outside the labels, or a whole label.
type topAST struct {
	Pos    lexer.Position
	Atop   *atopAST   `parser:"  @@"`
	Option *optionAST `parser:"| @@"`
	Const  *constAST  `parser:"| @@"`
	Def    *defAST    `parser:"| @@"`
	Header *headerAST `parser:"| @@"`
	Label  *labelAST  `parser:"| @@"`
	Stray  *strayAST  `parser:"| @@"`
}

type atopAST struct {
	Kw      string `parser:"@Atop"`
	Version string `parser:"@Text? EOL"`
}

type optionAST struct {
	Kw   string     `parser:"@Option"`
	Opts []*wordAST `parser:"@@* EOL"`
}

type wordAST struct {
	Pos  lexer.Position
	Word string `parser:"@Word"`
}

type constAST struct {
	Pos  lexer.Position
	Kw   string      `parser:"@Const"`
	Name string      `parser:"@Ident \"=\""`
	X    *cexpr.Expr `parser:"@@ EOL"`
}

type defAST struct {
	Pos    lexer.Position
	Kw     string      `parser:"@Def"`
	Name   string      `parser:"@Ident \"(\""`
	Params []string    `parser:"( @Ident ( \",\" @Ident )* )? \")\" \"=\""`
	X      *cexpr.Expr `parser:"@@ EOL"`
}

type headerAST struct {
	Kw   string       `parser:"@Header"`
	Tmpl *templateAST `parser:"@@ EOL"`
}

type labelAST struct {
	Pos  lexer.Position
	Kw   string     `parser:"@Label"`
	Name string     `parser:"@Ident EOL"`
	Body []*stmtAST `parser:"@@*"`
	End  *endAST    `parser:"@@"`
}

// endAST is "end" with what follows on its line (an error).
type endAST struct {
	Pos  lexer.Position
	Kw   string `parser:"@End"`
	Rest string `parser:"@Text? EOL"`
}

// elseAST is "else" with what follows on its line (an error).
type elseAST struct {
	Pos  lexer.Position
	Kw   string `parser:"@Else"`
	Rest string `parser:"@Text? EOL"`
}

// strayAST is a line that does not belong where it is: an unknown word, or
// a statement outside a label.
type strayAST struct {
	Pos  lexer.Position
	Word string `parser:"@(Unknown | End | Else | Let | Print | For | If)"`
	Rest string `parser:"~EOL* EOL"`
}

// strayStmtAST is an unknown word or a top-level line in a label.
type strayStmtAST struct {
	Pos  lexer.Position
	Word string `parser:"@(Unknown | Atop | Option | Const | Def | Header | Label)"`
	Rest string `parser:"~EOL* EOL"`
}

type stmtAST struct {
	Let   *letAST       `parser:"  @@"`
	Print *printAST     `parser:"| @@"`
	For   *forAST       `parser:"| @@"`
	If    *ifAST        `parser:"| @@"`
	Stray *strayStmtAST `parser:"| @@"`
}

type letAST struct {
	Kw   string      `parser:"@Let"`
	Name string      `parser:"@Ident \"=\""`
	X    *cexpr.Expr `parser:"@@ EOL"`
}

type printAST struct {
	Kw   string       `parser:"@Print"`
	Tmpl *templateAST `parser:"@@ EOL"`
}

type forAST struct {
	Pos     lexer.Position
	Kw      string          `parser:"@For"`
	First   string          `parser:"@Ident"`
	Second  string          `parser:"( \",\" @Ident )? \"in\""`
	Over    *cexpr.Expr     `parser:"@@"`
	Clauses []*forClauseAST `parser:"@@* EOL"`
	Body    []*stmtAST      `parser:"@@*"`
	End     *endAST         `parser:"@@"`
}

// forClauseAST is "count EXPR" or "while EXPR".
type forClauseAST struct {
	Kw string      `parser:"@(\"count\" | \"while\")"`
	X  *cexpr.Expr `parser:"@@"`
}

type ifAST struct {
	Kw   string      `parser:"@If"`
	Cond *cexpr.Expr `parser:"@@ EOL"`
	Then []*stmtAST  `parser:"@@*"`
	Else *elseAST    `parser:"( @@"`
	Alt  []*stmtAST  `parser:"  @@* )?"`
	End  *endAST     `parser:"@@"`
}

type templateAST struct {
	Pieces []*pieceAST `parser:"@@*"`
}

// pieceAST is literal text, "%%", or a conversion with its {expression}
// (ConvOpen is the conversion and its "{").
type pieceAST struct {
	Pos      lexer.Position
	Text     string      `parser:"  @Lit"`
	Percent  bool        `parser:"| @Percent"`
	ConvOpen string      `parser:"| @ConvOpen"`
	X        *cexpr.Expr `parser:"  @@ RBrace"`
	Conv     string      `parser:"| @Conv"`
}
