package parseable

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cstructgo/cstruct/defs"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// DescFile is the name of the line description in a version directory of
// the definitions (defs/atop/<version>/parseable.txt).
const DescFile = "parseable.txt"

// A desc is one version's description of atop -P output: the labels in
// atop's table order, each a small program of let/for/if/print statements
// over expressions that are cexpr's syntax trees.
type desc struct {
	name    string // where it was read from
	version string // "2.13", as the file says
	optZ    bool   // -Z is accepted (2.7+)
	json    bool   // option json: one JSON object per sample (json.go)
	consts  map[string]scalar
	defs    map[string]*def
	header  template
	labels  []*labelDesc
	byName  map[string]*labelDesc
	progs   sync.Map // progKey → *progEntry: the compiled programs (compile.go)
	src     *spliced // the text that positions are offsets in
}

type labelDesc struct {
	name string
	body []stmt
}

// def is a named expression with parameters: def name(a, b) = expr.
type def struct {
	name   string
	params []string
	body   cexpr.Node
}

// A template is a print line: literal text and %conv{expr} substitutions.
type template []piece

type piece struct {
	lit  string // literal text (conv == nil)
	conv *conv
	expr cexpr.Node
}

type stmt interface{ isStmt() }

type (
	letStmt struct {
		name string
		expr cexpr.Node
	}
	printStmt struct{ tmpl template }
	forStmt   struct {
		index, elem string // index may be ""
		over        cexpr.Node
		count       cexpr.Node // nil: all elements
		while       cexpr.Node // nil: no stop condition
		body        []stmt
	}
	ifStmt struct {
		cond        cexpr.Node
		then, else_ []stmt
	}
)

func (*letStmt) isStmt()   {}
func (*printStmt) isStmt() {}
func (*forStmt) isStmt()   {}
func (*ifStmt) isStmt()    {}

// descError is a mistake in a description file, where it is.
type descError struct {
	file      string
	line, col int
	msg       string
}

func (e *descError) Error() string {
	return fmt.Sprintf("parseable: %s:%d:%d: %s", e.file, e.line, e.col, e.msg)
}

var descCache sync.Map // version string → *descResult

type descResult struct {
	once sync.Once
	d    *desc
	err  error
}

// descFor returns the embedded description of an atop version ("2.13").
func descFor(version string) (*desc, error) {
	r, _ := descCache.LoadOrStore(version, &descResult{})
	res := r.(*descResult)
	res.once.Do(func() {
		res.d, res.err = loadDesc(defs.Atop, path.Join("atop", version, DescFile))
		if res.err == nil && res.d.version != version {
			res.err = fmt.Errorf("parseable: %s describes atop %s, not %s", res.d.name, res.d.version, version)
		}
	})
	return res.d, res.err
}

// loadDesc reads and parses a description file.
func loadDesc(fsys fs.FS, name string) (*desc, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("parseable: no -P description for this version: %w", err)
	}
	return parseDesc(name, string(src))
}

// parseDesc parses the text of a description file.
func parseDesc(name, src string) (*desc, error) {
	sp := splice(src)
	b := &builder{d: &desc{name: name, consts: map[string]scalar{}, defs: map[string]*def{}, byName: map[string]*labelDesc{}, src: sp}, src: sp}
	f, err := parseSpliced(name, sp.text)
	if err != nil {
		return nil, b.syntaxError(err)
	}
	if err := b.file(f); err != nil {
		return nil, err
	}
	if b.d.version == "" {
		return nil, &descError{name, 1, 1, "missing the \"atop VERSION\" line"}
	}
	if b.d.header == nil {
		return nil, &descError{name, 1, 1, "missing the \"header\" line"}
	}
	return b.d, nil
}

// spliced is a description as the grammar reads it: its logical lines,
// each ending in "\n", and where their pieces come from in the file.
type spliced struct {
	text  string
	lines []int     // offset in text of each logical line
	segs  []segment // in offset order
}

// A segment is a piece of a source line in spliced.text.
type segment struct {
	off       int // in spliced.text
	line, col int // in the file
}

// splice makes the logical lines of a description: a line that ends in a
// backslash continues on the next one, its leading blanks dropped; blanks
// at the ends of lines, blank lines and comment lines (# first) are
// dropped.
func splice(src string) *spliced {
	sp := &spliced{}
	var text strings.Builder
	raw := strings.Split(src, "\n")
	type part struct{ off, line, col int } // a source line's part, off in the logical line
	var parts []part
	for i := 0; i < len(raw); i++ {
		parts = append(parts[:0], part{0, i + 1, 1})
		line := strings.TrimRight(raw[i], " \t\r")
		for strings.HasSuffix(line, "\\") && i+1 < len(raw) {
			i++
			next := strings.TrimRight(raw[i], " \t\r")
			cont := strings.TrimLeft(next, " \t")
			line = line[:len(line)-1]
			parts = append(parts, part{len(line), i + 1, 1 + len(next) - len(cont)})
			line += cont
		}
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		lead := len(line) - len(trimmed)
		start := text.Len()
		sp.lines = append(sp.lines, start)
		for _, p := range parts {
			if p.off < lead {
				p.col += lead - p.off
				p.off = lead
			}
			sp.segs = append(sp.segs, segment{start + p.off - lead, p.line, p.col})
		}
		text.WriteString(trimmed)
		text.WriteByte('\n')
	}
	sp.text = text.String()
	return sp
}

// where returns the file line and column of an offset in sp.text.
func (sp *spliced) where(off int) (int, int) {
	i := sort.Search(len(sp.segs), func(i int) bool { return sp.segs[i].off > off }) - 1
	if i < 0 {
		return 1, 1
	}
	s := sp.segs[i]
	off = min(off, len(sp.text))
	return s.line, s.col + utf8.RuneCountInString(sp.text[s.off:off])
}

// lineAt returns the logical line that holds an offset in sp.text.
func (sp *spliced) lineAt(off int) string {
	i := sort.Search(len(sp.lines), func(i int) bool { return sp.lines[i] > off }) - 1
	if i < 0 {
		return ""
	}
	l, _, _ := strings.Cut(sp.text[sp.lines[i]:], "\n")
	return l
}

// builder turns the syntax tree of a description into its desc.
type builder struct {
	d   *desc
	src *spliced
}

func (b *builder) errorf(pos lexer.Position, format string, args ...any) error {
	line, col := b.src.where(pos.Offset)
	return &descError{b.d.name, line, col, fmt.Sprintf(format, args...)}
}

// usage is the form of the lines whose syntax errors quote it.
var usage = map[string]string{
	"const": "const NAME = EXPR",
	"def":   "def NAME(PARAMS) = EXPR",
	"label": "label NAME",
	"let":   "let NAME = EXPR",
	"for":   "for [INDEX,] NAME in EXPR [count EXPR] [while EXPR]",
}

// syntaxError converts a participle error into a descError at its place,
// in the words of the language.
func (b *builder) syntaxError(err error) error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return fmt.Errorf("parseable: %s: %w", b.d.name, err)
	}
	pos := perr.Position()
	msg := perr.Message()
	if u, ok := err.(*participle.UnexpectedTokenError); ok {
		t := u.Unexpected
		// what participle expected: the rest of the failed sequence
		want := strings.TrimPrefix(strings.TrimPrefix(msg, fmt.Sprintf("unexpected token %q", t)), " (expected ")
		sym := descLexer.Symbols()
		atEnd := t.Type == sym["EOL"] || t.Type == sym["RBrace"] // of an expression
		switch {
		case t.EOF(): // only a block can be open at the end
			pos.Offset = len(b.src.text) - 1
			msg = "missing end"
		case t.Type == sym["Else"]:
			msg = "else without if"
		case t.Type == sym["Bad"] && (t.Value[0] == '"' || t.Value[0] == '\''):
			msg = "unterminated literal " + t.Value
		case atEnd && (want == "expression)" || want == "Expr)"): // cexpr's word, or participle's for the Parseable
			msg = "expression ends early"
		case atEnd && (strings.HasPrefix(want, `")"`) || strings.HasPrefix(want, `"]"`) || strings.HasPrefix(want, `":"`)):
			msg = "missing " + want[:3]
		case atEnd && strings.HasPrefix(want, "<rbrace>"):
			msg = `missing "}"`
		case t.Type == sym["EOL"]:
			msg = "unexpected end of line"
		default:
			msg = fmt.Sprintf("unexpected %q", strings.TrimRight(t.Value, " \t"))
		}
	}
	if kw, _, _ := strings.Cut(b.src.lineAt(pos.Offset), " "); usage[kw] != "" && msg != "missing end" {
		msg += "; want: " + usage[kw]
	}
	return b.errorf(pos, "%s", msg)
}

func (b *builder) file(f *fileAST) error {
	d := b.d
	for _, l := range f.Lines {
		switch {
		case l.Atop != nil:
			d.version = l.Atop.Version
		case l.Option != nil:
			for _, o := range l.Option.Opts {
				switch o.Word {
				case "Z":
					d.optZ = true
				case "json":
					d.json = true
				default:
					return b.errorf(o.Pos, "unknown option %q", o.Word)
				}
			}
		case l.Const != nil:
			x, err := b.expr(l.Const.X)
			if err != nil {
				return err
			}
			v, err := evalConst(d, l.Const.Name, x)
			var de *descError
			if errors.As(err, &de) {
				return err
			}
			if err != nil {
				return b.errorf(l.Const.Pos, "const %s: %v", l.Const.Name, err)
			}
			d.consts[l.Const.Name] = v
		case l.Def != nil:
			x, err := b.expr(l.Def.X)
			if err != nil {
				return err
			}
			d.defs[l.Def.Name] = &def{name: l.Def.Name, params: l.Def.Params, body: x}
		case l.Header != nil:
			t, err := b.template(l.Header.Tmpl)
			if err != nil {
				return err
			}
			d.header = t
		case l.Label != nil:
			name := l.Label.Name
			if d.byName[name] != nil {
				return b.errorf(l.Label.Pos, "label %s twice", name)
			}
			body, err := b.block(l.Label.Body, l.Label.End)
			if err != nil {
				return err
			}
			ld := &labelDesc{name: name, body: body}
			d.labels = append(d.labels, ld)
			d.byName[name] = ld
		case l.Stray != nil:
			return b.errorf(l.Stray.Pos, "unknown line %q", strings.TrimRight(l.Stray.Word, " \t"))
		}
	}
	return nil
}

// block builds the statements of a block and checks its end line.
func (b *builder) block(body []*stmtAST, end *endAST) ([]stmt, error) {
	if end.Rest != "" {
		return nil, b.errorf(end.Pos, "text after end")
	}
	var out []stmt
	for _, s := range body {
		st, err := b.stmt(s)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func (b *builder) stmt(s *stmtAST) (stmt, error) {
	switch {
	case s.Let != nil:
		x, err := b.expr(s.Let.X)
		if err != nil {
			return nil, err
		}
		return &letStmt{name: s.Let.Name, expr: x}, nil
	case s.Print != nil:
		t, err := b.template(s.Print.Tmpl)
		if err != nil {
			return nil, err
		}
		return &printStmt{tmpl: t}, nil
	case s.For != nil:
		return b.forStmt(s.For)
	case s.If != nil:
		return b.ifStmt(s.If)
	}
	return nil, b.errorf(s.Stray.Pos, "unknown statement %q", strings.TrimRight(s.Stray.Word, " \t"))
}

func (b *builder) forStmt(a *forAST) (*forStmt, error) {
	f := &forStmt{elem: a.First}
	if a.Second != "" {
		f.index, f.elem = a.First, a.Second
	}
	var err error
	if f.over, err = b.expr(a.Over); err != nil {
		return nil, err
	}
	for _, c := range a.Clauses {
		x, err := b.expr(c.X)
		if err != nil {
			return nil, err
		}
		p := &f.count
		if c.Kw == "while" {
			p = &f.while
		}
		if *p != nil {
			return nil, b.errorf(a.Pos, "%s twice; want: %s", c.Kw, usage["for"])
		}
		*p = x
	}
	if f.body, err = b.block(a.Body, a.End); err != nil {
		return nil, err
	}
	return f, nil
}

func (b *builder) ifStmt(a *ifAST) (*ifStmt, error) {
	x, err := b.expr(a.Cond)
	if err != nil {
		return nil, err
	}
	s := &ifStmt{cond: x}
	if a.Else == nil {
		s.then, err = b.block(a.Then, a.End)
		return s, err
	}
	if a.Else.Rest != "" {
		return nil, b.errorf(a.Else.Pos, "text after else")
	}
	if s.then, err = b.block(a.Then, &endAST{}); err != nil {
		return nil, err
	}
	s.else_, err = b.block(a.Alt, a.End)
	return s, err
}

// template builds a print line: literal text (with %% as %) and
// conversions with their expressions.
func (b *builder) template(a *templateAST) (template, error) {
	var t template
	var lit strings.Builder
	for _, p := range a.Pieces {
		switch {
		case p.Text != "":
			lit.WriteString(p.Text)
			continue
		case p.Percent:
			lit.WriteByte('%')
			continue
		}
		text := p.Conv
		if p.X != nil {
			text = strings.TrimSuffix(p.ConvOpen, "{")
		}
		cv, n, err := parseConv(text)
		if err == nil && n != len(text) {
			err = fmt.Errorf("bad conversion %q", text)
		}
		if err != nil {
			return nil, b.errorf(p.Pos, "%v", err)
		}
		if p.X == nil {
			return nil, b.errorf(p.Pos, "%s without {expression}", cv.text)
		}
		x, err := b.expr(p.X)
		if err != nil {
			return nil, err
		}
		if lit.Len() > 0 {
			t = append(t, piece{lit: lit.String()})
			lit.Reset()
		}
		t = append(t, piece{conv: &cv, expr: x})
	}
	if lit.Len() > 0 {
		t = append(t, piece{lit: lit.String()})
	}
	return t, nil
}
