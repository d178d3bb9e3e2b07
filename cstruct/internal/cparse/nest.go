package cparse

import (
	"fmt"

	"github.com/alecthomas/participle/v2/lexer"
)

// maxDepth bounds nesting, so that hostile text cannot make the
// recursive-descent parsers use unbounded stack, nor cost much before they
// fail: brackets, and in the same count the chains of prefix operators,
// casts, pointer stars and array dimensions ("!!!!x", "(int)(int)x",
// "int ***p", "a[1][2][3]") that each nest a production in the one before.
const maxDepth = 256

// nestCheck finds, in one linear pass over n tokens (tok(i) is the i-th),
// the first place where brackets and prefix chains together nest deeper
// than maxDepth. It looks only at tokens, so it errs on the side of
// counting: a "*" after a "*" counts whether it is a star of a declarator
// or a prefix operator, and a ")" followed by an operand counts as a cast.
// Binary operators, ",", ";" and the like end a chain.
func nestCheck(n int, tok func(int) *lexer.Token) *Error {
	depth, run := 0, 0
	var saved []int // run at each open bracket
	afterOperand := false
	for i := 0; i < n; i++ {
		t := tok(i)
		switch t.Type {
		case lexIdent:
			if qualifiers[t.Value] {
				break // "* const *" is one chain
			}
			if t.Value == "sizeof" || t.Value == "_Alignof" || t.Value == "__alignof__" || t.Value == "alignof" {
				run++
				afterOperand = false
			} else {
				afterOperand = true
			}
		case lexInt, lexFloat, lexChar, lexString:
			afterOperand = true
		case lexPunct:
			switch v := t.Value; v {
			case "(", "[", "{":
				depth++
				saved = append(saved, run)
				run, afterOperand = 0, false
			case ")", "]", "}":
				depth--
				if len(saved) > 0 {
					run = saved[len(saved)-1]
					saved = saved[:len(saved)-1]
				}
				afterOperand = true
				switch {
				case v == ")" && i+1 < n && startsOperand(tok(i+1)):
					run++ // a cast: "(int)x", "(int)(x)", "(int)-x"
					afterOperand = false
				case v == "]" && i+1 < n && tok(i+1).Value == "[" && tok(i+1).Type == lexPunct:
					run++ // an array dimension: "a[1][2]"
				}
			case "!", "~", "-", "+", "*", "&", "++", "--":
				if afterOperand {
					run = 0 // a binary operator
				}
				if !afterOperand || v == "*" {
					run++
				}
				afterOperand = false
			default:
				run, afterOperand = 0, false
			}
		}
		if depth+run > maxDepth {
			return &Error{Pos: t.Pos, Msg: fmt.Sprintf("nesting too deep (more than %d levels)", maxDepth)}
		}
	}
	return nil
}

// qualifiers may stand between the stars of a declarator.
var qualifiers = map[string]bool{"const": true, "volatile": true, "restrict": true, "__restrict": true, "__const": true, "_Atomic": true}

// startsOperand reports whether t, after a ")", makes it the end of a cast.
// "-", "+", "*" and "&" do not: "(a) - b" is far more common than
// "(int) -b" (a chain of those is left to the parsers' own bound).
func startsOperand(t *lexer.Token) bool {
	switch t.Type {
	case lexIdent, lexInt, lexFloat, lexChar, lexString:
		return true
	case lexPunct:
		switch t.Value {
		case "(", "!", "~":
			return true
		}
	}
	return false
}
