package export

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"io/fs"
	"math/rand/v2"
	"path"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/defs"
)

// TestCompiledMatchesTree is the judge of the compiled programs: on random
// records of every struct atop writes, of every version, in both byte
// orders, with and without the reserved fields, they write the bytes that
// the schema tree writes through Values.
func TestCompiledMatchesTree(t *testing.T) {
	entries, err := fs.ReadDir(defs.Atop, "atop")
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	checked := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		spec, err := (&cstruct.Config{}).ParseFS(defs.Atop, path.Join("atop", e.Name(), "atop.h"))
		require.NoError(t, err, e.Name())
		for _, name := range []string{"struct sstat", "struct tstat", "struct cstat", "struct rawrecord"} {
			typ, err := spec.Lookup(name)
			if err != nil {
				continue
			}
			size := typ.Size()
			for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
				for _, reserved := range []bool{false, true} {
					for k := 0; k < 3; k++ {
						b := make([]byte, size+8)
						for i := range b {
							switch rng.IntN(4) {
							case 0:
								b[i] = byte(rng.Uint32())
							case 1:
								b[i] = byte('a' + rng.IntN(26))
							}
						}
						if k == 0 {
							clear(b) // counts of zero, empty names
						}
						v, err := spec.UnpackWith(typ, b, cstruct.Options{Order: order})
						require.NoError(t, err)
						what := e.Name() + " " + name + " " + order.String()
						skip := name == "struct rawrecord"
						fields := schemaOf(typ, reserved)
						var want []byte
						for _, n := range fields {
							if skip && rawrecordSkip[n.name] {
								continue
							}
							want = append(want, ',')
							want = cstruct.AppendJSONString(want, n.name)
							want = append(want, ':')
							want = n.appendJSON(want, v)
						}
						got := jsonProgOf(spec, v, reserved, skip).appendJSON(nil, v.Bytes(), v)
						require.Equal(t, string(want), string(got), what)

						cols := flatten(fields, "", nil)
						ops := compileColumns(spec, v, cols)
						for i := range cols {
							field := cols[i].appendCSV(nil, v)
							var w bytes.Buffer
							cw := csv.NewWriter(&w)
							require.NoError(t, cw.Write([]string{string(field)}))
							cw.Flush()
							require.Equal(t, w.String(), string(ops[i].appendCSV(nil, v.Bytes(), v))+"\n", what+" "+cols[i].name)
						}
						checked++
					}
				}
			}
		}
	}
	assert.Greater(t, checked, 400)
}

// TestCSVQuoting compares appendCSVField with encoding/csv on strings made
// of the characters that matter.
func TestCSVQuoting(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", " ", ",", "\"", "\n", "\r", "\\", ".", "\t", "\u00a0", "\u2028", "é", "\xff", "x"}
	check := func(s string) {
		var w bytes.Buffer
		cw := csv.NewWriter(&w)
		require.NoError(t, cw.Write([]string{s, "z"}))
		cw.Flush()
		got := appendCSVField(nil, []byte(s))
		assert.Equal(t, w.String(), string(got)+",z\n", "%q", s)
	}
	for _, s := range []string{"", `\.`, `\`, ".", " ", "\u3000x", "a b"} {
		check(s)
	}
	for range 20000 {
		var b []byte
		for range rng.IntN(6) {
			b = append(b, alphabet[rng.IntN(len(alphabet))]...)
		}
		check(string(b))
	}
}

func FuzzCSVQuoting(f *testing.F) {
	f.Add("a,b")
	f.Add(" x")
	f.Add(`\.`)
	f.Fuzz(func(t *testing.T, s string) {
		var w bytes.Buffer
		cw := csv.NewWriter(&w)
		if err := cw.Write([]string{s}); err != nil {
			t.Skip()
		}
		cw.Flush()
		if got := string(appendCSVField(nil, []byte(s))) + "\n"; got != w.String() {
			t.Fatalf("%q: csv %q, ours %q", s, w.String(), got)
		}
	})
}
