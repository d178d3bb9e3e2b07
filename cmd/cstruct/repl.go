package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// ReplCmd is "cstruct repl".
type ReplCmd struct {
	DefsFlags
	Color string `name:"color" enum:"auto,always,never" default:"auto" help:"Colour each field's bytes: auto (on a terminal, unless NO_COLOR is set), always, never."`
	Input string `arg:"" optional:"" placeholder:"FILE" help:"The file to explore."`
}

// session is the state of a repl: the definitions, the file, where we
// are, the last record shown.
type session struct {
	mu    sync.Mutex // the watcher redraws from its own goroutine
	defs  DefsFlags
	added []string // definitions given with def, loaded again on reload
	spec  *cstruct.Spec
	file  *os.File
	size  int64
	out   io.Writer
	view  recordView
	json  bool

	cur      int64         // $: where the next record starts
	last     cstruct.Value // the last record shown (a copy)
	lastType cstruct.Type
	recent   []cstruct.Value // the last record of each type shown before, newest first
	redo     string          // the last dump command, for watch
	redoFrom replState       // and where it started
	watcher  io.Closer
}

// replState is where a session is: $ and the last record.
type replState struct {
	cur      int64
	last     cstruct.Value
	lastType cstruct.Type
}

// Run starts the session: interactive on a terminal, a script otherwise.
func (c *ReplCmd) Run(e *env) error {
	spec, err := c.load()
	if err != nil {
		return err
	}
	s := &session{defs: c.DefsFlags, spec: spec, out: e.stdout,
		view: recordView{opts: rowOpts{maxElems: 64}, color: useColor(c.Color, e.tty)}}
	if c.Input != "" {
		f, err := os.Open(c.Input)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		s.file, s.size = f, st.Size()
	}
	defer s.stopWatch()
	if f, ok := e.stdin.(*os.File); ok && isTerminal(f) && e.tty {
		return s.interactive(e)
	}
	return s.script(e)
}

// script reads commands line by line, without prompt; a bad command
// prints one error line and the session goes on. The exit status says
// whether any failed.
func (s *session) script(e *env) error {
	failed := 0
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		quit, err := s.exec(sc.Text())
		if err != nil {
			failed++
			s.mu.Lock()
			fmt.Fprintf(s.out, "error: %v\n", err)
			s.mu.Unlock()
		}
		s.flush()
		if quit {
			break
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "cstruct: repl: %d commands failed\n", failed)
		return warningsError{failed}
	}
	return nil
}

// exec runs one command line; quit is set by quit.
func (s *session) exec(line string) (quit bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return false, nil
	}
	cmd, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch cmd {
	case "dump", "d":
		ctx := replState{s.cur, s.last, s.lastType}
		err = s.dump(rest)
		if err == nil {
			s.redo, s.redoFrom = line, ctx
		}
	case "next", "n":
		if s.lastType == nil {
			return false, fmt.Errorf("next: no record shown yet (dump TYPE first)")
		}
		n := int64(1)
		if rest != "" {
			if n, err = s.evalInt("count", rest); err != nil {
				return false, err
			}
		}
		err = s.show(s.lastType, s.cur, n, false)
	case "seek":
		if rest == "" {
			return false, fmt.Errorf("seek OFFSET")
		}
		var off int64
		if off, err = s.evalInt("offset", rest); err == nil {
			s.cur = off
			fmt.Fprintf(s.out, "$ = %#x\n", off)
		}
	case "hex", "x":
		err = s.hex(rest)
	case "layout":
		err = s.layout(rest)
	case "types":
		writeTypes(s.out, typeEntries(s.spec))
	case "eval", "p", "print":
		err = s.printEval(rest)
	case "def":
		err = s.def(rest)
	case "reload":
		err = s.reload()
	case "watch":
		err = s.watch(rest)
	case "json":
		s.json = true
	case "text":
		s.json = false
	case "hexints":
		s.view.opts.hex = rest != "off"
	case "help", "?":
		io.WriteString(s.out, replHelp)
	case "quit", "exit", "q":
		return true, nil
	default:
		return false, fmt.Errorf("unknown command %q (help lists them)", cmd)
	}
	return false, err
}

const replHelp = `commands:
  dump TYPE [@ OFFSET] [x N]  show N records of TYPE at OFFSET (default $); OFFSET and N are
                              C expressions over the last record's fields, constants, sizeof, $
  next [N]                    the record(s) after the last one, of its type
  seek OFFSET                 set $, the current offset
  hex [@ OFFSET] [LEN]        hexdump -C of LEN bytes (default 256) at OFFSET (default $)
  layout TYPE                 offsets, sizes and holes of TYPE
  types                       every type, typedef, enum and constant
  eval EXPR                   a C expression: constants, sizeof(TYPE), the last record's fields, $
  def 'struct … { … };'       add definitions
  reload                      read the .h files again (and the defs), say what changed in layout
  watch [off]                 reload and show the last dump again whenever a .h file is saved
  json | text                 output form of records
  hexints [off]               integers in hex
  help, quit
`

// flush writes out what the session buffered.
func (s *session) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.out.(interface{ Flush() error }); ok {
		f.Flush()
	}
}

// dumpArgs splits "TYPE [@ OFFSET] [x N]".
// "x N" or "xN" with N a number or a bracket: "struct xattr" is a type.
var countRe = regexp.MustCompile(`\s+x(?:\s+(\S.*)|([0-9(].*))$`)

func (s *session) dump(args string) error {
	if args == "" {
		return fmt.Errorf("dump TYPE [@ OFFSET] [x N]")
	}
	typeText, offText, countText := args, "", ""
	if m := countRe.FindStringSubmatch(args); m != nil {
		countText = m[1] + m[2]
		typeText = args[:len(args)-len(m[0])]
	}
	if t, o, ok := strings.Cut(typeText, "@"); ok {
		typeText, offText = t, o
	}
	typ, err := lookupType(s.spec, strings.TrimSpace(typeText))
	if err != nil {
		return err
	}
	off, n := s.cur, int64(1)
	if strings.TrimSpace(offText) != "" {
		if off, err = s.evalInt("offset", offText); err != nil {
			return err
		}
	}
	if countText != "" {
		if n, err = s.evalInt("count", countText); err != nil {
			return err
		}
	}
	return s.show(typ, off, n, true)
}

// show prints n records of typ from off on (numbered when counted); $
// moves past them.
func (s *session) show(typ cstruct.Type, off, n int64, counted bool) error {
	if s.file == nil {
		return fmt.Errorf("no file: give one on the command line (cstruct repl -f DEFS.h FILE)")
	}
	if n > 1<<20 {
		return fmt.Errorf("%d records: at most %d at once", n, 1<<20)
	}
	for i := int64(0); i < n; i++ {
		v, err := s.decodeAt(typ, off)
		if err != nil {
			return err
		}
		s.remember(v)
		s.last, s.lastType = v, typ
		if s.json {
			s.out.Write(append(cstruct.AppendJSON(nil, v), '\n'))
		} else if err := s.view.write(s.out, typ, cond(counted, int(i), -1), v); err != nil {
			return err
		}
		off += v.Size()
		s.cur = off
		if v.Size() == 0 && i+1 < n {
			return fmt.Errorf("%s takes no bytes: the next record would be the same", typ)
		}
	}
	return nil
}

// remember keeps the last record, as the newest of its type, before v
// replaces it.
func (s *session) remember(v cstruct.Value) {
	if !s.last.IsValid() {
		return
	}
	keep := []cstruct.Value{s.last}
	for _, r := range s.recent {
		if r.Type() != s.last.Type() && r.Type() != v.Type() && len(keep) < 16 {
			keep = append(keep, r)
		}
	}
	s.recent = keep
}

// decodeAt decodes a value of t at off in the file, reading what it needs.
func (s *session) decodeAt(t cstruct.Type, off int64) (cstruct.Value, error) {
	if off >= s.size {
		return cstruct.Value{}, fmt.Errorf("offset %#x is at or past the end of the file (%#x)", off, s.size)
	}
	want := int64(4096)
	if size := t.Size(); size >= 0 && !cstruct.IsDynamic(t) {
		want = max(size, 1)
	}
	for {
		n := min(want, s.size-off)
		buf := make([]byte, n)
		if _, err := s.file.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
			return cstruct.Value{}, err
		}
		v, err := s.spec.UnpackWith(t, buf, cstruct.Options{Base: off})
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || n == s.size-off {
			return cstruct.Value{}, err
		}
		if want >= 1<<30 {
			return cstruct.Value{}, fmt.Errorf("%s at %#x: larger than 1 GiB: %w", t, off, err)
		}
		want *= 4
	}
}

// hex is "hex [@ OFFSET] [LEN]".
func (s *session) hex(args string) error {
	if s.file == nil {
		return fmt.Errorf("no file")
	}
	off, n := s.cur, int64(256)
	offText, lenText := "", args
	if strings.HasPrefix(args, "@") {
		// "@ OFFSET" or "@ OFFSET LEN": LEN is the last word when the
		// whole is no one expression
		rest := strings.TrimSpace(args[1:])
		offText, lenText = rest, ""
		if _, err := s.eval(rest); err != nil {
			if i := strings.LastIndexByte(rest, ' '); i > 0 {
				offText, lenText = rest[:i], rest[i+1:]
			}
		}
	}
	var err error
	if offText != "" {
		if off, err = s.evalInt("offset", offText); err != nil {
			return err
		}
	}
	if strings.TrimSpace(lenText) != "" {
		if n, err = s.evalInt("length", lenText); err != nil {
			return err
		}
	}
	if off >= s.size {
		return fmt.Errorf("offset %#x is at or past the end of the file (%#x)", off, s.size)
	}
	n = min(n, s.size-off, 1<<24)
	buf := make([]byte, n)
	if _, err := s.file.ReadAt(buf, off); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return writeHexView(s.out, buf, off, nil, false)
}

func (s *session) layout(name string) error {
	t, err := lookupType(s.spec, name)
	if err != nil {
		return err
	}
	return writeLayout(s.out, t)
}

func (s *session) printEval(expr string) error {
	if expr == "" {
		return fmt.Errorf("eval EXPR")
	}
	v, err := s.eval(expr)
	if err != nil {
		return err
	}
	if v.Type.Kind == cexpr.KFloat {
		fmt.Fprintf(s.out, "%v\n", v.Float())
		return nil
	}
	if v.Type.Unsigned {
		fmt.Fprintf(s.out, "%d (%#x)\n", v.Uint(), v.Uint())
	} else {
		fmt.Fprintf(s.out, "%d (%#x)\n", v.Int(), v.Int())
	}
	return nil
}

// def adds definitions: "def 'struct x { … };'" (quotes optional).
func (s *session) def(text string) error {
	text = strings.TrimSpace(text)
	if len(text) >= 2 && (text[0] == '\'' || text[0] == '"') && text[len(text)-1] == text[0] {
		text = text[1 : len(text)-1]
	}
	if text == "" {
		return fmt.Errorf("def 'struct name { … };'")
	}
	name := fmt.Sprintf("<def %d>", len(s.added)+1)
	if err := s.spec.Load(name, []byte(text)); err != nil {
		return err
	}
	s.added = append(s.added, text)
	return nil
}

// reload reads the definition files again, with the defs added, and says
// which layouts changed.
func (s *session) reload() error {
	spec, err := s.defs.load()
	if err != nil {
		return err
	}
	for i, text := range s.added {
		if err := spec.Load(fmt.Sprintf("<def %d>", i+1), []byte(text)); err != nil {
			return err
		}
	}
	old := s.spec
	s.spec = spec
	if s.lastType != nil {
		if t, err := spec.Lookup(s.lastType.String()); err == nil {
			s.lastType = t
		}
	}
	changed := 0
	for name, tb := range spec.Types() {
		ta, err := old.Lookup(name)
		if err != nil {
			fmt.Fprintf(s.out, "%s: new (size %s)\n", name, sizeText(tb.Size()))
			changed++
			continue
		}
		ra, errA := typeRows(ta)
		rb, errB := typeRows(tb)
		if err := cmp.Or(errA, errB); err != nil {
			fmt.Fprintf(s.out, "%s: %v\n", name, err)
			changed++
			continue
		}
		ch := diffLayouts(ra, rb)
		if len(ch) > 0 || ta.Size() != tb.Size() || ta.Align() != tb.Align() {
			writeDiff(s.out, ta, tb, ch)
			changed++
		}
	}
	for name := range old.Types() {
		if _, err := spec.Lookup(name); err != nil {
			fmt.Fprintf(s.out, "%s: gone\n", name)
			changed++
		}
	}
	if changed == 0 {
		fmt.Fprintln(s.out, "reloaded: no layout changed")
	} else {
		fmt.Fprintf(s.out, "reloaded: %d types changed\n", changed)
	}
	return nil
}

func cond[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}
