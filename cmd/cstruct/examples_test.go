package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"debug/elf"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The example definitions of defs/examples, each read against files real
// tools made and against those tools' own view of them.

func loadExample(t *testing.T, name string) *cstruct.Spec {
	t.Helper()
	spec := cstruct.NewSpec(cstruct.Config{})
	require.NoError(t, spec.LoadFile(filepath.Join("../../defs/examples", name)))
	return spec
}

func unpackAt(t *testing.T, spec *cstruct.Spec, typ string, data []byte, off int64) cstruct.Value {
	t.Helper()
	ty, err := spec.Lookup(typ)
	require.NoError(t, err)
	require.LessOrEqual(t, off, int64(len(data)))
	v, err := spec.UnpackWith(ty, data[off:], cstruct.Options{Base: off})
	require.NoError(t, err, "%s at %#x", typ, off)
	return v
}

func field(t *testing.T, v cstruct.Value, path string) cstruct.Value {
	t.Helper()
	f, err := v.Lookup(path)
	require.NoError(t, err)
	return f
}

func u64(t *testing.T, v cstruct.Value, path string) uint64 { return field(t, v, path).Uint() }

// TestExampleELF reads ELF files the linkers of the machine made (gcc's
// tiny.elf, this test's own binary from Go's linker) with elf64.h, and
// compares every header with debug/elf's, and the program headers with
// readelf's when it is installed.
func TestExampleELF(t *testing.T) {
	spec := loadExample(t, "elf64.h")
	self, err := os.Executable()
	require.NoError(t, err)
	for _, path := range []string{tinyELF, self} {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		f, err := elf.Open(path)
		require.NoError(t, err)
		defer f.Close()
		h := unpackAt(t, spec, "Elf64_Ehdr", data, 0)
		assert.Equal(t, "\x7fELF", field(t, h, "e_ident.magic").Text())
		assert.Equal(t, uint64(f.Class), u64(t, h, "e_ident.ei_class"))
		assert.Equal(t, uint64(f.Type), u64(t, h, "e_type"))
		assert.Equal(t, uint64(f.Machine), u64(t, h, "e_machine"))
		assert.Equal(t, f.Entry, u64(t, h, "e_entry"))
		require.Equal(t, uint64(len(f.Progs)), u64(t, h, "e_phnum"))
		require.Equal(t, uint64(len(f.Sections)), u64(t, h, "e_shnum"))

		var phdrs []cstruct.Value
		for i, p := range f.Progs {
			ph := unpackAt(t, spec, "Elf64_Phdr", data, int64(u64(t, h, "e_phoff"))+int64(i)*int64(u64(t, h, "e_phentsize")))
			phdrs = append(phdrs, ph)
			assert.Equal(t, uint64(p.Type), u64(t, ph, "p_type"), "%s phdr %d", path, i)
			assert.Equal(t, uint64(p.Flags), u64(t, ph, "p_flags"))
			assert.Equal(t, p.Off, u64(t, ph, "p_offset"))
			assert.Equal(t, p.Vaddr, u64(t, ph, "p_vaddr"))
			assert.Equal(t, p.Paddr, u64(t, ph, "p_paddr"))
			assert.Equal(t, p.Filesz, u64(t, ph, "p_filesz"))
			assert.Equal(t, p.Memsz, u64(t, ph, "p_memsz"))
			assert.Equal(t, p.Align, u64(t, ph, "p_align"))
		}
		shoff, shentsize := int64(u64(t, h, "e_shoff")), int64(u64(t, h, "e_shentsize"))
		strtab := unpackAt(t, spec, "Elf64_Shdr", data, shoff+int64(u64(t, h, "e_shstrndx"))*shentsize)
		for i, s := range f.Sections {
			sh := unpackAt(t, spec, "Elf64_Shdr", data, shoff+int64(i)*shentsize)
			name := data[u64(t, strtab, "sh_offset")+u64(t, sh, "sh_name"):]
			assert.Equal(t, s.Name, string(name[:bytes.IndexByte(name, 0)]), "%s section %d", path, i)
			assert.Equal(t, uint64(s.Type), u64(t, sh, "sh_type"), s.Name)
			assert.Equal(t, uint64(s.Flags), u64(t, sh, "sh_flags"), s.Name)
			assert.Equal(t, s.Addr, u64(t, sh, "sh_addr"))
			assert.Equal(t, s.Offset, u64(t, sh, "sh_offset"))
			assert.Equal(t, s.FileSize, u64(t, sh, "sh_size"))
			assert.Equal(t, uint64(s.Link), u64(t, sh, "sh_link"))
			assert.Equal(t, uint64(s.Info), u64(t, sh, "sh_info"))
			assert.Equal(t, s.Addralign, u64(t, sh, "sh_addralign"))
			assert.Equal(t, s.Entsize, u64(t, sh, "sh_entsize"))
		}
		compareReadelf(t, path, phdrs)
	}
}

// compareReadelf compares the program headers with readelf -lW's table:
// type name, offset, addresses, sizes.
func compareReadelf(t *testing.T, path string, phdrs []cstruct.Value) {
	readelf, err := exec.LookPath("readelf")
	if err != nil {
		t.Log("readelf is not installed (binutils): program headers checked against debug/elf only")
		return
	}
	out, err := exec.Command(readelf, "-lW", path).Output()
	require.NoError(t, err)
	row := regexp.MustCompile(`^\s+([A-Z_]+)\s+(0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) (0x[0-9a-f]+) `)
	var rows [][]string
	for _, line := range strings.Split(string(out), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			rows = append(rows, m[1:])
		}
	}
	require.Len(t, rows, len(phdrs), "readelf -lW %s:\n%s", path, out)
	for i, r := range rows {
		name, ok := field(t, phdrs[i], "p_type").EnumName()
		if ok {
			assert.Equal(t, "PT_"+r[0], name, "%s phdr %d", path, i)
		}
		for j, p := range []string{"p_offset", "p_vaddr", "p_paddr", "p_filesz", "p_memsz"} {
			n, err := strconv.ParseUint(r[j+1], 0, 64)
			require.NoError(t, err)
			assert.Equal(t, n, u64(t, phdrs[i], p), "%s phdr %d %s", path, i, p)
		}
	}
}

// TestExampleUtmp builds a wtmp file with utmpdump -r from
// testdata/wtmp.txt and reads it with utmp.h, against utmpdump's view of
// the file it made; the layout against gcc's of glibc's struct utmp.
func TestExampleUtmp(t *testing.T) {
	utmpdump, err := exec.LookPath("utmpdump")
	if err != nil {
		t.Skip("utmpdump is not installed (util-linux)")
	}
	spec := loadExample(t, "utmp.h")
	text, err := os.Open("testdata/wtmp.txt")
	require.NoError(t, err)
	defer text.Close()
	wtmp := filepath.Join(t.TempDir(), "wtmp")
	cmd := exec.Command(utmpdump, "-r", "-o", wtmp)
	cmd.Stdin = text
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	cmd = exec.Command(utmpdump, wtmp)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	view, err := cmd.Output()
	require.NoError(t, err)
	data, err := os.ReadFile(wtmp)
	require.NoError(t, err)
	utmp, err := spec.Lookup("utmp")
	require.NoError(t, err)
	require.EqualValues(t, 384, utmp.Size())

	brackets := regexp.MustCompile(`\[([^\]]*)\]`)
	lines := strings.Split(strings.TrimSpace(string(view)), "\n")
	require.Len(t, lines, len(data)/384)
	require.Equal(t, 6, len(lines))
	for i, line := range lines {
		m := brackets.FindAllStringSubmatch(line, -1)
		require.Len(t, m, 8, line)
		want := make([]string, 8)
		for j := range m {
			want[j] = strings.TrimSpace(m[j][1])
		}
		v := unpackAt(t, spec, "utmp", data, int64(i)*384)
		addr := field(t, v, "ut_addr_v6").Bytes()
		ip := net.IP(addr)
		if bytes.Equal(addr[4:], make([]byte, 12)) {
			ip = net.IP(addr[:4])
		}
		sec, usec := field(t, v, "ut_tv.tv_sec").Int(), field(t, v, "ut_tv.tv_usec").Int()
		got := []string{
			fmt.Sprint(field(t, v, "ut_type").Int()),
			fmt.Sprintf("%05d", field(t, v, "ut_pid").Int()),
			strings.TrimSpace(field(t, v, "ut_id").Text()),
			field(t, v, "ut_user").Text(),
			field(t, v, "ut_line").Text(),
			field(t, v, "ut_host").Text(),
			ip.String(),
			time.Unix(sec, usec*1000).UTC().Format("2006-01-02T15:04:05,000000+00:00"),
		}
		assert.Equal(t, want, got, "record %d", i)
	}
	// the kinds utmpdump printed as numbers, by name
	v := unpackAt(t, spec, "utmp", data, 3*384)
	name, _ := field(t, v, "ut_type").EnumName()
	assert.Equal(t, "USER_PROCESS", name)

	// glibc's struct utmp, as gcc lays it out
	gccOffsets(t, "utmp.h", "struct utmp", utmp, map[string]string{
		"ut_type": "ut_type", "ut_pid": "ut_pid", "ut_line": "ut_line", "ut_id": "ut_id", "ut_user": "ut_user",
		"ut_host": "ut_host", "ut_exit": "ut_exit", "ut_session": "ut_session", "ut_tv": "ut_tv",
		"ut_addr_v6": "ut_addr_v6", "__unused": "__glibc_reserved",
	})
}

// gccOffsets compares the size and field offsets of t with those gcc gives
// the C type of header (our field name → the header's).
func gccOffsets(t *testing.T, header, ctype string, typ cstruct.Type, fields map[string]string) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Log("gcc is not installed: layout not checked against it")
		return
	}
	dir := t.TempDir()
	var src strings.Builder
	fmt.Fprintf(&src, "#include <stdio.h>\n#include <stddef.h>\n#include <%s>\nint main(void) {\n\tprintf(\"size %%zu\\n\", sizeof(%s));\n", header, ctype)
	for ours, theirs := range fields {
		fmt.Fprintf(&src, "\tprintf(\"%s %%zu\\n\", offsetof(%s, %s));\n", ours, ctype, theirs)
	}
	src.WriteString("\treturn 0;\n}\n")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.c"), []byte(src.String()), 0o644))
	if out, err := exec.Command(gcc, "-o", filepath.Join(dir, "p"), filepath.Join(dir, "p.c")).CombinedOutput(); err != nil {
		t.Logf("gcc cannot build against <%s> (libc6-dev?): %s", header, out)
		return
	}
	out, err := exec.Command(filepath.Join(dir, "p")).Output()
	require.NoError(t, err)
	st, ok := cstruct.As[*cstruct.Struct](typ)
	require.True(t, ok)
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		name, n, _ := strings.Cut(sc.Text(), " ")
		want, _ := strconv.ParseInt(n, 10, 64)
		if name == "size" {
			assert.Equal(t, want, typ.Size(), "sizeof(%s)", ctype)
			continue
		}
		f, _, ok := st.FieldByName(name)
		require.True(t, ok, name)
		assert.Equal(t, want, f.Offset, "offsetof(%s, %s)", ctype, fields[name])
	}
}

// TestExampleGzip compresses a file with gzip and reads the member's
// header, name and trailer with gzip.h, against compress/gzip's header
// and gzip -lv's CRC and size.
func TestExampleGzip(t *testing.T) {
	gz, err := exec.LookPath("gzip")
	if err != nil {
		t.Skip("gzip is not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.txt")
	content := bytes.Repeat([]byte("hello gzip world\n"), 50)
	require.NoError(t, os.WriteFile(src, content, 0o644))
	mtime := time.Date(2026, 11, 20, 12, 34, 56, 0, time.UTC)
	require.NoError(t, os.Chtimes(src, mtime, mtime))
	out, err := exec.Command(gz, "-k", src).CombinedOutput()
	require.NoError(t, err, "%s", out)
	data, err := os.ReadFile(src + ".gz")
	require.NoError(t, err)

	spec := loadExample(t, "gzip.h")
	h := unpackAt(t, spec, "gzip_header", data, 0)
	zr, err := gzip.NewReader(bytes.NewReader(data))
	require.NoError(t, err)
	assert.EqualValues(t, 0x1f, u64(t, h, "id1"))
	assert.EqualValues(t, 0x8b, u64(t, h, "id2"))
	assert.Equal(t, zr.ModTime.Unix(), int64(u64(t, h, "mtime")))
	assert.Equal(t, mtime.Unix(), int64(u64(t, h, "mtime")))
	assert.Equal(t, uint64(zr.OS), u64(t, h, "os"))
	flags, _ := field(t, h, "flg").EnumName()
	assert.Equal(t, "FNAME", flags)
	name := unpackAt(t, spec, "gzip_name", data, 10)
	assert.Equal(t, zr.Name, field(t, name, "name").Text())
	assert.Equal(t, "hello.txt", zr.Name)

	tr := unpackAt(t, spec, "gzip_trailer", data, int64(len(data)-8))
	assert.Equal(t, uint64(crc32.ChecksumIEEE(content)), u64(t, tr, "crc32"))
	assert.Equal(t, uint64(len(content)), u64(t, tr, "isize"))
	out, err = exec.Command(gz, "-lv", src+".gz").Output()
	require.NoError(t, err)
	fields := strings.Fields(strings.Split(strings.TrimSpace(string(out)), "\n")[1])
	assert.Equal(t, fmt.Sprintf("%08x", u64(t, tr, "crc32")), fields[1], "gzip -lv:\n%s", out)
	assert.Equal(t, fmt.Sprint(u64(t, tr, "isize")), fields[6], "gzip -lv:\n%s", out)
}

// TestExamplePcap captures three UDP datagrams on the loopback with
// tcpdump -w and reads the file with pcap.h, against tcpdump -r's view:
// timestamps, addresses, ports, lengths.
func TestExamplePcap(t *testing.T) {
	tcpdump, err := exec.LookPath("tcpdump")
	if err != nil {
		t.Skip("tcpdump is not installed (Debian package tcpdump)")
	}
	dir := t.TempDir()
	capture := filepath.Join(dir, "lo.pcap")
	// a port of our own: bind it first, then capture what is sent to it
	sink, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer sink.Close()
	port := sink.LocalAddr().(*net.UDPAddr).Port
	cmd := exec.Command(tcpdump, "-i", "lo", "-n", "-U", "-Z", "root", "-c", "3", "-w", capture, "udp", "dst", "port", fmt.Sprint(port))
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	if err := cmd.Start(); err != nil {
		t.Skipf("tcpdump cannot start: %v", err)
	}
	defer cmd.Process.Kill()
	listening := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		var all strings.Builder
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "listening on") {
				listening <- ""
			}
		}
		listening <- all.String()
	}()
	select {
	case msg := <-listening:
		if msg != "" {
			t.Skipf("tcpdump cannot capture on lo here: %s", msg)
		}
	case <-time.After(10 * time.Second):
		t.Skip("tcpdump did not start listening on lo in 10 s")
	}
	conn, err := net.Dial("udp4", sink.LocalAddr().String())
	require.NoError(t, err)
	defer conn.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for i := 0; ; i++ {
		fmt.Fprintf(conn, "hello %d", i)
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(50 * time.Millisecond):
			if i < 100 {
				continue
			}
			t.Skip("tcpdump saw none of 100 datagrams on lo")
		}
		break
	}
	view, err := exec.Command(tcpdump, "-r", capture, "-tt", "-n").Output()
	require.NoError(t, err)
	data, err := os.ReadFile(capture)
	require.NoError(t, err)

	spec := loadExample(t, "pcap.h")
	fh := unpackAt(t, spec, "pcap_file_header", data, 0)
	assert.EqualValues(t, 0xa1b2c3d4, u64(t, fh, "magic"))
	link, _ := field(t, fh, "linktype").EnumName()
	assert.Equal(t, "LINKTYPE_ETHERNET", link)
	// 1796123273.596205 IP 127.0.0.1.49181 > 127.0.0.1.39999: UDP, length 8
	line := regexp.MustCompile(`^(\d+)\.(\d{6}) IP ([\d.]+)\.(\d+) > ([\d.]+)\.(\d+): UDP, length (\d+)$`)
	lines := strings.Split(strings.TrimSpace(string(view)), "\n")
	require.Len(t, lines, 3, "%s", view)
	off := int64(24)
	for i, l := range lines {
		m := line.FindStringSubmatch(l)
		require.NotNil(t, m, l)
		rec := unpackAt(t, spec, "pcap_record", data, off)
		pkt := unpackAt(t, spec, "eth_ipv4_udp", data, off+16)
		ip := func(path string) string { return net.IP(field(t, pkt, path).Bytes()).String() }
		got := []string{
			fmt.Sprint(u64(t, rec, "ts_sec")), fmt.Sprintf("%06d", u64(t, rec, "ts_usec")),
			ip("ip.saddr"), fmt.Sprint(u64(t, pkt, "udp.source")),
			ip("ip.daddr"), fmt.Sprint(u64(t, pkt, "udp.dest")),
			fmt.Sprint(u64(t, pkt, "udp.len") - 8),
		}
		assert.Equal(t, m[1:], got, "packet %d", i)
		assert.Equal(t, fmt.Sprintf("hello %d", i), string(field(t, pkt, "payload").Bytes()))
		assert.EqualValues(t, 4, u64(t, pkt, "ip.version"))
		proto, _ := field(t, pkt, "ip.protocol").EnumName()
		assert.Equal(t, "IPPROTO_UDP", proto)
		assert.Equal(t, u64(t, rec, "incl_len"), uint64(pkt.Size()))
		off += rec.Size()
	}
	assert.Equal(t, int64(len(data)), off)
}

// TestExamplePNG writes an image with image/png's encoder and reads every
// chunk with png.h to IEND: the CRC of each against hash/crc32, IHDR
// against image/png's DecodeConfig and file(1)'s description, and the
// IDAT data inflated to the image's filtered rows.
func TestExamplePNG(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 8))
	for x := 0; x < 16; x++ {
		img.Set(x, x%8, color.NRGBA{R: 255, A: 255})
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	data := buf.Bytes()
	path := filepath.Join(t.TempDir(), "img.png")
	require.NoError(t, os.WriteFile(path, data, 0o644))

	spec := loadExample(t, "png.h")
	assert.Equal(t, []byte("\x89PNG\r\n\x1a\n"), field(t, unpackAt(t, spec, "png_signature", data, 0), "bytes").Bytes())
	var types []string
	var idat []byte
	off := int64(8)
	for off < int64(len(data)) {
		ch := unpackAt(t, spec, "png_chunk", data, off)
		typ := field(t, ch, "type").Text()
		body := field(t, ch, "data").Bytes()
		types = append(types, typ)
		assert.Equal(t, uint64(len(body)), u64(t, ch, "length"))
		assert.Equal(t, uint64(crc32.ChecksumIEEE(append([]byte(typ), body...))), u64(t, ch, "crc"), typ)
		if typ == "IDAT" {
			idat = append(idat, body...)
		}
		off += ch.Size()
	}
	assert.Equal(t, int64(len(data)), off)
	assert.Equal(t, "IHDR", types[0])
	assert.Equal(t, "IEND", types[len(types)-1])
	assert.Contains(t, types, "IDAT")

	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	require.NoError(t, err)
	ih := unpackAt(t, spec, "png_ihdr", data, 16)
	assert.Equal(t, uint64(cfg.Width), u64(t, ih, "width"))
	assert.Equal(t, uint64(cfg.Height), u64(t, ih, "height"))
	ct, _ := field(t, ih, "color_type").EnumName()
	assert.Equal(t, "PNG_RGBA", ct) // NRGBA is stored as 8-bit RGBA
	zr, err := zlib.NewReader(bytes.NewReader(idat))
	require.NoError(t, err)
	rows, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Len(t, rows, cfg.Height*(1+4*cfg.Width)) // a filter byte and RGBA pixels per row

	if file, err := exec.LookPath("file"); err == nil {
		out, err := exec.Command(file, "-b", path).Output()
		require.NoError(t, err)
		interlace, _ := field(t, ih, "interlace").EnumName()
		assert.Equal(t, fmt.Sprintf("PNG image data, %d x %d, %d-bit/color RGBA, %s", u64(t, ih, "width"), u64(t, ih, "height"),
			u64(t, ih, "bit_depth"), map[string]string{"PNG_INTERLACE_NONE": "non-interlaced", "PNG_INTERLACE_ADAM7": "interlaced"}[interlace]),
			strings.TrimSpace(string(out)))
	} else {
		t.Log("file(1) is not installed: IHDR checked against image/png only")
	}
}

// TestExampleExt4 makes a file system image with mkfs.ext4 and reads its
// superblock with ext4.h, against dumpe2fs -h: counts, sizes, UUIDs,
// features, times, the checksum in its last 4 bytes.
func TestExampleExt4(t *testing.T) {
	mkfs, err1 := exec.LookPath("mkfs.ext4")
	dumpe2fs, err2 := exec.LookPath("dumpe2fs")
	if err1 != nil || err2 != nil {
		t.Skip("mkfs.ext4 or dumpe2fs is not installed (e2fsprogs)")
	}
	img := filepath.Join(t.TempDir(), "fs.img")
	out, err := exec.Command(mkfs, "-q", "-F", "-L", "cstructfs", "-b", "1024", "-N", "64", img, "4M").CombinedOutput()
	require.NoError(t, err, "%s", out)
	cmd := exec.Command(dumpe2fs, "-h", img)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	view, err := cmd.Output()
	require.NoError(t, err)
	want := map[string]string{}
	for _, line := range strings.Split(string(view), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			want[k] = strings.TrimSpace(v)
		}
	}
	data, err := os.ReadFile(img)
	require.NoError(t, err)
	spec := loadExample(t, "ext4.h")
	sb := unpackAt(t, spec, "ext4_super_block", data, 1024)
	require.EqualValues(t, 1024, sb.Size())
	num := func(p string) string { return fmt.Sprint(field(t, sb, p).Int()) }
	uuid := func(b []byte) string {
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	}
	date := func(p string) string {
		return time.Unix(field(t, sb, p).Int(), 0).UTC().Format("Mon Jan _2 15:04:05 2006")
	}
	var seed []byte
	for i := 0; i < 4; i++ {
		seed = append(seed, field(t, sb, fmt.Sprintf("s_hash_seed[%d]", i)).Bytes()...)
	}
	got := map[string]string{
		"Filesystem volume name":  field(t, sb, "s_volume_name").Text(),
		"Filesystem UUID":         uuid(field(t, sb, "s_uuid").Bytes()),
		"Filesystem magic number": fmt.Sprintf("0x%04X", u64(t, sb, "s_magic")),
		"Inode count":             num("s_inodes_count"),
		"Block count":             num("s_blocks_count_lo"),
		"Reserved block count":    num("s_r_blocks_count_lo"),
		"Overhead clusters":       num("s_overhead_clusters"),
		"Free blocks":             num("s_free_blocks_count_lo"),
		"Free inodes":             num("s_free_inodes_count"),
		"First block":             num("s_first_data_block"),
		"Block size":              fmt.Sprint(1024 << u64(t, sb, "s_log_block_size")),
		"Group descriptor size":   num("s_desc_size"),
		"Reserved GDT blocks":     num("s_reserved_gdt_blocks"),
		"Blocks per group":        num("s_blocks_per_group"),
		"Inodes per group":        num("s_inodes_per_group"),
		"Flex block group size":   fmt.Sprint(1 << u64(t, sb, "s_log_groups_per_flex")),
		"Filesystem created":      date("s_mkfs_time"),
		"Last write time":         date("s_wtime"),
		"Mount count":             num("s_mnt_count"),
		"Maximum mount count":     num("s_max_mnt_count"),
		"Lifetime writes":         fmt.Sprintf("%d kB", u64(t, sb, "s_kbytes_written")),
		"First inode":             num("s_first_ino"),
		"Inode size":              num("s_inode_size"),
		"Required extra isize":    num("s_min_extra_isize"),
		"Desired extra isize":     num("s_want_extra_isize"),
		"Journal inode":           num("s_journal_inum"),
		"Directory Hash Seed":     uuid(seed),
		"Checksum":                fmt.Sprintf("0x%08x", u64(t, sb, "s_checksum")),
		"Filesystem revision #":   num("s_rev_level") + " (dynamic)",
		"Default directory hash":  "half_md4",
		"Filesystem features":     "",
	}
	hash, _ := field(t, sb, "s_def_hash_version").EnumName()
	assert.Equal(t, "EXT4_HASH_HALF_MD4", hash)
	// the feature flags by e2fsprogs' names, in dumpe2fs's order
	names := map[string]string{"EXTENTS": "extent", "RECOVER": "needs_recovery", "GDT_CSUM": "uninit_bg",
		"CSUM_SEED": "metadata_csum_seed", "LARGEDIR": "large_dir", "READONLY": "read-only"}
	var features []string
	for _, p := range []string{"s_feature_compat", "s_feature_incompat", "s_feature_ro_compat"} {
		set, _ := field(t, sb, p).EnumName()
		for _, f := range strings.Split(set, "|") {
			_, f, _ = strings.Cut(f, "COMPAT_")
			if n, ok := names[f]; ok {
				f = n
			}
			features = append(features, strings.ToLower(f))
		}
	}
	got["Filesystem features"] = strings.Join(features, " ")
	for k, v := range got {
		assert.Equal(t, want[k], v, "dumpe2fs %q", k)
	}
}
