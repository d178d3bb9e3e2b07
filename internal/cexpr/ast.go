package cexpr

import (
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

// Node is a node of an expression's syntax tree. The tree keeps the
// syntax as written; Check gives it meaning.
type Node interface {
	// Position is where the node is: its operator, or its first token.
	Position() lexer.Position
	node()
}

// LitKind is the kind of a literal.
type LitKind uint8

const (
	IntLit    LitKind = iota + 1 // 12, 0x1Fu, 077L, 0b101
	FloatLit                     // 1.5, 1e3, 2.5f
	CharLit                      // 'a', '\n', L'x'
	StringLit                    // "text"
)

type (
	// Lit is a literal, with its text as written (quotes and suffix kept).
	Lit struct {
		Pos  lexer.Position
		Kind LitKind
		Text string
	}
	// Ident is a name.
	Ident struct {
		Pos  lexer.Position
		Name string
	}
	// Paren is a parenthesised expression.
	Paren struct {
		Pos lexer.Position
		X   Node
	}
	// Unary is - + ! ~ applied to X.
	Unary struct {
		Pos lexer.Position
		Op  string
		X   Node
	}
	// Binary is X Op Y; Pos is the operator's.
	Binary struct {
		Pos  lexer.Position
		Op   string
		X, Y Node
	}
	// Cond is C ? Then : Else; Pos is the "?".
	Cond struct {
		Pos           lexer.Position
		C, Then, Else Node
	}
	// Cast is (Type) X; Pos is the "(".
	Cast struct {
		Pos  lexer.Position
		Type *TypeName
		X    Node
	}
	// Member is X.Name (or X->Name); Pos is the "." or "->".
	Member struct {
		Pos   lexer.Position
		X     Node
		Name  string
		Arrow bool
	}
	// Index is X[I]; Pos is the "[".
	Index struct {
		Pos  lexer.Position
		X, I Node
	}
	// Call is Fun(Args); Pos is the "(".
	Call struct {
		Pos  lexer.Position
		Fun  Node
		Args []Node
	}
	// Sizeof is sizeof(Type), sizeof X, or the same with _Alignof,
	// __alignof__ or alignof (Op).
	Sizeof struct {
		Pos  lexer.Position
		Op   string
		Type *TypeName // or
		X    Node
	}
	// Offsetof is offsetof(Type, a.b[2].c).
	Offsetof struct {
		Pos  lexer.Position
		Type *TypeName
		Path []PathPart
	}
)

// PathPart is one step of an offsetof path: a member Name, or an Index.
type PathPart struct {
	Pos   lexer.Position
	Name  string
	Index Node
}

// TypeName is a type in a cast, sizeof or offsetof: qualifiers, then
// built-in type words (unsigned long), a tag (struct stat) or a typedef
// name, then pointer stars and array bounds. What the name means is the
// host's business.
type TypeName struct {
	Pos    lexer.Position
	Quals  []string // const, volatile, restrict (anywhere before the stars)
	Words  []string // built-in type words, as written: "unsigned", "long"
	Tag    string   // "struct", "union" or "enum", with Name
	Name   string   // a tag's name, or a typedef name (Words is empty)
	Ptrs   int      // pointer levels
	Arrays []Node   // array bounds, outermost first; nil for []
}

func (n *Lit) Position() lexer.Position      { return n.Pos }
func (n *Ident) Position() lexer.Position    { return n.Pos }
func (n *Paren) Position() lexer.Position    { return n.Pos }
func (n *Unary) Position() lexer.Position    { return n.Pos }
func (n *Binary) Position() lexer.Position   { return n.Pos }
func (n *Cond) Position() lexer.Position     { return n.Pos }
func (n *Cast) Position() lexer.Position     { return n.Pos }
func (n *Member) Position() lexer.Position   { return n.Pos }
func (n *Index) Position() lexer.Position    { return n.Pos }
func (n *Call) Position() lexer.Position     { return n.Pos }
func (n *Sizeof) Position() lexer.Position   { return n.Pos }
func (n *Offsetof) Position() lexer.Position { return n.Pos }

func (*Lit) node()      {}
func (*Ident) node()    {}
func (*Paren) node()    {}
func (*Unary) node()    {}
func (*Binary) node()   {}
func (*Cond) node()     {}
func (*Cast) node()     {}
func (*Member) node()   {}
func (*Index) node()    {}
func (*Call) node()     {}
func (*Sizeof) node()   {}
func (*Offsetof) node() {}

// String renders a type name as C.
func (t *TypeName) String() string {
	var b strings.Builder
	t.write(&b)
	return b.String()
}

func (t *TypeName) write(b *strings.Builder) {
	var words []string
	words = append(words, t.Quals...)
	words = append(words, t.Words...)
	if t.Tag != "" {
		words = append(words, t.Tag)
	}
	if t.Name != "" {
		words = append(words, t.Name)
	}
	b.WriteString(strings.Join(words, " "))
	if t.Ptrs > 0 {
		b.WriteString(" " + strings.Repeat("*", t.Ptrs))
	}
	for _, a := range t.Arrays {
		b.WriteString("[")
		if a != nil {
			write(b, a)
		}
		b.WriteString("]")
	}
}

// String renders an expression as C: a parsed tree as it was written
// (its Paren nodes keep the parentheses), and any tree with the
// parentheses that C's precedence needs, so that the text reads back to the
// same tree.
func String(n Node) string {
	var b strings.Builder
	write(&b, n)
	return b.String()
}

// prec is how tightly a node binds: ?: loosest, then the binary operators
// (binPrec), then prefix operators and casts, then postfix and primaries.
func prec(n Node) int {
	switch n := n.(type) {
	case *Cond:
		return 0
	case *Binary:
		return binPrec[n.Op]
	case *Unary, *Cast, *Sizeof:
		return 11
	}
	return 12
}

// sub writes x, in parentheses if it binds looser than min.
func sub(b *strings.Builder, x Node, min int) {
	if prec(x) < min {
		b.WriteString("(")
		write(b, x)
		b.WriteString(")")
		return
	}
	write(b, x)
}

func write(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case *Lit:
		b.WriteString(n.Text)
	case *Ident:
		b.WriteString(n.Name)
	case *Paren:
		b.WriteString("(")
		write(b, n.X)
		b.WriteString(")")
	case *Unary:
		b.WriteString(n.Op)
		if u, ok := n.X.(*Unary); ok && (u.Op == "-" || u.Op == "+") && u.Op == n.Op {
			b.WriteString(" ") // - -x, not --x
		}
		sub(b, n.X, 11)
	case *Binary:
		p := binPrec[n.Op]
		sub(b, n.X, p)
		b.WriteString(" " + n.Op + " ")
		sub(b, n.Y, p+1)
	case *Cond:
		sub(b, n.C, 1)
		b.WriteString(" ? ")
		write(b, n.Then)
		b.WriteString(" : ")
		sub(b, n.Else, 0)
	case *Cast:
		b.WriteString("(")
		n.Type.write(b)
		b.WriteString(")")
		if len(n.Type.Words)+len(n.Type.Quals)+n.Type.Ptrs == 0 && n.Type.Tag == "" {
			sub(b, n.X, 12) // (T)(-x): (T) -x would subtract
		} else {
			sub(b, n.X, 11)
		}
	case *Member:
		sub(b, n.X, 12)
		if n.Arrow {
			b.WriteString("->")
		} else {
			b.WriteString(".")
		}
		b.WriteString(n.Name)
	case *Index:
		sub(b, n.X, 12)
		b.WriteString("[")
		write(b, n.I)
		b.WriteString("]")
	case *Call:
		sub(b, n.Fun, 12)
		b.WriteString("(")
		for i, a := range n.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, a)
		}
		b.WriteString(")")
	case *Sizeof:
		b.WriteString(n.Op)
		if n.Type != nil {
			b.WriteString("(")
			n.Type.write(b)
			b.WriteString(")")
		} else {
			b.WriteString(" ")
			sub(b, n.X, 11)
		}
	case *Offsetof:
		b.WriteString("offsetof(")
		n.Type.write(b)
		b.WriteString(", ")
		for i, p := range n.Path {
			switch {
			case p.Index != nil:
				b.WriteString("[")
				write(b, p.Index)
				b.WriteString("]")
			case i > 0:
				b.WriteString("." + p.Name)
			default:
				b.WriteString(p.Name)
			}
		}
		b.WriteString(")")
	}
}
