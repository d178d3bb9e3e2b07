package cparse

// The grammar of definition files, as participle struct tags. It runs on the
// token stream that Preprocess produces, so it never sees comments,
// directives or macros. The AST keeps raw syntax and positions; giving it
// meaning (types, layouts, constants) is the job of package cstruct.
//
//	File        = { Decl } .
//	Decl        = Pragma | StaticAssert | Typedef | ";" | Declaration .
//	Pragma      = "__pragma_pack" "(" [ word { "," word } ] ")" ";" .
//	Typedef     = "typedef" DeclSpec [ InitDeclarator { "," InitDeclarator } ] [ ";" ] .
//	Declaration = DeclSpec [ InitDeclarator { "," InitDeclarator } ] ( ";" | FuncBody ) .
//	DeclSpec    = { Qualifier } TypeSpec { Qualifier } .
//	TypeSpec    = StructSpec | EnumSpec | builtin-word { builtin-word } | Ident | Typeof .
//	Typeof      = ( "typeof" | "__typeof__" | "__typeof" ) "(" TypeName | Expr ")" .
//	StructSpec  = ( "struct" | "union" ) { Attribute } [ Ident ] [ "{" { Member } "}" ] { Attribute } .
//	EnumSpec    = ( "enum" | "flag" ) { Attribute } [ Ident ] [ ":" TypeName ] [ "{" { Enumerator [ "," ] } "}" ] .
//	Member      = Pragma | StaticAssert | ";" | DeclSpec [ MemberDecl { "," MemberDecl } ] ";" .
//	MemberDecl  = ( Declarator [ ":" Expr ] | ":" Expr ) { Attribute } .
//	Declarator  = { "*" { qualifier } } ( Ident | "(" Declarator ")" ) { "[" [ Expr ] "]" | Params } [ AsmLabel ] { Attribute } .
//	AsmLabel    = ( "__asm__" | "__asm" | "asm" ) "(" tokens ")" .
//	Expr        = a C expression (internal/cexpr's grammar) .

import (
	"fmt"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// File is a whole translation unit.
type File struct {
	Decls []*Decl `parser:"@@*"`
}

// Decl is one top-level declaration.
type Decl struct {
	Pos          lexer.Position
	Declaration  *Declaration `parser:"  @@"`
	Typedef      *Typedef     `parser:"| @@"`
	Pragma       *Pragma      `parser:"| @@"`
	StaticAssert *Balanced    `parser:"| (\"_Static_assert\" | \"static_assert\") @@ \";\""`
	Empty        bool         `parser:"| @\";\""`
}

// Pragma is a #pragma pack(...) that the preprocessor passed on.
type Pragma struct {
	Pos  lexer.Position
	Args []string `parser:"\"__pragma_pack\" \"(\" ( @(Ident | Int) ( \",\" @(Ident | Int) )* )? \")\" \";\""`
}

// Typedef is "typedef T a, *b, c[4];".
type Typedef struct {
	Pos   lexer.Position
	Spec  *DeclSpec         `parser:"\"typedef\" @@"`
	Decls []*InitDeclarator `parser:"( @@ ( \",\" @@ )* )? \";\"?"`
}

// Declaration is a type definition, a variable or a function prototype.
type Declaration struct {
	Pos   lexer.Position
	Spec  *DeclSpec         `parser:"@@"`
	Decls []*InitDeclarator `parser:"( @@ ( \",\" @@ )* )?"`
	Semi  bool              `parser:"( @\";\""`
	Body  *FuncBody         `parser:"| @@ )"`
}

// DeclSpec is the type part of a declaration with its qualifiers.
type DeclSpec struct {
	Pos  lexer.Position
	Pre  []*Qualifier `parser:"@@*"`
	Type *TypeSpec    `parser:"@@"`
	Post []*Qualifier `parser:"@@*"`
}

// Qualifier is a storage class, qualifier, attribute or alignment specifier.
// Only attributes and alignment change layout; the others are accepted and dropped.
type Qualifier struct {
	Pos   lexer.Position
	Attr  *Attribute
	Align *Expr
	Word  string
}

// Parse implements participle.Parseable: qualifiers are looked up by token,
// not tried one by one as grammar alternatives, because they are tried
// before and after every type in a file.
func (q *Qualifier) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	q.Pos = t.Pos
	switch {
	case t.EOF():
		return participle.NextMatch
	case qualWords[t.Value]:
		lex.Next()
		q.Word = t.Value
		return nil
	case t.Value == "__attribute__" || t.Value == "__attribute":
		q.Attr = &Attribute{}
		return q.Attr.Parse(lex)
	case t.Value == "_Alignas" || t.Value == "alignas":
		lex.Next()
		inner, err := groupInner(lex, "(", ")", t.Pos)
		if err != nil {
			return err
		}
		q.Align, err = ParseExpr(inner)
		return err
	}
	return participle.NextMatch
}

// TypeSpec names a type.
type TypeSpec struct {
	Pos    lexer.Position
	Name   TypeIdent   `parser:"  @@"`
	Typeof *Typeof     `parser:"| @@"`
	Words  []TypeWord  `parser:"| @@+"`
	Struct *StructSpec `parser:"| @@"`
	Enum   *EnumSpec   `parser:"| @@"`
}

// StructSpec is a struct or union reference or definition.
type StructSpec struct {
	Pos        lexer.Position
	Kind       string       `parser:"@(\"struct\" | \"union\")"`
	Attrs      []*Attribute `parser:"@@*"`
	Name       string       `parser:"@Ident?"`
	Body       *StructBody  `parser:"@@?"`
	TrailAttrs []*Attribute `parser:"@@*"`
}

// StructBody is the braces part of a struct definition.
type StructBody struct {
	Pos     lexer.Position
	Members []*Member `parser:"\"{\" @@* \"}\""`
}

// Member is one line of a struct body.
type Member struct {
	Pos          lexer.Position
	Simple       *SimpleMember `parser:"  @@"`
	StaticAssert *Balanced     `parser:"| (\"_Static_assert\" | \"static_assert\") @@ \";\""`
	Field        *MemberFields `parser:"| @@"`
	Pragma       *Pragma       `parser:"| @@"`
	Empty        bool          `parser:"| @\";\""`
}

// SimpleMember is the common shape of a member line, "T a, *b[N], c:3;"
// with T a type name or type keywords and N a lone number or name. It is
// matched by looking at tokens directly, which is much cheaper than the
// general grammar; anything else falls through to MemberFields. Fields holds
// the same tree the grammar would have built.
type SimpleMember struct {
	Fields *MemberFields
}

// SimpleMembers switches the SimpleMember shortcut; tests turn it off to
// check that it builds what the grammar builds.
var SimpleMembers = true

// Parse implements participle.Parseable.
func (sm *SimpleMember) Parse(lex *lexer.PeekingLexer) error {
	if !SimpleMembers {
		return participle.NextMatch
	}
	// The member ends at the next ";": read it from the token slice.
	cp := lex.MakeCheckpoint()
	start := lex.RawCursor()
	for t := lex.Next(); !t.EOF() && t.Value != ";"; t = lex.Next() {
	}
	p := shortParser{toks: lex.Range(start, lex.RawCursor())}
	lex.LoadCheckpoint(cp)
	n, ok := p.simpleMember()
	if !ok {
		return participle.NextMatch
	}
	for range p.i {
		lex.Next()
	}
	sm.Fields = &n.mf
	return nil
}

// MemberFields is "T a, b:3, *c;" inside a struct body.
type MemberFields struct {
	Pos   lexer.Position
	Spec  *DeclSpec     `parser:"@@"`
	Decls []*MemberDecl `parser:"( @@ ( \",\" @@ )* )? \";\""`
}

// MemberDecl is one declarator of a struct member, maybe a bit-field.
type MemberDecl struct {
	Pos   lexer.Position
	Decl  *Declarator  `parser:"@@?"`
	Bits  *Expr        `parser:"( \":\" @@ )?"`
	Attrs []*Attribute `parser:"@@*"`
}

// EnumSpec is an enum (or dissect's flag) reference or definition.
type EnumSpec struct {
	Pos   lexer.Position
	Kind  string       `parser:"@(\"enum\" | \"flag\")"`
	Attrs []*Attribute `parser:"@@*"`
	Name  string       `parser:"@Ident?"`
	Base  *TypeName    `parser:"( \":\" @@ )?"`
	Body  *EnumBody    `parser:"@@?"`
	Trail []*Attribute `parser:"@@*"`
}

// EnumBody is the braces of an enum definition.
type EnumBody struct {
	Pos   lexer.Position
	Items []*Enumerator `parser:"\"{\" ( @@ \",\"? )* \"}\""`
}

// Enumerator is "NAME [= value]". As in dissect, NAME may start with
// digits ("32BIT", an Int token to the lexer).
type Enumerator struct {
	Pos   lexer.Position
	Name  string `parser:"@(Ident | Int)"`
	Value *Expr  `parser:"( \"=\" @@ )?"`
}

// InitDeclarator is a declarator with an optional initializer, which is skipped.
type InitDeclarator struct {
	Pos  lexer.Position
	Decl *Declarator  `parser:"@@"`
	Init *Initializer `parser:"( \"=\" @@ )?"`
}

// Declarator is the name part of a declaration, with pointers and array or function suffixes.
type Declarator struct {
	Pos      lexer.Position
	Ptrs     []*PtrLevel  `parser:"@@*"`
	Name     string       `parser:"( @Ident"`
	Nested   *Declarator  `parser:"| \"(\" @@ \")\" )"`
	Suffixes []*Suffix    `parser:"@@*"`
	Asm      *AsmLabel    `parser:"@@?"`
	Attrs    []*Attribute `parser:"@@*"`
}

// AsmLabel is GCC's asm label on a declaration, "__asm__ ("name")" (the
// symbol name, glibc's __REDIRECT): skipped.
type AsmLabel struct {
	Pos    lexer.Position
	Tokens []lexer.Token
}

// Parse implements participle.Parseable.
func (a *AsmLabel) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.EOF() || !asmWords[t.Value] {
		return participle.NextMatch
	}
	a.Pos = t.Pos
	lex.Next()
	inner, err := groupInner(lex, "(", ")", t.Pos)
	a.Tokens = inner
	return err
}

var asmWords = map[string]bool{"__asm__": true, "__asm": true, "asm": true}

// Typeof is GCC's typeof (typeof, __typeof__, __typeof) of a type name or
// an expression; the tokens inside the parentheses are kept for the
// resolver (ParseTypeName, ParseExpr).
type Typeof struct {
	Pos    lexer.Position
	Tokens []lexer.Token
}

// Parse implements participle.Parseable.
func (ty *Typeof) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.EOF() || !typeofWords[t.Value] {
		return participle.NextMatch
	}
	ty.Pos = t.Pos
	lex.Next()
	inner, err := groupInner(lex, "(", ")", t.Pos)
	if err == nil && len(inner) == 0 {
		err = &Error{Pos: t.Pos, Msg: "empty " + t.Value + "()"}
	}
	ty.Tokens = inner
	return err
}

var typeofWords = map[string]bool{"typeof": true, "__typeof__": true, "__typeof": true}

// PtrLevel is one "*" with its qualifiers.
type PtrLevel struct {
	Star  bool       `parser:"@\"*\""`
	Quals []QualWord `parser:"@@*"`
}

// Suffix is "[N]", "[]" or a parameter list.
type Suffix struct {
	Pos    lexer.Position
	Array  *ArraySuffix
	Params *Balanced
}

// Parse implements participle.Parseable.
func (sf *Suffix) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	sf.Pos = t.Pos
	switch t.Value {
	case "[":
		sf.Array = &ArraySuffix{}
		return sf.Array.Parse(lex)
	case "(":
		sf.Params = &Balanced{Pos: t.Pos}
		return sf.Params.Parse(lex)
	}
	return participle.NextMatch
}

// ArraySuffix is "[expr]" or "[]".
type ArraySuffix struct {
	Pos  lexer.Position
	Size *Expr
}

// Parse implements participle.Parseable.
func (a *ArraySuffix) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.EOF() || t.Value != "[" {
		return participle.NextMatch
	}
	a.Pos = t.Pos
	inner, err := groupInner(lex, "[", "]", t.Pos)
	if err != nil || len(inner) == 0 {
		return err
	}
	a.Size, err = ParseExpr(inner)
	return err
}

// TypeName is a type without a declared name, as in sizeof(unsigned int *).
type TypeName struct {
	Pos    lexer.Position
	Pre    []*Qualifier   `parser:"@@*"`
	Type   *TypeSpec      `parser:"@@"`
	Post   []*Qualifier   `parser:"@@*"`
	Ptrs   []*PtrLevel    `parser:"@@*"`
	Arrays []*ArraySuffix `parser:"@@*"`
}

// Attribute is __attribute__((item, item(args))).
type Attribute struct {
	Pos   lexer.Position
	Items []*AttrItem
}

// attrList is the inside of __attribute__((...)).
type attrList struct {
	Items []*AttrItem `parser:"( @@ ( \",\" @@ )* )?"`
}

// Parse implements participle.Parseable.
func (a *Attribute) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.EOF() || (t.Value != "__attribute__" && t.Value != "__attribute") {
		return participle.NextMatch
	}
	lex.Next()
	a.Pos = t.Pos
	outer, err := groupInner(lex, "(", ")", t.Pos)
	if err != nil {
		return err
	}
	if len(outer) < 2 || outer[0].Value != "(" || outer[len(outer)-1].Value != ")" {
		return &Error{Pos: t.Pos, Msg: "malformed __attribute__, want __attribute__((...))"}
	}
	list, err := attrParser().ParseFromLexer(upgrade(outer[1 : len(outer)-1]))
	if err != nil {
		return convertError(err)
	}
	a.Items = list.Items
	return nil
}

// groupInner reads a bracketed group and returns the tokens inside it.
func groupInner(lex *lexer.PeekingLexer, open, close string, pos lexer.Position) ([]lexer.Token, error) {
	var toks []lexer.Token
	if err := skipGroup(lex, open, close, &toks); err != nil {
		if err == participle.NextMatch {
			return nil, &Error{Pos: pos, Msg: fmt.Sprintf("expected %q", open)}
		}
		return nil, err
	}
	return toks[1 : len(toks)-1], nil
}

// AttrItem is one attribute inside __attribute__((...)).
type AttrItem struct {
	Pos  lexer.Position
	Name string     `parser:"@(Ident | \"const\")"`
	Args []*AttrArg `parser:"( \"(\" ( @@ ( \",\" @@ )* )? \")\" )?"`
}

// AttrArg is a string or an expression argument of an attribute.
type AttrArg struct {
	Str  *string `parser:"  @String"`
	Expr *Expr   `parser:"| @@"`
}

// Expr is a C expression: the grammar of internal/cexpr, embedded as a
// participle.Parseable. Its syntax tree (cexpr.Node) is what package
// cstruct checks and evaluates.
type Expr = cexpr.Expr

// Balanced is a parenthesised token group that is skipped (parameter lists,
// static_assert arguments). It matches only when the next token is "(".
type Balanced struct {
	Pos    lexer.Position
	Tokens []lexer.Token
}

// Parse implements participle.Parseable.
func (b *Balanced) Parse(lex *lexer.PeekingLexer) error {
	return skipGroup(lex, "(", ")", &b.Tokens)
}

// FuncBody is a function body "{ ... }", skipped.
type FuncBody struct {
	Tokens []lexer.Token
}

// Parse implements participle.Parseable.
func (f *FuncBody) Parse(lex *lexer.PeekingLexer) error {
	return skipGroup(lex, "{", "}", &f.Tokens)
}

// Initializer is the skipped right-hand side of "= ...": everything up to a
// "," or ";" outside brackets.
type Initializer struct {
	Tokens []lexer.Token
}

// Parse implements participle.Parseable.
func (in *Initializer) Parse(lex *lexer.PeekingLexer) error {
	depth := 0
	for {
		t := lex.Peek()
		if t.EOF() {
			if len(in.Tokens) == 0 {
				return participle.NextMatch
			}
			return nil
		}
		switch t.Value {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				return endInit(in)
			}
			depth--
		case ",", ";":
			if depth == 0 {
				return endInit(in)
			}
		}
		in.Tokens = append(in.Tokens, *lex.Next())
	}
}

func endInit(in *Initializer) error {
	if len(in.Tokens) == 0 {
		return participle.NextMatch
	}
	return nil
}

func skipGroup(lex *lexer.PeekingLexer, open, close string, out *[]lexer.Token) error {
	first := lex.Peek()
	if first.Value != open || first.Type == lexer.EOF {
		return participle.NextMatch
	}
	depth := 0
	for {
		t := lex.Next()
		if t.EOF() {
			return &Error{Pos: first.Pos, Msg: fmt.Sprintf("unclosed %q", open)}
		}
		*out = append(*out, *t)
		switch t.Value {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				if t.Value != close {
					return &Error{Pos: t.Pos, Msg: fmt.Sprintf("unexpected %q, expected %q", t.Value, close)}
				}
				return nil
			}
		}
	}
}

// keywordSet matches one token whose value is in a set, without trying each
// word as a grammar alternative (participle branches once per alternative,
// which made keyword lists the parser's main cost).
func keywordSet(lex *lexer.PeekingLexer, set map[string]bool) (string, error) {
	t := lex.Peek()
	if t.EOF() || !set[t.Value] {
		return "", participle.NextMatch
	}
	lex.Next()
	return t.Value, nil
}

var qualWords = map[string]bool{
	"const": true, "volatile": true, "static": true, "extern": true, "inline": true, "__inline": true,
	"__inline__": true, "register": true, "auto": true, "_Noreturn": true, "__extension__": true,
	"restrict": true, "__restrict": true, "__restrict__": true, "_Thread_local": true, "__thread": true,
	"__const": true, "__volatile__": true,
}

var typeWords = map[string]bool{
	"unsigned": true, "signed": true, "__signed__": true, "__unsigned__": true, "short": true, "long": true,
	"int": true, "char": true, "float": true, "double": true, "_Bool": true, "void": true, "__int8": true,
	"__int16": true, "__int32": true, "__int64": true, "__int128": true, "_Float16": true, "__fp16": true,
	"_Complex": true,
}

// binOps are C's binary operators (the tokens #if allows besides cppIfPunct).
var binOps = map[string]bool{
	"||": true, "&&": true, "|": true, "^": true, "&": true, "==": true, "!=": true, "<=": true, ">=": true,
	"<": true, ">": true, "<<": true, ">>": true, "+": true, "-": true, "*": true, "/": true, "%": true,
}

// QualWord is a qualifier or storage-class keyword (const, static, …).
type QualWord string

// Parse implements participle.Parseable.
func (w *QualWord) Parse(lex *lexer.PeekingLexer) error {
	v, err := keywordSet(lex, qualWords)
	*w = QualWord(v)
	return err
}

// TypeWord is a keyword of a basic type name (unsigned, long, int, …).
type TypeWord string

// Parse implements participle.Parseable.
func (w *TypeWord) Parse(lex *lexer.PeekingLexer) error {
	v, err := keywordSet(lex, typeWords)
	*w = TypeWord(v)
	return err
}

// keywords are the words that can never name a type.
var keywords = map[string]bool{
	"struct": true, "union": true, "enum": true, "flag": true, "typedef": true, "sizeof": true,
	"offsetof": true, "__builtin_offsetof": true, "__attribute__": true, "__attribute": true,
	"_Alignas": true, "alignas": true, "_Static_assert": true, "static_assert": true, "__pragma_pack": true,
	"typeof": true, "__typeof__": true, "__typeof": true, "__asm__": true, "__asm": true,
}

// TypeIdent is a type name written as an identifier (a typedef or a
// built-in name such as uint32), never a keyword.
type TypeIdent string

// Parse implements participle.Parseable.
func (n *TypeIdent) Parse(lex *lexer.PeekingLexer) error {
	t := lex.Peek()
	if t.EOF() || t.Type != identType || keywords[t.Value] || typeWords[t.Value] || qualWords[t.Value] {
		return participle.NextMatch
	}
	lex.Next()
	*n = TypeIdent(t.Value)
	return nil
}
