package parseable

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/cstructgo/cstruct/defs"
)

// DescFile is the name of the line description in a version directory of
// the definitions (defs/atop/<version>/parseable.txt).
const DescFile = "parseable.txt"

// A desc is one version's description of atop -P output: the labels in
// atop's table order, each a small program of let/for/if/print statements.
type desc struct {
	name    string // where it was read from
	version string // "2.13", as the file says
	optZ    bool   // -Z is accepted (2.7+)
	consts  map[string]value
	defs    map[string]*def
	header  template
	labels  []*labelDesc
	byName  map[string]*labelDesc
}

type labelDesc struct {
	name string
	body []stmt
}

// def is a named expression with parameters: def name(a, b) = expr.
type def struct {
	name   string
	params []string
	body   node
}

// A template is a print line: literal text and %conv{expr} substitutions.
type template []piece

type piece struct {
	lit  string // literal text (conv == nil)
	conv *conv
	expr node
}

type stmt interface{ isStmt() }

type (
	letStmt struct {
		name string
		expr node
	}
	printStmt struct{ tmpl template }
	forStmt   struct {
		index, elem string // index may be ""
		over        node
		count       node // nil: all elements
		while       node // nil: no stop condition
		body        []stmt
	}
	ifStmt struct {
		cond        node
		then, else_ []stmt
	}
)

func (*letStmt) isStmt()   {}
func (*printStmt) isStmt() {}
func (*forStmt) isStmt()   {}
func (*ifStmt) isStmt()    {}

// descError is a mistake in a description file.
type descError struct {
	file string
	line int
	msg  string
}

func (e *descError) Error() string {
	return fmt.Sprintf("parseable: %s:%d: %s", e.file, e.line, e.msg)
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

// srcLine is one logical line (continuations joined) and where it starts.
type srcLine struct {
	n    int
	text string
}

// parseDesc parses the text of a description file.
func parseDesc(name, src string) (*desc, error) {
	d := &desc{name: name, consts: map[string]value{}, defs: map[string]*def{}, byName: map[string]*labelDesc{}}
	var lines []srcLine
	raw := strings.Split(src, "\n")
	for i := 0; i < len(raw); i++ {
		start := i + 1
		text := strings.TrimRight(raw[i], " \t\r")
		for strings.HasSuffix(text, "\\") && i+1 < len(raw) {
			i++
			text = text[:len(text)-1] + strings.TrimLeft(strings.TrimRight(raw[i], " \t\r"), " \t")
		}
		trimmed := strings.TrimLeft(text, " \t")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		lines = append(lines, srcLine{n: start, text: trimmed})
	}
	p := &descParser{d: d, lines: lines}
	if err := p.top(); err != nil {
		return nil, err
	}
	if d.version == "" {
		return nil, &descError{name, 1, "missing the \"atop VERSION\" line"}
	}
	if d.header == nil {
		return nil, &descError{name, 1, "missing the \"header\" line"}
	}
	return d, nil
}

type descParser struct {
	d     *desc
	lines []srcLine
	pos   int
}

func (p *descParser) errf(l srcLine, format string, args ...any) error {
	return &descError{p.d.name, l.n, fmt.Sprintf(format, args...)}
}

// keyword splits a line into its first word and the rest.
func keyword(s string) (string, string) {
	k, rest, _ := strings.Cut(s, " ")
	return k, strings.TrimLeft(rest, " \t")
}

func (p *descParser) top() error {
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		p.pos++
		kw, rest := keyword(l.text)
		switch kw {
		case "atop":
			p.d.version = rest
		case "option":
			for _, o := range strings.Fields(rest) {
				switch o {
				case "Z":
					p.d.optZ = true
				default:
					return p.errf(l, "unknown option %q", o)
				}
			}
		case "const":
			n, e, ok := strings.Cut(rest, "=")
			n = strings.TrimSpace(n)
			if !ok || !isName(n) {
				return p.errf(l, "want: const NAME = EXPR")
			}
			x, err := parseExpr(e)
			if err != nil {
				return p.errf(l, "%v", err)
			}
			v, err := (&env{d: p.d}).evalConst(x)
			if err != nil {
				return p.errf(l, "const %s: %v", n, err)
			}
			p.d.consts[n] = v
		case "def":
			df, err := parseDef(rest)
			if err != nil {
				return p.errf(l, "%v", err)
			}
			p.d.defs[df.name] = df
		case "header":
			t, err := parseTemplate(rest)
			if err != nil {
				return p.errf(l, "%v", err)
			}
			p.d.header = t
		case "label":
			if !isName(rest) {
				return p.errf(l, "want: label NAME")
			}
			if p.d.byName[rest] != nil {
				return p.errf(l, "label %s twice", rest)
			}
			body, end, err := p.block()
			if err != nil {
				return err
			}
			if end != "end" {
				return p.errf(l, "label %s: else without if", rest)
			}
			ld := &labelDesc{name: rest, body: body}
			p.d.labels = append(p.d.labels, ld)
			p.d.byName[rest] = ld
		default:
			return p.errf(l, "unknown line %q", kw)
		}
	}
	return nil
}

// block parses statements up to "end" or "else" and says which it was.
func (p *descParser) block() ([]stmt, string, error) {
	var body []stmt
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		p.pos++
		kw, rest := keyword(l.text)
		switch kw {
		case "end", "else":
			if rest != "" {
				return nil, "", p.errf(l, "text after %s", kw)
			}
			return body, kw, nil
		case "let":
			n, e, ok := strings.Cut(rest, "=")
			n = strings.TrimSpace(n)
			if !ok || !isName(n) {
				return nil, "", p.errf(l, "want: let NAME = EXPR")
			}
			x, err := parseExpr(e)
			if err != nil {
				return nil, "", p.errf(l, "%v", err)
			}
			body = append(body, &letStmt{name: n, expr: x})
		case "print":
			t, err := parseTemplate(rest)
			if err != nil {
				return nil, "", p.errf(l, "%v", err)
			}
			body = append(body, &printStmt{tmpl: t})
		case "if":
			x, err := parseExpr(rest)
			if err != nil {
				return nil, "", p.errf(l, "%v", err)
			}
			s := &ifStmt{cond: x}
			var end string
			s.then, end, err = p.block()
			if err != nil {
				return nil, "", err
			}
			if end == "else" {
				s.else_, end, err = p.block()
				if err != nil {
					return nil, "", err
				}
				if end != "end" {
					return nil, "", p.errf(l, "two else for one if")
				}
			}
			body = append(body, s)
		case "for":
			s, err := parseFor(rest)
			if err != nil {
				return nil, "", p.errf(l, "%v", err)
			}
			var end string
			s.body, end, err = p.block()
			if err != nil {
				return nil, "", err
			}
			if end != "end" {
				return nil, "", p.errf(l, "else in a for")
			}
			body = append(body, s)
		default:
			return nil, "", p.errf(l, "unknown statement %q", kw)
		}
	}
	return nil, "", &descError{p.d.name, p.lines[len(p.lines)-1].n, "missing end"}
}

func isName(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] == '_' || isLetter(s[i]) || isDigit(s[i])) {
			return false
		}
	}
	return true
}

// parseDef parses "name(a, b) = expr".
func parseDef(s string) (*def, error) {
	head, body, ok := strings.Cut(s, "=")
	open := strings.IndexByte(head, '(')
	closing := strings.LastIndexByte(head, ')')
	if !ok || open < 0 || closing < open {
		return nil, fmt.Errorf("want: def NAME(PARAMS) = EXPR")
	}
	df := &def{name: strings.TrimSpace(head[:open])}
	if !isName(df.name) {
		return nil, fmt.Errorf("bad def name %q", df.name)
	}
	if ps := strings.TrimSpace(head[open+1 : closing]); ps != "" {
		for _, prm := range strings.Split(ps, ",") {
			prm = strings.TrimSpace(prm)
			if !isName(prm) {
				return nil, fmt.Errorf("bad parameter %q", prm)
			}
			df.params = append(df.params, prm)
		}
	}
	x, err := parseExpr(body)
	if err != nil {
		return nil, fmt.Errorf("def %s: %v", df.name, err)
	}
	df.body = x
	return df, nil
}

// parseFor parses "[I,] NAME in EXPR [count EXPR] [while EXPR]".
func parseFor(s string) (*forStmt, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	toks = toks[:len(toks)-1] // EOF
	f := &forStmt{}
	bad := fmt.Errorf("want: for [INDEX,] NAME in EXPR [count EXPR] [while EXPR]")
	switch {
	case len(toks) >= 5 && toks[0].kind == tIdent && toks[1].text == "," && toks[2].kind == tIdent && toks[3].text == "in":
		f.index, f.elem, toks = toks[0].text, toks[2].text, toks[4:]
	case len(toks) >= 3 && toks[0].kind == tIdent && toks[1].text == "in":
		f.elem, toks = toks[0].text, toks[2:]
	default:
		return nil, bad
	}
	// split at the clause words, outside brackets and after no '.'
	parts := map[string][]token{}
	cur := "in"
	depth := 0
	for i, t := range toks {
		if t.kind == tOp {
			switch t.text {
			case "(", "[":
				depth++
			case ")", "]":
				depth--
			}
		}
		if t.kind == tIdent && depth == 0 && (t.text == "count" || t.text == "while") &&
			(i == 0 || toks[i-1].text != ".") {
			if _, dup := parts[t.text]; dup {
				return nil, bad
			}
			cur = t.text
			parts[cur] = nil
			continue
		}
		parts[cur] = append(parts[cur], t)
	}
	if f.over, err = parseTokens(parts["in"]); err != nil {
		return nil, err
	}
	if c, ok := parts["count"]; ok {
		if f.count, err = parseTokens(c); err != nil {
			return nil, err
		}
	}
	if w, ok := parts["while"]; ok {
		if f.while, err = parseTokens(w); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// parseTemplate parses a print line: text, %% and %conv{expr}.
func parseTemplate(s string) (template, error) {
	var t template
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			t = append(t, piece{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			lit.WriteByte(c)
			i++
			continue
		}
		cv, n, err := parseConv(s[i:])
		if err != nil {
			return nil, err
		}
		i += n
		if cv.verb == '%' {
			lit.WriteByte('%')
			continue
		}
		if i >= len(s) || s[i] != '{' {
			return nil, fmt.Errorf("%s without {expression}", cv.text)
		}
		end := closingBrace(s, i)
		if end < 0 {
			return nil, fmt.Errorf("%s{ without }", cv.text)
		}
		x, err := parseExpr(s[i+1 : end])
		if err != nil {
			return nil, fmt.Errorf("%s{%s}: %v", cv.text, s[i+1:end], err)
		}
		flush()
		cvc := cv
		t = append(t, piece{conv: &cvc, expr: x})
		i = end + 1
	}
	flush()
	return t, nil
}

// closingBrace finds the '}' that closes the '{' at s[open], skipping
// quoted text.
func closingBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '\'', '"':
			_, n, err := unquote(s[i:])
			if err != nil {
				return -1
			}
			i += n - 1
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}
