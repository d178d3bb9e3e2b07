package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
)

// DefsFlags say where definitions come from and how to lay them out.
type DefsFlags struct {
	File    []string  `short:"f" name:"file" sep:"none" placeholder:"DEFS.h" help:"C definition file (repeatable; loaded in order)."`
	Expr    []string  `short:"e" name:"expr" sep:"none" placeholder:"TEXT" help:"Inline definitions, after the files (repeatable)."`
	Natural bool      `help:"Lay out structs as the C compiler does (alignment, holes, padding) instead of packed."`
	Endian  string    `enum:"little,big" default:"little" help:"Byte order of the data (little, big)."`
	ABI     string    `name:"abi" enum:"lp64,ilp32" default:"lp64" help:"Sizes of long, pointers, time_t (lp64, ilp32)."`
	Define  macroArgs `short:"D" name:"define" placeholder:"NAME[=VALUE]" help:"Predefine a macro (-D and -U apply in their command-line order, as gcc's)."`
	Include []string  `short:"I" name:"include" sep:"none" placeholder:"DIR" help:"Directory to search for #include files."`
	Undef   macroArgs `short:"U" name:"undef" placeholder:"NAME" help:"Remove a predefined macro."`
	Target  string    `name:"target" enum:",host,builtin" default:"" placeholder:"host" help:"Compile as this machine's C compiler does: its predefined macros and system include directories (gcc's when gcc is installed; 'builtin': gcc 12 on Linux, without running gcc), with natural layout."`
}

func (d *DefsFlags) config() cstruct.Config {
	cfg := cstruct.Config{Natural: d.Natural}
	if d.Endian == "big" {
		cfg.ByteOrder = binary.BigEndian
	}
	if d.ABI == "ilp32" {
		cfg.ABI = cstruct.ILP32
	}
	cfg.Defines, cfg.Undefines = macroEffect(d.Define, d.Undef)
	for _, dir := range d.Include {
		cfg.IncludeDirs = append(cfg.IncludeDirs, os.DirFS(dir))
	}
	switch d.Target {
	case "host":
		cfg.Target = cstruct.HostTarget(cfg.ABI)
		cfg.Natural = true
	case "builtin":
		cfg.Target = cstruct.BuiltinTarget(cfg.ABI)
		cfg.Natural = true
	}
	return cfg
}

// load reads every -f file and -e text into one Spec.
func (d *DefsFlags) load() (*cstruct.Spec, error) {
	if len(d.File) == 0 && len(d.Expr) == 0 {
		return nil, fmt.Errorf("no definitions: give -f FILE or -e 'TEXT'")
	}
	spec := cstruct.NewSpec(d.config())
	for _, f := range d.File {
		if err := spec.LoadFile(f); err != nil {
			return nil, err
		}
	}
	for i, e := range d.Expr {
		if err := spec.Load(fmt.Sprintf("<expr %d>", i+1), []byte(e)); err != nil {
			return nil, err
		}
	}
	return spec, nil
}

// lookupType finds TYPE, with or without its struct/union keyword.
func lookupType(spec *cstruct.Spec, name string) (cstruct.Type, error) {
	t, err := spec.Lookup(name)
	if err != nil {
		var names []string
		for n := range spec.Types() {
			names = append(names, n)
		}
		if len(names) > 12 {
			names = append(names[:12], "…")
		}
		return nil, fmt.Errorf("type %q not found (defined: %s)", name, strings.Join(names, ", "))
	}
	return t, nil
}
