package atop

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/defs"
)

// Version is an atop release as a raw log records it: major and minor
// number (the patch level is not stored: 2.7.0 and 2.7.1 write 2.7).
type Version struct{ Major, Minor int }

func (v Version) String() string { return strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor) }

// AVersion is the header's encoding of v: 0x8000 | major<<8 | minor.
func (v Version) AVersion() uint16 { return 0x8000 | uint16(v.Major&0x7f)<<8 | uint16(v.Minor&0xff) }

func (v Version) compare(w Version) int {
	if v.Major != w.Major {
		return v.Major - w.Major
	}
	return v.Minor - w.Minor
}

// versionOf decodes aversion the way atop does.
func versionOf(aversion uint16) Version {
	return Version{Major: int(aversion>>8) & 0x7f, Minor: int(aversion & 0xff)}
}

// parseVersion reads a directory name such as "2.10".
func parseVersion(s string) (Version, bool) {
	maj, min, ok := strings.Cut(s, ".")
	if !ok {
		return Version{}, false
	}
	a, err1 := strconv.Atoi(maj)
	b, err2 := strconv.Atoi(min)
	if err1 != nil || err2 != nil || a < 0 || a > 0x7f || b < 0 || b > 0xff {
		return Version{}, false
	}
	return Version{a, b}, true
}

// Versions lists the versions the embedded definitions cover, oldest first.
func Versions() []Version { return versionsIn(defs.Atop) }

// versionsIn lists the version directories of fsys that have an atop.h, in
// either layout (VERSION/atop.h or atop/VERSION/atop.h).
func versionsIn(fsys fs.FS) []Version {
	var vs []Version
	for _, dir := range []string{".", "atop"} {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			v, ok := parseVersion(e.Name())
			if !ok || !e.IsDir() || slices.Contains(vs, v) {
				continue
			}
			if _, err := fs.Stat(fsys, path.Join(dir, e.Name(), "atop.h")); err == nil {
				vs = append(vs, v)
			}
		}
	}
	slices.SortFunc(vs, Version.compare)
	return vs
}

// knownVersions names the versions there are definitions for: the embedded
// ones and those in dir.
func knownVersions(dir string) []string {
	vs := Versions()
	if dir != "" {
		for _, v := range versionsIn(os.DirFS(dir)) {
			if !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
		slices.SortFunc(vs, Version.compare)
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.String()
	}
	return out
}

// errNoDefs means there is no definition file for a version.
var errNoDefs = errors.New("no definitions")

// findDefs locates the entry file of version v: in dir (either layout)
// first, then in the embedded definitions.
func findDefs(dir string, v Version) (fsys fs.FS, name, source string, err error) {
	if dir != "" {
		dfs := os.DirFS(dir)
		for _, n := range []string{v.String() + "/atop.h", "atop/" + v.String() + "/atop.h"} {
			if _, err := fs.Stat(dfs, n); err == nil {
				return dfs, n, path.Join(dir, n), nil
			}
		}
		if len(versionsIn(dfs)) == 0 {
			return nil, "", "", fmt.Errorf("atop: no atop definitions in %s (want %s/%s/atop.h or %s/atop/%s/atop.h)", dir, dir, v, dir, v)
		}
	}
	n := "atop/" + v.String() + "/atop.h"
	if _, err := fs.Stat(defs.Atop, n); err != nil {
		return nil, "", "", errNoDefs
	}
	return defs.Atop, n, "embedded " + n, nil
}

// layout is what one version's definitions say: the parsed Spec, the five
// on-disk structs, their sizes, and the field paths the reader uses.
type layout struct {
	version Version
	spec    *cstruct.Spec
	source  string // where the definitions came from, for messages

	header, record, sstat, tstat, cstat cstruct.Type // cstat is nil before 2.11
	headerSize, recordSize              int64
	sstatSize, tstatSize, cstatSize     int64

	hdr headerFields
	rec recordFields
	tf  taskFields
	cg  cgroupFields
}

type layoutKey struct {
	dir     string
	defines string // canonical form of the predefined macros
	version Version
	stamp   uint64 // of the definition files in dir
}

type layoutEntry struct {
	once sync.Once
	l    *layout
	err  error
}

// layouts caches parsed definitions: parsing a version's headers costs far
// more than reading a small log.
var layouts struct {
	sync.Mutex
	m map[layoutKey]*layoutEntry
}

// loadLayout returns the (cached) layout of version v, from dir or the
// embedded definitions. Definitions from dir are cached by their contents,
// so that an edited file is read again, and a failure with them is not
// cached at all.
func loadLayout(dir string, defines map[string]string, v Version) (*layout, error) {
	key := layoutKey{dir: dir, defines: canonicalDefines(defines), version: v}
	if dir != "" {
		key.stamp = stamp(dir)
	}
	layouts.Lock()
	if layouts.m == nil {
		layouts.m = make(map[layoutKey]*layoutEntry)
	}
	e := layouts.m[key]
	if e == nil {
		e = new(layoutEntry)
		layouts.m[key] = e
	}
	layouts.Unlock()
	e.once.Do(func() { e.l, e.err = parseLayout(dir, defines, v) })
	if e.err != nil && dir != "" {
		layouts.Lock()
		if layouts.m[key] == e {
			delete(layouts.m, key)
		}
		layouts.Unlock()
	}
	return e.l, e.err
}

// canonicalDefines renders macros in a stable order, for the cache key.
func canonicalDefines(defines map[string]string) string {
	keys := make([]string, 0, len(defines))
	for k := range defines {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + defines[k] + "\x00")
	}
	return b.String()
}

func parseLayout(dir string, defines map[string]string, v Version) (*layout, error) {
	fsys, name, source, err := findDefs(dir, v)
	if err != nil {
		return nil, err
	}
	spec, err := (&cstruct.Config{Defines: defines}).ParseFS(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("atop: definitions %s: %w", source, err)
	}
	l := &layout{version: v, spec: spec, source: source}
	need := []struct {
		name string
		t    *cstruct.Type
		size *int64
	}{
		{"struct rawheader", &l.header, &l.headerSize},
		{"struct rawrecord", &l.record, &l.recordSize},
		{"struct sstat", &l.sstat, &l.sstatSize},
		{"struct tstat", &l.tstat, &l.tstatSize},
		{"struct cstat", &l.cstat, &l.cstatSize},
	}
	for _, n := range need {
		t, err := spec.Lookup(n.name)
		if err != nil {
			if n.name == "struct cstat" && errors.Is(err, cstruct.ErrNotFound) {
				continue // before 2.11
			}
			return nil, fmt.Errorf("atop: definitions %s: %w", source, err)
		}
		size, err := cstruct.Sizeof(t)
		if err != nil {
			return nil, fmt.Errorf("atop: definitions %s: %w", source, err)
		}
		*n.t, *n.size = t, size
	}
	l.hdr.resolve(spec, l.header)
	l.rec.resolve(spec, l.record)
	l.tf.resolve(spec, l.tstat)
	if l.cstat != nil {
		l.cg.resolve(spec, l.cstat)
	}
	if !l.hdr.magic.ok() || !l.hdr.aversion.ok() || !l.rec.scomplen.ok() || !l.rec.pcomplen.ok() || !l.rec.ndeviat.ok() || !l.rec.curtime.ok() {
		return nil, fmt.Errorf("atop: definitions %s: rawheader or rawrecord lacks magic, aversion, curtime, scomplen, pcomplen or ndeviat", source)
	}
	if l.cstat != nil && (!l.cg.structlen.ok() || !l.cg.nprocs.ok()) {
		return nil, fmt.Errorf("atop: definitions %s: cstat lacks gen.structlen or gen.nprocs", source)
	}
	return l, nil
}

// field is a field found by name once per layout, as an accessor for each
// byte order a file may have (a Value says which it was unpacked with).
// The zero field is one the version lacks: it reads as 0 or "".
type field struct {
	acc     [2]cstruct.Accessor // little-endian, big-endian
	integer bool                // Int and Uint apply
	isText  bool                // a char or a char array
}

func (f *field) ok() bool { return f.acc[0].IsValid() }

// resolveField finds a dotted path ("gen.pid") in t; the zero field if any
// part is missing.
func resolveField(spec *cstruct.Spec, t cstruct.Type, path string) field {
	le, err1 := spec.Accessor(t, path, binary.LittleEndian)
	be, err2 := spec.Accessor(t, path, binary.BigEndian)
	if err1 != nil || err2 != nil {
		return field{}
	}
	f := field{acc: [2]cstruct.Accessor{le, be}, integer: le.IsInteger()}
	switch u := cstruct.Underlying(le.Type()).(type) {
	case *cstruct.Char:
		f.isText = true
	case *cstruct.Array:
		_, f.isText = cstruct.Underlying(u.Elem).(*cstruct.Char)
	}
	return f
}

// of is the accessor for the byte order of v.
func (f *field) of(v cstruct.Value) *cstruct.Accessor {
	if v.ByteOrder() == binary.BigEndian {
		return &f.acc[1]
	}
	return &f.acc[0]
}

// int reads an integer field of the record v; 0 if the version lacks it.
func (f *field) int(v cstruct.Value) int64 {
	if !f.integer || !v.IsValid() {
		return 0
	}
	return f.of(v).Int(v.Bytes())
}

// uint reads an unsigned integer field; 0 if the version lacks it.
func (f *field) uint(v cstruct.Value) uint64 {
	if !f.integer || !v.IsValid() {
		return 0
	}
	return f.of(v).Uint(v.Bytes())
}

// text reads a char array field; "" if the version lacks it.
func (f *field) text(v cstruct.Value) string {
	if !f.isText || !v.IsValid() {
		return ""
	}
	return string(f.of(v).Bytes(v.Bytes()))
}

// resolveAll finds each named field in t.
func resolveAll(spec *cstruct.Spec, t cstruct.Type, fields ...fieldSpec) {
	for _, fs := range fields {
		for _, alt := range strings.Split(fs.names, "|") {
			if f := resolveField(spec, t, alt); f.ok() {
				*fs.dst = f
				break
			}
		}
	}
}

// fieldSpec names a field (alternatives separated by "|", for names that
// changed between versions) and where it goes.
type fieldSpec struct {
	dst   *field
	names string
}

type headerFields struct {
	magic, aversion, rawheadlen, rawreclen, hertz, pidwidth field
	sstatlen, tstatlen, cstatlen, pagesize, supportflags    field
	sysname, nodename, release, osversion, machine          field
	domainname                                              field
}

func (h *headerFields) resolve(spec *cstruct.Spec, t cstruct.Type) {
	resolveAll(spec, t,
		fieldSpec{&h.magic, "magic"},
		fieldSpec{&h.aversion, "aversion"},
		fieldSpec{&h.rawheadlen, "rawheadlen"},
		fieldSpec{&h.rawreclen, "rawreclen"},
		fieldSpec{&h.hertz, "hertz"},
		fieldSpec{&h.pidwidth, "pidwidth"},
		fieldSpec{&h.sstatlen, "sstatlen"},
		fieldSpec{&h.tstatlen, "tstatlen"},
		fieldSpec{&h.cstatlen, "cstatlen"},
		fieldSpec{&h.pagesize, "pagesize"},
		fieldSpec{&h.supportflags, "supportflags"},
		fieldSpec{&h.sysname, "utsname.sysname"},
		fieldSpec{&h.nodename, "utsname.nodename"},
		fieldSpec{&h.release, "utsname.release"},
		fieldSpec{&h.osversion, "utsname.version"},
		fieldSpec{&h.machine, "utsname.machine"},
		fieldSpec{&h.domainname, "utsname.__domainname|utsname.domainname"},
	)
}

type recordFields struct {
	curtime, flags, ncgroups, scomplen, pcomplen, interval, ndeviat field
	nactproc, ntask, totproc, totrun, totslpi, totslpu, totzomb     field
	nexit, noverflow, totidle, ccomplen, coriglen, ncgpids          field
	icomplen                                                        field
}

func (r *recordFields) resolve(spec *cstruct.Spec, t cstruct.Type) {
	resolveAll(spec, t,
		fieldSpec{&r.curtime, "curtime"},
		fieldSpec{&r.flags, "flags"},
		fieldSpec{&r.ncgroups, "ncgroups"},
		fieldSpec{&r.scomplen, "scomplen"},
		fieldSpec{&r.pcomplen, "pcomplen"},
		fieldSpec{&r.interval, "interval"},
		fieldSpec{&r.ndeviat, "ndeviat"},
		fieldSpec{&r.nactproc, "nactproc"},
		fieldSpec{&r.ntask, "ntask"},
		fieldSpec{&r.totproc, "totproc"},
		fieldSpec{&r.totrun, "totrun"},
		fieldSpec{&r.totslpi, "totslpi"},
		fieldSpec{&r.totslpu, "totslpu"},
		fieldSpec{&r.totzomb, "totzomb"},
		fieldSpec{&r.nexit, "nexit"},
		fieldSpec{&r.noverflow, "noverflow"},
		fieldSpec{&r.totidle, "totidle"},
		fieldSpec{&r.ccomplen, "ccomplen"},
		fieldSpec{&r.coriglen, "coriglen"},
		fieldSpec{&r.ncgpids, "ncgpids"},
		fieldSpec{&r.icomplen, "icomplen"},
	)
}

type cgroupFields struct {
	structlen, sequence, parentseq, depth, nprocs, procsbelow field
	namelen, cgname                                           field
}

func (c *cgroupFields) resolve(spec *cstruct.Spec, t cstruct.Type) {
	resolveAll(spec, t,
		fieldSpec{&c.structlen, "gen.structlen"},
		fieldSpec{&c.sequence, "gen.sequence"},
		fieldSpec{&c.parentseq, "gen.parentseq"},
		fieldSpec{&c.depth, "gen.depth"},
		fieldSpec{&c.nprocs, "gen.nprocs"},
		fieldSpec{&c.procsbelow, "gen.procsbelow"},
		fieldSpec{&c.namelen, "gen.namelen"},
		fieldSpec{&c.cgname, "cgname"},
	)
}

// stamp hashes the contents of the version directories in dir (both
// layouts), where definitions and the files they include live.
func stamp(dir string) uint64 {
	h := fnv.New64a()
	fsys := os.DirFS(dir)
	for _, top := range []string{".", "atop"} {
		entries, _ := fs.ReadDir(fsys, top)
		for _, e := range entries {
			if _, ok := parseVersion(e.Name()); !ok || !e.IsDir() {
				continue
			}
			fs.WalkDir(fsys, path.Join(top, e.Name()), func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return nil
				}
				b, _ := fs.ReadFile(fsys, p)
				fmt.Fprintf(h, "%s\x00%d\x00", p, len(b))
				h.Write(b)
				return nil
			})
		}
	}
	return h.Sum64()
}
