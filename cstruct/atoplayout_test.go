package cstruct_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cstructgo/cstruct/cstruct"
	"github.com/cstructgo/cstruct/defs"
)

// gccLayout is one file of testdata/layouts: gcc's own layout of atop's
// structs for one release, read from DWARF.
type gccLayout map[string]struct {
	Size   int64 `json:"size"`
	Fields []struct {
		Path   string `json:"path"`
		Offset int64  `json:"offset"`
		Size   int64  `json:"size"`
		Type   string `json:"type"`
		Count  int64  `json:"count"`
	} `json:"fields"`
}

var versionRE = regexp.MustCompile(`atop-(\d+)\.(\d+)\.\d+\.json$`)

// TestAtopLayouts checks that the shipped .h files, read in natural mode,
// give every field of every atop struct the offset, size and type that gcc
// gives it, for every version.
func TestAtopLayouts(t *testing.T) {
	files, err := filepath.Glob("../testdata/layouts/atop-*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		m := versionRE.FindStringSubmatch(file)
		require.NotNil(t, m, file)
		version := m[1] + "." + m[2]
		t.Run(version, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			var lay gccLayout
			require.NoError(t, json.Unmarshal(raw, &lay))
			// natural mode, and the default packed mode in which the files'
			// own "#pragma pack(8)" must give the same layout
			for _, natural := range []bool{true, false} {
				spec, err := (&cstruct.Config{Natural: natural}).ParseFS(defs.Atop, "atop/"+version+"/atop.h")
				require.NoError(t, err)
				checkLayout(t, spec, lay)
			}
		})
	}
}

func checkLayout(t *testing.T, spec *cstruct.Spec, lay gccLayout) {
	t.Helper()
	checked := 0
	for name, st := range lay {
		typ, err := spec.Lookup("struct " + name)
		require.NoError(t, err)
		size, err := cstruct.Sizeof(typ)
		require.NoError(t, err, name)
		assert.Equal(t, st.Size, size, "sizeof(struct %s)", name)
		for _, f := range st.Fields {
			off, ft, err := resolvePath(typ, f.Path)
			if !assert.NoError(t, err, "%s.%s", name, f.Path) {
				continue
			}
			assert.Equal(t, f.Offset, off, "offset of %s.%s", name, f.Path)
			fs := ft.Size()
			if arr, ok := cstruct.As[*cstruct.Array](ft); ok && arr.Kind == cstruct.Flexible {
				fs = 0
			}
			assert.Equal(t, f.Size, fs, "size of %s.%s", name, f.Path)
			assert.NoError(t, sameCType(f.Type, ft), "type of %s.%s", name, f.Path)
			checked++
		}
	}
	assert.Greater(t, checked, 300)
}

// resolvePath walks a dotted path with [i] indexes through a type.
func resolvePath(t cstruct.Type, path string) (int64, cstruct.Type, error) {
	var off int64
	for _, part := range strings.Split(path, ".") {
		name, idx, _ := strings.Cut(part, "[")
		st, ok := cstruct.As[*cstruct.Struct](t)
		if !ok {
			return 0, nil, fmt.Errorf("%s is not a struct", t)
		}
		f, fpath, ok := st.FieldByName(name)
		if !ok {
			return 0, nil, fmt.Errorf("%s has no field %q", st, name)
		}
		cur := st
		for _, i := range fpath {
			off += cur.Fields[i].Offset
			if next, ok := cstruct.As[*cstruct.Struct](cur.Fields[i].Type); ok {
				cur = next
			}
		}
		t = f.Type
		if idx != "" {
			i, err := strconv.ParseInt(strings.TrimSuffix(idx, "]"), 10, 64)
			if err != nil {
				return 0, nil, err
			}
			arr, ok := cstruct.As[*cstruct.Array](t)
			if !ok {
				return 0, nil, fmt.Errorf("%s is not an array", t)
			}
			off += i * arr.Elem.Size()
			t = arr.Elem
		}
	}
	return off, t, nil
}

// sameCType compares a gcc type spelling ("[16]char", "short unsigned int",
// "count_t", "[2048]struct percpu") with a resolved type.
func sameCType(gcc string, t cstruct.Type) error {
	for strings.HasPrefix(gcc, "[") {
		end := strings.IndexByte(gcc, ']')
		n, _ := strconv.ParseInt(gcc[1:end], 10, 64)
		arr, ok := cstruct.As[*cstruct.Array](t)
		if !ok {
			return fmt.Errorf("gcc has an array %s, we have %s", gcc, t)
		}
		if arr.Kind == cstruct.Fixed && arr.Len != n {
			return fmt.Errorf("gcc has %d elements, we have %d", n, arr.Len)
		}
		gcc, t = gcc[end+1:], arr.Elem
	}
	if td, ok := t.(*cstruct.Typedef); ok && (gcc == td.Name) {
		return nil
	}
	switch gcc {
	case "count_t": // a typedef of the .h files
		return fmt.Errorf("gcc has typedef %s, we have %s", gcc, t)
	case "time_t", "int32_t": // built-in names: signed integers
		gcc = "int"
	}
	u := cstruct.Underlying(t)
	if tag, ok := strings.CutPrefix(gcc, "struct "); ok {
		st, isStruct := u.(*cstruct.Struct)
		if !isStruct || st.Tag != tag {
			return fmt.Errorf("gcc has %s, we have %s", gcc, t)
		}
		return nil
	}
	if gcc == "char" {
		if _, ok := u.(*cstruct.Char); !ok {
			return fmt.Errorf("gcc has char, we have %s", t)
		}
		return nil
	}
	if gcc == "float" || gcc == "double" {
		if _, ok := u.(*cstruct.Float); !ok {
			return fmt.Errorf("gcc has %s, we have %s", gcc, t)
		}
		return nil
	}
	it, ok := u.(*cstruct.Int)
	if !ok {
		return fmt.Errorf("gcc has %s, we have %s", gcc, t)
	}
	signed := !strings.Contains(gcc, "unsigned")
	if it.Signed != signed {
		return fmt.Errorf("gcc has %s, we have %s (signed=%v)", gcc, t, it.Signed)
	}
	return nil
}
