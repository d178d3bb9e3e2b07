package cstruct

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cstructgo/cstruct/cstruct/internal/cparse"
)

// Target is what a C compiler brings to a translation unit besides the
// text: its predefined macros and its system include directories. With a
// Target, system headers (<stdint.h>, <linux/tcp.h>, <sys/stat.h>) load as
// they do under that compiler. Make one with [HostTarget] or [BuiltinTarget],
// or by hand.
type Target struct {
	// Name says which compiler and platform this is, e.g. "x86_64-linux-gnu".
	Name string
	// Macros are the predefined macros, each "NAME body" or
	// "NAME(params) body": a line of gcc -dM -E without its "#define ".
	Macros []string
	// IncludeDirs are the system include directories, searched in order
	// after Config.IncludeDirs.
	IncludeDirs []string

	once sync.Once
	pre  *cparse.Predefined
	err  error
}

// prepare parses the macros once.
func (t *Target) prepare() (*cparse.Predefined, error) {
	t.once.Do(func() {
		t.pre, t.err = cparse.NewPredefined(t.Macros)
	})
	return t.pre, t.err
}

//go:embed targets/*.h
var targetFiles embed.FS

// BuiltinTarget returns gcc 12 on x86_64 Linux (abi LP64) or on i386 Linux
// (ILP32), as recorded from gcc -dM -E, with the include directories that
// gcc searches there and that exist on this machine. It runs no program.
func BuiltinTarget(abi ABI) *Target {
	name := "x86_64-linux-gnu"
	if abi.PointerSize == 4 {
		name = "i386-linux-gnu"
	}
	data, err := targetFiles.ReadFile("targets/" + name + ".h")
	if err != nil {
		panic(err) // embedded
	}
	t := &Target{Name: name, Macros: macroLines(data)}
	cands := []string{"/usr/local/include", "/usr/include"}
	if abi.PointerSize != 4 {
		cands = []string{"/usr/local/include", "/usr/include/x86_64-linux-gnu", "/usr/include"}
	}
	if inc := probeGCCInclude(); inc != "" {
		cands = append([]string{inc}, cands...)
	}
	for _, d := range cands {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			t.IncludeDirs = append(t.IncludeDirs, d)
		}
	}
	return t
}

// probeGCCInclude finds gcc's own include directory (stddef.h, limits.h,
// stdarg.h) without running gcc: the newest /usr/lib/gcc/*/*/include that
// has a stddef.h.
func probeGCCInclude() string {
	matches, _ := filepath.Glob("/usr/lib/gcc/x86_64-linux-gnu/*/include/stddef.h")
	best := ""
	for _, m := range matches {
		d := filepath.Dir(m)
		if best == "" || versionLess(filepath.Base(filepath.Dir(best)), filepath.Base(filepath.Dir(d))) {
			best = d
		}
	}
	return best
}

// versionLess compares dotted version numbers ("9" < "12" < "12.1").
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if len(as[i]) != len(bs[i]) {
			return len(as[i]) < len(bs[i])
		}
		if as[i] != bs[i] {
			return as[i] < bs[i]
		}
	}
	return len(as) < len(bs)
}

// macroLines turns gcc -dM -E output into Target.Macros.
func macroLines(data []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "#define "); ok {
			out = append(out, rest)
		}
	}
	return out
}

var hostTargets sync.Map // ABI name → *Target

// HostTarget returns the C compiler of this machine for abi: when gcc is
// found, its predefined macros (gcc -dM -E, with -m32 for ILP32) and its
// search list for <...> includes (gcc -v); otherwise [BuiltinTarget]. gcc
// runs once per process and ABI.
func HostTarget(abi ABI) *Target {
	if abi.LongSize == 0 {
		abi = LP64
	}
	key := abi.Name
	if t, ok := hostTargets.Load(key); ok {
		return t.(*Target)
	}
	t := gccTarget(abi)
	if t == nil {
		t = BuiltinTarget(abi)
	}
	got, _ := hostTargets.LoadOrStore(key, t)
	return got.(*Target)
}

// gccTarget asks gcc, or returns nil.
func gccTarget(abi ABI) *Target {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return nil
	}
	var flags []string
	name := "x86_64-linux-gnu"
	if abi.PointerSize == 4 {
		flags = []string{"-m32"}
		name = "i386-linux-gnu"
	}
	run := func(args ...string) ([]byte, bool) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, gcc, append(append(flags, args...), "-")...)
		cmd.Stdin = strings.NewReader("")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return nil, false
		}
		return append(out.Bytes(), errb.Bytes()...), true
	}
	macros, ok := run("-dM", "-E", "-xc")
	if !ok {
		return nil
	}
	t := &Target{Name: "gcc " + name, Macros: macroLines(macros)}
	if verbose, ok := run("-E", "-v", "-xc"); ok {
		t.IncludeDirs = gccSearchList(verbose)
	}
	return t
}

// gccSearchList reads the <...> search list from gcc -v output.
func gccSearchList(out []byte) []string {
	var dirs []string
	in := false
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "#include <...> search starts here:"):
			in = true
		case strings.HasPrefix(line, "End of search list."):
			in = false
		case in && strings.HasPrefix(line, " "):
			d := filepath.Clean(strings.TrimSpace(line))
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	return dirs
}
