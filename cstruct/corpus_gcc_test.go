package cstruct

import (
	"debug/dwarf"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
)

// corpusGlibc are the glibc headers of the corpus: the ones that forensic
// work reads records with, and the ones they pull in.
var corpusGlibc = []string{
	"elf.h", "link.h", "utmp.h", "utmpx.h", "lastlog.h", "dirent.h", "time.h", "pwd.h", "grp.h",
	"shadow.h", "gshadow.h", "fstab.h", "mntent.h", "tar.h", "ar.h", "a.out.h", "paths.h", "stdint.h",
	"inttypes.h", "stddef.h", "stdarg.h", "limits.h", "stdio.h", "stdlib.h", "string.h", "signal.h",
	"fcntl.h", "unistd.h", "termios.h", "wchar.h", "locale.h", "sched.h", "pthread.h", "dlfcn.h",
	"syslog.h", "regex.h", "glob.h", "aio.h", "semaphore.h", "utime.h", "search.h", "ftw.h", "fts.h",
	"netdb.h", "ifaddrs.h", "poll.h", "spawn.h", "wait.h", "byteswap.h", "endian.h", "errno.h",
	"sys/stat.h", "sys/types.h", "sys/time.h", "sys/socket.h", "sys/un.h", "sys/user.h",
	"sys/procfs.h", "sys/resource.h", "sys/sysinfo.h", "sys/utsname.h", "sys/statfs.h",
	"sys/statvfs.h", "sys/inotify.h", "sys/epoll.h", "sys/timex.h", "sys/times.h", "sys/acct.h",
	"sys/mman.h", "sys/ipc.h", "sys/shm.h", "sys/msg.h", "sys/sem.h", "sys/uio.h", "sys/wait.h",
	"sys/ptrace.h", "sys/ucontext.h", "sys/vfs.h", "sys/mount.h", "sys/file.h", "sys/select.h",
	"sys/signalfd.h", "sys/timerfd.h", "sys/eventfd.h", "sys/quota.h", "sys/xattr.h", "sys/auxv.h",
	"sys/fanotify.h", "sys/reg.h", "sys/timeb.h", "sys/sysmacros.h",
	"netinet/in.h", "netinet/ip.h", "netinet/ip6.h", "netinet/tcp.h", "netinet/udp.h",
	"netinet/ip_icmp.h", "netinet/icmp6.h", "netinet/if_ether.h", "netinet/ether.h",
	"netinet/igmp.h", "netinet/in_systm.h", "netinet/if_fddi.h", "netinet/if_tr.h",
	"net/if.h", "net/if_arp.h", "net/ethernet.h", "net/route.h", "net/if_packet.h", "net/if_ppp.h",
	"net/if_slip.h", "net/ppp_defs.h", "arpa/inet.h", "arpa/nameser.h", "arpa/ftp.h", "arpa/tftp.h",
	"arpa/telnet.h",
}

// corpusHeaders lists the corpus: every header under /usr/include/linux and
// the glibc headers above that exist here.
func corpusHeaders() []string {
	var out []string
	filepath.WalkDir("/usr/include/linux", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".h") {
			out = append(out, strings.TrimPrefix(p, "/usr/include/"))
		}
		return nil
	})
	for _, h := range corpusGlibc {
		if _, err := os.Stat("/usr/include/" + h); err == nil {
			out = append(out, h)
		} else if _, err := os.Stat("/usr/include/x86_64-linux-gnu/" + h); err == nil {
			out = append(out, h)
		}
	}
	sort.Strings(out)
	return out
}

// corpusLoad is one header loaded with the host target.
type corpusLoad struct {
	header string
	spec   *Spec
	err    error
}

// TestSystemHeadersGCC loads every header of the corpus alone with
// HostTarget and natural layout, as "#include <h>" would, and compares
// every struct and union type it defines with gcc's layout of the same
// header: the DWARF of an object gcc compiles (sizes, offsets, bit offsets
// and widths of every member, nested ones included) and an _Alignof table.
// A header that gcc cannot compile alone is not part of the corpus.
func TestSystemHeadersGCC(t *testing.T) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		t.Skip("gcc not found: the system-header corpus needs gcc")
	}
	if testing.Short() {
		t.Skip("-short: the system-header corpus takes a while")
	}
	headers := corpusHeaders()
	if len(headers) < 100 {
		t.Skipf("only %d system headers here", len(headers))
	}
	cfg := Config{Natural: true, Target: HostTarget(LP64)}
	loads := make([]corpusLoad, len(headers))
	parallel(len(headers), func(i int) {
		h := headers[i]
		s := NewSpec(cfg)
		err := s.Load("corpus.c", []byte("#include <"+h+">\n"))
		loads[i] = corpusLoad{header: h, spec: s, err: err}
	})

	g := &gccCorpus{gcc: gcc, dir: t.TempDir()}
	var ok []corpusLoad
	failed, notC := 0, 0
	for _, l := range loads {
		if l.err == nil {
			ok = append(ok, l)
			continue
		}
		if !g.compilesAlone(l.header) {
			notC++
			continue
		}
		failed++
		t.Errorf("%s: gcc compiles it, we do not: %v", l.header, l.err)
	}

	// Compare layouts, a batch of headers per gcc run.
	var structs, members, mismatched int
	batches := chunk(ok, 48)
	results := make([][]string, len(batches))
	counts := make([][2]int, len(batches))
	parallel(len(batches), func(i int) {
		results[i], counts[i] = g.compare(batches[i])
	})
	for i := range batches {
		for _, r := range results[i] {
			if h, ok := strings.CutPrefix(r, "skip "); ok {
				t.Logf("%s: gcc cannot compile it alone, we load it", h)
				notC++
				continue
			}
			t.Error(r)
			mismatched++
		}
		structs += counts[i][0]
		members += counts[i][1]
	}
	corpus := len(headers) - notC
	t.Logf("%d headers, %d that gcc compiles alone: %d load, %d do not; %d struct/union layouts with %d members compared with gcc, %d differ",
		len(headers), corpus, corpus-failed, failed, structs, members, mismatched)
}

// parallel runs f(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, f func(int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

func chunk[T any](s []T, n int) [][]T {
	var out [][]T
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

// gccCorpus compiles headers with gcc.
type gccCorpus struct {
	gcc string
	dir string
	mu  sync.Mutex
	n   int
}

func (g *gccCorpus) file(ext string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	return filepath.Join(g.dir, fmt.Sprintf("c%d%s", g.n, ext))
}

// compilesAlone reports whether gcc compiles "#include <h>".
func (g *gccCorpus) compilesAlone(h string) bool {
	src := g.file(".c")
	if os.WriteFile(src, []byte("#include <"+h+">\n"), 0o644) != nil {
		return false
	}
	return exec.Command(g.gcc, "-fsyntax-only", "-w", src).Run() == nil
}

// corpusTag is a struct or union tag our spec defines, with our layout.
type corpusTag struct {
	key    string // "struct x"
	layout string
}

// tagsOf returns the complete tagged structs and unions of a spec.
func tagsOf(s *Spec) []corpusTag {
	var out []corpusTag
	for name, typ := range s.Types() {
		st, ok := typ.(*Struct)
		if !ok || !st.Defined || st.Tag == "" || !(strings.HasPrefix(name, "struct ") || strings.HasPrefix(name, "union ")) {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s size %d align %d\n", name, st.ByteSize, st.ByteAlign)
		ourLines(&b, st, "", 0)
		out = append(out, corpusTag{key: name, layout: b.String()})
	}
	return out
}

// ourLines writes a line per member: "path offset size", or "path bit B
// width W" for a bit-field; anonymous members are flattened.
func ourLines(b *strings.Builder, st *Struct, prefix string, base int64) {
	for _, f := range st.Fields {
		if f.BitSize > 0 {
			if f.Name != "" {
				fmt.Fprintf(b, "  %s%s bit %d width %d\n", prefix, f.Name, (base+f.Offset)*8+int64(f.BitOffset), f.BitSize)
			}
			continue
		}
		sub, isStruct := As[*Struct](f.Type)
		if f.Name == "" {
			if isStruct {
				ourLines(b, sub, prefix, base+f.Offset)
			}
			continue
		}
		size := f.Type.Size()
		if size < 0 {
			size = 0 // a flexible array member
		}
		fmt.Fprintf(b, "  %s%s %d %d\n", prefix, f.Name, base+f.Offset, size)
		if isStruct {
			ourLines(b, sub, prefix+f.Name+".", base+f.Offset)
		}
	}
}

// compare compiles the batch's headers into one object and compares the
// layouts; it returns the differences and the numbers of structs and
// members compared.
func (g *gccCorpus) compare(batch []corpusLoad) ([]string, [2]int) {
	split := func() ([]string, [2]int) {
		h := len(batch) / 2
		r1, n1 := g.compare(batch[:h])
		r2, n2 := g.compare(batch[h:])
		return append(r1, r2...), [2]int{n1[0] + n2[0], n1[1] + n2[1]}
	}
	tags := map[string]corpusTag{}
	var keys []string
	for _, l := range batch {
		for _, tg := range tagsOf(l.spec) {
			prev, ok := tags[tg.key]
			if !ok {
				keys = append(keys, tg.key)
				tags[tg.key] = tg
			} else if prev.layout != tg.layout {
				// Two headers define the tag differently (glibc's and
				// Linux's struct in6_addr); together only the first counts.
				return split()
			}
		}
	}
	if len(keys) == 0 {
		return nil, [2]int{} // no struct to compare (and an empty DWARF)
	}
	sort.Strings(keys)
	var src strings.Builder
	for _, l := range batch {
		fmt.Fprintf(&src, "#include <%s>\n", l.header)
	}
	for i, k := range keys {
		fmt.Fprintf(&src, "char __cs_align_%d[_Alignof(%s)];\n", i, k)
	}
	obj := g.file(".o")
	c := g.file(".c")
	if err := os.WriteFile(c, []byte(src.String()), 0o644); err != nil {
		return []string{err.Error()}, [2]int{}
	}
	out, err := exec.Command(g.gcc, "-c", "-gdwarf-4", "-O0", "-w", "-fno-eliminate-unused-debug-types", "-o", obj, c).CombinedOutput()
	if err != nil {
		if len(batch) == 1 {
			if !g.compilesAlone(batch[0].header) {
				// not part of the corpus: we load it (an #include <x> that
				// is not found is skipped), gcc does not
				return []string{"skip " + batch[0].header}, [2]int{}
			}
			return []string{fmt.Sprintf("%s: gcc fails on the header with our struct tags (tags differ?): %s", batch[0].header, firstLines(string(out), 3))}, [2]int{}
		}
		return split() // headers that conflict with each other
	}
	theirs, aligns, err := dwarfLayouts(obj)
	if err != nil {
		return []string{fmt.Sprintf("%s (%s, %d headers): %v", obj, batch[0].header, len(batch), err)}, [2]int{}
	}
	var diffs []string
	var n [2]int
	for i, k := range keys {
		tg := tags[k]
		want, ok := theirs[k]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s: not in gcc's DWARF", k))
			continue
		}
		// our first line has the alignment; gcc's comes from the table
		want = strings.Replace(want, "\n", fmt.Sprintf(" align %d\n", aligns[fmt.Sprintf("__cs_align_%d", i)]), 1)
		n[0]++
		n[1] += strings.Count(want, "\n") - 1
		if want != tg.layout {
			diffs = append(diffs, fmt.Sprintf("%s (in %s…): layout differs from gcc\nours:\n%sgcc:\n%s", k, batch[0].header, tg.layout, want))
		}
	}
	return diffs, n
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// dwarfLayouts reads every tagged struct and union of an object's DWARF,
// as ourLines writes them (without the alignment), and the sizes of the
// __cs_align_N arrays.
func dwarfLayouts(obj string) (map[string]string, map[string]int64, error) {
	ef, err := elf.Open(obj)
	if err != nil {
		return nil, nil, err
	}
	defer ef.Close()
	d, err := ef.DWARF()
	if err != nil {
		return nil, nil, err
	}
	layouts := map[string]string{}
	aligns := map[string]int64{}
	r := d.Reader()
	for {
		e, err := r.Next()
		if err != nil {
			return nil, nil, err
		}
		if e == nil {
			break
		}
		switch e.Tag {
		case dwarf.TagStructType, dwarf.TagUnionType:
			name, _ := e.Val(dwarf.AttrName).(string)
			if name == "" || e.Val(dwarf.AttrDeclaration) != nil {
				continue
			}
			typ, err := d.Type(e.Offset)
			if err != nil {
				return nil, nil, err
			}
			st := typ.(*dwarf.StructType)
			var b strings.Builder
			fmt.Fprintf(&b, "%s %s size %d\n", st.Kind, st.StructName, st.ByteSize)
			dwarfLines(&b, st, "", 0)
			layouts[st.Kind+" "+st.StructName] = b.String()
		case dwarf.TagVariable:
			name, _ := e.Val(dwarf.AttrName).(string)
			if !strings.HasPrefix(name, "__cs_align_") {
				continue
			}
			off, _ := e.Val(dwarf.AttrType).(dwarf.Offset)
			typ, err := d.Type(off)
			if err != nil {
				return nil, nil, err
			}
			aligns[name] = typ.Size()
		}
		if e.Children && e.Tag != dwarf.TagCompileUnit {
			r.SkipChildren()
		}
	}
	return layouts, aligns, nil
}

func dwarfLines(b *strings.Builder, st *dwarf.StructType, prefix string, base int64) {
	for _, f := range st.Field {
		if f.BitSize > 0 {
			if f.Name != "" {
				// DWARF 4 (gcc -gdwarf-4): DW_AT_bit_offset counts from the
				// most significant bit of the storage unit
				unit := f.ByteSize
				if unit == 0 {
					unit = f.Type.Size()
				}
				bit := f.ByteOffset*8 + unit*8 - f.BitOffset - f.BitSize
				fmt.Fprintf(b, "  %s%s bit %d width %d\n", prefix, f.Name, base*8+bit, f.BitSize)
			}
			continue
		}
		sub, isStruct := dwarfStruct(f.Type)
		if f.Name == "" {
			if isStruct {
				dwarfLines(b, sub, prefix, base+f.ByteOffset)
			}
			continue
		}
		size := f.Type.Size()
		if size < 0 {
			size = 0
		}
		fmt.Fprintf(b, "  %s%s %d %d\n", prefix, f.Name, base+f.ByteOffset, size)
		if isStruct {
			dwarfLines(b, sub, prefix+f.Name+".", base+f.ByteOffset)
		}
	}
}

// dwarfStruct sees through typedefs and qualifiers to a struct or union.
func dwarfStruct(t dwarf.Type) (*dwarf.StructType, bool) {
	for {
		switch u := t.(type) {
		case *dwarf.StructType:
			return u, true
		case *dwarf.TypedefType:
			t = u.Type
		case *dwarf.QualType:
			t = u.Type
		default:
			return nil, false
		}
	}
}
