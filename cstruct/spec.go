package cstruct

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/alecthomas/participle/v2/lexer"

	"github.com/cstructgo/cstruct/cstruct/internal/cparse"
	"github.com/cstructgo/cstruct/internal/cexpr"
)

// Config says how definition text is read and laid out. The zero value is
// dissect.cstruct's default: LP64 sizes, little-endian, packed layout.
type Config struct {
	// ABI gives the sizes of long, pointers and time_t; the zero value is LP64.
	ABI ABI
	// ByteOrder is the default byte order of scalars; nil is little-endian.
	ByteOrder binary.ByteOrder
	// Natural lays out every struct as the C compiler does (alignment,
	// holes, tail padding). Without it structs are packed unless a
	// "#pragma pack(N)" or an attribute in the text says otherwise.
	Natural bool
	// Defines are predefined macros, as with -D NAME[=VALUE].
	Defines map[string]string
	// Undefines are removed from the predefined macros, as with -U NAME.
	Undefines []string
	// IncludeDirs are searched for #include files after the including
	// file's directory.
	IncludeDirs []fs.FS
	// Target, when set, is the compiler whose predefined macros and system
	// include directories (searched after IncludeDirs) the text sees, and
	// whose C types it gets: wchar_t is the target's (4 bytes on Linux).
	// Without one, a few macros of x86-64 (or, with ILP32, i386) Linux GCC
	// are predefined. See [HostTarget]. A Target does not set Natural.
	Target *Target
	// Limits bound what definitions and data may demand.
	Limits Limits
}

// Limits bound the work and memory that definition text and decoding data
// may cause.
type Limits struct {
	MaxElements int64 // elements in one array; 0 means 1<<24
	MaxDepth    int   // nesting of structs and arrays; 0 means 64

	// MaxFileSize bounds one definition file (or text given to Load) in
	// bytes, and MaxInputSize all the definition text a Spec reads, every
	// file and include file counted; 0 means 8 MiB and 32 MiB. (glibc's
	// largest headers are under 200 KB.)
	MaxFileSize, MaxInputSize int64
}

func (l Limits) maxFileSize() int64 {
	if l.MaxFileSize <= 0 {
		return 8 << 20
	}
	return l.MaxFileSize
}

func (l Limits) maxInputSize() int64 {
	if l.MaxInputSize <= 0 {
		return 32 << 20
	}
	return l.MaxInputSize
}

func (l Limits) maxElements() int64 {
	if l.MaxElements <= 0 {
		return 1 << 24
	}
	return l.MaxElements
}

func (l Limits) maxDepth() int {
	if l.MaxDepth <= 0 {
		return 64
	}
	return l.MaxDepth
}

// Spec is a set of resolved definitions: types by name, struct/union/enum
// tags, and integer constants (#define and enum members). A Spec is safe for
// concurrent use once loading is done.
type Spec struct {
	cfg     Config
	order   binary.ByteOrder
	types   map[string]Type          // typedef and built-in names
	tags    map[string]Type          // "struct x", "union x", "enum x"
	consts  map[string]cexpr.Value   // with their C types
	macros  map[string]string        // macro name (with "(params)" for function-like) → body text
	names   []string                 // user-defined names, in order of definition
	cnames  []string                 // constants, in order of definition
	cnamed  map[string]bool          // the names in cnames
	mu      sync.Mutex               // guards consts and pending after loading
	pending map[string][]lexer.Token // macros not yet evaluated as constants
	read    int64                    // bytes of definition text read, for Limits.MaxInputSize
	pre     *cparse.Predefined       // the target's predefined macros
	preErr  error                    // why they do not parse
	incDirs []fs.FS                  // IncludeDirs, then the target's
	incName []string                 // their names
}

// NewSpec returns an empty Spec that has only the built-in types.
func NewSpec(cfg Config) *Spec {
	if cfg.ABI.LongSize == 0 {
		cfg.ABI = LP64
	}
	order := cfg.ByteOrder
	if order == nil {
		order = binary.LittleEndian
	}
	s := &Spec{
		cfg:     cfg,
		order:   order,
		types:   builtinTypes(cfg.ABI),
		tags:    make(map[string]Type),
		consts:  make(map[string]cexpr.Value),
		cnamed:  make(map[string]bool),
		pending: make(map[string][]lexer.Token),
		macros:  make(map[string]string),
		incDirs: cfg.IncludeDirs,
	}
	if t := cfg.Target; t != nil {
		s.pre, s.preErr = t.prepare()
		s.incDirs = slices.Clip(s.incDirs)
		for _, d := range t.IncludeDirs {
			s.incDirs = append(s.incDirs, os.DirFS(d))
		}
		targetTypes(s.types, cfg.ABI)
		s.incName = append(includeNames(cfg.IncludeDirs), t.IncludeDirs...)
	} else {
		s.incName = includeNames(cfg.IncludeDirs)
		s.pre = cparse.DefaultPredefined(cfg.ABI.PointerSize != 4)
	}
	return s
}

// Parse loads definition text with the default Config.
func Parse(filename string, src []byte) (*Spec, error) {
	return (&Config{}).Parse(filename, src)
}

// Parse loads definition text into a new Spec.
func (c *Config) Parse(filename string, src []byte) (*Spec, error) {
	s := NewSpec(*c)
	if err := s.Load(filename, src); err != nil {
		return nil, err
	}
	return s, nil
}

// ParseFS loads the named files of fsys, in order, into a new Spec.
// Quoted includes are resolved relative to the including file inside fsys.
func (c *Config) ParseFS(fsys fs.FS, names ...string) (*Spec, error) {
	s := NewSpec(*c)
	for _, n := range names {
		if err := s.LoadFS(fsys, n); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// ParseFiles loads definition files from the operating system's file
// system into a new Spec.
func (c *Config) ParseFiles(names ...string) (*Spec, error) {
	s := NewSpec(*c)
	for _, n := range names {
		if err := s.LoadFile(n); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// LoadFile adds the definitions of a file on disk. Positions name it, and
// the files it includes, as name does ("defs/x.h:3:5", "/abs/x.h:3:5").
// Quoted includes are resolved relative to the including file (".."
// included, as the C compiler does), then in Config.IncludeDirs.
func (s *Spec) LoadFile(name string) error {
	abs, err := filepath.Abs(name)
	if err != nil {
		return err
	}
	root := filepath.VolumeName(abs) + string(filepath.Separator)
	rel := filepath.ToSlash(strings.TrimPrefix(abs, root))
	return s.loadFS(os.DirFS(root), rel, filepath.ToSlash(name))
}

// LoadFS adds the definitions of the file name inside fsys.
func (s *Spec) LoadFS(fsys fs.FS, name string) error {
	return s.loadFS(fsys, name, name)
}

// loadFS loads the file name of fsys, which the user calls display.
func (s *Spec) loadFS(fsys fs.FS, name, display string) error {
	left := s.sizeLeft()
	src, err := cparse.ReadFile(fsys, name, left)
	if errors.Is(err, cparse.ErrTooLarge) && left < s.cfg.Limits.maxFileSize() {
		return fmt.Errorf("cstruct: %s: %w (definitions of more than %d bytes in all)", display, cparse.ErrTooLarge, s.cfg.Limits.maxInputSize())
	}
	if err != nil {
		return fmt.Errorf("cstruct: %s: %w", display, unwrapPath(err))
	}
	return s.load(fsys, name, display, src)
}

// unwrapPath drops the path of an *fs.PathError, which names the file
// inside its FS rather than as the user gave it.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Load adds definition text to the Spec, as dissect's cs.load does: later
// texts see the types, constants and macros of earlier ones.
func (s *Spec) Load(filename string, src []byte) error {
	return s.load(nil, filename, filename, src)
}

// sizeLeft is the most bytes the next definition file may have.
func (s *Spec) sizeLeft() int64 {
	return max(min(s.cfg.Limits.maxFileSize(), s.cfg.Limits.maxInputSize()-s.read), 0)
}

func (s *Spec) load(fsys fs.FS, filename, display string, src []byte) error {
	defines := make(map[string]string, len(s.cfg.Defines)+len(s.macros))
	for k, v := range s.macros {
		defines[k] = v
	}
	for k, v := range s.cfg.Defines {
		defines[k] = v
	}
	if s.preErr != nil {
		return fmt.Errorf("cstruct: target %s: %w", s.cfg.Target.Name, convertParseError(s.preErr))
	}
	left := s.cfg.Limits.maxInputSize() - s.read
	if left <= 0 && len(src) > 0 {
		return ErrorList{{Pos: Pos{File: display, Line: 1, Col: 1}, Msg: fmt.Sprintf("%v (definitions of more than %d bytes in all)", cparse.ErrTooLarge, s.cfg.Limits.maxInputSize())}}
	}
	res, err := cparse.Preprocess(filename, src, cparse.Options{
		FS: fsys, Name: display, IncludeDirs: s.incDirs, IncludeNames: s.incName, Defines: defines,
		Undefines: s.cfg.Undefines, Predefined: s.pre, SystemIncludes: s.cfg.Target != nil,
		MaxFileSize: s.cfg.Limits.maxFileSize(), MaxInputSize: max(left, 1),
	})
	if res != nil {
		s.read += res.InputSize
	}
	if err != nil {
		return convertParseError(err)
	}
	file, err := cparse.Parse(res.Tokens)
	if err != nil {
		return convertParseError(err)
	}
	r := newResolver(s)
	r.file(file)
	s.collectMacros(res)
	return r.errs.Err()
}

// collectMacros remembers the macros for later loads and turns object-like
// macros with integer values into constants.
func (s *Spec) collectMacros(res *cparse.Result) {
	for _, name := range res.Order {
		m, ok := res.Macros[name]
		if !ok || m.Pos.Filename == "<built-in>" {
			continue // predefined again by every load
		}
		vals := make([]string, len(m.Body))
		for i, t := range m.Body {
			vals[i] = t.Value
		}
		body := strings.Join(vals, " ")
		key := name
		if m.Func {
			key = name + "(" + strings.Join(m.Params, ",") + ")"
			s.macros[key] = body
			continue
		}
		s.macros[key] = body
		if len(m.Body) == 0 {
			continue
		}
		// evaluated when asked for (Const), not here: most macros never are
		s.mu.Lock()
		s.pending[name] = m.Body
		delete(s.consts, name)
		s.mu.Unlock()
		s.addName(name)
	}
}

// macroConst evaluates a pending macro as an integer constant.
func (s *Spec) macroConst(name string) (int64, bool) {
	v, ok := s.constValue(name)
	return v.I, ok
}

// constValue is a constant with its C type: a macro (evaluated when first
// asked for) or an enumerator.
func (s *Spec) constValue(name string) (cexpr.Value, bool) {
	s.mu.Lock()
	if v, ok := s.consts[name]; ok {
		s.mu.Unlock()
		return v, true
	}
	body, ok := s.pending[name]
	delete(s.pending, name) // also ends cycles: #define A B / #define B A
	s.mu.Unlock()
	if !ok {
		return cexpr.Value{}, false
	}
	e, err := cparse.ParseExpr(body)
	if err != nil {
		return cexpr.Value{}, false
	}
	v, err := newResolver(s).constValue(e) // may evaluate other macros
	if err != nil {
		return cexpr.Value{}, false
	}
	s.mu.Lock()
	s.consts[name] = v
	s.mu.Unlock()
	return v, true
}

func (s *Spec) addName(name string) {
	if !s.cnamed[name] {
		s.cnamed[name] = true
		s.cnames = append(s.cnames, name)
	}
}

func (s *Spec) setConst(name string, v int64) {
	s.addName(name)
	s.consts[name] = enumConst(v)
}

func convertParseError(err error) error {
	var pe *cparse.Error
	if errors.As(err, &pe) {
		return ErrorList{{Pos: Pos{File: pe.Pos.Filename, Line: pe.Pos.Line, Col: pe.Pos.Column}, Msg: pe.Msg}}
	}
	return err
}

// ByteOrder is the Spec's default byte order.
func (s *Spec) ByteOrder() binary.ByteOrder { return s.order }

// Config returns the configuration the Spec was made with.
func (s *Spec) Config() Config { return s.cfg }

// Lookup finds a type by name: a typedef or built-in name ("uint32",
// "count_t"), or a tag with its keyword ("struct sstat", "union u",
// "enum e"). A bare tag name also matches when no typedef has that name.
func (s *Spec) Lookup(name string) (Type, error) {
	name = strings.Join(strings.Fields(name), " ")
	if t, ok := s.types[name]; ok {
		return t, nil
	}
	if t, ok := s.types[normalizeWords(strings.Fields(name))]; ok {
		return t, nil
	}
	if t, ok := s.tags[name]; ok {
		return t, nil
	}
	for _, kw := range []string{"struct ", "union ", "enum ", "flag "} {
		if t, ok := s.tags[kw+name]; ok {
			return t, nil
		}
	}
	return nil, fmt.Errorf("%q: %w", name, ErrNotFound)
}

// Struct finds a struct or union by tag or typedef name.
func (s *Spec) Struct(name string) (*Struct, error) {
	t, err := s.Lookup(name)
	if err != nil {
		return nil, err
	}
	st, ok := As[*Struct](t)
	if !ok {
		return nil, fmt.Errorf("cstruct: %q is %s, not a struct", name, t)
	}
	return st, nil
}

// Const returns an integer constant: an object-like #define whose value is
// an integer expression, or an enum member.
func (s *Spec) Const(name string) (int64, bool) {
	return s.macroConst(name)
}

// Types yields the user-defined types by name in order of definition:
// typedef names and tags ("struct x").
func (s *Spec) Types() iter.Seq2[string, Type] {
	return func(yield func(string, Type) bool) {
		for _, n := range s.names {
			t, ok := s.types[n]
			if !ok {
				t, ok = s.tags[n]
			}
			if ok && !yield(n, t) {
				return
			}
		}
	}
}

// Consts yields the integer constants in order of definition.
func (s *Spec) Consts() iter.Seq2[string, int64] {
	return func(yield func(string, int64) bool) {
		for _, n := range s.cnames {
			v, ok := s.Const(n)
			if ok && !yield(n, v) {
				return
			}
		}
	}
}
