// The C preprocessor.
//
// Preprocess runs C translation phases 1 to 4 on definition text: it lexes
// (lex.go), obeys directives and expands macros, and returns the plain
// token stream that the grammar parses, plus the macros defined at the end.
//
// Directives: #define, #undef, #if, #ifdef, #ifndef, #elif, #elifdef,
// #elifndef, #else, #endif, #include (and GCC's #include_next), #error,
// #pragma once, #pragma pack(...) (passed on as the statement
// "__pragma_pack ( args ) ;"), and the ignored #warning, #line, #ident,
// #sccs, other #pragmas, GCC line markers ("# 12 file") and the null
// directive. Lines of a skipped group are only looked at for conditional
// directives, so they may hold anything.
//
// Macro expansion follows C: arguments are fully expanded before they are
// substituted unless they are operands of # or ##; the result is rescanned
// with the rest of the text. Each token carries a hide set (Prosser's
// algorithm, as in chibicc): the macros it came out of, which it must not be
// expanded as again. That is C's "painted blue" rule; it stops #define A A
// and mutual recursion.
//
// Predefined macros are a target's (Options.Predefined: a compiler's own,
// as gcc -dM -E prints them; by default a few that describe an x86-64 Linux
// GCC) and cppPredefined, which make common glibc/compiler noise words
// vanish; Options.Defines may override them and Options.Undefines remove
// them.
//
// Limits: hostile input must not exhaust memory or time, so the work is
// bounded (see the cpp* constants below) and errors say which bound was hit.
// Not supported: __FILE__, __LINE__, __COUNTER__, __DATE__, __has_include
// and friends, _Pragma, __VA_OPT__, digraphs and trigraphs, and directives
// inside the arguments of a macro call (the call ends there with an error).
// #if arithmetic is done in int64 (no unsigned rules).

package cparse

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"
)

const (
	cppMaxExpansion = 1_000_000 // tokens made (or copied as arguments) by macro expansion, per Preprocess call
	cppMaxInput     = 1 << 20   // tokens read from files, counting each inclusion (about 4 MB of C)
	cppMaxIncludes  = 1 << 16   // #include directives carried out
	cppMaxNesting   = 1000      // macro calls nested in arguments; #if parentheses and operators
	cppDefaultDepth = 64        // default Options.MaxDepth
)

// cppTargetLP64 and cppTargetILP32 are the default target macros (an
// x86-64 or i386 Linux GCC, in brief) when Options.Predefined is nil.
var (
	cppTargetLP64 = []string{
		"__x86_64__ 1",
		"__LP64__ 1",
		"__linux__ 1",
		"__GNUC__ 12",
		"__CHAR_BIT__ 8",
		"__BYTE_ORDER__ 1234",
		"__ORDER_LITTLE_ENDIAN__ 1234",
		"__ORDER_BIG_ENDIAN__ 4321",
	}
	cppTargetILP32 = []string{
		"__i386__ 1",
		"__ILP32__ 1",
		"__linux__ 1",
		"__GNUC__ 12",
		"__CHAR_BIT__ 8",
		"__BYTE_ORDER__ 1234",
		"__ORDER_LITTLE_ENDIAN__ 1234",
		"__ORDER_BIG_ENDIAN__ 4321",
	}
)

// cppPredefined are the macros every Preprocess call starts with after the
// target's, as "NAME body" or "NAME(params) body". They say this is C and
// cstruct, and make words that real headers put around declarations expand
// to nothing (a system header that defines them itself redefines them).
var cppPredefined = []string{
	"__STDC__ 1",
	"__CSTRUCT__ 1",

	"__BEGIN_DECLS",
	"__END_DECLS",
	"__THROW",
	"__wur",
	"__nonnull(x)",
	"__extension__",
	"__restrict",
	"restrict",
	"__inline",
	"__inline__",
}

// Filenames of the positions of predefined and Options.Defines macros.
const (
	cppBuiltinFile     = "<built-in>"
	cppCommandLineFile = "<command-line>"
)

// Macro is a #define as it stands at the end of preprocessing.
type Macro struct {
	Name string
	// Params are the parameter names of a function-like macro (nil for an
	// object-like one). A variadic macro's last parameter is "..." or, in
	// GCC's named form, "name...".
	Params []string
	Func   bool          // function-like (even with zero params: "#define F() x")
	Body   []lexer.Token // replacement list, positions as written
	Pos    lexer.Position
}

// Options configure Preprocess.
type Options struct {
	// FS holds the main file and its "quoted" includes; may be nil (then
	// only IncludeDirs are searched).
	FS fs.FS
	// IncludeDirs are searched, in order, after the including file's own
	// directory for "x", and alone for <x>.
	IncludeDirs []fs.FS
	// Defines are predefined macros, like -D: name (or "F(a,b)") ->
	// replacement text ("" = empty). They override cppPredefined.
	Defines map[string]string
	// SystemIncludes makes an #include <name> that is found nowhere an
	// error, as in a compiler (the include directories are a target's);
	// without it the include is skipped: the interpreter has built-in types.
	SystemIncludes bool
	// Undefines are removed after Defines are defined, like -U.
	Undefines []string
	// Predefined are the target's predefined macros (NewPredefined); nil
	// means DefaultPredefined(true).
	Predefined *Predefined
	// MaxDepth limits #include nesting; 0 means 64.
	MaxDepth int
	// MaxFileSize bounds the bytes of each file (the main text too), and
	// MaxInputSize those of all of them together; 0 means no bound.
	MaxFileSize, MaxInputSize int64
	// Name is the main file's name as the user gave it ("defs/x.h",
	// "/abs/x.h"), used in positions and for the names of the files it
	// includes; "" means the filename given to Preprocess.
	Name string
	// IncludeNames name IncludeDirs (by index) for positions and error
	// messages, as the user gave them; a missing or empty name leaves
	// positions as paths inside the directory.
	IncludeNames []string
}

// Predefined is a parsed set of predefined macros, made once and shared by
// every Preprocess call that uses it.
type Predefined struct {
	macros []*cppMacro
}

// NewPredefined parses a target's predefined macros, each "NAME body" or
// "NAME(params) body" (a line of gcc -dM -E without its "#define "); the
// set used is them followed by cppPredefined.
func NewPredefined(defs []string) (*Predefined, error) {
	p := &cppState{macros: map[string]*cppMacro{}}
	out := &Predefined{}
	for _, text := range append(slices.Clip(defs), cppPredefined...) {
		m, err := p.defineText(cppBuiltinFile, text)
		if err != nil {
			return nil, err
		}
		p.setMacro(m)
		out.macros = append(out.macros, m)
	}
	return out, nil
}

// DefaultPredefined is the predefined set used without a target: a few
// macros of x86-64 (lp64) or i386 Linux GCC.
func DefaultPredefined(lp64 bool) *Predefined {
	if lp64 {
		return defaultLP64()
	}
	return defaultILP32()
}

var (
	defaultLP64  = sync.OnceValue(func() *Predefined { return mustPredefined(cppTargetLP64) })
	defaultILP32 = sync.OnceValue(func() *Predefined { return mustPredefined(cppTargetILP32) })
)

func mustPredefined(defs []string) *Predefined {
	p, err := NewPredefined(defs)
	if err != nil {
		panic(err) // built-in text
	}
	return p
}

// Result of preprocessing.
type Result struct {
	// Tokens are the expanded text: only Ident, Int, Float, Char, String and
	// Punct tokens, without EOF. A token has the position where it is
	// written; one made by a macro body, # or ## has the position of the
	// macro name at the outermost use.
	Tokens []lexer.Token
	// Macros are the macros defined at the end, including the predefined
	// ones (Pos.Filename "<built-in>") and Options.Defines ("<command-line>").
	Macros map[string]*Macro
	// Order lists the names of Macros in order of (last) definition.
	Order []string
	// InputSize is the number of bytes read: the main text and each
	// include file (once, however often it is included).
	InputSize int64
}

// Preprocess lexes and preprocesses src, the text of file filename (a
// slash-separated path inside opt.FS, used for positions and for resolving
// relative includes). Every error is an *Error.
func Preprocess(filename string, src []byte, opt Options) (*Result, error) {
	p := &cppState{
		opt:      opt,
		fss:      append([]fs.FS{opt.FS}, opt.IncludeDirs...),
		maxDepth: opt.MaxDepth,
		macros:   map[string]*cppMacro{},
		once:     map[string]bool{},
		files:    map[string]*cppCached{},
	}
	if p.maxDepth <= 0 {
		p.maxDepth = cppDefaultDepth
	}
	if err := p.predefine(); err != nil {
		return nil, err
	}
	display := opt.Name
	if display == "" {
		display = filename
	}
	if p.tooBig(int64(len(src))) {
		return nil, lexErrorf(lexer.Position{Filename: display, Line: 1, Column: 1},
			"%v (%d bytes, more than %d)", ErrTooLarge, len(src), p.sizeLeft())
	}
	p.read = int64(len(src))
	toks, err := lexTokens(display, src, cppMaxInput)
	if err != nil {
		return nil, err
	}
	p.input = len(toks)
	if err := p.processFile(&cppFile{name: filename, display: display, toks: toks}, 0); err != nil {
		return nil, err
	}

	res := &Result{Tokens: p.out, Macros: make(map[string]*Macro, len(p.macros)), InputSize: p.read}
	all := make([]*cppMacro, 0, len(p.macros))
	for _, m := range p.macros {
		all = append(all, m)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	for _, m := range all {
		res.Macros[m.def.Name] = m.def
		res.Order = append(res.Order, m.def.Name)
	}
	return res, nil
}

// cppState is one Preprocess call.
type cppState struct {
	opt      Options
	fss      []fs.FS // file systems by index: 0 is opt.FS, i is IncludeDirs[i-1]
	maxDepth int
	macros   map[string]*cppMacro
	seq      int                   // definitions so far
	once     map[string]bool       // cppFileKey of files with #pragma once
	files    map[string]*cppCached // include files read so far
	out      []lexer.Token

	read     int64 // bytes of files read
	produced int   // tokens made by macro expansion
	input    int   // tokens read from files
	includes int   // #include directives carried out
	nesting  int   // current nesting of argument expansion
	inIf     bool  // expanding an #if expression: protect operands of "defined"
}

// cppMacro is a macro definition.
type cppMacro struct {
	def      *Macro
	params   []string // parameter names; a variadic one is __VA_ARGS__ or GCC's name
	variadic bool
	body     []lexTok
	seq      int // when it was defined
}

// param returns the index of parameter t in m, or -1.
func (m *cppMacro) param(t lexTok) int {
	if t.Type != lexIdent {
		return -1
	}
	return slices.Index(m.params, t.Value)
}

// cppCached is an include file, lexed.
type cppCached struct {
	toks []lexTok
	err  *Error
}

// cppFile is a file being preprocessed.
type cppFile struct {
	name    string // path inside its FS
	display string // name in positions: as the user knows the file
	fsIdx   int    // index into cppState.fss
	toks    []lexTok
	i       int // next token
	conds   []cppCond
}

// cppCond is an open #if/#ifdef/#ifndef.
type cppCond struct {
	dir     lexTok // the directive name, for errors
	active  bool   // lines of the current group are processed
	taken   bool   // a group was chosen already (or the parent is skipped)
	sawElse bool
}

func (f *cppFile) active() bool {
	return len(f.conds) == 0 || f.conds[len(f.conds)-1].active
}

// atDirective reports whether toks[i] is a "#" that starts a line.
func (f *cppFile) atDirective(i int) bool {
	return f.toks[i].is("#") && (i == 0 || f.toks[i-1].Type == lexNewline)
}

// restOfLine returns the tokens from f.i to the end of the line and moves
// past the line end.
func (f *cppFile) restOfLine() []lexTok {
	start := f.i
	for f.toks[f.i].Type != lexNewline { // every line ends with one
		f.i++
	}
	f.i++
	return f.toks[start : f.i-1]
}

// sizeLeft is the most bytes the next file may have; -1 for no bound.
func (p *cppState) sizeLeft() int64 {
	left := int64(-1)
	if m := p.opt.MaxInputSize; m > 0 {
		left = max(m-p.read, 0)
	}
	if m := p.opt.MaxFileSize; m > 0 && (left < 0 || m < left) {
		left = m
	}
	return left
}

// tooBig reports whether a file of n bytes is over the bounds.
func (p *cppState) tooBig(n int64) bool {
	left := p.sizeLeft()
	return left >= 0 && n > left
}

func cppFileKey(fsIdx int, name string) string {
	return strconv.Itoa(fsIdx) + ":" + name
}

// processFile preprocesses a whole file, appending to p.out.
func (p *cppState) processFile(f *cppFile, depth int) *Error {
	if p.out == nil {
		p.out = make([]lexer.Token, 0, len(f.toks))
	}
	for f.i < len(f.toks) {
		switch {
		case f.toks[f.i].Type == lexNewline:
			f.i++
		case f.atDirective(f.i):
			f.i++
			if err := p.directive(f, f.restOfLine(), depth); err != nil {
				return err
			}
		case !f.active():
			f.restOfLine()
		default:
			if err := p.text(f); err != nil {
				return err
			}
		}
	}
	if n := len(f.conds); n > 0 {
		c := f.conds[n-1].dir
		return lexErrorf(c.Pos, "unterminated #%s", c.Value)
	}
	return nil
}

// text expands the lines from f.i up to the next directive or the end.
func (p *cppState) text(f *cppFile) *Error {
	x := &cppExpander{p: p, src: &cppFileSrc{f: f}}
	for {
		if len(x.pending) == 0 {
			p.plainText(f)
		}
		t, ok, err := x.next()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if t.bad != "" && !digitName(t) {
			return lexErrorf(t.Pos, "%s", t.bad)
		}
		p.out = append(p.out, t.Token)
	}
}

// digitName reports whether t is a malformed number that is a name
// starting with digits ("32BIT"): dissect's enum members may be named so.
// It is passed on as an Int token; the grammar takes it as an enumerator
// name, and anywhere else it is the invalid number it is.
func digitName(t lexTok) bool {
	v := t.Value
	if t.Type != lexInt || v == "" || v[0] < '0' || v[0] > '9' {
		return false
	}
	letter := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		default:
			return false
		}
	}
	return letter
}

// plainText copies the tokens from f.i that are no macro names (nor
// malformed) to the output, up to the next directive: what the expander
// would do with them, without its work per token.
func (p *cppState) plainText(f *cppFile) {
	for ; f.i < len(f.toks); f.i++ {
		t := &f.toks[f.i]
		switch {
		case t.Type == lexNewline:
			continue
		case t.bad != "" || t.Type == lexIdent && p.macros[t.Value] != nil || f.atDirective(f.i):
			return
		}
		p.out = append(p.out, t.Token)
	}
}

// directive carries out a directive line (without its "#").
func (p *cppState) directive(f *cppFile, line []lexTok, depth int) *Error {
	if len(line) == 0 {
		return nil // the null directive
	}
	dir, args := line[0], line[1:]
	if dir.Type != lexIdent {
		if !f.active() || dir.Type == lexInt { // "# 12 file" is a GCC line marker
			return nil
		}
		return lexErrorf(dir.Pos, "invalid preprocessing directive")
	}

	// Conditionals are tracked even in skipped groups.
	switch dir.Value {
	case "if", "ifdef", "ifndef":
		c := cppCond{dir: dir, taken: true}
		if f.active() {
			v, err := p.condition(f, dir, args)
			if err != nil {
				return err
			}
			c.active, c.taken = v, v
		}
		f.conds = append(f.conds, c)
		return nil
	case "elif", "elifdef", "elifndef", "else", "endif":
		if len(f.conds) == 0 {
			return lexErrorf(dir.Pos, "#%s without #if", dir.Value)
		}
		c := &f.conds[len(f.conds)-1]
		switch dir.Value {
		case "endif":
			f.conds = f.conds[:len(f.conds)-1]
		case "else":
			if c.sawElse {
				return lexErrorf(dir.Pos, "#else after #else")
			}
			c.sawElse = true
			c.active, c.taken = !c.taken, true
		default:
			if c.sawElse {
				return lexErrorf(dir.Pos, "#%s after #else", dir.Value)
			}
			c.active = false
			if !c.taken {
				v, err := p.condition(f, dir, args)
				if err != nil {
					return err
				}
				c.active, c.taken = v, v
			}
		}
		return nil
	}

	if !f.active() {
		return nil
	}
	switch dir.Value {
	case "define":
		m, err := p.parseDefine(dir, args)
		if err != nil {
			return err
		}
		p.setMacro(m)
	case "undef":
		if len(args) == 0 || args[0].Type != lexIdent {
			return p.needName(dir, args)
		}
		delete(p.macros, args[0].Value)
	case "include", "include_next":
		return p.include(f, dir, args, depth)
	case "pragma":
		if len(args) > 0 && args[0].Type == lexIdent {
			switch args[0].Value {
			case "once":
				p.once[cppFileKey(f.fsIdx, f.name)] = true
			case "pack":
				return p.pragmaPack(args[0], args[1:])
			}
		}
	case "error":
		msg := "#error"
		if len(args) > 0 {
			msg += " " + cppSpell(args)
		}
		return lexErrorf(dir.Pos, "%s", msg)
	case "warning", "line", "ident", "sccs":
	default:
		return lexErrorf(dir.Pos, "unknown directive #%s", dir.Value)
	}
	return nil
}

// needName reports a missing or malformed macro name after directive dir.
func (p *cppState) needName(dir lexTok, args []lexTok) *Error {
	if len(args) == 0 {
		return lexErrorf(dir.Pos, "no macro name given in #%s directive", dir.Value)
	}
	return lexErrorf(args[0].Pos, "macro names must be identifiers")
}

// condition evaluates the condition of #if, #ifdef, #ifndef, #elif,
// #elifdef or #elifndef.
func (p *cppState) condition(f *cppFile, dir lexTok, args []lexTok) (bool, *Error) {
	switch dir.Value {
	case "ifdef", "ifndef", "elifdef", "elifndef":
		if len(args) == 0 || args[0].Type != lexIdent {
			return false, p.needName(dir, args)
		}
		_, defined := p.macros[args[0].Value]
		defined = defined || cppHasInclude[args[0].Value]
		return defined == strings.HasSuffix(dir.Value, "ifdef"), nil
	}
	if len(args) == 0 {
		return false, lexErrorf(dir.Pos, "#%s with no expression", dir.Value)
	}
	// Deep nesting fails before the work of expanding and parsing
	// (again after expansion, below).
	if err := nestCheck(len(args), func(i int) *lexer.Token { return &args[i].Token }); err != nil {
		return false, err
	}
	// Macros are expanded, except the operands of "defined" (even one
	// that a macro expansion produced, as GCC allows); then "defined X" and
	// "defined ( X )" are replaced by 1 or 0.
	p.inIf = true
	exp, err := p.expandList(args)
	p.inIf = false
	if err != nil {
		return false, err
	}
	toks := make([]lexTok, 0, len(exp))
	for i := 0; i < len(exp); i++ {
		t := exp[i]
		if t.Type == lexIdent && cppHasInclude[t.Value] {
			v, end, err := p.hasIncludeOp(f, exp, i)
			if err != nil {
				return false, err
			}
			toks = append(toks, lexTok{Token: lexer.Token{Type: lexInt, Value: v, Pos: t.Pos}, space: t.space})
			i = end
			continue
		}
		if t.Type != lexIdent || t.Value != "defined" {
			toks = append(toks, t)
			continue
		}
		j := i + 1
		paren := j < len(exp) && exp[j].is("(")
		if paren {
			j++
		}
		if j >= len(exp) || exp[j].Type != lexIdent {
			return false, lexErrorf(t.Pos, `operator "defined" requires an identifier`)
		}
		name := exp[j].Value
		if paren {
			if j+1 >= len(exp) || !exp[j+1].is(")") {
				return false, lexErrorf(t.Pos, `missing ')' after "defined"`)
			}
			j++
		}
		v := "0"
		if _, ok := p.macros[name]; ok || cppHasInclude[name] {
			v = "1"
		}
		toks = append(toks, lexTok{Token: lexer.Token{Type: lexInt, Value: v, Pos: t.Pos}, space: t.space})
		i = j
	}
	if err := nestCheck(len(toks), func(i int) *lexer.Token { return &toks[i].Token }); err != nil {
		return false, err
	}
	v, err := cppEval(toks, dir)
	return v != 0, err
}

// parseDefine parses the arguments of a #define directive dir.
func (p *cppState) parseDefine(dir lexTok, args []lexTok) (*cppMacro, *Error) {
	if len(args) == 0 || args[0].Type != lexIdent {
		return nil, p.needName(dir, args)
	}
	name := args[0]
	if name.Value == "defined" {
		return nil, lexErrorf(name.Pos, `"defined" cannot be used as a macro name`)
	}
	m := &cppMacro{def: &Macro{Name: name.Value, Pos: name.Pos}}
	body := args[1:]
	if len(body) > 0 && body[0].is("(") && !body[0].space {
		// Function-like: the parameter list follows the name directly.
		m.def.Func = true
		m.def.Params = []string{}
		i := 1
		for i < len(body) && !body[i].is(")") {
			t := body[i]
			switch {
			case t.is("..."):
				m.variadic = true
				m.params = append(m.params, "__VA_ARGS__")
				m.def.Params = append(m.def.Params, "...")
			case t.Type == lexIdent && t.Value != "__VA_ARGS__":
				if slices.Contains(m.params, t.Value) {
					return nil, lexErrorf(t.Pos, "duplicate macro parameter %q", t.Value)
				}
				m.params = append(m.params, t.Value)
				m.def.Params = append(m.def.Params, t.Value)
				if i+1 < len(body) && body[i+1].is("...") { // GCC: "args..."
					m.variadic = true
					m.def.Params[len(m.def.Params)-1] += "..."
					i++
				}
			default:
				return nil, lexErrorf(t.Pos, "expected parameter name, found %q", t.Value)
			}
			i++
			switch {
			case i < len(body) && body[i].is(",") && !m.variadic:
				i++
				if i == len(body) || body[i].is(")") {
					return nil, lexErrorf(body[i-1].Pos, "expected parameter name after ','")
				}
			case i < len(body) && body[i].is(")"):
			case i < len(body):
				return nil, lexErrorf(body[i].Pos, "expected ',' or ')' in macro parameter list, found %q", body[i].Value)
			}
		}
		if i >= len(body) {
			return nil, lexErrorf(body[0].Pos, "missing ')' in macro parameter list")
		}
		body = body[i+1:]
	}
	if n := len(body); n > 0 && (body[0].is("##") || body[n-1].is("##")) {
		t := body[0]
		if !t.is("##") {
			t = body[n-1]
		}
		return nil, lexErrorf(t.Pos, "'##' cannot appear at either end of a macro expansion")
	}
	if len(body) > 0 {
		m.def.Body = make([]lexer.Token, 0, len(body))
	}
	for i, t := range body {
		if m.def.Func && t.is("#") && (i+1 == len(body) || m.param(body[i+1]) < 0) {
			return nil, lexErrorf(t.Pos, "'#' is not followed by a macro parameter")
		}
		m.def.Body = append(m.def.Body, t.Token)
	}
	m.body = body
	return m, nil
}

func (p *cppState) setMacro(m *cppMacro) {
	p.seq++
	m.seq = p.seq
	p.macros[m.def.Name] = m
}

// predefine defines the predefined set, then opt.Defines in the order of
// their names, then removes opt.Undefines.
func (p *cppState) predefine() *Error {
	pre := p.opt.Predefined
	if pre == nil {
		pre = DefaultPredefined(true)
	}
	for _, m := range pre.macros {
		p.seq++ // = m.seq: the built-ins come first
		p.macros[m.def.Name] = m
	}
	names := make([]string, 0, len(p.opt.Defines))
	for name := range p.opt.Defines {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m, err := p.defineText(cppCommandLineFile, name+" "+p.opt.Defines[name])
		if err != nil {
			return err
		}
		p.setMacro(m)
	}
	for _, name := range p.opt.Undefines {
		delete(p.macros, name)
	}
	return nil
}

// defineText parses "NAME body" or "NAME(params) body" as a #define in
// file.
func (p *cppState) defineText(file, text string) (*cppMacro, *Error) {
	toks, err := lexTokens(file, []byte(text), 0)
	if err != nil {
		return nil, err
	}
	line := slices.DeleteFunc(toks, func(t lexTok) bool { return t.Type == lexNewline })
	dir := lexTok{Token: lexer.Token{Type: lexIdent, Value: "define", Pos: lexer.Position{Filename: file, Line: 1, Column: 1}}}
	return p.parseDefine(dir, line)
}

// include carries out #include or #include_next. A quoted name is looked
// for in the including file's directory, then in the include directories;
// an angled one in the include directories only; #include_next goes on
// with the include directory after the one of the including file. A
// quoted name found nowhere is an error that names the directories
// searched; an angled one is left to the interpreter's built-in types.
func (p *cppState) include(f *cppFile, dir lexTok, args []lexTok, depth int) *Error {
	name, at, angled, err := p.headerName(dir, args)
	if err != nil {
		return err
	}
	if strings.HasPrefix(name, "/") {
		// the definitions are read through file systems (fs.FS), which have
		// no root: say so rather than report the file missing
		return lexErrorf(at, "%s: an absolute include path is not searched (give its directory with -I and include the file by name)", name)
	}
	cands := p.includeCands(f, name, angled, dir.Value == "include_next")
	var searched []string
	for _, c := range cands {
		fsys := p.fss[c.fsIdx]
		if fsys == nil {
			continue
		}
		if !slices.Contains(searched, c.where) {
			searched = append(searched, c.where)
		}
		if !fs.ValidPath(c.path) {
			continue
		}
		key := cppFileKey(c.fsIdx, c.path)
		file := p.files[key]
		if file == nil {
			data, rerr := ReadFile(fsys, c.path, p.sizeLeft())
			if errors.Is(rerr, fs.ErrNotExist) || errors.Is(rerr, fs.ErrInvalid) {
				continue
			}
			file = &cppCached{}
			if rerr != nil {
				file.err = lexErrorf(at, "cannot read include file %s: %v", c.display, rerr)
			} else {
				p.read += int64(len(data))
				file.toks, file.err = lexTokens(c.display, data, max(cppMaxInput-p.input, 1))
			}
			p.files[key] = file
		}
		if file.err != nil {
			return file.err
		}
		if p.once[key] {
			return nil
		}
		if depth+1 > p.maxDepth {
			return lexErrorf(dir.Pos, "#include nested too deeply (more than %d levels)", p.maxDepth)
		}
		p.includes++
		p.input += len(file.toks)
		if p.includes > cppMaxIncludes || p.input > cppMaxInput {
			return lexErrorf(dir.Pos, "too much input (an #include loop?)")
		}
		return p.processFile(&cppFile{name: c.path, display: c.display, fsIdx: c.fsIdx, toks: file.toks}, depth+1)
	}
	if angled && !p.opt.SystemIncludes {
		return nil // system headers are built into the interpreter
	}
	if len(searched) == 0 {
		return lexErrorf(at, "%s: no such file or directory (no include directory to search)", name)
	}
	return lexErrorf(at, "%s: no such file or directory (searched: %s)", name, strings.Join(searched, ", "))
}

// cppCandidate is a place where an included file may be.
type cppCandidate struct {
	fsIdx   int
	path    string
	display string // file name in positions
	where   string // the directory, for the error
}

// includeCands lists where #include (next: #include_next) of name, in
// file f, looks, in order.
func (p *cppState) includeCands(f *cppFile, name string, angled, next bool) []cppCandidate {
	type candidate = cppCandidate
	var cands []candidate
	first := 1 // the first include dir to search
	if next {
		first = max(f.fsIdx+1, 1)
	} else if !angled {
		cands = append(cands, candidate{f.fsIdx, path.Join(path.Dir(f.name), name),
			path.Join(path.Dir(f.display), name), path.Dir(f.display)})
	}
	for i := first; i < len(p.fss); i++ {
		c := candidate{i, path.Clean(name), path.Clean(name), fmt.Sprintf("include directory %d", i)}
		if i-1 < len(p.opt.IncludeNames) && p.opt.IncludeNames[i-1] != "" {
			c.where = p.opt.IncludeNames[i-1]
			c.display = path.Join(c.where, c.path)
		}
		cands = append(cands, c)
	}
	return cands
}

// hasInclude reports whether #include (next: #include_next) of name, in
// file f, would find a file: __has_include and __has_include_next.
func (p *cppState) hasInclude(f *cppFile, name string, angled, next bool) bool {
	for _, c := range p.includeCands(f, name, angled, next) {
		if fsys := p.fss[c.fsIdx]; fsys != nil && fs.ValidPath(c.path) {
			if _, ok := p.files[cppFileKey(c.fsIdx, c.path)]; ok {
				return true
			}
			if fi, err := fs.Stat(fsys, c.path); err == nil && !fi.IsDir() {
				return true
			}
		}
	}
	return false
}

// headerName returns the file named by an #include directive: "name" or
// <name> as written, or else after macro expansion.
// at is the position of the name.
func (p *cppState) headerName(dir lexTok, args []lexTok) (name string, at lexer.Position, angled bool, err *Error) {
	if len(args) > 0 && args[0].Type != lexString && !args[0].is("<") {
		if args, err = p.expandList(args); err != nil {
			return "", at, false, err
		}
	}
	switch {
	case len(args) > 0 && args[0].Type == lexString && args[0].bad == "" && args[0].Value[0] == '"':
		v := args[0].Value
		return v[1 : len(v)-1], args[0].Pos, false, nil
	case len(args) > 0 && args[0].is("<"):
		for i := 1; i < len(args); i++ {
			if args[i].is(">") {
				return cppSpell(args[1:i]), args[0].Pos, true, nil
			}
		}
		return "", at, false, lexErrorf(args[0].Pos, "missing terminating > character")
	}
	return "", at, false, lexErrorf(dir.Pos, `#%s expects "FILENAME" or <FILENAME>`, dir.Value)
}

// pragmaPack passes "#pragma pack(args)" on as "__pragma_pack ( args ) ;",
// all at the position of the word pack.
func (p *cppState) pragmaPack(pack lexTok, args []lexTok) *Error {
	if len(args) == 0 || !args[0].is("(") {
		return lexErrorf(pack.Pos, "expected '(' after #pragma pack")
	}
	depth, end := 0, -1
	for i, t := range args {
		if t.is("(") {
			depth++
		} else if t.is(")") {
			if depth--; depth == 0 {
				end = i
				break
			}
		}
	}
	if end < 0 {
		return lexErrorf(pack.Pos, "missing ')' after #pragma pack")
	}
	inner, err := p.expandList(args[1:end])
	if err != nil {
		return err
	}
	tok := func(typ lexer.TokenType, v string) {
		p.out = append(p.out, lexer.Token{Type: typ, Value: v, Pos: pack.Pos})
	}
	tok(lexIdent, "__pragma_pack")
	tok(lexPunct, "(")
	for _, t := range inner {
		if t.bad != "" {
			return lexErrorf(t.Pos, "%s", t.bad)
		}
		tok(t.Type, t.Value)
	}
	tok(lexPunct, ")")
	tok(lexPunct, ";")
	return nil
}

// cppSpell renders tokens as text, with a blank where whitespace was.
func cppSpell(toks []lexTok) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t.space {
			b.WriteByte(' ')
		}
		b.WriteString(t.Value)
	}
	return b.String()
}

// Macro expansion.

// cppSource is where an expander reads tokens from.
type cppSource interface {
	peek() (lexTok, bool)
	next() (lexTok, bool)
}

// cppSliceSrc reads a token slice.
type cppSliceSrc struct{ toks []lexTok }

func (s *cppSliceSrc) peek() (lexTok, bool) {
	if len(s.toks) == 0 {
		return lexTok{}, false
	}
	return s.toks[0], true
}

func (s *cppSliceSrc) next() (lexTok, bool) {
	t, ok := s.peek()
	if ok {
		s.toks = s.toks[1:]
	}
	return t, ok
}

// cppFileSrc reads the text lines of a file, across line ends, up to the
// next directive.
type cppFileSrc struct{ f *cppFile }

func (s *cppFileSrc) peek() (lexTok, bool) {
	f := s.f
	for f.i < len(f.toks) && f.toks[f.i].Type == lexNewline {
		f.i++
	}
	if f.i >= len(f.toks) || f.atDirective(f.i) {
		return lexTok{}, false
	}
	return f.toks[f.i], true
}

func (s *cppFileSrc) next() (lexTok, bool) {
	t, ok := s.peek()
	if ok {
		s.f.i++
	}
	return t, ok
}

// cppExpander expands macros in the tokens of a source.
type cppExpander struct {
	p       *cppState
	src     cppSource
	pending []lexTok // read before src; in reverse order (the next one is last)
}

func (x *cppExpander) read() (lexTok, bool) {
	if n := len(x.pending); n > 0 {
		t := x.pending[n-1]
		x.pending = x.pending[:n-1]
		return t, true
	}
	return x.src.next()
}

func (x *cppExpander) peek() (lexTok, bool) {
	if n := len(x.pending); n > 0 {
		return x.pending[n-1], true
	}
	return x.src.peek()
}

// next returns the next token that is not a macro to expand.
func (x *cppExpander) next() (lexTok, bool, *Error) {
	for {
		t, ok := x.read()
		if !ok || t.Type != lexIdent || t.hide.has(t.Value) {
			return t, ok, nil
		}
		if x.p.inIf && t.Value == "defined" {
			x.protectOperand()
			return t, true, nil
		}
		if x.p.inIf && cppHasInclude[t.Value] {
			x.protectGroup()
			return t, true, nil
		}
		m := x.p.macros[t.Value]
		if m == nil {
			return t, true, nil
		}
		hide := t.hide
		var args [][]lexTok
		if m.def.Func {
			if nt, ok := x.peek(); !ok || !nt.is("(") {
				return t, true, nil // just the name
			}
			var rparen lexTok
			var err *Error
			if args, rparen, err = x.readArgs(m, t); err != nil {
				return t, false, err
			}
			hide = hide.intersect(rparen.hide)
		}
		body, err := x.p.subst(m, t, args)
		if err != nil {
			return t, false, err
		}
		x.p.produced += len(body)
		if x.p.produced > cppMaxExpansion {
			return t, false, lexErrorf(t.Pos, "macro expansion too large")
		}
		// The result is read next, its tokens hidden as the macro's name
		// (and, for tokens of arguments, as they were already).
		hide = hide.with(m.def.Name)
		// Body tokens share few hide sets (most have none): union each
		// once.
		var memo []*cppHideset // pairs: a token's set, its union with hide
		for i := len(body) - 1; i >= 0; i-- {
			b := body[i]
			h := hide
			if b.hide != nil {
				h = nil
				for j := 0; j < len(memo); j += 2 {
					if memo[j] == b.hide {
						h = memo[j+1]
						break
					}
				}
				if h == nil {
					h = b.hide.union(hide)
					memo = append(memo, b.hide, h)
				}
			}
			b.hide = h
			x.pending = append(x.pending, b)
		}
	}
}

// cppHasInclude are the operators of #if that test for a header; like
// "defined", they count as defined macros.
var cppHasInclude = map[string]bool{"__has_include": true, "__has_include_next": true}

// protectGroup paints the names in the parenthesised operand of
// __has_include, so that <linux/x.h> keeps its "linux".
func (x *cppExpander) protectGroup() {
	t, ok := x.peek()
	if !ok || !t.is("(") {
		return
	}
	var toks []lexTok
	for depth := 0; ; {
		t, ok := x.read()
		if !ok {
			break
		}
		if t.Type == lexIdent {
			t.hide = t.hide.with(t.Value)
		}
		toks = append(toks, t)
		if t.is("(") {
			depth++
		} else if t.is(")") {
			if depth--; depth == 0 {
				break
			}
		}
	}
	for i := len(toks) - 1; i >= 0; i-- {
		x.pending = append(x.pending, toks[i])
	}
}

// hasIncludeOp evaluates __has_include ( "name" ) or ( <name> ) (or
// __has_include_next) at exp[i]: "1" or "0", and the index of its ")".
func (p *cppState) hasIncludeOp(f *cppFile, exp []lexTok, i int) (string, int, *Error) {
	op := exp[i]
	if i+1 >= len(exp) || !exp[i+1].is("(") {
		return "", 0, lexErrorf(op.Pos, "missing '(' after %q", op.Value)
	}
	end := -1
	for j := i + 2; j < len(exp); j++ {
		if exp[j].is(")") {
			end = j
			break
		}
	}
	if end < 0 {
		return "", 0, lexErrorf(op.Pos, "missing ')' after %q operand", op.Value)
	}
	arg := exp[i+2 : end]
	var name string
	angled := false
	switch {
	case len(arg) == 1 && arg[0].Type == lexString && arg[0].bad == "" && arg[0].Value[0] == '"':
		name = arg[0].Value[1 : len(arg[0].Value)-1]
	case len(arg) >= 2 && arg[0].is("<") && arg[len(arg)-1].is(">"):
		name, angled = cppSpell(arg[1:len(arg)-1]), true
	default:
		return "", 0, lexErrorf(op.Pos, `operator %q requires a header name ("x" or <x>)`, op.Value)
	}
	if p.hasInclude(f, name, angled, op.Value == "__has_include_next") {
		return "1", end, nil
	}
	return "0", end, nil
}

// protectOperand paints the operand of "defined" in an #if expression,
// X in "defined X" or "defined ( X )", so that it is not expanded.
func (x *cppExpander) protectOperand() {
	var toks []lexTok
	t, ok := x.read()
	if ok && t.is("(") {
		toks = append(toks, t)
		t, ok = x.read()
	}
	if ok {
		if t.Type == lexIdent {
			t.hide = t.hide.with(t.Value)
		}
		toks = append(toks, t)
	}
	for i := len(toks) - 1; i >= 0; i-- {
		x.pending = append(x.pending, toks[i])
	}
}

// readArgs reads the parenthesised arguments of a call of m, whose name is
// the token name, and returns them and the closing parenthesis.
func (x *cppExpander) readArgs(m *cppMacro, name lexTok) ([][]lexTok, lexTok, *Error) {
	x.read() // "("
	var args [][]lexTok
	var cur []lexTok
	depth := 0
	for {
		t, ok := x.read()
		if !ok {
			return nil, t, lexErrorf(name.Pos, "unterminated argument list invoking macro %q", m.def.Name)
		}
		switch {
		case t.is("("):
			if depth++; depth > maxDepth { // fail before copying arguments of arguments
				return nil, t, lexErrorf(t.Pos, "nesting too deep (more than %d levels)", maxDepth)
			}
		case t.is(")") && depth > 0:
			depth--
		case t.is(")"):
			args = append(args, cur)
			return args, t, x.checkArgs(m, name, &args)
		case t.is(",") && depth == 0 && !(m.variadic && len(args) == len(m.params)-1):
			args = append(args, cur)
			cur = nil
			continue
		}
		cur = append(cur, t)
		// Copying arguments is work too: calls nested in arguments copy
		// the inner ones once per level.
		if x.p.produced++; x.p.produced > cppMaxExpansion {
			return nil, t, lexErrorf(name.Pos, "macro expansion too large")
		}
	}
}

// checkArgs checks the number of arguments; an omitted variadic argument
// is added as empty.
func (x *cppExpander) checkArgs(m *cppMacro, name lexTok, args *[][]lexTok) *Error {
	n, got := len(m.params), len(*args)
	switch {
	case n == 0 && got == 1 && len((*args)[0]) == 0: // F()
		*args = nil
		return nil
	case m.variadic && got == n-1 && n > 1:
		*args = append(*args, nil)
		return nil
	case got == n:
		return nil
	case got < n:
		return lexErrorf(name.Pos, "macro %q requires %d arguments, but only %d given", m.def.Name, n, got)
	}
	return lexErrorf(name.Pos, "macro %q passed %d arguments, but takes just %d", m.def.Name, got, n)
}

// expandList fully expands a token list on its own.
func (p *cppState) expandList(toks []lexTok) ([]lexTok, *Error) {
	p.nesting++
	defer func() { p.nesting-- }()
	if p.nesting > cppMaxNesting && len(toks) > 0 {
		return nil, lexErrorf(toks[0].Pos, "macro calls nested too deeply")
	}
	x := &cppExpander{p: p, src: &cppSliceSrc{toks: toks}}
	var out []lexTok
	for {
		t, ok, err := x.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, t)
	}
}

// subst returns the replacement of a use of m (at the token name, with
// args for a function-like macro): the body with parameters replaced and
// # and ## applied. Tokens of the body get the position of name.
func (p *cppState) subst(m *cppMacro, name lexTok, args [][]lexTok) ([]lexTok, *Error) {
	var out []lexTok
	expanded := make([][]lexTok, len(args)) // arguments expanded, when needed
	done := make([]bool, len(args))         // expanded[k] is set
	placemarker := false                    // the last operand was an empty argument
	body := m.body
	// operand returns the tokens that body[i] stands for as an operand of
	// ## (an argument is not expanded) and the index of its last token.
	operand := func(i int) ([]lexTok, int) {
		t := body[i]
		if k := m.param(t); k >= 0 {
			return args[k], i
		}
		if m.def.Func && t.is("#") { // validated: a parameter follows
			return []lexTok{cppStringize(args[m.param(body[i+1])], name)}, i + 1
		}
		t.Pos = name.Pos
		return []lexTok{t}, i
	}
	for i := 0; i < len(body); i++ {
		t := body[i]
		next := lexTok{}
		if i+1 < len(body) {
			next = body[i+1]
		}
		k := m.param(t)
		switch {
		case m.def.Func && t.is("#"):
			out = append(out, cppStringize(args[m.param(next)], name))
			placemarker = false
			i++
		case m.variadic && t.is(",") && next.is("##") && i+2 < len(body) && m.param(body[i+2]) == len(m.params)-1:
			// GCC: ", ## __VA_ARGS__" drops the comma if there are no
			// variable arguments.
			t.Pos = name.Pos
			if va := args[len(args)-1]; len(va) > 0 {
				out = append(out, t)
				out = append(out, va...)
			}
			placemarker = false
			i += 2
		case t.is("##"):
			rhs, last := operand(i + 1)
			i = last
			switch {
			case placemarker || len(out) == 0:
				out = append(out, rhs...)
				placemarker = len(rhs) == 0
			case len(rhs) > 0:
				pasted, err := cppPaste(out[len(out)-1], rhs[0], name)
				if err != nil {
					return nil, err
				}
				out[len(out)-1] = pasted
				out = append(out, rhs[1:]...)
			}
		case k >= 0 && next.is("##"):
			out = append(out, args[k]...)
			placemarker = len(args[k]) == 0
		case k >= 0:
			if !done[k] {
				exp, err := p.expandList(args[k])
				if err != nil {
					return nil, err
				}
				expanded[k], done[k] = exp, true
			}
			if exp := expanded[k]; len(exp) > 0 {
				out = append(out, exp...)
				out[len(out)-len(exp)].space = t.space
			}
			placemarker = false
		default:
			t.Pos = name.Pos
			out = append(out, t)
			placemarker = false
		}
		if len(out) > cppMaxExpansion {
			return nil, lexErrorf(name.Pos, "macro expansion too large")
		}
	}
	if len(out) > 0 {
		out[0].space = name.space
	}
	return out, nil
}

// cppStringize implements #: the spelling of arg as a string literal.
func cppStringize(arg []lexTok, at lexTok) lexTok {
	var b strings.Builder
	b.WriteByte('"')
	for i, t := range arg {
		if i > 0 && t.space {
			b.WriteByte(' ')
		}
		if t.Type != lexString && t.Type != lexChar {
			b.WriteString(t.Value)
			continue
		}
		for j := 0; j < len(t.Value); j++ {
			if c := t.Value[j]; c == '"' || c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteByte(t.Value[j])
		}
	}
	b.WriteByte('"')
	return lexTok{Token: lexer.Token{Type: lexString, Value: b.String(), Pos: at.Pos}}
}

// cppPaste implements ##: the token spelt as l followed by r.
func cppPaste(l, r, at lexTok) (lexTok, *Error) {
	text := l.Value + r.Value
	toks, err := lexTokens("", []byte(text), 0)
	// A pasted number may be malformed (C allows "0x" ## "1F" by way of "0x").
	if err != nil || len(toks) != 2 || toks[0].bad != "" && toks[0].Type != lexInt && toks[0].Type != lexFloat {
		return l, lexErrorf(at.Pos, "pasting %q and %q does not give a valid preprocessing token", l.Value, r.Value)
	}
	t := toks[0]
	t.Pos, t.space = at.Pos, l.space
	return t, nil
}

// cppHideset is an immutable sorted set of macro names; nil is the empty
// set. Sets are shared between tokens, so that expanding a long body costs
// little.
type cppHideset struct{ names []string }

func (h *cppHideset) has(name string) bool {
	if h == nil {
		return false
	}
	_, ok := slices.BinarySearch(h.names, name)
	return ok
}

func (h *cppHideset) with(name string) *cppHideset {
	return h.union(&cppHideset{names: []string{name}})
}

func (h *cppHideset) union(o *cppHideset) *cppHideset {
	switch {
	case h == nil || h == o:
		return o
	case o == nil:
		return h
	}
	names := make([]string, 0, len(h.names)+len(o.names))
	i, j := 0, 0
	for i < len(h.names) || j < len(o.names) {
		switch {
		case j == len(o.names) || i < len(h.names) && h.names[i] < o.names[j]:
			names = append(names, h.names[i])
			i++
		case i == len(h.names) || o.names[j] < h.names[i]:
			names = append(names, o.names[j])
			j++
		default:
			names = append(names, h.names[i])
			i++
			j++
		}
	}
	switch len(names) {
	case len(h.names):
		return h
	case len(o.names):
		return o
	}
	return &cppHideset{names: names}
}

func (h *cppHideset) intersect(o *cppHideset) *cppHideset {
	if h == nil || o == nil {
		return nil
	}
	if h == o {
		return h
	}
	var names []string
	for _, n := range h.names {
		if o.has(n) {
			names = append(names, n)
		}
	}
	if names == nil {
		return nil
	}
	return &cppHideset{names: names}
}
