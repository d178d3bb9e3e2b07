package cstruct

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestV55Hexdump is dissect's hexdump vector: the line format and autoskip.
func TestV55Hexdump(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Hexdump(&b, make([]byte, 16), 0, false))
	assert.Equal(t, "00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00   ................\n", b.String())

	data := append(append(bytes.Repeat([]byte("A"), 16), make([]byte, 48)...), bytes.Repeat([]byte("B"), 16)...)
	b.Reset()
	require.NoError(t, Hexdump(&b, data, 0, true))
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 4)
	assert.True(t, strings.HasPrefix(lines[0], "00000000  41 41"))
	assert.True(t, strings.HasPrefix(lines[1], "00000010  00 00"))
	assert.Equal(t, "*", lines[2])
	assert.True(t, strings.HasPrefix(lines[3], "00000040  42 42"))
	assert.True(t, strings.HasSuffix(lines[3], "BBBBBBBBBBBBBBBB"))

	// a short last line is padded so that the ASCII column lines up; offsets count from base
	b.Reset()
	require.NoError(t, Hexdump(&b, []byte("hi\x00"), 0x1000, false))
	assert.Equal(t, "00001000  68 69 00"+strings.Repeat(" ", 3*13+1+1)+"  hi.\n", b.String())
}

// TestHexdumpAutoskipDissect checks the autoskip rule on the cases of
// dissect's own tests: only interior zero lines after an interior zero line
// collapse, one "*" per run; without autoskip every line is printed.
func TestHexdumpAutoskipDissect(t *testing.T) {
	line := func(c byte) []byte { return bytes.Repeat([]byte{c}, 16) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	z := line(0)
	for _, tc := range []struct {
		name     string
		data     []byte
		autoskip bool
		want     []string // line starts; "*" for a skip line
	}{
		{"48 zero bytes", cat(z, z, z), true, []string{"00000000", "00000010", "00000020"}},
		{"interior run", cat(line('A'), z, z, z, line('B')), true, []string{"00000000", "00000010", "*", "00000040"}},
		{"two runs", cat(line('A'), z, z, line('B'), z, z, line('C')), true,
			[]string{"00000000", "00000010", "*", "00000030", "00000040", "*", "00000060"}},
		{"one interior zero line", cat(line('A'), z, line('B')), true, []string{"00000000", "00000010", "00000020"}},
		{"no autoskip", cat(line('A'), z, z, z, line('B')), false,
			[]string{"00000000", "00000010", "00000020", "00000030", "00000040"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, Hexdump(&b, tc.data, 0, tc.autoskip))
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			require.Len(t, lines, len(tc.want), b.String())
			for i, w := range tc.want {
				if w == "*" {
					assert.Equal(t, "*", lines[i])
				} else {
					assert.True(t, strings.HasPrefix(lines[i], w+"  "), lines[i])
				}
			}
		})
	}
}
