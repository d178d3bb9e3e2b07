package cstruct_test

import (
	"debug/elf"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cstructgo/cstruct/cstruct"
)

// TestRealHeaderELF loads glibc's elf.h unchanged and reads the ELF header
// of a binary on this machine, comparing with debug/elf.
func TestRealHeaderELF(t *testing.T) {
	const header = "/usr/include/elf.h"
	if _, err := os.Stat(header); err != nil {
		t.Skipf("%s not found (install libc6-dev to run this test)", header)
	}
	spec, err := (&cstruct.Config{Natural: true}).ParseFiles(header)
	require.NoError(t, err)

	exe, err := os.Executable()
	require.NoError(t, err)
	data, err := os.ReadFile(exe)
	require.NoError(t, err)
	ef, err := elf.Open(exe)
	require.NoError(t, err)
	defer ef.Close()
	if ef.Class != elf.ELFCLASS64 || ef.Data != elf.ELFDATA2LSB {
		t.Skip("test binary is not a little-endian ELF64 file")
	}

	typ, err := spec.Lookup("Elf64_Ehdr")
	require.NoError(t, err)
	size, err := cstruct.Sizeof(typ)
	require.NoError(t, err)
	assert.EqualValues(t, 64, size)
	hdr, err := spec.Unpack(typ, data)
	require.NoError(t, err)
	field := func(name string) uint64 {
		v, err := hdr.Lookup(name)
		require.NoError(t, err)
		return v.Uint()
	}
	ident, err := hdr.Lookup("e_ident")
	require.NoError(t, err)
	assert.Equal(t, "\x7fELF", string(ident.Bytes()[:4]))
	assert.EqualValues(t, ef.Type, field("e_type"))
	assert.EqualValues(t, ef.Machine, field("e_machine"))
	assert.EqualValues(t, ef.Entry, field("e_entry"))
	assert.EqualValues(t, len(ef.Progs), field("e_phnum"))
	assert.EqualValues(t, len(ef.Sections), field("e_shnum"))
	assert.EqualValues(t, ef.Version, field("e_version"))

	// the section headers, as an array of Elf64_Shdr at e_shoff
	shdr, err := spec.Lookup("Elf64_Shdr")
	require.NoError(t, err)
	shsize, err := cstruct.Sizeof(shdr)
	require.NoError(t, err)
	assert.EqualValues(t, field("e_shentsize"), shsize)
	off := field("e_shoff")
	for i, s := range ef.Sections {
		v, err := spec.UnpackWith(shdr, data[off+uint64(i)*uint64(shsize):], cstruct.Options{Base: int64(off) + int64(i)*shsize})
		require.NoError(t, err)
		get := func(n string) uint64 { f, err := v.Lookup(n); require.NoError(t, err); return f.Uint() }
		assert.EqualValues(t, s.Type, get("sh_type"), s.Name)
		assert.EqualValues(t, s.Offset, get("sh_offset"), s.Name)
		assert.EqualValues(t, s.Size, get("sh_size"), s.Name)
	}
	// constants from #define and macros
	n, ok := spec.Const("EI_NIDENT")
	assert.True(t, ok)
	assert.EqualValues(t, 16, n)
	n, ok = spec.Const("SHT_SYMTAB")
	assert.True(t, ok)
	assert.EqualValues(t, 2, n)
}
