package cparse

// The declaration shortcut. Participle runs the grammar (grammar.go)
// exactly, but every alternative it tries costs a branch and allocations,
// which made parsing the slowest part of loading definitions. Most
// declarations in real headers have a plain shape: struct, union and enum
// definitions or references, typedefs and variables whose declarators are
// names, pointers and arrays, and #pragma pack. The shortcut reads those
// straight from the token slice and builds the tree the grammar would build.
//
// It never reports an error. Whatever it does not take — attributes,
// alignment specifiers, function declarators and bodies, initializers,
// static assertions, pragmas inside a struct, and every mistake — makes it
// decline the whole top-level declaration, which the grammar then parses,
// so errors are the grammar's. Expressions go to ParseExpr: internal/cexpr's
// parser, with a lone number or name built at once (loneExpr).
// TestShortcutTree checks that both ways build the same trees.

import (
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// Shortcuts switches the declaration shortcut; tests turn it off to check
// that it builds what the grammar builds.
var Shortcuts = true

// shortParser reads one top-level declaration from a token slice. Every
// method returns false to decline.
type shortParser struct {
	toks []lexer.Token
	i    int
}

// eofToken stands for the end of the slice; it matches no grammar token.
var eofToken = lexer.Token{Type: lexer.EOF}

func (p *shortParser) peek() *lexer.Token {
	if p.i < len(p.toks) {
		return &p.toks[p.i]
	}
	return &eofToken
}

func (p *shortParser) next() *lexer.Token {
	t := p.peek()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

// accept consumes the next token if its value is v.
func (p *shortParser) accept(v string) bool {
	if p.i < len(p.toks) && p.toks[p.i].Value == v {
		p.i++
		return true
	}
	return false
}

// shortDecl parses seg, which must hold exactly one declaration.
func shortDecl(seg []lexer.Token) (*Decl, bool) {
	p := &shortParser{toks: seg}
	d, ok := p.decl()
	return d, ok && p.i == len(seg)
}

// decl follows Decl: the alternatives are told apart by their first token.
func (p *shortParser) decl() (*Decl, bool) {
	t := p.peek()
	d := &Decl{Pos: t.Pos}
	switch t.Value {
	case ";":
		p.next()
		d.Empty = true
		return d, true
	case "typedef":
		td, ok := p.typedef()
		d.Typedef = td
		return d, ok
	case "__pragma_pack":
		pr, ok := p.pragma()
		d.Pragma = pr
		return d, ok
	}
	dc, ok := p.declaration()
	d.Declaration = dc
	return d, ok
}

// pragma follows Pragma.
func (p *shortParser) pragma() (*Pragma, bool) {
	pr := &Pragma{Pos: p.next().Pos}
	if !p.accept("(") {
		return nil, false
	}
	if t := p.peek(); t.Type == identType || t.Type == intType {
		pr.Args = append(pr.Args, p.next().Value)
		for p.accept(",") {
			t := p.next()
			if t.Type != identType && t.Type != intType {
				return nil, false
			}
			pr.Args = append(pr.Args, t.Value)
		}
	}
	return pr, p.accept(")") && p.accept(";")
}

// typedef follows Typedef, with its ";".
func (p *shortParser) typedef() (*Typedef, bool) {
	td := &Typedef{Pos: p.next().Pos}
	var ok bool
	if td.Spec, ok = p.declSpec(); !ok {
		return nil, false
	}
	if td.Decls, ok = p.initDecls(); !ok {
		return nil, false
	}
	return td, p.accept(";")
}

// declaration follows Declaration, without a function body.
func (p *shortParser) declaration() (*Declaration, bool) {
	dc := &Declaration{Pos: p.peek().Pos}
	var ok bool
	if dc.Spec, ok = p.declSpec(); !ok {
		return nil, false
	}
	if dc.Decls, ok = p.initDecls(); !ok {
		return nil, false
	}
	dc.Semi = p.accept(";")
	return dc, dc.Semi
}

// initDecls follows the optional list of InitDeclarators, without
// initializers.
func (p *shortParser) initDecls() ([]*InitDeclarator, bool) {
	if v := p.peek().Value; v == ";" || v == "" {
		return nil, true
	}
	var out []*InitDeclarator
	for {
		pos := p.peek().Pos
		d, ok := p.declarator()
		if !ok {
			return nil, false
		}
		out = append(out, &InitDeclarator{Pos: pos, Decl: d})
		if !p.accept(",") {
			return out, true
		}
	}
}

// declSpec follows DeclSpec, with qualifier words only.
func (p *shortParser) declSpec() (*DeclSpec, bool) {
	ds := &DeclSpec{Pos: p.peek().Pos}
	var ok bool
	if ds.Pre, ok = p.qualifiers(); !ok {
		return nil, false
	}
	if ds.Type, ok = p.typeSpec(); !ok {
		return nil, false
	}
	if ds.Post, ok = p.qualifiers(); !ok {
		return nil, false
	}
	return ds, true
}

// qualifiers reads qualifier words; it declines at an attribute or an
// alignment specifier.
func (p *shortParser) qualifiers() ([]*Qualifier, bool) {
	var out []*Qualifier
	for {
		t := p.peek()
		switch {
		case qualWords[t.Value]:
			p.next()
			out = append(out, &Qualifier{Pos: t.Pos, Word: t.Value})
		case t.Value == "__attribute__" || t.Value == "__attribute" || t.Value == "_Alignas" || t.Value == "alignas":
			return nil, false
		default:
			return out, true
		}
	}
}

// typeSpec follows TypeSpec.
func (p *shortParser) typeSpec() (*TypeSpec, bool) {
	t := p.peek()
	ts := &TypeSpec{Pos: t.Pos}
	switch {
	case isTypeIdent(t):
		ts.Name = TypeIdent(p.next().Value)
	case typeWords[t.Value]:
		for typeWords[p.peek().Value] {
			ts.Words = append(ts.Words, TypeWord(p.next().Value))
		}
	case t.Value == "struct" || t.Value == "union":
		var ok bool
		if ts.Struct, ok = p.structSpec(); !ok {
			return nil, false
		}
	case t.Value == "enum" || t.Value == "flag":
		var ok bool
		if ts.Enum, ok = p.enumSpec(); !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	return ts, true
}

// wordClass tells, in one lookup, whether a word is in keywords (1),
// typeWords (2) or qualWords (4).
var wordClass = func() map[string]uint8 {
	m := map[string]uint8{}
	for i, set := range []map[string]bool{keywords, typeWords, qualWords} {
		for w := range set {
			m[w] |= 1 << i
		}
	}
	return m
}()

// isTypeIdent reports whether TypeIdent takes t.
func isTypeIdent(t *lexer.Token) bool {
	return t.Type == identType && wordClass[t.Value] == 0
}

// isAttribute reports whether t starts an attribute.
func isAttribute(t *lexer.Token) bool {
	return t.Value == "__attribute__" || t.Value == "__attribute"
}

// structSpec follows StructSpec, without attributes.
func (p *shortParser) structSpec() (*StructSpec, bool) {
	t := p.next()
	ss := &StructSpec{Pos: t.Pos, Kind: t.Value}
	if isAttribute(p.peek()) {
		return nil, false
	}
	if p.peek().Type == identType {
		ss.Name = p.next().Value
	}
	if p.peek().Value == "{" {
		var ok bool
		if ss.Body, ok = p.structBody(); !ok {
			return nil, false
		}
	}
	return ss, !isAttribute(p.peek())
}

// structBody follows StructBody.
func (p *shortParser) structBody() (*StructBody, bool) {
	sb := &StructBody{Pos: p.next().Pos}
	for !p.accept("}") {
		m, ok := p.member()
		if !ok {
			return nil, false
		}
		sb.Members = append(sb.Members, m)
	}
	return sb, true
}

// member follows Member without its Pragma alternative.
func (p *shortParser) member() (*Member, bool) {
	t := p.peek()
	if SimpleMembers {
		if n, ok := p.simpleMember(); ok {
			n.m = Member{Pos: t.Pos, Simple: &n.sm}
			return &n.m, true
		}
	}
	m := &Member{Pos: t.Pos}
	if t.Value == ";" {
		p.next()
		m.Empty = true
		return m, true
	}
	var ok bool
	m.Field, ok = p.memberFields()
	return m, ok
}

// memberFields follows MemberFields.
func (p *shortParser) memberFields() (*MemberFields, bool) {
	mf := &MemberFields{Pos: p.peek().Pos}
	var ok bool
	if mf.Spec, ok = p.declSpec(); !ok {
		return nil, false
	}
	if t := p.peek(); t.Value == ";" {
		// The grammar's MemberDecl may be empty, so it takes one here.
		p.next()
		mf.Decls = []*MemberDecl{{Pos: t.Pos}}
		return mf, true
	}
	for {
		md, ok := p.memberDecl()
		if !ok {
			return nil, false
		}
		mf.Decls = append(mf.Decls, md)
		if p.accept(";") {
			return mf, true
		}
		if !p.accept(",") {
			return nil, false
		}
	}
}

// memberDecl follows MemberDecl, without attributes. It declines an empty
// one.
func (p *shortParser) memberDecl() (*MemberDecl, bool) {
	md := &MemberDecl{Pos: p.peek().Pos}
	if p.peek().Value != ":" {
		var ok bool
		if md.Decl, ok = p.declarator(); !ok {
			return nil, false
		}
	}
	if p.accept(":") {
		var ok bool
		if md.Bits, ok = p.exprUntil(",", ";"); !ok {
			return nil, false
		}
	}
	return md, true
}

// declarator follows Declarator: pointers, a name and array suffixes.
func (p *shortParser) declarator() (*Declarator, bool) {
	d := &Declarator{Pos: p.peek().Pos}
	for p.accept("*") {
		pl := &PtrLevel{Star: true}
		for t := p.peek(); qualWords[t.Value]; t = p.peek() {
			pl.Quals = append(pl.Quals, QualWord(p.next().Value))
		}
		d.Ptrs = append(d.Ptrs, pl)
	}
	name := p.peek()
	if name.Type != identType || wordClass[name.Value] != 0 {
		return nil, false
	}
	d.Name = p.next().Value
	for p.peek().Value == "[" {
		open := p.next()
		start := p.i
		if !p.skipTo("]") {
			return nil, false
		}
		a := &ArraySuffix{Pos: open.Pos}
		if inner := p.toks[start:p.i]; len(inner) > 0 {
			e, err := ParseExpr(inner)
			if err != nil {
				return nil, false
			}
			a.Size = e
		}
		p.next() // "]"
		d.Suffixes = append(d.Suffixes, &Suffix{Pos: open.Pos, Array: a})
	}
	if v := p.peek().Value; v == "(" || isAttribute(p.peek()) {
		return nil, false
	}
	return d, true
}

// skipTo moves to the next token close outside brackets, which must be
// balanced on the way; it returns false if there is none.
func (p *shortParser) skipTo(close string) bool {
	var stack []string
	for ; p.i < len(p.toks); p.i++ {
		switch v := p.toks[p.i].Value; v {
		case "(":
			stack = append(stack, ")")
		case "[":
			stack = append(stack, "]")
		case "{":
			stack = append(stack, "}")
		case ")", "]", "}":
			if len(stack) == 0 {
				return v == close
			}
			if stack[len(stack)-1] != v {
				return false
			}
			stack = stack[:len(stack)-1]
		}
	}
	return false
}

// exprUntil parses the expression that ends before end1 or end2 outside
// brackets (tokens the grammar's Expr cannot hold), without consuming it.
func (p *shortParser) exprUntil(end1, end2 string) (*Expr, bool) {
	start, depth := p.i, 0
	for ; p.i < len(p.toks); p.i++ {
		v := p.toks[p.i].Value
		if depth == 0 && (v == end1 || v == end2) {
			break
		}
		switch v {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			if depth == 0 {
				return nil, false
			}
			depth--
		case "__attribute__", "__attribute":
			return nil, false
		}
	}
	if p.i == start || p.i == len(p.toks) {
		return nil, false
	}
	e, err := ParseExpr(p.toks[start:p.i])
	return e, err == nil
}

// enumSpec follows EnumSpec, without attributes and with a base type that
// is a type name or type words.
func (p *shortParser) enumSpec() (*EnumSpec, bool) {
	t := p.next()
	es := &EnumSpec{Pos: t.Pos, Kind: t.Value}
	if isAttribute(p.peek()) {
		return nil, false
	}
	if p.peek().Type == identType {
		es.Name = p.next().Value
	}
	if p.accept(":") {
		t := p.peek()
		tn := &TypeName{Pos: t.Pos, Type: &TypeSpec{Pos: t.Pos}}
		switch {
		case isTypeIdent(t):
			tn.Type.Name = TypeIdent(p.next().Value)
		case typeWords[t.Value]:
			for typeWords[p.peek().Value] {
				tn.Type.Words = append(tn.Type.Words, TypeWord(p.next().Value))
			}
		default:
			return nil, false
		}
		if v := p.peek().Value; v != "{" && v != ";" {
			return nil, false
		}
		es.Base = tn
	}
	if open := p.peek(); open.Value == "{" {
		p.next()
		eb := &EnumBody{Pos: open.Pos}
		for !p.accept("}") {
			t := p.next()
			if t.Type != identType {
				return nil, false
			}
			en := &Enumerator{Pos: t.Pos, Name: t.Value}
			if p.accept("=") {
				var ok bool
				if en.Value, ok = p.exprUntil(",", "}"); !ok {
					return nil, false
				}
			}
			eb.Items = append(eb.Items, en)
			p.accept(",")
		}
		es.Body = eb
	}
	return es, !isAttribute(p.peek())
}

// memberNodes are the nodes of a plain member line, allocated together
// (the trees are the same; the allocations were most of the work).
type memberNodes struct {
	m     Member
	sm    SimpleMember
	mf    MemberFields
	ds    DeclSpec
	ts    TypeSpec
	words [2]TypeWord
	decls [1]*MemberDecl
}

// declNodes are the nodes of one declarator of a member line.
type declNodes struct {
	md   MemberDecl
	d    Declarator
	sufs [1]*Suffix
}

// arrayNodes are the nodes of one array suffix.
type arrayNodes struct {
	s Suffix
	a ArraySuffix
}

// simpleMember reads "T a, *b[N], c:3;" with T a type name or type words
// and N a lone number or name (SimpleMember).
func (p *shortParser) simpleMember() (*memberNodes, bool) {
	start := p.i
	fail := func() (*memberNodes, bool) {
		p.i = start
		return nil, false
	}
	t := p.peek()
	n := &memberNodes{}
	ts := &n.ts
	ts.Pos = t.Pos
	switch {
	case typeWords[t.Value]:
		ts.Words = n.words[:0]
		for typeWords[p.peek().Value] {
			ts.Words = append(ts.Words, TypeWord(p.next().Value))
		}
	case t.Type == identType && wordClass[t.Value] == 0: // not a type word either, as that case came first
		ts.Name = TypeIdent(p.next().Value)
	default:
		return fail()
	}
	n.ds = DeclSpec{Pos: t.Pos, Type: ts}
	n.mf = MemberFields{Pos: t.Pos, Spec: &n.ds, Decls: n.decls[:0]}
	n.sm.Fields = &n.mf
	for {
		dn := &declNodes{}
		d := &dn.d
		d.Pos = p.peek().Pos
		for p.accept("*") {
			d.Ptrs = append(d.Ptrs, &PtrLevel{Star: true})
		}
		name := p.peek()
		if name.Type != identType || wordClass[name.Value] != 0 {
			return fail()
		}
		d.Name = p.next().Value
		for p.peek().Value == "[" {
			open := p.next()
			an := &arrayNodes{}
			an.a.Pos = open.Pos
			if p.peek().Value != "]" {
				size := p.next()
				if size.Type != intType && size.Type != identType || p.peek().Value != "]" {
					return fail()
				}
				e, err := ParseExpr(p.toks[p.i-1 : p.i])
				if err != nil {
					return fail()
				}
				an.a.Size = e
			}
			p.next() // "]"
			an.s = Suffix{Pos: open.Pos, Array: &an.a}
			if d.Suffixes == nil {
				d.Suffixes = dn.sufs[:0]
			}
			d.Suffixes = append(d.Suffixes, &an.s)
		}
		md := &dn.md
		*md = MemberDecl{Pos: d.Pos, Decl: d}
		if p.accept(":") {
			if p.next().Type != intType {
				return fail()
			}
			md.Bits, _ = ParseExpr(p.toks[p.i-1 : p.i])
		}
		n.mf.Decls = append(n.mf.Decls, md)
		switch {
		case p.accept(","):
			continue
		case p.accept(";"):
			return n, true
		}
		return fail()
	}
}

// loneExpr builds the tree of an expression that is the one token t, a
// number, a character constant or a name (not a keyword of expressions),
// as cexpr would; it reports whether t is one.
func loneExpr(t *lexer.Token) (*Expr, bool) {
	switch t.Type {
	case intType, charType:
		n := &litNodes{lit: cexpr.Lit{Pos: t.Pos, Kind: cexpr.IntLit, Text: t.Value}}
		if t.Type == charType {
			n.lit.Kind = cexpr.CharLit
		}
		n.e = Expr{Pos: t.Pos, X: &n.lit}
		return &n.e, true
	case identType:
		if reserved[t.Value] {
			return nil, false
		}
		n := &identNodes{id: cexpr.Ident{Pos: t.Pos, Name: t.Value}}
		n.e = Expr{Pos: t.Pos, X: &n.id}
		return &n.e, true
	}
	return nil, false
}

// litNodes and identNodes are the nodes of a lone-token expression,
// allocated together.
type (
	litNodes struct {
		e   Expr
		lit cexpr.Lit
	}
	identNodes struct {
		e  Expr
		id cexpr.Ident
	}
)
