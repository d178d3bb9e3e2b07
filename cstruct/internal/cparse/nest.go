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
	var saved []int  // run at each open bracket
	var opened []int // index of each open bracket
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
				opened = append(opened, i)
				run, afterOperand = 0, false
			case ")", "]", "}":
				depth--
				open := -1
				if len(saved) > 0 {
					run, open = saved[len(saved)-1], opened[len(opened)-1]
					saved, opened = saved[:len(saved)-1], opened[:len(opened)-1]
				}
				afterOperand = true
				switch {
				case v == ")" && i+1 < n && (startsOperand(tok(i+1)) || isSign(tok(i+1)) && isTypeName(open+1, i, tok)):
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

// isSign reports whether t is an operator that is unary after a cast and
// binary after an operand: "(int)-x" against "(a)-x".
func isSign(t *lexer.Token) bool {
	return t.Type == lexPunct && (t.Value == "-" || t.Value == "+" || t.Value == "*" || t.Value == "&")
}

// isTypeName reports whether tokens [from, to) are a short type name made
// of C's keywords and stars ("unsigned long", "struct x *"), so that a ")"
// after them ends a cast.
func isTypeName(from, to int, tok func(int) *lexer.Token) bool {
	if from <= 0 || to-from < 1 || to-from > 8 {
		return false
	}
	for i := from; i < to; i++ {
		t := tok(i)
		switch {
		case t.Type == lexPunct && t.Value == "*":
		case t.Type == lexIdent && (typeWords[t.Value] || tagWords[t.Value] || qualifiers[t.Value]):
		case t.Type == lexIdent && i > from && tagWords[tok(i-1).Value]:
		default:
			return false
		}
	}
	return true
}

// tagWords start a tag: "struct x"; the grammar's typeWords are the other
// words of a type name.
var tagWords = map[string]bool{"struct": true, "union": true, "enum": true}

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
