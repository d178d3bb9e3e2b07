package export

import (
	"strconv"
	"unicode/utf8"
)

// terminalSafe returns s as it is when it is printable text (no control
// characters, no invalid UTF-8), else quoted with Go escapes as cstruct
// dump quotes text ("\x1b[31m…"): a hostile host name in a log must not
// reach the terminal raw.
func terminalSafe(s string) string {
	for _, r := range s {
		if r == utf8.RuneError || !strconv.IsPrint(r) {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}
