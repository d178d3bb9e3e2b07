package cexpr

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Literal is the value of a literal under the profile's rule, or an
// *Error at the literal saying why it has none (for a caller that
// refuses bad literals before Check, which may defer the error).
func (p *Profile) Literal(l *Lit) (Value, error) {
	v, msg := p.literal(l)
	if msg != "" {
		return Value{}, errorf(l.Pos, "%s", msg)
	}
	return v, nil
}

// literal is the value of a literal under the profile's rule; msg tells
// why it has none.
func (p *Profile) literal(l *Lit) (Value, string) {
	switch p.Literals {
	case LitDescription:
		return descLiteral(l)
	case LitPreprocessor:
		switch l.Kind {
		case FloatLit:
			return Value{}, "floating constant in preprocessor expression"
		case StringLit:
			return Value{}, "string literal in preprocessor expression"
		}
	}
	switch l.Kind {
	case IntLit:
		return p.intLiteral(l.Text)
	case FloatLit:
		return floatLiteral(l.Text)
	case CharLit:
		v, t, msg := charLiteral(l.Text)
		if p.Literals == LitPreprocessor {
			t = IntMax
		}
		return IntValue(t, v), msg
	}
	s, msg := stringLiteral(l.Text)
	return TextValue(s), msg
}

// intLiteral types an integer literal as C (LitC) or #if does.
func (p *Profile) intLiteral(s string) (Value, string) {
	end := len(s)
	for end > 0 && strings.IndexByte("uUlL", s[end-1]) >= 0 {
		end--
	}
	suffix := strings.ToLower(s[end:])
	switch suffix {
	case "", "u", "l", "ul", "lu", "ll", "ull", "llu":
	default:
		return Value{}, fmt.Sprintf("invalid integer constant %q", s)
	}
	digits, base := s[:end], 10
	switch l := strings.ToLower(digits); {
	case strings.HasPrefix(l, "0x"):
		digits, base = digits[2:], 16
	case strings.HasPrefix(l, "0b"):
		digits, base = digits[2:], 2
	case len(digits) > 1 && digits[0] == '0':
		digits, base = digits[1:], 8
	}
	if digits == "" || strings.ContainsAny(digits, "_+-") {
		return Value{}, fmt.Sprintf("invalid integer constant %q", s)
	}
	u, err := strconv.ParseUint(digits, base, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return Value{}, fmt.Sprintf("integer constant %q is too large", s)
		}
		return Value{}, fmt.Sprintf("invalid integer constant %q", s)
	}
	uns := strings.Contains(suffix, "u")
	if p.Literals == LitPreprocessor {
		if uns || u > math.MaxInt64 {
			return IntValue(UIntMax, int64(u)), ""
		}
		return IntValue(IntMax, int64(u)), ""
	}
	// C11 6.4.4.1: the first type of the list that can hold the value;
	// octal, hexadecimal and binary literals may be unsigned.
	long := strings.Contains(suffix, "l")
	any := base != 10
	var list []Type
	switch {
	case uns && long:
		list = []Type{ULong}
	case uns:
		list = []Type{UInt, ULong}
	case long && any:
		list = []Type{Long, ULong}
	case long:
		list = []Type{Long}
	case any:
		list = []Type{Int, UInt, Long, ULong}
	default:
		list = []Type{Int, Long}
	}
	for _, t := range list {
		if t.Unsigned && (t.Bits == 64 || u < 1<<t.Bits) || !t.Unsigned && u < 1<<(t.Bits-1) {
			return IntValue(t, int64(u)), ""
		}
	}
	// too large for any signed type: GCC makes it unsigned long
	return IntValue(ULong, int64(u)), ""
}

func floatLiteral(s string) (Value, string) {
	t := Double
	body := s
	switch l := strings.ToLower(s); {
	case strings.HasSuffix(l, "f") && !strings.HasPrefix(l, "0x") || strings.HasPrefix(l, "0x") && strings.HasSuffix(l, "f") && strings.Contains(l, "p"):
		body, t = s[:len(s)-1], Float
	case strings.HasSuffix(l, "l"):
		body = s[:len(s)-1]
	}
	if strings.Contains(body, "_") {
		return Value{}, fmt.Sprintf("invalid floating constant %q", s)
	}
	f, err := strconv.ParseFloat(body, 64)
	if err != nil && !isRangeErr(err) {
		return Value{}, fmt.Sprintf("invalid floating constant %q", s)
	}
	if t == Float {
		f32, err := strconv.ParseFloat(body, 32)
		if err != nil && !isRangeErr(err) {
			return Value{}, fmt.Sprintf("invalid floating constant %q", s)
		}
		f = f32
	}
	return FloatValue(t, f), ""
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// charLiteral is the value of a character constant, as GCC computes it
// for x86-64: a plain one-character constant is a char (signed), several
// are combined base 256 into an int, a prefixed one (L, u, U) has the
// value of its last character and the type wchar_t (int), char16_t or
// char32_t.
func charLiteral(lit string) (v int64, t Type, msg string) {
	q := strings.IndexByte(lit, '\'')
	if q < 0 || len(lit) < q+3 || lit[len(lit)-1] != '\'' {
		if len(lit) == q+2 {
			return 0, Int, "empty character constant"
		}
		return 0, Int, fmt.Sprintf("invalid character constant %s", lit)
	}
	t = Int
	switch lit[:q] {
	case "u":
		t = UShort
	case "U":
		t = UInt
	}
	wide := q > 0
	body := lit[q+1 : len(lit)-1]
	n := 0
	for body != "" {
		var c int64
		switch {
		case body[0] == '\\' && len(body) > 1:
			c, body = unescape(body[1:])
		case wide:
			r, size := utf8.DecodeRuneInString(body)
			c, body = int64(r), body[size:]
		default:
			c, body = int64(body[0]), body[1:]
		}
		if wide {
			v = c
		} else {
			v = v<<8 | c&0xff
		}
		n++
	}
	if n == 1 && !wide {
		v = int64(int8(v))
	}
	return norm(t, v), t, ""
}

// unescape decodes the escape sequence at the start of s (after the
// backslash) and returns its value and the rest of s. An unknown escape
// stands for its character, as in GCC.
func unescape(s string) (int64, string) {
	switch c := s[0]; c {
	case 'n':
		return '\n', s[1:]
	case 't':
		return '\t', s[1:]
	case 'r':
		return '\r', s[1:]
	case 'a':
		return '\a', s[1:]
	case 'b':
		return '\b', s[1:]
	case 'f':
		return '\f', s[1:]
	case 'v':
		return '\v', s[1:]
	case 'e', 'E':
		return 27, s[1:]
	case 'x', 'u', 'U':
		n := len(s) // how many hex digits may follow
		switch c {
		case 'u':
			n = 5
		case 'U':
			n = 9
		}
		var v int64
		i := 1
		for ; i < len(s) && i < n && isHex(s[i]); i++ {
			d, _ := strconv.ParseInt(s[i:i+1], 16, 64)
			v = v<<4 | d
		}
		if i == 1 {
			return int64(c), s[1:]
		}
		return v, s[i:]
	case '0', '1', '2', '3', '4', '5', '6', '7':
		var v int64
		i := 0
		for ; i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '7'; i++ {
			v = v<<3 | int64(s[i]-'0')
		}
		return v, s[i:]
	}
	return int64(s[0]), s[1:]
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// stringLiteral is the bytes of a C string literal (the prefix ignored).
func stringLiteral(lit string) (string, string) {
	q := strings.IndexByte(lit, '"')
	body := lit[q+1 : len(lit)-1]
	if !strings.Contains(body, "\\") {
		return body, ""
	}
	var b []byte
	for body != "" {
		if body[0] == '\\' && len(body) > 1 {
			var c int64
			c, body = unescape(body[1:])
			if c > 0xff {
				b = utf8.AppendRune(b, rune(c))
			} else {
				b = append(b, byte(c))
			}
			continue
		}
		b = append(b, body[0])
		body = body[1:]
	}
	return string(b), ""
}

// descLiteral reads the description language's literals.
func descLiteral(l *Lit) (Value, string) {
	text := l.Text
	switch l.Kind {
	case IntLit, FloatLit:
		hex := len(text) > 1 && (text[1] == 'x' || text[1] == 'X')
		if !hex && strings.ContainsAny(text, ".eE+-") {
			f, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return Value{}, fmt.Sprintf("bad number %q", text)
			}
			return FloatValue(Double, f), ""
		}
		n, err := strconv.ParseInt(text, 0, 64)
		if err != nil || strings.Contains(text, "_") {
			return Value{}, fmt.Sprintf("bad number %q", text)
		}
		return IntValue(Long, n), ""
	case CharLit:
		s := UnquoteDesc(text)
		if len(s) != 1 || text[0] != '\'' {
			return Value{}, fmt.Sprintf("bad character literal %s", text)
		}
		return IntValue(Long, int64(int8(s[0]))), ""
	}
	if text[0] != '"' {
		return Value{}, fmt.Sprintf("bad string literal %s", text)
	}
	return TextValue(UnquoteDesc(text)), ""
}

// UnquoteDesc returns the text of a description's character or string
// literal, quotes included in lit: \n \t \r \0, and a backslash before any
// other character is that character (a byte at a time, so before a
// multi-byte character it keeps the whole character). A backslash at the
// end, which the lexers never let through, stays a backslash.
func UnquoteDesc(lit string) string {
	s := lit[1 : len(lit)-1]
	if !strings.Contains(s, "\\") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch c = s[i]; c {
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			case 'r':
				c = '\r'
			case '0':
				c = 0
			}
		}
		b = append(b, c)
	}
	return string(b)
}
