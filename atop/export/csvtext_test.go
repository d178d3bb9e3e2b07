package export

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"
	"unicode/utf8"
)

// unescapeText undoes the escapes of the CSV output (an independent
// reading of the documented rule).
func unescapeText(t *testing.T, s string) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && s[i+1] == 'x':
			n, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
			if err != nil {
				t.Fatalf("bad escape in %q", s)
			}
			out = append(out, byte(n))
			i += 3
		case i+5 < len(s) && s[i+1] == 'u':
			n, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
			if err != nil {
				t.Fatalf("bad escape in %q", s)
			}
			out = utf8.AppendRune(out, rune(n))
			i += 5
		default:
			t.Fatalf("lone backslash in %q", s)
		}
	}
	return out
}

func checkCSVText(t *testing.T, in []byte) {
	line := appendCSVText(nil, in)
	line = append(line, ',', 'x', '\n')
	if !utf8.Valid(line) {
		t.Fatalf("%q: invalid UTF-8 %q", in, line)
	}
	for _, r := range string(line[:len(line)-1]) {
		if isControl(r) {
			t.Fatalf("%q: control character %U in %q", in, r, line)
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(line)).ReadAll()
	if err != nil || len(recs) != 1 || len(recs[0]) != 2 {
		t.Fatalf("%q: %q does not parse as one field: %v %q", in, line, err, recs)
	}
	if back := unescapeText(t, recs[0][0]); !bytes.Equal(back, in) {
		t.Fatalf("%q: read back as %q", in, back)
	}
}

func TestCSVText(t *testing.T) {
	for _, s := range []string{"", "bash", "a,b", `say "hi"`, " lead", "\x1b[31mred\x1b[0m", "bell\a", "cr\rlf\n", "tab\t",
		"\xff\xfe", "caf\xc3\xa9", "\u0085next", `back\slash`, `\x41`, "\x00", "\u2028", "日本"} {
		checkCSVText(t, []byte(s))
	}
	if got := EscapeText("\x1b[2J\xffok\\"); got != `\x1b[2J\xffok\\` {
		t.Fatalf("EscapeText: %q", got)
	}
}

func FuzzCSVText(f *testing.F) {
	for _, s := range []string{"", "bash -c x", "\x1b]0;pwned\a", "\xc3\x28", "a\\b", "\r\n,\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) { checkCSVText(t, b) })
}
