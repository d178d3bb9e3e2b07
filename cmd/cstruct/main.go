// Command cstruct reads binary data with C definitions given at run time,
// and reads atop's raw logs of any version.
//
//	cstruct dump -f defs.h -t 'struct header' file.bin
//	cstruct layout -f defs.h -t header
//	cstruct atop info /var/log/atop/atop_20261125
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
)

// CLI is the command line: one verb per job.
type CLI struct {
	Dump   DumpCmd   `cmd:"" help:"Unpack records of a C type from a file and print them."`
	Layout LayoutCmd `cmd:"" help:"Show how a C type is laid out: offsets, sizes, padding; --diff A.h B.h: what changed."`
	Types  TypesCmd  `cmd:"" help:"List every type, typedef, enum and constant the definitions define, with sizes."`
	Repl   ReplCmd   `cmd:"" help:"Explore a file interactively: dump types at offsets taken from fields, reload the .h on save."`
	Atop   AtopCmd   `cmd:"" help:"Read atop raw logs (atop -w files) of any version 2.3-2.13."`

	Completion CompletionCmd    `cmd:"" help:"Print the shell code that completes cstruct's verbs, flags and files (bash, zsh, fish)."`
	Version    kong.VersionFlag `name:"version" help:"Print the version (module version and VCS revision) and exit."`
}

func main() {
	// A closed pipe (cstruct … | head) must end the program quietly: take
	// EPIPE as an error from Write instead of dying of SIGPIPE.
	signal.Ignore(syscall.SIGPIPE)
	deferFirstGC()
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// parseableCLI is the part of CLI that atop's spelling of "cstruct atop
// parseable" reaches (see rewriteAtopArgs).
type parseableCLI struct {
	Atop struct {
		Parseable AtopParseableCmd `cmd:"" help:"What atop -P LABELS -r FILE prints, byte for byte (also: cstruct atop -P LABELS -r FILE)."`
	} `cmd:"" help:"Read atop raw logs (atop -w files) of any version 2.3-2.13."`
}

// exitCode carries kong's exit (after --help) out of the parser.
type exitCode int

// run parses args and runs the command; it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			c, ok := r.(exitCode)
			if !ok {
				panic(r)
			}
			code = int(c)
		}
	}()
	out := bufio.NewWriterSize(stdout, 64<<10)
	// atop's own spelling is always "cstruct atop parseable": kong then
	// needs to reflect over that command only, not the whole CLI (a good
	// part of the start-up of a small log).
	var cli any = new(CLI)
	if r := rewriteAtopArgs(args); len(r) >= 2 && r[1] == "parseable" && (len(args) < 2 || args[1] != "parseable") {
		args, cli = r, new(parseableCLI)
	} else if r := rewriteAtopJSONArgs(args); r != nil {
		args, cli = r, new(atopJSONCLI)
	}
	parser, err := kong.New(cli,
		kong.Name("cstruct"),
		kong.Description("Read binary data with C definitions given at run time; read atop raw logs of any version."),
		kong.UsageOnError(),
		kong.Writers(stdout, stderr),
		kong.Exit(func(c int) { panic(exitCode(c)) }),
		kong.Bind(&env{stdin: stdin, stdout: out, stderr: stderr, tty: isTerminal(stdout)}),
		kong.Vars{"version": version()},
		kong.Help(helpPrinter),
	)
	if err != nil {
		fmt.Fprintln(stderr, "cstruct:", err)
		return 2
	}
	completeArgs(parser, func(c int) { panic(exitCode(c)) })
	ctx, err := parser.Parse(args)
	if err != nil {
		fmt.Fprintln(stderr, "cstruct:", err)
		return 2
	}
	err = ctx.Run()
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = ferr
	}
	if err != nil {
		if errors.Is(err, syscall.EPIPE) { // | head: stop quietly
			return 0
		}
		var we warningsError
		if errors.As(err, &we) {
			return 1
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "cstruct: ") {
			msg = "cstruct: " + msg
		}
		fmt.Fprintln(stderr, msg)
		return 1
	}
	return 0
}

// env is what commands need from the process.
type env struct {
	stdin  io.Reader
	stdout *bufio.Writer
	stderr io.Writer
	tty    bool // stdout is a terminal
}

// warningsError means problems were already reported on stderr.
type warningsError struct{ n int }

func (w warningsError) Error() string { return fmt.Sprintf("%d problems", w.n) }

// openInput opens a file name, or stdin for "-".
func (e *env) openInput(name string) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(e.stdin), nil
	}
	return os.Open(name)
}
