package main

import (
	"strings"

	"github.com/cstructgo/cstruct/atop/export"
	"github.com/cstructgo/cstruct/atop/parseable"
)

// AtopAtopJSONCmd is "cstruct atop atopjson": atop's own -J output.
type AtopAtopJSONCmd struct {
	Labels []string `short:"J" name:"labels" required:"" sep:"none" placeholder:"LABEL[,LABEL...]" help:"Labels to print, as atop -J takes them (CPU,PRG or ALL); repeatable."`
	atopInput
}

// Run prints the samples as atop -J does: one JSON object per sample.
func (c *AtopAtopJSONCmd) Run(e *env) error {
	r := &reporter{e: e}
	o, err := c.exportOptions(r)
	if err != nil {
		return err
	}
	popts := parseable.Options{Labels: c.Labels, JSON: true, DefsDir: c.Defs}
	src := c.source(e)
	defer src.Close()
	return r.done(export.Run(e.stdout, src, o, parseable.Jobs(popts)))
}

// atopJSONCLI is the part of CLI that atop's spelling of "cstruct atop
// atopjson" reaches (see rewriteAtopJSONArgs).
type atopJSONCLI struct {
	Atop struct {
		AtopJSON AtopAtopJSONCmd `cmd:"" name:"atopjson" help:"What atop -J LABELS -r FILE prints, byte for byte (also: cstruct atop -J LABELS -r FILE)."`
	} `cmd:"" help:"Read atop raw logs (atop -w files) of any version 2.3-2.13."`
}

// rewriteAtopJSONArgs turns atop's spelling "cstruct atop -J LABELS -r
// FILE [-b TIME] [-e TIME]" into "cstruct atop atopjson -J LABELS ...
// FILE", as rewriteAtopArgs does for -P; it returns nil for other
// arguments (and for -J mixed with -P).
func rewriteAtopJSONArgs(args []string) []string {
	if len(args) < 2 || args[0] != "atop" || !strings.HasPrefix(args[1], "-") {
		return nil
	}
	asP := make([]string, len(args))
	seen := false
	for i, a := range args {
		asP[i] = a
		switch {
		case strings.HasPrefix(a, "-P"):
			return nil
		case strings.HasPrefix(a, "-J") && (i == 0 || args[i-1] != "-r"):
			asP[i] = "-P" + a[2:]
			seen = true
		}
	}
	r := rewriteAtopArgs(asP)
	if !seen || len(r) < 2 || r[1] != "parseable" {
		return nil
	}
	r[1] = "atopjson"
	return r
}
