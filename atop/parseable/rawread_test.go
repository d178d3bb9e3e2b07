package parseable

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/defs"
)

// rawFile is a minimal raw log reader for the tests, independent of the
// atop package: header, then the samples with their parts inflated.
type rawFile struct {
	hdr     headerInfo
	samples []*sampleInput
}

func readRaw(name string) (*rawFile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	le := binary.LittleEndian
	av := le.Uint16(data[4:])
	version := fmt.Sprintf("%d.%d", av>>8&0x7f, av&0xff)
	spec, err := (&cstruct.Config{}).ParseFS(defs.Atop, "atop/"+version+"/atop.h")
	if err != nil {
		return nil, err
	}
	lookup := func(n string) cstruct.Type {
		t, err := spec.Lookup(n)
		if err != nil {
			return nil
		}
		return t
	}
	rh, err := spec.Unpack(lookup("struct rawheader"), data[:480])
	if err != nil {
		return nil, err
	}
	f := &rawFile{}
	get := func(v cstruct.Value, p string) cstruct.Value {
		x, err := v.Lookup(p)
		if err != nil {
			panic(err)
		}
		return x
	}
	f.hdr = headerInfo{
		version:  version,
		host:     get(rh, "utsname.nodename").Text(),
		hertz:    int64(get(rh, "hertz").Uint()),
		pagesize: int64(get(rh, "pagesize").Uint()),
		support:  uint32(get(rh, "supportflags").Int()),
	}
	sstatT, tstatT, cstatT, recT := lookup("struct sstat"), lookup("struct tstat"), lookup("struct cstat"), lookup("struct rawrecord")
	tsize := tstatT.Size()
	inflate := func(b []byte, n int) ([]byte, error) {
		zr, err := zlib.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		out := make([]byte, n)
		_, err = io.ReadFull(zr, out)
		return out, err
	}
	off := 480
	for off+96 <= len(data) {
		rr, err := spec.Unpack(recT, data[off:off+96])
		if err != nil {
			return nil, err
		}
		u := func(p string) int {
			x, err := rr.Lookup(p)
			if err != nil {
				return 0
			}
			return int(x.Uint())
		}
		scomp, pcomp, ccomp, icomp := u("scomplen"), u("pcomplen"), u("ccomplen"), u("icomplen")
		nd, corig, ncg, npid := u("ndeviat"), u("coriglen"), u("ncgroups"), u("ncgpids")
		p := off + 96
		sb := data[p : p+scomp]
		tb := data[p+scomp : p+scomp+pcomp]
		cb := data[p+scomp+pcomp : p+scomp+pcomp+ccomp]
		ib := data[p+scomp+pcomp+ccomp : p+scomp+pcomp+ccomp+icomp]
		in := &sampleInput{
			curtime:  get(rr, "curtime").Int(),
			interval: int64(u("interval")),
			flags:    uint16(u("flags")),
		}
		in.system = func() (cstruct.Value, error) {
			b, err := inflate(sb, int(sstatT.Size()))
			if err != nil {
				return cstruct.Value{}, err
			}
			return spec.Unpack(sstatT, b)
		}
		in.tasks = func() ([]cstruct.Value, error) {
			b, err := inflate(tb, nd*int(tsize))
			if err != nil {
				return nil, err
			}
			var ts []cstruct.Value
			for i := 0; i < nd; i++ {
				v, err := spec.Unpack(tstatT, b[i*int(tsize):(i+1)*int(tsize)])
				if err != nil {
					return nil, err
				}
				ts = append(ts, v)
			}
			return ts, nil
		}
		in.cgroups = func() ([]cgroupData, error) {
			if ccomp == 0 {
				return nil, nil
			}
			cbuf, err := inflate(cb, corig)
			if err != nil {
				return nil, err
			}
			ibuf, err := inflate(ib, 4*npid)
			if err != nil {
				return nil, err
			}
			var cgs []cgroupData
			var names []string
			var parents []int
			o, po := 0, 0
			for i := 0; i < ncg; i++ {
				sl := int(le.Uint32(cbuf[o:]))
				v, err := spec.Unpack(cstatT, cbuf[o:o+sl])
				if err != nil {
					return nil, err
				}
				nameb := cbuf[o+432 : o+sl]
				if j := bytes.IndexByte(nameb, 0); j >= 0 {
					nameb = nameb[:j]
				}
				np := int(get(v, "gen.nprocs").Int())
				var pids []int32
				for k := 0; k < np; k++ {
					pids = append(pids, int32(le.Uint32(ibuf[4*(po+k):])))
				}
				po += np
				names = append(names, string(nameb))
				parents = append(parents, int(get(v, "gen.parentseq").Int()))
				cgs = append(cgs, cgroupData{cstat: v, pids: pids})
				o += sl
			}
			for i := range cgs {
				var parts []string
				for j := i; parents[j] != -1; j = parents[j] {
					parts = append([]string{names[j]}, parts...)
				}
				cgs[i].path = "/" + strings.Join(parts, "/")
			}
			return cgs, nil
		}
		f.samples = append(f.samples, in)
		off = p + scomp + pcomp + ccomp + icomp
	}
	return f, nil
}
