package atop_test

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/cstructgo/cstruct/atop"
)

// The oracle of a log is the output of `atop -PALL -r LOG` of the atop that
// wrote it (NAME.P.txt beside it). Each line starts with six common fields
// (label host epoch date time interval); the rest is per label, see
// docs/atop-format.md §4. Names, command lines and cgroup paths are in
// parentheses and may hold spaces, so lines are split from both ends.

type oracleSample struct {
	reset    bool
	epoch    string
	interval string
	cpu, mem []string
	prg      []prgLine
	prc, prm []prLine
	cgrC     [][]string          // path and the 25 fields after it
	cgrP     map[string][]string // path → pids
}

// prLine is a PRC or PRM line: pid, name, and the fields after the name.
type prLine struct {
	pid, name string
	rest      []string
}

// prgLine is a PRG line: pid, name, the 7 fields up to the command line,
// the command line, and the fields after it.
type prgLine struct {
	pid, name string
	head      []string // state ruid rgid tgid nthr exitcode btime
	cmdline   string
	tail      []string
}

// Fields after the common six, per label and version (docs §4.2).
func prgCount(v atop.Version) int {
	switch {
	case v.Minor <= 5:
		return 25
	case v.Minor <= 7:
		return 26
	case v.Minor == 8:
		return 27
	case v.Minor == 9:
		return 28
	}
	return 29
}

func prcCount(v atop.Version) int {
	switch {
	case v.Minor <= 5:
		return 14
	case v.Minor <= 7:
		return 16
	case v.Minor == 8:
		return 19
	}
	return 21
}

func prmCount(v atop.Version) int {
	switch {
	case v.Minor <= 5:
		return 18
	case v.Minor <= 7:
		return 19
	}
	return 23
}

var prgHead = regexp.MustCompile(`^(\d+) \((.*?)\) (\S) (-?\d+) (-?\d+) (-?\d+) (-?\d+) (-?\d+) (-?\d+) \((.*)\)$`)

// splitTail splits s into a head and its last n space-separated fields.
func splitTail(s string, n int) (head string, tail []string, err error) {
	toks := strings.Split(s, " ")
	if len(toks) <= n {
		return "", nil, fmt.Errorf("%d fields, want more than %d", len(toks), n)
	}
	return strings.Join(toks[:len(toks)-n], " "), toks[len(toks)-n:], nil
}

func parsePRG(rest string, v atop.Version) (prgLine, error) {
	head, tail, err := splitTail(rest, prgCount(v)-10)
	if err != nil {
		return prgLine{}, err
	}
	m := prgHead.FindStringSubmatch(head)
	if m == nil {
		return prgLine{}, fmt.Errorf("cannot split %q", head)
	}
	return prgLine{pid: m[1], name: m[2], head: m[3:10], cmdline: m[10], tail: tail}, nil
}

func parsePR(rest string, n int) (prLine, error) {
	head, tail, err := splitTail(rest, n-2)
	if err != nil {
		return prLine{}, err
	}
	pid, name, ok := strings.Cut(head, " ")
	if !ok || len(name) < 2 || name[0] != '(' || name[len(name)-1] != ')' {
		return prLine{}, fmt.Errorf("cannot split %q", head)
	}
	return prLine{pid: pid, name: name[1 : len(name)-1], rest: tail}, nil
}

// readOracle parses a -PALL file.
func readOracle(name string, v atop.Version) ([]oracleSample, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []oracleSample
	cur := oracleSample{cgrP: map[string][]string{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		switch line {
		case "RESET":
			cur.reset = true
			continue
		case "SEP":
			out = append(out, cur)
			cur = oracleSample{cgrP: map[string][]string{}}
			continue
		}
		toks := strings.SplitN(line, " ", 7)
		if len(toks) < 7 {
			return nil, fmt.Errorf("%s:%d: short line", name, ln)
		}
		label, rest := toks[0], toks[6]
		cur.epoch, cur.interval = toks[2], toks[5]
		var err error
		switch label {
		case "CPU":
			cur.cpu = strings.Split(rest, " ")
		case "MEM":
			cur.mem = strings.Split(rest, " ")
		case "PRG":
			var p prgLine
			p, err = parsePRG(rest, v)
			cur.prg = append(cur.prg, p)
		case "PRC", "PRM":
			n := prcCount(v)
			if label == "PRM" {
				n = prmCount(v)
			}
			var p prLine
			p, err = parsePR(rest, n)
			if label == "PRC" {
				cur.prc = append(cur.prc, p)
			} else {
				cur.prm = append(cur.prm, p)
			}
		case "CGR":
			f := strings.Split(rest, " ")
			switch f[0] {
			case "C":
				cur.cgrC = append(cur.cgrC, f[1:])
			case "P":
				cur.cgrP[f[1]] = f[2:]
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", name, ln, label, err)
		}
	}
	return out, sc.Err()
}
