package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kong"
	"github.com/posener/complete"
	"github.com/willabides/kongplete"
)

// version is the module version and VCS revision of the binary, from its
// build info: "cstruct v1.2.0 (rev 1a2b3c4d5e6f, 2026-11-30T12:00:00Z)",
// "+dirty" for a build from a modified tree.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "cstruct (no build info)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, at, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	var extra []string
	if rev != "" {
		extra = append(extra, "rev "+rev[:min(12, len(rev))]+dirty)
	}
	if at != "" {
		extra = append(extra, at)
	}
	extra = append(extra, bi.GoVersion)
	return fmt.Sprintf("cstruct %s (%s)", v, strings.Join(extra, ", "))
}

// complete answers a shell's completion request (COMP_LINE set) from the
// kong model, and exits; otherwise it does nothing.
func completeArgs(parser *kong.Kong, exit func(int)) {
	kongplete.Complete(parser,
		kongplete.WithPredictor("file", complete.PredictFiles("*")),
		kongplete.WithExitFunc(exit))
}

// CompletionCmd is "cstruct completion SHELL".
type CompletionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"bash, zsh or fish."`
}

// Run prints the shell code that makes SHELL complete cstruct's verbs,
// flags and files (the completion comes from cstruct itself).
func (c *CompletionCmd) Run(e *env) error {
	bin, err := os.Executable()
	if err == nil {
		bin, err = filepath.Abs(bin)
	}
	if err != nil {
		return fmt.Errorf("completion: where is this program? %w", err)
	}
	var s string
	switch c.Shell {
	case "bash":
		s = fmt.Sprintf("complete -o default -C %q cstruct\n", bin)
	case "zsh":
		s = fmt.Sprintf("autoload -U +X bashcompinit && bashcompinit\ncomplete -o default -C %q cstruct\n", bin)
	case "fish":
		s = fmt.Sprintf(`function __cstruct_complete
    set -lx COMP_LINE (commandline -cp)
    test -z (commandline -ct); and set COMP_LINE "$COMP_LINE "
    %q
end
complete -c cstruct -f -a "(__cstruct_complete)"
`, bin)
	}
	_, err = e.stdout.WriteString(s)
	return err
}

// Examples show how to install it.
func (c *CompletionCmd) Examples() string {
	return `Examples:

  source <(cstruct completion bash)                 # in ~/.bashrc
  source <(cstruct completion zsh)                  # in ~/.zshrc
  cstruct completion fish > ~/.config/fish/completions/cstruct.fish`
}

// examplesProvider is a verb whose --help ends with examples.
type examplesProvider interface{ Examples() string }

// helpPrinter is kong's help, then the selected verb's examples.
func helpPrinter(options kong.HelpOptions, ctx *kong.Context) error {
	if err := kong.DefaultHelpPrinter(options, ctx); err != nil {
		return err
	}
	node := ctx.Selected()
	if node == nil || !node.Target.IsValid() || !node.Target.CanAddr() {
		return nil
	}
	if ex, ok := node.Target.Addr().Interface().(examplesProvider); ok {
		fmt.Fprintf(ctx.Stdout, "\n%s\n", ex.Examples())
	}
	return nil
}
