package cparse

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// parseText preprocesses and parses src.
func parseText(src string) error {
	res, err := Preprocess("n.h", []byte(src), Options{})
	if err != nil {
		return err
	}
	_, err = Parse(res.Tokens)
	return err
}

// TestNesting checks that every recursive production counts toward the
// nesting bound, with the position of the first token past it, and that
// long flat chains do not.
func TestNesting(t *testing.T) {
	deep := map[string]string{
		"char a[" + strings.Repeat("!", 400000) + "0];":                                                         "n.h:1:263: nesting too deep (more than 256 levels)",
		"char a[" + strings.Repeat("- ", 300) + "1];":                                                           "n.h:1:518: nesting too deep (more than 256 levels)",
		"char a[" + strings.Repeat("(int)", 300) + "1];":                                                        "n.h:1:1287: nesting too deep (more than 256 levels)",
		"char a[" + strings.Repeat("sizeof ", 300) + "x];":                                                      "n.h:1:1793: nesting too deep (more than 256 levels)",
		"char a[" + strings.Repeat("(int)-", 200) + "1];":                                                       "n.h:1:775: nesting too deep (more than 256 levels)",
		"char a[" + strings.Repeat("(unsigned long)&", 200) + "1];":                                             "n.h:1:2055: nesting too deep (more than 256 levels)",
		"int " + strings.Repeat("*", 300) + "p;":                                                                "n.h:1:261: nesting too deep (more than 256 levels)",
		"int " + strings.Repeat("* const ", 300) + "p;":                                                         "n.h:1:2053: nesting too deep (more than 256 levels)",
		"char a" + strings.Repeat("[1]", 300) + ";":                                                             "n.h:1:777: nesting too deep (more than 256 levels)",
		"int " + strings.Repeat("(", 300) + "p" + strings.Repeat(")", 300) + ";":                                "n.h:1:261: nesting too deep (more than 256 levels)",
		strings.Repeat("struct { ", 300) + "int x;" + strings.Repeat("} a;", 300):                               "n.h:1:2312: nesting too deep (more than 256 levels)",
		"char a[" + strings.Repeat("(", 200) + strings.Repeat("!", 100) + "0" + strings.Repeat(")", 200) + "];": "n.h:1:263: nesting too deep (more than 256 levels)",
	}
	for src, want := range deep {
		err := parseText(src)
		if assert.Error(t, err, src[:min(len(src), 40)]) {
			assert.Equal(t, want, err.Error(), src[:min(len(src), 40)])
		}
	}
	flat := []string{
		"char a[" + strings.Repeat("1 * ", 900) + "1];",
		"char a[" + strings.Repeat("1 - -1 + ", 450) + "1];",
		"char a[" + strings.Repeat("(1) + (a) - sizeof(int) * ", 300) + "1];",
		"char a[" + strings.Repeat("!", 200) + "0 + " + strings.Repeat("!", 200) + "0];",
		"char a" + strings.Repeat("[1]", 200) + ";",
		"int " + strings.Repeat("*", 200) + "p;",
		"char a[" + strings.Repeat("(a)-(b)*", 300) + "1];",
		"char a[(unsigned long)-1 + (int)+2 - (a)*(b) + (c)&(d) + (size_t)-1];",
		strings.Repeat("int *a; ", 5000),
	}
	for _, src := range flat {
		assert.NoError(t, parseText(src), src[:min(len(src), 40)])
	}
}
