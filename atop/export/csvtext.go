package export

import (
	"unicode/utf8"
)

// Text in CSV output (command names, command lines, host names, cgroup
// paths, file names) is always valid UTF-8 without control characters, so
// that a hostile process name cannot reach a terminal or a spreadsheet as
// an escape sequence or break a line. The escapes, one rule everywhere
// (WriteCSV, WriteParquet's strings, Timeline.WriteCSV):
//
//   - a byte that is not part of valid UTF-8 becomes \xHH (two lower-case
//     hex digits of the byte);
//   - a control character (U+0000–U+001F, U+007F, U+0080–U+009F: tab, CR,
//     LF, ESC, BEL …) becomes \xHH for the ASCII ones and \u00HH for the
//     C1 ones;
//   - a backslash becomes \\, so that the text can be read back exactly.
//
// Text without any of these is written as it is.

// csvTextClean reports whether b needs no escapes.
func csvTextClean(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f || c == '\\' || c >= 0x80 {
			return csvTextCleanSlow(b)
		}
	}
	return true
}

func csvTextCleanSlow(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 || isControl(r) || r == '\\' {
			return false
		}
		b = b[n:]
	}
	return true
}

func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r < 0xa0 }

const hexDigits = "0123456789abcdef"

// appendEscapedText appends b with the escapes above.
func appendEscapedText(dst, b []byte) []byte {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n <= 1:
			dst = append(dst, '\\', 'x', hexDigits[b[0]>>4], hexDigits[b[0]&15])
		case r < 0x80 && isControl(r):
			dst = append(dst, '\\', 'x', hexDigits[r>>4], hexDigits[r&15])
		case isControl(r):
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&15])
		case r == '\\':
			dst = append(dst, '\\', '\\')
		default:
			dst = append(dst, b[:n]...)
		}
		b = b[n:]
	}
	return dst
}

// escapeText is b with the escapes above (b itself when it needs none).
func escapeText(b []byte) []byte {
	if csvTextClean(b) {
		return b
	}
	return appendEscapedText(nil, b)
}

// EscapeText is s with the escapes of the CSV output: valid UTF-8 without
// control characters (see WriteCSV).
func EscapeText(s string) string {
	b := []byte(s)
	if csvTextClean(b) {
		return s
	}
	return string(appendEscapedText(nil, b))
}

// appendCSVText appends text b as one CSV field: escaped, then quoted as
// encoding/csv quotes.
func appendCSVText(dst, b []byte) []byte {
	return appendCSVField(dst, escapeText(b))
}
