package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), code
}

const msgDefs = `
enum kind : uint8 { PING = 1, DATA = 2 };
struct msg { kind type; uint16 len; char data[len]; };`

func TestDumpJSON(t *testing.T) {
	dir := t.TempDir()
	defs := filepath.Join(dir, "msg.h")
	require.NoError(t, os.WriteFile(defs, []byte(msgDefs), 0o644))
	data := "\x00\x00\x02\x03\x00abc\x01\x00\x00\x09"
	out, stderr, code := runCLI(t, data, "dump", "-f", defs, "-t", "struct msg", "-o", "0x2", "-n", "2", "--json", "-")
	require.Equal(t, 0, code, stderr)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	var first map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	assert.Equal(t, map[string]any{"type": "DATA", "len": 3.0, "data": "abc"}, first)
	assert.Equal(t, `{"type":"PING","len":0,"data":""}`, lines[1])

	// the third record is cut short: the data printed so far stays, and the
	// error names the record, field and offset
	out, stderr, code = runCLI(t, data, "dump", "-f", defs, "-t", "msg", "-o", "2", "-n", "3", "--json", "-")
	assert.Equal(t, 1, code)
	assert.Equal(t, 2, strings.Count(out, "\n"))
	assert.Contains(t, stderr, "record 2")
	assert.Contains(t, stderr, "offset 0xc")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line on stderr")
}

func TestDumpListing(t *testing.T) {
	out, stderr, code := runCLI(t, "\x34\x12cpu\x00\x00\x00\x15", "dump", "-e", "struct t { uint16 id; char name[6]; uint8 flags:3, level:5; };", "-t", "t", "--table", "-")
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, out, "struct t #0 at offset 0x0 (9 bytes)")
	assert.Contains(t, out, `name = "cpu"`)
	assert.Contains(t, out, "0x0008.3     5:b  uint8                    level = 2")
}

func TestDumpErrors(t *testing.T) {
	_, stderr, code := runCLI(t, "", "dump", "-e", "struct t {\n  uint32 a;\n  bogus b;\n};", "-t", "t", "-")
	assert.Equal(t, 1, code)
	assert.Equal(t, "cstruct: <expr 1>:3:3: unknown type \"bogus\"\n", stderr)
	_, stderr, code = runCLI(t, "", "dump", "-e", "struct t { uint32 a; };", "-t", "nope", "-")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, `type "nope" not found (defined: struct t)`)
	_, stderr, code = runCLI(t, "\x01\x02", "dump", "-e", "struct t { uint32 a; };", "-t", "t", "-")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "unexpected EOF")
	_, _, code = runCLI(t, "", "dump", "-e", "struct t { uint32 a; };", "-t", "t", "--endian", "middle", "-")
	assert.Equal(t, 2, code)
}

func TestDumpBigEndianNatural(t *testing.T) {
	out, stderr, code := runCLI(t, "\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x2a", "dump", "--natural", "--endian", "big",
		"-e", "struct s { char c; long l; };", "-t", "s", "--json", "-")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, `{"c":"\u0001","l":42}`+"\n", out)
}

func TestLayout(t *testing.T) {
	out, stderr, code := runCLI(t, "", "layout", "--natural", "-e", "struct s { char c; long l; short x:3; };", "-t", "s")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, `struct s  size 24  align 8
  0x0000       1  char                     c
  0x0001       7                           (padding)
  0x0008       8  long                     l
  0x0010.0   3:b  int16                    x
  0x0011       7                           (padding)

`, out)
}

func TestDumpIncludesAndDefines(t *testing.T) {
	dir := t.TempDir()
	inc := filepath.Join(dir, "inc")
	require.NoError(t, os.MkdirAll(inc, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(inc, "common.h"), []byte("#pragma once\ntypedef uint16 id_t16;\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.h"), []byte(`#include "common.h"
#include <stdint.h>
#ifndef N
#error N must be given
#endif
struct rec { id_t16 id; uint8 v[N]; };`), 0o644))
	out, stderr, code := runCLI(t, "\x07\x00\x01\x02\x03", "dump", "-f", filepath.Join(dir, "main.h"), "-I", inc, "-D", "N=3", "-t", "rec", "--json", "-")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, `{"id":7,"v":[1,2,3]}`+"\n", out)
	_, stderr, code = runCLI(t, "", "dump", "-f", filepath.Join(dir, "main.h"), "-I", inc, "-t", "rec", "-")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "main.h:4:2: #error N must be given")
}

func TestDumpHexdump(t *testing.T) {
	out, stderr, code := runCLI(t, "xx\x34\x12cpu\x00\x00\x00\x15", "dump", "-e", "struct t { uint16 id; char name[6]; uint8 flags; };", "-t", "t", "-o", "2", "--table", "--hexdump", "-")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, `struct t #0 at offset 0x2 (9 bytes)
00000002  34 12 63 70 75 00 00 00  15                        4.cpu....

0x0002         2  uint16                   id = 4660
0x0004         6  char [6]                 name = "cpu"
0x000a         1  uint8                    flags = 21
`, out)
}
